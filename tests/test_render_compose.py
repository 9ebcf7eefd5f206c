"""The compositor: layout, frame schedules, the render loop (fake writer) and real parallel encodes."""
import subprocess

import numpy as np
import pytest

from swarm.panels.base import Panel
from swarm.render.compose import Scene, frame_schedule, grid_slots, render, render_frame
from swarm.render.probe import probe
from swarm.render.writer import ffmpeg_exe
from render_helpers import CountingWriter


class MeanFit(Panel):
    """The docstring example of swarm.panels.base: a new panel in one short class."""

    def __init__(self, ys, fail_at=None):
        self.x, self.ys = np.linspace(-1, 1, ys.shape[1]), ys
        self.num_frames, self.fail_at = len(ys), fail_at

    def plot_init(self, ax):
        ax.set(xlim=(-1, 1), ylim=(-2, 2), title="mean fit")

    def draw(self, canvas, frame):
        if frame == self.fail_at:
            raise RuntimeError(f"panel failed at {frame}")
        canvas.line(self.x, self.ys[frame], color="C1", width=2)


def ramp_panel(frames=8, **kwargs):
    return MeanFit(np.linspace(-1.5, 1.5, frames)[:, None] * np.ones((1, 5)), **kwargs)


def test_grid_slots():
    assert grid_slots(2)[:2] == (1, 2)
    assert grid_slots(5)[:2] == (2, 3)
    rows, cols, slots = grid_slots(3, (3, 1))
    assert (rows, cols) == (3, 1) and slots[2] == (2, 3, 0, 1)
    assert grid_slots(2, [(0, 2, 0, 1), (0, 1, 1, 3)])[:2] == (2, 3)
    for bad in [(1, 1), [(0, 1, 0, 1)], [(0, 0, 0, 1), (0, 1, 0, 1)], "wide"]:
        with pytest.raises(ValueError, match="`layout`"):
            grid_slots(2, bad)


def test_scene_draws_the_background_once_and_measures_panes():
    scene = Scene([ramp_panel(), ramp_panel()], size=(320, 180))
    assert scene.background.shape == (180, 320, 4)
    (left,), (right,) = scene.panes
    assert left.left + left.width <= right.left and left.height > 50
    with pytest.raises(ValueError, match="`panels` is empty"):
        Scene([])
    with pytest.raises(ValueError, match="is not a panel"):
        Scene([object()])
    with pytest.raises(ValueError, match="`size`"):
        Scene([ramp_panel()], size=(8, 8))


def test_frame_schedule_shares_one_clock():
    short, long = ramp_panel(4), ramp_panel(13)
    schedule = frame_schedule([short, long], 7)
    assert schedule.shape == (7, 2)
    assert schedule[0].tolist() == [0, 0] and schedule[-1].tolist() == [3, 12]
    assert np.all(np.diff(schedule, axis=0) >= 0)
    with pytest.raises(ValueError, match="`epochs`"):
        frame_schedule([short], 4, epochs=[0, 1])


def test_render_loop_writes_every_scheduled_frame(tmp_path):
    CountingWriter.instances.clear()
    scene = Scene([ramp_panel()], size=(160, 120))
    schedule = frame_schedule(scene.panels, 20)
    render(scene, tmp_path / "out.mp4", schedule, jobs=1, progress=False, writer=CountingWriter)
    (writer,) = CountingWriter.instances
    assert writer.frames == 20 and writer.kwargs["channels"] == 4
    np.testing.assert_array_equal(writer.last[..., :3], render_frame(scene, schedule[-1]))
    first = render_frame(scene, schedule[0])
    assert (first != writer.last[..., :3]).any()  # the line moved


@pytest.mark.parametrize("fork", [True, False])
def test_parallel_render_joins_pieces_into_one_video(tmp_path, monkeypatch, fork):
    """Forked workers (Linux) or loky's: the same video, no file left beside it."""
    import swarm.render.compose as compose
    from swarm.render.workers import forks

    if fork and not forks():
        pytest.skip("this system does not fork")
    monkeypatch.setattr(compose, "forks", lambda: fork)
    scene = Scene([ramp_panel(30)], size=(160, 120))
    out = render(scene, tmp_path / "out.mp4", frame_schedule(scene.panels, 75), jobs=2,
                 progress=False, poster=tmp_path / "poster.png")
    info = probe(out)
    assert info["frames"] == 75 and info["faststart"] and info["codec"] == "h264"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4", "poster.png"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_panel_leaves_no_file(tmp_path, jobs):
    scene = Scene([ramp_panel(40, fail_at=33)], size=(96, 64))
    with pytest.raises(RuntimeError, match="panel failed at 33"):
        render(scene, tmp_path / "out.mp4", frame_schedule(scene.panels, 40), jobs=jobs,
               progress=False)
    assert list(tmp_path.iterdir()) == []


