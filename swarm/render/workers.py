"""The render workers: a joblib (loky) pool, the scene they share, and clean interruption.

A scene goes to the workers once: pickled with cloudpickle (so panels defined in
``__main__`` or a notebook travel too) and with its big arrays as .npy files
the workers memory-map. Workers can start early (:func:`warm_up`) while the
panels prepare, and :func:`stop_workers` kills them after an interruption;
:func:`sigterm_raises` turns a polite kill into a KeyboardInterrupt so the
cleanup runs.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import threading
import time
from pathlib import Path

import cloudpickle
import numpy as np
from joblib import Parallel, delayed

from swarm._malloc import keep_memory

__all__ = ["warm_up", "stop_workers", "sigterm_raises", "worker_count", "share_scene", "load_scene",
           "keep_memory"]


def worker_count(jobs, frames: int) -> int:
    """Processes to use: ``jobs`` (None or -1: all cores, -2: all but one), at most one per frame."""
    if jobs is None:
        jobs = os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs == 0:
        raise ValueError(f"`jobs` must be a positive number of processes (or -1 for all cores), "
                         f"got {jobs!r}")
    if jobs < 0:
        jobs = max(1, (os.cpu_count() or 1) + 1 + int(jobs))
    return int(max(1, min(jobs, frames)))


_WARMING: list[threading.Thread] = []  # warm-up threads that may still be starting workers


def warm_up(jobs: int | None = None, modules=()) -> None:
    """Start the render workers now, in the background, so a render soon after finds them ready.

    A fresh worker spends a second or more importing numpy, matplotlib and
    swarm; :func:`swarm.animate` calls this before preparing its panels so that
    happens meanwhile, naming in ``modules`` (module names) where the scene's
    panels live, which unpickling the scene will need. Does nothing for one
    job. :func:`stop_workers` undoes it.
    """
    workers = worker_count(jobs, 1 << 30)
    if workers > 1:
        modules = ("swarm.render.compose", *modules)
        thread = threading.Thread(target=_start_workers, args=(workers, modules), daemon=True,
                                  name="swarm-render-warm-up")
        _WARMING.append(thread)
        thread.start()


def stop_workers(timeout: float = 5.0) -> None:
    """Kill the render worker processes (joblib's reusable loky pool), e.g. after an interruption.

    Waits (up to ``timeout`` s) for a warm-up that is still creating the pool,
    so no worker appears after this returns.
    """
    from joblib.externals.loky import reusable_executor

    deadline = time.monotonic() + timeout
    while any(t.is_alive() for t in _WARMING) and reusable_executor._executor is None \
            and time.monotonic() < deadline:
        time.sleep(0.02)
    executor = reusable_executor._executor
    if executor is not None:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=False, kill_workers=True)
    for thread in _WARMING:  # their Parallel fails fast once the pool is gone
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    _WARMING[:] = [t for t in _WARMING if t.is_alive()]


def _start_workers(workers: int, modules) -> None:
    with contextlib.suppress(BaseException):  # only a head start: a failure shows in the render
        Parallel(n_jobs=workers)(delayed(_import_modules)(modules) for _ in range(workers))


def _import_modules(modules) -> None:
    for name in modules:  # what unpickling the scene needs
        importlib.import_module(name)


@contextlib.contextmanager
def sigterm_raises():
    """While rendering, a polite kill (SIGTERM) unwinds like Ctrl-C, so cleanup runs.

    Only when we are the main thread and nobody installed a SIGTERM handler.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


_SCENES: dict = {}  # per worker process: the scene of the current render
_SHARE_BYTES = 1 << 20  # arrays at least this big travel as memory-mapped .npy files


class _Dumper(cloudpickle.Pickler):
    """cloudpickle (so panels defined in ``__main__`` or a notebook travel too), with
    big arrays saved beside as .npy files for the workers to memory-map."""

    def __init__(self, fh, folder: Path):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder, self.saved = folder, {}

    def persistent_id(self, obj):
        if not (isinstance(obj, np.ndarray) and obj.nbytes >= _SHARE_BYTES and obj.dtype.kind in "biuf"):
            return None
        if id(obj) not in self.saved:
            name = f"array{len(self.saved)}.npy"
            np.save(self.folder / name, obj)
            self.saved[id(obj)] = (name, obj)  # keep obj alive so its id stays unique
        return self.saved[id(obj)][0]


class _Loader(pickle.Unpickler):
    def __init__(self, fh, folder: Path):
        super().__init__(fh)
        self.folder = folder

    def persistent_load(self, name):
        return np.load(self.folder / name, mmap_mode="r")


def share_scene(scene, folder: Path) -> str:
    """Save ``scene`` into ``folder`` once for all workers; returns the path to give them."""
    path = folder / "scene.pickle"
    with open(path, "wb") as fh:
        _Dumper(fh, folder).dump(scene)
    return str(path)


def load_scene(path: str):
    """The scene shared at ``path``, loaded once per process, its big arrays memory-mapped."""
    if path not in _SCENES:
        _SCENES.clear()
        with open(path, "rb") as fh:
            _SCENES[path] = _Loader(fh, Path(path).parent).load()
    return _SCENES[path]
