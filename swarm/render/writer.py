"""Stream raw RGB frames to ffmpeg, and join encoded pieces without re-encoding.

One concrete class, :class:`VideoWriter`, used as a context manager::

    with VideoWriter("out.mp4", fps=30, size=(1280, 720)) as w:
        w.write(frame)          # uint8 [height, width, 3]

The binary comes from the imageio-ffmpeg wheel and ffmpeg-python builds the
arguments; the process is ours: frames go to its stdin, its stderr is drained
by a thread (a full stderr pipe would block it), and ``-loglevel error`` keeps
that short. The output is written to a temporary name beside ``path`` and
renamed only when ffmpeg exits 0; on any error or interruption ffmpeg is
killed and the temporary file removed. ffmpeg also dies with the process that
started it (Linux ``PR_SET_PDEATHSIG``), so a killed worker leaves no encoder.

Formats by extension: ``.mp4`` H.264 yuv420p (even size, ``+faststart``),
``.webm`` VP9, ``.gif`` with a palette computed over all frames (frames go to
a lossless piece first, then two streaming passes make and apply the palette).
"""
from __future__ import annotations

import collections
import contextlib
import ctypes
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import ffmpeg
import imageio_ffmpeg
import numpy as np
from PIL import Image

from swarm._files import check_writable, publish, temporary_beside
from swarm.render.yuv import I420

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

__all__ = ["VideoWriter", "join_pieces", "save_png", "FORMATS", "ffmpeg_exe", "piece_suffix", "output_format",
           "PRESETS", "check_codec", "check_png", "codec_options", "codec_args"]

log = logging.getLogger(__name__)

FORMATS = (".mp4", ".webm", ".gif")
_PIECE = {".mp4": ".mp4", ".webm": ".webm", ".gif": ".mkv"}  # container of a piece for each format
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
           "veryslow", "placebo")  # x264's speed/size trade-offs
# The default preset's motion search made cheaper: a diamond search and one subpixel pass
# (x264's `me=dia:subme=1`, superfast's) spend ~21% less encoder CPU on our frames at the same
# SSIM (0.9901 against 0.9900 on 200 line-panel frames), files ~8% larger (bench/encoder_speed.py).
_TUNED = {"veryfast": "me=dia:subme=1"}
_CRF_MAX = {".mp4": 51, ".webm": 63, ".gif": 63}  # x264's and VP9's quality scales (GIF: unused)


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by imageio-ffmpeg."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def output_format(path) -> str:
    """The output suffix of ``path``; a ``ValueError`` lists the supported ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown output extension {Path(path).suffix or '(none)'!r} in "
                         f"{str(path)!r}; use one of {', '.join(FORMATS)}")
    return suffix


def check_codec(fmt: str, preset, crf) -> None:
    """A ``ValueError`` unless ``preset`` is one of PRESETS and ``crf`` None or in range for ``fmt``."""
    if preset not in PRESETS:
        raise ValueError(f"unknown `preset` {preset!r}; choose one of {', '.join(PRESETS)}")
    top = _CRF_MAX[fmt]
    if crf is not None and (isinstance(crf, bool) or not isinstance(crf, (int, np.integer))
                            or not 0 <= crf <= top):
        raise ValueError(f"`crf` must be None or an integer from 0 (best) to {top} (smallest) "
                         f"for {fmt}, got {crf!r}")


def check_png(path, name: str = "poster") -> Path:
    """``path`` as a Path when it ends in .png and can be written, else a ``ValueError``."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"`{name}` must be a .png path, got {str(path)!r}")
    check_writable(path)
    return path


def check_size(size, minimum: int) -> tuple[int, int]:
    """``size`` as (width, height) ints, each at least ``minimum`` pixels, else a ``ValueError``."""
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        width = height = 0
    if width < minimum or height < minimum:
        raise ValueError(f"`size` must be (width, height) of at least {minimum} pixels, got {size!r}")
    return width, height


def piece_suffix(fmt: str) -> str:
    """Container of the intermediate pieces that :func:`join_pieces` turns into ``fmt``."""
    return _PIECE[output_format("x" + fmt)]


def codec_options(fmt: str, preset: str, crf: int | None) -> dict:
    """ffmpeg output options of the pieces (and direct outputs) of format ``fmt``.

    Also what a baseline encoding the same frames should use: :func:`codec_args`.
    """
    if fmt == ".mp4":
        options = dict(vcodec="libx264", preset=preset, crf=23 if crf is None else crf,
                       pix_fmt="yuv420p")
        if preset in _TUNED:
            options["x264-params"] = _TUNED[preset]
        return options
    if fmt == ".webm":
        return {"vcodec": "libvpx-vp9", "crf": 33 if crf is None else crf, "b:v": 0,
                "deadline": "realtime", "cpu-used": 8, "row-mt": 1, "pix_fmt": "yuv420p"}
    return dict(vcodec="libx264rgb", qp=0, preset="ultrafast")  # lossless piece for a GIF


