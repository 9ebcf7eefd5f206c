"""Small helpers of the seed toolkit: scoped seeding and reshaping plain containers."""
from __future__ import annotations

import contextlib
from collections.abc import Mapping

import numpy as np
import torch

from swarm._sweep import merge_dicts

__all__ = ["seed_as", "check_seed", "seed_globals", "transpose", "merge_dicts", "dict_slicer"]

_NUMPY_SEED_LIMIT = 2**32  # np.random.seed takes 32-bit integers (or an array of them)


def check_seed(seed, name: str = "seed", allow_none: bool = True):
    """``seed`` as a non-negative int (or None); a ``ValueError`` names ``name`` otherwise."""
    if seed is None and allow_none:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0 \
            or seed >= 2**64:
        allowed = "None or " if allow_none else ""
        raise ValueError(f"`{name}` must be {allowed}an integer in [0, 2**64), got {seed!r}")
    return int(seed)


def seed_globals(seed: int) -> None:
    """``torch.manual_seed(seed)`` and ``np.random.seed(seed)``, as the seed toolkit did.

    Seeds past numpy's 32-bit range seed numpy from their two 32-bit halves.
    """
    torch.manual_seed(seed)
    if seed < _NUMPY_SEED_LIMIT:
        np.random.seed(seed)
    else:
        np.random.seed([seed % _NUMPY_SEED_LIMIT, seed // _NUMPY_SEED_LIMIT])


@contextlib.contextmanager
def seed_as(seed):
    """Seed torch and numpy's global generators with ``seed`` inside the block.

    On exit, normal or by an exception, both generators (and CUDA's, when CUDA
    is in use) are put back exactly as they were, so code around the block sees
    no change. ``seed=None`` seeds nothing but still restores.
    """
    seed = check_seed(seed)
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    numpy_state = np.random.get_state()
    with torch.random.fork_rng(devices=devices):
        try:
            if seed is not None:
                seed_globals(seed)
            yield seed
        finally:
            np.random.set_state(numpy_state)


def transpose(rows) -> list[tuple]:
    """Rows of equal length -> columns: ``[(a1, b1), (a2, b2)]`` -> ``[(a1, a2), (b1, b2)]``.

    Rows of different lengths are a ``ValueError`` (nothing is silently dropped).
    """
    rows = list(rows)
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        raise ValueError(f"`rows` must all have the same length, got lengths {sorted(lengths)}")
    return list(zip(*rows))




def dict_slicer(d: Mapping, index) -> dict:
    """Index every array in ``d`` with ``index`` (e.g. ``np.s_[::10]`` to keep every 10th bee).

    Values with at least one dimension (numpy arrays, tensors) are sliced;
    scalars, strings and other values are passed through unchanged.
    """
    if not isinstance(d, Mapping):
        raise ValueError(f"`d` must be a mapping, got {type(d).__name__}")
    return {k: v[index] if _is_array(v) else v for k, v in d.items()}


def _is_array(value) -> bool:
    return isinstance(value, (np.ndarray, torch.Tensor)) and value.ndim > 0
