"""Memorisation: true against random labels (seed 002, experiment 5).

Seed 002's 6-D mixture of two Gaussians with its code's separation (1 in every
dimension) and covariance (``c = U[0,1)^(6x6)``, ``cov = c^T c``, drawn per data
seed), all n = 150 samples used for training (the seed's choice for the speed
comparison), once with the true labels and once with the labels shuffled (a
permutation, as the seed's code does: class counts kept). Training accuracy is
followed per epoch; a bee's speed is the number of optimizer steps until its training
accuracy reaches 90%.

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| data | 6-D Gaussians, labels random | means 1 apart per dimension, ``c^T c``, ``np.random.permutation`` of the labels | the same (``covariance="seed"``, a permutation), one covariance per data seed; standardised (the seed did not) |
| n | 50-300, speed at 150 | the same | 150 only (cost); the capacity sweep is the earlier run's (below) |
| network | 200-200-200 | sigmoid, Glorot weights and biases | 64-64-64 sigmoid, Glorot weights and biases (200 wide: 5 min per swarm on the shared cores) |
| training | - | Adam 0.003, 2,500 steps of random batches of 64, cross-entropy | Adam 0.003, 834 epochs of 3 shuffled batches (64, 64, 22) = 2,502 steps |
| repeats | - | 3 draws | 3 data seeds x 8 bees per swarm |

The best possible accuracy of the true labels is printed per seed
(``datasets.best_accuracy``): with the seed's covariance it is 0.95 to 1.0, where the
identity covariance and 1/i means of the earlier version capped it at 0.73 (so its
90% level forced memorising true labels too: audit item 4). That earlier version
(32-32-32 ReLU, Adam 0.001, full batch, 500 epochs, one data seed) found every bee at
100% up to n = 300 for both labelings and random labels reaching 90% *faster* (ratio
0.87): DOES NOT HOLD, a verdict about overlapping classes, not about the seed's data.

Printed: per data seed, the final training accuracy and the steps to 90% for both
labelings, and how often a random-label bee is slower than a true-label bee (pairs,
ties half). Figure: training accuracy per step (first data seed). Video and report:
random labels, first data seed.

Claim: random labels are learned more slowly than true ones. Per data seed
(:func:`seed_status`): holds when the median steps to 90% with random labels is at
least 1.5 times that with true labels (a bee that never gets there counts as slowest)
and a random-label bee is slower in at least 75% of pairs; fails when the ratio is at
most 1; otherwise neither. Verdict (``seed_verdict``): holds when every seed holds,
does not hold when every seed fails, else unclear.

Full run (8 bees per swarm, 2 swarms per data seed, 3 seeds; 2,889 s wall and 261 s
of CPU on the shared machine at a load of 17 to 34, the first seed's report taking
most of it): steps to 90% training accuracy, true / shuffled labels -- seed 1 (best
possible 1.000): 878 / never (shuffled ends at 0.80); seed 2 (0.949): 189 / 2,427
(75% of bees never; ends at 0.85); seed 3 (0.728): never / never (true labels end at
0.78, shuffled at 0.66). Ratios inf / inf / NaN (seeds), a shuffled-label bee slower
in 100% / 100% / 50% of pairs: UNCLEAR by the rule, because seed 3 decides nothing:
its draw of the seed's covariance makes the true labels overlap (best possible 0.73),
so neither labeling reaches 90% in 2,500 steps. On both seeds where the true labels
are learnable the seed's claim holds with room (shuffled labels take 3x to >13x the
steps), and at every seed the true labels stay ahead of the shuffled ones at every
step (the curves never cross). A 64-wide net memorises 150 shuffled points only
partly in 2,500 steps; the seed's 200-wide net may do better.

    python examples/memorization.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import datasets, metrics

import _common

N, DIMS, BATCH, STEPS = 150, 6, 64, 2500
WIDTH, DEPTH = 64, 3
THRESHOLD = 0.9
SEEDS = (1, 2, 3)


def data(seed: int, shuffle: bool, n: int = N):
    """The first ``n`` points of the seed's draw, true or permuted labels, all for training."""
    base = datasets.gaussians(DIMS, separation=1.0, covariance="seed", samples=2 * n, test=0.0,
                              standardize=False, seed=seed)
    x, y = base.x[:n], base.y[:n]
    if shuffle:
        y = np.random.default_rng([seed, 99]).permutation(y)
    return datasets.from_arrays(x, y, test=0.0, name="gaussians", seed=seed)


