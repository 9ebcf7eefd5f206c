"""Seed 004 HW1-2, "visualise the optimisation process", on digits: weight trajectories by PCA.

MNIST cannot be downloaded here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes) stand in for it. A hive of two swarms of 64 -> 32 -> 10
ReLU MLPs (2,410 parameters) learns the digits with Adam (lr 0.001 and 0.01,
minibatches of 128) for 30 epochs, weights collected every 3 epochs (the
seed: "collect the weights every 3 epochs, and train 8 times"). One PCA fitted
on every bee of both swarms at once (``metrics.shared_weight_pca``) reduces the
first layer's weights and the whole model's weights and biases to 2-D. Figures:
8 bees' trajectories with the training loss written beside each point (the
seed's figure), and every bee of both swarms in the same plane; a video of the
8 bees moving with their loss beside them, and a report.

Claim (the seed's picture of 8 runs leaving the middle in different
directions): bees that differ only in their random start move off in
different directions. Decided in the full weight space (not the PCA plane) by
the cosine between two bees' total displacements (weights and biases at the
last epoch minus the first), over all pairs of bees of the same swarm: holds
when the median cosine is below 0.2 in both swarms, does not hold when it is
above 0.5 in either.

    python examples/digits_weight_trajectories.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import datasets, metrics

import _common
from optimization_landscape import Trajectories

RATES = [1e-3, 1e-2]
WIDTH, BATCH, EVERY, SEED = 32, 128, 3, 7


class LossTrajectories(Trajectories):
    """Trajectories with each bee's training loss written beside its current point."""

    def __init__(self, traj: np.ndarray, loss: np.ndarray, title: str, epochs: np.ndarray):
        super().__init__(traj, title, epochs)
        self.loss = loss  # [bee, epoch]

    def draw(self, canvas, frame):
        super().draw(canvas, frame)
        for path, loss in zip(self.traj, self.loss):
            canvas.text(f"{loss[frame]:.2f}", path[frame, 0], path[frame, 1], coords="data",
                        size=8, color="#444444")


def displacements(rec) -> np.ndarray:
    """Each bee's last-minus-first recorded weights and biases, float64 [bee, parameter]."""
    flat = np.concatenate([a.reshape(rec.num_bees, rec.num_epochs, -1)
                           for k in rec.layer_indices for a in (rec.weights(k), rec.biases(k))],
                          -1).astype(np.float64)
    return flat[:, -1] - flat[:, 0]


def pair_cosines(d: np.ndarray) -> np.ndarray:
    """Cosines between the rows of ``d`` [bee, parameter], over all pairs of different bees."""
    unit = d / np.linalg.norm(d, axis=1, keepdims=True)
    return (unit @ unit.T)[np.triu_indices(d.shape[0], 1)]


def trajectories_figure(pcas: dict, recs: list, shown: int, out) -> None:
    """8 bees with the loss beside each point (left: first layer, right: whole model)."""
    fig, axes = _common.figure(1, 2, size=(11.0, 4.6))
    rec = recs[0]
    for ax, (what, pca) in zip(axes, pcas.items()):
        traj = pca[0].trajectories[:shown]
        for b, path in enumerate(traj):
            ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1)
            for (px, py), loss in zip(path, rec["loss"][b]):
                ax.annotate(f"{loss:.2f}", (px, py), fontsize=5, alpha=0.7)
        ax.set(title=f"{what}: {shown} bees at lr {RATES[0]:g}, loss beside each point",
               xlabel=f"PC 1 ({pca[0].explained[0]:.0%})",
               ylabel=f"PC 2 ({pca[0].explained[1]:.0%})")
    _common.save(fig, out / "digits_weight_trajectories_pca.png")


def hive_figure(pcas: dict, out) -> None:
    """Every bee of both swarms in the shared planes, coloured by learning rate."""
    fig, axes = _common.figure(1, 2, size=(11.0, 4.2))
    for ax, (what, pca) in zip(axes, pcas.items()):
        for i, (lr, part) in enumerate(zip(RATES, pca)):
            for b, path in enumerate(part.trajectories):
                ax.plot(path[:, 0], path[:, 1], "-", color=f"C{i}", lw=0.6, alpha=0.5,
                        label=f"lr {lr:g}" if b == 0 else None)
                ax.plot(path[-1, 0], path[-1, 1], "o", color=f"C{i}", ms=2)
        ax.set(title=f"{what}: one PCA for both swarms (dots: last epoch)", xlabel="PC 1",
               ylabel="PC 2")
        ax.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "digits_weight_trajectories_hive.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, samples = (3, 6, 400) if args.quick else (32, 30, None)
    ds = datasets.digits(samples)
    hive = swarm.hive.hive({"lr": RATES}, target=ds, bees=bees, width=WIDTH, depth=1,
                           optimizer="adam", batch_size=BATCH, epochs=epochs,
                           record_every=EVERY, seed=SEED, progress=False)
    recs = [rec for _, rec in hive]
    pcas = {"first layer": metrics.shared_weight_pca(recs, layer=0),
            "whole model": metrics.shared_weight_pca(recs, biases=True)}
    for what, pca in pcas.items():
        print(f"shared PCA of the {what}: {pca[0].explained.sum():.0%} of the variance in 2 "
              f"components ({recs[0].num_bees * len(recs)} bees x {recs[0].num_epochs} epochs)")
    cosines = {}
    print(f"{'lr':>6}  {'final loss':>22}  {'test accuracy':>22}  {'distance moved':>22}  "
          f"cosine between two bees' displacements")
    for lr, rec in zip(RATES, recs):
        d = displacements(rec)
        cosines[lr] = pair_cosines(d)
        print(f"{lr:>6g}  {_common.spread(rec['loss'][:, -1]):>22}  "
              f"{_common.spread(rec['test_accuracy'][:, -1]):>22}  "
              f"{_common.spread(np.linalg.norm(d, axis=1), '.2f'):>22}  "
              f"{_common.spread(cosines[lr])}")
    shown = min(8, bees)
    trajectories_figure(pcas, recs, shown, args.out)
    hive_figure(pcas, args.out)
    half = max(1, shown // 2)  # the video: half the bees from each swarm
    pick = [np.arange(half), np.arange(half)]
    views = [LossTrajectories(np.concatenate([p.trajectories[i] for p, i in zip(pca, pick)]),
                              np.concatenate([r["loss"][i] for r, i in zip(recs, pick)]),
                              f"{what} ({half} bees at lr {RATES[0]:g}, {half} at {RATES[1]:g})",
                              recs[0].epoch)
             for what, pca in pcas.items()]
    _common.video_and_report(recs[0].bees(np.arange(shown)), args.out,
                             "digits_weight_trajectories", args.quick, report_of=recs[0],
                             panels=views, title="digits: weights in one PCA plane",
                             size=(960, 432))
    medians = {lr: float(np.median(c)) for lr, c in cosines.items()}
    shown_m = ", ".join(f"lr {lr:g}: {m:.2f}" for lr, m in medians.items())
    status = "holds" if max(medians.values()) < 0.2 else (
        "does not hold" if max(medians.values()) > 0.5 else "unclear")
    return _common.verdict(status, "bees move off from their random starts in different "
                           "directions", f"median cosine between two bees' displacements "
                           f"{shown_m}; threshold 0.2")


if __name__ == "__main__":
    main()
