"""``animate(rec, "out.mp4")``: a recording to a video of its panels, in one call.

The orchestration floor, above both ``swarm.panels`` and ``swarm.render``: it
picks the default panels, lays them out, titles the video with the run's
description and hands the scene to the renderer, which knows panels only by
their protocol (``num_frames``, ``plot_init``, ``draw``). (The module is not
called ``animate``: importing a submodule of that name would shadow the
function ``swarm.animate``.)
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

from swarm._cores import cores
from swarm._files import check_writable
from swarm.datasets import training_defaults
from swarm.panels import PANELS, get_panel, pick_tracked
from swarm.render.clock import follow, frame_epochs, num_frames
from swarm.render.compose import Scene, render, scaled_dpi
from swarm.render.workers import sigterm_raises, stop_workers, warm_up, worker_count
from swarm.render.writer import check_codec, check_png, check_size, output_format

__all__ = ["animate", "DEFAULT_PANELS", "DEFAULTS", "default_panels", "choose_panels", "default_layout", "describe",
           "data_knobs",
           "cannot_show"]

log = logging.getLogger(__name__)

DEFAULT_PANELS = ("line", "breakpoints", "weights", "rank", "loss")
#: The default panels of each kind of run, in order (each shown where it applies).
DEFAULTS = {
    "target": DEFAULT_PANELS,
    "plane": ("boundary", "units", "accuracy", "weights", "loss"),  # 2-D classification
    "classification": ("accuracy", "filters", "breakpoints", "weights", "rank", "loss"),
    "regression": ("predictions", "loss", "weights", "rank"),
}
#: Columns shown large on the left, the first listed panel of a group leading it.
_LEFT = (("line", "breakpoints"), ("boundary", "units"), ("accuracy", "filters", "breakpoints"),
         ("predictions",))  # a lead, then the partners it may have under it (the first shown)


def _candidates(rec) -> tuple[str, ...]:
    task = rec.task
    if task == "classification" and int((rec.meta.get("spec") or {}).get("inputs", 1)) == 2:
        return DEFAULTS["plane"]
    return DEFAULTS.get(task, DEFAULT_PANELS)


def default_panels(rec) -> list[str]:
    """The default panels of ``rec``'s kind of run (see ``DEFAULTS``) that apply to it
    (``Panel.applies``): e.g. less ``breakpoints`` when the activation is not piecewise
    linear, less ``rank`` when every layer is one row or column, ``filters`` for images only."""
    return [name for name in _candidates(rec) if PANELS[name].applies(rec) is None]


def cannot_show(name: str, rec) -> str | None:
    """Why the panel ``name`` cannot show ``rec`` (a short reason), or None: ``Panel.applies``."""
    return get_panel(name).applies(rec)


def default_layout(names):
    """The panels in the order given; when the first is a lead panel (line, boundary,
    accuracy or predictions) it goes large on the left with its partner (breakpoints,
    units, filters or breakpoints) under it, and the rest stack on the right in order.

    Returns a ``layout(fig)`` for :class:`Scene` (nested grids, so each column
    spaces its own panels), or None for a plain grid, filled row by row in order,
    when the first panel is no lead.
    """
    names = list(names)
    group = next((g for g in _LEFT if names and g[0] == names[0]), None)
    if group is None:
        return None
    left = [names[0]] + [n for n in group[1:] if n in names][:1]
    right = [n for n in names if n not in left]

    def layout(fig):
        outer = fig.add_gridspec(1, 2 if right else 1, width_ratios=[7, 5] if right else [1])
        places = dict(zip(left, outer[0, 0].subgridspec(len(left), 1, height_ratios=[2, 1][:len(left)])))
        if right:
            places.update(zip(right, outer[0, 1].subgridspec(len(right), 1)))
        return [places[n] for n in names]

    return layout


def describe(rec) -> str:
    """One line about the run, for the video's title: :meth:`Recording.describe`, its
    dataset's name followed by the knobs the run set away from their defaults, short
    ("moons (noise 0.3, test 0)"); the report's run table lists every knob."""
    line = rec.describe()
    data = rec.meta.get("dataset") or {}
    changed = data_knobs(data)
    name = str(data.get("name") or "")
    if changed and name and line.startswith(name):
        line = f"{name} ({changed}){line[len(name):]}"
    return line


