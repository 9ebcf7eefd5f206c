"""The speed table of the GPU check: sin, moons and digits swarms of 1,000 and 10,000 bees
trained on CUDA against the same runs on the CPU, in one process.

Each row is one ``swarm.train`` call (everything it records by default, every
``record_every``-th epoch kept so that 10,000 bees fit in memory). CUDA runs the full epochs
after a 2-epoch warm-up. The CPU side runs 1 and ``n`` epochs and extrapolates linearly to the
full count (setup once, then the per-epoch cost), so the whole table stays within its time
budget: rows that would start after it are printed as skipped. ``--tiny`` runs small swarms
for a few epochs, CPU only where CUDA is missing: a check that the script itself works.

    python bench/gpu_speed.py                 # on a CUDA machine (part of bench/gpu_check.sh)
    python bench/gpu_speed.py --tiny          # anywhere, seconds
"""
from __future__ import annotations

import argparse
import os
import time

import torch

import swarm

# name, train() arguments, full epochs, CPU epochs timed (besides the 1-epoch run)
SWARMS = [
    ("sin", dict(target="sin", width=20, optimizer="sgd", lr=0.01, record_every=10), 400, 20),
    ("moons", dict(target="moons", width=16, depth=2, optimizer="sgd", lr=0.1,
                   data={"samples": 1250, "noise": 0.2}, record_every=10), 400, 4),
    ("digits", dict(target="digits", width=32, depth=1, optimizer="adam", lr=0.001,
                    batch_size=64, record_every=2), 20, 2),
]


def seconds(device: str, bees: int, epochs: int, kwargs: dict) -> float:
    start = time.perf_counter()
    swarm.train(bees=bees, epochs=epochs, device=device, progress=False, **kwargs)
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def cpu_seconds(bees: int, epochs: int, timed: int, kwargs: dict) -> float:
    """CPU seconds for ``epochs`` epochs, from runs of 1 and ``timed`` epochs."""
    if timed >= epochs:
        return seconds("cpu", bees, epochs, kwargs)
    one = seconds("cpu", bees, 1, kwargs)
    more = seconds("cpu", bees, timed, kwargs)
    return one + max(0.0, more - one) * (epochs - 1) / (timed - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true",
                        help="small swarms, few epochs: check the script (CPU only without CUDA)")
    parser.add_argument("--budget", type=float, default=300.0,
                        help="seconds after which no new row starts (default 300)")
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    if not cuda and not args.tiny:
        raise SystemExit("gpu_speed: CUDA is not available here (use --tiny to check the "
                         "script on the CPU)")
    sizes = (20, 50) if args.tiny else (1_000, 10_000)
    name = torch.cuda.get_device_name() if cuda else "none"
    print(f"torch {torch.__version__}, CUDA device: {name}, CPU: {os.cpu_count()} cores, "
          f"{torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f}")
    print("| swarm | bees | epochs | CUDA s | CPU s | CPU / CUDA |")
    print("|---|---|---|---|---|---|")
    started = time.perf_counter()
    for label, kwargs, epochs, timed in SWARMS:
        if args.tiny:
            epochs, timed = min(epochs, 4), min(timed, 3)
            kwargs = dict(kwargs, record_every=1)
        seconds("cpu", 8, 2, kwargs)  # warm-up: the data set, first calls
        if cuda:
            seconds("cuda", 8, 2, kwargs)  # and the CUDA context, kernels, cuBLAS handles
        for bees in sizes:
            if time.perf_counter() - started > args.budget:
                print(f"| {label} | {bees:,} | {epochs} | skipped: over the {args.budget:.0f} s "
                      "budget | | |", flush=True)
                continue
            gpu = seconds("cuda", bees, epochs, kwargs) if cuda else float("nan")
            cpu = cpu_seconds(bees, epochs, timed, kwargs)
            note = f" (timed {timed} epochs, extrapolated)" if timed < epochs else ""
            ratio = f"{cpu / gpu:.1f}x" if cuda else "-"
            gpu_text = f"{gpu:.2f}" if cuda else "no CUDA"
            print(f"| {label} | {bees:,} | {epochs} | {gpu_text} | {cpu:.2f}{note} | {ratio} |",
                  flush=True)


if __name__ == "__main__":
    main()
