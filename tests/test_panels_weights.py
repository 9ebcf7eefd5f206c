"""The weights panel: per-layer histograms per epoch, and the heat map filling in."""
import numpy as np
import pytest

from swarm.panels import WeightsPanel
from swarm.render.compose import Scene, render_frame
from render_helpers import tiny


def test_counts_are_per_epoch_histograms_of_each_layer():
    rec = tiny()
    panel = WeightsPanel(rec, tracked=[0], bins=12)
    assert panel.layers == [0, 1]
    for j, k in enumerate(panel.layers):
        for e in (0, rec.num_epochs - 1):
            want, _ = np.histogram(rec.weights(k)[:, e].ravel(), panel.edges[j])
            np.testing.assert_array_equal(panel.counts[j][e], want)
        assert panel.tracked_w[j].shape == (1, rec.num_epochs, rec.weights(k)[0, 0].size)


def test_heat_map_fills_in_as_the_video_runs():
    rec = tiny(epochs=20)
    scene = Scene([WeightsPanel(rec, bins=16)], size=(480, 320))
    heat = scene.panes[0][0]
    early, late = render_frame(scene, [1]), render_frame(scene, [19])
    bottom = (slice(heat.top + heat.height - 15, heat.top + heat.height - 2),
              slice(heat.left, heat.left + heat.width))
    assert (early[bottom] == 255).all(axis=-1).mean() > 0.95  # not reached yet: blank
    assert (late[bottom] != 255).any(axis=-1).mean() > 0.3  # filled in by the end


def test_bins_are_checked():
    with pytest.raises(ValueError, match="`bins`"):
        WeightsPanel(tiny(), bins=0)
