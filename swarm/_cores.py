"""How many cores swarm may use: one rule for every floor (torch-free, so render workers can ask)."""
from __future__ import annotations

import os
import time

__all__ = ["cores", "idle_cores", "cpu_clock", "free_cores"]


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
        idle = _window_cores(now[0] - since[0], now[1] - since[1])
        if idle is not None:
            return idle
    return _unloaded_cores()


def _window_cores(idle_ticks: float, total_ticks: float) -> float | None:
    """Cores idle on average over a window of the CPUs' clock (at most :func:`cores`), or
    None where the window is too short to say."""
    cpus = len(os.sched_getaffinity(0))
    if total_ticks < _WINDOW_TICKS * cpus:
        return None
    return min(float(cores()), idle_ticks / total_ticks * cpus)


def _unloaded_cores() -> float:
    """:func:`cores` less the 1-minute load average (all of them where the system does not say)."""
    try:
        busy = os.getloadavg()[0]
    except (OSError, AttributeError):
        busy = 0.0
    return float(cores() - busy)


def own_seconds() -> float:
    """CPU seconds this process's threads have used so far."""
    times = os.times()
    return times.user + times.system


_LONGEST = 300.0  # seconds: a longer window says little of the machine now


def _reading() -> tuple:
    """(cpu_clock(), own_seconds(), monotonic seconds): the start of a window for free_cores."""
    return cpu_clock(), own_seconds(), time.monotonic()


_SINCE = _reading()  # where free_cores last looked (at import: the window's first start)
if hasattr(os, "register_at_fork"):  # a child's own clock starts again from 0
    os.register_at_fork(after_in_child=lambda: globals().update(_SINCE=_reading()))


def free_cores() -> float:
    """Cores this process may keep busy without crowding other processes: over the window
    since free_cores last looked (or since import), the CPUs' idle share times the CPUs,
    this process's own CPU time counted as idle; :func:`idle_cores` (the 1-minute load
    average) where the window is shorter than it needs, longer than 5 minutes, or the
    system does not say. The load average counts this process's own last minute as busy:
    a second ``swarm.train`` right after a first one on one core got one torch thread of
    two (digits' 200 bees: 0.8-1.3 s against 0.6 s with two)."""
    global _SINCE
    now, before = _reading(), _SINCE
    if now[0] is None or before[0] is None or now[2] - before[2] > _LONGEST:
        _SINCE = now
        return _unloaded_cores()
    own = (now[1] - before[1]) * os.sysconf("SC_CLK_TCK")
    idle = _window_cores(now[0][0] - before[0][0] + own, now[0][1] - before[0][1])
    if idle is None:  # too short to say: the window stays open
        return _unloaded_cores()
    _SINCE = now
    return idle
