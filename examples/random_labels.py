"""Seed 004 HW1-3 and seed 002: can a network fit random labels, and how fast, on digits?

MNIST cannot be downloaded here, so scikit-learn's bundled 8x8 digits stand in
for it: 600 of the 1,797 images (480 to train, 120 held out), so that the
swarm can memorise them within a few minutes of this CPU. Seed 004 trains 3
hidden layers of 256 units on MNIST; here 3 hidden layers of 64 (12,874
parameters, 27 per training image) on the smaller set. Two swarms of one
hive, full batch, Adam at lr 0.001: one on the true labels, one with every
training label replaced by a class drawn uniformly at random
(``random_labels=1.0``, so about 10% still agree with the truth by chance);
the held-out labels stay true. Printed and drawn: training and test accuracy
per epoch (median and 10-90% band across bees) and the epochs each bee needs
to reach 90% training accuracy.

Claim (seed 004: the network fits random labels; seed 002, after Arpit et al.:
it learns them more slowly than true labels): holds when, on random labels,
the median final training accuracy is at least 90%, the median final test
accuracy at most 20% (chance is 10%), and the median epochs to 90% training
accuracy at least twice that on true labels. Does not hold when the random
labels are not fitted (median final training accuracy below 50%) or are
learned at least as fast as the true ones; unclear otherwise.

    python examples/random_labels.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import metrics

import _common

WIDTH, DEPTH, LR, SEED = 64, 3, 1e-3, 11
LEVEL = 0.9  # "fitted": training accuracy reached


def curves_figure(runs: dict, out) -> None:
    fig, axes = _common.figure(1, 3, size=(12.0, 3.5))
    for name, rec in runs.items():
        e = rec.epoch + 1
        _common.band(axes[0], e, rec["loss"], label=name, log=True)
        _common.band(axes[1], e, rec["accuracy"], label=name)
        _common.band(axes[2], e, rec["test_accuracy"], label=name)
    axes[0].set(xlabel="epoch", ylabel="cross-entropy", title="training loss")
    axes[1].axhline(LEVEL, color="0.6", lw=0.8, ls=":")
    axes[1].set(xlabel="epoch", ylabel="accuracy", title="training accuracy (on its labels)")
    axes[2].axhline(0.1, color="0.6", lw=0.8, ls=":")
    axes[2].set(xlabel="epoch", ylabel="accuracy",
                title="test accuracy (true labels; chance dotted)")
    axes[1].legend(frameon=False)
    fig.suptitle(f"digits, {DEPTH}x{WIDTH} MLP: median and 10-90% band across bees")
    _common.save(fig, out / "random_labels_curves.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, samples = (2, 20, 200) if args.quick else (16, 600, 600)
    data = {"samples": samples, "seed": 1}
    hive = swarm.hive.hive([{"data": {**data, "random_labels": 0.0}},
                            {"data": {**data, "random_labels": 1.0}}],
                           target="digits", bees=bees, epochs=epochs, width=WIDTH, depth=DEPTH,
                           optimizer="adam", lr=LR, record_every=max(1, epochs // 200),
                           batch_size=samples,  # full batch (digits' default is 128)
                           seed=SEED, progress=False)
    runs = {"true labels": hive[0][1], "random labels": hive[1][1]}
    agree = np.mean(runs["random labels"].y == runs["true labels"].y)
    print(f"{runs['true labels'].y.size} training images; {agree:.0%} of the random labels agree "
          f"with the truth")
    reach = {}
    print(f"{'labels':>14}  {'final train accuracy':>22}  {'final test accuracy':>22}  "
          f"epochs to {LEVEL:.0%} train accuracy")
    for name, rec in runs.items():
        reach[name] = metrics.epochs_to_threshold(rec, "accuracy", LEVEL) + 1  # counted from 1
        print(f"{name:>14}  {_common.spread(rec['accuracy'][:, -1]):>22}  "
              f"{_common.spread(rec['test_accuracy'][:, -1]):>22}  "
              f"{_common.spread(reach[name], '.0f')} ({np.isfinite(reach[name]).sum()} of "
              f"{rec.num_bees} bees reached it)")
    curves_figure(runs, args.out)
    _common.video_and_report(runs["random labels"], args.out, "random_labels", args.quick,
                             title="digits with random labels")
    rand = runs["random labels"]
    fit = float(np.median(rand["accuracy"][:, -1]))
    test = float(np.median(rand["test_accuracy"][:, -1]))
    # a bee that never gets there counts as slower than any that does
    slow_r, slow_t = (np.median(np.nan_to_num(reach[n], nan=np.inf))
                      for n in ("random labels", "true labels"))
    ratio = slow_r / slow_t if np.isfinite(slow_t) else float("nan")  # true never: no ratio
    number = (f"random labels: train accuracy {fit:.0%}, test {test:.0%}; epochs to {LEVEL:.0%} "
              f"{slow_r:g} vs {slow_t:g} on true labels (x{ratio:.1f}); thresholds 90%, 20%, x2")
    if fit >= 0.9 and test <= 0.2 and ratio >= 2:
        status = "holds"
    elif fit < 0.5 or ratio <= 1:
        status = "does not hold"
    else:
        status = "unclear"
    return _common.verdict(status, "a swarm fits random labels, tests at chance, and learns "
                           "them more slowly than true labels", number)


if __name__ == "__main__":
    main()
