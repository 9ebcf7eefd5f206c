"""Seed 004 HW1-3, "Number of parameters v.s. Generalization", on digits.

No download is possible here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes, 80/20 stratified split) stand in for MNIST. Twelve swarms of
one-hidden-layer ReLU networks, widths 2 to 192 (160 to 14,400 parameters),
train with Adam (lr 1e-3, batch 128) for the same number of epochs; every bee
records training and test loss and accuracy. Bands across bees show each
against the parameter count.

Claim (the homework's CIFAR-10 picture): as parameters grow the training set is
fitted ever better while the test set stops following, so the generalization
gap (training minus test accuracy, final epoch) grows with the parameter count.
Decided by the Spearman rank correlation of log parameters and the swarms'
median gap over the widths: holds when it is at least 0.7, does not hold when it
is 0 or below, unclear between.

    python examples/params_vs_generalization.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common
from optimization_landscape import spearman

WIDTHS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128, 192)
SEED = 4


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


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    widths, bees, epochs = ((2, 8, 32), 4, 4) if args.quick else (WIDTHS, 16, 60)
    digits = swarm.datasets.digits()
    rows, keep = [], None
    print(f"{'width':>5} {'params':>6} | {'train acc':>19} | {'test acc':>19} | "
          f"{'gap':>20} | {'test loss':>19}")
    for width in widths:
        rec = swarm.train(digits, bees=bees, epochs=epochs, width=width, depth=1,
                          optimizer="adam", lr=1e-3, batch_size=128, seed=SEED,
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
    figure(rows, args.out)
    _common.video_and_report(keep.bees(np.arange(min(8, bees))), args.out,
                             "params_vs_generalization", args.quick, report_of=keep)
    rho, _ = spearman(np.log([r["params"] for r in rows]), [np.median(r["gap"]) for r in rows])
    status = "holds" if rho >= 0.7 else ("does not hold" if rho <= 0 else "unclear")
    best = max(rows, key=lambda r: np.median(r["test_accuracy"]))
    print(f"best median test accuracy {np.median(best['test_accuracy']):.3f} at "
          f"{best['params']} parameters")
    return _common.verdict(status, "the generalization gap grows with the parameter count",
                           f"Spearman rho(log parameters, median gap) = {rho:.2f} over "
                           f"{len(rows)} widths; threshold 0.7")


if __name__ == "__main__":
    main()
