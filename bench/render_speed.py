"""Render speed: our fast path against matplotlib's FuncAnimation, in one process.

1. The line panel, 500 bees x 400 frames at 1280x720: ours (numpy density,
   parallel pieces, workers warmed up as ``animate`` does) against seed 001's way (one Line2D per bee redrawn by
   FuncAnimation, saved through FFMpegWriter). Same frames, same encoder
   settings (libx264, same preset and crf, yuv420p). The baseline is timed on
   its first --baseline-frames frames and scaled to 400 (it is uniform per frame).
2. The full default multi-panel video of the same recording: preparation
   (metrics, layout) and rendering (frames + encoding) timed apart.
3. Dataset swarms (issue 15): the boundary panel of a 500-bee ``moons`` swarm
   (400 frames: vote map + boundary density) against the way a user would draw
   it today, one matplotlib ``contourf`` per bee per frame (each bee's
   predictions on the same grid, faint, stacked), timed on --contourf-frames
   frames and scaled; then ``moons`` (500 bees) and ``digits`` (200 bees,
   width 32, adam lr 0.001, batches of 64, 60 epochs) end to end: train +
   prepare + render + encode of the default video.

    python bench/render_speed.py [--from REC.npz] [--jobs N] [--baseline-frames 40]
                                 [--contourf-frames 2] [--datasets-only | --line-only]

``--line-only`` runs section 1 alone; with ``PYTHONPATH`` pointing at another tree
(a before), the same script measures that tree's renderer.
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.animation import FFMpegWriter, FuncAnimation  # noqa: E402

import swarm  # noqa: E402
from swarm.panels import BoundaryPanel, LinePanel, pick_tracked  # noqa: E402
from swarm.render import Scene, animate, frame_schedule, probe, render, warm_up  # noqa: E402
from swarm.render.writer import codec_args, ffmpeg_exe  # noqa: E402

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
                          extra_args=codec_args(".mp4", PRESET, CRF))
    FuncAnimation(fig, update, frames=frames).save(str(out), writer=writer, dpi=100)
    plt.close(fig)
    return time.perf_counter() - start


def ours_boundary(rec, out: Path, jobs) -> float:
    """Seconds to prepare the boundary panel and render + encode FRAMES frames of it."""
    warm_up(jobs)
    start = time.perf_counter()
    panel = BoundaryPanel(rec)
    render(Scene([panel], (800, 720)), out, frame_schedule([panel], FRAMES), jobs=jobs,
           progress=False, preset=PRESET, crf=CRF)
    return time.perf_counter() - start


def baseline_boundary(rec, out: Path, frames: int) -> float:
    """Seconds for ``frames`` frames drawn the usual way: per bee, its predicted class on a
    64x64 grid (numpy forward pass) drawn with ``contourf`` (alpha 1/bees), FFMpegWriter."""
    from swarm.metrics.decision import plane_grid

    matplotlib.rcParams["animation.ffmpeg_path"] = ffmpeg_exe()
    xs, ys = plane_grid(rec.x, 64)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.stack([gx.ravel(), gy.ravel()], 1)
    w0, b0, w1, b1 = (rec[k] for k in ("layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"))
    fig, ax = plt.subplots(figsize=(8, 7.2), dpi=100)
    writer = FFMpegWriter(fps=30, codec="libx264",
                          extra_args=codec_args(".mp4", PRESET, CRF))
    start = time.perf_counter()
    with writer.saving(fig, str(out), dpi=100):
        for frame in np.linspace(0, rec.num_epochs - 1, frames).astype(int):
            ax.clear()
            for bee in range(rec.num_bees):
                hidden = np.maximum(grid @ w0[bee, frame].T + b0[bee, frame], 0)
                pred = (hidden @ w1[bee, frame].T + b1[bee, frame]).argmax(1).reshape(gx.shape)
                ax.contourf(gx, gy, pred, levels=[-0.5, 0.5, 1.5], colors=["#0072B2", "#E69F00"],
                            alpha=1 / rec.num_bees)
            ax.scatter(rec.x[:, 0], rec.x[:, 1], c=rec.y, s=6, cmap="coolwarm")
            writer.grab_frame()
    return time.perf_counter() - start


def datasets(args) -> None:
    """Section 3: the boundary panel against contourf, and two dataset videos end to end."""
    start = time.perf_counter()
    moons = swarm.train("moons", bees=500, epochs=FRAMES, progress=False)
    print(f"trained moons, 500 bees x {FRAMES} epochs in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = ours_boundary(moons, tmp / "boundary.mp4", args.jobs)
        base = baseline_boundary(moons, tmp / "contourf.mp4", args.contourf_frames)
        scaled = base / args.contourf_frames * FRAMES
        print(f"boundary panel, 500 bees, {FRAMES} frames at 800x720 (prepare + render + encode):")
        print(f"  ours:     {ours:7.1f} s")
        print(f"  contourf: {scaled:7.1f} s (timed on {args.contourf_frames} frames, {base:.1f} s; "
              f"scaled to {FRAMES})")
        print(f"  ratio:    {scaled / ours:7.1f}x")
        runs = {"moons --bees 500": dict(data="moons", bees=500),
                "digits --bees 200 --width 32 --optimizer adam --lr 0.001 --batch-size 64 "
                "--epochs 60": dict(data="digits", bees=200, width=32, optimizer="adam", lr=0.001,
                                    batch_size=64, epochs=60)}
        for name, kwargs in runs.items():
            start = time.perf_counter()
            rec = swarm.train(kwargs.pop("data"), progress=False, **kwargs)
            trained = time.perf_counter() - start
            timings = {}
            animate(rec, tmp / "video.mp4", jobs=args.jobs, progress=False, timings=timings)
            total = time.perf_counter() - start
            print(f"{name}: {total:.1f} s end to end (train {trained:.1f} s, prepare "
                  f"{timings['prepare']:.1f} s, render + encode {timings['render']:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording (500 bees x 400 epochs)")
    parser.add_argument("--jobs", type=int, default=None, help="render processes (default: all cores)")
    parser.add_argument("--baseline-frames", type=int, default=40)
    parser.add_argument("--contourf-frames", type=int, default=2)
    parser.add_argument("--datasets-only", action="store_true", help="section 3 only")
    parser.add_argument("--line-only", action="store_true", help="section 1 only")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    if args.datasets_only:
        datasets(args)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
        return
    rec = recording(args.source)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cpu = cpu_seconds()
        ours_line(rec, tmp / "ours1.mp4", 1)
        ours_cpu = (cpu_seconds() - cpu) / FRAMES
        cpu = cpu_seconds()
        ours = ours_line(rec, tmp / "ours.mp4", args.jobs)
        parallel_cpu = (cpu_seconds() - cpu) / FRAMES
        assert probe(tmp / "ours.mp4")["frames"] == FRAMES
        cpu = cpu_seconds()
        base = baseline_line(rec, tmp / "baseline.mp4", args.baseline_frames)
        base_cpu = (cpu_seconds() - cpu) / args.baseline_frames
        base_fps = args.baseline_frames / base
        print(f"line panel, {rec.num_bees} bees, {FRAMES} frames at {SIZE[0]}x{SIZE[1]}, "
              f"libx264 {' '.join(codec_args('.mp4', PRESET, CRF))}:")
        print(f"  ours:       {FRAMES / ours:7.1f} frames/s ({ours:.1f} s for {FRAMES} frames)")
        print(f"  matplotlib: {base_fps:7.2f} frames/s (timed on {args.baseline_frames} frames, "
              f"{base:.1f} s; {FRAMES / base_fps:.0f} s scaled to {FRAMES})")
        print(f"  ratio:      {FRAMES / ours / base_fps:7.1f}x")
        print(f"  CPU per frame, renderer + ffmpeg, one process each (does not depend on the load): "
              f"ours {ours_cpu * 1e3:.0f} ms, matplotlib {base_cpu * 1e3:.0f} ms, "
              f"ratio {base_cpu / ours_cpu:.1f}x")
        print(f"  CPU per frame of ours in parallel (the frames/s above; workers, their ffmpegs, the join): "
              f"{parallel_cpu * 1e3:.1f} ms")
        if args.line_only:
            print(f"load average at end: {os.getloadavg()[0]:.1f}")
            return
        timings = {}
        animate(rec, tmp / "full.mp4", jobs=args.jobs, progress=False, timings=timings)
        frames = probe(tmp / "full.mp4")["frames"]
        print(f"full default video ({frames} frames): prepare {timings['prepare']:.1f} s, "
              f"render {timings['render']:.1f} s = {frames / timings['render']:.1f} frames/s")
    datasets(args)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
