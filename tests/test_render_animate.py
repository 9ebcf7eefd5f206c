"""animate(): a recording to a video in one call."""
import numpy as np
import pytest

import swarm
from swarm.render import animate, default_panels
from swarm.animation import default_layout
from swarm.render.probe import probe
from render_helpers import CountingWriter, tiny


def test_default_panels_fit_the_network():
    assert default_panels(tiny()) == ["line", "breakpoints", "weights", "loss"]  # depth 1: no rank
    assert default_panels(tiny(depth=2)) == ["line", "breakpoints", "weights", "rank", "loss"]
    rec = swarm.train("sin", bees=2, epochs=3, width=3, depth=2, activation="tanh", points=11,
                      progress=False)
    assert "breakpoints" not in default_panels(rec)


def test_default_layout_puts_the_fit_on_the_left():
    assert default_layout(["loss", "weights"]) is None
    assert callable(default_layout(["line", "loss"]))


def test_frames_follow_the_clock(tmp_path):
    CountingWriter.instances.clear()
    timings = {}
    animate(tiny(), tmp_path / "out.mp4", panels="line,loss", fps=10, duration=1.5, size=(320, 180),
            jobs=1, progress=False, timings=timings, time_axis="log", writer=CountingWriter)
    (writer,) = CountingWriter.instances
    assert writer.frames == 15 and writer.size == (320, 180)
    assert set(timings) == {"prepare", "render"}


def test_real_gif_and_poster(tmp_path):
    out = animate(tiny(), tmp_path / "out.gif", fps=10, duration=1.0, size=(480, 270), jobs=1,
                  progress=False, poster=tmp_path / "poster.png", tracked=[0, 5])
    assert probe(out)["frames"] == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gif", "poster.png"]


def test_bad_arguments_fail_before_any_work(tmp_path):
    rec = tiny()
    with pytest.raises(ValueError, match="unknown panel 'fit'; choose from line"):
        animate(rec, tmp_path / "out.mp4", panels=["fit"])
    with pytest.raises(ValueError, match="extension"):
        animate(rec, tmp_path / "out.avi")
    with pytest.raises(ValueError, match="`tracked`"):
        animate(rec, tmp_path / "out.mp4", tracked=[99])
    with pytest.raises(ValueError, match="`duration`"):
        animate(rec, tmp_path / "out.mp4", duration=-1)
    assert list(tmp_path.iterdir()) == []
    np.testing.assert_array_equal(rec.epoch, np.arange(12))  # the recording is untouched


def with_spec(rec, **changes):
    """A copy of ``rec`` (cached: not to be changed) whose meta['spec'] has ``changes``."""
    from swarm.recording import Recording

    if "activation" in changes:  # the fact training writes beside the activation
        changes["piecewise_linear"] = changes["activation"] in ("relu", "leaky_relu", "identity", "abs")
    return Recording(dict(rec), {**rec.meta, "spec": {**rec.meta["spec"], **changes}})


@pytest.mark.parametrize("kwargs, match", [
    (dict(poster="p.jpg"), "`poster` must be a .png path"),
    (dict(poster="/no/such/folder/p.png"), "does not exist"),
    (dict(preset="nope"), "unknown `preset` 'nope'; choose one of ultrafast"),
    (dict(crf=99), "`crf` must be None or an integer from 0 .* to 51"),
    (dict(crf=-1), "`crf`"),
    (dict(crf=1.5), "`crf`"),
    (dict(size=(8, 8)), "`size`"),
    (dict(jobs=0), "`jobs`"),
    (dict(title=3), "`title`"),
    (dict(time_axis="sqrt"), "`time_axis`"),
    (dict(panels="breakpoints", rec="tanh"), "'breakpoints' does not apply to this run: "
                                             "breakpoints are defined for piecewise-linear"),
    (dict(panels="rank", rec="depth1"), "'rank' does not apply.*2x2"),
])
def test_every_argument_is_checked_before_any_work(kwargs, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    CountingWriter.instances.clear()
    which = kwargs.pop("rec", None)
    rec = tiny(depth=1 if which == "depth1" else 2)
    if which == "tanh":
        rec = with_spec(rec, activation="tanh")
    with pytest.raises(ValueError, match=match):
        animate(rec, "a.mp4", **{"progress": False, "jobs": 1, "writer": CountingWriter, **kwargs})
    assert CountingWriter.instances == [] and list(tmp_path.iterdir()) == []


def test_a_panel_needing_the_built_in_network_refuses_a_custom_model_recording(tmp_path):
    rec = with_spec(tiny(depth=2), model="MyNet")
    assert default_panels(rec) == ["line", "weights", "rank", "loss"]
    with pytest.raises(ValueError, match="'breakpoints' does not apply.*custom model 'MyNet'"):
        animate(rec, tmp_path / "a.mp4", panels="line,breakpoints")


def test_a_recording_no_panel_applies_to_is_refused_with_the_reasons(tmp_path):
    from swarm.recording import Recording

    rec = Recording({"x": np.arange(3.0), "y": np.zeros(3), "ypred": np.zeros((2, 4, 3)),
                     "loss": np.ones((2, 4)), "epoch": np.arange(4)})
    assert default_panels(rec) == ["line", "loss"]
    with pytest.raises(ValueError, match="'weights' does not apply.*layer weights"):
        animate(rec, tmp_path / "a.mp4", panels="weights")


def test_the_title_says_1_epoch_and_n_epochs():
    from swarm.animation import describe

    assert describe(tiny(epochs=1)).endswith("  ·  1 epoch")
    assert describe(tiny(epochs=2)).endswith("  ·  2 epochs")


def test_panels_built_two_at_a_time_paint_the_frames_built_one_at_a_time(monkeypatch):
    """The lead panel builds on a side thread on a multi-core machine; the same frames result."""
    import swarm.animation as animation
    from swarm.panels import pick_tracked
    from swarm.render import render_frame

    rec = tiny(depth=2)
    names = default_panels(rec)
    epochs = np.arange(rec.num_epochs)

    def frames(cores):
        monkeypatch.setattr(animation, "cores", lambda: cores)
        scene, schedule = animation._prepare(rec, names, epochs, pick_tracked(rec, 2), (320, 180),
                                             None)
        return [render_frame(scene, row) for row in schedule[::4]]

    for threaded, serial in zip(frames(2), frames(1)):
        np.testing.assert_array_equal(threaded, serial)


@pytest.mark.parametrize("which", [0, 1])
def test_a_panel_that_fails_to_build_fails_the_video(which, tmp_path, monkeypatch):
    """The side thread's error (the lead panel) and the main thread's reach the caller alike."""
    import swarm.animation as animation
    from swarm import panels

    name = ["line", "loss"][which]

    class Broken(panels.PANELS[name]):
        def __init__(self, rec, **kwargs):
            raise RuntimeError(f"{name} broke")

    monkeypatch.setattr(animation, "cores", lambda: 2)
    monkeypatch.setitem(panels.PANELS, name, Broken)
    with pytest.raises(RuntimeError, match=f"{name} broke"):
        animate(tiny(), tmp_path / "out.mp4", panels="line,loss", size=(160, 90), jobs=1,
                progress=False, writer=CountingWriter)
    assert list(tmp_path.iterdir()) == []