def data_knobs(data: dict) -> str:
    """The knobs of a dataset's meta (``Dataset.to_meta()``) that differ from its builder's
    defaults, as "noise 0.3, test 0, data seed 1"; "" when none does."""
    import inspect

    from swarm.datasets import DATASETS
    from swarm.datasets._generators import _DIGITS as ALL_DIGITS  # digits' samples=None: all
    from swarm.datasets._knobs import DEFAULTS as SHARED

    defaults = {"seed": 0, **SHARED}
    builder = DATASETS.get(str(data.get("name") or ""))
    if builder is not None:
        defaults.update({p.name: p.default for p in inspect.signature(builder).parameters.values()
                         if p.default is not inspect.Parameter.empty})
    parts = []
    for key, value in (data.get("knobs") or {}).items():
        if key in defaults and (value == defaults[key] or (key, defaults[key]) == ("samples", None)
                                and value == ALL_DIGITS):
            continue
        if key not in defaults and key not in SHARED and builder is None:
            continue  # a CSV's own arguments (label, features) are in the report
        word = {"seed": "data seed", "random_labels": "random labels", "dummy_dims": "dummy dims"}.get(key, key)
        parts.append(word if value is True else f"no {word}" if value is False else f"{word} {value:g}"
                     if isinstance(value, float) else f"{word} {value}")
    return ", ".join(parts)


def choose_panels(rec, panels=None) -> list:
    """The panels to show of ``rec``: names (each checked with ``Panel.applies``) or panel objects.

    ``panels`` as :func:`animate` takes it; None picks :func:`default_panels`.
    ``rec`` may be a ``SpecOnly`` to check a request before training. A ``ValueError``
    says which panel does not apply and why.
    """
    if getattr(rec, "num_bees", 1) == 0 or getattr(rec, "num_epochs", 1) == 0:
        raise ValueError(f"`rec` has no bees or no epochs to show: {rec!r}")
    if panels is None:
        names = default_panels(rec)
        if not names:
            raise ValueError("no panel applies to this run; "
                             + "; ".join(f"{n}: {PANELS[n].applies(rec)}" for n in _candidates(rec)))
        return names
    if isinstance(panels, str):
        panels = [p for p in panels.split(",") if p.strip()]
    panels = list(panels)
    if not panels:
        raise ValueError(f"`panels` is empty; choose from {', '.join(PANELS)}")
    names = [get_panel(p).name if isinstance(p, str) else p for p in panels]
    for name in names:
        reason = PANELS[name].applies(rec) if isinstance(name, str) else None
        if reason is not None:
            raise ValueError(f"`panels`: {name!r} does not apply to this run: {reason}")
    return names


