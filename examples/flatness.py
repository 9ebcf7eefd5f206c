"""Seed 004 HW1-3, "Flatness v.s. Generalization", on digits.

No download is possible here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes, 80/20 stratified split) stand in for MNIST. One hive of six
training approaches of the same ReLU network (64 -> 32 -> 32 -> 10, Adam, the
same epochs): batch 32, 64, 128, 256 and 1,024 at lr 1e-3, and batch 64 at lr
1e-2. Bee i of every swarm starts from the same weights.

Part 1: the straight line from bee i of one swarm to bee i of another
(``metrics.interpolate_swarms``), alpha from -1 to 2: training and test loss
and accuracy along it, as bands across bees, for batch 64 vs 1,024 and for lr
1e-3 vs 1e-2. Sharpness of an end: the training loss's second difference along
the line there, L(end - 0.25) + L(end + 0.25) - 2 L(end) (the same distance in
weight space at both ends; a slope, as at an end that has not converged, cancels).

Part 2: for every bee of the six swarms, the sensitivity (Frobenius norm of the
gradient of the training loss with respect to the inputs, ``metrics.sensitivity``)
against its test accuracy.

Claims and thresholds, fixed before the full run:

1. The small-batch minimum is flatter: the second difference is smaller at the
   batch-64 end than at the batch-1,024 end. Holds when that is so for at least
   75% of bee pairs, does not hold at 50% or fewer.
2. (the last verdict line) Less sensitive bees generalize better: Spearman rho
   of sensitivity and test accuracy over all bees of all approaches at most
   -0.3 with a permutation p < 0.05 holds; 0 or above does not hold.

    python examples/flatness.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import metrics
from swarm.hive import hive as train_hive

import _common
from optimization_landscape import spearman

SEED = 5
APPROACHES = [{"batch_size": 32, "lr": 1e-3}, {"batch_size": 64, "lr": 1e-3},
              {"batch_size": 128, "lr": 1e-3}, {"batch_size": 256, "lr": 1e-3},
              {"batch_size": 1024, "lr": 1e-3}, {"batch_size": 64, "lr": 1e-2}]
ALPHAS = np.round(np.linspace(-1.0, 2.0, 61), 6)
STEP = 0.25  # sharpness: second difference over this step (in units of the line)


def name(params: dict) -> str:
    return f"batch {params['batch_size']}, lr {params['lr']:g}"


def at(alpha: float) -> int:
    return int(np.flatnonzero(np.isclose(ALPHAS, alpha))[0])


def sharpness(line, end: float) -> np.ndarray:
    """Per bee, L(end - STEP) + L(end + STEP) - 2 L(end) of the training loss along the line."""
    loss = line.loss
    return loss[:, at(end - STEP)] + loss[:, at(end + STEP)] - 2 * loss[:, at(end)]


def line_figure(lines: dict, out):
    fig, axes = _common.figure(2, len(lines), size=(10.0, 6.0), squeeze=False)
    for col, ((a, b), line) in enumerate(lines.items()):
        for key, row, ylabel in (("loss", 0, "cross-entropy"), ("accuracy", 1, "accuracy")):
            ax = axes[row, col]
            _common.band(ax, line.alpha, getattr(line, key), label="training", color="C0",
                         log=key == "loss")
            _common.band(ax, line.alpha, getattr(line, "test_" + key), label="test", color="C3",
                         log=key == "loss")
            for end in (0, 1):
                ax.axvline(end, color="k", lw=0.6, ls=":")
            ax.set(xlabel=f"alpha (0: {a}, 1: {b})", ylabel=ylabel)
        axes[0, col].set_title(f"{a}  →  {b}", fontsize=10)
    axes[0, 0].legend(frameon=False)
    _common.save(fig, out / "flatness_interpolation.png")


def sensitivity_figure(results: list, out):
    fig, ax = _common.figure(size=(6.0, 4.0))
    for params, sens, acc in results:
        ax.scatter(sens, acc, s=12, alpha=0.7, label=name(params))
    ax.set(xscale="log", xlabel="sensitivity |d loss / d x|_F (training inputs)",
           ylabel="test accuracy", title="sensitivity vs test accuracy, every bee")
    ax.legend(frameon=False, fontsize=7)
    _common.save(fig, out / "flatness_sensitivity.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs = (4, 3) if args.quick else (12, 150)
    hive = train_hive(APPROACHES, target=swarm.datasets.digits(), bees=bees, epochs=epochs,
                      width=32, depth=2, optimizer="adam", seed=SEED,
                      record_every=max(1, epochs // 20), progress=False)
    recs = {name(p): rec for p, rec in hive}
    results = []
    print(f"{'approach':>22} | {'train acc':>19} | {'test acc':>19} | {'sensitivity':>25}")
    for params, rec in hive:
        sens = metrics.sensitivity(rec)
        acc = rec["test_accuracy"][:, -1].astype(np.float64)
        results.append((params, sens, acc))
        print(f"{name(params):>22} | {_common.spread(rec['accuracy'][:, -1])} | "
              f"{_common.spread(acc)} | {_common.spread(sens, '.2e')}")

    pairs = [("batch 64, lr 0.001", "batch 1024, lr 0.001"),
             ("batch 64, lr 0.001", "batch 64, lr 0.01")]
    lines = {(a, b): metrics.interpolate_swarms(recs[a], recs[b], ALPHAS) for a, b in pairs}
    for (a, b), line in lines.items():
        loss, acc = (line.loss, line.test_accuracy)
        print(f"{a} -> {b}: training loss at alpha 0 / 0.5 / 1: "
              f"{' / '.join(_common.spread(loss[:, at(x)], '.2e') for x in (0, 0.5, 1))}; test "
              f"accuracy {' / '.join(_common.spread(acc[:, at(x)]) for x in (0, 0.5, 1))}; "
              f"sharpness at the ends {_common.spread(sharpness(line, 0.0), '.2e')} vs "
              f"{_common.spread(sharpness(line, 1.0), '.2e')}")
    line_figure(lines, args.out)
    sensitivity_figure(results, args.out)
    small = recs["batch 64, lr 0.001"]
    _common.video_and_report(small.bees(np.arange(min(8, bees))), args.out, "flatness",
                             args.quick, report_of=small)

    batch = lines[pairs[0]]
    share = float(np.mean(sharpness(batch, 0.0) < sharpness(batch, 1.0)))
    status = "holds" if share >= 0.75 else ("does not hold" if share <= 0.5 else "unclear")
    _common.verdict(status, "the batch-64 minimum is flatter than the batch-1024 one",
                    f"second difference smaller at the batch-64 end in {share:.0%} of {bees} "
                    f"pairs; "
                    f"threshold 75%")
    sens = np.concatenate([s for _, s, _ in results])
    acc = np.concatenate([a for _, _, a in results])
    ok = np.isfinite(sens) & np.isfinite(acc)
    rho, p = spearman(sens[ok], acc[ok])
    status = "holds" if rho <= -0.3 and p < 0.05 else ("does not hold" if rho >= 0 else "unclear")
    return _common.verdict(status, "less sensitive bees generalize better",
                           f"Spearman rho(sensitivity, test accuracy) = {rho:.2f}, permutation "
                           f"p = {p:.4f}, {ok.sum()} bees of {len(results)} approaches")


if __name__ == "__main__":
    main()
