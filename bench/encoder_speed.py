"""The encoder's settings: x264's plain ``veryfast`` against our tuned default, on our own frames.

Paints --frames consecutive frames (from frame 100 on) of ``swarm-animate sin --bees 500``'s
video, the line panel alone and the default four panels, into raw RGBX files, then encodes
each with both settings (one x264 thread, as each render worker's encoder runs) and prints
the encoder's CPU per frame (ffmpeg's user + system time, RGB -> YUV conversion included),
the file size and the SSIM against the painted frames, with the ratios.

    python bench/encoder_speed.py [--frames 200]
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import tempfile
from pathlib import Path

import swarm
from swarm.animation import default_panels, get_panel
from swarm.panels import pick_tracked
from swarm.render import Scene, frame_schedule, render_frame
from swarm.render.writer import codec_args, ffmpeg_exe

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


def raw_input(path: Path) -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", "30",
            "-i", str(path)]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def encode(raw: Path, args: list[str], out: Path) -> float:
    """CPU seconds of one ffmpeg encoding ``raw`` with ``args`` on one x264 thread."""
    before = children_cpu()
    subprocess.run([ffmpeg_exe(), "-v", "error", *raw_input(raw), "-c:v", "libx264", *args,
                    "-threads", "1", "-y", str(out)], check=True)
    return children_cpu() - before


def ssim(raw: Path, video: Path) -> float:
    """SSIM (all planes) of ``video`` against the raw frames, both in yuv420p."""
    text = subprocess.run([ffmpeg_exe(), "-hide_banner", *raw_input(raw), "-i", str(video),
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
          f"tuned: {' '.join(TUNED)}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, names in videos.items():
            raw = tmp / "frames.rgb"  # render_frame's RGB: what ffmpeg's rgb24 reads
            scene_panels = [get_panel(n)(rec, tracked=tracked) for n in names]
            paint(scene_panels, raw, args.frames)
            result = {}
            for name, codec in (("plain", PLAIN), ("tuned", TUNED)):
                out = tmp / f"{name}.mp4"
                cpu = encode(raw, codec, out)
                result[name] = (cpu / args.frames * 1e3, out.stat().st_size, ssim(raw, out))
            (pc, ps, pq), (tc, ts, tq) = result["plain"], result["tuned"]
            print(f"{label:14s} CPU ms/frame plain {pc:5.2f} tuned {tc:5.2f} ({pc / tc:.2f}x less)  "
                  f"size {ps / 1e6:.2f} -> {ts / 1e6:.2f} MB ({ts / ps:.2f}x)  SSIM {pq:.4f} -> {tq:.4f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
