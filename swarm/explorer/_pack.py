"""Arrays packed for the page: quantized integers, delta-coded along epochs, deflated, base64.

A packed array is a small JSON-able dict the page decodes once (``data.js``):
``{"shape", "bits", "lo", "hi", "step", "delta", "data"}``. Value ``v`` is stored as the
integer ``q = round((v - lo) / step)`` in ``bits`` (8 or 16) bits (fewer ``levels``
than the bits allow make the differences smaller, so they deflate better); the top
code (255 or 65535) means NaN. With ``delta`` the codes along axis 1 (the epoch axis of
[bee, epoch, ...] arrays) are stored as differences modulo 2**bits: slowly moving
quantities become mostly zeros, which deflate shrinks to a few bits each.
``data`` is the zlib stream (RFC 1950, what the browser's
``DecompressionStream("deflate")`` reads) of the little-endian codes, in base64.
"""
from __future__ import annotations

import base64
import zlib

import numpy as np

__all__ = ["pack", "unpack", "LEVEL"]

LEVEL = 3  # zlib: 6 is ~2.4x slower for ~14% less (500 x 400 sin fits)


def pack(values, bits: int = 8, *, lo: float | None = None, hi: float | None = None,
         delta: bool = False, levels: int | None = None) -> dict:
    """``values`` float [d0, d1, ...] quantized to ``levels`` codes (default ``2**bits - 1``)
    over [lo, hi] (default: the finite range), in ``bits`` (8 or 16) bits; values beyond
    [lo, hi] take the nearest end, NaN and infinities the top code. ``delta``: differences
    along axis 1 (needs ndim >= 2). Returns the packed dict."""
    values = np.asarray(values)
    top = (1 << bits) - 1
    levels = top if levels is None else min(int(levels), top)
    bad = ~np.isfinite(values)
    if lo is None or hi is None:
        span = values[~bad] if bad.any() else values
        lo = (float(span.min()) if span.size else 0.0) if lo is None else lo
        hi = (float(span.max()) if span.size else lo + 1.0) if hi is None else hi
    step = (hi - lo) / (levels - 1) if hi > lo else 1.0
    scaled = np.subtract(values, lo, dtype=np.float32)  # a new array: never write to ``values``
    scaled *= np.float32(1 / step)
    np.rint(scaled, out=scaled)
    np.clip(scaled, 0, levels - 1, out=scaled)
    scaled[bad] = top
    codes = scaled.astype(np.uint8 if bits == 8 else np.dtype("<u2"))
    if delta:
        codes[:, 1:] -= codes[:, :-1].copy()  # wraps modulo 2**bits
    return {"shape": list(values.shape), "bits": bits, "lo": float(lo),
            "hi": float(lo + (levels - 1) * step), "step": float(step), "delta": bool(delta),
            "data": base64.b64encode(zlib.compress(codes.tobytes(), LEVEL)).decode("ascii")}


def unpack(packed: dict) -> np.ndarray:
    """The values of a packed dict, float64 (NaN where stored so): the page's decoding, in numpy."""
    dtype = np.uint8 if packed["bits"] == 8 else np.dtype("<u2")
    codes = np.frombuffer(zlib.decompress(base64.b64decode(packed["data"])), dtype)
    codes = codes.reshape(packed["shape"]).copy()
    if packed["delta"]:
        codes = np.cumsum(codes, axis=1, dtype=codes.dtype)
    top = (1 << packed["bits"]) - 1
    return np.where(codes == top, np.nan, packed["lo"] + codes * packed["step"])
