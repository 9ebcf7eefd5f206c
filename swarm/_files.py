"""Outputs appear whole or not at all: write to a temporary name beside, then rename."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

__all__ = ["atomic_path", "temporary_beside", "publish", "check_writable", "Outputs", "plural",
           "human_bytes"]


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it into place only on success.

    The temporary file keeps ``path``'s suffix (or ``suffix``) so tools that look
    at extensions (ffmpeg) see the right one. On any error it is removed.
    """
    path = Path(path)
    check_writable(path)
    with temporary_beside(path, suffix or path.suffix or ".tmp") as tmp:
        yield tmp
        publish(tmp, path)


@contextlib.contextmanager
def temporary_beside(path, suffix: str):
    """A temporary file name beside ``path``, removed on leaving unless :func:`publish` renamed it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent or ".")
    os.close(fd)
    try:
        yield Path(tmp)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def publish(tmp, path) -> None:
    """Rename ``tmp`` onto ``path`` with the permissions a new file would get (mkstemp's are 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def check_writable(path) -> None:
    """Raise ``ValueError`` naming ``path`` when its folder is missing or not writable."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: it is a folder")
    if not folder.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"cannot write {str(path)!r}: the folder {str(folder)!r} is not writable")
    try:  # the only sure test (/proc, read-only mounts, full quotas): make a file there
        fd, probe = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".probe", dir=folder)
    except OSError as err:
        raise ValueError(f"cannot write {str(path)!r}: no file can be created in "
                         f"{str(folder)!r} ({err.strerror})") from None
    os.close(fd)
    os.unlink(probe)


class Outputs:
    """Several outputs that appear together or not at all.

    Each output is written at ``outputs[path]``: its own file name inside a hidden
    folder beside it (so a report naming a video shows the final name), made now,
    which also proves the folder writable (a ``ValueError`` names the path).
    :meth:`commit` moves every one into place, with its ``<stem>_files/``
    companion folder when the writer made one, while Ctrl-C and SIGTERM wait;
    :meth:`discard` (also on leaving a ``with`` block) removes what is left.
    """

    def __init__(self, paths):
        self.paths = [Path(p) for p in paths if p is not None]
        self.committed = False
        self._staging: dict[Path, Path] = {}
        try:
            for path in self.paths:
                check_writable(path)
                folder = path.parent
                if folder not in self._staging:
                    self._staging[folder] = Path(tempfile.mkdtemp(prefix=".swarm-", dir=folder))
        except OSError as err:
            self.discard()
            raise ValueError(f"cannot write {str(path)!r}: {err.strerror}") from None
        except BaseException:
            self.discard()
            raise

    def __getitem__(self, path) -> Path:
        path = Path(path)
        return self._staging[path.parent] / path.name

    def commit(self) -> None:
        """Move every written output into place (the last step: nothing can fail after it)."""
        with _signals_held():
            for path in self.paths:
                for name in (path.name, f"{path.stem}_files"):
                    staged, final = self[path].parent / name, path.parent / name
                    if staged.is_dir() and final.is_dir():
                        shutil.rmtree(final)
                    if staged.exists():
                        os.replace(staged, final)
            self.committed = True
        self.discard()

    def discard(self) -> None:
        """Remove the hidden folders and whatever is still in them."""
        for folder in self._staging.values():
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM wait until the block ends (main thread only; elsewhere a no-op)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def human_bytes(nbytes: float, digits: int | None = None) -> str:
    """A size for messages: ``"512 B"``, ``"3.2 MiB"``, ``"1.50 GiB"`` (``digits`` decimals
    if given, else 2 for GiB and 1 for the smaller units)."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            places = digits if digits is not None else 2 if unit == "GiB" else 1
            return f"{nbytes / scale:.{places}f} {unit}"
    return f"{int(nbytes)} B"


def plural(count: int, noun: str) -> str:
    """``1 feature``, ``2 features``, ``1 class``, ``3 classes``, ``2 epochs`` (counts with
    thousands commas; enough English for the nouns swarm counts)."""
    ending = "es" if noun.endswith(("s", "x", "sh")) else "s"
    return f"{count:,} {noun}{'' if count == 1 else ending}"
