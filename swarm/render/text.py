"""Text that changes every frame (``epoch 120``), as alpha masks, without matplotlib.

Glyphs come from Pillow (a matplotlib dependency) using the font matplotlib
itself resolves, so per-frame labels match the static ones. A mask costs
tens of microseconds and is cached by (text, size, weight).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib import font_manager, rcParams
from PIL import Image, ImageDraw, ImageFont

__all__ = ["text_mask"]


@lru_cache(maxsize=8)
def _font(size_px: int, bold: bool) -> ImageFont.FreeTypeFont:
    props = font_manager.FontProperties(family=rcParams["font.family"],
                                        weight="bold" if bold else "normal")
    return ImageFont.truetype(font_manager.findfont(props), size_px)


@lru_cache(maxsize=512)
def text_mask(text: str, size_px: int, bold: bool = False) -> np.ndarray:
    """Coverage of ``text`` drawn at ``size_px`` pixels: float32 [row, col] in 0..1.

    The box spans the font's full ascent and descent, so labels with and
    without descenders line up.
    """
    font = _font(int(size_px), bool(bold))
    ascent, descent = font.getmetrics()
    width = max(1, int(np.ceil(font.getlength(text))))
    image = Image.new("L", (width + 2, ascent + descent))
    ImageDraw.Draw(image).text((1, 0), text, fill=255, font=font)
    mask = np.asarray(image, dtype=np.float32) / 255
    mask.flags.writeable = False
    return mask
