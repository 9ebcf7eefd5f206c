"""swarm.animator: the seed toolkit's panels, videos and hive grids on the fast renderer."""
import pickle
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from swarm import animator, core
from swarm._animator.hive import hive_panels
from swarm._animator.video import schedule, video_path
from swarm.recording import Recording
from swarm.render.compose import Scene, render_frame
from swarm.render.probe import probe

X = np.linspace(-3.0, 3.0, 21)


def curves(bees=4, frames=3):
    """[bee, frame, point]: bee b at frame f is sin(x) * (f + 1) / frames + b / 10."""
    scale = (np.arange(frames) + 1) / frames
    return (np.sin(X)[None, None] * scale[None, :, None]
            + np.arange(bees)[:, None, None] / 10).astype(np.float32)


def axes():
    return Figure(figsize=(4, 3), dpi=50).add_subplot()


def line(**kw):
    return animator.LineSwarm.standard(X, np.sin(X), curves(), **kw)


def hist(**kw):
    return animator.HistogramSwarm.from_swarm(np.random.rand(5, 3, 2), 10, **kw)


# Axes keyword calls and hooks ------------------------------------------------------------

@pytest.mark.parametrize("make", [line, hist])
def test_axes_kwargs_are_applied_in_plot_init(make):
    panel = make(set_title="- Biases/Weights", set_ylabel="Count", set_xlim=(-10, 10),
                 set_xlabel={"xlabel": "w", "fontsize": 7})
    ax = axes()
    panel.plot_init(ax)
    assert ax.get_title() == "- Biases/Weights" and ax.get_ylabel() == "Count"
    assert ax.get_xlim() == (-10, 10)
    assert ax.get_xlabel() == "w" and ax.xaxis.label.get_fontsize() == 7


@pytest.mark.parametrize("make", [line, hist, lambda **kw: animator.LineSwarm(X, curves(), **kw),
                                  lambda **kw: animator.HistogramSwarm(np.zeros((2, 3)), **kw)])
def test_unknown_axes_kwarg_fails_when_built(make):
    with pytest.raises(ValueError, match="`set_titel='x'`"):
        make(set_titel="x")
    with pytest.raises(ValueError, match="`_remove"):
        make(_remove=1)


@pytest.mark.parametrize("kw,match", [({"set_xlim": (1, 2, 3)}, "set_xlim=\\(1, 2, 3\\)"),
                                      ({"set_yscale": "nope"}, "set_yscale='nope'")])
def test_failing_axes_call_is_a_value_error_from_plot_init(kw, match):
    panel = line(**kw)  # built fine: the name is an Axes method
    with pytest.raises(ValueError, match=match):
        panel.plot_init(axes())


def test_hooks_get_the_axes_after_the_kwargs():
    seen = []
    panel = animator.LineSwarm(X, curves(), [lambda ax: seen.append(ax.get_title())], set_title="t")
    ax = axes()
    panel.plot_init(ax)
    assert seen == ["t"]
    one = animator.HistogramSwarm(np.zeros((2, 3)), 4, lambda ax: ax.axvline(0.5, color="k"))
    ax = axes()
    one.plot_init(ax)
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="`hook`"):
        animator.LineSwarm(X, curves(), [3])


def test_panels_pickle_without_axes_or_hooks():
    panel = animator.LineSwarm(X, curves(), [lambda ax: None])
    panel.plot_init(axes())
    copy = pickle.loads(pickle.dumps(panel))
    assert copy.num_frames == 3 and copy._ax is None


# frames, limits, counts ----------------------------------------------------------------

def test_num_frames():
    assert animator.LineSwarm(X, curves(4, 5)).num_frames == 5
    assert animator.LineSwarm(X, np.zeros((4, 6))).num_frames == 6  # [bee, epoch]
    assert animator.HistogramSwarm(np.zeros((7, 3))).num_frames == 7  # [frame, values]
    assert animator.HistogramSwarm.from_swarm(np.zeros((4, 8, 3)), 5).num_frames == 8  # [bee, epoch, unit]


def test_limits_standard_and_auto_range():
    ax = axes()
    line().plot_init(ax)
    lo, hi = np.sin(X).min(), np.sin(X).max()
    assert ax.get_ylim() == pytest.approx((lo - (hi - lo) / 2, hi + (hi - lo) / 2))  # the target's, widened
    assert ax.get_xlim() == (-3, 3)
    data = curves()
    ax = axes()
    animator.LineSwarm.auto_range(X, data).plot_init(ax)
    lo, hi = float(data.min()), float(data.max())
    assert ax.get_ylim() == pytest.approx((lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)))


