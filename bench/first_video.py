"""The first video: ``swarm-animate sin --bees 500`` end to end, this tree against a before.

Each run is the command in a fresh Python process (as a user types it), in a
temporary folder, with ``PYTHONPATH`` pointing at the tree under test; a small
driver marks when the command reaches each stage, so the wall time splits into
start-up and imports (until training starts), training (where the tree trains in a
forked child, as ``swarm-animate`` does now, the parent's imports of matplotlib and the
panels run meanwhile and count here), preparing the panels,
rendering + encoding (the render workers paint frames while their ffmpegs
encode them) and the rest (the summary and the process's exit). CPU seconds
are the whole process tree's (workers and ffmpeg included). Runs alternate
(before, ours, before, ours, ...) so both see the same load; the median of
``--rounds`` is printed, with the ratio. Then, in this process, where one frame's
CPU goes: each panel's painting and x264 (same settings as the video: veryfast,
crf 23, yuv420p, one thread), for both trees.

    git worktree add ../before REF    # the before, once
    python bench/first_video.py --before ../before [--rounds 3] [--frames 100] [--as-if-idle]

``swarm-animate`` forks its training only where a core is idle (the 1-minute load
average leaves one): on a busy machine the bench measures the in-process path;
``--as-if-idle`` makes ours fork anyway, to see what the fork does under that load.
"x264's input" is this process's CPU feeding the encoder: the pipe, and where the tree
converts frames to I420 itself (since issue 23's rendering work), the conversion, here of
whole frames (the renderer converts only the rows its panels painted); ffmpeg's own CPU
(swscale's conversion where it does it) is in "x264".
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OURS = Path(__file__).resolve().parents[1]
COMMAND = ["sin", "--bees", "500"]
STAGES = ("start-up + imports", "training", "preparing", "rendering + encoding", "summary + exit")

# Runs the command in the child as the tree's console script does (``command`` where the
# tree has one, else ``sys.exit(main())``), writing its time.time() marks as JSON to the
# pipe whose file descriptor SWARM_BENCH_MARKS names once rendering is done.
_DRIVER = r"""
import json, os, sys, time
marks = {"start": time.time()}
sys.argv = ["swarm-animate"] + sys.argv[1:]
import swarm, swarm.cli
def send():
    with os.fdopen(int(os.environ["SWARM_BENCH_MARKS"]), "w") as out:
        out.write(json.dumps(marks))
def mark(module, name, before, after, then=None):
    f = getattr(module, name)
    def wrapped(*a, **k):
        marks.setdefault(before, time.time())
        try:
            return f(*a, **k)
        finally:
            marks[after] = time.time()
            if then:
                then()
    setattr(module, name, wrapped)
def mark_render():  # swarm.animation imported only now where the tree imports it while training
    import swarm.animation as an
    mark(an, "render", "render", "rendered", then=send)  # the rest is timed by the parent
if hasattr(swarm.cli, "_train"):  # trains in a forked child while the parent imports the panels
    if os.environ.get("SWARM_BENCH_IDLE"):  # as where a core is idle: the load does not gate it
        import swarm._cores
        swarm._cores.idle_cores = lambda since=None: float(swarm._cores.cores())
    train = swarm.cli._train
    def noted(spec, fork=False, *a, **k):
        marks["forked"] = bool(fork)
        return train(spec, fork, *a, **k)
    swarm.cli._train = noted
    mark(swarm.cli, "_train", "train", "trained", then=mark_render)
else:
    mark(swarm, "train", "train", "trained")
    mark_render()
if hasattr(swarm.cli, "command"):  # the tree's own entry point, as its console script runs it
    swarm.cli.command()
