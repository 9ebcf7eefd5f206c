"""Universal approximation in practice (seed 002, experiment 1), one swarm per setting.

One hidden ReLU layer of 2, 4, 16, 64 or 256 units fits sin(12x), the quartic
-2x + x^2 + x^3 - 2x^4 and |x| on [-1, 1] from 50 points (Adam, lr 0.01, full
batch). The seed ran one network per setting; here every setting is a swarm,
so the table gives the MSE median and 10-90% spread, and, for each step up in
width, the chance that a single run (as in the seed) would have shown the
wider network doing worse. The figure is the seed's grid: rows are functions,
columns hidden units, each with the truth, the median bee and the swarm's band.

Claim: MSE falls as hidden units grow. It holds when the median MSE falls at
every step for every function; it does not hold when the widest setting's
median is not below the narrowest's for some function.

    python examples/hidden_units.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common

FUNCTIONS = {"sin(12x)": "sin12", "quartic": "poly", "|x|": "abs"}
SEED = 2


def run(target: str, units: list[int], bees: int, epochs: int) -> dict:
    """{hidden units: Recording} for one function."""
    return {n: swarm.train(target, bees=bees, epochs=epochs, width=n, optimizer="adam", lr=0.01,
                           domain=(-1, 1), points=50, record_every=max(1, epochs // 50),
                           seed=SEED, progress=False)
            for n in units}


def inversion_chance(narrow: np.ndarray, wide: np.ndarray) -> float:
    """P(one wide run's MSE > one narrow run's) over all pairs of bees: how often a
    one-run experiment would see this step go the wrong way."""
    return float(np.mean(wide[:, None] > narrow[None, :]))


def grid_figure(results: dict, out) -> None:
    units = list(next(iter(results.values())))
    size = (2.3 * len(units), 2.1 * len(results))
    fig, axes = _common.figure(len(results), len(units), size=size, sharex=True, squeeze=False)
    for row, (name, recs) in zip(axes, results.items()):
        for ax, n in zip(row, units):
            rec = recs[n]
            final = rec["ypred"][:, -1]
            lo, hi = np.percentile(final, [10, 90], axis=0)
            mse = rec["loss"][:, -1]
            ax.fill_between(rec.x, lo, hi, color="C0", alpha=0.25, lw=0)
            ax.plot(rec.x, rec.y, "k-", lw=1.2, label="true y")
            ax.plot(rec.x, final[_common.median_bee(rec)], "C1--", lw=1.2,
                    label="median bee (band: 10-90% of bees)")
            ax.set_title(f"{name}, {n} units\nMSE {np.median(mse):.2g}", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               frameon=False, fontsize=8)
    _common.save(fig, out / "hidden_units_grid.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    units, bees, epochs = ([2, 16], 8, 40) if args.quick else ([2, 4, 16, 64, 256], 100, 3000)
    results, steps_down, total_steps, widest_better = {}, 0, 0, True
    for name, target in FUNCTIONS.items():
        results[name] = recs = run(target, units, bees, epochs)
        finals = {n: rec["loss"][:, -1] for n, rec in recs.items()}
        for n, mse in finals.items():
            q10, q50, q90 = np.percentile(mse, [10, 50, 90])
            print(f"{name:>8} {n:>4} units: MSE median {q50:.2e} (10-90%: {q10:.2e}-{q90:.2e}; "
                  f"bee 0 alone: {mse[0]:.2e})")
        for a, b in zip(units, units[1:]):
            down = np.median(finals[b]) < np.median(finals[a])
            steps_down += down
            total_steps += 1
            print(f"{name:>8} {a} -> {b} units: median {'falls' if down else 'does not fall'}; "
                  f"a single run would show it rising with chance "
                  f"{inversion_chance(finals[a], finals[b]):.0%}")
        widest_better &= bool(np.median(finals[units[-1]]) < np.median(finals[units[0]]))
    grid_figure(results, args.out)
    _common.video_and_report(results["|x|"][16], args.out, "hidden_units", args.quick)
    status = "holds" if steps_down == total_steps else (
        "unclear" if widest_better else "does not hold")
    return _common.verdict(status, "MSE falls as hidden units grow",
                           f"median MSE fell at {steps_down} of {total_steps} steps in width")


if __name__ == "__main__":
    main()
