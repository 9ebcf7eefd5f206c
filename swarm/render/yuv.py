"""RGBX frames -> I420 (planar YUV 4:2:0), the pixels x264 encodes, converted here, row bands at a time.

Handing ffmpeg RGBX made it convert every frame (swscale) and read 3.7 MB of pipe per
1280x720 frame: ~2.9 ms of its CPU per frame. I420 is 1.4 MB, ffmpeg passes it straight
to x264, and here only the rows that changed since the last frame are converted (a
panel's moving parts cover well under the whole frame; the rest stays as converted).

The conversion is ffmpeg's default for RGB -> yuv420p, BT.601 limited range, in 8-bit
fixed point::

    Y = (66 R + 129 G + 25 B + 128) >> 8 + 16
    U = (-38 R - 74 G + 112 B + 128) >> 8 + 128,   V = (112 R - 94 G - 18 B + 128) >> 8 + 128

with U and V of each 2x2 block's mean colour (the box filter; swscale's is wider: not
the same bytes, the same picture within one level). Integer lanes packed in machine
words do the arithmetic in a few whole-array passes (``I420._luma``, ``I420._chroma``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["I420", "i420_shape", "merge_bands"]

_CHUNK_PIXELS = 1 << 17  # rows converted at a time (1280 wide: 102): ~1.8 MB of scratch stays in cache;
# whole 720-row frames went 3.1 -> 2.3 ms (cold frames; 50 rows: 2.45, 24 rows: 3.1)
_WORD = np.dtype("<u4")  # an RGBX pixel as one little-endian word: R | G << 8 | B << 16 | X << 24
_LANES = np.dtype("<u8")  # four 16-bit lanes: R | G << 16 | B << 32 | X << 48
_BYTE_LANES = np.uint64(0x00FF00FF00FF00FF)


def i420_shape(width: int, height: int) -> tuple[int, int]:
    """The [row, col] shape of an I420 frame: Y's ``height`` rows, then U's and V's (half each)."""
    return height * 3 // 2, width


def _dot_factor(k0: int, k1: int, k2: int) -> np.uint64:
    """The multiplier that sums lane0 * k0 + lane1 * k1 + lane2 * k2 into the top lane (bits 48..63)
    of four 16-bit lanes (lane 3 is multiplied by 0: the X byte drops out)."""
    return np.uint64((k0 << 48) | (k1 << 32) | (k2 << 16))


# U and V of a block's mean colour c = (R, G, B) and its complement c' = 255 - c, every weight
# positive (the difference folded into the constant), e.g. U = (38 R' + 74 G' + 112 B + 4336) >> 8:
# one multiply of c' and one of c. No lane exceeds 16 bits on the way (the top one reaches
# 61,456, the ones below 47,430), so no carry spoils the top lane.
_U = (_dot_factor(38, 74, 0), _dot_factor(0, 0, 112))
_V = (_dot_factor(0, 94, 18), _dot_factor(112, 0, 0))
_ROUND_UV = np.uint64(4336 << 48)  # 128 + 128 << 8 - 112 * 255: the rounding, offset and folded terms


