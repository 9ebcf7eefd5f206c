"""Static figures: what they draw equals the same quantity computed by hand."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from report_helpers import png_size

import swarm
from swarm import figures


@pytest.fixture(scope="module")
def rec():
    """8 relu bees, 2 of them flagged diverged (left out of every aggregate)."""
    base = swarm.train("sin", bees=8, epochs=15, width=5, progress=False)
    diverged = np.zeros(8, dtype=bool)
    diverged[[1, 6]] = True
    return swarm.Recording({**base, "diverged": diverged}, base.meta)


def kept(rec):
    return np.flatnonzero(~rec.diverged)


def test_fit_density_counts_each_kept_bee_once_per_column(rec):
    fig = figures.fit_density(rec)
    ax = fig.axes[0]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    share = np.ma.filled(mesh.get_array(), 0.0).reshape(160, 400)  # [row, column]
    # every kept bee's line crosses each column exactly once (inside the y range)
    lo, hi = ax.get_ylim()
    inside = np.all((rec["ypred"][kept(rec), -1] > lo) & (rec["ypred"][kept(rec), -1] < hi))
    assert inside
    np.testing.assert_allclose(share.sum(0), 1.0, atol=1e-12)
    median = [ln for ln in ax.lines if ln.get_label() == "median fit"][0]
    np.testing.assert_allclose(median.get_ydata(), np.median(rec["ypred"][kept(rec), -1], 0))
    assert "2 diverged bees left out" in [t.get_text() for t in ax.texts]


def test_fit_density_of_identical_bees_is_one_line(rec):
    same = np.broadcast_to(rec.y, rec["ypred"].shape).astype(np.float32)
    one = swarm.Recording({**rec, "ypred": same, "diverged": np.zeros(8, bool)}, rec.meta)
    share = np.ma.filled(figures.fit_density(one, columns=50, rows=40).axes[0]
                         .collections[0].get_array(), 0.0).reshape(40, 50)
    assert set(np.unique(share)) == {0.0, 1.0}  # all bees in the same cell of each column


def test_loss_curves_median_is_the_median_over_kept_bees(rec):
    ax = figures.loss_curves(rec).axes[0]
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_xdata(), rec.epoch + 1)
    np.testing.assert_allclose(line.get_ydata(), np.median(rec["loss"][kept(rec)], 0), rtol=1e-6)
    assert ax.get_xscale() == ax.get_yscale() == "log"


def test_breakpoint_histogram_is_the_histogram_of_minus_b_over_w(rec):
    """Depth 1: the bends are at -b/w of the units (closed form), within the domain."""
    ax = figures.breakpoint_histogram(rec, bins=20).axes[0]
    first, last = ax.patches[:2]  # stairs: epoch 0 outline, last epoch filled
    edges = np.linspace(rec.x.min(), rec.x.max(), 21)
    for patch, e in ((first, 0), (last, -1)):
        w = rec.weights(0)[kept(rec), e, :, 0]
        b = rec.biases(0)[kept(rec), e]
        v = rec.weights(1)[kept(rec), e, 0, :]
        x = -b / w
        real = (w != 0) & (v != 0) & (x > edges[0]) & (x < edges[-1])
        expected, _ = np.histogram(x[real], edges)
        np.testing.assert_array_equal(patch.get_data().values, expected)
    marks = sorted(line.get_xdata()[0] for line in ax.lines)  # sin's extrema on [-3 pi, 3 pi]
    np.testing.assert_allclose(marks, np.pi * np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]),
                               atol=1e-6)


def test_rank_curves_are_the_median_effective_rank(rec):
    deep = swarm.train("sin", bees=6, epochs=8, width=4, depth=2, progress=False)
    ax = figures.rank_curves(deep).axes[0]
    (line,) = ax.lines  # only layer 1 (4 x 4) is a matrix
    assert line.get_label() == "layer 1"
    s = np.linalg.svd(deep.weights(1).astype(np.float64), compute_uv=False)
    p = s / s.sum(-1, keepdims=True)
    rank = np.exp(-(p * np.log(np.where(p > 0, p, 1.0))).sum(-1))  # [bee, epoch]
    np.testing.assert_allclose(line.get_ydata(), np.median(rank, 0), rtol=1e-5)


def test_standard_draws_what_applies_and_pngs_have_the_stated_size(rec):
    drawn = figures.standard(rec)
    assert [spec.name for spec, _ in drawn] == ["fits", "loss", "breakpoints"]
    for spec, fig in drawn:
        assert isinstance(fig, Figure) and spec.caption
        w, h = png_size(figures.to_png(fig))
        assert (w, h) == tuple(round(v) for v in fig.get_size_inches() * fig.dpi)


def test_custom_models_get_no_breakpoints():
    rec = swarm.train("sin", bees=3, epochs=3, progress=False)
    custom = swarm.Recording(dict(rec), {**rec.meta, "spec": {**rec.meta["spec"],
                                                            "model": "MyNet"}})
    assert [s.name for s, _ in figures.standard(custom)] == ["fits", "loss"]


@pytest.mark.parametrize("bad", [None, {"ypred": 1}])
def test_figures_need_a_recording(bad):
    with pytest.raises(ValueError, match="`rec` must be a swarm Recording"):
        figures.fit_density(bad)


def test_epoch_out_of_range_is_a_value_error(rec):
    with pytest.raises(ValueError, match="`epoch` must be a position in the 15 recorded"):
        figures.fit_density(rec, epoch=15)


def test_a_dataset_recording_gets_no_breakpoints_and_its_report_writes(tmp_path):
    rec = swarm.train("moons", bees=3, epochs=3, width=4, data={"samples": 60}, progress=False)
    assert [s.name for s, _ in figures.standard(rec)] == ["loss", "rank"]
    from swarm import report
    assert report.write_report(rec, tmp_path / "r.html").stat().st_size > 0
