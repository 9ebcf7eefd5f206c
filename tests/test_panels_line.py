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
    assert panel.ypred.shape[0] == 4 and "1 of 5 bees diverged" in panel.note
    scene = Scene([panel], size=(400, 300))
    assert pixel(scene, render_frame(scene, [1]), 0.3, 0.8).sum() == 765


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
