"""How long does every metric take on a full-size recording, and what does batching buy?

The recording: 500 bees x 400 epochs, 1 -> 8 -> 8 -> 8 -> 1 ReLU on sin, trained
by ``swarm.train`` (or, with ``--synthetic``, a random walk of weights). Each
metric is timed once over the whole recording. For breakpoints and effective
rank the baseline is a straightforward loop over bees and epochs (one network,
one matrix at a time, numpy), timed on a sample of networks in this process and
scaled to the whole recording; the ratio is baseline / ours. For weight_complexity, minimal_ratio, weight_pca and delta_w_correlation
the baseline is the code before issue 23 (gzip level 9; one autograd graph for
all bees on torch's threads; the SVD of all points; epoch chunks on one thread),
timed on the whole recording with the largest difference from ours; minimal_ratio
also against main before i24 (autograd, chunks of bees on one thread per core), on
this recording and on a few digits bees (10 outputs, 2,410 parameters).

    python bench/metrics_speed.py [--synthetic | --from REC.npz] [--threads N] [--only TEXT]
"""
from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import torch

import swarm
from swarm import metrics
from swarm._model import losses as _losses, mlp as _mlp
from swarm._threads import map_cores
from swarm.metrics import _common, landscape, weights
from swarm.testing import random_walk
from _bench import compiled_code_on_disk  # bench/ is on the path

BEES, EPOCHS, WIDTH, DEPTH = 500, 400, 8, 3
SAMPLE = 2000  # networks (or matrices) timed in the loops


def recording(synthetic: bool, source: str | None = None):
    if source:
        return swarm.load(source)
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


def autograd_hessians(rec, act, params, flat: torch.Tensor) -> torch.Tensor:
    """The Hessian before i24: bees are independent, so the gradient of the summed loss
    holds every bee's gradient, and differentiating its column j again gives column j
    of every bee's Hessian at once (one double-backward pass per parameter)."""
    x, y, loss_name = landscape._data(rec)
    flat = flat.detach().requires_grad_(True)
    sizes = [math.prod(p.shape[1:]) for p in params]
    stacked = [piece.reshape((flat.shape[0],) + p.shape[1:])
               for piece, p in zip(flat.split(sizes, 1), params)]
    loss = _losses.get(loss_name).value(_mlp.forward(stacked, x, act), y)
    (grad,) = torch.autograd.grad(loss.sum(), flat, create_graph=True)
    columns = [torch.autograd.grad(grad[:, j].sum(), flat, retain_graph=True,
                                   allow_unused=True)[0] for j in range(flat.shape[1])]
    return torch.stack([torch.zeros_like(flat) if c is None else c for c in columns], 2)


def old_minimal_ratio(rec, on_cores: bool) -> torch.Tensor:
    """Eigenvalues by autograd (all bees finite): before issue 23 every bee's Hessian in
    one graph on torch's threads; with ``on_cores`` as main had it before i24, chunks of
    64 bees on one thread per core (``map_cores``)."""
    params = _common.torch_params(rec, rec.num_epochs - 1)
    flat = torch.cat([p.reshape(p.shape[0], -1) for p in params], 1)
    act = _common.activation(rec)
    if not on_cores:
        return torch.linalg.eigvalsh(autograd_hessians(rec, act, params, flat).detach())
    chunks = flat.split(64)
    return torch.cat(map_cores(lambda chunk: torch.linalg.eigvalsh(
        autograd_hessians(rec, act, params, chunk).detach()), chunks))


def old_weight_pca(rec, components: int = 2) -> np.ndarray:
    """Trajectories as before: the SVD of all the kept bees' centred points."""
    x = np.concatenate(_common.layer_arrays(rec), -1)
    fit = x[rec.live].reshape(-1, x.shape[-1])
    fit = torch.as_tensor(fit[np.isfinite(fit).all(-1)], dtype=torch.float64)
    mean = fit.mean(0)
    basis = torch.linalg.svd(fit - mean, full_matrices=False)[2][:components]
    basis = basis * torch.sign(basis.gather(1, basis.abs().argmax(1, keepdim=True)))
    return ((torch.as_tensor(x.reshape(-1, x.shape[-1]), dtype=torch.float64) - mean)
            @ basis.T).numpy().reshape(x.shape[:2] + (components,))


