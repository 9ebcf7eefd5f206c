"""Seed 000's MNIST section on digits, beside its piecewise results (``piecewise_deep.py``).

No download is possible here, so scikit-learn's bundled 8x8 digits (1,797
images, 10 classes, 80/20 stratified split) stand in for MNIST, the seed's "more
information dense problem". A swarm of ReLU networks 64 -> 32 -> 32 -> 32 -> 10
(Adam, lr 1e-3, batch 128) is recorded every epoch; beside it, a smaller run of
``piecewise_deep.py``'s 5,5,5,5 swarm on the piecewise 0/1 target (Adam, lr 0.003,
full batch), analysed by that script's own function.

Figures: training and test loss and error curves; weight density per layer over
training and effective rank per layer (digits); gzip complexity, mean effective
rank and the weight-change correlation against layer distance, digits beside
piecewise. One video and a report of the digits swarm. The seed's three claims,
one verdict line each, decided on digits (the piecewise numbers are printed
beside them):

1. Weights become less compressible (gzip complexity rises, first to last epoch).
2. The effective rank of the weight matrices decreases (the seed's "?"); the
   mean over the matrices with both sides above 1.
3. The correlation of weight change between layers decays with layer distance:
   at the last epoch, distance 1 correlates more than the largest distance.

Claims 1 and 2 hold when the share of bees whose value rose (fell) is at least
75%, and do not hold at 50% or less; claim 3 holds or does not.

    python examples/digits_analyses.py [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

import swarm
from swarm import metrics

import _common
import piecewise_deep

SEED = 0


def analyse_digits(rec) -> dict:
    """What the figures and claims need from the digits swarm."""
    return {"epoch": rec.epoch + 1, "gzip": metrics.weight_complexity(rec),
            "rank": piecewise_deep.hidden_rank(rec), "dw": metrics.delta_w_correlation(rec)}


def curves_figure(rec, out):
    fig, axes = _common.figure(1, 2, size=(10.0, 3.4))
    epochs = rec.epoch + 1
    for split, color in (("", "C0"), ("test_", "C3")):
        label = "test" if split else "training"
        _common.band(axes[0], epochs, rec[split + "loss"], label=label, color=color, log=True)
        _common.band(axes[1], epochs, 1 - rec[split + "accuracy"], label=label, color=color,
                     log=True)
    axes[0].set(xlabel="epoch", ylabel="cross-entropy", title="loss (median, 10-90% of bees)")
    axes[1].set(xlabel="epoch", ylabel="error (1 - accuracy)", title="error")
    axes[0].legend(frameon=False)
    _common.save(fig, out / "digits_analyses_curves.png")


def layers_figure(rec, out):
    """Weight density per layer over training (top) and each layer's effective rank (bottom)."""
    layers = rec.layer_indices
    fig, axes = _common.figure(2, len(layers), size=(2.6 * len(layers), 5.0), squeeze=False)
    epochs = rec.epoch + 1
    for k, top, bottom in zip(layers, axes[0], axes[1]):
        counts, edges = metrics.weight_density(rec, layer=k, bins=60)
        top.imshow(np.log1p(counts), cmap="magma", aspect="auto", origin="lower",
                   extent=(edges[0], edges[-1], epochs[0], epochs[-1]))
        top.set(title=f"layer {k} weights", xlabel="value")
        _common.band(bottom, epochs, metrics.effective_rank(rec.weights(k)), color="C2")
        bottom.set(xlabel="epoch", title=f"layer {k} effective rank", ylim=(0, None))
    axes[0, 0].set_ylabel("epoch")
    _common.save(fig, out / "digits_analyses_layers.png")


