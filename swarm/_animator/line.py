"""LineSwarm: every bee's curve per frame, as the density of lines plus a few tracked bees."""
from __future__ import annotations

import numpy as np
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from swarm._animator._panel import SeedPanel, as_array
from swarm.panels.base import pick_tracked, track_color
from swarm.panels.line import MEDIAN_COLOR, LinePanel
from swarm.recording import Recording

__all__ = ["LineSwarm"]


class LineSwarm(SeedPanel):
    """Bees' curves over ``x`` [point], one frame per entry of ``data``'s second axis.

    ``data`` is [bee, frame, point] (e.g. ``res["ypred"]``), or [bee, frame]
    for one value per bee per frame (drawn flat across ``x``). Each frame shows
    how many bees pass through each pixel (shaded, so crowds and stragglers
    both show), the median curve, ``tracked`` bees in their own colours (a
    count, spread over how close each bee ends to ``target`` or to the median,
    or bee indices) and, when given, the ``target`` [point] as a dashed line.
    A bee is shown until its first non-finite value (or its ``diverged_at``
    [bee] epoch label, -1 for none, as a Recording gives it), then left out and
    counted in a corner note.

    The y limits are ``ylim``, or the target's range widened by half of it on
    each side, or (no target) the data's finite range padded by 5%. ``epochs``
    [frame] labels the frames (default 0, 1, ...). ``legend`` (a flag, not the
    Axes method) shows the key above the Axes (beside them when they have a
    title). ``hook``/``axes_kwargs``: see :class:`~swarm._animator._panel.SeedPanel`;
    the classmethods pass these keywords on as well.
    """

    def __init__(self, x, data, hook=(), *, target=None, ylim=None, tracked=3, epochs=None,
                 legend: bool = True, diverged_at=None, **axes_kwargs):
        super().__init__(hook, axes_kwargs)
        x = as_array(x, "x", (1,)).astype(np.float64)
        data = as_array(data, "data", (2, 3))
        if data.ndim == 2:
            data = data[..., None]
        if x.size < 2 or not np.isfinite(x).all() or not (np.all(np.diff(x) > 0) or np.all(np.diff(x) < 0)):
            raise ValueError(f"`x` must hold at least 2 finite, strictly monotonic values, got {x!r}")
        if data.shape[2] not in (1, x.size):
            raise ValueError(f"`data` must be [bee, frame, point] with {x.size} points (one per `x`) "
                             f"or [bee, frame], got shape {data.shape}")
        data = np.broadcast_to(data, data.shape[:2] + (x.size,))
        y = np.full(x.size, np.nan) if target is None else as_array(target, "target", (1,)).astype(np.float64)
        if y.shape != x.shape:
            raise ValueError(f"`target` must have one value per `x` ({x.size}), got shape {y.shape}")
        self.has_target = target is not None
        self.legend = bool(legend)
        rec = _recording(x, y, data, epochs, diverged_at)
        self.num_frames = rec.num_epochs
        self._fit = LinePanel(rec, _tracked(rec, tracked), ylim=ylim if ylim is not None or self.has_target
                              else _data_range(data))

    @classmethod
    def standard(cls, x, y, data, hook=(), **axes_kwargs) -> "LineSwarm":
        """Bees' curves ``data`` [bee, frame, point] against the target ``y`` [point] over ``x`` [point]."""
        return cls(x, data, hook, target=y, **axes_kwargs)

    @classmethod
    def auto_range(cls, x, data, hook=(), **axes_kwargs) -> "LineSwarm":
        """Bees' curves ``data`` [bee, frame, point] over ``x``, y limits from the data's finite range."""
        return cls(x, data, hook, **axes_kwargs)

    @property
    def tracked(self) -> np.ndarray:
        """The tracked bees' indices into ``data``, int64 [n]."""
        return self._fit.tracked

    def plot_static(self, ax) -> None:
        fit = self._fit
        ax.set_xlim(fit.x.min(), fit.x.max())
        ax.set_ylim(*fit.ylim)
        ax.set_xlabel("x")
        ax.grid(True, color="0.92", linewidth=0.8)

    def plot_init(self, ax):
        """Static parts, Axes keyword calls and hooks, then the legend: above the Axes, or
        beside them when they have a title (moving parts are painted over anything inside)."""
        super().plot_init(ax)
        if not self.legend:
            return None
        fit = self._fit
        entries = [(Patch(color="#6baed6"), f"{len(fit.ypred)} bees (density)"),
                   (Line2D([], [], color=MEDIAN_COLOR, lw=2), "median")]
        if self.has_target:
            entries.append((Line2D([], [], color="black", lw=1.5, ls="--"), "target"))
        if len(fit.tracked):  # one entry, a segment in each tracked bee's colour
            lines = tuple(Line2D([], [], color=track_color(i), lw=1.8) for i in range(len(fit.tracked)))
            entries.append((lines, "bee " + ", ".join(map(str, fit.tracked))))
        handles, labels = zip(*entries)
        if ax.get_title():
            place = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), ncols=1)
        else:  # as many columns as the Axes' width holds (about 130 px each)
            wide = ax.get_position().width * ax.figure.bbox.width
            place = dict(loc="lower left", bbox_to_anchor=(0.0, 1.0),
                         ncols=int(np.clip(wide // 130, 1, len(handles))))
        ax.legend(handles, labels, handler_map={tuple: HandlerTuple(ndivide=None, pad=0.1)},
                  frameon=False, fontsize=9, handlelength=2.4, borderaxespad=0.2, columnspacing=1.2,
                  **place)
        return None

    def draw(self, canvas, frame: int) -> None:
        self._fit.draw(canvas, frame)


def _recording(x, y, data, epochs, diverged_at=None) -> Recording:
    """The curves as a Recording for the line panel; ``loss`` [bee, frame] is each bee's
    last-frame mean squared distance to the target (or to the median), used to pick tracked
    bees. A bee diverged at its first frame with a non-finite value, or at ``diverged_at``."""
    frames = data.shape[1]
    epochs = np.arange(frames) if epochs is None else as_array(epochs, "epochs", (1,))
    if epochs.shape != (frames,):
        raise ValueError(f"`epochs` must label each of the {frames} frames, got shape {epochs.shape}")
    last = data[:, -1].astype(np.float64)
    bad = ~np.isfinite(data).all(axis=2)  # [bee, frame]
    at = np.where(bad.any(1), epochs[bad.argmax(1)], -1)
    if diverged_at is not None:
        given = as_array(diverged_at, "diverged_at", (1,)).astype(np.int64)
        if given.shape != (data.shape[0],):
            raise ValueError(f"`diverged_at` must hold one epoch (or -1) per bee ({data.shape[0]}), "
                             f"got shape {given.shape}")
        at = np.where((given >= 0) & ((at < 0) | (given < at)), given, at)
    diverged = at >= 0
    if np.isfinite(y).all():
        ref = y
    elif (~diverged).any():
        ref = np.median(last[~diverged], axis=0)
    else:
        ref = np.zeros_like(x)
    error = np.mean((last - ref) ** 2, axis=1)
    return Recording({"x": x, "y": y, "ypred": data, "epoch": epochs, "diverged": diverged,
                      "diverged_at": at, "loss": np.broadcast_to(error[:, None], data.shape[:2])})


def _tracked(rec: Recording, tracked) -> np.ndarray:
    """A count -> bees spread over the final error ranking; a list of indices -> those bees."""
    if np.ndim(tracked) == 0:
        return pick_tracked(rec, tracked)
    index = np.asarray(tracked)
    if index.dtype.kind not in "iu" or index.ndim != 1 or ((index < 0) | (index >= rec.num_bees)).any():
        raise ValueError(f"`tracked` must be a count or bee indices in 0..{rec.num_bees - 1}, "
                         f"got {tracked!r}")
    return index.astype(np.int64)


def _data_range(data: np.ndarray) -> tuple[float, float]:
    """The finite range of ``data``, padded by 5% (or +-1 around a constant)."""
    finite = data[np.isfinite(data)]
    if not finite.size:
        return -1.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad
