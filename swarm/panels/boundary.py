"""The boundary panel: the swarm's vote over a 2-D dataset's plane, and where its bees draw their boundaries.

At every pixel, the share of live bees predicting each class: two classes
on a diverging blue/white/orange scale (white at a 50/50 split), more classes
in the majority class's colour faded towards white by disagreement. Over it,
darkened in grey, the density of all bees' decision boundaries (per pixel, how
many bees change class to a neighbour: the 2-D analogue of the line density),
and the training points (test points hollow). Predictions come from the
recorded weights (:func:`swarm.metrics.decision.decision_maps`).
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from swarm.panels._plane import PlanePanel, class_colors, key_frames, point_legend, two_inputs
from swarm.panels.base import built_in_only
from swarm.render.shade import density_levels

__all__ = ["BoundaryPanel", "vote_colors", "boundary_image"]

_TINT = 0.62  # how far a unanimous pixel goes from white towards its class's colour
_DARK = 0.78  # how dark the crowdest boundary pixel gets


def vote_colors(votes: np.ndarray, colors) -> np.ndarray:
    """RGB float32 [..., 3] in 0..255 of vote counts ``votes`` uint [class, ...].

    Two classes: white at a tie, the winning class's colour as the share grows.
    More: the majority's colour, faded towards white as agreement falls to chance.
    """
    votes = np.asarray(votes, np.float32)
    k = votes.shape[0]
    total = np.maximum(votes.sum(0), 1)
    rgb = np.asarray([to_rgb(c) for c in colors], np.float32) * 255  # [class, 3]
    winner = votes.argmax(0)
    share = votes.max(0) / total
    strength = np.clip((share - 1 / k) / (1 - 1 / k), 0, 1) * _TINT  # 0 at chance, _TINT unanimous
    strength[votes.sum(0) == 0] = 0
    out = 255 - (255 - rgb[winner]) * strength[..., None]
    return out.astype(np.float32)


def boundary_image(votes: np.ndarray, boundary: np.ndarray, colors, bees: int) -> np.ndarray:
    """The vote map of ``votes`` [class, row, col] darkened by the boundary density
    ``boundary`` [row, col] of ``bees`` bees: RGB uint8 [row, col, 3]."""
    level = density_levels(_smooth(boundary), max(bees, 1), gamma=0.6)[..., None]
    return np.rint(vote_colors(votes, colors) * (1 - _DARK * level)).astype(np.uint8)


class BoundaryPanel(PlanePanel):
    """The vote map and boundary density of a classification swarm on a 2-D dataset.

    ``size``: grid pixels per axis; ``keys``: how many epochs are computed (frames
    between them blend the two nearest).
    """

    name = "boundary"
    summary = "a 2-D classification's vote map over the plane, with where bees draw boundaries"

    @classmethod
    def applies(cls, rec) -> str | None:
        task = rec.task
        if task != "classification":
            return f"it shows a classifier's vote; this is a {task} run"
        return two_inputs(rec) or built_in_only(rec, " on the plane")

    def __init__(self, rec, tracked=(), *, size: int = 64, keys: int = 40):
        from swarm.metrics.decision import decision_maps  # here: render workers need no torch

        self.epoch = np.asarray(rec.epoch)
        self.keys = key_frames(len(self.epoch), keys)
        maps = decision_maps(rec, self.keys, size=size)
        self.xs, self.ys, bees = maps["xs"], maps["ys"], maps["bees"]  # bees [key]
        classes = rec.classes or tuple(str(c) for c in range(maps["votes"].shape[1]))
        colors = class_colors(len(classes))
        self.images = np.stack([boundary_image(v, b, colors, n)
                                for v, b, n in zip(maps["votes"], maps["boundary"], bees)])
        x, y = np.asarray(rec.x), np.asarray(rec.y)
        x_test, y_test = (np.asarray(rec["x_test"]), np.asarray(rec["y_test"])) \
            if rec.has_test else (x[:0], y[:0])
        self.points = [(x[y == c], colors[c], False) for c in range(len(classes))] \
            + [(x_test[y_test == c], colors[c], True) for c in range(len(classes))]
        self.legend = point_legend(classes, colors, test=rec.has_test) + [(Patch(color="0.35"), "boundaries (density)")]
        self.titles = [f"vote of {n} bees" for n in rec.live_by_epoch.sum(0)]
        self._setup_state(rec)


def _smooth(counts: np.ndarray) -> np.ndarray:
    """A [1, 2, 1] / 4 blur along rows and columns of [..., row, col] (edges held): a coarse
    grid's staircase boundaries read as the lines they approximate."""
    out = np.asarray(counts, np.float32)
    for axis in (-2, -1):
        pad = np.concatenate([np.take(out, [0], axis), out, np.take(out, [-1], axis)], axis)
        n = out.shape[axis]
        out = (np.take(pad, range(0, n), axis) + 2 * out + np.take(pad, range(2, n + 2), axis)) / 4
    return out
