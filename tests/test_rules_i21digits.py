"""The digits scripts' shared --data option and each script's decision rule, on hand-made numbers."""
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _example(name):
    """Import ``examples/<name>.py`` as a module (the folder is not a package)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def common():
    return _example("_common")


def test_data_option_defaults_to_digits(common, tmp_path):
    args = common.parse_args("x", ["--out", str(tmp_path)], data=True)
    assert args.data == "digits" and args.data_path is None
    ds = common.load_data(args, samples=300, seed=2)
    assert ds.name == "digits" and len(ds.x) + len(ds.x_test) == 300
    with pytest.raises(SystemExit):
        common.parse_args("x", ["--data", "cifar"], data=True)
    assert not hasattr(common.parse_args("x", ["--out", str(tmp_path)]), "data")


def test_data_option_reads_mnist_files_with_the_same_sizes(common, tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    args = common.parse_args("x", ["--data", "mnist", "--data-path", str(tmp_path), "--out",
                                   str(tmp_path)], data=True)
    ds = common.load_data(args, samples=50)
    assert ds.name == "mnist" and (len(ds.x), len(ds.x_test)) == (40, 10)
    assert ds.num_features == 784 and ds.image_shape == (28, 28)


def test_missing_mnist_is_one_line_and_exit_2(common, tmp_path, capsys):
    args = common.parse_args("x", ["--data", "fashion_mnist", "--data-path",
                                   str(tmp_path / "none"), "--out", str(tmp_path)], data=True)
    with pytest.raises(SystemExit) as code:
        common.load_data(args, samples=50)
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: `path`") and "t10k-images" in err


@pytest.mark.parametrize("fit, test, ratio, expected", [
    (1.0, 0.06, 2.1, 1.0),     # fitted, at chance, slower: holds
    (1.0, 0.06, 2.0, 1.0),     # on the edge of x2: holds
    (1.0, 0.06, 1.96, 0.5),    # just under x2: neither
    (0.95, 0.25, 3.0, 0.5),    # tests above 20%: neither
    (0.4, 0.1, 3.0, 0.0),      # not fitted: fails
    (1.0, 0.1, 1.0, 0.0),      # as fast as true labels: fails
    (0.95, 0.1, float("nan"), 0.5),  # true labels never reached 90%: no ratio, nothing decided
])
def test_random_labels_seed_status(fit, test, ratio, expected):
    assert _example("random_labels").seed_status(fit, test, ratio) == expected


def test_random_labels_verdict_needs_every_seed():
    rl, common = _example("random_labels"), _example("_common")
    status = [rl.seed_status(1.0, 0.06, r) for r in (2.09, 1.96, 2.01)]  # the audit's spread
    assert common.seed_verdict(status, 1.0, 0.25) == "unclear"
    assert common.seed_verdict([rl.seed_status(1, 0.06, 2.5)] * 3, 1.0, 0.25) == "holds"
    assert common.seed_verdict([rl.seed_status(0.3, 0.1, 2.5)] * 3, 1.0, 0.25) == "does not hold"


def test_common_fraction_against_hand_made_displacements():
    wt = _example("digits_weight_trajectories")
    same = np.tile([[1.0, 2.0, -1.0]], (5, 1))
    assert wt.common_fraction(same) == pytest.approx(1.0)          # one direction: fails
    opposite = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
    assert wt.common_fraction(opposite) == pytest.approx(-1 / 3)   # cancelling
    # a quarter shared by hand: d_i = c + e_i with |c|^2 = 1, |e_i|^2 = 3, e_i orthogonal
    d = np.hstack([np.ones((4, 1)), np.sqrt(3) * np.eye(4)])
    assert wt.common_fraction(d) == pytest.approx(0.25)
    rng = np.random.default_rng(0)                                 # unrelated directions
    values = [wt.common_fraction(rng.standard_normal((16, 2410))) for _ in range(20)]
    assert abs(np.mean(values)) < 0.005


def test_sign_flip_p_finds_a_shared_direction_and_not_an_absent_one():
    wt = _example("digits_weight_trajectories")
    rng = np.random.default_rng(1)
    unrelated = rng.standard_normal((16, 500))
    shared = unrelated + 0.5 * np.ones(500)
    assert wt.sign_flip_p(shared) < 0.001
    assert wt.sign_flip_p(unrelated) > 0.01
    assert wt.sign_flip_p(np.ones((3, 2))) == pytest.approx((1 + 2 * 4000 / 8) / 4001, abs=0.02)


@pytest.mark.parametrize("fractions, expected", [
    ([0.05, 0.08, 0.1], "holds"),        # the edge 0.1 holds
    ([0.05, 0.12, 0.08], "unclear"),     # one seed above 0.1
    ([0.35, 0.6, 0.31], "does not hold"),
    ([0.35, 0.3, 0.31], "unclear"),      # 0.3 is not above 0.3
])
def test_weight_trajectories_verdict_levels(fractions, expected):
    wt, common = _example("digits_weight_trajectories"), _example("_common")
    assert common.seed_verdict(-np.array(fractions), -wt.HOLDS, -wt.FAILS) == expected


@pytest.mark.parametrize("dw, expected", [
    ([[0.99, 0.98], [0.99, 0.97], [0.98, 0.98]], "unclear"),    # the old "holds by a hair"
    ([[0.9, 0.8, 0.7], [0.95, 0.85, 0.8], [0.9, 0.85, 0.85]], "holds"),  # 0.2, 0.15, 0.05 (edge)
    ([[0.7, 0.9], [0.6, 0.8], [0.8, 0.9]], "does not hold"),   # rises with distance
])
def test_digits_analyses_dw_decay_needs_the_band(dw, expected):
    da, common = _example("digits_analyses"), _example("_common")
    decay = [da.dw_decay(np.array(d)) for d in dw]
    assert da.dw_decay(np.array([0.9, 0.5, 0.6])) == pytest.approx(0.3)
    assert common.seed_verdict(decay, da.DW_BAND, -da.DW_BAND) == expected


@pytest.mark.parametrize("shares, expected", [
    ([1.0, 0.8, 0.75], "holds"), ([1.0, 0.7, 0.9], "unclear"), ([0.2, 0.4, 0.45], "does not hold"),
    ([0.2, 0.5, 0.45], "unclear"),
])
def test_digits_analyses_share_levels(shares, expected):
    da, common = _example("digits_analyses"), _example("_common")
    assert common.seed_verdict(shares, da.SHARE_HOLDS, da.SHARE_FAILS) == expected


def test_relative_weight_change_depth_ratio_and_lifted_moons(tmp_path):
    rw, common = _example("relative_weight_change"), _example("_common")
    rwc = np.full((2, 3, 4), np.nan)          # [bee, epoch, layer], epoch 0 NaN
    rwc[:, 1:] = [[1.0, 2.0, 2.0, 2.0], [1.0, 4.0, 4.0, 4.0]]   # bee 0: layers after 0 move 3x
    rwc[1, 1:] = [[1.0, 1.0, 1.0, 1.0], [3.0, 1.0, 1.0, 1.0]]   # bee 1: less than layer 0
    np.testing.assert_allclose(rw.depth_ratio(rwc), [3.0, 0.5])
    assert common.seed_verdict([0.8, 0.75, 0.9], rw.HOLDS, rw.FAILS) == "holds"
    assert common.seed_verdict([0.8, 0.6, 0.9], rw.HOLDS, rw.FAILS) == "unclear"
    assert common.seed_verdict([0.0, 0.1, 0.4], rw.HOLDS, rw.FAILS) == "does not hold"
    args = common.parse_args("x", ["--out", str(tmp_path)], data=True)
    data = rw.tasks(args, 0)
    assert data["moons (64-D)"].num_features == data["digits"].num_features == 64
    assert data["moons (2-D)"].num_features == 2


def test_deep_vs_shallow_picks_the_rate_on_the_judged_split():
    dvs, common = _example("digits_deep_vs_shallow"), _example("_common")
    accuracy = [[0.90, 0.92], [0.97, float("nan"), 0.96], [0.95, 0.99, 0.94]]
    assert dvs.pick_rate(accuracy) == 1                  # best median held-out accuracy
    assert dvs.pick_rate([[0.3, 0.2], [0.1, 0.1], [0.5]], higher=False) == 1
    assert common.seed_verdict([0.18, 0.3, 0.45], dvs.HOLDS, dvs.FAILS) == "does not hold"
    assert common.seed_verdict([0.76, 0.75, 0.9], dvs.HOLDS, dvs.FAILS) == "holds"
    assert common.seed_verdict([0.76, 0.5, 0.9], dvs.HOLDS, dvs.FAILS) == "unclear"


def test_flatness_matched_epoch_and_flatter_share():
    fl, common = _example("flatness"), _example("_common")
    loss = np.array([[2.0, 1.0, 0.5, 0.2], [2.0, 1.2, 0.4, 0.1], [2.0, 0.9, 0.6, 0.3]])
    assert fl.matched_epoch(loss, 0.5) == 2      # medians 2, 1, 0.5, 0.2: the first <= 0.5
    assert fl.matched_epoch(loss, 1.0) == 1      # on the edge
    assert fl.matched_epoch(loss, 0.01) == 3     # never reached: the last epoch

    class Line:  # a hand-made interpolation: loss [bee, alpha] on fl.ALPHAS
        def __init__(self, curvature_0, curvature_1):
            a = fl.ALPHAS[None, :]
            c0, c1 = np.array(curvature_0)[:, None], np.array(curvature_1)[:, None]
            self.loss = np.where(a < 0.5, c0 * a ** 2, c1 * (a - 1) ** 2)
    assert fl.flatter_share(Line([1, 1, 5, 1], [2, 2, 2, 2])) == 0.75
    assert common.seed_verdict([0.75, 1.0, 0.8], fl.HOLDS, fl.FAILS) == "holds"
    assert common.seed_verdict([0.4, 0.8, 1.0], fl.HOLDS, fl.FAILS) == "unclear"
    rho = np.array([-0.5, -0.3, -0.45])
    assert common.seed_verdict(-rho, -fl.RHO_HOLDS, -fl.RHO_FAILS) == "holds"
    rho = np.array([0.1, 0.05, 0.2])
    assert common.seed_verdict(-rho, -fl.RHO_HOLDS, -fl.RHO_FAILS) == "does not hold"


def test_params_vs_generalization_gap_trend():
    pg, common = _example("params_vs_generalization"), _example("_common")
    params = [100, 200, 400, 800]
    rising = [[0.0, 0.02], [0.03, 0.05], [0.06], [0.1, 0.2, 0.09]]
    assert pg.gap_trend(params, rising) == pytest.approx(1.0)
    assert pg.gap_trend(params, rising[::-1]) == pytest.approx(-1.0)
    flat_then = [[0.0], [0.03], [0.02], [0.025]]                  # up, then flat: rho 0.4
    assert pg.gap_trend(params, flat_then) == pytest.approx(0.4)
    assert common.seed_verdict([1.0, 0.7, 0.8], pg.HOLDS, pg.FAILS) == "holds"
    assert common.seed_verdict([0.4, 0.26, 0.8], pg.HOLDS, pg.FAILS) == "unclear"
    assert common.seed_verdict([-0.4, -0.1, -0.2], pg.HOLDS, pg.FAILS) == "does not hold"
