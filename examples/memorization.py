"""Memorisation: true against random labels (seed 002, experiment 5).

Seed 002's 6-D mixture of two Gaussians (means 1/i apart in dimension i), all n
samples used for training (``test=0``), n = 50 to 300, once with the true labels
(the Gaussian each sample came from: the classes overlap, so fitting all of them
is memorising too) and once with every label drawn at random
(``random_labels=1``). One swarm per setting, Adam at 0.001, full batch, 500 epochs.
The seed's net is 200-200-200 (81,000 parameters); the swarm's is 32-32-32 (2,400
parameters, still 8 per sample at n = 300), since 81,000-parameter swarms on every
setting do not fit a 3-minute budget on two cores; the seed counted 2,500 steps.

Printed: per n, the final training accuracy (median and 10-90% across bees) with
true and with random labels, and at n = 150 (the seed's choice) the epochs each bee
takes to reach 90% training accuracy (``metrics.epochs_to_threshold``; a bee that
never gets there counts as slowest). Figure: final training accuracy against n, and
training accuracy per epoch at n = 150. Video and report: n = 150, random labels.

Claim: random labels are learned more slowly than true ones. It holds when at
n = 150 the median epochs to 90% with random labels is at least 1.5 times that with
true labels and a random-label bee is slower than a true-label bee in at least 75%
of pairs (ties half); it does not hold when the ratio of medians is at most 1;
otherwise unclear. (The capacity, the largest n whose random-label median ends at
100%, is reported beside it; the seed found about 150.)

Full run (50 bees per setting, 12 swarms, 655 s on the shared, busy machine): every
bee ends at 100% training accuracy at every n, true or random labels (the capacity is
above 300, not the seed's 150: 500 full-batch epochs are more than the seed's 2,500
steps allowed). At n = 150 the epochs to 90%: true labels 150 (140-165), random labels
130 (120-140); a random-label bee is slower in 8% of pairs, ratio 0.87: DOES NOT HOLD.
The curves tell more than the threshold: true labels reach 75% within 30 epochs (the
Gaussians' real structure; the best possible is 73%) while random ones need 100, but
past 80% the true labels' overlapping points are memorised more slowly than random
labels, so the random-label swarm crosses 90% first. Judged at 70% the seed's claim
would hold; the threshold was fixed at 90% before the run and stays.

    python examples/memorization.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import metrics

import _common

SIZES = [50, 100, 150, 200, 250, 300]
LABELS = {"true labels": 0.0, "random labels": 1.0}  # name: random_labels fraction
FOCUS = 150
THRESHOLD = 0.9
SEED = 6


def run(n: int, random_labels: float, bees: int, epochs: int):
    return swarm.train("gaussians", data={"dims": 6, "samples": n, "test": 0,
                                          "random_labels": random_labels, "seed": SEED},
                       bees=bees, epochs=epochs, width=32, depth=3, optimizer="adam", lr=0.001,
                       record_every=max(1, epochs // 100), seed=SEED, progress=False)


def slowest_when_never(epochs: np.ndarray) -> np.ndarray:
    """Epochs to the threshold with bees that never reach it ranked last (inf)."""
    return np.where(np.isnan(epochs), np.inf, epochs)


def plot(sizes, recs: dict, out) -> None:
    fig, (ax_n, ax_t) = _common.figure(1, 2, size=(10.0, 3.6))
    for name in LABELS:
        finals = np.stack([recs[(n, name)]["accuracy"][:, -1] for n in sizes], axis=1)
        _common.band(ax_n, sizes, finals, label=name)
        rec = recs[(FOCUS, name)]
        _common.band(ax_t, rec.epoch + 1, rec["accuracy"], label=name)
    ax_n.set(ylim=(0.45, 1.03), xlabel="training samples n", ylabel="final training accuracy",
             title="memorisation by a 32-32-32 swarm")
    ax_t.axhline(THRESHOLD, color="0.5", lw=0.8, ls=":", label=f"{THRESHOLD:.0%}")
    ax_t.set(ylim=(0.45, 1.03), xlabel="epoch", ylabel="training accuracy (median, 10-90%)",
             title=f"n = {FOCUS}")
    for ax in (ax_n, ax_t):
        ax.legend(frameon=False, fontsize=8)
    _common.save(fig, out / "memorization.png")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    sizes, bees, epochs = ([50, FOCUS], 3, 30) if args.quick else (SIZES, 50, 500)
    recs = {(n, name): run(n, fraction, bees, epochs) for n in sizes
            for name, fraction in LABELS.items()}
    print(f"{'n':>4}  {'true labels':<21}  random labels   (final training accuracy)")
    for n in sizes:
        print(f"{n:>4}  {_common.spread(recs[(n, 'true labels')]['accuracy'][:, -1]):<21}  "
              f"{_common.spread(recs[(n, 'random labels')]['accuracy'][:, -1])}")
    reach = {name: slowest_when_never(metrics.epochs_to_threshold(
        recs[(FOCUS, name)], "accuracy", THRESHOLD)) for name in LABELS}
    for name, e in reach.items():
        print(f"n = {FOCUS}, {name}: epochs to {THRESHOLD:.0%} training accuracy "
              f"{_common.spread(e, '.0f')}; never reached by {np.mean(np.isinf(e)):.0%}")
    true, rand = reach["true labels"], reach["random labels"]
    with np.errstate(invalid="ignore", divide="ignore"):  # inf / inf: neither reached it
        ratio = np.median(rand) / np.median(true)
    slower = _common.win_rate(rand, true)
    memorised = [n for n in sizes if np.median(recs[(n, "random labels")]["accuracy"][:, -1]) == 1]
    capacity = max(memorised) if memorised else "none"
    print(f"a random-label bee is slower than a true-label bee in {slower:.0%} of pairs; "
          f"median ratio {ratio:.2f}; random labels memorised (median 100%) up to n = {capacity}")
    plot(sizes, recs, args.out)
    _common.video_and_report(recs[(FOCUS, "random labels")], args.out, "memorization", args.quick)
    status = "holds" if ratio >= 1.5 and slower >= 0.75 else (
        "does not hold" if ratio <= 1 else "unclear")
    return _common.verdict(status, "random labels are learned more slowly than true ones",
                           f"n = {FOCUS}: epochs to {THRESHOLD:.0%} {ratio:.2f}x (threshold 1.5x), "
                           f"slower in {slower:.0%} of pairs (threshold 75%); random labels "
                           f"memorised up to n = {capacity}")


if __name__ == "__main__":
    main()