def side_figure(results: dict, out):
    """gzip complexity and mean effective rank over the fraction of training (each bee's
    relative to its first epoch, so both cases share an axis), and the weight-change
    correlation by layer distance at the last epoch: digits beside piecewise."""
    fig, axes = _common.figure(1, 3, size=(11.0, 3.2))
    for case, r in results.items():
        frac = r["epoch"] / r["epoch"][-1]
        _common.band(axes[0], frac, r["gzip"] / r["gzip"][:, :1], label=case)
        _common.band(axes[1], frac, r["rank"] / r["rank"][:, :1], label=case)
        final = r["dw"][-1]
        axes[2].plot(np.arange(1, final.size + 1), final, "o-", label=case)
    axes[0].set(xlabel="fraction of training", ylabel="gzip complexity / first epoch's",
                title="gzip complexity")
    axes[1].set(xlabel="fraction of training", ylabel="mean effective rank / first epoch's",
                title="effective rank (matrices)")
    axes[2].set(xlabel="layer distance", ylabel="correlation of |ΔW| quantiles",
                title="weight-change correlation, last epoch")
    axes[0].legend(frameon=False, fontsize=8)
    _common.save(fig, out / "digits_analyses_side.png")


def share_verdict(claim: str, shares: dict) -> str:
    digits = shares["digits"]
    status = "holds" if digits >= 0.75 else ("does not hold" if digits <= 0.5 else "unclear")
    return _common.verdict(status, claim, f"digits {digits:.0%} of bees, piecewise "
                                          f"{shares['piecewise']:.0%}; threshold 75%")


def main(argv=None):
    args = _common.parse_args(__doc__.splitlines()[0], argv)
    if args.quick:
        bees, epochs, pw_bees, pw_epochs, points = 4, 4, 4, 20, 200
    else:
        bees, epochs, pw_bees, pw_epochs, points = 24, 80, 16, 1500, 1000
    rec = swarm.train(swarm.datasets.digits(), bees=bees, epochs=epochs, width=32, depth=3,
                      optimizer="adam", lr=1e-3, batch_size=128, seed=SEED, progress=False)
    pw = swarm.train("piecewise", bees=pw_bees, epochs=pw_epochs, width=5, depth=4,
                     optimizer="adam", lr=0.003, domain=(-3, 3), points=points,
                     record_every=max(1, pw_epochs // 150), seed=piecewise_deep.SEED,
                     progress=False)
    results = {"digits": analyse_digits(rec), "piecewise": piecewise_deep.analyse(pw)}
    print(f"{'':>9} | {'final loss':>25} | {'gzip first -> last':>21} | rose | "
          f"{'eff. rank first -> last':>23} | fell | ΔW corr. by distance")
    for case, r in results.items():
        loss = rec["loss"][:, -1] if case == "digits" else r["loss"][:, -1]
        print(f"{case:>9} | {_common.spread(loss, '.2e')} | "
              f"{np.median(r['gzip'][:, 0]):.4f} -> {np.median(r['gzip'][:, -1]):.4f} | "
              f"{piecewise_deep.rose(r['gzip']):4.0%} | {np.median(r['rank'][:, 0]):10.2f} -> "
              f"{np.median(r['rank'][:, -1]):.2f} | {piecewise_deep.rose(-r['rank']):4.0%} | "
              f"{np.round(r['dw'][-1], 2).tolist()}")
    print(f"digits test accuracy {_common.spread(rec['test_accuracy'][:, -1])}, training "
          f"{_common.spread(rec['accuracy'][:, -1])}")
    curves_figure(rec, args.out)
    layers_figure(rec, args.out)
    side_figure(results, args.out)
    _common.video_and_report(rec.bees(np.arange(min(8, bees))), args.out, "digits_analyses",
                             args.quick, report_of=rec)
    share_verdict("weights become less compressible (gzip complexity rises)",
                  {c: piecewise_deep.rose(r["gzip"]) for c, r in results.items()})
    share_verdict("the effective rank of the weight matrices decreases",
                  {c: piecewise_deep.rose(-r["rank"]) for c, r in results.items()})
    dw = {c: r["dw"][-1] for c, r in results.items()}
    status = "holds" if dw["digits"][0] > dw["digits"][-1] else "does not hold"
    return _common.verdict(status, "ΔW correlation decays with layer distance",
                           f"digits: distance 1 {dw['digits'][0]:.2f}, distance "
                           f"{dw['digits'].size} {dw['digits'][-1]:.2f}; piecewise: "
                           f"{dw['piecewise'][0]:.2f}, {dw['piecewise'][-1]:.2f}")


if __name__ == "__main__":
    main()
