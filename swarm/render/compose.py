"""Lay panels out in one figure and render its frames into a video.

The fast path: matplotlib (Agg) draws every static part once into a background
RGB array; for each frame the panels paint only what moves, in numpy, into
their Axes' pixel boxes of a copy of that background. Frames are rendered in
parallel chunks (all cores: forked workers on Linux, joblib's elsewhere, see
``swarm.render.workers``); each chunk streams its frames to its own
ffmpeg (a piece with the same codec settings) and the pieces are joined without
re-encoding. Frames are never all in memory and never on disk.

    scene = Scene(panels, size=(1280, 720))
    render(scene, "out.mp4", frame_schedule(panels, 400))
"""
from __future__ import annotations

import logging
import math
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from swarm._cores import cores
from swarm._files import check_writable
from swarm.render.canvas import Canvas, Pane
from swarm.render.clock import follow, frame_epochs
from swarm.render.workers import (fork_map, forks, keep_memory, load_scene, share_scene, sigterm_raises,
                                  worker_count)
from swarm.render.writer import (VideoWriter, check_size, join_pieces, output_format, piece_suffix,
                                 save_png)

__all__ = ["Scene", "frame_schedule", "render", "render_frame", "grid_slots", "scaled_dpi"]

log = logging.getLogger(__name__)

# seconds of video per piece when rendering in parallel: the bar moves, and each piece's ffmpeg
# start and first (intra) frame cost less than 1/100 of its frames' CPU (2 s: 8 pieces of a
# 400-frame video, ~1 ms of CPU per frame more on the line panel than 4 pieces)
_PIECE_SECONDS = 4.0


