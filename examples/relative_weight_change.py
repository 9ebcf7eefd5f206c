"""Seed 003 (WeightScale): relative weight change per layer, on digits and on moons.

No download is possible here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes, 80/20 stratified split) stand in for the seed's vision
tasks. Two swarms of the same ReLU depth (inputs -> 32 -> 32 -> 32 -> classes,
Adam lr 1e-3, batch 64, the same epochs): digits (64 inputs, 10 classes: the
complex task) and moons (2 inputs, 2 classes, 1,000 samples, noise 0.1: the
simple one). Every epoch, each layer's relative weight change
|W_e - W_(e-1)|_1 / |W_(e-1)|_1 (``metrics.relative_weight_change``), as bands
across bees over training: which layers learn most, and when.

Claim (WeightScale: task complexity shows in the deeper layers): on the harder
task the deeper layers change more relative to the first. Per bee, the depth
ratio is the mean relative change of layers 1..3 over the mean of layer 0
(means over all epochs). Decided by the probability that a digits bee's ratio
exceeds a moons bee's (over all pairs; 0.5 is chance): holds at 0.75 or more,
does not hold at 0.5 or less, unclear between.

    python examples/relative_weight_change.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

import swarm
from swarm import metrics

import _common

SEED = 3
DATA = {"digits": swarm.datasets.digits, "moons": lambda: swarm.datasets.moons(1000, noise=0.1)}


def depth_ratio(rwc: np.ndarray) -> np.ndarray:
    """Per bee: mean relative change of the layers after the first over the first's, [bee]."""
    per_layer = np.nanmean(rwc[:, 1:], axis=1)  # [bee, layer], epoch 0 is NaN
    return per_layer[:, 1:].mean(1) / per_layer[:, 0]


def curves_figure(results: dict, out):
    fig, axes = _common.figure(1, len(results), size=(10.0, 3.6), sharey=True)
    for ax, (name, (rec, rwc)) in zip(axes, results.items()):
        epochs = rec.epoch[1:] + 1
        for k in range(rwc.shape[-1]):
            _common.band(ax, epochs, rwc[:, 1:, k], label=f"layer {k}", log=True)
        ax.set(xscale="log", xlabel="epoch", title=f"{name}: relative weight change")
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())  # no crowded 2x10^0, 3x10^0, ...
    axes[0].set_ylabel("|ΔW|₁ / |W|₁ per epoch")
    axes[0].legend(frameon=False)
    _common.save(fig, out / "relative_weight_change_curves.png")


def depth_figure(results: dict, out):
    fig, ax = _common.figure(size=(5.0, 3.4))
    for name, (_, rwc) in results.items():
        per_layer = np.nanmean(rwc[:, 1:], axis=1)  # [bee, layer]
        lo, mid, hi = np.percentile(per_layer / per_layer[:, :1], [10, 50, 90], axis=0)
        layers = np.arange(per_layer.shape[1])
        ax.errorbar(layers, mid, yerr=[mid - lo, hi - mid], fmt="o-", capsize=3, label=name)
    ax.set(xticks=layers, xlabel="layer", ylabel="mean change / layer 0's",
           title="relative weight change by depth (median, 10-90%)")
    ax.legend(frameon=False)
    _common.save(fig, out / "relative_weight_change_depth.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs = (4, 4) if args.quick else (32, 60)
    results = {}
    for name, make in DATA.items():
        rec = swarm.train(make(), bees=bees, epochs=epochs, width=32, depth=3, optimizer="adam",
                          lr=1e-3, batch_size=64, seed=SEED, progress=False)
        results[name] = (rec, metrics.relative_weight_change(rec))
    print(f"{'':>6} | {'test acc':>19} | " + " | ".join(
        f"{'layer ' + str(k) + ' mean change':>28}" for k in range(4)) + " | early/late")
    for name, (rec, rwc) in results.items():
        per_layer = np.nanmean(rwc[:, 1:], axis=1)
        n = rwc.shape[1] - 1
        early = np.nanmean(rwc[:, 1:1 + max(1, n // 10)], axis=1)
        late = np.nanmean(rwc[:, 1 + n // 2:], axis=1)
        print(f"{name:>6} | {_common.spread(rec['test_accuracy'][:, -1])} | " + " | ".join(
            _common.spread(per_layer[:, k], '.2e') for k in range(per_layer.shape[1]))
            + f" | {np.median(early / late):.1f}x")
        peak = rec.epoch[1:][np.argmax(np.median(rwc[:, 1:], axis=0), axis=0)] + 1
        print(f"{'':>6}   most change: layer {int(np.argmax(np.median(per_layer, 0)))}; "
              f"median change peaks at epoch {peak.tolist()} (layers 0..3)")
    curves_figure(results, args.out)
    depth_figure(results, args.out)
    rec = results["digits"][0]
    _common.video_and_report(rec.bees(np.arange(min(8, bees))), args.out,
                             "relative_weight_change", args.quick, report_of=rec)
    hard, easy = (depth_ratio(results[name][1]) for name in ("digits", "moons"))
    print(f"depth ratio: digits {_common.spread(hard)}, moons {_common.spread(easy)}")
    auc = float(np.mean(hard[:, None] > easy[None, :]) + 0.5 * np.mean(hard[:, None] == easy))
    status = "holds" if auc >= 0.75 else ("does not hold" if auc <= 0.5 else "unclear")
    return _common.verdict(status, "the harder task moves the deeper layers more",
                           f"P(digits bee's depth ratio > moons bee's) = {auc:.2f}; "
                           f"threshold 0.75")


if __name__ == "__main__":
    main()
