"""Do the kinks sit at the target's turning points? (seed 001's claim, as a number)

``turning_points`` finds the target's local extrema; ``breakpoint_alignment``
compares the share of the swarm's kinks near them with the share a uniform
spread of kinks over the domain would put there.
"""
from __future__ import annotations

import numpy as np

from swarm.metrics import _common
from swarm.metrics.breakpoints import breakpoints
from swarm.targets import get_target

__all__ = ["turning_points", "breakpoint_alignment"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def turning_points(target, domain=None, *, points: int = 20001) -> np.ndarray:
    """x of the local extrema of ``target`` inside ``domain``, sorted: float64 [turning point].

    ``target``: a name, an expression in x, a Target or a callable; ``domain``
    defaults to the target's. Extrema are located on a grid of ``points`` and
    refined by golden-section search. A flat extremum (a plateau between a rise
    and a fall, as in seed 000's steps) turns at both of its ends, so it counts
    there (each end once): that is where a network has to bend to follow it.
    """
    tgt = get_target(target)
    lo, hi = tgt.domain if domain is None else domain
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"`domain` must be a pair (lo, hi) of finite numbers with lo < hi, "
                         f"got {domain!r}")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 3:
        raise ValueError(f"`points` must be an integer of at least 3, got {points!r}")
    x = np.linspace(lo, hi, int(points))
    y = tgt(x)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"target {tgt.name!r} is not finite everywhere on {lo:g}:{hi:g}")
    step = np.sign(np.diff(y))
    moving = np.flatnonzero(step)  # steps that go up or down
    turn = step[moving[1:]] != step[moving[:-1]]
    left, right = moving[:-1][turn], moving[1:][turn]  # the last step before, first after
    sharp = right == left + 1  # a strict extremum at grid point left + 1
    out = x[left[sharp] + 1]
    if sharp.any():
        sign = np.where(step[left[sharp]] < 0, 1.0, -1.0)  # minimise f or -f
        out = _golden_section(lambda v: sign * tgt(v), x[left[sharp]], x[left[sharp] + 2])
    flat = ~sharp  # plateaus: the middles of the steps that enter and leave them
    ends = np.concatenate([(x[left[flat]] + x[left[flat] + 1]) / 2,
                           (x[right[flat]] + x[right[flat] + 1]) / 2])
    return np.unique(np.concatenate([np.atleast_1d(out), np.round(ends, 12)]))


def breakpoint_alignment(rec, epoch: int = -1, *, tolerance: float = 0.02, target=None) -> dict:
    """How much more often the kinks sit near a turning point than chance would have it.

    Kinks (:func:`breakpoints`, output bends) of all non-diverged bees at the
    recorded ``epoch``; a kink is near when within ``tolerance`` x the domain
    width of a turning point of the recording's target (or ``target``).
    Returns ``fraction`` (observed share), ``expected`` (the share of the domain
    within reach of a turning point, what uniform kinks would give), ``ratio``
    (fraction / expected), ``tolerance`` (in x units), ``kinks`` and
    ``turning_points`` (counts). Undefined numbers are None.
    """
    rec = _common.check_recording(rec)
    _common.one_input(rec, "turning points and breakpoint alignment")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) \
            or not 0 < tolerance < 1:
        raise ValueError(f"`tolerance` must be a fraction of the domain in (0, 1), "
                         f"got {tolerance!r}")
    if target is None:
        target = rec.meta.get("spec", {}).get("target")
        if target is None:
            raise ValueError("`rec` has no meta['spec']['target']; pass `target=`")
    lo, hi = _common.domain(rec)
    tps = turning_points(target, (lo, hi))
    reach = tolerance * (hi - lo)
    kept = _common.kept_bees(rec)
    found = breakpoints(rec, epoch)
    kinks = np.concatenate([k for k, keep in zip(found, kept) if keep] or [np.zeros(0)])
    near = np.zeros(kinks.size, dtype=bool)
    if tps.size:
        near = np.abs(kinks[:, None] - tps[None, :]).min(1) <= reach
    fraction = float(near.mean()) if kinks.size else None
    expected = _covered(tps, reach, lo, hi) / (hi - lo)
    ratio = fraction / expected if fraction is not None and expected > 0 else None
    return {"fraction": fraction, "expected": expected, "ratio": ratio, "tolerance": reach,
            "kinks": int(kinks.size), "turning_points": int(tps.size)}


def _covered(centres: np.ndarray, reach: float, lo: float, hi: float) -> float:
    """Length of the union of [c - reach, c + reach] within [lo, hi], for sorted centres."""
    start = np.clip(centres - reach, lo, hi)
    end = np.clip(centres + reach, lo, hi)  # equal widths: ends are sorted as well
    prev_end = np.concatenate([[lo], end[:-1]])
    return float(np.maximum(0.0, end - np.maximum(start, prev_end)).sum())


def _golden_section(f, a: np.ndarray, b: np.ndarray, iterations: int = 80) -> np.ndarray:
    """Minimisers of ``f`` on each bracket [a, b] at once (unimodal inside)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    for _ in range(iterations):
        c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
        left = f(c) < f(d)
        a, b = np.where(left, a, c), np.where(left, d, b)
    return (a + b) / 2.0
