"""Render speed: our fast path against matplotlib's FuncAnimation, in one process.

1. The line panel, 500 bees x 400 frames at 1280x720: ours (numpy density,
   parallel pieces, workers warmed up as ``animate`` does) against seed 001's way (one Line2D per bee redrawn by
   FuncAnimation, saved through FFMpegWriter). Same frames, same encoder
   settings (libx264, same preset and crf, yuv420p). The baseline is timed on
   its first --baseline-frames frames and scaled to 400 (it is uniform per frame).
2. The full default multi-panel video of the same recording: preparation
   (metrics, layout) and rendering (frames + encoding) timed apart.

    python bench/render_speed.py [--from REC.npz] [--jobs N] [--baseline-frames 40]
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FFMpegWriter, FuncAnimation  # noqa: E402

import swarm  # noqa: E402
from swarm.panels import LinePanel, pick_tracked  # noqa: E402
from swarm.render import Scene, animate, frame_schedule, probe, render, warm_up  # noqa: E402
from swarm.render.writer import ffmpeg_exe  # noqa: E402

SIZE = (1280, 720)
FRAMES = 400
PRESET, CRF = "veryfast", 23


def recording(path: str | None):
    if path:
        return swarm.load(path)
    start = time.perf_counter()
    rec = swarm.train("sin", bees=500, epochs=FRAMES, progress=False)
    print(f"trained 500 bees x {FRAMES} epochs in {time.perf_counter() - start:.1f} s")
    return rec


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (ffmpeg)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ours_line(rec, out: Path, jobs) -> float:
    """Seconds to render and encode the line panel, FRAMES frames (workers warmed as animate does)."""
    warm_up(jobs)
    start = time.perf_counter()
    panel = LinePanel(rec, tracked=pick_tracked(rec))
    scene = Scene([panel], SIZE)
    render(scene, out, frame_schedule([panel], FRAMES), jobs=jobs, progress=False, preset=PRESET, crf=CRF)
    return time.perf_counter() - start


def baseline_line(rec, out: Path, frames: int) -> float:
    """Seconds for seed 001's way: one Line2D per bee, FuncAnimation, FFMpegWriter."""
    matplotlib.rcParams["animation.ffmpeg_path"] = ffmpeg_exe()
    ypred, x = rec["ypred"], rec.x
    start = time.perf_counter()
    fig, ax = plt.subplots(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    ax.plot(x, rec.y, color="black")
    lines = [ax.plot(x, ypred[b, 0])[0] for b in range(ypred.shape[0])]
    ax.set_ylim(-2, 2)

    def update(frame):
        for line, y in zip(lines, ypred[:, frame]):
            line.set_ydata(y)
        return lines

    writer = FFMpegWriter(fps=30, codec="libx264",
                          extra_args=["-preset", PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p"])
    FuncAnimation(fig, update, frames=frames).save(str(out), writer=writer, dpi=100)
    plt.close(fig)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording (500 bees x 400 epochs)")
    parser.add_argument("--jobs", type=int, default=None, help="render processes (default: all cores)")
    parser.add_argument("--baseline-frames", type=int, default=40)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    rec = recording(args.source)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cpu = cpu_seconds()
        ours_line(rec, tmp / "ours1.mp4", 1)
        ours_cpu = (cpu_seconds() - cpu) / FRAMES
        ours = ours_line(rec, tmp / "ours.mp4", args.jobs)
        assert probe(tmp / "ours.mp4")["frames"] == FRAMES
        cpu = cpu_seconds()
        base = baseline_line(rec, tmp / "baseline.mp4", args.baseline_frames)
        base_cpu = (cpu_seconds() - cpu) / args.baseline_frames
        base_fps = args.baseline_frames / base
        print(f"line panel, {rec.num_bees} bees, {FRAMES} frames at {SIZE[0]}x{SIZE[1]}, "
              f"libx264 -preset {PRESET} -crf {CRF}:")
        print(f"  ours:       {FRAMES / ours:7.1f} frames/s ({ours:.1f} s for {FRAMES} frames)")
        print(f"  matplotlib: {base_fps:7.2f} frames/s (timed on {args.baseline_frames} frames, "
              f"{base:.1f} s; {FRAMES / base_fps:.0f} s scaled to {FRAMES})")
        print(f"  ratio:      {FRAMES / ours / base_fps:7.1f}x")
        print(f"  CPU per frame, renderer + ffmpeg, one process each (does not depend on the load): "
              f"ours {ours_cpu * 1e3:.0f} ms, matplotlib {base_cpu * 1e3:.0f} ms, "
              f"ratio {base_cpu / ours_cpu:.1f}x")
        timings = {}
        animate(rec, tmp / "full.mp4", jobs=args.jobs, progress=False, timings=timings)
        frames = probe(tmp / "full.mp4")["frames"]
        print(f"full default video ({frames} frames): prepare {timings['prepare']:.1f} s, "
              f"render {timings['render']:.1f} s = {frames / timings['render']:.1f} frames/s")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
