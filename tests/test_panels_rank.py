"""The rank panel: effective rank and spectra against numpy's SVD."""
import numpy as np

from swarm.panels import RankPanel
from swarm.render.compose import Scene, render_frame
from render_helpers import tiny


def test_effective_rank_and_spectrum_match_numpy():
    rec = tiny(depth=2)
    panel = RankPanel(rec)
    assert panel.layers == [1]  # layers 0 and 2 are a column and a row: rank 1 always
    s = np.linalg.svd(rec.weights(1).astype(np.float64), compute_uv=False)  # [bee, epoch, 4]
    p = s / s.sum(-1, keepdims=True)
    rank = np.exp(-(p * np.log(p)).sum(-1))
    q10, q50, q90 = panel.rank[0]
    np.testing.assert_allclose(q50, np.median(rank, axis=0), rtol=1e-6)
    np.testing.assert_allclose(q10, np.percentile(rank, 10, axis=0), rtol=1e-6)
    np.testing.assert_allclose(panel.spectrum[0][1], np.median(s / s[..., :1], axis=0), rtol=1e-6)


def test_renders_both_panes():
    rec = tiny(depth=2)
    scene = Scene([RankPanel(rec)], size=(480, 240))
    assert len(scene.panes[0]) == 2
    a, b = render_frame(scene, [0]), render_frame(scene, [rec.num_epochs - 1])
    right = scene.panes[0][1]
    box = (slice(right.top, right.top + right.height), slice(right.left, right.left + right.width))
    assert (a[box] != b[box]).any()  # the spectrum moves


def test_the_markers_show_the_median_rank_and_spectrum():
    rec = tiny(depth=2)
    panel = RankPanel(rec)
    scene = Scene([panel], size=(640, 300))
    left, right = scene.panes[0]
    s = np.linalg.svd(rec.weights(1).astype(np.float64), compute_uv=False)  # [bee, epoch, 4]
    p = s / s.sum(-1, keepdims=True)
    rank = np.median(np.exp(-(p * np.log(p)).sum(-1)), axis=0)  # [epoch]
    spectrum = np.median(s / s[..., :1], axis=0)  # [epoch, 4]
    color = (np.array(panel.colors[0][:3]) * 255).round()

    def at(frame, pane, x, y):
        return frame[pane.top + int(np.floor(pane.rows(y))), pane.left + int(np.floor(pane.cols(x)))]

    for f in (1, rec.num_epochs - 2):  # inside the axes, not on a spine
        frame = render_frame(scene, [f]).astype(int)
        assert np.abs(at(frame, left, rec.epoch[f], rank[f]) - color).max() <= 12
        for i, value in enumerate(spectrum[f], start=1):
            assert np.abs(at(frame, right, i, value) - color).max() <= 12


def test_the_layer_key_sits_over_the_spectrum_not_the_rank_curves():
    from matplotlib.figure import Figure

    panel = RankPanel(tiny(depth=3))
    left, right = panel.plot_init(Figure(figsize=(6, 3)).add_subplot())
    assert left.get_legend() is None and right.get_legend() is not None
    assert right.get_ylim()[1] > 1.15  # room above the curves, which start at 1