def test_render_validates_before_work(tmp_path):
    scene = Scene([ramp_panel()], size=(96, 64))
    with pytest.raises(ValueError, match="`schedule`"):
        render(scene, tmp_path / "out.mp4", np.zeros((3, 2), int))
    with pytest.raises(ValueError, match="`jobs`"):
        render(scene, tmp_path / "out.mp4", np.zeros((3, 1), int), jobs=0)
    with pytest.raises(ValueError, match="extension"):
        render(scene, tmp_path / "out.mov", np.zeros((3, 1), int))


def test_pieces_split_evenly_over_the_workers():
    """Every worker renders the same number of pieces, of sizes within one frame; pieces last
    about 4 s; every frame is in exactly one piece, in order."""
    from swarm.render.compose import piece_bounds

    for frames in range(1, 130):
        for workers in range(1, 6):
            for fps in (5, 30):
                bounds = piece_bounds(frames, workers, fps)
                sizes = np.diff(bounds)
                assert bounds[0] == 0 and bounds[-1] == frames and (sizes >= 1).all()
                assert sizes.max() - sizes.min() <= 1
                assert sizes.max() <= max(round(4 * fps), -(-frames // workers))
                assert len(sizes) % workers == 0 or len(sizes) == frames < workers
    np.testing.assert_array_equal(np.diff(piece_bounds(400, 2, 30)), [100] * 4)  # 120s made 3


@pytest.mark.parametrize("fork", [True, False])
def test_a_panel_defined_here_renders_in_parallel_frame_for_frame(tmp_path, monkeypatch, fork):
    """A panel class local to a function (no module can import it) reaches the workers: inherited
    by forked ones, cloudpickled to loky's; the video decodes to the frames painted here."""
    import swarm.render.compose as compose
    from swarm.render.workers import forks

    if fork and not forks():
        pytest.skip("this system does not fork")
    monkeypatch.setattr(compose, "forks", lambda: fork)

    class Local(Panel):
        num_frames = 12

        def plot_init(self, ax):
            ax.set(xlim=(0, 1), ylim=(0, 1))

        def draw(self, canvas, frame):
            canvas.rect(0, canvas.pane.width * (frame + 1) / 12, 0, canvas.pane.height, "C3")

    CountingWriter.instances.clear()
    scene = Scene([Local()], size=(96, 64))
    schedule = frame_schedule(scene.panels, 12)
    out = render(scene, tmp_path / "out.mp4", schedule, jobs=2, progress=False)
    assert probe(out)["frames"] == 12
    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(out), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    decoded = np.frombuffer(raw, np.uint8).reshape(12, 64, 96, 3).astype(int)
    for got, row in zip(decoded, schedule):
        assert np.abs(got - render_frame(scene, row)).mean() < 3  # lossy, but this frame


class KeepingWriter(CountingWriter):
    """Keeps every frame and the rows it was said to have changed in."""

    def write(self, frame, rows=None):
        super().write(frame, rows)
        self.kept = getattr(self, "kept", []) + [(self.last, rows)]


def test_each_frame_names_the_rows_that_changed(tmp_path):
    """The compositor restores and hands on only the rows its panels painted in this frame or
    the one before: every row that differs from the frame before is among them, and the
    frames are render_frame's."""
    KeepingWriter.instances.clear()
    scene = Scene([ramp_panel(12), ramp_panel(12)], size=(320, 180))
    schedule = frame_schedule(scene.panels, 12)
    render(scene, tmp_path / "out.mp4", schedule, jobs=1, progress=False, writer=KeepingWriter)
    (writer,) = KeepingWriter.instances
    assert writer.kept[0][1] is None  # the first frame: all rows
    for k, (frame, rows) in enumerate(writer.kept):
        np.testing.assert_array_equal(frame[..., :3], render_frame(scene, schedule[k]))
        if k:
            listed = np.zeros(180, bool)
            for start, stop in rows:
                listed[start:stop] = True
            changed = (frame != writer.kept[k - 1][0]).any(axis=(1, 2))
            assert changed.any() and listed[changed].all() and not listed.all()
