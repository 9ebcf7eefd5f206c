"""What the bench scripts share (run them as ``python bench/NAME.py``: this folder is on the path)."""
from __future__ import annotations

import os
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
