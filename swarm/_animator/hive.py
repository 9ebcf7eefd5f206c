"""A hive as a grid of line panels, one per (facx value, facy value): a still figure or a video."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swarm._animator._panel import animate_together, as_array
from swarm._animator.line import LineSwarm
from swarm._animator.video import swarm_animate

__all__ = ["hive_plot", "hive_animate", "hive_panels"]

_X_KEYS, _Y_KEYS = ("x", "xt"), ("y", "yt")


def _swarm(entry, i: int) -> dict:
    """One swarm of the hive as a dict: a mapping from ``core.hive_trainer`` as is, or
    ``(params, Recording)`` from ``swarm.hive`` as params merged with the recording's arrays."""
    if isinstance(entry, Mapping):
        return dict(entry)
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], Mapping) \
            and isinstance(entry[1], Mapping):
        return {**entry[1], **entry[0]}
    raise ValueError(f"`hive[{i}]` must be a dict of parameters and results (core.hive_trainer) or "
                     f"a (params, Recording) pair (swarm.hive), got {type(entry).__name__}")


def _label(value) -> str:
    if hasattr(value, "item") and np.ndim(value) == 0:
        value = value.item()
    return f"{value:g}" if isinstance(value, float) else str(value)


def _first(swarm: dict, keys):
    return next((swarm[k] for k in keys if k in swarm), None)


def hive_panels(hive, facx, facy, field: str = "ypred", **panel_kwargs):
    """One LineSwarm per swarm of ``hive``, placed by its ``facx`` value (column) and ``facy`` value (row).

    Returns (panels, slots, shape): slots are (r0, r1, c0, c1) grid cells, shape
    (rows, cols). Values keep the order they first appear in (the sweep's order).
    ``x``/``y`` come from each swarm's ``x``/``xt`` and ``y``/``yt`` entries (no
    target drawn without them; x = 0, 1, ... without an x). ``facy`` None: one row.
    """
    if isinstance(hive, (str, bytes, Mapping)) or not hasattr(hive, "__iter__"):
        raise ValueError(f"`hive` must be the list returned by core.hive_trainer, got {type(hive).__name__}")
    swarms = [_swarm(entry, i) for i, entry in enumerate(hive)]
    if not swarms:
        raise ValueError("`hive` is empty; it needs at least one swarm")
    if facx is None:
        raise ValueError("`facx` must name a swept parameter, got None")
    for name, fac in (("facx", facx), ("facy", facy)):
        if fac is not None and any(fac not in s for s in swarms):
            swept = sorted(k for k in swarms[0] if np.ndim(swarms[0][k]) == 0)
            raise ValueError(f"`{name}` {fac!r} is not a parameter of every swarm in the hive; "
                             f"their single-valued entries are {swept}")
    if any(field not in s for s in swarms):
        raise ValueError(f"`field` {field!r} is not in every swarm of the hive")
    keys = [(_label(s[facx]), "" if facy is None else _label(s[facy])) for s in swarms]
    columns = list(dict.fromkeys(k[0] for k in keys))
    rows = list(dict.fromkeys(k[1] for k in keys))
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        where = f"{facx}={twice[0]}" + (f", {facy}={twice[1]}" if facy else "")
        raise ValueError(f"several swarms share {where}; the hive sweeps another parameter too: "
                         "pick it as `facx`/`facy` or split the hive")
    panels, slots = [], []
    for swarm, (cx, cy) in zip(swarms, keys):
        data = as_array(swarm[field], field, (2, 3))
        x, y = _first(swarm, _X_KEYS), _first(swarm, _Y_KEYS)
        x = np.arange(data.shape[-1]) if x is None else x
        title = f"{facx}={cx}" + (f", {facy}={cy}" if facy is not None else "")
        epochs = swarm.get("epoch") if np.ndim(swarm.get("epoch")) == 1 else None
        kwargs = {"set_title": title, "legend": False, "epochs": epochs,
                  "diverged_at": swarm.get("diverged_at") if field == "ypred" else None,
                  **panel_kwargs}
        panels.append(LineSwarm(x, data, target=y, **kwargs))
        r, c = rows.index(cy), columns.index(cx)
        slots.append((r, r + 1, c, c + 1))
    return panels, slots, (len(rows), len(columns))


def hive_plot(hive, facx, facy, epoch, *, field: str = "ypred", size=(1280, 720), dpi: float = 100,
              **panel_kwargs) -> Figure:
    """A Figure of the hive at ``epoch`` (an index along the epoch axis; -1 is the last): one
    Axes per (facx value, facy value) pair, each a LineSwarm of that swarm's ``field``.

    ``hive`` is the list from ``core.hive_trainer`` (dicts of parameters and
    results, ``ypred`` [bee, epoch, point]) or from ``swarm.hive``. ``size`` in pixels.
    """
    panels, slots, (rows, cols) = hive_panels(hive, facx, facy, field, **panel_kwargs)
    frames = min(p.num_frames for p in panels)
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not -frames <= epoch < frames:
        raise ValueError(f"`epoch` must be an integer in {-frames}..{frames - 1}, got {epoch!r}")
    if np.shape(size) != (2,) or not all(isinstance(v, (int, np.integer)) and v >= 16 for v in size):
        raise ValueError(f"`size` must be (width, height), whole pixels, at least 16 each; got {size!r}")
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(rows, cols)
    for panel, (r0, r1, c0, c1) in zip(panels, slots):
        panel.plot_init(fig.add_subplot(grid[r0:r1, c0:c1]))
    animate_together(panels, [int(epoch) % p.num_frames for p in panels])
    return fig


def hive_animate(hive, facx, facy, destfile, *, field: str = "ypred", num_frames=None, fps: float = 30,
                 size=(1280, 720), jobs: int | None = None, progress: bool = True, **panel_kwargs) -> Path:
    """A video of the hive: the grid of :func:`hive_plot`, one frame per epoch (see ``swarm_animate``)."""
    panels, slots, _ = hive_panels(hive, facx, facy, field, **panel_kwargs)
    return swarm_animate(panels, destfile, num_frames, slots, fps=fps, size=size, jobs=jobs,
                         progress=progress)