def codec_args(fmt: str, preset: str, crf: int | None) -> list[str]:
    """:func:`codec_options` as ffmpeg command-line words, without the codec (e.g. for FFMpegWriter)."""
    options = codec_options(fmt, preset, crf)
    options.pop("vcodec")
    return [word for key, value in options.items() for word in (f"-{key}", str(value))]


def _no_orphan() -> None:  # pragma: no cover - runs in the forked child
    """Ask Linux to SIGKILL this child when the thread that started it dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _Ffmpeg:
    """One ffmpeg process: stdin for frames (or nothing), stderr drained into a short tail."""

    def __init__(self, stream, feed: bool):
        quiet = ("-loglevel", "error") + (() if feed else ("-nostdin",))
        cmd = stream.global_args(*quiet).overwrite_output().compile(cmd=ffmpeg_exe())
        log.debug("ffmpeg: %s", " ".join(cmd))
        self.tail: collections.deque[str] = collections.deque(maxlen=40)
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE if feed else subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True,
            preexec_fn=_no_orphan if sys.platform.startswith("linux") else None)
        if feed and hasattr(fcntl, "F_SETPIPE_SZ"):  # bigger pipe, fewer switches per frame
            with contextlib.suppress(OSError):
                fcntl.fcntl(self.proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        for line in iter(self.proc.stderr.readline, b""):
            self.tail.append(line.decode(errors="replace").rstrip())

    def error(self, what: str) -> RuntimeError:
        self._drain.join(timeout=5)
        detail = "\n".join(self.tail) or "no message"
        return RuntimeError(f"ffmpeg failed while {what} (exit {self.proc.returncode}): {detail}")

    def finish(self, what: str) -> None:
        """Close stdin, wait, and raise with ffmpeg's message on a non-zero exit."""
        if self.proc.stdin:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise self.error(what)
        self._drain.join(timeout=5)
        if self.proc.stderr:
            self.proc.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stderr):
            if pipe:
                with contextlib.suppress(OSError):
                    pipe.close()


def _run(stream, what: str) -> None:
    """Run one ffmpeg pass to completion; killed if we are interrupted."""
    job = _Ffmpeg(stream, feed=False)
    try:
        job.finish(what)
    except BaseException:
        job.kill()
        raise


