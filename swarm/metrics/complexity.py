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

_LEVEL = 9  # gzip's default level
_GZIP = 31  # zlib wbits for the gzip container (what gzip.compress writes)


def gzip_complexity(a) -> float:
    """gzipped size / raw size of ``a`` serialised as float64 (any shape, not empty)."""
    data = np.ascontiguousarray(_common.to_numpy(a), dtype="<f8")
    if data.size == 0:
        raise ValueError("`a` must hold at least one number, got an empty array")
    return len(zlib.compress(data.tobytes(), _LEVEL, _GZIP)) / data.nbytes


def weight_complexity(rec, epochs=None, *, biases: bool = False, n_jobs: int = -1) -> np.ndarray:
    """gzip complexity of each bee's weights at each chosen epoch: float64 [bee, epoch].

    All layers' weight matrices (and biases, with ``biases=True``) are
    concatenated in layer order, as one network is serialised. ``epochs``:
    positions in the recorded epochs (None: all). ``n_jobs`` threads share the
    work (zlib releases the GIL); -1 uses every core.
    """
    rec = _common.check_recording(rec)
    idx = _common.epoch_indices(rec, epochs)
    parts = [a[:, idx] for a in _common.layer_arrays(rec, biases=biases)]
    flat = np.concatenate(parts, axis=-1).astype("<f8")  # [bee, epoch, n]
    rows = flat.reshape(-1, flat.shape[-1])
    if rows.shape[0] == 0 or rows.shape[1] == 0:
        return np.zeros(flat.shape[:2])
    workers = _workers(n_jobs)
    chunks = np.array_split(np.arange(rows.shape[0]), min(rows.shape[0], 8 * workers))
    sizes = Parallel(n_jobs=workers, prefer="threads")(
        delayed(_compressed_sizes)(rows[c]) for c in chunks)
    return (np.concatenate(sizes) / rows.shape[1] / 8.0).reshape(flat.shape[:2])


def _compressed_sizes(rows: np.ndarray) -> np.ndarray:
    return np.array([len(zlib.compress(r.tobytes(), _LEVEL, _GZIP)) for r in rows])


def _workers(n_jobs) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"`n_jobs` must be a positive number of threads or -1 (all cores), "
                         f"got {n_jobs!r}")
    cores = os.cpu_count() or 1
    return int(n_jobs) if n_jobs > 0 else max(1, cores + 1 + int(n_jobs))
