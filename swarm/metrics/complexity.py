"""gzip complexity: how compressible the weights are (seed 000).

The weights are serialised as little-endian float64 and gzipped; the ratio of
compressed to raw size is low for structured (repetitive) weights and close to
1 for noise. Seed 000 watches it rise as a network learns.

``gzip_complexity`` is the definition: gzip's (zlib's) own compressed size.
``weight_complexity`` compresses every (bee, epoch) network, 200,000 of them for
a 500 x 400 recording, so by default it uses zlib-ng at the same level: zlib's
DEFLATE search in faster code, making nearly the same choices (float weights make
zlib slow: each float32 written as float64 holds three zero bytes, and the hash
chains for them are long).
Measured by ``bench/complexity_ranking.py`` (sin and moons trained, sin as a random
walk, digits trained): 1.2-2.7x less time (6x on digits' 2,368 weights), the same
size as zlib's for 99.4-99.8% of the small networks, and the same order: Spearman's
rho against gzip 0.9986-0.9998 over all networks, at least 0.987 over the bees at
an epoch and a median of 0.997-1.0 over each bee's epochs (levels below 9, isal
and libdeflate: 0.39-0.95). ``compressor="gzip"`` gives zlib's exact values.
"""
from __future__ import annotations

import functools
import warnings
import zlib

import numpy as np

from swarm._threads import cores, map_cores
from swarm.metrics import _common

try:
    from zlib_ng import zlib_ng as _zlib_ng
except ImportError:  # a declared dependency; without it, zlib's exact values (said once)
    _zlib_ng = None

__all__ = ["gzip_complexity", "weight_complexity"]

_GZIP = 31  # zlib wbits for the gzip container (what gzip.compress writes)
_COMPRESSORS = ("zlib-ng", "gzip")


def gzip_complexity(a, *, level: int = 9) -> float:
    """gzipped size / raw size of ``a`` serialised as float64 (any shape, not empty).

    ``level`` is gzip's compression level (9, the default of Python's gzip; 1 is
    about twice as fast on weights and compresses a little less).
    """
    _check_level(level)
    data = np.ascontiguousarray(_common.to_numpy(a), dtype="<f8")
    if data.size == 0:
        raise ValueError("`a` must hold at least one number, got an empty array")
    return len(zlib.compress(data.tobytes(), level, _GZIP)) / data.nbytes


def weight_complexity(rec, epochs=None, *, biases: bool = False, compressor: str = "zlib-ng",
                      level: int = 9, n_jobs: int = -1) -> np.ndarray:
    """Compressed / raw size of each bee's weights at each chosen epoch: float64 [bee, epoch].

    All layers' weight matrices (and biases, with ``biases=True``) are
    concatenated in layer order, as one network is serialised. ``epochs``:
    positions in the recorded epochs (None: all). ``compressor``: "zlib-ng"
    (the default: zlib-ng's gzip at ``level``; at level 9 it ranks networks as
    gzip does, 1.2-2.7x faster) or "gzip" (exactly :func:`gzip_complexity` of each
    network; prefer it below level 9, where zlib-ng searches differently). One
    compression per network is the cost (tens of microseconds each); ``n_jobs``
    threads share the work (both compressors release the GIL), -1 uses every core.
    """
    rec = _common.check_recording(rec)
    if compressor not in _COMPRESSORS:
        raise ValueError(f"`compressor` must be one of {', '.join(map(repr, _COMPRESSORS))}, "
                         f"got {compressor!r}")
    _check_level(level)
    workers = _workers(n_jobs)
    compress = _compress_function(compressor)
    idx = _common.epoch_indices(rec, epochs)
    layers = _common.layer_arrays(rec, biases=biases)  # views [bee, epoch, n]
    n = sum(a.shape[-1] for a in layers)
    out = np.zeros((rec.num_bees, idx.size))
    if out.size == 0 or n == 0:
        return out

    def sizes(unit: tuple[slice, slice]) -> None:
        """Compress the unit's networks, written as float64 here (no copy of the recording)."""
        bees, chosen = unit
        rows = np.concatenate([a[bees][:, idx[chosen]] for a in layers], -1).astype("<f8")
        out[bees, chosen] = np.reshape([len(compress(r.tobytes(), level, _GZIP))
                                        for r in rows.reshape(-1, n)], rows.shape[:2])

    map_cores(sizes, _units(out.shape, 8 * workers), workers)
    return out / (8.0 * n)


def _units(shape: tuple[int, int], least: int) -> list[tuple[slice, slice]]:
    """[bee, epoch] cut into at least ``least`` (where there are as many networks) runs of
    bees with all their epochs, or bees by runs of epochs: similar shares for the threads."""
    bees, epochs = shape
    per_bee = max(1, -(-least // bees))  # epoch runs per bee
    step_b = max(1, bees // least) if per_bee == 1 else 1
    step_e = -(-epochs // per_bee)
    return [(slice(b, b + step_b), slice(e, e + step_e))
            for b in range(0, bees, step_b) for e in range(0, epochs, step_e)]


def _compress_function(compressor: str):
    """``compress(data, level, wbits)`` of the named compressor; zlib's where zlib-ng is absent."""
    if compressor == "gzip":
        return zlib.compress
    if _zlib_ng is None:
        _say_fallback()
        return zlib.compress
    return _zlib_ng.compress


@functools.cache
def _say_fallback() -> None:
    warnings.warn("weight_complexity: the zlib-ng package is not installed, so gzip "
                  "(zlib) compresses: the same ranking, exact gzip values, 1.2-2.7x slower "
                  "(pip install zlib-ng)", RuntimeWarning, stacklevel=4)


def _check_level(level) -> None:
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not 1 <= level <= 9:
        raise ValueError(f"`level` must be a gzip level from 1 to 9, got {level!r}")


def _workers(n_jobs) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"`n_jobs` must be a positive number of threads or -1 (all cores), "
                         f"got {n_jobs!r}")
    return int(n_jobs) if n_jobs > 0 else max(1, cores() + 1 + int(n_jobs))
