"""Seed 004 HW1-1, "train on actual tasks": shallow vs deep MLPs and a small CNN on digits.

MNIST cannot be downloaded here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes, 20% held out) stand in for it. Three MLPs of about 3,000
parameters each, 64 -> 40 -> 10 (3,010), 64 -> 29 -> 29 -> 10 (3,055) and
64 -> 24 -> 24 -> 24 -> 10 (3,010), and one small CNN through ``model=`` (a 3x3
convolution to 16 channels, ReLU, 2x2 max pooling, a linear layer: 2,730
parameters) learn the digits with Adam in minibatches of 128 for 20 epochs.
"Tune all models to the best": each MLP's swarm is a hive over three learning
rates (one batched call), and each MLP is judged at the rate with the lowest
median final training loss. The CNN, many times slower per bee on this CPU,
is a smaller swarm at lr 0.003 only. Printed: the parameter counts, and per
architecture the final training loss, test accuracy and the epochs to reach
90% training accuracy (medians and 10-90% spreads across bees). Figures: loss
and accuracy per epoch as bands across bees; a video and a report of the
deepest MLP's swarm.

Claims, decided by the final test accuracy of each bee:

1. The deeper MLP ends better at equal parameters: a 3x24 bee beats a 1x40 bee
   in at least 75% of (deep, shallow) pairs (ties count half) and its median is
   higher; it does not hold at 50% or below.
2. The CNN ends better than every MLP (the seed's "CNN is easier to see the
   difference"): a CNN bee beats a bee of the best MLP in at least 75% of
   pairs; it does not hold at 50% or below.

    python examples/digits_deep_vs_shallow.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

import swarm
from swarm import datasets, metrics

import _common

MLPS = {"1x40": (40, 1), "2x29": (29, 2), "3x24": (24, 3)}  # name: (width, depth)
RATES = [1e-3, 3e-3, 1e-2]
CNN_RATE, BATCH, SEED = 3e-3, 128, 4


class SmallCNN(nn.Module):
    """8x8 image -> 3x3 convolution (16 channels, zero padding) -> ReLU -> 2x2 max pool -> 10.

    The convolution is a linear layer over the 3x3 patches (as ``nn.Conv2d`` computes
    it), which vmap batches over bees faster than a grouped convolution on a CPU.
    """

    def __init__(self, channels: int = 16):
        super().__init__()
        self.channels = channels
        self.conv = nn.Linear(9, channels)
        self.out = nn.Linear(16 * channels, 10)

    def forward(self, x):  # [sample, 64] -> [sample, 10]
        img = nn.functional.pad(x.reshape(-1, 8, 8), (1, 1, 1, 1))
        patches = torch.stack([img[:, i:i + 8, j:j + 8] for i in range(3) for j in range(3)], -1)
        h = torch.relu(self.conv(patches))  # [sample, 8, 8, channel]
        h = h.reshape(-1, 4, 2, 4, 2, self.channels).amax((2, 4))
        return self.out(h.reshape(h.shape[0], -1))


def mlp_parameters(width: int, depth: int) -> int:
    """Weights and biases of 64 -> width (x depth) -> 10."""
    return 65 * width + (depth - 1) * (width * width + width) + 10 * width + 10


def train_all(ds, bees: int, cnn_bees: int, epochs: int) -> dict:
    """{name: (Recording, lr)}: each MLP at its best rate of a hive, and the CNN."""
    runs = {}
    common = dict(epochs=epochs, optimizer="adam", batch_size=BATCH, seed=SEED, progress=False)
    for name, (width, depth) in MLPS.items():
        hive = swarm.hive.hive({"lr": RATES}, target=ds, bees=bees, width=width, depth=depth,
                               **common)
        medians = [np.nanmedian(rec["loss"][:, -1]) for _, rec in hive]
        params, rec = hive[int(np.argmin(medians))]
        runs[name] = (rec, params["lr"])
    runs["CNN"] = (swarm.train(ds, bees=cnn_bees, model=SmallCNN, lr=CNN_RATE, **common),
                   CNN_RATE)
    return runs


def curves_figure(runs: dict, out) -> None:
    fig, axes = _common.figure(1, 3, size=(12.0, 3.5))
    for name, (rec, lr) in runs.items():
        e = rec.epoch + 1
        _common.band(axes[0], e, rec["loss"], label=f"{name} (lr {lr:g})", log=True)
        _common.band(axes[1], e, rec["accuracy"], label=name)
        _common.band(axes[2], e, rec["test_accuracy"], label=name)
    axes[0].set(xlabel="epoch", ylabel="cross-entropy", title="training loss")
    axes[1].set(xlabel="epoch", ylabel="accuracy", title="training accuracy")
    axes[2].set(xlabel="epoch", ylabel="accuracy", title="test accuracy (held-out 20%)")
    axes[0].legend(frameon=False, fontsize=8)
    fig.suptitle("digits (8x8, standing in for MNIST): median and 10-90% band across bees")
    _common.save(fig, out / "digits_deep_vs_shallow_curves.png")


def final_figure(runs: dict, out) -> None:
    fig, ax = _common.figure(size=(5.0, 3.4))
    names = list(runs)
    ax.boxplot([runs[n][0]["test_accuracy"][:, -1] for n in names], whis=(10, 90),
               showfliers=False)
    for i, n in enumerate(names, 1):
        acc = runs[n][0]["test_accuracy"][:, -1]
        ax.plot(np.full(acc.size, i) + np.linspace(-0.15, 0.15, acc.size), acc, ".", ms=3,
                alpha=0.5)
    ax.set(xticks=range(1, len(names) + 1), xticklabels=names, ylabel="final test accuracy",
           title="each bee's final test accuracy")
    _common.save(fig, out / "digits_deep_vs_shallow_final.png")


def claim(name: str, rate: float, higher: bool) -> str:
    status = "holds" if rate >= 0.75 and higher else ("does not hold" if rate <= 0.5 else "unclear")
    return _common.verdict(status, name, f"win rate {rate:.0%} of pairs on final test "
                                         f"accuracy; threshold 75%")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, cnn_bees, epochs, samples = (2, 2, 3, 400) if args.quick else (24, 8, 20, None)
    ds = datasets.digits(samples)
    for name, (width, depth) in MLPS.items():
        print(f"{name}: {mlp_parameters(width, depth)} parameters")
    print(f"CNN: {sum(p.numel() for p in SmallCNN().parameters())} parameters")
    runs = train_all(ds, bees, cnn_bees, epochs)
    print(f"{'arch':>5} {'lr':>6} {'bees':>4}  {'final train loss':>24}  "
          f"{'final test accuracy':>24}"
          f"  epochs to 90% train accuracy")
    for name, (rec, lr) in runs.items():
        reach = metrics.epochs_to_threshold(rec, "accuracy", 0.9) + 1  # epochs counted from 1
        print(f"{name:>5} {lr:>6g} {rec.num_bees:>4}  {_common.spread(rec['loss'][:, -1]):>24}  "
              f"{_common.spread(rec['test_accuracy'][:, -1]):>24}  {_common.spread(reach, '.0f')} "
              f"({np.isfinite(reach).sum()} bees reached it)")
    curves_figure(runs, args.out)
    final_figure(runs, args.out)
    _common.video_and_report(runs["3x24"][0], args.out, "digits_deep_vs_shallow", args.quick,
                             title="3x24 MLP on digits")
    final = {n: r["test_accuracy"][:, -1] for n, (r, _) in runs.items()}
    deep, shallow = final["3x24"], final["1x40"]
    claim("the deeper MLP (3x24) ends better than the shallow one (1x40)",
          _common.win_rate(deep, shallow), np.median(deep) > np.median(shallow))
    best = max(MLPS, key=lambda n: np.median(final[n]))
    return claim(f"the CNN ends better than every MLP (the best: {best})",
                 _common.win_rate(final["CNN"], final[best]),
                 np.median(final["CNN"]) > np.median(final[best]))


if __name__ == "__main__":
    main()