sys.exit(swarm.cli.main())
"""


def run_once(tree: Path, folder: Path, idle: bool = False) -> dict:
    """One fresh-process run of the command with ``tree`` first on the path: stage seconds.

    ``idle``: the tree forks its training as it does when a core is idle, whatever the load.
    """
    read, write = os.pipe()
    env = dict(os.environ, PYTHONPATH=str(tree), SWARM_BENCH_MARKS=str(write))
    env.pop("SWARM_BENCH_IDLE", None)
    if idle:
        env["SWARM_BENCH_IDLE"] = "1"
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-c", _DRIVER, *COMMAND], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(write,))
    os.close(write)
    with os.fdopen(read) as fh:
        marks = json.loads(fh.read() or "{}")
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.time()
    summary = proc.stdout.read().decode()
    proc.stdout.close()
    if status != 0 or "render" not in marks:
        raise SystemExit(f"{tree}: the command failed (status {status}):\n{summary}")
    points = [start, marks["train"], marks["trained"], marks["render"], marks["rendered"], end]
    out = {name: b - a for name, a, b in zip(STAGES, points, points[1:])}
    out["total"] = end - start
    out["cpu"] = usage.ru_utime + usage.ru_stime
    out["summary"] = summary
    out["forked"] = marks.get("forked", False)
    return out


def frame_costs(tree: Path, frames: int) -> dict:
    """CPU ms per frame of each panel's painting and of x264, measured in a fresh process."""
    code = r"""
import json, sys, time, resource, tempfile
import numpy as np
import swarm
from swarm.animation import choose_panels, _prepare
from swarm.panels import pick_tracked
from swarm.render.clock import frame_epochs, num_frames
from swarm.render.writer import VideoWriter
rec = swarm.train("sin", bees=500, progress=False)
names = choose_panels(rec)
epochs = frame_epochs(rec.epoch, num_frames(rec.num_epochs, 30, None), "linear")
scene, schedule = _prepare(rec, names, epochs, pick_tracked(rec, 4), (1280, 720), None)
schedule = schedule[np.linspace(0, len(schedule) - 1, int(sys.argv[1])).astype(int)]
canvases = scene.canvases()
cost = dict.fromkeys(names, 0.0)
frame = np.empty_like(scene.background)
shown = []
for index in schedule:
    np.copyto(frame, scene.background)
    for name, panel, canvas, i in zip(names, scene.panels, canvases, index):
        t = time.process_time()
        for pane in canvas.panes:
            pane.begin(frame)
        panel.draw(canvas, int(i))
        for pane in canvas.panes:
            pane.end()
        cost[name] += time.process_time() - t
    shown.append(frame.copy())
def children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime
with tempfile.TemporaryDirectory() as tmp:
    before, own = children(), time.process_time()
    with VideoWriter(tmp + "/x.mp4", 30, scene.size, channels=4, preset="veryfast", threads=1) as w:
        for f in shown:
            w.write(f)
    x264, feed = children() - before, time.process_time() - own
out = {k: 1e3 * v / len(schedule) for k, v in cost.items()}
out["x264 (1 thread)"] = 1e3 * x264 / len(schedule)
out["x264's input (pipe)"] = 1e3 * feed / len(schedule)
print(json.dumps(out))
"""
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryDirectory() as folder:  # `python -c` puts the folder it runs in first
        done = subprocess.run([sys.executable, "-c", code, str(frames)], env=env, cwd=folder,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True,
                        help="a checkout of the code to compare with (git worktree add PATH REF)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--frames", type=int, default=100, help="frames for the per-frame costs")
    parser.add_argument("--as-if-idle", action="store_true",
                        help="ours trains in a forked child as where a core is idle, whatever "
                             "the load (swarm-animate forks only then)")
    args = parser.parse_args()
    trees = {"before": Path(args.before).resolve(), "ours": OURS}
    print(f"`swarm-animate {' '.join(COMMAND)}`, fresh process each run; cores: {os.cpu_count()}, "
          f"load average at start: {os.getloadavg()[0]:.1f}")
    runs: dict[str, list[dict]] = {k: [] for k in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for name, tree in trees.items():
                folder = Path(tmp) / name
                folder.mkdir(exist_ok=True)
                runs[name].append(run_once(tree, folder, idle=args.as_if_idle and name == "ours"))
    median = {k: {s: statistics.median(r[s] for r in v) for s in (*STAGES, "total", "cpu")}
              for k, v in runs.items()}
    print(f"median of {args.rounds} rounds, wall seconds:")
    print(f"  {'stage':<22}{'before':>9}{'ours':>9}")
    for stage in (*STAGES, "total", "cpu"):
        label = "CPU (whole tree)" if stage == "cpu" else stage
        print(f"  {label:<22}{median['before'][stage]:9.2f}{median['ours'][stage]:9.2f}")
    print(f"  end to end: {median['before']['total'] / median['ours']['total']:.2f}x "
          f"({median['before']['total']:.1f} s -> {median['ours']['total']:.1f} s); every round: "
          + ", ".join(f"{b['total']:.1f}->{o['total']:.1f}" for b, o in zip(runs['before'], runs['ours'])))
    forked = sum(r["forked"] for r in runs["ours"])
    print(f"ours trained in a forked child in {forked} of {args.rounds} rounds (it forks where a "
          f"core is idle{'; --as-if-idle' if args.as_if_idle else ''})")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f}")
    costs = {k: frame_costs(t, args.frames) for k, t in trees.items()}
    print(f"CPU ms per frame ({args.frames} frames spread over the video; does not depend on the load):")
    for part in costs["before"]:
        print(f"  {part:<22}{costs['before'][part]:9.2f}{costs['ours'].get(part, float('nan')):9.2f}")
    paint = {k: sum(v for p, v in c.items() if not p.startswith("x264")) for k, c in costs.items()}
    print(f"  {'painting, all panels':<22}{paint['before']:9.2f}{paint['ours']:9.2f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
