"""How long does each panel take to prepare, against the training it shows?

The run of issue 13: ``swarm-animate sin --depth 6 --width 32 --epochs 300
--bees 200`` (training 9.7 s, preparing the panels 106.6 s there). Trains the
swarm (or loads ``--from``), then builds each default panel as ``animate`` does
(every recorded epoch shown) and prints its wall and CPU seconds (user + sys:
a large sys share means giant temporaries or threads fighting for cores) and
the ratio of all panels to training. The goal (issue 23): preparing takes no
longer than training, and never more than 15 s.

``--baseline TREE`` times another checkout's panels too (its ``swarm`` first on
PYTHONPATH, e.g. a detached checkout of main), each tree in a fresh process
(imports and compiled-code caches counted), baseline first, on the same
recording, and prints the ratio per panel.

    python bench/panel_speed.py [--from REC.npz] [--bees 200] [--epochs 300] [--depth 6] [--width 32]
    python bench/panel_speed.py --from /work/tmp/deep.npz --baseline /work/wt/s4before
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import swarm
from swarm.panels import PANELS, pick_tracked
from swarm.animation import default_panels
from _bench import compiled_code_on_disk  # bench/ is on the path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn):
    """(result, wall seconds, user seconds, sys seconds) of ``fn()``."""
    before, start = os.times(), time.perf_counter()
    out = fn()
    wall, after = time.perf_counter() - start, os.times()
    return out, wall, after.user - before.user, after.system - before.system


def panel_times(rec) -> dict[str, tuple[float, float, float]]:
    """{panel: (wall, user, sys)} of building each default panel of ``rec`` in turn."""
    tracked = pick_tracked(rec)
    times = {}
    for name in default_panels(rec):
        _, wall, user, system = timed(lambda: PANELS[name](rec, tracked=tracked))
        times[name] = (wall, user, system)
    return times


def compare(args) -> None:
    """Each tree's panels in a fresh process (``--json``), baseline first; the table."""
    got = {}
    for label, tree in (("baseline", args.baseline), ("ours", str(ROOT))):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "times.json"
            env = dict(os.environ, PYTHONPATH=tree)
            subprocess.run([sys.executable, __file__, "--from", args.source, "--json", str(out)],
                           env=env, check=True)
            got[label] = json.loads(out.read_text())
    base, ours = got["baseline"], got["ours"]
    print(f"\n{'panel':12s} {'baseline wall (CPU)':>22s} {'ours wall (CPU)':>20s}  ratio")
    for name in ours["panels"]:
        bw, bu, bs = base["panels"].get(name, (float("nan"),) * 3)
        ow, ou, os_ = ours["panels"][name]
        print(f"{name:12s} {bw:8.2f} s ({bu + bs:6.2f} s) {ow:8.2f} s ({ou + os_:6.2f} s)  "
              f"{bw / ow if ow else float('nan'):5.2f}x")
    bt = sum(v[0] for v in base["panels"].values())
    ot = sum(v[0] for v in ours["panels"].values())
    print(f"{'all panels':12s} {bt:8.2f} s {'':9s}{ot:8.2f} s {'':9s} {bt / ot:5.2f}x; "
          f"training {ours['train']:.1f} s; goal: at most 1 x training and 15 s")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording instead of training")
    parser.add_argument("--bees", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--save", help="also save the trained recording here")
    parser.add_argument("--baseline", metavar="TREE",
                        help="also time this checkout's panels (needs --from), then compare")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # the timings, for --baseline
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    if not args.json:
        print(f"numba's compiled code on disk in {compiled_code_on_disk():.1f} s (a child process; "
              f"a machine's first run compiles, ~12 s once; loading it stays counted below)")
    if args.baseline:
        if not args.source:
            parser.error("--baseline needs --from REC.npz (both trees time the same recording)")
        compare(args)
        return
    print(f"swarm from {Path(swarm.__file__).parent.parent}")
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
    times = panel_times(rec)
    for name, (wall, user, system) in times.items():
        print(f"  {name:12s} {wall:6.2f} s  (user {user:6.2f} s, sys {system:5.2f} s)")
    total = sum(wall for wall, _, _ in times.values())
    print(f"all panels   {total:6.2f} s = {total / train:.2f} x training ({train:.1f} s); "
          f"goal: at most 1 x and 15 s")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"panels": times, "train": train}))


if __name__ == "__main__":
    main()
