"""How many cores swarm may use: one rule for every floor (torch-free, so render workers can ask)."""
from __future__ import annotations

import os

__all__ = ["cores", "idle_cores", "cpu_clock"]


def cores() -> int:
    """The cores this process may run on, at most ``$SWARM_CORES`` where that is set
    (a whole number; say 1 on a shared machine)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (OSError, AttributeError):
        count = os.cpu_count() or 1
    limit = os.environ.get("SWARM_CORES", "").strip()
    return max(1, min(count, int(limit))) if limit.isdigit() else count


def cpu_clock() -> tuple[int, int] | None:
    """(idle, total) time the CPUs this process may run on have counted so far (Linux's
    /proc/stat, in ticks), or None where the system does not say: the start of a window
    for :func:`idle_cores`."""
    try:
        allowed = {f"cpu{n}" for n in os.sched_getaffinity(0)}
        idle = total = 0
        with open("/proc/stat") as fh:
            for line in fh:
                name, *values = line.split()
                if name in allowed:
                    ticks = [int(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal
                    idle, total = idle + ticks[3] + ticks[4], total + sum(ticks)
        return (idle, total) if total else None
    except (OSError, AttributeError, ValueError):
        return None


_WINDOW_TICKS = 10  # a shorter window says little (a tick is usually 10 ms per CPU)


def idle_cores(since: tuple[int, int] | None = None) -> float:
    """Cores with nothing to run. Since ``since`` (a :func:`cpu_clock` reading), where the
    system counts CPU time: the cores left idle on average over that window, this process's
    own work counted as busy; it follows the machine as it is now, where the 1-minute load
    average still counts the work of the last minute (a command run just after another
    saw ~1.5 busy cores of 2 on an idle machine). Else :func:`cores` less the 1-minute load
    average (all of them where the system does not say)."""
    now = cpu_clock() if since is not None else None
    if now is not None:  # a clock: this process's CPUs can be listed
        cpus = len(os.sched_getaffinity(0))
        if now[1] - since[1] >= _WINDOW_TICKS * cpus:
            return min(float(cores()), (now[0] - since[0]) / (now[1] - since[1]) * cpus)
    try:
        busy = os.getloadavg()[0]
    except (OSError, AttributeError):
        busy = 0.0
    return float(cores() - busy)
