"""Seed 004 HW1-2, "observe the gradient norm" and "when the gradient is almost zero", on digits.

MNIST cannot be downloaded here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes) stand in for it.

1. Gradient norm and loss on one figure: a swarm of 64 -> 32 -> 10 ReLU MLPs
   learns the digits with Adam (lr 0.01, minibatches of 128); the engine records
   each bee's full-batch gradient norm and loss at every epoch (median and
   10-90% band across bees).
2. What happens when the gradient is almost zero, on a small net as the seed
   advises: 300 images reduced to their first 10 principal components (the
   ``pca`` knob; the Hessians and the second-order steps are slow on this CPU),
   10 -> 4 -> 10 (94 parameters), full batch, Adam lr 0.01. Every bee continues
   from its weights at some epoch of training (spread from early to late) now
   minimising the squared gradient norm (``metrics.zero_gradient``, Adam lr
   0.01); at the point reached, the minimal ratio is the fraction of positive
   Hessian eigenvalues (``metrics.minimal_ratio``), drawn against the loss, as
   ``optimization_landscape.py`` does for a 1-D function.

Claims:

1. The gradient norm does not simply fall with the loss: it rises first, its
   peak coming after the first epoch. Holds when the peak is after epoch 0 in at
   least 75% of the bees, does not hold at 50% or fewer.
2. Near-zero-gradient points with low loss have a high minimal ratio (minima;
   the high-loss ones saddles). Decided by the Spearman rank correlation of loss
   and minimal ratio over the half of the bees that reached the smaller gradient
   norms ("almost zero" relative to the swarm; their norms are printed): holds
   when it is at most -0.3 with a permutation p < 0.05, does not hold when it is
   0 or above.

    python examples/digits_gradient_norm.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import datasets, metrics

import _common
from optimization_landscape import spearman

SEED = 5


def norm_figure(rec, out) -> None:
    fig, ax = _common.figure(size=(6.0, 3.6))
    e = rec.epoch + 1
    _common.band(ax, e, rec["loss"], label="loss (cross-entropy)", color="C0", log=True)
    _common.band(ax, e, rec["grad_norm"], label="gradient norm", color="C3", log=True)
    ax.set(xlabel="epoch", title=f"digits, 64-32-10, {rec.num_bees} bees: median and 10-90%")
    ax.legend(frameon=False)
    _common.save(fig, out / "digits_gradient_norm_curves.png")


def ratio_figure(small_rec, found, start_epoch, small, out) -> None:
    fig, (ax_train, ax) = _common.figure(1, 2, size=(10.0, 3.6))
    e = small_rec.epoch + 1
    _common.band(ax_train, e, small_rec["loss"], label="loss", color="C0", log=True)
    _common.band(ax_train, e, small_rec["grad_norm"], label="gradient norm", color="C3", log=True)
    ax_train.set(xscale="log", xlabel="epoch",
                 title="the small net (10-4-10 on 10 PCA components), full batch")
    ax_train.legend(frameon=False)
    dots = ax.scatter(found.loss[small], found.ratio[small], c=start_epoch[small],
                      cmap="viridis", s=14)
    ax.scatter(found.loss[~small], found.ratio[~small], marker="x", color="0.6", s=12,
               label="the larger half of the gradient norms")
    fig.colorbar(dots, ax=ax, label="epoch the bee left training")
    ax.set(xscale="log", xlabel="loss at the point reached", ylabel="minimal ratio",
           title="near-zero gradient: minimal ratio vs loss")
    ax.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "digits_gradient_norm_minimal_ratio.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, small_bees, small_epochs, steps, samples = \
        (4, 4, 10, 20, 5, 300) if args.quick else (48, 30, 30, 400, 300, None)
    ds = datasets.digits(samples)
    rec = swarm.train(ds, bees=bees, epochs=epochs, width=32, depth=1, optimizer="adam", lr=0.01,
                      batch_size=128, seed=SEED, progress=False)
    norm_figure(rec, args.out)
    peak = rec.epoch[np.argmax(rec["grad_norm"], axis=1)]
    later = float(np.mean(peak > rec.epoch[0]))
    print(f"{'epoch':>6}  {'loss':>22}  {'gradient norm':>22}  {'test accuracy':>22}")
    for i in sorted({0, 1, 2, rec.num_epochs // 2, rec.num_epochs - 1}):
        print(f"{rec.epoch[i]:>6}  {_common.spread(rec['loss'][:, i]):>22}  "
              f"{_common.spread(rec['grad_norm'][:, i]):>22}  "
              f"{_common.spread(rec['test_accuracy'][:, i]):>22}")
    print(f"gradient norm peaks at epoch {_common.spread(peak, '.0f')}; after epoch 0 in "
          f"{later:.0%} of bees")

    small_ds = datasets.digits(300 if samples is None else 100, pca=10)
    small_rec = swarm.train(small_ds, bees=small_bees, epochs=small_epochs, width=4, depth=1,
                            optimizer="adam", lr=0.01, record_every=max(1, small_epochs // 100),
                            batch_size=len(small_ds.x),  # full batch (digits' default is 128)
                            seed=SEED, progress=False)
    start = np.round(np.geomspace(1, small_rec.num_epochs - 1, small_bees)).astype(int)
    reached = metrics.zero_gradient(small_rec, start, steps, lr=1e-2)
    found = metrics.minimal_ratio(reached)
    norm = reached["grad_norm"][:, 0]
    small = norm <= np.median(norm)
    start_epoch = small_rec.epoch[start]
    print(f"small net: final loss {_common.spread(small_rec['loss'][:, -1])}; after {steps} steps "
          f"on |grad|^2 the gradient norm is {_common.spread(norm, '.1e')}; the {small.sum()} bees "
          f"with the smaller norms: {_common.spread(norm[small], '.1e')}")
    ratio_figure(small_rec, found, start_epoch, small, args.out)
    _common.video_and_report(rec, args.out, "digits_gradient_norm", args.quick,
                             title="digits: 64-32-10")
    status = "holds" if later >= 0.75 else ("does not hold" if later <= 0.5 else "unclear")
    _common.verdict(status, "the gradient norm rises before it falls (its peak after epoch 0)",
                    f"{later:.0%} of bees; threshold 75%")
    claim = "near-zero-gradient points with low loss have a high minimal ratio"
    rho, p = spearman(found.loss[small], found.ratio[small])
    low = found.loss[small] <= np.median(found.loss[small])
    print(f"minimal ratio {_common.spread(found.ratio[small])}: median "
          f"{np.median(found.ratio[small][low]):.3f} in the lower-loss half, "
          f"{np.median(found.ratio[small][~low]):.3f} in the higher-loss half")
    status = "holds" if rho <= -0.3 and p < 0.05 else ("does not hold" if rho >= 0 else "unclear")
    return _common.verdict(status, claim, f"Spearman rho(loss, minimal ratio) = {rho:.2f}, "
                                          f"permutation p = {p:.4f}, {small.sum()} bees")


if __name__ == "__main__":
    main()
