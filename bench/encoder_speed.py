"""The encoder's input and settings, on our own frames: what x264 costs a frame, how big and how good.

Paints --frames consecutive frames (from frame 100 on) of ``swarm-animate sin --bees 500``'s
video, the line panel alone and the default four panels, into raw files, then encodes each
three ways (one x264 thread, as each render worker's encoder runs) and prints the CPU per
frame, the file size and the SSIM against the painted frames:

- plain: RGB through ffmpeg's swscale into x264's plain ``veryfast``;
- tuned: the same input, our tuned default (superfast's motion search);
- I420: the tuned settings on I420 frames that ``swarm.render.yuv`` converted (what
  swarm hands ffmpeg now): its CPU is ffmpeg's plus the conversion's, here of whole
  frames (the renderer converts only the rows its panels painted: ~56% of them on the line panel).

The last column is the SSIM of the I420 encode against the tuned one (today's picture
before the I420 input).

    python bench/encoder_speed.py [--frames 200]
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import swarm
from swarm.animation import default_panels, get_panel
from swarm.panels import pick_tracked
from swarm.render import Scene, frame_schedule, render_frame
from swarm.render.writer import codec_args, ffmpeg_exe
from swarm.render.yuv import I420

SIZE = (1280, 720)
PLAIN = ["-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]  # before the tuning
TUNED = codec_args(".mp4", "veryfast", None)  # what swarm writes now


def paint(panels, path: Path, frames: int) -> None:
    """Write frames 100 .. 100 + frames of the 400-frame video of ``panels`` as raw RGBX."""
    scene = Scene(panels, SIZE)
    schedule = frame_schedule(panels, 400)
    with open(path, "wb") as fh:
        for index in schedule[100:100 + frames]:
            fh.write(render_frame(scene, index).tobytes())


def to_i420(raw: Path, out: Path) -> float:
    """Convert the RGB frames in ``raw`` to I420 in ``out``; CPU seconds of the conversions alone."""
    width, height = SIZE
    converter, rgbx = I420(width, height), np.zeros((height, width, 4), np.uint8)
    spent = 0.0
    with open(raw, "rb") as src, open(out, "wb") as dst:
        while chunk := src.read(width * height * 3):
            rgbx[..., :3] = np.frombuffer(chunk, np.uint8).reshape(height, width, 3)
            start = time.process_time()
            frame = converter.convert(rgbx)
            spent += time.process_time() - start
            dst.write(frame.data)
    return spent


def raw_input(path: Path, pix_fmt: str = "rgb24") -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", "30",
            "-i", str(path)]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def encode(raw: Path, args: list[str], out: Path, pix_fmt: str = "rgb24") -> float:
    """CPU seconds of one ffmpeg encoding ``raw`` with ``args`` on one x264 thread."""
    before = children_cpu()
    subprocess.run([ffmpeg_exe(), "-v", "error", *raw_input(raw, pix_fmt), "-c:v", "libx264", *args,
                    "-threads", "1", "-y", str(out)], check=True)
    return children_cpu() - before


def ssim(reference: list[str], video: Path) -> float:
    """SSIM (all planes) of ``video`` against the ``reference`` input (ffmpeg words), in yuv420p."""
    text = subprocess.run([ffmpeg_exe(), "-hide_banner", *reference, "-i", str(video),
                           "-lavfi", "[0:v]format=yuv420p[a];[a][1:v]ssim", "-f", "null", "-"],
                          capture_output=True, text=True, check=True).stderr
    return float(re.search(r"All:([0-9.]+)", text).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    rec = swarm.train("sin", bees=500, epochs=400, progress=False, seed=0)
    tracked = pick_tracked(rec)
    videos = {"line panel": ["line"], "default video": default_panels(rec)}
    print(f"x264, one thread, {args.frames} frames at {SIZE[0]}x{SIZE[1]}; plain: {' '.join(PLAIN)}; "
          f"tuned: {' '.join(TUNED)}; CPU ms/frame, size MB, SSIM against the painted frames")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, names in videos.items():
            raw = tmp / "frames.rgb"  # render_frame's RGB: what ffmpeg's rgb24 reads
            scene_panels = [get_panel(n)(rec, tracked=tracked) for n in names]
            paint(scene_panels, raw, args.frames)
            converted = to_i420(raw, tmp / "frames.yuv")
            result = {}
            for name, codec, source, pix_fmt in (("plain", PLAIN, raw, "rgb24"), ("tuned", TUNED, raw, "rgb24"),
                                                 ("I420", TUNED, tmp / "frames.yuv", "yuv420p")):
                out = tmp / f"{name}.mp4"
                cpu = encode(source, codec, out, pix_fmt) + (converted if name == "I420" else 0.0)
                result[name] = (cpu / args.frames * 1e3, out.stat().st_size / 1e6, ssim(raw_input(raw), out))
            against = ssim(["-i", str(tmp / "tuned.mp4")], tmp / "I420.mp4")
            print(f"{label}:")
            for name, (cpu, size, quality) in result.items():
                print(f"  {name:6s} {cpu:5.2f} ms  {size:.3f} MB  SSIM {quality:.4f}")
            (pc, ps, _), (tc, ts, _), (yc, ys, _) = result.values()
            print(f"  tuned: {pc / tc:.2f}x less CPU than plain, {ts / ps:.2f}x the size; I420: "
                  f"{tc / yc:.2f}x less than tuned (conversion {converted / args.frames * 1e3:.2f} ms of it), "
                  f"{ys / ts:.2f}x the size, SSIM {against:.4f} against the tuned encode")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
