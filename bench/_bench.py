"""What the bench scripts share (run them as ``python bench/NAME.py``: this folder is on the path)."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import swarm


def timed(fn):
    """(result, wall seconds, CPU seconds of the process: user + sys of every thread) of ``fn()``."""
    before, start = os.times(), time.perf_counter()
    out = fn()
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    return out, time.perf_counter() - start, cpu


def recording(source: str | None):
    """The recording at ``source``, or without one the swarm of bench/metrics_speed.py
    (500 bees x 400 epochs, 1-8-8-8-1 on sin)."""
    if source:
        return swarm.load(source)
    return swarm.train("sin", bees=500, epochs=400, width=8, depth=3, lr=0.01, progress=False)


_COMPILE = ("from swarm import metrics; from swarm.metrics import spectrum; "
            "from swarm.testing import random_walk; rec = random_walk(2, 2, width=3, depth=2); "
            "metrics.breakpoints(rec); spectrum._COMPILED_FROM = 0; metrics.spectra(rec)")


def compiled_code_on_disk() -> float:
    """Seconds a child process takes to make sure numba's compiled code (the deep breakpoint
    walk, the spectra's eigenvalues) is in its disk cache.

    A machine's first run compiles it (~12 s, once); every later process loads it from
    disk (~0.3-0.6 s), which is what the timings after this measure: this process loads
    it the way a user's does, and that load stays counted.
    """
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _COMPILE], check=True)
    return time.perf_counter() - start
