"""The line-fit panel: the target, where the bees' predictions crowd, the median fit and a few bees."""
from __future__ import annotations

import numpy as np
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from swarm.panels.base import Panel, SpecOnly, diverged_notes, draw_note, track_color
from swarm.render.shade import DensityShader

__all__ = ["LinePanel", "MEDIAN_COLOR", "TARGET_STYLE"]

MEDIAN_COLOR = "#d62728"
TARGET_STYLE = dict(color="black", width=1.5, dash=(7, 4))
_MEDIAN_VALUES = 1 << 18  # values sorted at once per core (1 MB of float32: in cache)


class LinePanel(Panel):
    """Every bee's prediction y(x) as a density (bees per pixel), over the target.

    ``rec`` gives ``x``/``y`` [point] and ``ypred`` [bee, epoch, point];
    ``tracked`` [n] bees are drawn as lines in their own colours. A bee that
    diverged is shown until the epoch it did, then left out and counted in a
    corner note. ``ylim`` defaults to the target's range widened by half of it
    on each side.
    """

    name = "line"
    summary = "every bee's fit y(x) as a density over the 1-D target"

    @classmethod
    def applies(cls, rec) -> str | None:
        if isinstance(rec, SpecOnly):
            task = rec.meta["spec"].get("task", "target")
            return None if task == "target" else f"it shows a 1-D target's fit; this is a {task} run"
        return None if "ypred" in rec else "it needs the predictions `ypred`, not recorded here"

    def __init__(self, rec, tracked=(), *, ylim=None):
        self.x = np.asarray(rec.x, dtype=np.float64)
        self.y = np.asarray(rec.y, dtype=np.float64)
        self.epoch = np.asarray(rec.epoch)
        live, ypred = rec.live_by_epoch, np.asarray(rec["ypred"])  # [bee, epoch], [.., point]
        shown = live.any(1)  # the bees alive at some epoch
        self.ypred, self.live = (ypred, live) if shown.all() else (ypred[shown], live[shown])
        self.median = _median(self.ypred, self.live)  # [epoch, point]
        self.tracked = np.asarray(tracked, dtype=np.int64)
        self.tracked_y = np.where(rec.live_by_epoch[self.tracked][..., None],
                                  ypred[self.tracked], np.nan)  # [tracked, epoch, point]
        self.num_bees, self.num_frames = ypred.shape[:2]
        self.notes = diverged_notes(rec)
        self.ylim = _check_ylim(ylim) if ylim is not None else _padded(self.y)

    def plot_init(self, ax):
        ax.set_xlim(self.x.min(), self.x.max())
        ax.set_ylim(*self.ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("prediction")
        ax.grid(True, color="0.92", linewidth=0.8)
        handles = [Patch(color=DensityShader().color()), Line2D([], [], color=MEDIAN_COLOR, lw=2),
                   Line2D([], [], color="black", lw=1.5, ls="--")]
        everyone = len(self.ypred) == self.num_bees and self.live.all()
        labels = [f"all {self.num_bees} bees (density)" if everyone else
                  "live bees (density)", "median fit", "target"]
        if len(self.tracked):
            handles.append(tuple(Line2D([], [], color=track_color(i), lw=2)
                                 for i in range(len(self.tracked))))
            labels.append("bees " + ", ".join(str(b) for b in self.tracked))
        ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(handles),
                  frameon=False, fontsize=9, handlelength=2.4, columnspacing=1.4, borderaxespad=0.2,
                  handler_map={tuple: HandlerTuple(ndivide=None, pad=0.1)})

    def draw(self, canvas, frame: int) -> None:
        live = self.live[:, frame]
        canvas.density(self.x, self.ypred[:, frame] if live.all() else self.ypred[live, frame])
        tracked = self.tracked_y[:, frame]  # the tracked bees, then the median over them, in one batch
        canvas.lines(self.x, np.concatenate([tracked, self.median[frame][None]]),
                     [track_color(i) for i in range(len(tracked))] + [MEDIAN_COLOR],
                     [1.8] * len(tracked) + [2.2])
        canvas.line(self.x, self.y, **TARGET_STYLE)
        canvas.text(f"epoch {self.epoch[frame]}", 0.012, 0.975, size=13, bold=True)
        draw_note(canvas, self.notes[frame])


def _median(ypred: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Median over the live bees of ``ypred`` [bee, epoch, point] at each epoch (NaN: none live)."""
    if live.all():
        return _median_of_all(ypred) if len(ypred) else np.full(ypred.shape[1:], np.nan)
    out = np.full(ypred.shape[1:], np.nan)
    for e in np.flatnonzero(live.any(0)):
        out[e] = np.median(ypred[live[:, e], e], axis=0)
    return out


def _median_of_all(ypred: np.ndarray) -> np.ndarray:
    """``np.median(ypred, axis=0)`` [epoch, point], the same numbers, in a fraction of the time.

    A sort along contiguous rows of the transposed [epoch * point, bee] values (numpy's
    vectorized sort) beat the median's partition of 500 strided values per point
    (0.18 s against 0.45-0.6 s for 500 bees x 400 epochs x 101 points); the middle
    two (of an even count) are then averaged as ``np.median`` does (``np.mean`` of
    both, in their dtype), and a NaN anywhere makes the median NaN, as there. Runs of
    epochs small enough to stay in cache share out the cores: one 80 MB transposed
    copy cost more (fresh pages) than all the sorting.
    """
    from swarm._threads import map_cores  # here: importing the panel must not import torch

    bees, epochs = ypred.shape[:2]
    if not epochs:
        return np.empty(ypred.shape[1:], ypred.dtype)
    step = max(1, _MEDIAN_VALUES // max(1, bees * int(np.prod(ypred.shape[2:]))))

    def run(start: int) -> np.ndarray:
        block = ypred[:, start:start + step]
        values = np.sort(block.reshape(bees, -1).T, axis=-1)  # [epoch * point, bee]
        with np.errstate(over="ignore"):  # two huge values' mean is inf, as np.median's
            middle = (np.mean(values[:, [bees // 2 - 1, bees // 2]], axis=-1) if bees % 2 == 0
                      else values[:, bees // 2])
        middle[np.isnan(values[:, -1])] = np.nan  # the sort puts NaNs last
        return middle.reshape(block.shape[1:])

    return np.concatenate(map_cores(run, range(0, epochs, step)))


def _padded(y: np.ndarray) -> tuple[float, float]:
    """The target's finite range, widened by half of it on each side."""
    finite = y[np.isfinite(y)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = 0.5 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _check_ylim(ylim) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in ylim)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"`ylim` must be (lo, hi) with lo < hi, got {ylim!r}")
    return lo, hi
