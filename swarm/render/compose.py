"""Lay panels out in one figure and render its frames into a video.

The fast path: matplotlib (Agg) draws every static part once into a background
RGB array; for each frame the panels paint only what moves, in numpy, into
their Axes' pixel boxes of a copy of that background. Frames are rendered in
parallel chunks (joblib, all cores); each chunk streams its frames to its own
ffmpeg (a piece with the same codec settings) and the pieces are joined without
re-encoding. Frames are never all in memory and never on disk.

    scene = Scene(panels, size=(1280, 720))
    render(scene, "out.mp4", frame_schedule(panels, 400))
"""
from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import math
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import cloudpickle
import numpy as np
from joblib import Parallel, delayed
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from swarm._files import check_writable
from swarm.render.canvas import Canvas, Pane
from swarm.render.clock import frame_epochs
from swarm.render.writer import (VideoWriter, check_size, join_pieces, output_format, piece_suffix,
                                 save_png)

__all__ = ["Scene", "frame_schedule", "render", "render_frame", "grid_slots", "warm_up", "stop_workers",
           "sigterm_raises"]

log = logging.getLogger(__name__)

_PIECE_SECONDS = 2.0  # frames per piece when rendering in parallel (keeps the bar moving)


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


class Scene:
    """Panels laid out in one figure: the static background, drawn once, and each panel's panes.

    ``size`` is (width, height) in pixels; ``dpi`` sets how big points are
    (100: a 10 pt label is 14 px tall); by default it scales with the size
    (100 at 1280x720), so a video looks the same at any size. ``title`` goes above all panels.
    ``layout``: see :func:`grid_slots`, or a callable ``layout(fig)`` returning
    one matplotlib SubplotSpec per panel (for nested grids).
    """

    def __init__(self, panels, size=(1280, 720), layout=None, *, dpi: float | None = None,
                 title: str | None = None):
        self.panels = list(panels)
        if not self.panels:
            raise ValueError("`panels` is empty; give at least one panel")
        for p in self.panels:
            if not callable(getattr(p, "draw", None)) or int(getattr(p, "num_frames", 0)) < 1:
                raise ValueError(f"{p!r} is not a panel: it needs num_frames >= 1 and draw(canvas, frame)")
        width, height = check_size(size, 16)
        self.size = (width, height)
        if dpi is None:
            dpi = max(40.0, 100 * min(width / 1280, height / 720))
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
    lead = frame_epochs(epochs, frames, time_axis)
    share = lead / max(counts[0] - 1, 1)
    return np.rint(share[:, None] * (counts[None, :] - 1)).astype(np.int64)


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
    """Each row of ``schedule`` [frame, panel] painted, in one reused RGBX buffer."""
    _keep_memory()
    canvases = scene.canvases()
    frame = np.empty_like(scene.background)
    for index in schedule:
        np.copyto(frame, scene.background)
        yield _paint(scene, index, canvases, frame)


def _keep_memory() -> None:
    """Let glibc keep big freed buffers for reuse instead of unmapping them.

    Each frame makes numpy temporaries of a few MB; fresh mappings cost a page
    fault per 4 kB, which on some machines doubled the time per frame.
    """
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 512 << 20)  # M_TRIM_THRESHOLD
        libc.mallopt(-2, 64 << 20)  # M_TOP_PAD


_SCENES: dict[str, Scene] = {}  # per worker process: the scene of the current render
_SHARE_BYTES = 1 << 20  # arrays at least this big travel as memory-mapped .npy files


class _Dumper(cloudpickle.Pickler):
    """cloudpickle (so panels defined in ``__main__`` or a notebook travel too), with
    big arrays saved beside as .npy files for the workers to memory-map."""

    def __init__(self, fh, folder: Path):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder, self.saved = folder, {}

    def persistent_id(self, obj):
        if not (isinstance(obj, np.ndarray) and obj.nbytes >= _SHARE_BYTES and obj.dtype.kind in "biuf"):
            return None
        if id(obj) not in self.saved:
            name = f"array{len(self.saved)}.npy"
            np.save(self.folder / name, obj)
            self.saved[id(obj)] = (name, obj)  # keep obj alive so its id stays unique
        return self.saved[id(obj)][0]


class _Loader(pickle.Unpickler):
    def __init__(self, fh, folder: Path):
        super().__init__(fh)
        self.folder = folder

    def persistent_load(self, name):
        return np.load(self.folder / name, mmap_mode="r")


def _share_scene(scene: Scene, folder: Path) -> str:
    """Save ``scene`` into ``folder`` once for all workers; returns the path to give them."""
    path = folder / "scene.pickle"
    with open(path, "wb") as fh:
        _Dumper(fh, folder).dump(scene)
    return str(path)


def _load_scene(path: str) -> Scene:
    """The scene shared at ``path``, loaded once per process, its big arrays memory-mapped."""
    if path not in _SCENES:
        _SCENES.clear()
        with open(path, "rb") as fh:
            _SCENES[path] = _Loader(fh, Path(path).parent).load()
    return _SCENES[path]


