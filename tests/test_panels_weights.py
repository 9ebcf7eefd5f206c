"""The weights panel: per-layer histograms per epoch, and the heat map with its future faded."""
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


def test_heat_map_fades_the_future():
    rec = tiny(epochs=20)
    scene = Scene([WeightsPanel(rec, bins=16)], size=(480, 320))
    heat = scene.panes[0][0]
    early, late = render_frame(scene, [1]), render_frame(scene, [19])
    bottom = (slice(heat.top + heat.height - 15, heat.top + heat.height - 2),
              slice(heat.left, heat.left + heat.width))
    ink_early = 255 - early[bottom].astype(int)  # how far from white
    ink_late = 255 - late[bottom].astype(int)
    assert ink_late.sum() > 0 and ink_early.sum() > 0  # the later epochs show from the start
    assert ink_early.sum() < 0.5 * ink_late.sum()  # faded until the video reaches them


def test_bins_are_checked():
    with pytest.raises(ValueError, match="`bins`"):
        WeightsPanel(tiny(), bins=0)


def test_a_one_epoch_heat_map_has_whole_epoch_ticks_and_many_layers_readable_ticks():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2.5), dpi=100)
    FigureCanvasAgg(fig)
    panel = WeightsPanel(tiny(depth=6, epochs=1))
    axes = panel.plot_init(fig.add_subplot())
    fig.canvas.draw()
    heats, hists = axes[:len(panel.layers)], axes[len(panel.layers):]
    for heat in heats:
        ticks = [t for t in heat.get_yticks() if heat.get_ylim()[1] <= t <= heat.get_ylim()[0]]
        assert ticks == [0]
    renderer = fig.canvas.get_renderer()
    for hist in hists:  # tick labels side by side never overlap
        boxes = [t.get_window_extent(renderer) for t in hist.get_xticklabels() if t.get_text()]
        assert boxes and all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:]))
