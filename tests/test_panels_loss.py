"""The loss panel: quantile bands against numpy, and the marker at the current epoch."""
import warnings

import numpy as np

from swarm.panels import LossPanel
from swarm.panels.loss import quantile_band
from swarm.render.compose import Scene, render_frame
from render_helpers import hand_recording, tiny


def test_band_leaves_out_diverged_and_non_finite():
    loss = np.array([[1.0, 2.0], [3.0, np.inf], [5.0, 6.0], [100.0, 100.0]])
    q10, q50, q90 = quantile_band(loss, live=[True, True, True, False])
    np.testing.assert_allclose(q50, [3.0, 4.0])
    np.testing.assert_allclose(q10, [np.percentile([1, 3, 5], 10), np.percentile([2, 6], 10)])
    assert np.isnan(quantile_band(np.full((2, 3), np.nan))[1]).all()


def test_band_equals_nanpercentile_with_a_live_mask_per_epoch():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(9, 7, 4))
    values[rng.random(values.shape) < 0.2] = np.nan
    live = rng.random((9, 7)) < 0.7
    live[:, 0] = False  # an epoch where no bee counts
    masked = np.where(live[..., None], values, np.nan)
    with warnings.catch_warnings():  # the epoch of no bees warns
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanpercentile(masked, [10, 50, 90], axis=0)
    for got, expected in zip(quantile_band(values, live), want):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_marker_moves_with_the_epoch():
    rec = tiny()
    panel = LossPanel(rec, tracked=[0])
    np.testing.assert_allclose(panel.median, np.median(rec["loss"].astype(np.float64), axis=0))
    scene = Scene([panel], size=(400, 260))
    pane = scene.panes[0][0]
    early, late = render_frame(scene, [0]), render_frame(scene, [rec.num_epochs - 1])
    col = int(pane.left + pane.cols(panel.t[-1]))
    column = (slice(pane.top, pane.top + pane.height), slice(col - 1, col + 2))
    assert (late[column] != early[column]).any()


def test_all_bees_diverged_still_draws():
    ypred = np.zeros((2, 3, 5), np.float32)
    rec = hand_recording(ypred, loss=np.full((2, 3), np.nan, np.float32), diverged=np.ones(2, bool))
    scene = Scene([LossPanel(rec)], size=(300, 200))
    assert render_frame(scene, [2]).shape == (200, 300, 3)


def _at(frame, pane, x, y) -> np.ndarray:
    """The frame's RGB at data (x, y) of ``pane`` (as int, for colour distances)."""
    row = pane.top + int(np.floor(pane.rows(y)))
    col = pane.left + int(np.floor(pane.cols(x)))
    return frame[row, col].astype(int)


def test_the_marker_shows_the_median_loss_of_the_live_bees():
    loss = (np.arange(1, 7)[:, None] * np.exp(-np.arange(12) / 4.0)[None, :]).astype(np.float32)
    diverged = np.array([True, True, False, False, False, False])  # the two best, left out
    rec = hand_recording(np.zeros((6, 12, 5)), loss=loss, diverged=diverged)
    panel = LossPanel(rec)
    scene = Scene([panel], size=(400, 260))
    pane = scene.panes[0][0]
    median = 4.5 * np.exp(-np.arange(12) / 4.0)  # bees 3..6 by hand; all six would give 3.5
    red = np.array([214, 39, 40])  # MEDIAN_COLOR
    for f in (1, 6, 10):  # inside the axes, not on a spine
        frame = render_frame(scene, [f])
        assert np.abs(_at(frame, pane, f + 1, median[f]) - red).max() <= 12
        assert np.abs(_at(frame, pane, f + 1, median[f] * 3.5 / 4.5) - red).max() > 60


def test_a_short_run_gets_a_decade_of_loss_axis():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    LossPanel(hand_recording(np.zeros((3, 1, 5)))).plot_init(ax)
    assert ax.get_xlim() == (1.0, 10.0)
