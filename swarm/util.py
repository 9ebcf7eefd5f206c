"""Small helpers of the seed toolkit: scoped seeding and reshaping plain containers."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import numpy as np
import torch

from swarm._sweep import merge_dicts

__all__ = ["seed_as", "check_seed", "seed_globals", "transpose", "key_intersection",
           "merge_dicts", "dict_slicer"]

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


def transpose(rows) -> list[list]:
    """Rows of equal length -> columns as lists: ``[[t1, v1], [t2, v2]]`` -> ``[[t1, t2], ...]``.

    Its own inverse; ``rows`` may be any iterable of iterables (a generator too).
    Rows of different lengths are a ``ValueError`` (nothing is silently dropped).
    """
    rows = [list(row) for row in rows]
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        raise ValueError(f"`rows` must all have the same length, got lengths {sorted(lengths)}")
    return [list(column) for column in zip(*rows)]


def key_intersection(*dicts: Mapping) -> set:
    """The keys every one of ``dicts`` has (none given: an empty set)."""
    if not dicts:
        return set()
    return set(dicts[0]).intersection(*dicts[1:])




def dict_slicer(d: Mapping) -> Iterator[dict]:
    """Dicts zipped position by position from a dict of equal-length sequences.

    ``dict_slicer({"b": (1, 2, 3), "c": (4, 5, 6)})`` yields ``{"b": 1, "c": 4}``,
    ``{"b": 2, "c": 5}``, ``{"b": 3, "c": 6}``, like the rows of a table. An empty
    dict or sequences of different lengths are a ``ValueError``, raised at the call.
    """
    if not isinstance(d, Mapping):
        raise ValueError(f"`d` must be a dict of equal-length sequences, got {type(d).__name__}")
    lengths = {k: len(v) for k, v in d.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"`d` must hold sequences of one length (at least one key), got "
                         f"lengths {lengths}")
    return ({k: v[i] for k, v in d.items()} for i in range(next(iter(lengths.values()))))
