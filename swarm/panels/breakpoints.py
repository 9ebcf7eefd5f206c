"""The breakpoints panel: where over x the bees' networks bend, epoch by epoch.

For a ReLU network the output is piecewise linear; its kinks (``-b/w`` for one
hidden layer) gather at the target's turning points as the swarm learns.
Counts come from :func:`swarm.metrics.breakpoint_histogram`, exact at any depth.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from swarm.panels.base import Panel, diverged_notes, draw_note, feature_label, track_color
from swarm.recording import Recording

__all__ = ["BreakpointsPanel", "sampled_turning_points", "class_changes"]

BAR_COLOR = "#4a7fb5"


class BreakpointsPanel(Panel):
    """Histogram over x of every bee's kinks at each epoch, the target's turning points marked.

    ``bins`` equal bins over the domain. The tracked bees' own kinks are ticks
    under the bars, in their colours. Needs a piecewise-linear activation.
    """

    name = "breakpoints"
    summary = "where over x the networks bend (ReLU kinks), at the target's turning points"

    @classmethod
    def applies(cls, rec) -> str | None:
        """Kinks need the built-in network with a piecewise-linear activation (the metric's rule)."""
        from swarm.metrics._common import activation

        try:
            activation(rec, piecewise_linear=True)
        except ValueError as err:
            return str(err)
        return None

    def __init__(self, rec, tracked=(), *, bins: int = 100):
        from swarm import metrics  # here, not at the top: render workers need no torch

        self.counts, self.edges = metrics.breakpoint_histogram(rec, bins)  # [epoch, bin], [bin + 1]
        self.turning = turning_points(rec)
        classify = rec.task == "classification"
        self.marks = "class changes" if classify else "target's turning points"
        self.xlabel = feature_label(rec, 0)
        self.tracked = np.asarray(tracked, dtype=np.int64)
        live = rec.live_by_epoch[self.tracked]  # a tracked bee's kinks until it diverged
        self.tracked_kinks = [[k if ok else k[:0] for k, ok in zip(kinks, alive)] for kinks, alive
                              in zip(_kinks_by_epoch(rec, self.tracked), live)]  # [tracked][epoch]
        self.notes = diverged_notes(rec)
        self.num_frames = self.counts.shape[0]
        self.top = max(1.0, float(self.counts.max()) * 1.08)

    def plot_init(self, ax):
        ax.set_xlim(self.edges[0], self.edges[-1])
        ax.set_ylim(-0.09 * self.top, self.top)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("kinks per bin")
        ax.grid(True, axis="y", color="0.92", linewidth=0.8)
        handles = [Patch(color=BAR_COLOR, label="kinks of all bees"),
                   Line2D([], [], color="black", lw=1, alpha=0.55, label=self.marks)]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False,
                  fontsize=9, borderaxespad=0.2, handlelength=1.6)

    def draw(self, canvas, frame: int) -> None:
        canvas.bars(self.edges, self.counts[frame], color=BAR_COLOR, alpha=0.9)
        canvas.vlines(self.turning, color="black", width=1.0, alpha=0.55, ymin=0.08)
        band = 1 / max(len(self.tracked), 1)
        for i, per_epoch in enumerate(self.tracked_kinks):
            canvas.vlines(per_epoch[frame], color=track_color(i), width=2.0,
                          ymin=0.075 * (1 - (i + 1) * band), ymax=0.075 * (1 - i * band))
        draw_note(canvas, self.notes[frame])


def turning_points(rec) -> np.ndarray:
    """x of the target's local extrema in the recording's domain [point]; for a one-input
    classification, where the class changes (:func:`class_changes`)."""
    from swarm import metrics

    finder = getattr(metrics, "turning_points", None)
    spec = rec.meta.get("spec", {})
    if finder is not None and spec.get("target"):
        lo, hi = float(np.min(rec.x)), float(np.max(rec.x))
        try:
            return np.asarray(finder(spec["target"], (lo, hi)), dtype=np.float64)
        except (ValueError, TypeError):
            pass  # a target the metric cannot parse: fall back to the samples
    if rec.task == "classification":
        return class_changes(rec.x, rec.y)
    return sampled_turning_points(np.ravel(rec.x), np.ravel(rec.y)) if np.ndim(rec.x) == 1 \
        or np.shape(rec.x)[-1] == 1 else np.zeros(0)


def class_changes(x, labels) -> np.ndarray:
    """Where a one-input classification's class changes: the midpoints between neighbouring
    training points (in sorted order of ``x`` [sample] or [sample, 1]) whose ``labels``
    [sample] differ, float64 [change]. Points at one x with different labels count once."""
    x = np.asarray(x, np.float64).reshape(len(labels))
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], np.asarray(labels)[order]
    # at tied x, the class set decides: group equal x, compare neighbouring groups
    values, start = np.unique(xs, return_index=True)
    groups = [frozenset(ys[a:b].tolist()) for a, b in zip(start, list(start[1:]) + [len(xs)])]
    change = [i for i in range(len(groups) - 1) if groups[i] != groups[i + 1]]
    return (values[change] + values[[i + 1 for i in change]]) / 2


def sampled_turning_points(x, y) -> np.ndarray:
    """x of the local extrema of samples ``y`` [point] over increasing ``x`` [point]."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    slope = np.sign(np.diff(y))
    nonzero = np.flatnonzero(slope)
    turns = nonzero[1:][slope[nonzero[1:]] != slope[nonzero[:-1]]]
    return x[turns]


def _kinks_by_epoch(rec, bees) -> list[list[np.ndarray]]:
    """Each bee's kinks at every recorded epoch, via one batched metrics call.

    The (bee, epoch) pairs become the bees of a one-epoch Recording, so
    :func:`metrics.breakpoints` handles them all at once.
    """
    from swarm import metrics

    if len(bees) == 0:
        return []
    n, epochs = len(bees), rec.num_epochs
    arrays = {"x": rec.x, "y": rec.y, "epoch": rec.epoch[:1]}
    kept = ["ypred", "loss"] if "ypred" in rec else ["loss"]  # a dataset keeps no ypred
    for key in kept + [f"layer{k}.{p}" for k in rec.layer_indices for p in ("weight", "bias")]:
        value = np.asarray(rec[key])[bees]
        arrays[key] = value.reshape((n * epochs, 1) + value.shape[2:])
    flat = metrics.breakpoints(Recording(arrays, rec.meta), 0)
    return [flat[i * epochs:(i + 1) * epochs] for i in range(n)]
