"""The render workers: forked processes or a joblib (loky) pool, the scene they share,
and clean interruption.

Where the system can fork (Linux), :func:`fork_map` runs the pieces in processes
forked from this one: they start with every module and the scene already in
memory (copy-on-write), where a fresh loky worker spends a second or more of CPU
importing numpy, matplotlib and the panels and unpickling the scene: on a
2-core machine that was a tenth of the first video's CPU. Elsewhere a scene
goes to loky workers once: pickled with cloudpickle (so panels defined in
``__main__`` or a notebook travel too) and with its big arrays as .npy files
the workers memory-map; those workers can start early (:func:`warm_up`) while
the panels prepare, and :func:`stop_workers` kills them after an interruption.
:func:`sigterm_raises` turns a polite kill into a KeyboardInterrupt so the
cleanup runs.
"""
from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import pickle
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

import cloudpickle
import numpy as np

from swarm._cores import cores
from swarm._malloc import keep_memory

__all__ = ["warm_up", "stop_workers", "sigterm_raises", "worker_count", "share_scene", "load_scene",
           "keep_memory", "forks", "fork_map"]


def worker_count(jobs, frames: int) -> int:
    """Processes to use: ``jobs`` (None or -1: all cores swarm may use, -2: all but one), at most one per frame."""
    if jobs is None:
        jobs = cores()
    if isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs == 0:
        raise ValueError(f"`jobs` must be a positive number of processes (or -1 for all cores), "
                         f"got {jobs!r}")
    if jobs < 0:
        jobs = max(1, cores() + 1 + int(jobs))
    return int(max(1, min(jobs, frames)))


_WARMING: list[threading.Thread] = []  # warm-up threads that may still be starting workers


def forks() -> bool:
    """Whether renders run in forked workers (:func:`fork_map`): on Linux, where forking a
    process with threads (torch's, tqdm's) is safe for a child that only paints and pipes,
    unless this process is itself a daemonic worker (which may have no children)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def fork_map(fn, calls, workers: int, shared=None):
    """Yield ``fn(*args)`` for each ``args`` of ``calls``, as each finishes, in ``workers``
    processes forked from this one.

    ``shared`` (a scene) is inherited by the workers, not sent: ``fn`` finds it with
    :func:`load_scene` under the key passed as the first argument. ``fn`` and the
    other arguments are pickled (small). An error in a worker is raised here; on
    any error or interruption the workers are terminated and waited for.
    """
    calls = list(calls)
    if shared is not None:
        _SCENES.clear()
        _SCENES[calls[0][0]] = shared
    with warnings.catch_warnings():  # Python 3.12+ warns on forking a process that has threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
    try:
        yield from pool.imap_unordered(_star, [(fn, args) for args in calls])
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _SCENES.clear()


def _quiet_worker() -> None:
    """A forked worker leaves Ctrl-C to its parent, which terminates it (SIGTERM, the default
    action: it dies at once, its ffmpeg with it by ``PR_SET_PDEATHSIG``, and the parent
    removes the pieces' folder); no traceback from each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _star(call):
    fn, args = call
    return fn(*args)


def warm_up(jobs: int | None = None, modules=()) -> None:
    """Start the render workers now, in the background, so a render soon after finds them ready.

    A fresh worker spends a second or more importing numpy, matplotlib and
    swarm; :func:`swarm.animate` calls this before preparing its panels so that
    happens meanwhile, naming in ``modules`` (module names) where the scene's
    panels live, which unpickling the scene will need. Does nothing for one
    job, nor where renders fork (:func:`forks`: forked workers start ready).
    :func:`stop_workers` undoes it.
    """
    workers = worker_count(jobs, 1 << 30)
    if workers > 1 and not forks():
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
    if "joblib" not in sys.modules and not _WARMING:  # no pool started (forked renders use none)
        return
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
    from joblib import Parallel, delayed  # here: forked renders never import it (0.1 s)

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
