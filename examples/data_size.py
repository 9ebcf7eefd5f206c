"""Data size: neural nets against an SVM and a decision tree (seed 002, experiment 3).

Seed 002's 12-D mixture of two Gaussians whose means are 1/i apart in dimension i
(its text) with its code's covariance (``c = U[0,1)^(12x12)``, ``cov = c^T c``, drawn
per data seed). As in the seed's code, one draw of 10,000 samples per data seed: 20%
(2,000 points) is the one test set for every n, and the models at size n train on
the first 0.8 n training points (nested subsets). A shallow swarm (12 -> 32 -> 2) and
a deep swarm (12 -> 32 -> 32 -> 2) against scikit-learn's SVC (RBF, defaults) and
decision tree (defaults; ten random states).

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| data | 12-D, means 1/i apart, same covariance | ``c^T c``, c ~ U[0,1); one draw of n_max, fixed 20% test | the same (``covariance="seed"``), nested training subsets, 2,000 test points |
| sizes | 20 to 10,000 | 20, 50, 100, ..., 10,000 | 20, 100, 500, 2,000, 10,000 (cost) |
| nets | shallow and 2-layer | sklearn MLPClassifier: 100 and 100-100 ReLU, Adam 0.001, batches of 200, <= 200 epochs, L2 1e-4 | 32 and 32-32 ReLU, Adam 0.001, batches of 200, 200 epochs capped at 1,000 steps (cost; sklearn's own stop ends large n early too), no L2 |
| baselines | SVM, trees | SVC(), DecisionTreeClassifier() | the same (ten tree seeds) |
| preprocessing | - | none | standardised on each training subset |
| repeats | - | 3 draws | 3 data seeds x 4 bees per swarm (cost) |

The earlier version (identity covariance, a new 20% split per n, full batch, Adam
0.01, 100 epochs, one data seed) found DOES NOT HOLD: every model sat at the best
possible 0.734 from n = 5,000 on, so "nets ahead, more so with more data" could not
show (audit item 2). With the seed's covariance the best possible accuracy is
printed per data seed (``datasets.best_accuracy``).

Printed: per data seed and n, the median test accuracy (10-90% across bees) of both
swarms, the SVC's, the trees' median, and the gap (better swarm minus better
baseline). Figure: test accuracy against n (first data seed); video and report: the
deep swarm at the largest n.

Claim: neural nets beat both baselines, and the gap grows with n. Per data seed
(:func:`seed_status`): holds when the better swarm's median beats both baselines at 4
or more of the 5 sizes AND the mean gap over n >= 2,000 exceeds the mean gap over n
<= 100; fails when it beats both at fewer than 3; otherwise neither. Verdict
(``seed_verdict``): holds when every seed holds, does not hold when every seed
fails, else unclear.

Full run (4 bees per swarm, 3 data seeds; 227 s wall and 44 s of CPU at a load of 7
to 17): gap (better swarm minus better baseline) at n = 20, 100, 500, 2,000, 10,000
-- seed 1 (best possible 0.992): +0.006 +0.244 +0.183 +0.040 -0.001; seed 2 (0.790):
+0.019 +0.054 +0.031 +0.027 +0.008; seed 3 (1.000): +0.030 +0.131 +0.201 +0.090
+0.010. The better swarm beats both baselines at 4 / 5 / 5 of 5 sizes (seeds), but
on no seed does the gap grow with n: it peaks at n = 100-500 and closes at 10,000,
where the SVC reaches the swarms (0.987 against 0.986 on seed 1): UNCLEAR (each
seed "neither"). With the seed's covariance the nets are clearly ahead of both
baselines at small and middle n (up to +0.24), the seed's first finding; its "the
gap increases with dataset size" holds only up to n = 100-500, as its own caveat
("at least until the accuracy of the neural networks begin to saturate") allows.
The tree stays far behind (0.60-0.69 at n = 10,000).

    python examples/data_size.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

import swarm
from swarm import datasets

import _common

SIZES = [20, 100, 500, 2000, 10000]
NETS = {"shallow 1x32": (32, 1), "deep 2x32": (32, 2)}
DIMS = 12
TREES = 10
BATCH, EPOCHS, MOST_STEPS = 200, 200, 1000
SEEDS = (1, 2, 3)


def baselines(ds) -> tuple[float, np.ndarray]:
    """Test accuracy of the SVC, and of ``TREES`` decision trees [tree], on ``ds``'s split."""
    svc = SVC().fit(ds.x, ds.y).score(ds.x_test, ds.y_test)
    trees = np.array([DecisionTreeClassifier(random_state=r).fit(ds.x, ds.y)
                      .score(ds.x_test, ds.y_test) for r in range(TREES)])
    return float(svc), trees


def draw(seed: int, most: int):
    """The seed's one draw of ``most`` samples: 80% training points in a random order (so
    that every prefix is a random subset), 20% test."""
    base = datasets.gaussians(DIMS, covariance="seed", samples=most, standardize=False,
                              seed=seed)
    order = np.random.default_rng([seed, 42]).permutation(len(base.y))
    return datasets.from_arrays(base.x[order], base.y[order], x_test=base.x_test,
                                y_test=base.y_test, classes=base.classes, name="gaussians",
                                standardize=False, seed=seed)


