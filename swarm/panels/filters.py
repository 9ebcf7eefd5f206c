"""The filters panel: the tracked bees' first-layer weights as small images, for image datasets.

Each row is one tracked bee, each tile one first-layer unit's weights laid
out as the dataset's images (8x8 for ``digits``), on one diverging scale
shared by every tile and frame (blue negative, red positive), updated each frame.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from swarm.panels.base import Panel, SpecOnly, layer_label, layer_shapes, pick_tracked, track_color

__all__ = ["FiltersPanel"]

CMAP = "RdBu_r"


def _image_shape(rec):
    shape = (rec.meta.get("dataset") or {}).get("image_shape")
    return None if shape is None else tuple(int(n) for n in shape)


def conv_kernels(rec) -> str | None:
    """The recording key of a custom model's first convolution kernels (the first recorded
    parameter shaped [bee, epoch, out, in, height, width]), or None."""
    if isinstance(rec, SpecOnly):
        return None
    return next((k for k in rec.keys() if k.startswith("param.") and k.endswith("weight")
                 and np.ndim(rec[k]) == 6), None)


class FiltersPanel(Panel):
    """First-layer weights of the tracked bees (at most ``bees``), ``units`` tiles each: the
    first layer's rows as the dataset's images, or a custom model's convolution kernels
    (their first input channel), named after the model's own module ("conv.weight")."""

    name = "filters"
    summary = "first-layer weights (or a model's conv kernels) as images, for image datasets"

    @classmethod
    def applies(cls, rec) -> str | None:
        if rec.task == "target":
            return "it shows image datasets' filters; this is a 1-D target"
        if isinstance(rec, SpecOnly) and "dataset" not in rec.meta:
            return None  # asked again of the recording
        shape = _image_shape(rec)
        if shape is None:
            return "it shows first-layer weights as images; this dataset's samples are not images"
        if conv_kernels(rec) is not None:
            return None
        shapes = layer_shapes(rec)
        if shapes is not None and (not shapes or shapes[0][1] != math.prod(shape)):
            return f"its first layer does not take the {'x'.join(map(str, shape))} image's pixels" \
                + (" and the model has no convolution kernels (a 4-D weight)"
                   if (rec.meta.get("spec") or {}).get("model") else "")
        return None

    def __init__(self, rec, tracked=(), *, bees: int = 4, units: int = 8):
        tracked = np.asarray(tracked, np.int64)
        if not len(tracked):
            tracked = pick_tracked(rec, bees)
        self.tracked = tracked[:bees]
        key = conv_kernels(rec)
        if key is None:
            self.shape = _image_shape(rec)
            w = np.asarray(rec.weights(rec.layer_indices[0])[self.tracked], np.float32)  # [bee, epoch, out, in]
            size = 'x'.join(map(str, self.shape))
            self.what = f"{layer_label(rec, 0)}, {size} weights" \
                if (rec.meta.get("spec") or {}).get("model") else f"{size} weights"
        else:  # [bee, epoch, out, in, height, width]: each kernel's first input channel
            w = np.asarray(rec[key][self.tracked][:, :, :, 0], np.float32)
            self.shape = tuple(w.shape[-2:])
            w = w.reshape(w.shape[:3] + (-1,))
            name = (rec.meta.get("modules") or {}).get(key) or key.removeprefix("param.")
            self.what = f"{name}, {'x'.join(map(str, self.shape))} kernels"
        self.unit_word = "first-layer unit" if key is None else "output channel"
        self.units = min(units, w.shape[2])
        self.tiles = w[:, :, :self.units].reshape(w.shape[:2] + (self.units,) + self.shape)
        finite = np.abs(self.tiles[np.isfinite(self.tiles)])
        self.scale = float(np.percentile(finite, 99)) if finite.size else 1.0
        self.scale = self.scale if self.scale > 0 else 1.0
        self.epoch = np.asarray(rec.epoch)
        self.num_frames = len(self.epoch)
        h, w_ = self.shape
        self.mosaic = (len(self.tracked) * (h + 1) - 1, self.units * (w_ + 1) - 1)
        self._index: dict = {}

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_index"] = {}
        return state

    def plot_init(self, ax):
        rows, cols = self.mosaic
        ax.set_xlim(0, cols)
        ax.set_ylim(rows, 0)
        ax.set_aspect("equal", adjustable="box")  # square pixels
        ax.set_xticks([(j + 0.5) * (self.shape[1] + 1) - 0.5 for j in range(self.units)],
                      [str(j) for j in range(self.units)], fontsize=7)
        ax.set_yticks([(i + 0.5) * (self.shape[0] + 1) - 0.5 for i in range(len(self.tracked))],
                      [f"bee {b}" for b in self.tracked], fontsize=8)
        for label, i in zip(ax.get_yticklabels(), range(len(self.tracked))):
            label.set_color(track_color(i))
        ax.set_xlabel(self.unit_word)
        ax.set_title(f"filters ({self.what})", fontsize=10, loc="left")
        ax.figure.colorbar(ScalarMappable(Normalize(-self.scale, self.scale), CMAP), ax=ax,
                           fraction=0.04, pad=0.02).ax.tick_params(labelsize=7)

    def draw(self, canvas, frame: int) -> None:
        rows, cols = self._pane_index(canvas.pane)
        h, w = self.shape
        mosaic = np.full(self.mosaic, np.nan, np.float32)
        for i in range(len(self.tracked)):
            for j in range(self.units):
                mosaic[i * (h + 1):i * (h + 1) + h, j * (w + 1):j * (w + 1) + w] = self.tiles[i, frame, j]
        level = np.clip(mosaic / self.scale * 0.5 + 0.5, 0, 1)
        rgb = colormaps[CMAP](level)[..., :3] * 255
        rgb[np.isnan(mosaic)] = 255
        canvas.image(np.rint(rgb[rows[:, None], cols[None, :]]).astype(np.uint8))

    def _pane_index(self, pane):
        """Mosaic row and column of every pixel of ``pane`` (nearest), cached."""
        if pane not in self._index:
            xs, ys = pane.pixel_centers()
            self._index[pane] = (np.clip(np.floor(ys).astype(np.int64), 0, self.mosaic[0] - 1),
                                 np.clip(np.floor(xs).astype(np.int64), 0, self.mosaic[1] - 1))
        return self._index[pane]
