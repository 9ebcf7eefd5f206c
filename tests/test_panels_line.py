"""The line-fit panel paints bees where their predictions are."""
import numpy as np
import pytest

from swarm.panels import LinePanel
from swarm.render.compose import Scene, render_frame
from render_helpers import hand_recording, tiny


def flat_swarm(moved=None, diverged=None):
    """Five bees predicting 0 everywhere for two epochs; optionally bee 0 at 0.8 in epoch 1."""
    ypred = np.zeros((5, 2, 11), np.float32)
    if moved is not None:
        ypred[0, 1] = moved
    arrays = {}
    if diverged is not None:
        arrays = {"diverged": np.arange(5) == diverged}
    return hand_recording(ypred, **arrays)


def pixel(scene, frame, x, y):
    pane = scene.panes[0][0]
    return frame[int(pane.top + pane.rows(y)), int(pane.left + pane.cols(x))].astype(int)


def test_a_bee_moved_into_an_empty_region_darkens_it():
    rec = flat_swarm(moved=0.8)
    scene = Scene([LinePanel(rec)], size=(400, 300))
    before, after = render_frame(scene, [0]), render_frame(scene, [1])
    assert pixel(scene, before, 0.3, 0.8).sum() == 765  # white: nobody there
    assert pixel(scene, after, 0.3, 0.8).sum() < 700
    assert pixel(scene, after, 0.3, 0.4).sum() == 765  # and only there


def test_diverged_bees_are_left_out_and_counted():
    rec = flat_swarm(moved=0.8, diverged=0)
    panel = LinePanel(rec)
    assert panel.ypred.shape[0] == 4 and "1 of 5 bees diverged" in panel.notes[1]
    scene = Scene([panel], size=(400, 300))
    assert pixel(scene, render_frame(scene, [1]), 0.3, 0.8).sum() == 765


def test_a_bee_is_shown_until_the_epoch_it_diverged():
    ypred = np.zeros((5, 3, 11), np.float32)
    ypred[0] = 0.8  # bee 0 sits alone at 0.8, and diverged at epoch 2
    rec = hand_recording(ypred, diverged=np.arange(5) == 0, diverged_at=np.array([2, -1, -1, -1, -1]))
    panel = LinePanel(rec, tracked=[0])
    assert panel.notes[:2] == [None, None] and panel.notes[2] == "1 of 5 bees diverged (not shown)"
    scene = Scene([panel], size=(400, 300))
    assert pixel(scene, render_frame(scene, [1]), 0.3, 0.8).sum() < 700  # still there
    assert pixel(scene, render_frame(scene, [2]), 0.3, 0.8).sum() == 765  # gone, line and density
    np.testing.assert_array_equal(panel.median[2], 0)


def test_a_swarm_that_all_diverged_shows_the_epochs_before():
    ypred = np.tile(np.linspace(0, 1, 4, dtype=np.float32)[None, :, None], (3, 1, 11))
    at = np.array([2, 3, 2])
    rec = hand_recording(ypred, diverged=np.ones(3, bool), diverged_at=at)
    panel = LinePanel(rec)
    assert panel.ypred.shape[0] == 3  # nobody dropped: each lived for some epochs
    np.testing.assert_allclose(panel.median[:3, 0], [0, 1 / 3, 2 / 3], rtol=1e-6)
    assert np.isnan(panel.median[3]).all()
    assert panel.notes == [None, None, "2 of 3 bees diverged (not shown)",
                           "3 of 3 bees diverged (not shown)"]
    scene = Scene([panel], size=(400, 300))
    assert pixel(scene, render_frame(scene, [1]), 0.3, 1 / 3).sum() < 700


def test_median_target_tracked_and_epoch_label():
    rec = tiny()
    panel = LinePanel(rec, tracked=[2, 4])
    np.testing.assert_allclose(panel.median, np.median(rec["ypred"], axis=0))
    scene = Scene([panel], size=(480, 320))
    first, last = render_frame(scene, [0]), render_frame(scene, [rec.num_epochs - 1])
    pane = scene.panes[0][0]
    label = (slice(pane.top, pane.top + 25), slice(pane.left, pane.left + 90))
    assert (first[label] != last[label]).any()  # "epoch 0" became "epoch 11"
    orange = np.array([255, 127, 14])
    assert (np.abs(last.astype(int) - orange).sum(-1) < 60).any()  # the first tracked bee
    assert panel.ylim == pytest.approx((-2, 2), abs=0.01)


def test_ylim_is_checked():
    with pytest.raises(ValueError, match="`ylim`"):
        LinePanel(tiny(), ylim=(1, 1))


@pytest.mark.parametrize("bees", [1, 2, 3, 6, 7, 500])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("run_epochs", [None, 1, 2])  # runs of epochs on the cores: 5 = 2 + 2 + 1
def test_the_median_of_all_bees_is_numpys_to_the_bit(bees, dtype, run_epochs, monkeypatch):
    from swarm.panels import line
    from swarm.panels.line import _median_of_all

    if run_epochs:
        monkeypatch.setattr(line, "_MEDIAN_VALUES", bees * 7 * run_epochs)

    rng = np.random.default_rng(bees)
    ypred = rng.standard_normal((bees, 5, 7)).astype(dtype) * 10.0 ** rng.integers(-3, 4, (bees, 5, 7))
    ypred[:, 0, 0] = ypred[0, 0, 0]  # ties
    ypred[-1, 1, 2] = np.nan  # NaN anywhere: the median is NaN
    ypred[0, 2, 3] = np.inf
    ypred[:, 3, 4] = -np.inf
    ypred[:, 4, 5] = np.finfo(dtype).max  # the middle two's sum overflows as np.median's does
    with np.errstate(over="ignore", invalid="ignore"):
        got, want = _median_of_all(ypred), np.median(ypred, axis=0)
    assert got.dtype == want.dtype and got.shape == want.shape == (5, 7)
    np.testing.assert_array_equal(got, want)  # NaN where NaN
