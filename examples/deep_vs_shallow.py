"""Deep vs shallow at equal parameter count (seed 004 HW1-1, seed 002's depth question).

Three ReLU networks of about 570 parameters each, 1 -> 190 -> 1, 1 -> 22 -> 22
-> 1 and five hidden layers of 11, fit two non-linear functions on [0, 1]
(``sinc(5*pi*x)`` = sin(5 pi x) / (5 pi x) and its sign, the homework's
functions). "Tune all models to the best": each architecture's swarm spreads
its bees over four Adam learning rates (one value per bee), and each
architecture is judged at its own best rate. Printed: parameter counts, final
loss median and 10-90% band per architecture, and how often a deep bee beats a
shallow one. Figures: loss per epoch (median and band across bees) and the
predictions against the truth.

Claim: the deeper network fits better at equal parameters. Decided by the
five-layer net against the one-layer net on each function: it holds when the
deep median final loss is lower and a deep bee beats a shallow bee in at least
75% of (deep, shallow) pairs, on both functions.

    python examples/deep_vs_shallow.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common

ARCHS = {"1x190": (190, 1), "2x22": (22, 2), "5x11": (11, 5)}  # name: (width, depth)
FUNCTIONS = {"sinc(5*pi*x)": "sinc(5*pi*x)", "sign(sin(5*pi*x))": "sign(sin(5*pi*x))"}
DOMAIN = (0.0, 1.0)
RATES = np.array([3e-4, 1e-3, 3e-3, 1e-2])
SEED = 4


def parameter_count(width: int, depth: int) -> int:
    """Weights and biases of 1 -> width (x depth) -> 1."""
    return 2 * width + (depth - 1) * (width * width + width) + width + 1


def best_rate(rec, lrs: np.ndarray) -> tuple[float, np.ndarray]:
    """The learning rate with the lowest median final loss, and the mask of its bees."""
    final = rec["loss"][:, -1]
    medians = {lr: np.nanmedian(final[lrs == lr]) for lr in RATES}
    best = min(medians, key=medians.get)
    return best, lrs == best


def run(function: str, bees_per_rate: int, epochs: int) -> dict:
    """One swarm per architecture; returns {arch: (Recording of the best rate's bees, lr)}."""
    lrs = np.repeat(RATES, bees_per_rate)
    out = {}
    for name, (width, depth) in ARCHS.items():
        rec = swarm.train(FUNCTIONS[function], bees=lrs.size, epochs=epochs, width=width,
                          depth=depth, optimizer="adam", lr=lrs, domain=DOMAIN, points=201,
                          record_every=max(1, epochs // 200), seed=SEED, progress=False)
        lr, mask = best_rate(rec, lrs)
        out[name] = (rec.bees(mask), lr)
    return out


def plot(function: str, runs: dict, out) -> None:
    fig, (ax_loss, ax_fit) = _common.figure(1, 2, size=(10.0, 3.6))
    for name, (rec, lr) in runs.items():
        line = _common.band(ax_loss, rec.epoch + 1, rec["loss"], label=f"{name} (lr {lr:g})",
                            log=True)
        ax_fit.plot(rec.x, rec["ypred"][_common.median_bee(rec), -1], color=line.get_color(),
                    lw=1.2,
                    label=f"{name}, median bee")
    ax_loss.set(xscale="log", xlabel="epoch", ylabel="MSE (median, 10-90%)",
                title=f"{function}: loss per epoch")
    ax_loss.legend(frameon=False, fontsize=8)
    ax_fit.plot(rec.x, rec.y, color="k", lw=2, alpha=0.35, label="truth")
    ax_fit.set(xlabel="x", title="predictions at the last epoch")
    ax_fit.legend(frameon=False, fontsize=8)
    _common.save(fig, out / f"deep_vs_shallow_{function.split('(')[0]}.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees_per_rate, epochs = (2, 30) if args.quick else (16, 3000)
    for name, (width, depth) in ARCHS.items():
        print(f"{name}: {parameter_count(width, depth)} parameters")
    wins = {}
    for function in FUNCTIONS:
        runs = run(function, bees_per_rate, epochs)
        for name, (rec, lr) in runs.items():
            q10, q50, q90 = np.nanpercentile(rec["loss"][:, -1], [10, 50, 90])
            print(f"{function:>18} {name:>6} best lr {lr:<6g} final MSE median {q50:.2e} "
                  f"(10-90%: {q10:.2e}-{q90:.2e})")
        deep, shallow = runs["5x11"][0]["loss"][:, -1], runs["1x190"][0]["loss"][:, -1]
        # P(deep loss < shallow loss) = P(shallow loss > deep loss)
        wins[function] = (_common.win_rate(shallow, deep), np.median(deep) < np.median(shallow))
        print(f"{function:>18} a 5x11 bee beats a 1x190 bee in {wins[function][0]:.0%} of pairs")
        plot(function, runs, args.out)
        if function == next(iter(FUNCTIONS)):
            _common.video_and_report(runs["5x11"][0], args.out, "deep_vs_shallow", args.quick)
    shown = ", ".join(f"{f}: {w:.0%}" for f, (w, _) in wins.items())
    holds = all(w >= 0.75 and lower for w, lower in wins.values())
    fails = all(w <= 0.5 for w, _ in wins.values())
    status = "holds" if holds else ("does not hold" if fails else "unclear")
    return _common.verdict(status, "deeper fits better at equal parameters (5x11 vs 1x190)",
                           f"5x11 bee beats 1x190 bee in {shown} of pairs; threshold 75%")


if __name__ == "__main__":
    main()
