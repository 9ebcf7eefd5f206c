"""Counter-based random numbers: bee i's draws depend only on (seed, bee i, stream).

A stateful generator would make bee i's start depend on how many bees came
before it. Hashing (seed, bee, stream, counter) with splitmix64 instead gives
every bee its own stream, vectorised over all bees at once, identical on every
platform and for a swarm of 8 or 10,000.
"""
from __future__ import annotations

import numpy as np

__all__ = ["uniform", "normal", "bee_seed"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection on uint64 that scrambles every bit."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _keys(seed: int, bees, stream: int) -> np.ndarray:
    bees = np.asarray(bees, dtype=np.uint64).reshape(-1, 1)
    with np.errstate(over="ignore"):
        base = _mix(np.uint64(int(seed) % 2**64) + _GOLDEN)
        key = _mix(base ^ _mix(bees + _GOLDEN))
        return _mix(key ^ _mix(np.uint64(int(stream) % 2**64) * _GOLDEN + _GOLDEN))


def uniform(seed: int, bees, stream: int, n: int) -> np.ndarray:
    """Uniform float64 in [0, 1), shaped [len(bees), n]."""
    counters = np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN
    with np.errstate(over="ignore"):
        z = _mix(_keys(seed, bees, stream) + counters)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def normal(seed: int, bees, stream: int, n: int) -> np.ndarray:
    """Standard normal float64 shaped [len(bees), n] (Box-Muller on two streams)."""
    u1 = uniform(seed, bees, 2 * stream, n)
    u2 = uniform(seed, bees, 2 * stream + 1, n)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


def bee_seed(seed: int, bee: int) -> int:
    """A 63-bit integer seed for bee ``bee`` of a swarm seeded with ``seed``."""
    return int(_mix(_keys(seed, [bee], 0x5EED)[0, 0]) >> np.uint64(1))
