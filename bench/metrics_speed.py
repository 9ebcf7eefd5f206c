"""How long does every metric take on a full-size recording, and what does batching buy?

The recording: 500 bees x 400 epochs, 1 -> 8 -> 8 -> 8 -> 1 ReLU on sin, trained
by ``swarm.train`` (or, with ``--synthetic``, a random walk of weights). Each
metric is timed once over the whole recording. For breakpoints and effective
rank the baseline is a straightforward loop over bees and epochs (one network,
one matrix at a time, numpy), timed on a sample of networks in this process and
scaled to the whole recording; the ratio is baseline / ours.

    python bench/metrics_speed.py [--synthetic] [--threads N]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

import swarm
from swarm import metrics
from swarm.testing import random_walk

BEES, EPOCHS, WIDTH, DEPTH = 500, 400, 8, 3
SAMPLE = 2000  # networks (or matrices) timed in the loops


def recording(synthetic: bool):
    if synthetic:
        return random_walk(BEES, EPOCHS, width=WIDTH, depth=DEPTH, step=0.01)
    return swarm.train("sin", bees=BEES, epochs=EPOCHS, width=WIDTH, depth=DEPTH, lr=0.01,
                       progress=False)


def loop_breakpoints(rec, pairs) -> list[np.ndarray]:
    """Exact kinks of one network at a time: the layer walk in plain numpy."""
    lo, hi = float(rec.x.min()), float(rec.x.max())
    out = []
    for bee, e in pairs:
        ws = [rec.weights(k)[bee, e].astype(np.float64) for k in rec.layer_indices]
        bs = [rec.biases(k)[bee, e].astype(np.float64) for k in rec.layer_indices]
        t = np.array([lo, hi])
        for k in range(len(ws) - 1):
            a = t[None, :]
            for j in range(k):
                a = np.maximum(ws[j] @ a + bs[j][:, None], 0.0)
            z = ws[k] @ a + bs[k][:, None]
            zl, zr = z[:, :-1], z[:, 1:]
            cross = zl * zr < 0
            new = (t[:-1] + (t[1:] - t[:-1]) * zl / np.where(cross, zl - zr, 1.0))[cross]
            t = np.unique(np.concatenate([t, new]))
        mid, slopes = (t[:-1] + t[1:]) / 2, []
        for m in mid:  # the output's slope on each piece, from the activation pattern
            a, grad = np.array([m]), np.ones(1)
            for j in range(len(ws) - 1):
                z = ws[j] @ a + bs[j]
                grad, a = (z > 0) * (ws[j] @ grad), np.maximum(z, 0.0)
            slopes.append((ws[-1] @ grad)[0])
        slopes = np.array(slopes)
        out.append(t[1:-1][np.abs(np.diff(slopes)) > 1e-12 * np.abs(slopes).max()])
    return out


def loop_effective_rank(rec, pairs) -> None:
    for bee, e in pairs:
        for k in rec.layer_indices:
            s = np.linalg.svd(rec.weights(k)[bee, e].astype(np.float64), compute_uv=False)
            p = s / s.sum()
            np.exp(-np.sum(p[p > 0] * np.log(p[p > 0])))


def timed(fn, *args, **kwargs):
    """(wall seconds, result); the CPU seconds of the last call are kept in ``timed.cpu``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    timed.cpu = time.process_time() - cpu
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="random-walk weights, no training")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"cores {os.cpu_count()}, torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    seconds, rec = timed(recording, args.synthetic)
    print(f"recording: {rec!r} built in {seconds:.1f} s")
    nets = rec.num_bees * rec.num_epochs
    rng = np.random.default_rng(0)
    pairs = np.stack([rng.integers(0, rec.num_bees, SAMPLE), rng.integers(0, rec.num_epochs, SAMPLE)], 1)
    runs = {
        "breakpoints (last epoch)": lambda: metrics.breakpoints(rec),
        "breakpoint_histogram (all epochs)": lambda: metrics.breakpoint_histogram(rec, 100),
        "spectra": lambda: metrics.spectra(rec),
        "effective_rank (all layers, epochs)":
            lambda: [metrics.effective_rank(rec.weights(k)) for k in rec.layer_indices],
        "weight_complexity": lambda: metrics.weight_complexity(rec),
        "weight_density": lambda: metrics.weight_density(rec, bins=100),
        "relative_weight_change": lambda: metrics.relative_weight_change(rec),
        "delta_w_correlation": lambda: metrics.delta_w_correlation(rec),
        "weight_pca": lambda: metrics.weight_pca(rec),
        "minimal_ratio (last epoch)": lambda: metrics.minimal_ratio(rec),
        "sensitivity": lambda: metrics.sensitivity(rec),
        "interpolate": lambda: metrics.interpolate(rec, 0, 1),
        "turning_points": lambda: metrics.turning_points("sin"),
        "breakpoint_alignment": lambda: metrics.breakpoint_alignment(rec),
        "summary": lambda: metrics.summary(rec),
    }
    total = total_cpu = 0.0
    print(f"{'metric':<38} {'wall':>8} {'cpu':>8}")
    for name, run in runs.items():
        seconds, _ = timed(run)
        total, total_cpu = total + seconds, total_cpu + timed.cpu
        print(f"{name:<38} {seconds:7.3f}s {timed.cpu:7.3f}s")
    print(f"{'all metrics':<38} {total:7.3f}s {total_cpu:7.3f}s (goal: under 10 s)")

    loop_bp, found = timed(loop_breakpoints, rec, pairs)
    per_net = loop_bp / SAMPLE
    hist_seconds, _ = timed(metrics.breakpoint_histogram, rec, 100)
    check = [metrics.breakpoints(rec, int(e))[int(b)] for b, e in pairs[:20]]
    same = all(a.shape == b.shape and np.allclose(a, b) for a, b in zip(check, found[:20]))
    print(f"breakpoints of all {nets} networks: loop {per_net * nets:.1f} s (scaled from "
          f"{SAMPLE}), batched histogram {hist_seconds:.2f} s, ratio {per_net * nets / hist_seconds:.0f}x"
          f" (loop agrees: {same})")
    loop_er, _ = timed(loop_effective_rank, rec, pairs)
    er_seconds, _ = timed(lambda: [metrics.effective_rank(rec.weights(k)) for k in rec.layer_indices])
    print(f"effective rank of all {nets * rec.num_layers} matrices: loop "
          f"{loop_er / SAMPLE * nets:.1f} s (scaled from {SAMPLE * rec.num_layers}), batched "
          f"{er_seconds:.2f} s, ratio {loop_er / SAMPLE * nets / er_seconds:.0f}x")


if __name__ == "__main__":
    main()
