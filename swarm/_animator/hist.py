"""HistogramSwarm: the distribution of many values per frame (e.g. every bee's -b/w)."""
from __future__ import annotations

import numpy as np

from swarm._animator._panel import SeedPanel, as_array

__all__ = ["HistogramSwarm"]

BAR_COLOR = "#4a7fb5"


class HistogramSwarm(SeedPanel):
    """A histogram of ``data`` [frame, values] per frame, on ``num_bins`` bins fixed for all frames.

    The bins span the finite range of all frames, and the count axis the
    largest bin of any frame, so a frame's bars compare with every other's.
    Non-finite values are left out and counted in a corner note. ``label``
    names the frames in the corner (``"epoch"`` gives "epoch 12").
    ``hook``/``axes_kwargs``: see :class:`~swarm._animator._panel.SeedPanel`.
    """

    def __init__(self, data, num_bins: int = 100, hook=(), *, label: str = "frame", **axes_kwargs):
        super().__init__(hook, axes_kwargs)
        data = as_array(data, "data", (2,))
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins < 1:
            raise ValueError(f"`num_bins` must be a positive integer, got {num_bins!r}")
        finite = np.isfinite(data)
        lo, hi = (float(data[finite].min()), float(data[finite].max())) if finite.any() else (0.0, 1.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        self.edges = np.linspace(lo, hi, int(num_bins) + 1)
        self.counts = _histograms(data, finite, self.edges)  # int64 [frame, bin]
        self.dropped = (~finite).sum(axis=1)  # [frame]
        self.num_frames = len(data)
        self.label = str(label)

    @classmethod
    def from_swarm(cls, data, num_bins: int = 100, hook=(), **axes_kwargs) -> "HistogramSwarm":
        """Per epoch, the histogram of all bees' values: ``data`` [bee, epoch, ...], e.g. -b/w."""
        data = as_array(data, "data", tuple(range(2, 8)))
        per_epoch = np.moveaxis(data, 1, 0).reshape(data.shape[1], -1)  # [epoch, bee * values]
        return cls(per_epoch, num_bins, hook, label="epoch", **axes_kwargs)

    def plot_static(self, ax) -> None:
        ax.set_xlim(self.edges[0], self.edges[-1])
        ax.set_ylim(0, max(1, int(self.counts.max())) * 1.05)
        ax.set_ylabel("count")
        ax.grid(True, axis="y", color="0.92", linewidth=0.8)

    def draw(self, canvas, frame: int) -> None:
        canvas.bars(self.edges, self.counts[frame], color=BAR_COLOR)
        canvas.text(f"{self.label} {frame}", 0.012, 0.975, size=13, bold=True)
        if self.dropped[frame]:
            canvas.text(f"{self.dropped[frame]} non-finite values not shown", 0.99, 0.975, size=9,
                        color="#b30000", ha="right")


def _histograms(data, finite, edges) -> np.ndarray:
    """Counts int64 [frame, bin] of each row of ``data`` over ``edges`` (the last bin is closed)."""
    frames, bins = len(data), len(edges) - 1
    index = np.clip(np.searchsorted(edges, np.where(finite, data, edges[0]), side="right") - 1, 0, bins - 1)
    flat = (np.arange(frames)[:, None] * bins + index)[finite]
    return np.bincount(flat, minlength=frames * bins).reshape(frames, bins)
