"""What a video file holds, read with the imageio-ffmpeg binary (no ffprobe needed).

Used by tests and reports: codec, pixel format, size, frame count, and for MP4
whether the ``moov`` index comes before the media data (``+faststart``, so a
browser can start playing before the whole file arrived).
"""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

from swarm.render.writer import ffmpeg_exe

__all__ = ["probe", "mp4_atoms"]

_STREAM = re.compile(r"Stream #0:\d+.*?: Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)")
_FRAMES = re.compile(r"frame=\s*(\d+)")


def mp4_atoms(path) -> list[str]:
    """The top-level box types of an MP4 file in order, e.g. ['ftyp', 'moov', 'mdat']."""
    atoms = []
    with open(path, "rb") as fh:
        while header := fh.read(8):
            if len(header) < 8:
                break
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0] - 8
            elif size == 0:
                atoms.append(kind.decode("latin-1"))
                break
            atoms.append(kind.decode("latin-1"))
            fh.seek(size - 8, 1)
    return atoms


def probe(path) -> dict:
    """{codec, pix_fmt, width, height, frames, faststart} of the first video stream of ``path``.

    ``frames`` counts the packets of a stream copy (exact, decodes nothing);
    ``faststart`` is None for files that are not MP4.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no video at {str(path)!r}")
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0",
                          "-c", "copy", "-f", "null", "-"], capture_output=True, text=True)
    stream = _STREAM.search(run.stderr)
    if run.returncode != 0 or not stream:
        raise ValueError(f"{str(path)!r} is not a readable video: {run.stderr.strip()[-300:]}")
    frames = _FRAMES.findall(run.stderr)
    faststart = None
    if path.suffix.lower() in (".mp4", ".m4v", ".mov"):
        atoms = mp4_atoms(path)
        faststart = "moov" in atoms and "mdat" in atoms and atoms.index("moov") < atoms.index("mdat")
    return {"codec": stream.group(1), "pix_fmt": stream.group(2), "width": int(stream.group(3)),
            "height": int(stream.group(4)), "frames": int(frames[-1]) if frames else 0,
            "faststart": faststart}
