"""animate(): a recording to a video in one call."""
import numpy as np
import pytest

import swarm
from swarm.render import animate, compose, default_panels
from swarm.render.animation import default_layout
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


def test_frames_follow_the_clock(monkeypatch, tmp_path):
    monkeypatch.setattr(compose, "VideoWriter", CountingWriter)
    CountingWriter.instances.clear()
    timings = {}
    animate(tiny(), tmp_path / "out.mp4", panels="line,loss", fps=10, duration=1.5, size=(320, 180),
            jobs=1, progress=False, timings=timings, time_axis="log")
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


def test_the_title_says_1_epoch_and_n_epochs():
    from swarm.render.animation import describe

    assert describe(tiny(epochs=1)).endswith("  ·  1 epoch")
    assert describe(tiny(epochs=2)).endswith("  ·  2 epochs")
