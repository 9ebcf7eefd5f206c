"""Does every dataset's first command, with no flags, show a swarm learning in 30 s?

For each named dataset this runs ``swarm-animate NAME --quiet --save REC`` exactly as a
user would (a fresh process: imports, data, training, panels, rendering, encoding) and
prints its wall time and CPU time (the process and its render workers), the median
final train and test accuracy over the bees against the goal in
``swarm.datasets._defaults.GOALS``, and where in the video the median train accuracy
gains half its rise (``swarm.render.clock.learning_share``, goal 2% to 60% of the frames).

``gaussians``' goal is relative: train and test accuracy within 0.03 of the best
possible rule's accuracy on the same split. Its two classes are Gaussians of identity
covariance with means ``gap`` = (1, 1/2, ..., 1/12) apart and equal priors, so the Bayes
rule is the plane ``x . gap > 0`` in the raw (unstandardized) features; its accuracy is
measured on the very samples of each split (the data rebuilt with ``standardize=False``:
the split does not depend on it), and the population's is printed beside it:
Phi(|gap| / 2) = Phi(Mahalanobis distance / 2).

Times depend on the machine's load, printed with them. The goal is 30 s on a quiet
2-core machine, so the same run first times the baseline ``swarm-animate moons --epochs
400 --lr 0.01`` (the 1-D defaults moons had before it had its own; 20.5 s end to end
on the quiet machine, README's Speed table) and prints each dataset's time as a ratio
to it and as the quiet seconds that ratio implies (``--no-baseline`` skips it).

A last row times a short run's rendering, ``swarm-animate moons --bees 5 --epochs 5``
(goal: at most 3 s of rendering), against the same run held to the old 10 s of video
(``--duration 10``: 300 frames), with the frame counts.

    python bench/dataset_defaults.py                     # every dataset, full defaults
    python bench/dataset_defaults.py --only moons,digits --keep /tmp/videos
"""
from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import swarm
from swarm import datasets
from swarm.datasets._defaults import GOALS
from swarm.render.clock import (LEARNING_WINDOW, frame_epochs, learning_share,
                                learns_on_screen, num_frames)

SECONDS = 30.0


def gaussians_best() -> dict:
    """The Bayes rule's accuracy on the default gaussians' train and test splits, and the
    population's Phi(|gap| / 2)."""
    raw = datasets.gaussians(standardize=False)
    gap = 1.0 / np.arange(1, raw.num_features + 1)
    split = {name: float(np.mean((x @ gap > 0) == (y == 1)))
             for name, x, y in (("train", raw.x, raw.y), ("test", raw.x_test, raw.y_test))}
    split["population"] = 0.5 * (1.0 + math.erf(np.linalg.norm(gap) / 2 / math.sqrt(2)))
    return split


BASELINE = (["moons", "--epochs", "400", "--lr", "0.01"], 20.5)  # argv, quiet seconds


def run_once(name: str, folder: Path, extra: list[str], stem: str | None = None) -> dict:
    """One ``swarm-animate NAME`` in a fresh process: seconds of wall and CPU time."""
    stem = stem or name
    video, rec = folder / f"{stem}.mp4", folder / f"{stem}.npz"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "swarm.cli", name, "--quiet", "-o", str(video),
                    "--save", str(rec), *extra], check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rec": swarm.load(rec)}


def scores(name: str, rec) -> dict:
    """Median final train/test accuracy over the live bees and the video's learning share."""
    live = rec.live
    train = np.median(rec["accuracy"][live], axis=0)
    test = np.median(rec["test_accuracy"][live], axis=0)
    axis = datasets.training_defaults(name)["time_axis"]
    frames = frame_epochs(rec.epoch, num_frames(rec.num_epochs), axis)
    return {"train": float(train[-1]), "test": float(test[-1]),
            "share": learning_share(train, frames), "axis": axis, "bees": rec.num_bees}


def verdict(name: str, got: dict, best: dict | None) -> tuple[str, bool]:
    """The goal in words and whether it is met."""
    goal = GOALS[name]
    if "below_best" in goal:
        margin = goal["below_best"]
        ok = got["train"] >= best["train"] - margin and abs(got["test"] - best["test"]) <= margin
        return (f"within {margin} of best {best['train']:.3f}/{best['test']:.3f} "
                f"(population {best['population']:.3f})"), ok
    ok = all(got[k] >= v for k, v in goal.items())
    return " ".join(f"{k}>={v}" for k, v in goal.items()), ok


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(GOALS), help="datasets, comma-separated")
    p.add_argument("--keep", metavar="DIR", help="keep the videos and recordings here")
    p.add_argument("--bees", type=int, help="override the bees (accuracy check only)")
    p.add_argument("--no-baseline", action="store_true", help="skip the baseline run")
    args = p.parse_args(argv)
    extra = [] if args.bees is None else ["--bees", str(args.bees)]
    print(f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())}, "
          f"{os.cpu_count()} cores", flush=True)
    low, high = LEARNING_WINDOW
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        base = None
        if not args.no_baseline:
            base = run_once(BASELINE[0][0], folder, BASELINE[0][1:], stem="baseline")["wall"]
            print(f"baseline `swarm-animate {' '.join(BASELINE[0])}`: {base:.1f} s "
                  f"(quiet: {BASELINE[1]} s)", flush=True)
        print(f"{'dataset':12} {'bees':>4} {'wall s':>7} {'cpu s':>6} {'ratio':>5} {'quiet~':>6} "
              f"{'train':>6} {'test':>6} {'half-rise':>9}  goal", flush=True)
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            run = run_once(name, folder, extra)
            got = scores(name, run["rec"])
            goal, ok = verdict(name, got, gaussians_best() if name == "gaussians" else None)
            on_screen = learns_on_screen(got["share"])
            ratio = run["wall"] / base if base else float("nan")
            quiet = ratio * BASELINE[1] if base else run["wall"]
            fast = quiet <= SECONDS
            if not (ok and on_screen and (fast or args.bees)):
                failed.append(name)
            stages = run["rec"].meta.get("wall_time", {})
            print(f"{name:12} {got['bees']:>4} {run['wall']:>7.1f} {run['cpu']:>6.1f} "
                  f"{ratio:>5.2f} {quiet:>6.1f} "
                  f"{got['train']:>6.3f} {got['test']:>6.3f} {got['share']:>8.0%} "
                  f"{got['axis'][:3]}  {goal}: {'met' if ok else 'MISSED'}; half-rise in "
                  f"[{low:.0%}, {high:.0%}): {'yes' if on_screen else 'NO'}; "
                  f"<= {SECONDS:.0f} s: {'yes' if fast else 'no'} (train "
                  f"{stages.get('train', 0):.0f} s, prepare {stages.get('prepare', 0):.0f} s, "
                  f"render {stages.get('render', 0):.0f} s)", flush=True)
        if not args.bees:
            short = run_once("moons", folder, ["--bees", "5", "--epochs", "5"], stem="short")
            held = run_once("moons", folder, ["--bees", "5", "--epochs", "5", "--duration", "10"],
                            stem="short_held")
            ours, old = (r["rec"].meta["wall_time"]["render"] for r in (short, held))
            frames = num_frames(5)
            print(f"5 bees x 5 epochs: rendering {ours:.1f} s ({frames} frames) against {old:.1f} s "
                  f"(300 frames, --duration 10): {old / ours:.1f}x less; end to end {short['wall']:.1f}"
                  f" s against {held['wall']:.1f} s", flush=True)
    print(f"load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print("all goals met" if not failed else f"not met: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
