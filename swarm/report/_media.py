"""Media for reports: data URIs, video types, poster frames and copies beside a report.

Poster frames come from the ffmpeg binary of the imageio-ffmpeg wheel, so no
system install is needed.
"""
from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg

from swarm._files import atomic_path

__all__ = ["VIDEO_TYPES", "check_videos", "file_names", "data_uri", "encoded_size", "poster_png",
           "video_seconds", "copy_beside", "write_bytes"]

VIDEO_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
               ".gif": "image/gif"}
PNG = "image/png"
# a render's poster beside its video, by the names swarm's CLI and examples give it
POSTER_NAMES = ("{stem}.png", "{stem}_poster.png", "{stem}.poster.png", "{stem}-poster.png")


def check_videos(videos, name: str = "videos") -> list[Path]:
    """The ``videos`` argument (called ``name`` in messages) as existing paths of a playable type."""
    if videos is None:
        return []
    if isinstance(videos, (str, Path)):
        videos = [videos]
    paths = [Path(v) for v in videos]
    for p in paths:
        if p.suffix.lower() not in VIDEO_TYPES:
            raise ValueError(f"`{name}` must be {', '.join(VIDEO_TYPES)} files, got {str(p)!r}")
        if not p.is_file():
            raise ValueError(f"`{name}`: no file at {str(p)!r}")
    return paths


def file_names(paths: list[Path]) -> list[str]:
    """A name per path for copies in one folder: the file's own name, numbered when two
    different files share it (``swarm.mp4``, ``2-swarm.mp4``)."""
    taken: dict[str, Path] = {}
    names = []
    for p in paths:
        name, n = p.name, 1
        while name in taken and taken[name].resolve() != p.resolve():
            n += 1
            name = f"{n}-{p.name}"
        taken[name] = p
        names.append(name)
    return names


def data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,...`` for embedding a file in HTML."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def encoded_size(nbytes: int) -> int:
    """Length of the base64 text of ``nbytes`` bytes (what embedding adds to a page)."""
    return 4 * ((nbytes + 2) // 3)


def video_seconds(path) -> float:
    """Duration of a video file in seconds (ffmpeg stream copy, no decoding)."""
    try:
        frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    except (RuntimeError, OSError) as err:
        raise ValueError(f"could not read the video {str(path)!r}: {err}") from None
    return float(seconds)


def poster_png(video, at: float = 0.5) -> bytes:
    """One frame of ``video`` as PNG bytes: a poster ``at`` this fraction of its length.

    A render's poster beside the video (``<stem>.png`` or ``<stem>_poster.png``,
    see POSTER_NAMES) is used as is.
    """
    video = Path(video)
    for name in POSTER_NAMES:
        beside = video.with_name(name.format(stem=video.stem))
        if beside.is_file():
            return beside.read_bytes()
    seek = max(0.0, at * video_seconds(video))
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-ss", f"{seek:.3f}",
           "-i", str(video), "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"]
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        raise ValueError(f"could not read a frame of {str(video)!r}: "
                         f"{done.stderr.decode(errors='replace').strip() or 'no frame'}")
    return done.stdout


def copy_beside(src: Path, dest: Path) -> Path:
    """Copy ``src`` to ``dest`` atomically unless they are the same file; returns ``dest``."""
    if dest.exists() and dest.resolve() == src.resolve():
        return dest
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
    return dest


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
