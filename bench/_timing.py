"""The timer the bench scripts share (run them as ``python bench/NAME.py``: this folder is on the path)."""
from __future__ import annotations

import os
import time


def timed(fn):
    """(result, wall seconds, CPU seconds of the process: user + sys of every thread) of ``fn()``."""
    before, start = os.times(), time.perf_counter()
    out = fn()
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    return out, time.perf_counter() - start, cpu