def grid_slots(count: int, layout=None) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """(rows, cols, slots): where ``count`` panels go on a grid, each slot (r0, r1, c0, c1).

    ``layout``: None (a near-square grid, filled row by row), ``(rows, cols)``,
    or a list of one (r0, r1, c0, c1) per panel.
    """
    if layout is None:
        cols = math.ceil(math.sqrt(count))
        layout = (math.ceil(count / cols), cols)
    if (isinstance(layout, tuple) and len(layout) == 2
            and all(isinstance(v, (int, np.integer)) for v in layout)):
        rows, cols = (int(v) for v in layout)
        if rows < 1 or cols < 1 or rows * cols < count:
            raise ValueError(f"`layout` {layout!r} has no room for {count} panels")
        return rows, cols, [(i // cols, i // cols + 1, i % cols, i % cols + 1) for i in range(count)]
    try:
        slots = [tuple(int(v) for v in slot) for slot in layout]
    except (TypeError, ValueError):
        slots = []
    if len(slots) != count or any(len(s) != 4 or s[0] < 0 or s[2] < 0 or s[1] <= s[0] or s[3] <= s[2]
                                  for s in slots):
        raise ValueError(f"`layout` must be None, (rows, cols) or one (r0, r1, c0, c1) per panel "
                         f"({count}), got {layout!r}")
    return max(s[1] for s in slots), max(s[3] for s in slots), slots


def scaled_dpi(size) -> float:
    """The dpi at which a figure of ``size`` (width, height) px looks like 1280x720 at dpi 100."""
    width, height = check_size(size, 16)
    return max(40.0, 100 * min(width / 1280, height / 720))


class Scene:
    """Panels laid out in one figure: the static background, drawn once, and each panel's panes.

    ``size`` is (width, height) in pixels; ``dpi`` sets how big points are
    (100: a 10 pt label is 14 px tall; :func:`scaled_dpi` keeps a layout made
    for 1280x720 looking the same at other sizes). ``title`` goes above all panels.
    ``layout``: see :func:`grid_slots`, or a callable ``layout(fig)`` returning
    one matplotlib SubplotSpec per panel (for nested grids).
    """

    def __init__(self, panels, size=(1280, 720), layout=None, *, dpi: float = 100,
                 title: str | None = None):
        self.panels = list(panels)
        if not self.panels:
            raise ValueError("`panels` is empty; give at least one panel")
        for p in self.panels:
            if not callable(getattr(p, "draw", None)) or int(getattr(p, "num_frames", 0)) < 1:
                raise ValueError(f"{p!r} is not a panel: it needs num_frames >= 1 and draw(canvas, frame)")
        width, height = check_size(size, 16)
        self.size = (width, height)
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        if title:
            fig.suptitle(title, fontsize=12, fontweight="bold")
        if callable(layout):
            specs = list(layout(fig))
            if len(specs) != len(self.panels):
                raise ValueError(f"`layout` gave {len(specs)} places for {len(self.panels)} panels")
        else:
            rows, cols, slots = grid_slots(len(self.panels), layout)
            grid = fig.add_gridspec(rows, cols)
            specs = [grid[r0:r1, c0:c1] for r0, r1, c0, c1 in slots]
        groups = []
        for panel, spec in zip(self.panels, specs):
            ax = fig.add_subplot(spec)
            made = panel.plot_init(ax)
            groups.append(list(made) if made else [ax])
        with warnings.catch_warnings():  # tiny frames: layout falls back, the video still renders
            warnings.filterwarnings("ignore", "constrained_layout not applied")
            fig.canvas.draw()
        self.background = np.array(fig.canvas.buffer_rgba())  # RGBX [height, width, 4]
        if self.background.shape[:2] != (height, width):
            raise ValueError(f"the figure rendered at {self.background.shape[1::-1]}, not `size` {size!r}")
        self.panes = [[Pane.from_axes(ax, height) for ax in group] for group in groups]

    def canvases(self) -> list[Canvas]:
        """One canvas per panel (its first pane), with ``.panes`` for all of the panel's Axes."""
        out = []
        for group in self.panes:
            canvases = tuple(Canvas(pane) for pane in group)
            for c in canvases:
                c.panes = canvases
            out.append(canvases[0])
        return out


def frame_schedule(panels, frames: int, time_axis: str = "linear", epochs=None) -> np.ndarray:
    """The data frame of every panel in every video frame: int64 [frame, panel].

    The first panel's frames are timed by ``epochs`` (its epoch numbers,
    default 0..num_frames-1) on the ``time_axis``; panels with a different
    ``num_frames`` follow at the same fraction of the way through.
    """
    counts = np.array([int(p.num_frames) for p in panels])
    epochs = np.arange(counts[0]) if epochs is None else np.asarray(epochs)
    if epochs.shape != (counts[0],):
        raise ValueError(f"`epochs` must have one entry per frame of the first panel ({counts[0]}), "
                         f"got shape {epochs.shape}")
    return follow(frame_epochs(epochs, frames, time_axis), counts[0], counts)


def render_frame(scene: Scene, index) -> np.ndarray:
    """One frame as RGB uint8 [height, width, 3], panel p at data frame ``index[p]``."""
    frame = scene.background.copy()
    _paint(scene, index, scene.canvases(), frame)
    return np.ascontiguousarray(frame[..., :3])


def _paint(scene: Scene, index, canvases, frame: np.ndarray) -> np.ndarray:
    """Paint the panels at data frames ``index`` [panel] onto ``frame`` (RGBX, a copy of the background)."""
    for panel, canvas, i in zip(scene.panels, canvases, index):
        for pane in canvas.panes:
            pane.begin(frame)
        try:
            panel.draw(canvas, int(i))
        finally:
            for pane in canvas.panes:
                pane.end()
    return frame


def _frames(scene: Scene, schedule):
    """Each row of ``schedule`` [frame, panel] painted, in one reused RGBX buffer, with the
    (start, stop) frame rows where it may differ from the frame before (None: the first).

    Those are the rows the panels painted in either frame (their canvases' ``touched``):
    only they are restored from the background, and only they are converted for the encoder.
    """
    keep_memory()
    canvases = scene.canvases()
    panes = [pane for canvas in canvases for pane in canvas.panes]
    frame = scene.background.copy()
    before = None
    for index in schedule:
        for start, stop in before or ():
            frame[start:stop] = scene.background[start:stop]
        _paint(scene, index, canvases, frame)
        now = [(pane.pane.top + a, pane.pane.top + b) for pane in panes for a, b in pane.touched]
        yield frame, None if before is None else before + now
        before = now


def _render_piece(scene, schedule: np.ndarray, path: str, fps: float, codec: dict,
                  make_writer=VideoWriter) -> int:
    """Render ``schedule`` [frame, panel] into one piece (runs in a worker).

    ``scene`` is a Scene or the path of one saved by :func:`workers.share_scene`.
    """
    if isinstance(scene, str):
        scene = load_scene(scene)
    with make_writer(path, fps, scene.size, channels=4, **codec) as writer:
        for frame, rows in _frames(scene, schedule):
            writer.write(frame, rows)
    return len(schedule)


def render(scene: Scene, path, schedule, *, fps: float = 30, jobs: int | None = None,
           progress: bool = True, poster=None, preset: str = "veryfast",
           crf: int | None = None, writer=None) -> Path:
    """Render every row of ``schedule`` [frame, panel] into the video ``path``; returns ``path``.

    ``jobs`` processes (None: all cores) render chunks of frames; ``poster``
    (a .png path) also saves the last frame. ``writer``: the class that writes
    frames, called like :class:`VideoWriter` (default; tests pass a fake): RGBX frames,
    each with the rows that changed, ``write(frame, rows)``. Interrupted (Ctrl-C, SIGTERM) or
    failed renders leave no output, no temporary file and no ffmpeg or worker
    process, and re-raise (KeyboardInterrupt for an interruption).
    """
    path = Path(path)
    fmt = output_format(path)
    check_writable(path)
    if poster is not None:
        check_writable(poster)
    schedule = np.asarray(schedule, dtype=np.int64)
    if schedule.ndim != 2 or schedule.shape[1] != len(scene.panels) or not len(schedule):
        raise ValueError(f"`schedule` must be [frame, panel] with {len(scene.panels)} panels, "
                         f"got shape {schedule.shape}")
    workers = worker_count(jobs, len(schedule))
    codec = {"preset": preset, "crf": crf}
    make_writer = VideoWriter if writer is None else writer
    bar = tqdm(total=len(schedule), unit="frame", disable=not progress, desc=path.name)
    with sigterm_raises(), bar:
        if workers == 1:
            with make_writer(path, fps, scene.size, channels=4, **codec) as out:
                for frame, rows in _frames(scene, schedule):
                    out.write(frame, rows)
                    bar.update()
        else:
            _render_parallel(scene, path, schedule, fps, workers, codec, bar, fmt, make_writer)
        if poster is not None:
            save_png(render_frame(scene, schedule[-1]), poster)
    log.info("wrote %s (%d frames, %d workers)", path, len(schedule), workers)
    return path


def piece_bounds(frames: int, workers: int, fps: float) -> np.ndarray:
    """Where the pieces of a parallel render start and end: int64 [pieces + 1], 0 .. ``frames``.

    Pieces last about ``_PIECE_SECONDS`` of video (the bar moves) and come in a
    multiple of ``workers``, with sizes that differ by at most one frame, so every
    worker renders the same share (3 pieces of 120 frames on 2 workers left one
    worker alone on the last; 4 of 100 do not). Fewer frames than workers: one each.
    """
    size = max(1, min(int(round(_PIECE_SECONDS * fps)), math.ceil(frames / workers)))
    pieces = min(frames, workers * math.ceil(math.ceil(frames / size) / workers))
    return np.linspace(0, frames, pieces + 1).round().astype(np.int64)


def _render_parallel(scene, path: Path, schedule, fps, workers: int, codec: dict, bar, fmt: str,
                     make_writer):
    bounds = piece_bounds(len(schedule), workers, fps)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent))
    try:
        pieces = [str(workdir / f"piece{k:05d}{piece_suffix(fmt)}") for k in range(len(bounds) - 1)]
        threads = 1 if workers >= cores() else None  # the cores are taken already
        codec = dict(codec, piece_of=fmt, threads=threads)
        if forks():  # the workers inherit the scene and every module: nothing to send or import
            key = str(workdir / "scene")
            done_pieces = fork_map(_render_piece, [(key, schedule[a:b], piece, fps, codec, make_writer)
                                                   for a, b, piece in zip(bounds[:-1], bounds[1:], pieces)],
                                   workers, shared=scene)
        else:
            from joblib import Parallel, delayed  # here: forked renders never need it (0.1 s)

            shared = share_scene(scene, workdir)  # sent once, memory-mapped by every worker
            done_pieces = Parallel(n_jobs=workers, return_as="generator_unordered")(
                delayed(_render_piece)(shared, schedule[a:b], piece, fps, codec, make_writer)
                for a, b, piece in zip(bounds[:-1], bounds[1:], pieces))
        for done in done_pieces:
            bar.update(done)
        join_pieces(pieces, path, fps)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