def run(seed: int, shuffle: bool, bees: int, epochs: int):
    return swarm.train(data(seed, shuffle), bees=bees, epochs=epochs, width=WIDTH, depth=DEPTH,
                       batch_size=BATCH, record_every=1, seed=seed, progress=False,
                       **_common.SEED_NET)


def slowest_when_never(epochs: np.ndarray) -> np.ndarray:
    """Epochs to the threshold with bees that never reach it ranked last (inf)."""
    return np.where(np.isnan(epochs), np.inf, epochs)


def seed_status(random_steps, true_steps) -> float:
    """One data seed's outcome from steps to 90% per bee (inf: never): 1 holds (median ratio
    >= 1.5 and random slower in >= 75% of pairs), 0 fails (ratio <= 1), 0.5 neither; NaN
    (decides nothing) when neither median reaches 90%."""
    with np.errstate(invalid="ignore", divide="ignore"):  # inf / inf: neither reached it
        ratio = np.median(random_steps) / np.median(true_steps)
    slower = _common.win_rate(random_steps, true_steps)
    if np.isnan(ratio):
        return float("nan")
    if ratio <= 1:
        return 0.0
    return 1.0 if ratio >= 1.5 and slower >= 0.75 else 0.5


def plot(recs: dict, steps_per_epoch: int, out) -> None:
    fig, ax = _common.figure(1, 1, size=(6.4, 3.8))
    for name, rec in recs.items():
        _common.band(ax, (rec.epoch + 1) * steps_per_epoch, rec["accuracy"], label=name)
    ax.axhline(THRESHOLD, color="0.5", lw=0.8, ls=":", label=f"{THRESHOLD:.0%}")
    ax.set(ylim=(0.45, 1.03), xlabel="optimizer step", ylabel="training accuracy (median, 10-90%)",
           title=f"n = {N}, 6-D Gaussians (seed covariance), {WIDTH}-{WIDTH}-{WIDTH} sigmoid")
    ax.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "memorization.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    per_epoch = -(-N // BATCH)
    bees, epochs, seeds = (3, 20, SEEDS[:1]) if args.quick else (8, -(-STEPS // per_epoch), SEEDS)
    statuses, ratios = [], []
    for seed in seeds:
        best = datasets.best_accuracy(DIMS, separation=1.0, covariance="seed", seed=seed)
        recs = {"true labels": run(seed, False, bees, epochs),
                "shuffled labels": run(seed, True, bees, epochs)}
        print(f"-- data seed {seed}: best possible accuracy of the true labels {best:.3f}")
        steps = {}
        for name, rec in recs.items():
            steps[name] = slowest_when_never(
                (metrics.epochs_to_threshold(rec, "accuracy", THRESHOLD) + 1) * per_epoch)
            print(f"{name:>15}: final training accuracy {_common.spread(rec['accuracy'][:, -1])}"
                  f"; steps to {THRESHOLD:.0%} {_common.spread(steps[name], '.0f')}, never "
                  f"reached by {np.mean(np.isinf(steps[name])):.0%}")
        rand, true = steps["shuffled labels"], steps["true labels"]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios.append(float(np.median(rand) / np.median(true)))
        statuses.append(seed_status(rand, true))
        print(f"ratio of medians {ratios[-1]:.2f}; a shuffled-label bee is slower in "
              f"{_common.win_rate(rand, true):.0%} of pairs")
        if seed == seeds[0]:
            plot(recs, per_epoch, args.out)
            _common.video_and_report(recs["shuffled labels"], args.out, "memorization",
                                     args.quick)
    status = _common.seed_verdict(statuses, 1.0, 0.25)
    return _common.verdict(status, "random labels are learned more slowly than true ones",
                           f"n = {N}: steps to {THRESHOLD:.0%}, shuffled over true "
                           f"{_common.per_seed(ratios, '.2f')} (threshold 1.5)")


if __name__ == "__main__":
    main()
