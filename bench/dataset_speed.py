"""How much faster is the batched engine than a per-bee loop on datasets, and how close to
the machine's matmul peak does it get?

Two swarms, each through ``swarm.train`` (recording everything it records by default:
loss, test loss, train and test accuracy, grad norm, weights every epoch):

- moons: 500 bees, 2-16-16-2 ReLU, 1,000 training samples, 400 epochs, full batch,
  SGD lr 0.1 momentum 0.9, cross-entropy;
- digits: 200 bees, 64-32-10 ReLU, minibatches of 64, 20 epochs, Adam lr 0.001.

The baseline is the loop a user would write: one torch.nn module and torch.optim
optimizer per bee, recording the same numbers every epoch (loss, accuracy, a test
forward pass, weight copies); it also runs bare (nothing recorded). It is timed on a
few bees and scaled. The achieved GFLOP/s counts the matmuls of training (forward,
weight gradients, input gradients past the first layer, the test forward pass) and is
compared with one large square ``torch.mm`` timed in the same run. Best of the
repeats (the machine is shared and noisy).

    python bench/dataset_speed.py            # CPU
    python bench/dataset_speed.py --device cuda
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch
from torch import nn

import swarm
from swarm import datasets
from swarm._threads import idle_core_threads

MOONS = dict(name="moons", bees=500, width=16, depth=2, epochs=400, batch_size=None,
             optimizer="sgd", lr=0.1, data={"samples": 1250, "noise": 0.2})  # 1,000 train
DIGITS = dict(name="digits", bees=200, width=32, depth=1, epochs=20, batch_size=64,
              optimizer="adam", lr=0.001, data={})


def swarm_seconds(cfg: dict, device: str, ds) -> float:
    start = time.perf_counter()
    swarm.train(ds, bees=cfg["bees"], width=cfg["width"], depth=cfg["depth"],
                epochs=cfg["epochs"], batch_size=cfg["batch_size"], optimizer=cfg["optimizer"],
                lr=cfg["lr"], momentum=0.9, seed=0, device=device, progress=False)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _net(cfg: dict, ds) -> nn.Sequential:
    dims = [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"] + [len(ds.classes)]
    layers: list[nn.Module] = []
    for k, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
        layers += ([nn.ReLU()] if k else []) + [nn.Linear(a, b)]
    return nn.Sequential(*layers)


def loop_seconds(cfg: dict, ds, bees: int, record: bool) -> float:
    """The per-bee loop: one module and optimizer per bee, scaled to the swarm's bees.

    It runs with the threads swarm.train would use now (no more than the idle cores),
    so that neither side pays for spinning threads on a busy machine."""
    with idle_core_threads("cpu"):
        return _loop_seconds(cfg, ds, bees, record)


def _loop_seconds(cfg: dict, ds, bees: int, record: bool) -> float:
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    x_test, y_test = torch.tensor(ds.x_test), torch.tensor(ds.y_test)
    size = cfg["batch_size"] or len(x)
    start = time.perf_counter()
    for bee in range(bees):
        torch.manual_seed(bee)
        net = _net(cfg, ds)
        opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"], momentum=0.9) \
            if cfg["optimizer"] == "sgd" else torch.optim.Adam(net.parameters(), lr=cfg["lr"])
        history = []
        for epoch in range(cfg["epochs"]):
            if record:
                with torch.no_grad():
                    out, test = net(x), net(x_test)
                history.append((nn.functional.cross_entropy(out, y).item(),
                                (out.argmax(1) == y).float().mean().item(),
                                nn.functional.cross_entropy(test, y_test).item(),
                                (test.argmax(1) == y_test).float().mean().item(),
                                [p.detach().clone() for p in net.parameters()]))
            order = torch.randperm(len(x)) if size < len(x) else None
            for s in range(0, len(x), size):
                idx = order[s:s + size] if order is not None else slice(None)
                opt.zero_grad()
                nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
                opt.step()
    return (time.perf_counter() - start) * cfg["bees"] / bees


def training_flops(cfg: dict, ds) -> float:
    """Matmul FLOPs of one swarm run: forward, weight and input gradients, test forward."""
    dims = [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"] + [len(ds.classes)]
    macs = [a * b for a, b in zip(dims[:-1], dims[1:])]
    per_sample = 2 * (2 * sum(macs) + sum(macs[1:]))  # forward + dW + d(input) past layer 0
    full = cfg["batch_size"] is None
    # minibatch runs also evaluate the full training set at each recorded epoch
    per_epoch = len(ds.x) * per_sample * (1 if full else 2) + 2 * len(ds.x_test) * sum(macs)
    return cfg["bees"] * cfg["epochs"] * per_epoch


def matmul_gflops(device: str, n: int = 2048, repeats: int = 5) -> tuple[float, int]:
    """GFLOP/s of one n x n torch.mm, with the threads swarm.train would use now."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    best = float("inf")
    with idle_core_threads(device):
        threads = torch.get_num_threads()
        for _ in range(repeats):
            start = time.perf_counter()
            torch.mm(a, b)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--loop-bees", type=int, default=4,
                        help="bees timed for the per-bee loop, scaled to the swarm (default 4)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    peak, threads = matmul_gflops(args.device)
    print(f"torch.mm 2048x2048: {peak:.1f} GFLOP/s on {threads} thread(s), the threads "
          "swarm.train and the loop use here")
    goals = {"moons": 20, "digits": 5}
    for cfg in (MOONS, DIGITS):
        ds = datasets.get_dataset(cfg["name"], **cfg["data"])
        swarm_seconds(dict(cfg, epochs=2), args.device, ds)  # warm-up
        ours, loop, bare = [], [], []
        for _ in range(args.repeats):
            loop.append(loop_seconds(cfg, ds, args.loop_bees, record=True))
            bare.append(loop_seconds(cfg, ds, args.loop_bees, record=False))
            ours.append(swarm_seconds(cfg, args.device, ds))
        o, lp, b = min(ours), min(loop), min(bare)
        gflops = training_flops(cfg, ds) / o / 1e9
        shape = "-".join(map(str, [ds.x.shape[1]] + [cfg["width"]] * cfg["depth"]
                               + [len(ds.classes)]))
        print(f"{cfg['name']}: {cfg['bees']} bees {shape}, {len(ds.x)} samples, "
              f"{cfg['epochs']} epochs, batch {cfg['batch_size'] or 'full'}")
        print(f"  per-bee loop, recording: {lp:8.2f} s (timed {args.loop_bees} bees, scaled)")
        print(f"  per-bee loop, bare:      {b:8.2f} s")
        print(f"  swarm.train:             {o:8.2f} s")
        print(f"  speed-up: {lp / o:.1f}x over the recording loop, {b / o:.1f}x over the bare "
              f"loop (goal {goals[cfg['name']]}x)")
        print(f"  {gflops:.1f} GFLOP/s = {gflops / peak:.0%} of torch.mm's peak (goal 30%)")


if __name__ == "__main__":
    main()