def animate(rec, path, panels=None, *, fps: float = 30, duration: float | None = None,
            size=(1280, 720), jobs: int | None = None, poster=None, progress: bool = True,
            time_axis: str | None = None, tracked=4, title: str | None = None,
            preset: str = "veryfast", crf: int | None = None, timings: dict | None = None,
            writer=None) -> Path:
    """Render ``rec`` (a Recording) into the video ``path`` (.mp4, .webm or .gif); returns ``path``.

    ``panels``: names from ``swarm.panels.PANELS`` (a list or "line,loss"), or
    panel objects; None picks :func:`default_panels`. The video lasts
    ``duration`` seconds (default 10-15 s, one frame per recorded epoch when
    that fits; a few epochs make a short video) at ``fps``; ``time_axis="log"``
    spends more frames on the early epochs (None: the dataset's own,
    ``swarm.datasets.training_defaults``; linear for a 1-D target). ``tracked``:
    how many bees to follow in colour (or their indices).
    ``jobs`` worker processes (None: all cores). ``poster``: also save the last
    frame as this PNG. ``timings``, a dict, receives seconds spent preparing
    (metrics, layout) and rendering (frames and encoding). ``writer``: see
    :func:`swarm.render.render`.
    Raises ``ValueError`` for bad arguments before any work; an interrupted
    render (KeyboardInterrupt, SIGTERM) leaves no file behind.
    """
    start = time.perf_counter()
    path = Path(path)
    check_codec(output_format(path), preset, crf)
    check_writable(path)
    if poster is not None:
        check_png(poster)
    check_size(size, 16)
    worker_count(jobs, 1)
    if title is not None and not isinstance(title, str):
        raise ValueError(f"`title` must be a string or None, got {title!r}")
    names = choose_panels(rec, panels)
    if time_axis is None:
        time_axis = training_defaults((rec.meta.get("dataset") or {}).get("name"))["time_axis"]
    epoch_of_frame = frame_epochs(rec.epoch, num_frames(rec.num_epochs, fps, duration), time_axis)
    bees = pick_tracked(rec, tracked) if np.isscalar(tracked) else _check_bees(tracked, rec.num_bees)
    with sigterm_raises():
        try:
            warm_up(jobs, _panel_modules(names))  # workers start while the panels compute
            scene, schedule = _prepare(rec, names, epoch_of_frame, bees, size, title)
            prepared = time.perf_counter()
            render(scene, path, schedule, fps=fps, jobs=jobs, progress=progress, poster=poster,
                   preset=preset, crf=crf, writer=writer)
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
    built = _build_panels(rec, names, bees, size)
    layout = default_layout(names) if all(isinstance(n, str) for n in names) else None
    scene = Scene(built, size, layout, dpi=scaled_dpi(size),
                  title=describe(rec) if title is None else title)
    lead = np.searchsorted(shown, epoch_of_frame)
    return scene, follow(lead, len(shown), [p.num_frames for p in built])


def _build_panels(rec, names, bees, size) -> list:
    """The panels of ``names`` (names or panel objects) built on ``rec``, in order.

    The first (the lead panel: the line fit, the boundary, ...) builds on a side
    thread while the others build here: their numpy work (medians, histograms)
    releases the GIL, so two cores prepare at once. Only one side thread: the
    others may size torch's threads (``swarm._threads``), which two of them at
    once could leave wrong. A daemon thread, so Ctrl-C here never waits for it.
    """
    def build(name):
        return get_panel(name)(rec, tracked=bees, **get_panel(name).frame_options(size)) \
            if isinstance(name, str) else name

    if len(names) < 2 or cores() < 2:
        return [build(n) for n in names]
    lead: dict = {}

    def build_lead():
        try:
            lead["panel"] = build(names[0])
        except BaseException as err:  # raised on this thread below
            lead["error"] = err

    thread = threading.Thread(target=build_lead, name="swarm-prepare", daemon=True)
    thread.start()
    rest = [build(n) for n in names[1:]]
    thread.join()
    if "error" in lead:
        raise lead["error"]
    return [lead["panel"], *rest]


def _panel_modules(names) -> list[str]:
    """The modules the scene's panels live in: what a render worker must import to unpickle it."""
    return sorted({(get_panel(n) if isinstance(n, str) else type(n)).__module__ for n in names})


def _check_bees(tracked, num_bees: int) -> np.ndarray:
    bees = np.asarray(tracked)
    if bees.ndim != 1 or bees.dtype.kind not in "iu" or (bees.size and not
                                                          (0 <= bees.min() and bees.max() < num_bees)):
        raise ValueError(f"`tracked` must be a count or bee indices in 0..{num_bees - 1}, got {tracked!r}")
    return bees.astype(np.int64)
