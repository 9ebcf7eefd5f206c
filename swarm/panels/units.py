"""The units panel: where every bee's first-layer ReLU lines lie on a 2-D dataset's plane.

Each first-layer unit of a piecewise-linear network bends along the line
``w1*x1 + w2*x2 + b = 0``; the panel shades how many of all live bees' lines
cross each pixel (linearly, up to the crowdest pixel of the whole video) (the 2-D analogue of the 1-D breakpoint histogram), with the
data points, so the hyperplanes are seen gathering along the class boundary.
Counts: :func:`line_density` (lines from :func:`swarm.metrics.decision.unit_lines`).
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from swarm.panels._plane import PlanePanel, class_colors, key_frames, point_legend, two_inputs
from swarm.render import raster

__all__ = ["UnitsPanel", "line_density"]

_INK = np.array([40.0, 40.0, 60.0])  # the crowdest pixel's colour; fewer lines, lighter


class UnitsPanel(PlanePanel):
    """Density of the live bees' first-layer lines over the plane, at ``keys`` epochs on a
    ``size`` x ``size`` grid (frames between key epochs blend)."""

    name = "units"
    summary = "a 2-D dataset's plane crossed by every bee's first-layer ReLU lines"

    @classmethod
    def applies(cls, rec) -> str | None:
        reason = two_inputs(rec)
        if reason:
            return reason
        if not rec.piecewise_linear:
            return "its lines are where piecewise-linear units bend; this run's activation " \
                "(or custom model) has none"
        return None

    def __init__(self, rec, tracked=(), *, size: int = 96, keys: int = 40):
        from swarm.metrics.decision import plane_grid, unit_lines  # here: workers need no torch

        self.epoch = np.asarray(rec.epoch)
        self.keys = key_frames(len(self.epoch), keys)
        self.xs, self.ys = plane_grid(rec.x, size)
        live = rec.live_by_epoch  # [bee, epoch]: each bee's lines until it diverged
        w, b = unit_lines(rec)  # [bee, epoch, unit, 2], [bee, epoch, unit]
        counts = np.stack([line_density(w[live[:, e], e].reshape(-1, 2), b[live[:, e], e].ravel(),
                                        self.xs, self.ys)
                           for e in self.keys]).astype(np.float32)  # [key, row, col]
        top = max(float(np.percentile(counts, 99.5)), 1.0)  # one scale for every frame: no flicker
        level = np.clip(counts / top, 0, 1)[..., None]
        self.images = np.rint(255 - (255 - _INK) * level).astype(np.uint8)
        x = np.asarray(rec.x)
        if rec.task == "classification":
            y = np.asarray(rec.y)
            classes = rec.classes or tuple(str(c) for c in np.unique(y))
            colors = class_colors(len(classes))
            self.points = [(x[y == c], colors[c], False) for c in range(len(classes))]
            self.legend = point_legend(classes, colors, test=False)
        else:
            self.points, self.legend = [(x, "0.3", False)], []
        units = w.shape[2]
        self.legend.append((Patch(color=_INK / 255), f"{units} lines per bee (density)"))
        self.titles = ["first-layer ReLU lines"] * len(self.epoch)
        self._setup_state(rec)


def line_density(w: np.ndarray, b: np.ndarray, xs, ys) -> np.ndarray:
    """How many of the lines ``w`` [line, 2], ``b`` [line] cross each pixel of the grid of
    centres ``xs`` [col] x ``ys`` [row] (evenly spaced, increasing): int32 [row, col].

    Pixel (r, c) covers x in xs[c] +- dx/2 and y in ys[r] +- dy/2; a line counts in
    every pixel its segment over that column touches (``raster.span_counts``).
    """
    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    edges = xs[0] - dx / 2 + dx * np.arange(len(xs) + 1)  # column edges
    from swarm.metrics.decision import line_heights  # here: workers need no torch

    heights = line_heights(np.asarray(w, np.float64), np.asarray(b, np.float64), edges)
    rows = (heights - (ys[0] - dy / 2)) / dy  # [line, column edge], row 0 at the lowest y
    lo = np.minimum(rows[:, :-1], rows[:, 1:])
    hi = np.maximum(rows[:, :-1], rows[:, 1:])
    outside = (hi < 0) | (lo >= len(ys))  # spans off the grid: parked in the guard row
    lo[outside] = hi[outside] = len(ys)
    return np.ascontiguousarray(raster.span_counts(lo, hi, len(ys), antialias=False))
