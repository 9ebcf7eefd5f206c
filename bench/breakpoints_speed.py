"""How much faster is the exact breakpoint histogram than at a given commit, on the same recording?

The baseline is ``swarm/metrics/breakpoints.py`` as it was at ``--baseline`` (a git
ref, default ``main``), loaded from git into this process beside ours; both compute
``breakpoint_histogram(rec, bins)`` over the chosen epochs, timed wall and CPU (user +
sys of every thread), and the counts are compared (they must be equal: both walks
are exact). The recording is ``--from REC.npz`` or, without it, the 500 x 400 depth-3
sin swarm of ``bench/metrics_speed.py``. Ours also runs on one core (``map_cores``
with one worker) to show what the threads add. ``uptime``'s load is printed.

    python bench/breakpoints_speed.py [--from REC.npz] [--every 5] [--bins 100]
    python bench/breakpoints_speed.py            # trains the metrics_speed swarm (~5 s)
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import swarm._threads as threads
from swarm import metrics
from _bench import recording, timed  # bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "swarm/metrics/breakpoints.py"


def baseline_module(ref: str):
    """``MODULE`` as it was at git ``ref``, imported under another name (its own imports
    resolve to this tree's modules)."""
    source = subprocess.run(["git", "show", f"{ref}:{MODULE}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "breakpoints_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("breakpoints_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording (default: train one)")
    parser.add_argument("--baseline", default="main", help="git ref of the baseline (default main)")
    parser.add_argument("--every", type=int, default=1, help="every n-th recorded epoch")
    parser.add_argument("--bins", type=int, default=100)
    args = parser.parse_args()
    print(f"cores: {threads.cores()}, load average at start: {os.getloadavg()[0]:.1f}")
    rec = recording(args.source)
    epochs = slice(None, None, args.every)
    print(f"{rec!r}, every {args.every} epoch(s), {args.bins} bins")
    old = baseline_module(args.baseline)
    runs = [(f"baseline ({args.baseline})",
             lambda: old.breakpoint_histogram(rec, args.bins, epochs)),
            ("ours", lambda: metrics.breakpoint_histogram(rec, args.bins, epochs))]
    results = {}
    for name, run in runs:
        (counts, _), wall, cpu = timed(run)
        results[name] = counts, wall
        print(f"  {name:18s} {wall:7.2f} s  (CPU {cpu:6.2f} s)")
    cores = threads.cores
    threads.cores = lambda: 1  # map_cores with one worker: what the threads add
    try:
        (counts, _), wall, cpu = timed(runs[1][1])
    finally:
        threads.cores = cores
    print(f"  {'ours, one core':18s} {wall:7.2f} s  (CPU {cpu:6.2f} s)")
    (base, base_wall), (ours, ours_wall) = results.values()
    same = np.array_equal(base, ours) and np.array_equal(ours, counts)
    print(f"ratio baseline / ours: {base_wall / ours_wall:.2f}x; counts equal: {same}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
