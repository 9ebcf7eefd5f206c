"""Outputs appear whole or not at all: write to a temporary name beside, then rename."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_path", "temporary_beside", "publish", "check_writable"]


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
