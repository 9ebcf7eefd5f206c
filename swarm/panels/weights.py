"""The weights panel: per layer, the density of weight values over epochs, filling in as the video runs.

Top row: a heat map per layer (weight value across, epoch down), shown up to
the current epoch (seed 000's density plots, animated). Bottom row: the
current epoch's histogram, the tracked bees' weights as ticks beneath it.
Counts come from :func:`swarm.metrics.weights.weight_density`.
"""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.ticker import MaxNLocator

from swarm.panels.base import (Panel, diverged_notes, draw_note, layer_label, layer_shapes, split_axes,
                               track_color)

__all__ = ["WeightsPanel", "HEAT_CMAP"]

HEAT_CMAP = "magma_r"
_SAMPLE = 1 << 20  # weights sampled for the value range
BAR_COLOR = "#6a51a3"


class WeightsPanel(Panel):
    """Weight-value density per layer over epochs (bees that diverged left out).

    ``bins`` equal bins per layer over the range holding 99% of the weights;
    ``layers`` picks layers (default all).
    """

    name = "weights"
    summary = "each layer's weight-value density over epochs, and its histogram now"

    @classmethod
    def applies(cls, rec) -> str | None:
        if layer_shapes(rec) == []:
            return "it needs recorded layer weights (`layer{k}.weight`), which this run does not have"
        return None

    def __init__(self, rec, tracked=(), *, bins: int = 60, layers=None):
        from swarm._threads import map_cores  # here: render workers need no torch

        self.layers = list(rec.layer_indices if layers is None else layers)
        self.names = [layer_label(rec, k) for k in self.layers]  # a custom model's own names
        live = rec.live_by_epoch  # [bee, epoch]
        self.epoch = np.asarray(rec.epoch)
        self.tracked = np.asarray(tracked, dtype=np.int64)
        self.edges = map_cores(lambda k: _value_edges(np.asarray(rec.weights(k)), live, bins),
                               self.layers)
        self.counts, self.tracked_w = [], []
        for k, edges in zip(self.layers, self.edges):  # each density runs on every core
            weights = np.asarray(rec.weights(k))
            self.counts.append(_density(rec, k, edges))  # [epoch, bin]
            self.tracked_w.append(np.where(  # a tracked bee's weights until it diverged
                live[self.tracked][..., None], weights[self.tracked].reshape(
                    len(self.tracked), len(self.epoch), weights[0, 0].size), np.nan))
        self.num_frames = len(self.epoch)
        self.notes = diverged_notes(rec, short=len(self.layers) > 1)
        self._heat: dict = {}  # per process: pane -> RGB heat map at that pane's size

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_heat"] = {}
        return state

    def plot_init(self, ax):
        n = len(self.layers)
        axes = split_axes(ax, 2, n, height_ratios=[2.0, 1.0])
        heats, hists = axes[:n], axes[n:]
        for j, (k, heat, hist) in enumerate(zip(self.layers, heats, hists)):
            edges = self.edges[j]
            heat.set_xlim(edges[0], edges[-1])
            heat.set_ylim(self.epoch[-1] + 0.5, self.epoch[0] - 0.5)  # time runs down
            name = self.names[j]
            many = n > 5  # seven layers or so: every column's own labels overflowed the panel
            heat.set_title(f"{name} weights" if n <= 2 and name.startswith("layer") else name,
                           fontsize=8 if many else 10)
            heat.tick_params(labelbottom=False)
            hist.set_xlim(edges[0], edges[-1])
            top = max(1.0, float(self.counts[j].max()) * 1.05)
            hist.set_ylim(-0.16 * top, top)
            hist.axhline(0, color="0.6", lw=0.8)
            hist.set_yticks([])
            if not many or j == n // 2:  # one label under the middle column says it for all
                hist.set_xlabel("weight value" if n <= 2 else "weight")
            wide = hist.get_position().width * hist.figure.bbox.width  # pixels, before layout
            for axes in (heat, hist):  # as many ticks as labels fit side by side (~40 px each)
                axes.xaxis.set_major_locator(MaxNLocator(int(np.clip(wide // 40, 1, 5)),
                                                         min_n_ticks=1))
                axes.tick_params(labelsize=10 if n <= 2 else 7 if many else 8)
            heat.yaxis.set_major_locator(MaxNLocator(4, integer=True, min_n_ticks=1))  # whole epochs
            if j == 0:
                heat.set_ylabel("epoch")
                hist.set_ylabel("now")
        return heats + hists

    def draw(self, canvas, frame: int) -> None:
        n = len(self.layers)
        for j in range(n):
            heat, hist = canvas.panes[j], canvas.panes[n + j]
            heat.image(self._heat_image(j, heat.pane))
            _fade_below(heat, self.epoch[frame] + 0.5)  # the future, as in every panel
            heat.hline(self.epoch[frame] + 0.5, color="#1f77b4", width=1.2, alpha=0.8)
            hist.bars(self.edges[j], self.counts[j][frame], color=BAR_COLOR, alpha=0.9)
            for i, values in enumerate(self.tracked_w[j][:, frame]):
                hist.vlines(values, color=track_color(i), width=1.6, ymin=0.02, ymax=0.12)
        draw_note(canvas.panes[-1], self.notes[frame])

    def _heat_image(self, j: int, pane) -> np.ndarray:
        """Layer j's heat map as RGB uint8 [height, width, 3] at ``pane``'s size (cached)."""
        key = (j, pane)
        if key not in self._heat:
            xs, ys = pane.pixel_centers()
            edges, counts = self.edges[j], self.counts[j]
            col = np.searchsorted(edges, xs, side="right") - 1
            row = np.clip(np.searchsorted(self.epoch, ys, side="right") - 1, 0, len(self.epoch) - 1)
            level = np.clip(counts / _robust_max(counts), 0, 1)
            rgb = colormaps[HEAT_CMAP](level)[..., :3] * 255
            rgb[counts == 0] = 255
            image = rgb[row[:, None], np.clip(col, 0, counts.shape[1] - 1)[None, :]]
            image[:, (col < 0) | (col >= counts.shape[1])] = 255
            self._heat[key] = np.rint(image).astype(np.uint8)
        return self._heat[key]


def _fade_below(canvas, y, alpha: float = 0.6) -> None:
    """Fade the rows below data ``y`` (later epochs: time runs down) towards white."""
    pane = canvas.pane
    row = float(pane.rows(y))
    bottom = pane.origin[1] + pane.size[1] - 1
    if row < bottom:
        canvas.rect(pane.origin[0] + 1, pane.origin[0] + pane.size[0] - 1, max(row, pane.origin[1]),
                    bottom, color="white", alpha=alpha)


def _value_edges(weights: np.ndarray, live: np.ndarray, bins: int) -> np.ndarray:
    """Bin edges over the range that holds 99% of the finite weights [bee, epoch, ...] of
    live (bee, epoch) pairs, padded 5%; the percentiles come from an even sample of at
    most ~1M of them (a whole deep swarm is tens of millions)."""
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"`bins` must be a positive integer, got {bins!r}")
    step = max(1, weights.size // _SAMPLE)
    values = weights.reshape(-1)[::step]
    if not live.all():
        values = values[np.broadcast_to(live.reshape(live.shape + (1,) * (weights.ndim - 2)),
                                        weights.shape).reshape(-1)[::step]]
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.linspace(-1.0, 1.0, bins + 1)
    lo, hi = np.percentile(values, [0.5, 99.5])
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.05 * (hi - lo)
    return np.linspace(lo - pad, hi + pad, int(bins) + 1)


def _density(rec, layer: int, edges: np.ndarray) -> np.ndarray:
    """Counts [epoch, bin] of layer ``layer``'s weights over the bees that did not diverge."""
    from swarm.metrics.weights import weight_density  # here: render workers need no torch

    counts, _ = weight_density(rec, layer=layer, bins=edges)
    return np.asarray(counts, dtype=np.float64)


def _robust_max(counts: np.ndarray) -> float:
    """The 99th percentile of the non-zero counts, so one crowded bin does not wash out the rest."""
    nonzero = counts[counts > 0]
    return max(float(np.percentile(nonzero, 99)), 1.0) if nonzero.size else 1.0
