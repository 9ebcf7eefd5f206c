"""How much faster is a batched hive than training its swarms one after another?

The hive sweeps SGD's lr x momentum (4 x 3 = 12 swarms) of seed 001's network
(1 -> 20 -> 1 ReLU on sin, 101 points), 100 bees per swarm, 300 epochs, full
recording. The baseline is ``swarm.train`` once per swarm, one after another;
ours is ``swarm.hive.hive``, which trains the 12 swarms as one swarm of 1200
bees with per-bee lr and momentum and cuts it back into 12 Recordings. Both run
in this process, alternating, best of the repeats (the machine is noisy). For
scale it also times the seed toolkit's way, ``core.hive_trainer`` with a
one-bee torch loop, on a few bees per swarm, scaled to 100.

    python bench/hive_speed.py               # CPU
    python bench/hive_speed.py --device cuda
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from swarm import core, regimes
from swarm.engine import train
from swarm.hive import hive

SWEEP = {"lr": [0.001, 0.002, 0.005, 0.01], "momentum": [0.0, 0.5, 0.9]}
SPEC = {"target": "sin", "width": 20, "depth": 1, "points": 101, "seed": 20, "progress": False}


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def one_after_another(bees: int, epochs: int, device: str):
    start = time.perf_counter()
    recs = [train(bees=bees, epochs=epochs, device=device, **SPEC, **p)
            for p in core.make_sweep_paramsets({}, **SWEEP)]
    _sync(device)
    return time.perf_counter() - start, recs


def batched(bees: int, epochs: int, device: str):
    start = time.perf_counter()
    out = hive(SWEEP, bees=bees, epochs=epochs, device=device, **SPEC)
    _sync(device)
    return time.perf_counter() - start, [rec for _, rec in out]


def toolkit_seconds(bees: int, epochs: int) -> float:
    """The seed toolkit's hive: hive_trainer over a one-bee torch loop (CPU, sequential)."""
    xt = torch.linspace(-3 * np.pi, 3 * np.pi, 101)
    sets = core.make_sweep_paramsets({"hidden": 1, "width": 20, "num_epochs": epochs}, **SWEEP)
    bee = regimes.make_bee(regimes.default_train, xt, torch.sin(xt))
    start = time.perf_counter()
    core.hive_trainer(bee, sets, num_bees=bees, seed=20, fields="ypred,loss", progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--bees", type=int, default=100, help="bees per swarm (default 100)")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--toolkit-bees", type=int, default=2,
                        help="bees per swarm timed for the toolkit loop, scaled (0: skip)")
    args = parser.parse_args()
    swarms = len(core.make_sweep_paramsets({}, **SWEEP))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}; "
          f"{swarms} swarms x {args.bees} bees x {args.epochs} epochs")
    batched(10, 5, args.device)  # warm-up
    seq, ours = [], []
    for _ in range(args.repeats):
        seconds, reference = one_after_another(args.bees, args.epochs, args.device)
        seq.append(seconds)
        seconds, recs = batched(args.bees, args.epochs, args.device)
        ours.append(seconds)
    gap = max(float(np.abs(a["ypred"] - b["ypred"]).max()) for a, b in zip(reference, recs))
    diverged = sum(int(r.diverged.sum()) for r in recs)
    s, o = min(seq), min(ours)
    print(f"swarm.train per swarm, one after another: {s:7.2f} s")
    print(f"swarm.hive.hive (one engine call):        {o:7.2f} s")
    print(f"ratio (one after another / batched hive): {s / o:7.2f}x")
    print(f"max |ypred difference| between the two:   {gap:.2e} (float32 rounding of per-bee lr); "
          f"{diverged} bees diverged")
    if args.toolkit_bees:
        t = toolkit_seconds(args.toolkit_bees, args.epochs) * args.bees / args.toolkit_bees
        print(f"seed toolkit hive_trainer, one-bee loop:  {t:7.2f} s (timed {args.toolkit_bees} "
              f"bees per swarm, scaled); ratio to batched hive {t / o:.1f}x")


if __name__ == "__main__":
    main()