def _render_piece(scene, schedule: np.ndarray, path: str, fps: float, codec: dict) -> int:
    """Render ``schedule`` [frame, panel] into one piece (runs in a worker).

    ``scene`` is a Scene or the path of one saved by :func:`_share_scene`.
    """
    if isinstance(scene, str):
        scene = _load_scene(scene)
    with VideoWriter(path, fps, scene.size, channels=4, **codec) as writer:
        for frame in _frames(scene, schedule):
            writer.write(frame)
    return len(schedule)


def _worker_count(jobs, frames: int) -> int:
    if jobs is None:
        jobs = os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs == 0:
        raise ValueError(f"`jobs` must be a positive number of processes (or -1 for all cores), got {jobs!r}")
    if jobs < 0:
        jobs = max(1, (os.cpu_count() or 1) + 1 + int(jobs))
    return int(max(1, min(jobs, frames)))


_WARMING: list[threading.Thread] = []  # warm-up threads that may still be starting workers


def warm_up(jobs: int | None = None) -> None:
    """Start the render workers now, in the background, so a render soon after finds them ready.

    A fresh worker spends a second or more importing numpy, matplotlib and
    swarm; :func:`swarm.render.animate` calls this before preparing its panels
    so that happens meanwhile. Does nothing for one job. :func:`stop_workers` undoes it.
    """
    workers = _worker_count(jobs, 1 << 30)
    if workers > 1:
        thread = threading.Thread(target=_start_workers, args=(workers,), daemon=True,
                                  name="swarm-render-warm-up")
        _WARMING.append(thread)
        thread.start()


def stop_workers(timeout: float = 5.0) -> None:
    """Kill the render worker processes (joblib's reusable loky pool), e.g. after an interruption.

    Waits (up to ``timeout`` s) for a warm-up that is still creating the pool,
    so no worker appears after this returns.
    """
    from joblib.externals.loky import reusable_executor

    deadline = time.monotonic() + timeout
    while any(t.is_alive() for t in _WARMING) and reusable_executor._executor is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    executor = reusable_executor._executor
    if executor is not None:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=False, kill_workers=True)
    for thread in _WARMING:  # their Parallel fails fast once the pool is gone
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    _WARMING[:] = [t for t in _WARMING if t.is_alive()]


def _start_workers(workers: int) -> None:
    with contextlib.suppress(BaseException):  # only a head start: a failure shows in the render
        Parallel(n_jobs=workers)(delayed(_import_renderer)() for _ in range(workers))


def _import_renderer() -> None:
    importlib.import_module("swarm.panels")  # what unpickling a scene needs


@contextlib.contextmanager
def sigterm_raises():
    """While rendering, a polite kill (SIGTERM) unwinds like Ctrl-C, so cleanup runs.

    Only when we are the main thread and nobody installed a SIGTERM handler.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def render(scene: Scene, path, schedule, *, fps: float = 30, jobs: int | None = None,
           progress: bool = True, poster=None, preset: str = "veryfast",
           crf: int | None = None) -> Path:
    """Render every row of ``schedule`` [frame, panel] into the video ``path``; returns ``path``.

    ``jobs`` processes (None: all cores) render chunks of frames; ``poster``
    (a .png path) also saves the last frame. Interrupted (Ctrl-C, SIGTERM) or
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
    workers = _worker_count(jobs, len(schedule))
    codec = {"preset": preset, "crf": crf}
    bar = tqdm(total=len(schedule), unit="frame", disable=not progress, desc=path.name)
    with sigterm_raises(), bar:
        if workers == 1:
            with VideoWriter(path, fps, scene.size, channels=4, **codec) as writer:
                for frame in _frames(scene, schedule):
                    writer.write(frame)
                    bar.update()
        else:
            _render_parallel(scene, path, schedule, fps, workers, codec, bar, fmt)
        if poster is not None:
            save_png(render_frame(scene, schedule[-1]), poster)
    log.info("wrote %s (%d frames, %d workers)", path, len(schedule), workers)
    return path


def _render_parallel(scene, path: Path, schedule, fps, workers: int, codec: dict, bar, fmt: str):
    size = max(1, min(int(round(_PIECE_SECONDS * fps)), math.ceil(len(schedule) / workers)))
    starts = range(0, len(schedule), size)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent))
    try:
        shared = _share_scene(scene, workdir)  # sent once, memory-mapped by every worker
        pieces = [str(workdir / f"piece{k:05d}{piece_suffix(fmt)}") for k in range(len(starts))]
        threads = 1 if workers >= (os.cpu_count() or 1) else None  # the cores are taken already
        tasks = (delayed(_render_piece)(shared, schedule[s:s + size], piece, fps,
                                        dict(codec, piece_of=fmt, threads=threads))
                 for s, piece in zip(starts, pieces))
        for done in Parallel(n_jobs=workers, return_as="generator_unordered")(tasks):
            bar.update(done)
        join_pieces(pieces, path, fps)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
