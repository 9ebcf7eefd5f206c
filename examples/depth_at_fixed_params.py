"""Depth at a fixed parameter count on 16 alternating points (seed 002, experiment 2).

Seed 002's hard problem: 16 equally spaced points on [-1, 1] whose classes alternate,
all 16 used for training (``test=0``). Three ReLU networks of about 150 parameters,
1 -> 37 -> 2 (150), 1 -> 10 -> 10 -> 2 (152) and 1 -> 7 -> 7 -> 7 -> 2 (142), each a
hive of Adam learning rates 0.003, 0.01 and 0.03 (one batched call per architecture),
trained full batch for 4,000 epochs; each architecture is judged at its own best
rate (highest median final accuracy). The seed's deep nets share one weight matrix
across layers to hold the count at exactly 152; the swarm uses plain MLPs of about
the same count, as the issue asks, and more epochs than the seed's defaults so that
every architecture has settled. Printed: parameters, best rate, final training
accuracy (median and 10-90% across bees), the share of bees that fit all 16 points,
and how often a deeper bee beats a shallower one. Figure: accuracy per epoch and the
distribution of final accuracies; video and report: the 3-layer swarm.

Claim: accuracy rises with depth at a fixed parameter count. It holds when the median
final accuracy rises at each step (1 -> 2 -> 3 layers) and a 3-layer bee beats a
1-layer bee in at least 60% of pairs (ties half); it does not hold when a 3-layer bee
wins at most 50% of pairs; otherwise unclear.

Full run (200 bees per rate, 3 x 600 bees, 267 s on the shared, busy 2-core machine):
final training accuracy 1x37 0.875 (0.806-0.938, best lr 0.03), 2x10 0.750 (0.625-0.875,
lr 0.003), 3x7 0.750 (0.625-0.875, lr 0.003); a 3x7 bee beats a 1x37 bee in 14% of
pairs: DOES NOT HOLD. The swarm disagrees with the seed: with plain MLPs (no shared
weights) the shallow, wide net fits the alternating points best; the seed's "most runs"
came from one run per depth of its weight-shared nets. Both best rates sit at an end of
the sweep (0.03 and 0.003), so a wider sweep might move the numbers, not the order.

    python examples/depth_at_fixed_params.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common

ARCHS = {"1x37": (37, 1), "2x10": (10, 2), "3x7": (7, 3)}  # name: (width, depth)
RATES = [0.003, 0.01, 0.03]
DATA = {"points": 16, "test": 0}
SEED = 2


def parameter_count(width: int, depth: int, inputs: int = 1, outputs: int = 2) -> int:
    """Weights and biases of inputs -> width (x depth) -> outputs."""
    return (inputs + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * outputs


def best_swarm(width: int, depth: int, bees: int, epochs: int):
    """(Recording, lr) of the learning rate with the highest median final accuracy."""
    runs = swarm.hive.hive({"lr": RATES}, target="alternating", data=DATA, bees=bees, epochs=epochs,
                      width=width, depth=depth, optimizer="adam",
                      record_every=max(1, epochs // 100), seed=SEED, progress=False)
    scores = [(np.median(rec["accuracy"][:, -1]), np.mean(rec["accuracy"][:, -1]), i)
              for i, (_, rec) in enumerate(runs)]
    params, rec = runs[max(scores)[2]]
    return rec, params["lr"]


def plot(runs: dict, out) -> None:
    fig, (ax_acc, ax_hist) = _common.figure(1, 2, size=(10.0, 3.6))
    levels = np.arange(0, 17) / 16
    for i, (name, (rec, lr)) in enumerate(runs.items()):
        _common.band(ax_acc, rec.epoch + 1, rec["accuracy"], label=f"{name} (lr {lr:g})")
        final = rec["accuracy"][:, -1]
        share = np.array([np.mean(np.isclose(final, v)) for v in levels])
        ax_hist.bar(levels + (i - 1) * 0.018, share, width=0.018, label=name)
    ax_acc.set(xscale="log", xlabel="epoch", ylabel="training accuracy (median, 10-90%)",
               title="16 alternating points, ~150 parameters")
    ax_acc.legend(frameon=False, fontsize=8)
    ax_hist.set(xlabel="final training accuracy", ylabel="share of bees",
                title="final accuracy per bee")
    ax_hist.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "depth_at_fixed_params.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs = (2, 40) if args.quick else (200, 4000)
    runs, finals = {}, {}
    print(f"{'net':>5} {'params':>6} {'best lr':>7}  final accuracy median (10-90%)  all 16 right")
    for name, (width, depth) in ARCHS.items():
        rec, lr = runs[name] = best_swarm(width, depth, bees, epochs)
        finals[name] = final = rec["accuracy"][:, -1]
        print(f"{name:>5} {parameter_count(width, depth):>6} {lr:>7g}  "
              f"{_common.spread(final):<31} {np.mean(final == 1):.0%}")
    names = list(ARCHS)
    medians = [np.median(finals[n]) for n in names]
    for a, b in zip(names, names[1:]):
        print(f"a {b} bee beats a {a} bee in {_common.win_rate(finals[b], finals[a]):.0%} of pairs")
    deep_wins = _common.win_rate(finals[names[-1]], finals[names[0]])
    print(f"a {names[-1]} bee beats a {names[0]} bee in {deep_wins:.0%} of pairs")
    plot(runs, args.out)
    _common.video_and_report(runs[names[-1]][0], args.out, "depth_at_fixed_params", args.quick)
    rising = all(b > a for a, b in zip(medians, medians[1:]))
    status = "holds" if rising and deep_wins >= 0.6 else (
        "does not hold" if deep_wins <= 0.5 else "unclear")
    return _common.verdict(status, "accuracy rises with depth at ~150 parameters",
                           f"median accuracy {' -> '.join(f'{m:.3f}' for m in medians)}; "
                           f"3x7 beats 1x37 in {deep_wins:.0%} of pairs; threshold 60%")


if __name__ == "__main__":
    main()