def subset(base, n: int):
    """The first 0.8 n training points of ``base`` with its whole test set."""
    m = int(0.8 * n)
    return datasets.from_arrays(base.x[:m], base.y[:m], x_test=base.x_test, y_test=base.y_test,
                                classes=base.classes, name="gaussians", seed=base.knobs["seed"])


def epochs_for(m: int, epochs: int) -> int:
    """``epochs`` of batches of BATCH, capped at MOST_STEPS optimizer steps."""
    return int(max(1, min(epochs, MOST_STEPS // -(-m // BATCH))))


def run(base, n: int, bees: int, epochs: int, seed: int) -> dict:
    """{model: final test accuracy per bee (or per tree; one value for the SVC)} at size n."""
    ds = subset(base, n)
    out = {}
    for name, (width, depth) in NETS.items():
        rec = swarm.train(ds, bees=bees, epochs=epochs_for(len(ds.y), epochs), width=width,
                          depth=depth, activation="relu", optimizer="adam", lr=0.001,
                          batch_size=BATCH, record_every=5, seed=seed, progress=False)
        out[name] = rec["test_accuracy"][:, -1]
        out[f"{name} rec"] = rec
    svc, out["tree"] = baselines(ds)
    out["SVC"] = np.array([svc])
    return out


def seed_status(sizes, gaps) -> float:
    """One data seed's outcome from the gap (better swarm minus better baseline) per size:
    1 holds (ahead at >= 4 of 5 sizes, in proportion, and the mean gap at n >= 2,000 above
    that at n <= 100), 0 fails (ahead at < 3 of 5), 0.5 neither."""
    sizes, gaps = np.asarray(sizes), np.asarray(gaps, dtype=np.float64)
    wins = int(np.sum(gaps > 0))
    small, large = gaps[sizes <= 100], gaps[sizes >= 2000]
    grows = bool(small.size and large.size and large.mean() > small.mean())
    if wins < 0.6 * len(sizes):
        return 0.0
    return 1.0 if wins >= 0.8 * len(sizes) and grows else 0.5


def plot(sizes, results: dict, best: float, out) -> None:
    fig, ax = _common.figure(1, 1, size=(6.4, 4.0))
    train_n = 0.8 * np.array(sizes)
    for name in NETS:
        _common.band(ax, train_n, _pad([results[n][name] for n in sizes]),
                     label=f"{name} swarm")
    ax.plot(train_n, [results[n]["SVC"][0] for n in sizes], "k-o", ms=3, lw=1.2, label="SVC")
    ax.plot(train_n, [np.median(results[n]["tree"]) for n in sizes], "k--s", ms=3, lw=1.2,
            label="decision tree (median of 10)")
    ax.axhline(best, color="0.5", lw=0.8, ls=":", label="best possible")
    ax.set(xscale="log", xlabel="training samples", ylabel="test accuracy (median, 10-90%)",
           title="12-D Gaussians, means 1/i apart, seed covariance")
    ax.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "data_size.png")


def _pad(columns: list) -> np.ndarray:
    """Columns of different lengths as one [bee, size] array, NaN where a column is short."""
    table = np.full((max(c.size for c in columns), len(columns)), np.nan)
    for j, c in enumerate(columns):
        table[:c.size, j] = c
    return table


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    sizes, bees, epochs, seeds = ([50, 200], 3, 10, SEEDS[:1]) if args.quick else (
        SIZES, 4, EPOCHS, SEEDS)
    statuses, wins = [], []
    for seed in seeds:
        base = draw(seed, max(sizes))
        best = datasets.best_accuracy(DIMS, covariance="seed", seed=seed)
        print(f"-- data seed {seed}: best possible test accuracy {best:.3f} "
              f"({len(base.y_test)} test points)")
        print(f"{'n':>6}  {'shallow swarm':<21}  {'deep swarm':<21}  {'SVC':>5}  {'tree':>5}  gap")
        results, gaps = {}, []
        for n in sizes:
            results[n] = r = run(base, n, bees, epochs, seed)
            swarm_best = max(np.median(r[name]) for name in NETS)
            gaps.append(swarm_best - max(r["SVC"][0], np.median(r["tree"])))
            print(f"{n:>6}  {_common.spread(r['shallow 1x32']):<21}  "
                  f"{_common.spread(r['deep 2x32']):<21}  {r['SVC'][0]:.3f}  "
                  f"{np.median(r['tree']):.3f}  {gaps[-1]:+.3f}")
        statuses.append(seed_status(sizes, gaps))
        wins.append(int(np.sum(np.array(gaps) > 0)))
        if seed == seeds[0]:
            plot(sizes, results, best, args.out)
            _common.video_and_report(results[sizes[-1]]["deep 2x32 rec"], args.out,
                                     "data_size", args.quick)
    status = _common.seed_verdict(statuses, 1.0, 0.25)
    return _common.verdict(status, "neural nets beat SVC and tree, more so with more data",
                           f"sizes where the better swarm beats both: "
                           f"{_common.per_seed(wins, '.0f')} of {len(sizes)} (threshold "
                           f"{int(np.ceil(0.8 * len(sizes)))}, and a growing gap)")


if __name__ == "__main__":
    main()
