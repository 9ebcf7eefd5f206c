"""The loss panel: median loss and the 10-90% band over bees, on log-log axes, with a marker now."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullFormatter

from swarm.panels.base import (NOTE_COLOR, Panel, diverged_notes, draw_note, fade_after,
                               legend_columns_beside_title, track_color)
from swarm.panels.line import MEDIAN_COLOR

TEST_COLOR = "#0072B2"  # the test split's curves (the train median stays red)

__all__ = ["LossPanel", "quantile_band", "TEST_COLOR", "log_ticks"]


def quantile_band(values: np.ndarray, live=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(q10, median, q90) over bees of ``values`` [bee, epoch, ...], finite entries of live bees only.

    ``live``: bool [bee], or [bee, epoch] (a bee counts until it diverged).
    NaN where no bee counts. As ``np.nanpercentile`` (linear rule), without its
    slow path: one sort along the bee axis.
    """
    values = np.array(values, dtype=np.float64)  # a copy: NaN is written into it
    if live is not None:
        live = np.asarray(live, bool)
        values[~np.broadcast_to(live.reshape(live.shape + (1,) * (values.ndim - live.ndim)),
                                values.shape)] = np.nan
    values[~np.isfinite(values)] = np.nan
    values.sort(axis=0)  # NaN last
    count = np.isfinite(values).sum(0)
    out = []
    for q in (0.1, 0.5, 0.9):
        pos = q * np.maximum(count - 1, 0)
        below = np.floor(pos).astype(np.intp)
        above = np.minimum(below + 1, np.maximum(count - 1, 0))
        a = np.take_along_axis(values, below[None], 0)[0] if len(values) else pos * np.nan
        b = np.take_along_axis(values, above[None], 0)[0] if len(values) else pos * np.nan
        out.append(np.where(count > 0, a + (pos - below) * (b - a), np.nan))
    return tuple(out)


def log_ticks(axis, lo: float, hi: float, count: int = 3) -> None:
    """At least two labelled ticks on a log ``axis`` over [lo, hi]: under two decades, where
    matplotlib may label one power of ten or none, ``count`` rounded values spread evenly
    on the log scale, plainly written (0.35, 0.5, 0.7)."""
    if not (0 < lo < hi) or hi / lo >= 100:
        return
    ticks = np.unique([float(f"{v:.2g}") for v in np.geomspace(lo * 1.1, hi / 1.1, count)])
    axis.set_ticks(ticks, [f"{v:g}" for v in ticks])
    axis.set_minor_formatter(NullFormatter())


class LossPanel(Panel):
    """Median loss and its 10-90% band, per epoch, across the bees that had not diverged by then.

    Static curves (drawn once), the future faded at each frame, which marks
    the current epoch, the tracked bees' losses and, in red under the axis,
    the epochs where bees diverged. The x axis is epoch + 1, so epoch 0 fits a log axis.
    """

    name = "loss"
    summary = "train (and test) loss over epochs on log-log axes: median and 10-90% band"

    def __init__(self, rec, tracked=()):
        loss = np.asarray(rec["loss"], dtype=np.float64)  # [bee, epoch]
        self.t = np.asarray(rec.epoch, dtype=np.float64) + 1
        live = rec.live_by_epoch
        self.q10, self.median, self.q90 = quantile_band(loss, live)
        self.test = quantile_band(rec["test_loss"], live) if "test_loss" in rec else None
        self.tracked = np.asarray(tracked, dtype=np.int64)
        self.tracked_loss = np.where(live[self.tracked], loss[self.tracked], np.nan)  # [tracked, epoch]
        self.num_frames = loss.shape[1]
        at = np.asarray(rec["diverged_at"])[np.asarray(rec.diverged, bool)]
        self.diverged_t = np.sort(at[at >= 0]).astype(np.float64) + 1  # when bees diverged
        self.notes = diverged_notes(rec)

    def plot_init(self, ax):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.fill_between(self.t, self.q10, self.q90, color=MEDIAN_COLOR, alpha=0.18, linewidth=0)
        ax.plot(self.t, self.median, color=MEDIAN_COLOR, lw=1.8)
        if self.test is not None:  # a dataset run: the test split's median and band, dashed
            ax.fill_between(self.t, self.test[0], self.test[2], color=TEST_COLOR, alpha=0.12, linewidth=0)
            ax.plot(self.t, self.test[1], color=TEST_COLOR, lw=1.5, ls="--")
        for i, curve in enumerate(self.tracked_loss):
            ax.plot(self.t, curve, color=track_color(i), lw=0.9, alpha=0.8)
        ax.set_xlim(self.t[0], max(self.t[-1], self.t[0] * 10))  # a decade at least
        finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in
                                 (self.q10, self.q90, self.tracked_loss.ravel())
                                 + (() if self.test is None else (self.test[0], self.test[2]))])
        if finite.size:
            ax.set_ylim(finite.min() / 1.5, finite.max() * 1.5)
            log_ticks(ax.yaxis, finite.min() / 1.5, finite.max() * 1.5)
        ax.set_xlabel("epoch + 1")
        ax.set_ylabel("loss")
        ax.set_title("loss", fontsize=10, loc="left")
        ax.grid(True, which="major", color="0.92", linewidth=0.8)
        handles = [Line2D([], [], color=MEDIAN_COLOR, lw=1.8,
                          label="median" if self.test is None else "train median"),
                   Patch(color=MEDIAN_COLOR, alpha=0.25, label="10-90% of bees")]
        if self.test is not None:
            handles.append(Line2D([], [], color=TEST_COLOR, lw=1.5, ls="--", label="test"))
        if self.diverged_t.size:
            handles.append(Line2D([], [], color=NOTE_COLOR, lw=2, label="a bee diverged"))
        ncol = legend_columns_beside_title(ax, [h.get_label() for h in handles], "loss")
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=ncol,
                  frameon=False, fontsize=8, borderaxespad=0.1, handlelength=1.4)

    def draw(self, canvas, frame: int) -> None:
        t = self.t[frame]
        fade_after(canvas, t)
        canvas.vlines(self.diverged_t[self.diverged_t <= t], color=NOTE_COLOR, width=1.5, ymax=0.06)
        canvas.vline(t, color="0.35", width=1.2)
        canvas.points([t] * len(self.tracked), self.tracked_loss[:, frame], color="white", radius=4.5)
        for i, value in enumerate(self.tracked_loss[:, frame]):
            canvas.points([t], [value], color=track_color(i), radius=3.2)
        canvas.points([t], [self.median[frame]], color="white", radius=5.5)
        canvas.points([t], [self.median[frame]], color=MEDIAN_COLOR, radius=4.2)
        median = self.median[frame]
        canvas.text(f"median {median:.3g}" if np.isfinite(median) else "no bee left", 0.98, 0.96,
                    size=10, ha="right", color=MEDIAN_COLOR, bold=True)
        draw_note(canvas, self.notes[frame])