def test_histogram_counts_match_numpy():
    values = np.random.default_rng(1).normal(size=(4, 3, 5))  # [bee, epoch, unit]
    values[0, 1, 0] = np.nan
    panel = animator.HistogramSwarm.from_swarm(values, 7)
    lo, hi = np.nanmin(values), np.nanmax(values)
    for epoch in range(3):
        flat = values[:, epoch].ravel()
        expected, _ = np.histogram(flat[np.isfinite(flat)], bins=7, range=(lo, hi))
        np.testing.assert_array_equal(panel.counts[epoch], expected)
    assert panel.dropped.tolist() == [0, 1, 0]


@pytest.mark.parametrize("kw", [{"x": X[:1]}, {"x": X[::-1].copy()[[0, 2, 1]]}, {"data": np.zeros(3)},
                                {"data": np.zeros((2, 3, 5))}, {"target": np.zeros(4)},
                                {"tracked": [9]}, {"epochs": [1, 2]}])
def test_line_swarm_bad_arguments(kw):
    args = {"x": X, "data": curves(), **kw}
    name = next(iter(kw))
    with pytest.raises(ValueError, match=f"`{name}`"):
        animator.LineSwarm(args.pop("x"), args.pop("data"), **args)


@pytest.mark.parametrize("num_bins", [0, 2.5, True])
def test_histogram_bad_bins(num_bins):
    with pytest.raises(ValueError, match="`num_bins`"):
        animator.HistogramSwarm(np.zeros((2, 3)), num_bins)


def test_schedule_uses_the_longest_panel():
    got = schedule([3, 5])
    np.testing.assert_array_equal(got[:, 1], np.arange(5))  # each frame of the longest once
    np.testing.assert_array_equal(got[:, 0], [0, 0, 1, 2, 2])  # the short one keeps pace
    seven = schedule([3, 5], 7)
    assert seven.shape == (7, 2) and seven[0].tolist() == [0, 0] and seven[-1].tolist() == [2, 4]
    assert (np.diff(seven, axis=0) >= 0).all()
    with pytest.raises(ValueError, match="`num_frames`"):
        schedule([3], 0)


@pytest.mark.parametrize("name,expected", [("out", "out.mp4"), ("out.mp4", "out.mp4"),
                                           ("out.gif", "out.gif"), ("run.v2", "run.v2.mp4")])
def test_video_path_appends_mp4(name, expected):
    assert video_path(name).name == expected


# pixels --------------------------------------------------------------------------------

def test_pixels_darken_where_a_bee_moves():
    data = np.zeros((3, 2, X.size), np.float32)
    data[0, 1] = 1.2  # bee 0 leaves the crowd at 0 for y = 1.2 in frame 1
    panel = animator.LineSwarm(X, data, ylim=(-2, 2), tracked=0, legend=False)
    scene = Scene([panel], size=(200, 160))
    pane = scene.panes[0][0]
    row = int(pane.top + pane.rows(1.2))
    cols = slice(int(pane.left + pane.cols(-2.0)), int(pane.left + pane.cols(2.0)))
    before, after = (render_frame(scene, [f])[row, cols].astype(int).sum(-1) for f in (0, 1))
    assert (after < before - 60).all()


def test_animate_shows_what_the_video_shows():
    panel = line(legend=False)
    scene = Scene([panel], size=(240, 160))
    fig = Figure(figsize=(2.4, 1.6), dpi=100, layout="constrained")
    panel.plot_init(fig.add_subplot(fig.add_gridspec(1, 1)[0:1, 0:1]))
    with pytest.raises(ValueError, match="`frame`"):
        panel.animate(3)
    image, = panel.animate(2)
    assert panel.frame == 2 and image.axes is panel._ax
    pane = scene.panes[0][0]
    video = render_frame(scene, [2])[pane.top:pane.top + pane.height, pane.left:pane.left + pane.width]
    np.testing.assert_array_equal(image.get_array(), video)
    assert panel.animate(0) == [image]  # the same artist, new pixels


def test_animate_needs_plot_init():
    with pytest.raises(ValueError, match="plot_init"):
        line().animate(0)


# videos --------------------------------------------------------------------------------

def test_swarm_animate_writes_an_mp4(tmp_path):
    path = animator.swarm_animate([line(), hist()], tmp_path / "weights", size=(480, 270), progress=False)
    assert path == tmp_path / "weights.mp4" and [p.name for p in tmp_path.iterdir()] == ["weights.mp4"]
    info = probe(path)
    assert (info["codec"], info["frames"], info["width"], info["height"]) == ("h264", 3, 480, 270)
    assert probe(animator.swarm_animate([line()], tmp_path / "w.gif", 5, size=(240, 160),
                                        progress=False))["frames"] == 5


