"""Argument checks at the door: each bad value is a one-line ``ValueError`` naming it.

Kept torch-free (this package sits at the ground floor beside targets).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["integer", "number", "flag", "seed"]


def integer(name: str, value, *, low: int, high: int | None = None, allow_none: bool = False):
    """``value`` as an int in ``[low, high]`` (or None when allowed)."""
    if value is None and allow_none:
        return None
    rule = f"an integer >= {low}" + (f" and <= {high}" if high is not None else "")
    if allow_none:
        rule = f"None or {rule}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < low or (high is not None and value > high):
        raise ValueError(f"`{name}` must be {rule}, got {value!r}")
    return int(value)


def number(name: str, value, *, low: float, high: float = math.inf, low_open: bool = False,
           high_open: bool = False, allow_none: bool = False):
    """``value`` as a finite float in ``[low, high]``; ``low_open``, ``high_open`` drop an end."""
    if value is None and allow_none:
        return None
    rule = f"a number {'>' if low_open else '>='} {low:g}" \
        + (f" and {'<' if high_open else '<='} {high:g}" if high < math.inf else "")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be {rule}, got {value!r}") from None
    if isinstance(value, (bool, np.bool_)) or not math.isfinite(result) or result > high \
            or result < low or (low_open and result == low) or (high_open and result == high):
        raise ValueError(f"`{name}` must be {rule}, got {value!r}")
    return result


def flag(name: str, value) -> bool:
    """``value`` as a bool; only True or False are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"`{name}` must be True or False, got {value!r}")
    return bool(value)


def seed(value) -> int:
    """The data's seed as a non-negative int below 2**63."""
    return integer("seed", value, low=0, high=2**63 - 1)
