"""The rank panel: each layer's effective rank over epochs, and its singular-value spectrum now.

Left: the effective rank (exp of the entropy of the normalised singular
values) per layer, median and 10-90% band across bees, with a cursor at the
current epoch. Right: the current spectrum, sigma_i / sigma_1 by index, median
and band. Layers whose weights are a single row or column (rank 1 always) are
left out when any other layer exists. Singular values come from
:func:`swarm.metrics.spectra` (within 3e-8 sigma_1 of an SVD's: the pictures are
the SVD's to the pixel).
"""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from swarm.panels.base import (Panel, diverged_notes, draw_note, fade_after, layer_label, layer_shapes,
                               split_axes)
from swarm.panels.loss import quantile_band

__all__ = ["RankPanel", "layer_colors"]


def layer_colors(count: int) -> list:
    """Distinct colours for ``count`` layers (not the tracked bees' colours)."""
    return [colormaps["viridis"](v) for v in np.linspace(0.0, 0.8, max(count, 1))][:count]


class RankPanel(Panel):
    """Effective rank per layer over epochs and the current singular-value spectrum."""

    name = "rank"
    summary = "each layer's effective rank over epochs and its singular-value spectrum now"

    @classmethod
    def applies(cls, rec) -> str | None:
        shapes = layer_shapes(rec)
        if shapes is not None and not any(min(shape) >= 2 for shape in shapes):
            return ("it needs a layer of at least 2x2 weights (depth 2 or more and width 2 or "
                    "more); every layer here is a single row or column, always rank 1")
        return None

    def __init__(self, rec, tracked=()):
        from swarm.metrics.spectrum import effective_rank_of, spectra  # here: workers need no torch

        live = rec.live_by_epoch  # a bee counts until it diverged
        values = spectra(rec)  # per layer, [bee, epoch, k]
        keep = [j for j, s in enumerate(values) if s.shape[-1] > 1] or list(range(len(values)))
        self.layers = [rec.layer_indices[j] for j in keep]
        self.labels = [layer_label(rec, k) for k in self.layers]  # a custom model's own names
        self.t = np.asarray(rec.epoch, dtype=np.float64)
        self.rank, self.spectrum = [], []
        for j in keep:
            s = values[j]
            self.rank.append(quantile_band(np.asarray(effective_rank_of(s)), live))  # 3 x [epoch]
            first = s[..., :1]
            norm = np.divide(s, first, out=np.full_like(s, np.nan), where=first > 0)
            self.spectrum.append(quantile_band(norm, live))  # 3 x [epoch, k]
        self.num_frames = len(self.t)
        self.notes = diverged_notes(rec, short=True)  # the spectrum pane is narrow
        self.colors = layer_colors(len(self.layers))

    def plot_init(self, ax):
        left, right = split_axes(ax, 1, 2, width_ratios=[1.6, 1.0])
        top = 1.0
        for k, (q10, q50, q90), color in zip(self.layers, self.rank, self.colors):
            left.fill_between(self.t, q10, q90, color=color, alpha=0.18, linewidth=0)
            left.plot(self.t, q50, color=color, lw=1.6)
            top = max(top, float(np.nanmax(q90)) if np.isfinite(q90).any() else 1.0)
        left.set_xlim(self.t[0], max(self.t[-1], self.t[0] + 1))
        left.set_ylim(0.8, top * 1.08 + 0.2)
        left.set_xlabel("epoch")
        left.xaxis.set_major_locator(MaxNLocator(5, integer=True, min_n_ticks=1))
        left.set_ylabel("effective rank")
        left.set_title("rank (median, 10-90%)", fontsize=10, loc="left")
        left.grid(True, color="0.92", linewidth=0.8)
        # the key sits in the spectrum's top right, which its falling curves leave empty
        right.legend(handles=[Line2D([], [], color=c, lw=1.6, label=label)
                              for label, c in zip(self.labels, self.colors)],
                     loc="upper right", fontsize=7, frameon=False, handlelength=1.0,
                     ncol=2 if len(self.layers) > 3 else 1, columnspacing=0.8, labelspacing=0.2)
        size = max(s[1].shape[-1] for s in self.spectrum)
        right.set_xlim(0.5, size + 0.5)
        rows = -(-len(self.layers) // (2 if len(self.layers) > 3 else 1))
        right.set_ylim(0, 1.1 + 0.17 * rows)  # room above the curves (which start at 1) for the key
        right.set_yticks([0, 0.5, 1])
        right.set_xlabel("index i")  # the y label is in the title: beside the rank pane it
        right.set_title("spectrum now, σᵢ / σ₁", fontsize=10, loc="left")  # would run into it
        right.grid(True, color="0.92", linewidth=0.8)
        return [left, right]

    def draw(self, canvas, frame: int) -> None:
        left, right = canvas.panes
        fade_after(left, self.t[frame])
        left.vline(self.t[frame], color="0.35", width=1.2)
        for (q10, q50, q90), color in zip(self.rank, self.colors):
            left.points([self.t[frame]], [q50[frame]], color=color, radius=3.5)
        for (q10, q50, q90), color in zip(self.spectrum, self.colors):
            index = np.arange(1, q50.shape[-1] + 1)
            right.fill_between(index, q10[frame], q90[frame], color=color, alpha=0.2)
            right.line(index, q50[frame], color=color, width=1.8)
            right.points(index, q50[frame], color=color, radius=2.5)
        draw_note(right, self.notes[frame])
