"""How many cores swarm may use: one rule for every floor (torch-free, so render workers can ask)."""
from __future__ import annotations

import os

__all__ = ["cores", "idle_cores"]


def cores() -> int:
    """The cores this process may run on, at most ``$SWARM_CORES`` where that is set
    (a whole number; say 1 on a shared machine)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (OSError, AttributeError):
        count = os.cpu_count() or 1
    limit = os.environ.get("SWARM_CORES", "").strip()
    return max(1, min(count, int(limit))) if limit.isdigit() else count


def idle_cores() -> float:
    """Cores with nothing to run: :func:`cores` less the 1-minute load average (all of them
    where the system does not say)."""
    try:
        busy = os.getloadavg()[0]
    except (OSError, AttributeError):
        busy = 0.0
    return cores() - busy
