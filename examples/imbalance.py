"""Class imbalance and oversampling (seed 002, experiment 4).

Seed 002's 2-D mixture of two Gaussians (means 1 and 1/2 apart, the text's 1/i) with
the covariance of its code (``c = U[0,1)^(2x2)``, ``cov = c^T c``, drawn per data
seed): 1,200 training points in all at majority:minority r:1 (so about 12 minority
points at 1:100, as in the seed) and 300 test points at 1:1. Trained as it is and
with the minority oversampled (resampled with replacement up to the majority).

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| data | 2-D, means 1/i apart, same covariance | ``c^T c``, c ~ U[0,1) | the same (``covariance="seed"``), one covariance per data seed |
| sizes | 1,200 train, 300 test at 1:1 | the same | the same: minority ``round(m / r)`` of majority m, total 1,200 |
| ratios | 1:1 to 1:99 | 1, 2, 5, 10, 20, 50, 100 | 1, 10, 100 (cost: the rule reads 1:1 and 1:100) |
| network | not stated | 100-100 sigmoid, Glorot weights and biases | 32-32 sigmoid, Glorot weights and biases (cost on 2 shared cores) |
| training | not stated | Adam 0.003, 500 full-batch steps, cross-entropy | the same |
| preprocessing | - | min-max to [0, 1] | standardised (an affine map per feature, fitted on training) |
| repeats | - | 5 covariances | 3 data seeds x 8 bees per swarm |

The earlier version of this script (identity covariance, 600 majority points, so 6
minority points at 1:100; 16-16 ReLU, Adam 0.01, 300 epochs) found "does not hold"
(drop 0.217, 0% recovered): with 6 points the oversampled swarm carved wedges around
each. That was a different experiment from the seed's.

Printed: per data seed, the best possible test accuracy (``datasets.best_accuracy``)
and per ratio the minority count and the median test accuracy (10-90% across bees)
as it is and oversampled. Figure: both curves (first data seed), and the vote maps at
the largest ratio both ways. Video and report: that swarm without oversampling.

Claim: test accuracy falls with imbalance, and oversampling recovers it. Per data
seed (:func:`seed_status`), with drop = median(1:1) - median(1:100, plain) and
recovered = (median(1:100, oversampled) - median(1:100, plain)) / drop: holds when
drop >= 0.05 and recovered >= 0.5; fails when drop < 0.02 or recovered < 0.2;
otherwise neither. Verdict (``seed_verdict``): holds when every seed holds, does
not hold when every seed fails, else unclear.

Full run (8 bees per swarm, 6 swarms per data seed, 3 seeds; 1,309 s wall and 74 s of
CPU on the shared machine at a load of 17 to 26): median test accuracy as it is /
oversampled at 1:1, 1:10, 1:100 -- seed 1 (best possible 0.788): 0.760 / 0.760,
0.643 / 0.777, 0.500 / 0.733; seed 2 (0.704): 0.703 / 0.703, 0.547 / 0.770, 0.500 /
0.765; seed 3 (0.914): 0.937 / 0.937, 0.833 / 0.917, 0.500 / 0.903. Drop 0.260 /
0.203 / 0.437, recovered 0.90 / 1.30 / 0.92 (seeds): HOLDS on every seed. At 1:100
with its 12 minority points every bee predicts the majority everywhere (0.500); the
oversampled swarm turns its boundary (the seed's "nudge"), as the vote map shows.
Each ratio draws its own 300 test points (as the seed's code does), so accuracies
move by about +-0.03 between ratios (seed 2's 1:10 and 1:100 test sets are easier:
the optimal rule scores 0.773 and 0.757 on them against 0.704 on average).

    python examples/imbalance.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import datasets
from swarm.metrics import decision

import _common

RATIOS = [1, 10, 100]
TRAIN, TEST = 1200, 300  # the seed's training total and its 1:1 test set
WIDTH, DEPTH, STEPS = 32, 2, 500
SEEDS = (1, 2, 3)


def sizes(ratio: float) -> dict:
    """gaussians' ``samples``, ``test`` and ``imbalance`` for TRAIN training points at
    ratio:1 (majority m = TRAIN r / (r + 1), minority round(m / r)) and TEST at 1:1."""
    majority = int(np.floor(TRAIN * ratio / (ratio + 1) + 0.5))
    per_class = majority + TEST // 2
    return {"samples": 2 * per_class, "test": (TEST // 2) / per_class, "imbalance": ratio}


def run(ratio: float, oversample: bool, seed: int, bees: int, steps: int):
    ds = datasets.gaussians(2, covariance="seed", oversample=oversample, seed=seed,
                            **sizes(ratio))
    return swarm.train(ds, bees=bees, epochs=steps, width=WIDTH, depth=DEPTH,
                       record_every=max(1, steps // 100), seed=seed, progress=False,
                       **_common.SEED_NET)


def seed_status(balanced: float, plain: float, over: float) -> float:
    """One data seed's outcome from its median test accuracies at 1:1, at the largest
    ratio as it is, and oversampled: 1 holds (drop >= 0.05 and >= 50% recovered), 0 fails
    (drop < 0.02 or < 20% recovered), 0.5 neither."""
    drop = balanced - plain
    recovered = (over - plain) / drop if drop > 0 else 0.0
    if drop < 0.02 or recovered < 0.2:
        return 0.0
    return 1.0 if drop >= 0.05 and recovered >= 0.5 else 0.5


def vote_panel(ax, rec, title: str) -> None:
    """The share of live bees predicting class 1 over the plane, with the data."""
    maps = decision.decision_maps(rec, epochs=[-1], size=120)
    share = maps["votes"][0, 1] / max(int(np.max(maps["bees"])), 1)
    xs, ys = maps["xs"], maps["ys"]
    image = ax.imshow(share, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]),
                      cmap="RdBu_r", vmin=0, vmax=1, aspect="auto")
    x, first = np.unique(rec.x, axis=0, return_index=True)  # oversampled repeats drawn once
    y = rec.y[first]
    for c, colour in ((0, "#2166ac"), (1, "#b2182b")):
        ax.scatter(*x[y == c].T, s=4 if c == 0 else 14, c=colour, lw=0.3, ec="w",
                   label=f"train, class {c}")
        ax.scatter(*rec["x_test"][rec["y_test"] == c].T, s=8, facecolors="none",
                   edgecolors=colour, lw=0.5, alpha=0.6)
    ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]), xlabel="x1", ylabel="x2", title=title)
    return image


def plot(ratios, accs: dict, recs: dict, best: float, out) -> None:
    fig, axes = _common.figure(1, 3, size=(13.0, 3.8))
    for oversample, label in ((False, "as it is"), (True, "oversampled")):
        table = np.stack([accs[(r, oversample)] for r in ratios], axis=1)
        _common.band(axes[0], ratios, table, label=label)
    axes[0].axhline(best, color="0.5", lw=0.8, ls=":", label="best possible")
    axes[0].set(xscale="log", xlabel="imbalance (majority:minority)",
                ylabel="test accuracy (median, 10-90%)",
                title="2-D Gaussians (seed covariance), 1:1 test")
    axes[0].legend(frameon=False, fontsize=8)
    worst = ratios[-1]
    vote_panel(axes[1], recs[(worst, False)], f"1:{worst:g}, as it is")
    image = vote_panel(axes[2], recs[(worst, True)], f"1:{worst:g}, oversampled")
    fig.colorbar(image, ax=axes[2], label="share of bees voting class 1")
    _common.save(fig, out / "imbalance.png")


def run_seed(seed: int, ratios, bees: int, steps: int):
    """One data seed's swarms: ({(ratio, oversample): final test accuracy [bee]},
    {(ratio, oversample): Recording}, best possible accuracy)."""
    best = datasets.best_accuracy(2, covariance="seed", seed=seed)
    print(f"-- data seed {seed}: best possible test accuracy {best:.3f}")
    print(f"{'ratio':>6} {'minority':>8}  {'as it is':<21}  oversampled")
    accs, recs = {}, {}
    for r in ratios:
        for oversample in (False, True):
            rec = recs[(r, oversample)] = run(r, oversample, seed, bees, steps)
            accs[(r, oversample)] = rec["test_accuracy"][:, -1]
        minority = int(np.sum(recs[(r, False)].y == 1))
        print(f"1:{r:<4g} {minority:>8}  {_common.spread(accs[(r, False)]):<21}  "
              f"{_common.spread(accs[(r, True)])}")
    return accs, recs, best


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    ratios, bees, steps, seeds = ([1, 100], 3, 30, SEEDS[:1]) if args.quick else (
        RATIOS, 8, STEPS, SEEDS)
    statuses, drops, recovered = [], [], []
    for seed in seeds:
        accs, recs, best = run_seed(seed, ratios, bees, steps)
        if seed == seeds[0]:
            plot(ratios, accs, recs, best, args.out)
            _common.video_and_report(recs[(ratios[-1], False)], args.out, "imbalance",
                                     args.quick)
        balanced, plain, over = (float(np.median(accs[k])) for k in
                                 ((ratios[0], False), (ratios[-1], False), (ratios[-1], True)))
        drop = balanced - plain
        drops.append(drop)
        recovered.append((over - plain) / drop if drop > 0 else 0.0)
        statuses.append(seed_status(balanced, plain, over))
        print(f"drop {drop:.3f}, recovered {recovered[-1]:.0%}: "
              f"{['fails', 'neither', 'holds'][int(2 * statuses[-1])]}")
    status = _common.seed_verdict(statuses, 1.0, 0.25)
    return _common.verdict(status, "imbalance lowers test accuracy; oversampling recovers it",
                           f"drop 1:1 to 1:{ratios[-1]:g} {_common.per_seed(drops)} (threshold "
                           f"0.05); recovered {_common.per_seed(recovered, '.2f')} (threshold "
                           "0.5)")


if __name__ == "__main__":
    main()
