"""Seed 004 HW1-2, "Optimization": weight trajectories, gradient norm, zero-gradient points.

A swarm of small ReLU networks (1 -> 8 -> 8 -> 1, 97 parameters) fits
``sinc(5*pi*x)`` on [0, 1] with Adam. Three views:

1. Visualise the optimisation: the weights of 8 bees every 3 epochs, projected
   by one PCA for the whole model and one for the first layer, in one video.
2. Gradient norm and loss over training on one figure (median and band).
3. What happens when the gradient is almost zero: every bee continues from its
   weights at some epoch of training (spread from early to late, so the swarm
   reaches both poor and good critical points), now minimising the squared
   gradient norm instead of the loss. At the point reached, the minimal ratio
   is the fraction of positive Hessian eigenvalues (1 at a strict minimum).
   A scatter shows minimal ratio against loss.

Claim: near-zero-gradient points with low loss have a high minimal ratio (they
are minima, the high-loss ones saddles). Decided by the Spearman rank
correlation of loss and minimal ratio over the bees that reached a small
gradient: holds when it is at most -0.3 with a permutation p < 0.05, does not
hold when it is 0 or above.

    python examples/optimization_landscape.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.colors import to_hex

import swarm
from swarm import metrics, panels

import _common

TARGET, DOMAIN, POINTS = "sinc(5*pi*x)", (0.0, 1.0), 100
SEED = 12
SMALL_GRAD = 1e-3  # "almost zero": gradient norm below this after the second phase
COLORS = [to_hex(c) for c in colormaps["tab10"].colors]  # one per bee in the video


class Trajectories(panels.Panel):
    """Bees' weights as points in a PCA plane, each trailing its path: traj [bee, epoch, 2]."""

    def __init__(self, traj: np.ndarray, title: str, epochs: np.ndarray):
        self.traj, self.title, self.epochs = traj, title, epochs
        self.num_frames = traj.shape[1]

    def plot_init(self, ax):
        lo, hi = np.nanmin(self.traj, (0, 1)), np.nanmax(self.traj, (0, 1))
        pad = 0.05 * (hi - lo)
        ax.set(xlim=(lo[0] - pad[0], hi[0] + pad[0]), ylim=(lo[1] - pad[1], hi[1] + pad[1]),
               title=self.title, xlabel="PC 1", ylabel="PC 2")

    def draw(self, canvas, frame):
        for b, path in enumerate(self.traj):
            color = COLORS[b % len(COLORS)]
            canvas.points(path[:frame + 1, 0], path[:frame + 1, 1], color=color, radius=1.2,
                          alpha=0.5)
            canvas.points(path[frame:frame + 1, 0], path[frame:frame + 1, 1], color=color,
                          radius=4.0)
        canvas.text(f"epoch {self.epochs[frame]}", size=11)


def predict(params, x: torch.Tensor) -> torch.Tensor:
    """[bee, point] outputs of stacked ReLU nets, params [W0, b0, W1, b1, ...] ([bee, ...])."""
    h = x[None, :, None].expand(params[0].shape[0], -1, 1)
    for w, b in zip(params[0:-2:2], params[1:-2:2]):
        h = torch.relu(torch.baddbmm(b[:, None, :], h, w.transpose(1, 2)))
    return torch.baddbmm(params[-1][:, None, :], h, params[-2].transpose(1, 2))[..., 0]


