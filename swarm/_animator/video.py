"""swarm_animate: panels side by side in one video, through the fast renderer; make_animation (deprecated)."""
from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

from swarm._animator.line import LineSwarm
from swarm._files import check_writable
from swarm.render.clock import follow
from swarm.render.compose import Scene, render
from swarm.render.writer import FORMATS

__all__ = ["swarm_animate", "make_animation", "video_path", "schedule", "PARALLEL_FROM"]

log = logging.getLogger(__name__)

#: Below this many frames one process renders: starting workers (each imports swarm) costs more.
PARALLEL_FROM = 240


def video_path(destfile) -> Path:
    """``destfile`` as a Path, with ``.mp4`` appended unless it ends in a video suffix (.mp4, .webm, .gif)."""
    if not isinstance(destfile, (str, Path)) or not str(destfile):
        raise ValueError(f"`destfile` must be a file path, got {destfile!r}")
    path = Path(destfile)
    if path.suffix.lower() not in FORMATS:
        path = path.with_name(path.name + ".mp4")
        log.info("writing %s (appended .mp4 to %r)", path, str(destfile))
    return path


def schedule(counts, num_frames=None) -> np.ndarray:
    """Data frame of each panel in each video frame: int64 [frame, panel].

    ``num_frames`` None gives the largest panel count, so the longest panel
    shows each of its frames once. Every panel runs from its first to its last
    frame over the video (a shorter one holds frames, a longer one skips some).
    """
    counts = np.asarray(counts, dtype=np.int64)
    if num_frames is None:
        num_frames = int(counts.max())
    if isinstance(num_frames, bool) or not isinstance(num_frames, (int, np.integer)) or num_frames < 1:
        raise ValueError(f"`num_frames` must be None or a positive integer, got {num_frames!r}")
    return follow(np.arange(int(num_frames)), int(num_frames), counts)


def swarm_animate(plots, destfile, num_frames=None, layout=None, *, fps: float = 30,
                  size=(1280, 720), jobs: int | None = None, progress: bool = True) -> Path:
    """Render ``plots`` (panels, e.g. LineSwarm, HistogramSwarm) into one video; returns its path.

    ``destfile`` gets ``.mp4`` appended unless it ends in .mp4, .webm or .gif.
    ``num_frames`` video frames (default: the most any panel has; panels with
    fewer follow at the same fraction of the way through). ``layout``: None (a
    near-square grid, filled row by row), ``(rows, cols)`` or one
    ``(r0, r1, c0, c1)`` grid slot per panel. ``size`` (width, height) in
    pixels, ``fps`` frames per second, ``jobs`` render processes (None: all
    cores from :data:`PARALLEL_FROM` frames on, one process for shorter videos).
    """
    if isinstance(plots, (str, bytes)) or not hasattr(plots, "__iter__"):
        raise ValueError(f"`plots` must be a list of panels, got {plots!r}")
    plots = list(plots)
    if not plots:
        raise ValueError("`plots` is empty; give at least one panel (e.g. animator.LineSwarm)")
    for i, plot in enumerate(plots):
        if not all(callable(getattr(plot, m, None)) for m in ("draw", "plot_init")) or not hasattr(
                plot, "num_frames"):
            raise ValueError(f"`plots[{i}]` is not a panel (it needs num_frames, plot_init(ax) and "
                             f"draw(canvas, frame)), got {plot!r}")
    path = video_path(destfile)
    check_writable(path)  # before the figure is drawn
    frames = schedule([int(p.num_frames) for p in plots], num_frames)
    scene = Scene(plots, size=size, layout=layout)
    if jobs is None and len(frames) < PARALLEL_FROM:
        jobs = 1
    return render(scene, path, frames, fps=fps, jobs=jobs, progress=progress)


def make_animation(x, y, data, title, destfile, **kwargs) -> Path:
    """Deprecated: one LineSwarm of ``data`` [bee, epoch, point] (or [bee, epoch], one value per
    frame) against the target ``y`` over ``x``, titled ``title``, into ``destfile``.

    Use ``swarm_animate([LineSwarm.standard(x, y, data, set_title=title)], destfile)``.
    ``kwargs`` go to :func:`swarm_animate`.
    """
    warnings.warn("animator.make_animation is deprecated; use animator.swarm_animate("
                  "[animator.LineSwarm.standard(x, y, data, set_title=title)], destfile)",
                  DeprecationWarning, stacklevel=2)
    panel = LineSwarm.standard(x, y, data, set_title=str(title))
    return swarm_animate([panel], destfile, **kwargs)
