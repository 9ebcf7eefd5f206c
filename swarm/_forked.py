"""One call run in a child process forked from this one, its result sent back through shared memory.

Why: ``swarm-animate`` trains in a child forked once torch is imported, while the
parent imports matplotlib and the panels (0.5-0.8 s on one core while the other
idled: imports hold the GIL, so a thread could not overlap them). The result (a
recording: 130 MB of arrays for ``sin --bees 500``) comes back with one copy:
pickled with protocol 5, its contiguous arrays' bytes written into a memfd that
the parent maps copy-on-write (writable arrays, no second copy), the rest through
a pipe. Linux only (:func:`can_fork`). torch runs single-threaded in the child:
GNU OpenMP's pool is not fork-safe, and its one thread leaves the other core to
the parent.

    with Forked(lambda: swarm.train("sin")) as child:
        ...                      # the parent's own work meanwhile
        rec = child.result()     # the child's exception is raised here
"""
from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import pickle
import signal
import sys
import threading
import warnings

__all__ = ["Forked", "can_fork"]

_ALIGN = 64  # each array's bytes start on a cache line in the shared memory


def can_fork() -> bool:
    """Whether :class:`Forked` works here: Linux (fork and memfd), not a daemonic worker."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "memfd_create")):
        return False
    import multiprocessing

    return not multiprocessing.current_process().daemon


class Forked:
    """``fn()`` running in a child forked now; :meth:`result` waits for its value.

    Used as a context manager, leaving the block (an error, Ctrl-C, SIGTERM turned
    into KeyboardInterrupt) kills a child that has not finished and waits for it, so
    no process is left behind; the child also dies with this process's thread
    (``PR_SET_PDEATHSIG``).
    """

    def __init__(self, fn):
        for stream in (sys.stdout, sys.stderr):  # else the child would print the buffered part again
            with contextlib.suppress(Exception):
                stream.flush()
        self._memfd = os.memfd_create("swarm-result", os.MFD_CLOEXEC)
        read, write = os.pipe()
        with warnings.catch_warnings():  # Python 3.12+ warns on forking a process that has threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, which never returns
            os.close(read)
            _child(fn, write, self._memfd)
        os.close(write)
        self.pid, self._pipe, self._waited, self._sent = pid, read, False, False

    def result(self):
        """The value ``fn()`` returned in the child, or its exception raised here."""
        message = self._read()
        if message is None:  # the child ended without sending: wait for it, to say how
            _, status = os.waitpid(self.pid, 0)
            self._waited = True
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130:
                raise KeyboardInterrupt  # the child was interrupted (Ctrl-C reaches the whole group)
            raise ChildProcessError(f"the forked process ended without a result ({_how(status)})")
        head, layout, total = pickle.loads(message)
        views = []
        if total:
            shared = mmap.mmap(self._memfd, total, flags=mmap.MAP_PRIVATE,
                               prot=mmap.PROT_READ | mmap.PROT_WRITE)
            whole = memoryview(shared)
            views = [whole[start:start + size] for start, size in layout]
        self.stop()  # the child is only exiting now: reaped without waiting
        kind, value = pickle.loads(head, buffers=views)
        if kind == "error":
            raise value
        return value

    def _read(self) -> bytes | None:
        """The child's message (8 bytes of length, then that many), or None if the pipe ended first."""
        data = bytearray()
        need = 8
        while len(data) < need:
            chunk = os.read(self._pipe, max(need - len(data), 1 << 16))
            if not chunk:
                return None
            data += chunk
            if need == 8 and len(data) >= 8:
                need = 8 + int.from_bytes(data[:8], "little")
        self._sent = True
        return bytes(data[8:need])

    def stop(self) -> None:
        """Kill the child if it has not sent its result and wait for it; close what is open.

        A child that has sent its result is only exiting (freeing its memory): it is
        reaped on a thread, not waited for.
        """
        if not self._waited:
            self._waited = True
            if self._sent:
                threading.Thread(target=_reap, args=(self.pid,), daemon=True,
                                 name="swarm-reap").start()
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
                _reap(self.pid)
        self._close()

    def _close(self) -> None:
        for name in ("_pipe", "_memfd"):
            if getattr(self, name) is not None:
                os.close(getattr(self, name))
                setattr(self, name, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _child(fn, pipe: int, memfd: int) -> None:  # pragma: no cover - runs in the forked child
    """Run ``fn`` and send its value (or exception) back; end with ``os._exit``, never returning
    into the parent's stack. Interrupted (Ctrl-C reaches the whole group), it ends quietly:
    the parent, interrupted too, reports it."""
    code = 0
    try:
        with contextlib.suppress(Exception):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
        try:
            payload = ("value", fn())
        except KeyboardInterrupt:
            payload, code = None, 130
        except BaseException as err:  # noqa: BLE001 - raised again in the parent
            payload = ("error", err)
        if payload is not None:
            message = _pack(payload, memfd)
            view = memoryview(len(message).to_bytes(8, "little") + message)
            while view:
                view = view[os.write(pipe, view):]
    except BaseException:  # noqa: BLE001 - no traceback from the child: the parent says what failed
        code = code or 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _pack(payload, memfd: int) -> bytes:
    """``payload`` pickled: its contiguous buffers written into ``memfd``, the rest returned."""
    buffers = []
    try:
        head = pickle.dumps(payload, protocol=5, buffer_callback=buffers.append)
    except Exception:  # noqa: BLE001 - an exception that does not pickle: its name and message
        if payload[0] != "error":
            raise
        buffers = []
        head = pickle.dumps(("error", RuntimeError(f"{type(payload[1]).__name__}: {payload[1]}")),
                            protocol=5)
    raws = [b.raw() for b in buffers]
    layout, total = [], 0
    for raw in raws:
        start = -(-total // _ALIGN) * _ALIGN
        layout.append((start, raw.nbytes))
        total = start + raw.nbytes
    os.ftruncate(memfd, total)  # its whole length, empty arrays at the end included
    for (start, size), raw in zip(layout, raws):  # os.pwrite: twice as fast as through a map
        while raw:
            written = os.pwrite(memfd, raw, start)
            raw, start = raw[written:], start + written
    return pickle.dumps((head, layout, total), protocol=5)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
