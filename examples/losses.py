"""Loss functions for classification (seed 002, experiment 9).

Seed 002's data: two 12-D Gaussians whose means are 1 apart in every dimension (its
text; its code's experiment 9 used 1/i) with its code's covariance (``c =
U[0,1)^(12x12)``, ``cov = c^T c``, drawn per data seed), 400 training and 100 test
points. One swarm per loss: cross-entropy, mean absolute, mean squared and mean
fourth power error (of the logits against one-hot labels), hinge, and a constant
loss as the negative control (no gradient from the data). Every swarm starts from
the same bees (same seed: the same initial weights and batch orders), so losses are
compared bee by bee too. Printed: final test accuracy, median and 10-90% spread
across bees, its mean, and how often a bee ends worse under this loss than under
cross-entropy.

| setting | seed text | seed code | here, and why |
|---|---|---|---|
| data | 12-D, means 1 apart, 400 + 100 | means 1/i apart, ``c^T c`` | means 1 apart (the text), ``c^T c`` (``_common.SEED_GAUSSIANS_12D``), not standardised |
| hinge | "hinge_loss" | ``tf.losses.hinge_loss``: binary, each logit against its 0/1 label | multi-class (``torch.nn.MultiMarginLoss``): a different loss of the same family |
| network | - | 100-100 sigmoid, Glorot weights and biases | the same |
| training | - | Adam 0.003, 500 steps of random batches of 64 | Adam 0.003, 72 epochs of 7 shuffled batches = 504 steps |
| repeats | 5 runs | 5 draws | 3 data seeds x 16 bees per swarm |

The earlier version (identity covariance, 20-20 ReLU, SGD 0.01 momentum 0.9, batches
of 16, 20 epochs, 300 bees, one data seed) found HOLDS: medians 0.98 for
cross-entropy, mean absolute and squared error, 0.97 for fourth power and hinge, 0.50
for the control; fourth power had the lowest mean.

Claim: all losses but the control end about equally; fourth power slightly worse.
Per data seed (:func:`seed_status`): holds when every non-control loss's median final
test accuracy is within 0.02 of the best one's, the control's median is below 0.6,
and fourth power has the lowest mean final test accuracy of the five (means, since
medians over 100 test points tie in steps of 0.01); fails when a non-control loss's
median is more than 0.02 below the best or the control's is not below 0.6; neither
when only the fourth-power part fails. Verdict (``seed_verdict``): holds when every
seed holds, does not hold when every seed fails, else unclear.

Full run (16 bees per swarm, 6 swarms per data seed, 3 seeds; 152 s wall and 65 s of
CPU at a load of 6 to 28): median final test accuracy cross-entropy / mean absolute /
mean squared / fourth power / hinge / control -- seed 1: 0.930 / 0.905 / 0.920 / 0.910
/ 0.920 / 0.500; seed 2: 0.825 / 0.825 / 0.840 / 0.830 / 0.820 / 0.500; seed 3: 0.780 /
0.770 / 0.785 / 0.765 / 0.775 / 0.500. Non-control medians within 0.025 / 0.020 /
0.020 (seeds); the lowest mean is fourth power's on seed 1 only (hinge's on seed 2,
mean absolute's on seed 3): UNCLEAR (seed 1 fails by 0.005, seeds 2 and 3 neither).
The seed's main finding stands on every seed: all five losses end within 0.025 of
each other and far above the control; "fourth power slightly worse" is seed 1's
alone (its mean 0.873, with a low tail: 10% of bees below 0.76).

    python examples/losses.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm

import _common

LOSSES = {"cross-entropy": "cross_entropy", "mean absolute": "l1", "mean squared": "mse",
          "mean fourth power": "fourth", "hinge": "hinge", "constant (control)": "constant"}
CONTROL = "constant (control)"
BATCH, STEPS, TRAIN = 64, 500, 400
SEEDS = (1, 2, 3)


def seed_status(medians: dict, means: dict) -> float:
    """One data seed's outcome from {loss: median} and {non-control loss: mean} final test
    accuracy: 1 holds (medians within 0.02 of the best, control below 0.6, fourth power the
    lowest mean), 0 fails (a median more than 0.02 below the best, or the control not below
    0.6), 0.5 neither (only the fourth-power part fails)."""
    values = [medians[n] for n in means]
    equal = max(values) - min(values) <= 0.02 + 1e-12
    if not equal or medians[CONTROL] >= 0.6:
        return 0.0
    return 1.0 if min(means, key=means.get) == "mean fourth power" else 0.5


def figure(recs: dict, out) -> None:
    fig, ax = _common.figure(size=(6.4, 3.8))
    _common.accuracy_bands(ax, recs, "median and 10-90% of bees per loss")
    _common.save(fig, out / "losses_accuracy.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    bees, epochs, seeds = (6, 2, SEEDS[:1]) if args.quick else (
        16, -(-STEPS // -(-TRAIN // BATCH)), SEEDS)
    statuses, gaps = [], []
    for seed in seeds:
        recs, final = {}, {}
        print(f"-- data seed {seed}\n{'loss':>18} | final test accuracy | mean  | "
              "worse than cross-entropy | diverged")
        for name, loss in LOSSES.items():
            rec = swarm.train("gaussians", data={**_common.SEED_GAUSSIANS_12D, "seed": seed},
                              bees=bees, epochs=epochs, width=100, depth=2, batch_size=BATCH,
                              loss=loss, record_every=max(1, epochs // 12), seed=seed,
                              progress=False, **_common.SEED_NET)
            recs[name] = rec
            final[name] = np.where(rec.live, rec["test_accuracy"][:, -1], np.nan)
            worse = np.mean(final[name] < final["cross-entropy"])
            print(f"{name:>18} | {_common.spread(final[name])} | {np.nanmean(final[name]):.3f} | "
                  f"{worse:24.0%} | {(~rec.live).sum():8d}")
        medians = {n: float(np.nanmedian(a)) for n, a in final.items()}
        means = {n: float(np.nanmean(a)) for n, a in final.items() if n != CONTROL}
        statuses.append(seed_status(medians, means))
        gaps.append(max(medians[n] for n in means) - min(medians[n] for n in means))
        print(f"lowest mean: {min(means, key=means.get)}; control median {medians[CONTROL]:.3f}")
        if seed == seeds[0]:
            figure(recs, args.out)
            _common.video_and_report(recs["mean fourth power"], args.out, "losses", args.quick)
    status = _common.seed_verdict(statuses, 1.0, 0.25)
    return _common.verdict(status, "all losses but the control end about equally, fourth power "
                           "slightly worse",
                           f"non-control medians within {_common.per_seed(gaps)} of the best "
                           "(threshold 0.02), control below 0.6, fourth power lowest mean")


if __name__ == "__main__":
    main()
