"""The rule for torch's CPU thread count during heavy batched work, for every floor that runs it.

Intra-op threads that outnumber the idle cores spin-wait at every barrier:
on a 2-core machine with one other busy process, a 2-thread training epoch
measured 5-10x slower than a 1-thread one, and so do the metrics' many small
batched operations (the time shows up as sys). The engine and the metrics
both take the rule from here.
"""
from __future__ import annotations

import contextlib
import os

import torch

from swarm._malloc import keep_memory

__all__ = ["idle_core_threads"]


@contextlib.contextmanager
def idle_core_threads(device="cpu"):
    """Use no more CPU threads than there are idle cores for a ``with`` block.

    The 1-minute load average says how many cores are busy; the previous
    thread count is restored afterwards. Nothing changes for a non-CPU ``device``.
    """
    if torch.device(device).type != "cpu":
        yield
        return
    keep_memory()  # big temporaries come and go: keep them mapped (see swarm._malloc)
    before = torch.get_num_threads()
    try:
        busy = os.getloadavg()[0]
        cores = len(os.sched_getaffinity(0))
    except (OSError, AttributeError):
        busy, cores = 0.0, before
    torch.set_num_threads(max(1, min(before, round(cores - busy))))
    try:
        yield
    finally:
        torch.set_num_threads(before)
