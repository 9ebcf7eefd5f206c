"""How much faster is the batched engine than seed 001's one-bee-at-a-time loop?

Seed 001 at full size: 1 -> 20 -> 1 ReLU on sin over [-3pi, 3pi], 101 points,
SGD lr 0.01 momentum 0.9, 400 epochs, 500 bees. The baseline is the seed's own
``bee_trainer`` run through ``core.swarm_train`` (one torch.nn module and
optimizer per bee, yielding copies every epoch); it is timed on a few bees and
scaled to 500. Ours is ``swarm.train`` with the full recording. Both run in this
process, alternating, and the best of the repeats is kept (the machine is noisy).

    python bench/train_speed.py            # CPU
    python bench/train_speed.py --device cuda
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

import swarm
from swarm import core, networks

EPOCHS, WIDTH, BEES = 400, 20, 500


def bee_trainer(xt, yt, width=2, num_epochs=200):
    """Seed 001's trainer, verbatim."""
    net = networks.flat_net(1, width, activation=nn.ReLU)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_func = torch.nn.MSELoss()
    for epoch in range(num_epochs):
        optimiser.zero_grad()
        ypred = net(xt)
        loss = loss_func(ypred, yt)
        if torch.isnan(loss):
            raise RuntimeError("NaN loss, poorly configured experiment")
        loss.backward()
        optimiser.step()
        weight, bias, *_ = net.parameters()
        yield ypred, weight.detach().flatten().numpy().copy(), bias.detach().numpy().copy()


def baseline_seconds(bees: int) -> float:
    xt = torch.linspace(-3 * np.pi, 3 * np.pi, 101)
    params = {"xt": xt, "yt": torch.sin(xt), "width": WIDTH, "num_epochs": EPOCHS}
    start = time.perf_counter()
    core.swarm_train(bee_trainer, params, num_bees=bees, fields="ypred,weights,biases", seed=20,
                     progress=False)
    return time.perf_counter() - start


def plain_seconds(bees: int) -> float:
    """The same loop with nothing collected: each bee's generator simply run to the end."""
    xt = torch.linspace(-3 * np.pi, 3 * np.pi, 101)
    start = time.perf_counter()
    for bee in range(bees):
        torch.manual_seed(bee)
        for _ in bee_trainer(xt, torch.sin(xt), WIDTH, EPOCHS):
            pass
    return time.perf_counter() - start


def ours_seconds(bees: int, device: str, epochs: int = EPOCHS) -> float:
    start = time.perf_counter()
    swarm.train("sin", bees=bees, epochs=epochs, width=WIDTH, depth=1, lr=0.01, momentum=0.9,
                points=101, seed=20, device=device, progress=False)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--baseline-bees", type=int, default=12,
                        help="bees timed for the baseline, scaled to 500 (default 12)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scaling", default="100,1000,10000",
                        help="swarm sizes for the cost per bee-epoch")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    ours_seconds(50, args.device, epochs=20)  # warm-up
    base, plain, ours = [], [], []
    scale = BEES / args.baseline_bees
    for _ in range(args.repeats):
        base.append(baseline_seconds(args.baseline_bees) * scale)
        plain.append(plain_seconds(args.baseline_bees) * scale)
        ours.append(ours_seconds(BEES, args.device))
    b, p, o = min(base), min(plain), min(ours)
    print(f"seed 001 loop via core.swarm_train: {b:7.2f} s for {BEES} bees "
          f"(timed {args.baseline_bees} bees, scaled)")
    print(f"the same loop, nothing collected:   {p:7.2f} s")
    print(f"swarm.train (batched, recorded):    {o:7.2f} s for {BEES} bees x {EPOCHS} epochs")
    print(f"speed-up: {b / o:.0f}x over the seed's protocol, {p / o:.0f}x over the bare loop "
          "(required 50x, goal 100x)")
    print("cost per bee-epoch (at least 100 epochs and 100,000 bee-epochs a run, so the fixed "
          "set-up of a run is not counted as per-bee cost):")
    costs = []
    for bees in [int(n) for n in args.scaling.split(",")]:
        epochs = max(100, 100_000 // bees)
        seconds = min(ours_seconds(bees, args.device, epochs=epochs) for _ in range(2))
        costs.append(seconds / (bees * epochs))
        print(f"  {bees:6d} bees x {epochs:5d} epochs: {costs[-1] * 1e6:7.3f} us")
    print(f"  largest / smallest cost: {max(costs) / min(costs):.2f}x (goal: within 1.5x)")


if __name__ == "__main__":
    main()
