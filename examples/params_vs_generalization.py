"""Seed 004 HW1-3, "Number of parameters v.s. Generalization", on digits.

``--data digits`` (default; nothing can be downloaded here) uses scikit-learn's 1,797
8x8 digits (80/20 stratified split), ``--data mnist`` 1,797 MNIST images. Twelve
swarms of one-hidden-layer ReLU networks, widths 2 to 192 (160 to 14,410
parameters on digits), train with Adam (lr 1e-3, batch 128) for the same number of
epochs; every bee records training and test loss and accuracy. Bands across bees
show each against the parameter count (first data seed).

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| data | MNIST or CIFAR-10 (the picture: CIFAR-10) | none published | digits (MNIST with --data mnist), 3 data seeds |
| models | at least 10 similar-structured models, different parameter counts | - | 12 widths of one hidden layer |
| records | training and test, loss and accuracy | - | the same, final epoch |
| training | not stated | - | Adam lr 1e-3, batch 128, 60 epochs, 8 bees per width and seed |

Claim (the homework's CIFAR-10 picture): as parameters grow the training set is
fitted ever better while the test set stops following, so the generalization gap
(training minus test accuracy, final epoch) grows with the parameter count. Per
data seed, :func:`gap_trend`: the Spearman rank correlation of log parameters and
the swarms' median gap over the widths. ``seed_verdict``: holds when it is at
least 0.7 on every seed, does not hold when it is below 0 on every seed, unclear
otherwise. The same correlation for the loss gap (test minus training loss) is
printed as a second, labelled number (not decided on).

Full run (``nice -n 5 python examples/params_vs_generalization.py --out DIR``,
2026-12-06, 2 shared cores at load 26-36): 8.7 min wall, 65 s CPU. Per data seed 0
/ 1 / 2: Spearman rho(log parameters, median accuracy gap) = 0.04 / 0.46 / 0.73,
**unclear**: the gap rises from about 0 at 160 parameters to 0.01-0.025 by ~900 and
then stays flat or falls slightly to 14,410 (test accuracy keeps rising to
0.98-0.99, the best at the largest widths). The loss gap (test minus training
loss) does grow with the parameter count: rho 0.89 / 0.75 / 0.88 (second row).

    python examples/params_vs_generalization.py [--quick] [--out DIR] [--data ...]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common
from optimization_landscape import spearman

WIDTHS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128, 192)
SEED = 4
SEEDS = (0, 1, 2)  # data seeds of the full run
HOLDS, FAILS = 0.7, 0.0


def gap_trend(params, gaps) -> float:
    """Spearman rho of log ``params`` [width] and the median over bees of ``gaps``
    [width][bee]."""
    rho, _ = spearman(np.log(np.asarray(params, dtype=np.float64)),
                      [np.median(g) for g in gaps])
    return float(rho)


def parameters(rec) -> int:
    """Weights and biases of one bee."""
    return sum(int(np.prod(rec.weights(k).shape[2:]) + rec.biases(k).shape[-1])
               for k in rec.layer_indices)


def figure(rows: list, out):
    """Loss and accuracy at the last epoch against the parameter count, train and test."""
    fig, axes = _common.figure(1, 2, size=(10.0, 3.6))
    n = np.array([r["params"] for r in rows])
    for ax, key, label in ((axes[0], "loss", "cross-entropy"), (axes[1], "accuracy", "accuracy")):
        for split, color in (("", "C0"), ("test_", "C3")):
            values = np.stack([r[split + key] for r in rows], 1)  # [bee, width]
            _common.band(ax, n, values, label=("test" if split else "training"), color=color)
        ax.set(xscale="log", xlabel="parameters", ylabel=label,
               yscale="log" if key == "loss" else "linear")
        ax.legend(frameon=False)
    axes[0].set_title("final loss (median, 10-90% of bees)")
    axes[1].set_title("final accuracy")
    _common.save(fig, out / "params_vs_generalization.png")


def run_seed(args, seed: int, widths, bees: int, epochs: int):
    """Rows of one data seed (one per width) and the width-32 Recording."""
    data = _common.load_data(args, samples=1797, seed=seed)
    rows, keep = [], None
    print(f"{'width':>5} {'params':>6} | {'train acc':>19} | {'test acc':>19} | "
          f"{'gap':>20} | {'test loss':>19}")
    for width in widths:
        rec = swarm.train(data, bees=bees, epochs=epochs, width=width, depth=1,
                          optimizer="adam", lr=1e-3, batch_size=128, seed=SEED + seed,
                          record_every=max(1, epochs // 30), progress=False)
        r = {k: rec[k][:, -1].astype(np.float64)
             for k in ("loss", "test_loss", "accuracy", "test_accuracy")}
        r.update(params=parameters(rec), width=width)
        r["gap"] = r["accuracy"] - r["test_accuracy"]
        rows.append(r)
        keep = rec if width == 32 or keep is None else keep
        print(f"{width:>5} {r['params']:>6} | {_common.spread(r['accuracy'])} | "
              f"{_common.spread(r['test_accuracy'])} | {_common.spread(r['gap'], '+.3f')} | "
              f"{_common.spread(r['test_loss'])}")
    best = max(rows, key=lambda r: np.median(r["test_accuracy"]))
    print(f"best median test accuracy {np.median(best['test_accuracy']):.3f} at "
          f"{best['params']} parameters")
    return rows, keep


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv, data=True)
    widths, bees, epochs, seeds = ((2, 8, 32), 4, 4, SEEDS[:1]) if args.quick \
        else (WIDTHS, 8, 60, SEEDS)
    acc, loss, first = [], [], None
    for seed in seeds:
        print(f"-- data seed {seed}")
        rows, keep = run_seed(args, seed, widths, bees, epochs)
        params = [r["params"] for r in rows]
        acc.append(gap_trend(params, [r["gap"] for r in rows]))
        loss.append(gap_trend(params, [r["test_loss"] - r["loss"] for r in rows]))
        first = first or (rows, keep)
    rows, keep = first
    figure(rows, args.out)
    _common.video_and_report(keep.bees(np.arange(min(8, bees))), args.out,
                             "params_vs_generalization", args.quick, report_of=keep)
    print(f"second row, the loss gap (test minus training loss): Spearman rho = "
          f"{_common.per_seed(loss, '.2f')}")
    return _common.verdict(_common.seed_verdict(acc, HOLDS, FAILS),
                           "the generalization gap grows with the parameter count",
                           f"Spearman rho(log parameters, median accuracy gap) = "
                           f"{_common.per_seed(acc, '.2f')} over {len(rows)} widths; "
                           f"thresholds {HOLDS} / {FAILS}")


if __name__ == "__main__":
    main()
