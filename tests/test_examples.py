"""Every example script runs at --quick, writes its files and ends with a verdict line.

The five scripts start together (subprocesses, one per script) and each test
waits for its own, so the file costs about the slowest script, not the sum.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VERDICT = re.compile(r"^verdict: (holds|does not hold|unclear) — .+ \(.+\)$")
VIDEO_AND_REPORT = ("{}.mp4", "{}_poster.png", "{}.html")
EXPECTED = {
    "weight_distribution": ("weight_distr.mp4", "weight_distribution_bends.png"),
    "piecewise_deep": ("piecewise_deep_loss.png", "piecewise_deep_fits.png",
                       "piecewise_deep_gzip.png", "piecewise_deep_rank.png",
                       "piecewise_deep_layers.png", "piecewise_deep_dw_correlation.png"),
    "deep_vs_shallow": ("deep_vs_shallow_sinc.png", "deep_vs_shallow_sign.png"),
    "hidden_units": ("hidden_units_grid.png",),
    "optimization_landscape": ("optimization_landscape_grad_norm.png",
                               "optimization_landscape_minimal_ratio.png"),
    "digits_deep_vs_shallow": ("digits_deep_vs_shallow_curves.png",
                               "digits_deep_vs_shallow_final.png"),
    "digits_weight_trajectories": ("digits_weight_trajectories_pca.png",
                                   "digits_weight_trajectories_hive.png"),
    "digits_gradient_norm": ("digits_gradient_norm_curves.png",
                             "digits_gradient_norm_minimal_ratio.png"),
    "random_labels": ("random_labels_curves.png",),
    "batch_size": ("batch_size_accuracy.png",),
    "losses": ("losses_accuracy.png",),
    "initializers": ("initializers_accuracy.png",),
    "layer_convergence": ("layer_convergence_steps.png",),
    "regularization": ("regularization_weights.png",),
    "depth_at_fixed_params": ("depth_at_fixed_params.png",),
    "data_size": ("data_size.png",),
    "imbalance": ("imbalance.png",),
    "memorization": ("memorization.png",),
    "pca_preprocessing": ("pca_preprocessing.png",),
    "activations": ("activations.png",),
    "params_vs_generalization": ("params_vs_generalization.png",),
    "flatness": ("flatness_interpolation.png", "flatness_sensitivity.png"),
    "digits_analyses": ("digits_analyses_curves.png", "digits_analyses_layers.png",
                        "digits_analyses_side.png"),
    "relative_weight_change": ("relative_weight_change_curves.png",
                               "relative_weight_change_depth.png"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every script with --quick in its own folder; {name: (process, folder)}."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    started = {}
    for name in EXPECTED:
        out = tmp_path_factory.mktemp(name)
        proc = subprocess.Popen([sys.executable, str(EXAMPLES / f"{name}.py"), "--quick",
                                 "--out", str(out)], cwd=out, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started[name] = (proc, out)
    yield started
    for proc, _ in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_example_quick_run(runs, name):
    proc, out = runs[name]
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{name} failed:\n{stdout}\n{stderr[-3000:]}"
    lines = stdout.strip().splitlines()
    assert lines and VERDICT.match(lines[-1]), f"{name} did not end with a verdict:\n{stdout}"
    wanted = list(EXPECTED[name]) + [f.format(name) for f in VIDEO_AND_REPORT]
    missing = [f for f in wanted if not (out / f).is_file() or (out / f).stat().st_size == 0]
    assert not missing, f"{name} did not write {missing}; it wrote {sorted(os.listdir(out))}"
    leftovers = [f for f in os.listdir(out) if f.startswith(".") or f.endswith(".tmp")]
    assert not leftovers, f"{name} left temporary files {leftovers}"


def test_verdict_line_format():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import _common
    finally:
        sys.path.remove(str(EXAMPLES))
    assert VERDICT.match(_common.verdict("unclear", "a claim", "x = 1"))
    with pytest.raises(ValueError, match="`status`"):
        _common.verdict("maybe", "a claim", "x = 1")


@pytest.mark.parametrize("numbers, holds_at, fails_at, expected", [
    ([0.7, 0.8, 0.9], 0.6, None, "holds"),            # every seed above: holds
    ([0.1, 0.2, 0.3], 0.6, None, "does not hold"),    # every seed below
    ([0.5, 0.6, 0.7], 0.6, None, "unclear"),          # the spread crosses the level
    ([0.6, 0.6, 0.6], 0.6, None, "holds"),            # on the edge: at the level counts
    ([0.5, 0.55], 0.6, 0.4, "unclear"),               # between the two levels
    ([0.3, 0.35], 0.6, 0.4, "does not hold"),
    ([0.7, float("nan")], 0.6, None, "unclear"),      # a failed seed decides nothing
    ([-0.1, -0.2], -0.3, None, "holds"),              # "small is good" claims, negated
])
def test_seed_verdict(numbers, holds_at, fails_at, expected):
    sys.path.insert(0, str(EXAMPLES))
    try:
        import _common
    finally:
        sys.path.remove(str(EXAMPLES))
    assert _common.seed_verdict(numbers, holds_at, fails_at) == expected
    assert _common.per_seed([0.5, 0.25]) == "0.500 / 0.250 (seeds)"
    with pytest.raises(ValueError):
        _common.seed_verdict([], 0.5)
    with pytest.raises(ValueError):
        _common.seed_verdict([0.5], 0.4, 0.6)
