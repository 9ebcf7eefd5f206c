"""Counts -> colours, and blending colours into uint8 RGB pixels.

Painting works on the frame's uint8 pixels in place and converts only the
pixels a call touches to float, so a thin line costs what it covers.

Densities are shaded on a log scale normalised by a fixed ``total`` (the
number of curves), not by the frame's maximum: one straggler stays visible
beside a crowd of hundreds, and a shade means the same count in every frame,
so nothing flickers. Shades are looked up in a table (one gather per pixel).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb

__all__ = ["rgb255", "DensityShader", "blend", "blend_pixels", "density_levels"]

_STEPS = 8  # table entries per unit count for fractional (anti-aliased) counts


def rgb255(color) -> np.ndarray:
    """Any matplotlib colour as float32 [3] in 0..255."""
    try:
        return _rgb255(color)  # parsed once per colour: frames repeat their few colours
    except TypeError:  # unhashable (a list or an array)
        return np.asarray(to_rgb(color), dtype=np.float32) * 255


@lru_cache(maxsize=256)
def _rgb255(color) -> np.ndarray:
    out = np.asarray(to_rgb(color), dtype=np.float32) * 255
    out.flags.writeable = False
    return out


def density_levels(counts, total: float, gamma: float = 0.5) -> np.ndarray:
    """Shade levels in [0, 1] of ``counts`` [...]: (log1p(c) / log1p(total)) ** gamma.

    With 500 curves and gamma 0.7 one curve gets 0.21, ten 0.51, a hundred 0.81.
    """
    level = np.log1p(np.maximum(np.asarray(counts, np.float64), 0)) / np.log1p(max(float(total), 1.0))
    return np.clip(level, 0, 1) ** gamma


@lru_cache(maxsize=16)
def _table(cmap: str, low: float, gamma: float, total: int, steps: int) -> tuple[np.ndarray, bool]:
    """Packed RGBA uint32 [total * steps + 1]: the shade of count i / steps, blended over white;
    and whether no count but 0 has count 0's shade (then the shades tell the painted pixels)."""
    level = density_levels(np.arange(total * steps + 1) / steps, total, gamma)
    colour = colormaps[cmap](low + (1 - low) * level)[:, :3] * 255
    alpha = np.clip(level * 1.5, 0, 1)[:, None]  # opaque before the darkest colour
    rgba = np.zeros((level.size, 4), np.uint8)
    rgba[:, :3] = np.rint(255 * (1 - alpha) + colour * alpha)
    table = rgba.view(np.uint32)[:, 0]
    table.flags.writeable = False
    return table, bool((table[1:] != table[0]).all())


class DensityShader:
    """Paints counts: light colours for few curves, dark for many (``cmap`` from ``low`` to 1).

    Pixels with a count are painted opaque in the shade they would have over
    white; pixels with none keep what is beneath.
    """

    def __init__(self, cmap: str = "PuBu", low: float = 0.25, gamma: float = 0.7):
        if cmap not in colormaps:
            raise ValueError(f"unknown `cmap` {cmap!r}; use a matplotlib colormap name such as 'Blues'")
        self.cmap, self.low, self.gamma = cmap, float(low), float(gamma)

    def color(self, level: float = 0.6):
        """The RGB colour (0..1) of a shade level, e.g. for a legend patch."""
        return colormaps[self.cmap](self.low + (1 - self.low) * level)[:3]

    def table(self, total: float, integer: bool = True) -> np.ndarray:
        """The shades as packed RGBA uint32 [total * steps + 1] of counts i / steps (steps 1 for
        ``integer`` counts), over white; :meth:`paint` looks counts up in it."""
        return self._shades(total, integer)[0]

    def _shades(self, total: float, integer: bool) -> tuple[np.ndarray, bool]:
        """:meth:`table` and whether only count 0 has count 0's shade (:func:`_table`)."""
        return _table(self.cmap, self.low, self.gamma, max(int(np.ceil(total)), 1),
                      1 if integer else _STEPS)

    def paint(self, pixels: np.ndarray, counts: np.ndarray, total: float) -> None:
        """Shade ``counts`` [row, col] (ints, or floats from anti-aliasing) into ``pixels``.

        ``pixels`` is uint8 [row, col, 4] (RGBX, the fast path: one 32-bit copy
        per pixel) or [row, col, 3].
        """
        integer = counts.dtype.kind in "iu"
        steps = 1 if integer else _STEPS
        table, blank_once = self._shades(total, integer)
        if steps == 1 and counts.size and counts.max() < table.size:
            index = counts  # the usual case: integer counts within the table
        else:
            index = counts if steps == 1 else counts * np.float32(steps) + np.float32(0.5)
            index = np.minimum(index, table.size - 1).astype(np.intp)
        shade = np.take(table, index)  # ~1.8x faster than table[index]
        painted = shade != table[0] if blank_once else index > 0  # the same pixels; shade is contiguous
        if pixels.shape[-1] == 4:
            np.copyto(pixels.view(np.uint32)[..., 0], shade, where=painted)
        else:
            rgb = shade.view(np.uint8).reshape(index.shape + (4,))[..., :3]
            np.copyto(pixels, rgb, where=painted[..., None])


def blend(pixels: np.ndarray, alpha: np.ndarray, color) -> None:
    """pixels = pixels * (1 - alpha) + color * alpha, in place.

    ``pixels`` uint8 [..., 3]; ``alpha`` [...] in 0..1. One channel at a time: on the
    frame's RGBX pixels an innermost axis of 3 makes every numpy loop a short one, and
    [row, col] planes run about 5x faster (the same float32 arithmetic, the same bytes).
    """
    alpha = np.asarray(alpha, np.float32)
    for k, target in enumerate(rgb255(color)):
        channel = pixels[..., k]
        value = channel.astype(np.float32)
        value -= (value - target) * alpha
        value += 0.5
        channel[...] = value


def blend_pixels(pixels: np.ndarray, rows, cols, alpha, color) -> None:
    """:func:`blend` at ``pixels[rows, cols]`` (each pixel once) of uint8 [row, col, 3 or 4] ``pixels``.

    ``rows``/``cols`` index as numpy does (arrays of scattered pixels, or a slice and
    an array for a block); ``alpha`` matches the picked pixels' shape.
    RGBX pixels (the frame's layout) are gathered and put back as one 32-bit word
    each, the 4th byte kept: ~4x faster than gathering three bytes a pixel.
    """
    if pixels.shape[-1] == 4:
        words = pixels.view(np.uint32)[..., 0]  # [row, col]
        picked = words[rows, cols]
        blend(picked[..., None].view(np.uint8)[..., :3], alpha, color)  # [..., RGB] of the words
        words[rows, cols] = picked
        return
    picked = pixels[rows, cols]
    blend(picked, alpha, color)
    pixels[rows, cols] = picked
