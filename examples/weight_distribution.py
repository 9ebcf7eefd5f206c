"""Seed 001, "Distribution of Weights in a Network", reproduced twice.

500 bees, 1 -> 20 -> 1 ReLU, sin on [-3pi, 3pi] (101 points), 400 epochs of
full-batch SGD (lr 0.01, momentum 0.9). A ReLU unit bends at x = -b/w. The
seed's claim: the -b/w cluster at the turning points of sin, most of them at
the inner turning points rather than the outer ones.

First the seed's own way (its bee_trainer, one bee at a time through
``core.swarm_train``, its animator video), then the same swarm through the
batched engine ``swarm.train``. Both times are printed. The claim is measured on
the engine's run with ``swarm.metrics.breakpoint_alignment``: the share of
bends within 2% of the domain (0.38) of a turning point, against the share a
uniform spread of bends would put there (24%). It holds when that ratio is at
least 1.5 and the inner turning points hold more of the near bends than the
outer ones; it does not hold below 1.1 or when the outer ones hold as many.

    python examples/weight_distribution.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

import swarm
from swarm import animator, core, metrics, networks

import _common

SEED = 20
DOMAIN = (-3 * np.pi, 3 * np.pi)
TOLERANCE = 0.02  # "near a turning point": within this share of the domain's width
RADIUS = TOLERANCE * (DOMAIN[1] - DOMAIN[0])
TURNING = metrics.turning_points("sin", DOMAIN)  # +-pi/2, +-3pi/2, +-5pi/2


def bee_trainer(xt, yt, width=2, num_epochs=200):
    """Define a simple training loop for use with swarm (the seed's code, unchanged)"""
    net = networks.flat_net(1, width, activation=nn.ReLU)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_func = torch.nn.MSELoss()
    for epoch in range(num_epochs):
        optimiser.zero_grad()
        ypred = net(xt)
        loss = loss_func(ypred, yt)
        if torch.isnan(loss):
            raise RuntimeError("NaN loss, poorly configured experiment")
        loss.backward()
        optimiser.step()
        weight, bias, *_ = net.parameters()
        yield ypred, weight.detach().flatten().numpy().copy(), bias.detach().numpy().copy()


def seed_way(num_bees: int, num_epochs: int, out, times: dict) -> np.ndarray:
    """The notebook's main(): train, take -b/w, animate. Returns -b/w [bee, epoch, unit]."""
    xt = torch.linspace(-3 * np.pi, 3 * np.pi, 101)
    yt = torch.sin(xt)
    bp = {"xt": xt, "yt": yt, "width": 20, "num_epochs": num_epochs}
    with _common.timed("seed train", times):
        res = core.swarm_train(bee_trainer, bp, num_bees=num_bees,
                               fields="ypred,weights,biases", seed=SEED, progress=False)
    with np.errstate(divide="ignore"):  # a weight of exactly 0 bends nowhere: inf
        bw = -res["biases"] / res["weights"]
    with _common.timed("seed video", times):
        ls = animator.LineSwarm.standard(xt.detach().numpy(), yt.detach().numpy(),
                                         res["ypred"][::10], set_xlim=(-10, 10))
        hist = animator.HistogramSwarm.from_swarm(
            bw.clip(-10, 10), 100, set_title="- Biases/Weights", set_ylabel="Count",
            set_xlim=(-10, 10))
        animator.swarm_animate([ls, hist], str(out / "weight_distr.mp4"))
    return bw


def alignment(kinks: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(share of kinks near a turning point, that share under a uniform spread,
    share of the near ones at each turning point [6]) for kinks anywhere in DOMAIN."""
    kinks = kinks[(kinks > DOMAIN[0]) & (kinks < DOMAIN[1])]
    dist = np.abs(kinks[:, None] - TURNING[None, :])  # [kink, turning point]
    near = dist.min(1) <= RADIUS
    nearest = dist.argmin(1)[near]
    per_point = np.bincount(nearest, minlength=TURNING.size) / max(1, near.sum())
    uniform = TURNING.size * 2 * RADIUS / (DOMAIN[1] - DOMAIN[0])
    return float(near.mean()), uniform, per_point


def by_ring(per_point: np.ndarray) -> np.ndarray:
    """Shares at the inner (+-pi/2), middle (+-3pi/2) and outer (+-5pi/2) turning points."""
    order = np.argsort(np.abs(TURNING))
    return per_point[order].reshape(3, 2).sum(1)


def report_alignment(label: str, kinks: np.ndarray) -> tuple[float, np.ndarray]:
    share, uniform, per_point = alignment(kinks)
    rings = by_ring(per_point)
    print(f"{label}: {share:.1%} of {kinks.size} -b/w within {RADIUS:.2f} of a turning point "
          f"(uniform spread: {uniform:.0%}; ratio {share / uniform:.2f}); of those, inner "
          f"{rings[0]:.0%}, middle {rings[1]:.0%}, outer {rings[2]:.0%}")
    return share / uniform, rings


def histogram_figure(seed_bw: np.ndarray, engine_bw: np.ndarray, out):
    fig, ax = _common.figure(size=(7.0, 3.2))
    bins = np.linspace(*DOMAIN, 121)
    for bw, label in ((seed_bw, "seed's trainer"), (engine_bw, "swarm.train")):
        ax.hist(bw.ravel(), bins=bins, histtype="step", density=True, label=label, lw=1.4)
    for t in TURNING:
        ax.axvline(t, color="0.5", lw=0.8, ls=":")
    ax.set(xlabel="-b/w at the last epoch (dotted: turning points of sin)",
           ylabel="density", title="Where the ReLU units bend")
    ax.legend(frameon=False)
    return _common.save(fig, out / "weight_distribution_bends.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs = (5, 4) if args.quick else (500, 400)  # the notebook's env.FULL switch
    times = {}
    seed_bw = seed_way(bees, epochs, args.out, times)
    with _common.timed("engine", times):
        rec = swarm.train("sin", bees=bees, epochs=epochs, width=20, lr=0.01, momentum=0.9,
                          seed=SEED, progress=False)
    w, b = rec.weights(0)[:, -1, :, 0], rec.biases(0)[:, -1]  # [bee, unit]
    with np.errstate(divide="ignore"):
        engine_bw = -b / w
    print(f"{bees} bees x {epochs} epochs: training with the seed's trainer through "
          f"core.swarm_train {times['seed train']:.1f} s, with swarm.train "
          f"{times['engine']:.2f} s ({times['seed train'] / times['engine']:.0f}x faster); "
          f"the seed's animator video {times['seed video']:.1f} s")
    print(f"final loss median {np.median(rec['loss'][:, -1]):.4f}, "
          f"10-90%: {np.percentile(rec['loss'][:, -1], 10):.4f}-"
          f"{np.percentile(rec['loss'][:, -1], 90):.4f}")
    report_alignment("seed's trainer", seed_bw[:, -1].ravel())
    rings = report_alignment("swarm.train   ", engine_bw.ravel())[1]
    ratios = {}
    for tol in (TOLERANCE / 2, TOLERANCE, TOLERANCE * 2):  # how much the window matters
        found = metrics.breakpoint_alignment(rec, tolerance=tol)
        ratios[tol] = found["ratio"]
        print(f"metrics.breakpoint_alignment, tolerance {found['tolerance']:.2f}: "
              f"{found['fraction']:.1%} of {found['kinks']} output kinks near a turning point, "
              f"uniform {found['expected']:.1%}, ratio {found['ratio']:.2f}")
    ratio = ratios[TOLERANCE]
    histogram_figure(seed_bw[:, -1], engine_bw, args.out)
    _common.video_and_report(rec, args.out, "weight_distribution", args.quick)
    status = "holds" if ratio >= 1.5 and rings[0] > rings[2] else (
        "does not hold" if ratio < 1.1 or rings[0] <= rings[2] else "unclear")
    return _common.verdict(
        status, "-b/w cluster at sin's turning points, more at the inner than the outer ones",
        f"{ratio:.2f}x the uniform share within {RADIUS:.2f} of a turning point, "
        f"{ratios[TOLERANCE / 2]:.2f}x within {RADIUS / 2:.2f}; inner {rings[0]:.0%} vs outer "
        f"{rings[2]:.0%}")


if __name__ == "__main__":
    main()