class VideoWriter:
    """Encode frames uint8 [height, width, 3] into ``path`` (.mp4, .webm or .gif).

    ``size`` is (width, height); ``channels`` 3 takes RGB frames, 4 RGBX frames
    (the 4th byte ignored; the compositor's fast layout). RGBX frames of an even size
    bound for YUV (MP4, WebM) are converted to I420 here (:mod:`swarm.render.yuv`), only
    the rows ``write`` is told changed, so ffmpeg neither converts nor reads 3.7 MB a
    frame. ``preset``/``crf``
    tune H.264 (and ``crf`` VP9); ``threads`` caps the encoder's threads (one per
    process is cheapest when several encoders already share the cores).
    ``piece=True`` writes an intermediate piece for :func:`join_pieces` instead:
    the same codec settings, no faststart, a lossless piece for GIFs; its format
    is given by ``piece_of`` (an output suffix).
    """

    def __init__(self, path, fps: float = 30, size: tuple[int, int] = (1280, 720), *,
                 preset: str = "veryfast", crf: int | None = None, piece_of: str | None = None,
                 channels: int = 3, threads: int | None = None):
        self.path = Path(path)
        self.format = output_format("x" + piece_of) if piece_of else output_format(self.path)
        self.piece = piece_of is not None
        if not (np.isscalar(fps) and float(fps) > 0):
            raise ValueError(f"`fps` must be a positive number, got {fps!r}")
        width, height = check_size(size, 2)
        check_codec(self.format, preset, crf)
        if channels not in (3, 4):
            raise ValueError(f"`channels` must be 3 (RGB) or 4 (RGBX), got {channels!r}")
        check_writable(self.path)
        self.channels = channels
        self.fps, self.size, self.preset, self.crf = float(fps), (width, height), preset, crf
        yuv = channels == 4 and self.format != ".gif" and not (width % 2 or height % 2)
        self._i420 = I420(width, height) if yuv else None
        self.threads = threads
        self.frames = 0
        self._job: _Ffmpeg | None = None
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> "VideoWriter":
        self._stack = contextlib.ExitStack()
        try:
            direct = self.piece or self.format != ".gif"
            suffix = self.path.suffix if direct else ".mkv"
            self._target = self._stack.enter_context(temporary_beside(self.path, suffix))
            self._job = _Ffmpeg(self._encode_stream(self._target, direct), feed=True)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _encode_stream(self, target: Path, direct: bool):
        width, height = self.size
        pix_fmt = "yuv420p" if self._i420 is not None else "rgb24" if self.channels == 3 else "rgb0"
        stream = ffmpeg.input("pipe:", format="rawvideo", pix_fmt=pix_fmt, s=f"{width}x{height}", r=self.fps)
        options = codec_options(self.format if direct else ".gif", self.preset, self.crf)
        if self.threads:
            options["threads"] = int(self.threads)
        if self.format != ".gif" and (width % 2 or height % 2):
            stream = stream.filter("pad", "ceil(iw/2)*2", "ceil(ih/2)*2")
        if self.format == ".mp4" and not self.piece:
            options["movflags"] = "+faststart"
        return stream.output(str(target), **options)

    def write(self, frame: np.ndarray, rows=None) -> None:
        """Append one frame, uint8 [height, width, channels].

        ``rows``: the (start, stop) row bands where ``frame`` may differ from the frame
        written before it (None: anywhere); only those are converted to I420.
        """
        if self._job is None:
            raise RuntimeError("VideoWriter.write outside its `with` block")
        width, height = self.size
        frame = np.asarray(frame)
        if frame.shape != (height, width, self.channels) or frame.dtype != np.uint8:
            raise ValueError(f"`frame` must be uint8 [{height}, {width}, {self.channels}], got "
                             f"{frame.dtype} {list(frame.shape)}")
        if self._i420 is not None:
            frame = self._i420.convert(frame, rows if self.frames else None)
        try:
            self._job.proc.stdin.write(np.ascontiguousarray(frame).data)
        except (BrokenPipeError, OSError):
            self._job.proc.wait()
            raise self._job.error(f"encoding {self.path.name}") from None
        self.frames += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        job, stack = self._job, self._stack
        self._job = None
        with stack:
            if exc_type is not None:
                job.kill()
                return
            try:
                job.finish(f"encoding {self.path.name}")
                if self.piece or self.format != ".gif":
                    publish(self._target, self.path)
                else:
                    join_pieces([self._target], self.path, self.fps)
            except BaseException:
                job.kill()
                raise


def join_pieces(pieces, path, fps: float) -> Path:
    """Join pieces written with ``VideoWriter(..., piece_of=suffix)`` into ``path`` without re-encoding.

    MP4 and WebM pieces are concatenated stream-copy (``+faststart`` for MP4).
    GIF pieces (lossless) are read twice: once to compute one palette, once to
    apply it. Writes to a temporary name and renames on success.
    """
    path = Path(path)
    fmt = output_format(path)
    check_writable(path)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent))
    try:
        listing = workdir / "pieces.txt"
        quoted = (str(Path(p).resolve()).replace("'", "'\\''") for p in pieces)  # concat's quoting
        listing.write_text("".join(f"file '{q}'\n" for q in quoted))
        source = ffmpeg.input(str(listing.resolve()), format="concat", safe=0)
        with temporary_beside(path, path.suffix) as tmp:
            if fmt == ".gif":
                palette = workdir / "palette.png"
                _run(source.video.filter("palettegen", stats_mode="diff").output(str(palette)),
                     "making the GIF palette")
                used = ffmpeg.filter([source.video, ffmpeg.input(str(palette))], "paletteuse",
                                     dither="bayer", bayer_scale=4, diff_mode="rectangle")
                _run(used.output(str(tmp), r=fps), f"writing {path.name}")
            else:
                options = {"c": "copy"}
                if fmt == ".mp4":
                    options["movflags"] = "+faststart"
                _run(source.output(str(tmp), **options), f"joining pieces into {path.name}")
            publish(tmp, path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return path


def save_png(frame: np.ndarray, path) -> Path:
    """Save a frame uint8 [height, width, 3 or 4] as an RGB PNG, whole or not at all."""
    path = check_png(path)
    with temporary_beside(path, ".png") as tmp:
        Image.fromarray(np.ascontiguousarray(frame[..., :3], dtype=np.uint8)).save(tmp, format="PNG")
        publish(tmp, path)
    return path
