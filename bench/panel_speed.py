"""How long does each panel take to prepare, against the training it shows?

The run of issue 13: ``swarm-animate sin --depth 6 --width 32 --epochs 300
--bees 200`` (training 9.7 s, preparing the panels 106.6 s there). Trains the
swarm (or loads ``--from``), then builds each default panel as ``animate`` does
(every recorded epoch shown) and prints its wall and CPU seconds (user + sys:
a large sys share means giant temporaries or threads fighting for cores) and
the ratio of all panels to training. The goal: preparing takes no longer than
training, and never more than 15 s.

    python bench/panel_speed.py [--from REC.npz] [--bees 200] [--epochs 300] [--depth 6] [--width 32]
"""
from __future__ import annotations

import argparse
import os
import time

import swarm
from swarm.panels import PANELS, pick_tracked
from swarm.animation import default_panels


def timed(fn):
    """(result, wall seconds, user seconds, sys seconds) of ``fn()``."""
    before, start = os.times(), time.perf_counter()
    out = fn()
    wall, after = time.perf_counter() - start, os.times()
    return out, wall, after.user - before.user, after.system - before.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording instead of training")
    parser.add_argument("--bees", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--save", help="also save the trained recording here")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    if args.source:
        rec = swarm.load(args.source)
        train = float(rec.meta.get("wall_time", {}).get("train", float("nan")))
        print(f"loaded {rec!r}; it trained in {train:.1f} s")
    else:
        rec, train, user, system = timed(lambda: swarm.train(
            "sin", bees=args.bees, epochs=args.epochs, depth=args.depth, width=args.width,
            progress=False))
        print(f"trained {rec!r} in {train:.1f} s (user {user:.1f} s, sys {system:.1f} s)")
        if args.save:
            rec.save(args.save)
    tracked = pick_tracked(rec)
    total = 0.0
    for name in default_panels(rec):
        _, wall, user, system = timed(lambda: PANELS[name](rec, tracked=tracked))
        total += wall
        print(f"  {name:12s} {wall:6.2f} s  (user {user:6.2f} s, sys {system:5.2f} s)")
    print(f"all panels   {total:6.2f} s = {total / train:.2f} x training ({train:.1f} s); "
          f"goal: at most 1 x and 15 s")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