def losses(params, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Each bee's training MSE, [bee]."""
    return (predict(params, x) - y).pow(2).mean(1)


def to_zero_gradient(rec, start: np.ndarray, steps: int, lr: float = 1e-3):
    """Bee i continues from recorded epoch ``start[i]``, minimising |grad loss|^2 with Adam.

    Each bee's loss depends on its own parameters only, so the gradient of the
    summed losses holds every bee's own gradient, and likewise for the summed
    squared norms. Returns the parameters reached, [bee, ...] per layer (float64).
    """
    bees = np.arange(rec.num_bees)
    params = [torch.tensor(a[bees, start], dtype=torch.float64, requires_grad=True)
              for k in rec.layer_indices for a in (rec.weights(k), rec.biases(k))]
    x, y = (torch.as_tensor(v, dtype=torch.float64) for v in (rec.x, rec.y))
    opt = torch.optim.Adam(params, lr=lr)  # elementwise, so each bee gets its own update
    for _ in range(steps):
        grads = torch.autograd.grad(losses(params, x, y).sum(), params, create_graph=True)
        opt.zero_grad()
        sum(g.pow(2).sum() for g in grads).backward()
        opt.step()
    return [p.detach() for p in params]


def as_recording(rec, params) -> swarm.Recording:
    """The reached points as a one-epoch Recording, so ``swarm.metrics`` can read them."""
    x, y = (torch.as_tensor(v, dtype=torch.float64) for v in (rec.x, rec.y))
    params = [p.clone().requires_grad_(True) for p in params]
    ypred = predict(params, x)
    loss = (ypred - y).pow(2).mean(1)
    grads = torch.autograd.grad(loss.sum(), params)
    norms = torch.cat([g.reshape(g.shape[0], -1) for g in grads], 1).norm(dim=1)
    arrays = {"x": rec.x, "y": rec.y, "epoch": rec.epoch[-1:],
              "ypred": ypred.detach().numpy()[:, None], "loss": loss.detach().numpy()[:, None],
              "grad_norm": norms.numpy()[:, None]}
    for k, w, b in zip(rec.layer_indices, params[0::2], params[1::2]):
        arrays[f"layer{k}.weight"] = w.detach().numpy()[:, None]
        arrays[f"layer{k}.bias"] = b.detach().numpy()[:, None]
    return swarm.Recording(arrays, rec.meta)


def spearman(a: np.ndarray, b: np.ndarray, permutations: int = 5000, seed: int = 0):
    """Spearman's rank correlation and its two-sided permutation p-value."""
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    rho = np.corrcoef(ra, rb)[0, 1]
    rng = np.random.default_rng(seed)
    null = np.array([np.corrcoef(ra, rng.permutation(rb))[0, 1] for _ in range(permutations)])
    return float(rho), float((np.sum(np.abs(null) >= abs(rho)) + 1) / (permutations + 1))


def training_figure(rec, out):
    fig, ax = _common.figure(size=(6.0, 3.4))
    epochs = rec.epoch + 1
    _common.band(ax, epochs, rec["loss"], label="loss (MSE)", color="C0", log=True)
    _common.band(ax, epochs, rec["grad_norm"], label="gradient norm", color="C3", log=True)
    ax.set(xscale="log", xlabel="epoch", title="loss and gradient norm (median, 10-90%)")
    ax.legend(frameon=False)
    _common.save(fig, out / "optimization_landscape_grad_norm.png")


def scatter_figure(loss, ratio, start_epoch, out):
    fig, ax = _common.figure(size=(5.0, 3.6))
    dots = ax.scatter(loss, ratio, c=start_epoch, cmap="viridis", s=14)
    fig.colorbar(dots, ax=ax, label="epoch the bee left training")
    ax.set(xscale="log", xlabel="loss at the point reached", ylabel="minimal ratio",
           title="near-zero gradient: minimal ratio vs loss")
    _common.save(fig, out / "optimization_landscape_minimal_ratio.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, steps = (6, 30, 20) if args.quick else (100, 600, 3000)
    rec = swarm.train(TARGET, bees=bees, epochs=epochs, width=8, depth=2, optimizer="adam",
                      lr=0.01, domain=DOMAIN, points=POINTS, record_every=3, seed=SEED,
                      progress=False)
    print(f"{bees} bees, {epochs} epochs: final loss median {np.median(rec['loss'][:, -1]):.2e}, "
          f"gradient norm median {np.median(rec['grad_norm'][:, -1]):.2e}")
    training_figure(rec, args.out)

    eight = rec.bees(np.arange(min(8, bees)))
    whole, first = metrics.weight_pca(eight, biases=True), metrics.weight_pca(eight, layer=0)
    print(f"PCA of 8 bees: whole model {whole.explained.sum():.0%} of the variance in 2 "
          f"components, first layer {first.explained.sum():.0%}")
    views = [Trajectories(whole.trajectories, "whole model", eight.epoch),
             Trajectories(first.trajectories, "first layer", eight.epoch)]
    _common.video_and_report(eight, args.out, "optimization_landscape", args.quick, report_of=rec,
                             panels=views, title="8 bees' weights, PCA", size=(960, 432))

    start = np.round(np.geomspace(1, rec.num_epochs - 1, bees)).astype(int)
    reached = as_recording(rec, to_zero_gradient(rec, start, steps))
    found = metrics.minimal_ratio(reached)
    small = reached["grad_norm"][:, 0] < SMALL_GRAD
    print(f"after {steps} steps on |grad|^2: gradient norm median "
          f"{np.median(reached['grad_norm']):.1e}; {small.sum()} of {bees} bees below {SMALL_GRAD}")
    scatter_figure(found.loss, found.ratio, rec.epoch[start], args.out)
    if small.sum() < 5:
        return _common.verdict("unclear", "low-loss critical points have a high minimal ratio",
                               f"only {small.sum()} bees reached a gradient norm < {SMALL_GRAD}")
    rho, p = spearman(found.loss[small], found.ratio[small])
    flat = found.loss >= 0.99 * np.var(rec.y)  # a constant fit: every ReLU unit dead
    fitting = small & ~flat
    if fitting.sum() >= 5:
        print(f"{(small & flat).sum()} of them are constant fits (dead ReLU units); without them "
              f"Spearman rho = {spearman(found.loss[fitting], found.ratio[fitting])[0]:.2f}")
    low = found.loss[small] <= np.median(found.loss[small])
    print(f"minimal ratio: median {np.median(found.ratio[small][low]):.2f} in the lower-loss half, "
          f"{np.median(found.ratio[small][~low]):.2f} in the higher-loss half")
    status = "holds" if rho <= -0.3 and p < 0.05 else ("does not hold" if rho >= 0 else "unclear")
    return _common.verdict(status, "near-zero-gradient points with low loss have a high "
                           "minimal ratio", f"Spearman rho(loss, minimal ratio) = {rho:.2f}, "
                           f"permutation p = {p:.4f}, {small.sum()} bees")


if __name__ == "__main__":
    main()