@pytest.mark.parametrize("plots", [[], "abc", [object()]])
def test_swarm_animate_bad_plots(tmp_path, plots):
    with pytest.raises(ValueError, match="`plots"):
        animator.swarm_animate(plots, tmp_path / "x.mp4")


@pytest.mark.parametrize("data", [curves(3, 2), np.random.rand(3, 2)])
def test_make_animation_warns_and_writes(tmp_path, data):
    with pytest.warns(DeprecationWarning, match="swarm_animate"):
        path = animator.make_animation(X, np.sin(X), data, "fits", str(tmp_path / "old"),
                                       size=(320, 240), progress=False)
    assert path.name == "old.mp4" and probe(path)["frames"] == 2


# hives ---------------------------------------------------------------------------------

def scaled_sine(xt, yt, width, lr, num_epochs=3):
    """A stand-in bee trainer: y = width * lr * sin(x) approached over the epochs."""
    for epoch in range(num_epochs):
        yield np.sin(xt) * width * lr * (epoch + 1) / num_epochs + np.random.rand() / 10


@pytest.fixture(scope="module")
def small_hive():
    sets = core.make_sweep_paramsets({"xt": X, "yt": np.sin(X)}, width=[2, 4, 8], lr=[0.1, 0.2])
    return core.hive_trainer(scaled_sine, sets, num_bees=3, seed=1, fields="ypred", progress=False)


def test_hive_plot_has_one_axes_per_pair(small_hive):
    fig = animator.hive_plot(small_hive, "width", "lr", 1, size=(480, 320))
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"width={w}, lr={lr}" for w in (2, 4, 8) for lr in (0.1, 0.2)]
    grid = {ax.get_title(): ax.get_subplotspec().get_geometry()[2] for ax in fig.axes}
    assert grid["width=4, lr=0.2"] == 1 * 3 + 1  # row lr=0.2, column width=4
    assert all(len(ax.artists) == 1 for ax in fig.axes)  # each shows its frame
    assert fig.axes[0].get_ylim() == pytest.approx((-2, 2), abs=0.01)  # yt found as the target


def test_hive_plot_bad_arguments(small_hive):
    with pytest.raises(ValueError, match="`facx` 'depth'.*'lr', 'width'"):
        animator.hive_plot(small_hive, "depth", "lr", 0)
    with pytest.raises(ValueError, match="sweeps another parameter"):
        animator.hive_plot(small_hive, "width", None, 0)
    with pytest.raises(ValueError, match="`epoch`"):
        animator.hive_plot(small_hive, "width", "lr", 3)
    with pytest.raises(ValueError, match="`hive`"):
        animator.hive_plot({"width": 2}, "width", "lr", 0)


def test_hive_plot_of_recordings():
    """swarm.hive's (params, Recording) pairs: x, y and the recorded epoch numbers come from the Recording."""
    hive = [({"lr": lr}, Recording({"x": X, "y": np.sin(X), "ypred": curves() * lr, "loss": np.zeros((4, 3)),
                                    "epoch": np.array([0, 5, 10])})) for lr in (0.5, 1.0)]
    fig = animator.hive_plot(hive, "lr", None, -1, size=(400, 200))
    assert [ax.get_title() for ax in fig.axes] == ["lr=0.5", "lr=1"]
    panels, slots, shape = hive_panels(hive, "lr", None)
    assert shape == (1, 2) and slots == [(0, 1, 0, 1), (0, 1, 1, 2)]
    assert panels[1]._fit.epoch.tolist() == [0, 5, 10]


def test_hive_animate_writes_a_video(small_hive, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # e.g. a layout that does not fit
        path = animator.hive_animate(small_hive[:4], "lr", "width", tmp_path / "hive.mp4",
                                     size=(320, 240), progress=False)
    assert probe(path)["frames"] == 3


def test_hive_cells_say_how_many_of_their_bees_diverged():
    """A (params, Recording) cell whose bees diverged (frozen, finite ypred) says so."""
    def swarm_rec(at):
        at = np.asarray(at)
        return Recording({"x": X, "y": np.sin(X), "ypred": curves(), "loss": np.zeros((4, 3)),
                          "epoch": np.array([0, 5, 10]), "diverged": at >= 0, "diverged_at": at})
    hive = [({"lr": 0.1}, swarm_rec([-1] * 4)), ({"lr": 9.0}, swarm_rec([5, 10, -1, 5]))]
    panels, _, _ = hive_panels(hive, "lr", None)
    assert panels[0]._fit.notes == [None] * 3
    assert panels[1]._fit.notes == [None, "2 of 4 bees diverged (not shown)",
                                    "3 of 4 bees diverged (not shown)"]
