"""The rules for CPU threads during heavy batched work, for every floor that runs it.

Two ways to use the cores. ``idle_core_threads`` sizes torch's intra-op pool for
big operations: intra-op threads that outnumber the idle cores spin-wait at every
barrier (on a 2-core machine with one other busy process, a 2-thread training
epoch measured 5-10x slower than a 1-thread one). ``map_cores`` runs independent
chunks of work (networks, matrices) on one Python thread per core instead, each
with single-threaded torch ops: the many small operations of the metrics keep no
barrier at all, and a busy machine just shares the cores out.
"""
from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import torch

from swarm._cores import cores, free_cores
from swarm._malloc import keep_memory

__all__ = ["idle_core_threads", "map_cores", "cores"]


@contextlib.contextmanager
def idle_core_threads(device="cpu", most: int | None = None):
    """Use no more CPU threads than there are idle cores (and at most ``most``) for a
    ``with`` block.

    :func:`swarm._cores.free_cores` says how many other processes leave idle; the
    previous thread count is restored afterwards. Nothing changes for a non-CPU ``device``.
    """
    if torch.device(device).type != "cpu":
        yield
        return
    keep_memory()  # big temporaries come and go: keep them mapped (see swarm._malloc)
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(before, round(free_cores()), most or before)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


_POOL: ThreadPoolExecutor | None = None
_PREFIX = "swarm-core"


def _forget_pool() -> None:
    """A forked child has none of the parent's threads: it starts a pool of its own."""
    global _POOL
    _POOL = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _pool() -> ThreadPoolExecutor:
    """One pool of one thread per core for the whole process: starting threads for each
    call cost more than a training chunk's work (training maps every step)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(cores(), thread_name_prefix=_PREFIX, initializer=_single)
    return _POOL


def _single() -> None:
    """torch single-threaded in this thread (OpenMP keeps the count per thread)."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


@contextlib.contextmanager
def _one_torch_thread():
    """torch single-threaded in the calling thread while any map_cores call runs (its
    items may run here, and MKL's count is global): the first to enter saves the
    thread count and the last to leave restores it."""
    global _ACTIVE, _SAVED
    with _LOCK:
        if _ACTIVE == 0:
            _SAVED = torch.get_num_threads()
            torch.set_num_threads(1)
        _ACTIVE += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE -= 1
            if _ACTIVE == 0:
                torch.set_num_threads(_SAVED)


_LOCK = threading.Lock()
_ACTIVE = 0
_SAVED = 1


def map_cores(fn, items, workers: int | None = None) -> list:
    """``[fn(item) for item in items]``, on one thread per core (at most ``workers``).

    torch runs single-threaded inside (its kernels release the GIL, so the
    threads work in parallel); the previous thread count is restored afterwards.
    Give several items per core so that uneven chunks even out. A call from inside
    one of these threads runs its items in turn; calls from several other threads
    share the one pool. An exception in any item is raised here.
    """
    items = list(items)
    workers = max(1, min(len(items), cores() if workers is None else workers))
    if threading.current_thread().name.startswith(_PREFIX):
        return [fn(item) for item in items]
    keep_memory()
    with _one_torch_thread():
        if workers == 1:
            return [fn(item) for item in items]
        def task(item):
            _single()
            return fn(item)

        if workers < cores():
            with ThreadPoolExecutor(workers, thread_name_prefix=_PREFIX) as pool:
                return list(pool.map(task, items))
        return list(_pool().map(task, items))
