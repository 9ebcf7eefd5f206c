"""gzip complexity: how compressible the weights are (seed 000).

The weights are serialised as little-endian float64 and gzipped; the ratio of
compressed to raw size is low for structured (repetitive) weights and close to
1 for noise. Seed 000 watches it rise as a network learns.
"""
from __future__ import annotations

import os
import zlib

import numpy as np
from joblib import Parallel, delayed

from swarm.metrics import _common

__all__ = ["gzip_complexity", "weight_complexity"]

_GZIP = 31  # zlib wbits for the gzip container (what gzip.compress writes)


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


def weight_complexity(rec, epochs=None, *, biases: bool = False, level: int = 9,
                      n_jobs: int = -1) -> np.ndarray:
    """gzip complexity of each bee's weights at each chosen epoch: float64 [bee, epoch].

    All layers' weight matrices (and biases, with ``biases=True``) are
    concatenated in layer order, as one network is serialised. ``epochs``:
    positions in the recorded epochs (None: all). One gzip per network is the
    cost (tens of microseconds each); ``n_jobs`` threads share the work (zlib
    releases the GIL), -1 uses every core.
    """
    rec = _common.check_recording(rec)
    _check_level(level)
    idx = _common.epoch_indices(rec, epochs)
    parts = [a[:, idx] for a in _common.layer_arrays(rec, biases=biases)]
    flat = np.concatenate(parts, axis=-1).astype("<f8")  # [bee, epoch, n]
    rows = flat.reshape(-1, flat.shape[-1])
    if rows.shape[0] == 0 or rows.shape[1] == 0:
        return np.zeros(flat.shape[:2])
    workers = _workers(n_jobs)
    chunks = np.array_split(np.arange(rows.shape[0]), min(rows.shape[0], 8 * workers))
    sizes = Parallel(n_jobs=workers, prefer="threads")(
        delayed(_compressed_sizes)(rows[c], level) for c in chunks)
    return (np.concatenate(sizes) / rows.shape[1] / 8.0).reshape(flat.shape[:2])


def _compressed_sizes(rows: np.ndarray, level: int) -> np.ndarray:
    return np.array([len(zlib.compress(r.tobytes(), level, _GZIP)) for r in rows])


def _check_level(level) -> None:
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not 1 <= level <= 9:
        raise ValueError(f"`level` must be a gzip level from 1 to 9, got {level!r}")


def _workers(n_jobs) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"`n_jobs` must be a positive number of threads or -1 (all cores), "
                         f"got {n_jobs!r}")
    cores = os.cpu_count() or 1
    return int(n_jobs) if n_jobs > 0 else max(1, cores + 1 + int(n_jobs))
