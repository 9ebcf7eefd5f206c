"""The breakpoints panel: kink histograms against the closed form of a one-hidden-layer ReLU net."""
import numpy as np

from swarm import metrics
from swarm.panels import BreakpointsPanel
from swarm.panels.breakpoints import sampled_turning_points
from swarm.render.compose import Scene, render_frame
from render_helpers import tiny


def closed_form_kinks(rec, bee, epoch):
    """-b/w of the hidden units that bend the output (w != 0, output weight != 0), inside x."""
    w = rec.weights(0)[bee, epoch, :, 0].astype(np.float64)
    b = rec.biases(0)[bee, epoch].astype(np.float64)
    v = rec.weights(1)[bee, epoch, 0].astype(np.float64)
    kinks = -b[(w != 0) & (v != 0)] / w[(w != 0) & (v != 0)]
    return np.sort(kinks[(kinks > rec.x.min()) & (kinks < rec.x.max())])


def test_counts_match_the_closed_form():
    rec = tiny()
    panel = BreakpointsPanel(rec, tracked=[1], bins=20)
    for e in (0, rec.num_epochs - 1):
        every = np.concatenate([closed_form_kinks(rec, b, e) for b in range(rec.num_bees)])
        want, _ = np.histogram(every, panel.edges)
        np.testing.assert_array_equal(panel.counts[e], want)
        np.testing.assert_allclose(panel.tracked_kinks[0][e], closed_form_kinks(rec, 1, e))
    assert len(panel.tracked_kinks[0]) == rec.num_epochs


def test_turning_points_of_sin():
    x = np.linspace(-3 * np.pi, 3 * np.pi, 601)
    found = sampled_turning_points(x, np.sin(x))
    np.testing.assert_allclose(found, np.pi / 2 * np.array([-5, -3, -1, 1, 3, 5]), atol=0.04)


def test_bars_follow_the_counts():
    rec = tiny()
    panel = BreakpointsPanel(rec, bins=10)
    scene = Scene([panel], size=(400, 240))
    pane = scene.panes[0][0]
    e = rec.num_epochs - 1
    frame = render_frame(scene, [0] * 0 + [e])
    top = int(np.argmax(panel.counts[e]))
    x = 0.5 * (panel.edges[top] + panel.edges[top + 1])
    inside = frame[int(pane.top + pane.rows(panel.counts[e, top] * 0.5)), int(pane.left + pane.cols(x))]
    assert inside.astype(int).sum() < 600  # a filled bar, not the white background
    assert panel.counts.sum(axis=1).max() == metrics.breakpoint_histogram(rec, 10)[0].sum(axis=1).max()
