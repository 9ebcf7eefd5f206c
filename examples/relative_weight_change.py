"""Seed 003 (WeightScale): relative weight change per layer, on digits and on moons.

``--data digits`` (default; nothing can be downloaded here) uses scikit-learn's 1,797
8x8 digits (80/20 split) as the complex task, ``--data mnist`` 1,797 MNIST images.
Swarms of the same ReLU depth (inputs -> 32 -> 32 -> 32 -> classes, Adam lr 1e-3,
batch 64, the same epochs) on the complex task and on moons (1,000 samples, noise
0.1: the simple one). Moons has 2 inputs and digits 64, so the first layer's shape
and start scale differ; the decided comparison lifts moons to digits' input width
(62 dummy features of 1% spread, then one random rotation of all of them and
standardization: the ``dummy_dims`` knob), so both first layers are 64 -> 32. Every
epoch, each layer's relative weight change |W_e - W_(e-1)|_1 / |W_(e-1)|_1
(``metrics.relative_weight_change``), as bands across bees over training.

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| tasks | vision tasks of rising complexity (003) | none published | digits (or MNIST) vs moons |
| networks | state-of-the-art CNNs | - | the same 3 x 32 ReLU MLP for both tasks |
| inputs | - | - | moons lifted to 64 inputs by a random rotation (the 2-input moons is the second row) |
| repeats | - | - | 3 data seeds x 12 bees per task |

Claim (WeightScale: task complexity shows in the deeper layers): on the harder
task the deeper layers change more relative to the first. Per bee, the depth
ratio (:func:`depth_ratio`) is the mean relative change of layers 1..3 over the
mean of layer 0 (means over all epochs). Per data seed, the probability that a
digits bee's ratio exceeds a lifted-moons bee's (over all pairs; 0.5 is chance);
``seed_verdict``: holds at 0.75 or more on every seed, does not hold below 0.5 on
every seed, unclear otherwise. The same probability against the 2-input moons is
printed as a second, labelled number (the earlier setup: 0.00 on one seed).

Full run (``nice -n 5 python examples/relative_weight_change.py --out DIR``,
2026-12-06, 2 shared cores at load 25-26): 7.9 min wall, 49 s CPU. Depth ratio
(median over 12 bees) per data seed 0 / 1 / 2: digits 0.76 / 0.77 / 0.76, moons
at 64 inputs 0.94 / 0.93 / 0.89, moons at 2 inputs 2.31 / 2.25 / 2.41. P(digits >
64-D moons) = 0.00 / 0.00 / 0.00, **does not hold** (against the 2-input moons:
0.00 / 0.00 / 0.00 as before). Lifting moons to 64 inputs removes most of the
start-scale effect (its ratio falls from 2.3 to 0.9: with 2 inputs the first
layer hardly moves relative to its size), yet digits' deeper layers still move
less relative to its first layer than moons' do: here the first layer carries
the harder task.

    python examples/relative_weight_change.py [--quick] [--out DIR] [--data ...]
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullFormatter, ScalarFormatter

import swarm
from swarm import metrics

import _common

SEED = 3
SEEDS = (0, 1, 2)  # data seeds of the full run
HOLDS, FAILS = 0.75, 0.5
LIFT = 62  # dummy features that bring moons to digits' 64 inputs


def tasks(args, seed: int) -> dict:
    """{name: Dataset} of one data seed: the complex task, moons at 64 inputs, moons at 2."""
    return {"digits": _common.load_data(args, samples=1797, seed=seed),
            "moons (64-D)": swarm.datasets.moons(1000, noise=0.1, seed=seed, dummy_dims=LIFT),
            "moons (2-D)": swarm.datasets.moons(1000, noise=0.1, seed=seed)}


def depth_ratio(rwc: np.ndarray) -> np.ndarray:
    """Per bee: mean relative change of the layers after the first over the first's, [bee]."""
    per_layer = np.nanmean(rwc[:, 1:], axis=1)  # [bee, layer], epoch 0 is NaN
    return per_layer[:, 1:].mean(1) / per_layer[:, 0]


def curves_figure(results: dict, out):
    fig, axes = _common.figure(1, len(results), size=(13.0, 3.6), sharey=True)
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


def table(results: dict) -> None:
    print(f"{'':>12} | {'test acc':>19} | " + " | ".join(
        f"{'layer ' + str(k) + ' mean change':>28}" for k in range(4)) + " | early/late")
    for name, (rec, rwc) in results.items():
        per_layer = np.nanmean(rwc[:, 1:], axis=1)
        n = rwc.shape[1] - 1
        early = np.nanmean(rwc[:, 1:1 + max(1, n // 10)], axis=1)
        late = np.nanmean(rwc[:, 1 + n // 2:], axis=1)
        print(f"{name:>12} | {_common.spread(rec['test_accuracy'][:, -1])} | " + " | ".join(
            _common.spread(per_layer[:, k], '.2e') for k in range(per_layer.shape[1]))
            + f" | {np.median(early / late):.1f}x")
        peak = rec.epoch[1:][np.argmax(np.median(rwc[:, 1:], axis=0), axis=0)] + 1
        print(f"{'':>12}   most change: layer {int(np.argmax(np.median(per_layer, 0)))}; "
              f"median change peaks at epoch {peak.tolist()} (layers 0..3)")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv, data=True)
    bees, epochs, seeds = (4, 4, SEEDS[:1]) if args.quick else (12, 60, SEEDS)
    lifted, flat, first = [], [], None
    for seed in seeds:
        print(f"-- data seed {seed}")
        results = {}
        for name, ds in tasks(args, seed).items():
            rec = swarm.train(ds, bees=bees, epochs=epochs, width=32, depth=3,
                              optimizer="adam", lr=1e-3, batch_size=64, seed=SEED + seed,
                              progress=False)
            results[name] = (rec, metrics.relative_weight_change(rec))
        table(results)
        ratio = {name: depth_ratio(rwc) for name, (_, rwc) in results.items()}
        print("depth ratio: " + ", ".join(f"{n} {_common.spread(r)}" for n, r in ratio.items()))
        lifted.append(_common.win_rate(ratio["digits"], ratio["moons (64-D)"]))
        flat.append(_common.win_rate(ratio["digits"], ratio["moons (2-D)"]))
        first = first or results
    curves_figure(first, args.out)
    depth_figure(first, args.out)
    rec = first["digits"][0]
    _common.video_and_report(rec.bees(np.arange(min(8, bees))), args.out,
                             "relative_weight_change", args.quick, report_of=rec)
    print(f"second row, against the 2-input moons: P = {_common.per_seed(flat, '.2f')}")
    status = _common.seed_verdict(lifted, HOLDS, FAILS)
    return _common.verdict(status, "the harder task moves the deeper layers more",
                           f"P(digits bee's depth ratio > 64-D moons bee's) = "
                           f"{_common.per_seed(lifted, '.2f')}; thresholds {HOLDS} / {FAILS}")


if __name__ == "__main__":
    main()