def old_delta_w_correlation(rec, quantiles: int = 64) -> np.ndarray:
    """As before: copies of the kept bees' layers, epoch chunks one after another."""
    layers = [w[rec.live] for w in _common.layer_arrays(rec)]
    q = np.linspace(0.0, 1.0, quantiles)
    out = np.full((rec.num_epochs, len(layers) - 1), np.nan)
    step = max(1, (1 << 22) // (layers[0].shape[0] * q.size))
    for start in range(0, rec.num_epochs, step):
        e = slice(start, start + step)
        qq = [weights._unit_quantiles(w[:, e], w[:, :1], q) for w in layers]
        for d in range(1, len(layers)):
            pairs = [(qq[i] * qq[i + d]).sum(-1) for i in range(len(layers) - d)]
            out[e, d - 1] = _common.masked_mean(np.concatenate(pairs, 0), axis=0)
    return out


def analyses_old_vs_new(rec, only: str = "") -> None:
    """Issue 23's analyses: the code before against ours, each on the whole recording."""
    from scipy.stats import spearmanr
    pairs = {
        "weight_complexity (gzip 9 -> zlib-ng 9)":
            (lambda: metrics.weight_complexity(rec, compressor="gzip"),
             lambda: metrics.weight_complexity(rec)),
        "minimal_ratio (eigenvalues)": (lambda: old_minimal_ratio(rec, False),
                                        lambda: metrics.minimal_ratio(rec).eigenvalues),
        "minimal_ratio (autograd on cores, i24)": (lambda: old_minimal_ratio(rec, True),
                                                   lambda: metrics.minimal_ratio(rec).eigenvalues),
        "weight_pca (trajectories)": (lambda: old_weight_pca(rec),
                                      lambda: metrics.weight_pca(rec).trajectories),
        "delta_w_correlation": (lambda: old_delta_w_correlation(rec),
                                lambda: metrics.delta_w_correlation(rec)),
    }
    print(f"{'before -> ours (wall, then cpu)':<40} {'before':>8} {'ours':>8} {'ratio':>6} "
          f"{'before':>8} {'ours':>8} {'ratio':>6}  agreement")
    for name, (old, new) in pairs.items():
        if only not in name:
            continue
        before, a = timed(old)
        before_cpu = timed.cpu
        ours, b = timed(new)
        a, b = np.asarray(a), np.asarray(b)
        if name.startswith("weight_complexity"):
            agree = (f"Spearman rho {spearmanr(a.ravel(), b.ravel())[0]:.5f}, "
                     f"{np.mean(a == b):.1%} equal")
        else:
            agree = f"max |difference| {np.nanmax(np.abs(a - b)):.1e}"
        print(f"{name:<40} {before:7.2f}s {ours:7.2f}s {before / ours:5.1f}x {before_cpu:7.2f}s "
              f"{timed.cpu:7.2f}s {before_cpu / timed.cpu:5.1f}x  {agree}")


def digits_minimal_ratio(bees: int = 4) -> None:
    """minimal_ratio where outputs are many: a digits swarm (64-32-10, 2,410 parameters,
    cross-entropy over 1,438 samples, a few bees after 2 epochs), autograd on cores
    (main before i24) against the written-out Hessian."""
    rec = swarm.train("digits", bees=bees, epochs=2, width=32, depth=1, progress=False)
    before, a = timed(old_minimal_ratio, rec, True)
    before_cpu = timed.cpu
    ours, b = timed(lambda: metrics.minimal_ratio(rec).eigenvalues)
    name = f"minimal_ratio digits, {bees} bees (i24)"
    print(f"{name:<40} {before:7.2f}s {ours:7.2f}s {before / ours:5.1f}x {before_cpu:7.2f}s "
          f"{timed.cpu:7.2f}s {before_cpu / timed.cpu:5.1f}x  max |difference| "
          f"{np.nanmax(np.abs(np.asarray(a) - b)):.1e}")


def timed(fn, *args, **kwargs):
    """(wall seconds, result); the CPU seconds of the last call are kept in ``timed.cpu``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    timed.cpu = time.process_time() - cpu
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="random-walk weights, no training")
    parser.add_argument("--from", dest="source", help="a saved recording instead of training")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--only", default="", help="time only the metrics whose name holds this")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"cores {os.cpu_count()}, torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"numba's compiled code on disk in {compiled_code_on_disk():.1f} s (a child process; "
          f"a machine's first run compiles, ~12 s once; loading it stays counted below)")
    seconds, rec = timed(recording, args.synthetic, args.source)
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
        if args.only not in name:
            continue
        seconds, _ = timed(run)
        total, total_cpu = total + seconds, total_cpu + timed.cpu
        print(f"{name:<38} {seconds:7.3f}s {timed.cpu:7.3f}s")
    print(f"{'all metrics':<38} {total:7.3f}s {total_cpu:7.3f}s (goal: under 10 s)")
    analyses_old_vs_new(rec, args.only)
    if args.only in "minimal_ratio digits":
        digits_minimal_ratio()
    if args.only:
        return

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