class I420:
    """Converts RGBX frames uint8 [height, width, 4] (even sizes) into :attr:`frame`, one I420 buffer.

    ``convert(rgbx, rows)`` re-converts only the row bands ``rows`` (``(start, stop)``
    pairs; None: all) and keeps the rest from the previous call: give every row that
    differs from the frame converted last. :attr:`frame` is uint8 [height * 3 // 2, width].
    """

    def __init__(self, width: int, height: int):
        if width % 2 or height % 2 or width < 2 or height < 2:
            raise ValueError(f"I420 needs an even width and height, got {width}x{height}")
        self.width, self.height = width, height
        self.frame = np.zeros(i420_shape(width, height), np.uint8)
        flat = self.frame.reshape(-1)
        quarter = (height // 2) * (width // 2)
        self.y = flat[:width * height].reshape(height, width)
        self.u = flat[width * height:width * height + quarter].reshape(height // 2, width // 2)
        self.v = flat[width * height + quarter:].reshape(height // 2, width // 2)
        # scratch for one chunk of rows, reused chunk after chunk: it stays in cache
        self._rows = max(2, min(height, _CHUNK_PIXELS // width // 2 * 2))
        self._a = np.empty((self._rows, width), np.uint32)
        self._g = np.empty((self._rows, width), np.uint32)
        self._pairs = np.empty((self._rows // 2, width, 4), np.uint16)
        self._q = np.empty((self._rows // 2, width // 2), np.uint64)
        self._flip = np.empty((self._rows // 2, width // 2), np.uint64)
        self._mix = np.empty((self._rows // 2, width // 2), np.uint64)

    def convert(self, rgbx: np.ndarray, rows=None) -> np.ndarray:
        """:attr:`frame` with the bands ``rows`` of ``rgbx`` uint8 [height, width, 4] converted."""
        if rgbx.shape != (self.height, self.width, 4) or rgbx.dtype != np.uint8:
            raise ValueError(f"`rgbx` must be uint8 [{self.height}, {self.width}, 4], got "
                             f"{rgbx.dtype} {list(rgbx.shape)}")
        for start, stop in merge_bands(rows, self.height):
            for first in range(start, stop, self._rows):
                last = min(stop, first + self._rows)
                self._luma(rgbx, first, last)
                self._chroma(rgbx, first, last)
        return self.frame

    def _luma(self, rgbx, start: int, stop: int) -> None:
        """Y of rows start..stop: bits 16..31 of (R | B << 16) * (25 | 66 << 16) hold 66 R + 25 B
        (25 R stays below), and (G << 8) * (129 << 8) adds 129 G there."""
        words = rgbx[start:stop].view(_WORD)[..., 0]  # [row, col]
        a, g = self._a[:stop - start], self._g[:stop - start]
        np.bitwise_and(words, 0x00FF00FF, out=a)
        a *= np.uint32(25 | 66 << 16)
        np.bitwise_and(words, 0xFF00, out=g)
        g *= np.uint32(129 << 8)
        a += g
        a += np.uint32((128 + (16 << 8)) << 16)  # at most 60,324 << 16: no overflow
        a >>= 24
        np.copyto(self.y[start:stop], a, casting="unsafe")

    def _chroma(self, rgbx, start: int, stop: int) -> None:
        """U and V of rows start..stop (even): the 2x2 blocks' mean colours in 16-bit lanes,
        then two multiplies each (:data:`_U`, :data:`_V`)."""
        half, n = slice(start // 2, stop // 2), (stop - start) // 2
        pairs = self._pairs[:n]
        np.add(rgbx[start:stop:2], rgbx[start + 1:stop:2], out=pairs, dtype=np.uint16)
        lanes = pairs.view(_LANES)[..., 0]  # [row / 2, col]: R | G << 16 | B << 32 | X << 48
        q, flip, mix = self._q[:n], self._flip[:n], self._mix[:n]
        np.add(lanes[:, 0::2], lanes[:, 1::2], out=q)  # sums of 4, at most 1020: no carry
        q += np.uint64(0x0002000200020002)  # the mean, rounded
        q >>= np.uint64(2)
        q &= _BYTE_LANES
        np.subtract(_BYTE_LANES, q, out=flip)  # 255 - c in every lane
        for plane, (of_flip, of_mean) in ((self.u, _U), (self.v, _V)):
            np.multiply(flip, of_flip, out=mix)
            mix += q * of_mean
            mix += _ROUND_UV
            mix >>= np.uint64(56)
            np.copyto(plane[half], mix, casting="unsafe")


def merge_bands(rows, height: int) -> list[tuple[int, int]]:
    """``rows`` ((start, stop) pairs, or None: all) clipped to 0..height, widened to even rows
    and merged where they overlap or touch, in order."""
    if rows is None:
        return [(0, height)] if height else []
    bands = sorted((max(0, int(a) // 2 * 2), min(height, -(-int(b) // 2) * 2)) for a, b in rows)
    merged: list[list[int]] = []
    for a, b in bands:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]
