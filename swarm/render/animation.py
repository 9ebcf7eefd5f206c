"""``animate(rec, "out.mp4")``: a recording to a video of its panels, in one call."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from swarm._files import check_writable
from swarm.panels import PANELS, get_panel, pick_tracked
from swarm.render.clock import frame_epochs, num_frames
from swarm.render.compose import Scene, render, scaled_dpi
from swarm.render.workers import sigterm_raises, stop_workers, warm_up
from swarm.render.writer import output_format

__all__ = ["animate", "DEFAULT_PANELS", "default_panels", "default_layout", "describe"]

log = logging.getLogger(__name__)

DEFAULT_PANELS = ("line", "breakpoints", "weights", "rank", "loss")


def default_panels(rec) -> list[str]:
    """The panels that say something about ``rec``: all of DEFAULT_PANELS, less
    ``breakpoints`` when the activation is not piecewise linear (or a custom
    model was trained), less ``rank`` when every layer is one row or column."""
    from swarm import _act

    spec = rec.meta.get("spec", {})
    names = list(DEFAULT_PANELS)
    name = spec.get("activation")
    if spec.get("model") or not name or name not in _act.ACTIVATIONS \
            or not _act.ACTIVATIONS[name].piecewise_linear:
        names.remove("breakpoints")
    if all(min(rec.weights(k).shape[-2:]) <= 1 for k in rec.layer_indices):
        names.remove("rank")
    return names


def default_layout(names):
    """The line fit large on the left (breakpoints under it, sharing x), the rest stacked on the right.

    Returns a ``layout(fig)`` for :class:`Scene` (nested grids, so each column
    spaces its own panels), or None for a plain grid when there is no line panel.
    """
    names = list(names)
    if "line" not in names:
        return None
    left = [n for n in ("line", "breakpoints") if n in names]
    right = [n for n in names if n not in left]

    def layout(fig):
        outer = fig.add_gridspec(1, 2 if right else 1, width_ratios=[7, 5] if right else [1])
        places = dict(zip(left, outer[0, 0].subgridspec(len(left), 1, height_ratios=[2, 1][:len(left)])))
        if right:
            places.update(zip(right, outer[0, 1].subgridspec(len(right), 1)))
        return [places[n] for n in names]

    return layout


def describe(rec) -> str:
    """One line about the run, for the video's title."""
    spec = rec.meta.get("spec", {})
    parts = [str(spec.get("target", "")), f"{rec.num_bees} bees"]
    for key, label in (("width", "width"), ("depth", "depth")):
        if key in spec:
            parts.append(f"{label} {spec[key]}")
    if spec.get("activation"):
        parts.append(str(spec["activation"]))
    if spec.get("optimizer"):
        parts.append(f"{spec['optimizer']} lr {spec.get('lr', '?')}")
    epochs = int(rec.epoch[-1]) + 1
    parts.append(f"{epochs} epoch{'s' if epochs != 1 else ''}")
    return "  ·  ".join(p for p in parts if p)


def _panel_names(panels) -> list:
    if isinstance(panels, str):
        panels = [p for p in panels.split(",") if p.strip()]
    panels = list(panels)
    if not panels:
        raise ValueError(f"`panels` is empty; choose from {', '.join(PANELS)}")
    return [get_panel(p).name if isinstance(p, str) else p for p in panels]


def animate(rec, path, panels=None, *, fps: float = 30, duration: float | None = None,
            size=(1280, 720), jobs: int | None = None, poster=None, progress: bool = True,
            time_axis: str = "linear", tracked=4, title: str | None = None,
            preset: str = "veryfast", crf: int | None = None, timings: dict | None = None) -> Path:
    """Render ``rec`` (a Recording) into the video ``path`` (.mp4, .webm or .gif); returns ``path``.

    ``panels``: names from ``swarm.panels.PANELS`` (a list or "line,loss"), or
    panel objects; None picks :func:`default_panels`. The video lasts
    ``duration`` seconds (default 10-15 s, one frame per recorded epoch when
    that fits) at ``fps``; ``time_axis="log"`` spends more frames on the early
    epochs. ``tracked``: how many bees to follow in colour (or their indices).
    ``jobs`` worker processes (None: all cores). ``poster``: also save the last
    frame as this PNG. ``timings``, a dict, receives seconds spent preparing
    (metrics, layout) and rendering (frames and encoding).
    Raises ``ValueError`` for bad arguments before any work; an interrupted
    render (KeyboardInterrupt, SIGTERM) leaves no file behind.
    """
    start = time.perf_counter()
    path = Path(path)
    output_format(path)
    check_writable(path)
    if poster is not None:
        check_writable(poster)
    names = default_panels(rec) if panels is None else _panel_names(panels)
    epoch_of_frame = frame_epochs(rec.epoch, num_frames(rec.num_epochs, fps, duration), time_axis)
    bees = pick_tracked(rec, tracked) if np.isscalar(tracked) else _check_bees(tracked, rec.num_bees)
    with sigterm_raises():
        try:
            warm_up(jobs)  # workers start while the panels compute their metrics
            scene, schedule = _prepare(rec, names, epoch_of_frame, bees, size, title)
            prepared = time.perf_counter()
            render(scene, path, schedule, fps=fps, jobs=jobs, progress=progress, poster=poster,
                   preset=preset, crf=crf)
        except BaseException:
            stop_workers()  # an interruption while preparing leaves no warm worker behind
            raise
    done = time.perf_counter()
    if timings is not None:
        timings.update(prepare=prepared - start, render=done - prepared)
    log.info("animate: %d frames of %s in %.1f s (prepare %.1f s)", len(schedule), ", ".join(
        getattr(p, "name", type(p).__name__) for p in scene.panels), done - start, prepared - start)
    return path


def _prepare(rec, names, epoch_of_frame, bees, size, title):
    """The scene and its schedule [frame, panel]: panels built on the epochs the video shows."""
    shown = np.unique(epoch_of_frame)
    if shown.size < rec.num_epochs:  # panels prepare only the epochs the video shows
        rec = rec.epochs(shown)
    built = [get_panel(n)(rec, tracked=bees) if isinstance(n, str) else n for n in names]
    layout = default_layout(names) if all(isinstance(n, str) for n in names) else None
    scene = Scene(built, size, layout, dpi=scaled_dpi(size),
                  title=describe(rec) if title is None else title)
    lead = np.searchsorted(shown, epoch_of_frame)
    schedule = np.stack([np.rint(lead / max(len(shown) - 1, 1) * (p.num_frames - 1)) for p in built],
                        axis=1).astype(np.int64)
    return scene, schedule


def _check_bees(tracked, num_bees: int) -> np.ndarray:
    bees = np.asarray(tracked)
    if bees.ndim != 1 or bees.dtype.kind not in "iu" or (bees.size and not
                                                          (0 <= bees.min() and bees.max() < num_bees)):
        raise ValueError(f"`tracked` must be a count or bee indices in 0..{num_bees - 1}, got {tracked!r}")
    return bees.astype(np.int64)
