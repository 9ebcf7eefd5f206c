"""Seed 000: deep ReLU nets on the 0/1 piecewise target, sin and sinc, and what their weights do.

Networks with hidden widths 5,5,5,5 and 8,8,8 (the seed's ``RRnet``) learn the
piecewise 0/1 steps and sin on [-3, 3] and sinc on [-32, 32], full batch. The
seed drew 5,000 random points; ``swarm.train`` trains on an evenly spaced grid,
so 5,000 evenly spaced points stand in for them. The seed used Mathematica's
default optimizer (Adam) for 15,000 rounds; a full run here takes 1,500 epochs
of Adam at lr 0.003 with 24 bees per case, recording every 10th epoch
(the seed's checkpoints).

Figures: loss (log-log), predictions, gzip complexity over training, weight
density per layer, singular-value heat maps, effective rank, and the weight
change correlation against layer distance; one video and a report of the
piecewise 5,5,5,5 swarm. Three claims, one verdict line each:

1. Weights become less compressible (gzip complexity rises from the first to
   the last epoch). Per case, the share of bees whose complexity rose.
2. The effective rank of the hidden weight matrices decreases (the seed's "?").
   Per case, the share of bees whose mean effective rank fell.
3. The correlation of weight change between layers decays with layer distance:
   at the last epoch, distance 1 correlates more than the largest distance.

Claims 1 and 2 hold when the share is at least 75% in every case and do not
hold when it is at most 50% in every case; claim 3 holds in every case or not.

    python examples/piecewise_deep.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import metrics

import _common

ARCHS = {"5,5,5,5": (5, 4), "8,8,8": (8, 3)}  # name: (width, depth)
TARGETS = {"piecewise": (-3, 3), "sin": (-3, 3), "sinc": (-32, 32)}
SEED = 182731  # the seed's TrainPiecewise default


def hidden_rank(rec) -> np.ndarray:
    """Mean effective rank of the hidden-to-hidden weight matrices: [bee, epoch]."""
    square = [k for k in rec.layer_indices if min(rec.weights(k).shape[-2:]) > 1]
    return np.mean([metrics.effective_rank(rec.weights(k)) for k in square], axis=0)


def analyse(rec) -> dict:
    """What the figures and claims need from one swarm, so the recording can go."""
    return {"epoch": rec.epoch + 1, "loss": rec["loss"], "x": rec.x, "y": rec.y,
            "fit": rec["ypred"][_common.median_bee(rec), -1],
            "gzip": metrics.weight_complexity(rec),
            "rank": hidden_rank(rec), "dw": metrics.delta_w_correlation(rec)}


def rose(values: np.ndarray) -> float:
    """Share of bees whose value at the last epoch is above the first: values [bee, epoch]."""
    return float(np.mean(values[:, -1] > values[:, 0]))


def case_figure(results: dict, key: str, ylabel: str, out, log=False):
    """One panel per target, a median line and band per architecture, over epochs."""
    fig, axes = _common.figure(1, len(TARGETS), size=(11.0, 3.2))
    for ax, target in zip(axes, TARGETS):
        for arch in ARCHS:
            r = results[target, arch]
            _common.band(ax, r["epoch"], r[key], label=arch, log=log)
        ax.set(title=target, xlabel="epoch", xscale="log" if log else "linear")
    axes[0].set_ylabel(ylabel)
    axes[0].legend(frameon=False)
    _common.save(fig, out / f"piecewise_deep_{key}.png")


def fits_figure(results: dict, out):
    fig, axes = _common.figure(1, len(TARGETS), size=(11.0, 3.0))
    for ax, target in zip(axes, TARGETS):
        for arch in ARCHS:
            r = results[target, arch]
            ax.plot(r["x"], r["fit"], lw=1.2, label=f"{arch} (median bee)")
        ax.plot(r["x"], r["y"], "k", lw=2, alpha=0.3, label="target")
        ax.set(title=target, xlabel="x")
    axes[0].legend(frameon=False, fontsize=8)
    _common.save(fig, out / "piecewise_deep_fits.png")


def layer_figure(rec, out):
    """Weight density per layer and median singular values per layer over training."""
    layers = rec.layer_indices
    fig, axes = _common.figure(2, len(layers), size=(2.6 * len(layers), 5.0), squeeze=False)
    epochs = rec.epoch + 1
    for k, ax in zip(layers, axes[0]):
        counts, edges = metrics.weight_density(rec, layer=k, bins=60)
        ax.imshow(np.log1p(counts), cmap="magma", aspect="auto", origin="lower",
                  extent=(edges[0], edges[-1], epochs[0], epochs[-1]))
        ax.set(title=f"layer {k} weights", xlabel="value")
    axes[0, 0].set_ylabel("epoch")
    for s, k, ax in zip(metrics.spectra(rec), layers, axes[1]):
        if s.shape[-1] < 2:  # a single row or column has one singular value: nothing to map
            ax.set_visible(False)
            continue
        sv = np.median(s, axis=0)  # [epoch, k]
        ax.imshow(sv, cmap="viridis", aspect="auto", origin="lower",
                  extent=(0.5, sv.shape[1] + 0.5, epochs[0], epochs[-1]))
        ax.set(title=f"layer {k} singular values", xlabel="index", ylabel="epoch",
               xticks=np.arange(1, sv.shape[1] + 1))
    _common.save(fig, out / "piecewise_deep_layers.png")


def dw_figure(results: dict, out):
    fig, ax = _common.figure(size=(5.0, 3.2))
    for (target, arch), r in results.items():
        final = r["dw"][-1]
        ax.plot(np.arange(1, final.size + 1), final, "o-", label=f"{target} {arch}")
    widest = max(r["dw"].shape[1] for r in results.values())
    ax.set(xticks=np.arange(1, widest + 1), xlabel="layer distance", ylabel="correlation of |ΔW| quantiles",
           title="weight-change correlation, last epoch")
    ax.legend(frameon=False, fontsize=7)
    _common.save(fig, out / "piecewise_deep_dw_correlation.png")


def share_verdict(claim: str, shares: dict) -> str:
    low, high = min(shares.values()), max(shares.values())
    status = "holds" if low >= 0.75 else ("does not hold" if high <= 0.5 else "unclear")
    return _common.verdict(status, claim, f"share of bees per case {low:.0%}-{high:.0%}; "
                                          f"threshold 75%")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, points = (4, 20, 200) if args.quick else (24, 1500, 5000)
    results, keep = {}, None
    for target, domain in TARGETS.items():
        for arch, (width, depth) in ARCHS.items():
            rec = swarm.train(target, bees=bees, epochs=epochs, width=width, depth=depth,
                              optimizer="adam", lr=0.003, domain=domain, points=points,
                              record_every=max(1, epochs // 150), seed=SEED, progress=False)
            results[target, arch] = r = analyse(rec)
            if (target, arch) == ("piecewise", "5,5,5,5"):
                keep = rec
            q10, q50, q90 = np.percentile(r["loss"][:, -1], [10, 50, 90])
            print(f"{target:>9} {arch:>7}: final MSE median {q50:.2e} (10-90% {q10:.2e}-"
                  f"{q90:.2e}); gzip complexity {np.median(r['gzip'][:, 0]):.4f} -> "
                  f"{np.median(r['gzip'][:, -1]):.4f} (rose in {rose(r['gzip']):.0%} of bees); "
                  f"effective rank {np.median(r['rank'][:, 0]):.2f} -> "
                  f"{np.median(r['rank'][:, -1]):.2f} (fell in {rose(-r['rank']):.0%}); "
                  f"ΔW correlation by distance {np.round(r['dw'][-1], 2).tolist()}")
    case_figure(results, "loss", "MSE (median, 10-90%)", args.out, log=True)
    case_figure(results, "gzip", "gzip complexity", args.out)
    case_figure(results, "rank", "effective rank (hidden layers)", args.out)
    fits_figure(results, args.out)
    layer_figure(keep, args.out)
    dw_figure(results, args.out)
    _common.video_and_report(keep, args.out, "piecewise_deep", args.quick)
    share_verdict("weights become less compressible (gzip complexity rises)",
                  {c: rose(r["gzip"]) for c, r in results.items()})
    share_verdict("the effective rank of the hidden weight matrices decreases",
                  {c: rose(-r["rank"]) for c, r in results.items()})
    decays = [c for c, r in results.items() if r["dw"][-1, 0] > r["dw"][-1, -1]]
    status = "holds" if len(decays) == len(results) else (
        "does not hold" if not decays else "unclear")
    return _common.verdict(status, "ΔW correlation decays with layer distance",
                           f"distance 1 above the largest distance in {len(decays)} of "
                           f"{len(results)} cases at the last epoch")


if __name__ == "__main__":
    main()
