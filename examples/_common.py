"""What the example scripts share: the command line, the verdict line, figures on disk.

Every example takes ``--quick`` (a tiny run for tests, seconds) and ``--out DIR``
(where its figures, videos and report go; default: the current directory), and
ends with one line ``verdict: holds|does not hold|unclear — <claim> (<number>)``.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

VERDICTS = ("holds", "does not hold", "unclear")
DATA = ("digits", "mnist", "fashion_mnist")  # the digits scripts' --data choices
# seed 002's two 12-D Gaussians, means 1 apart in every dimension, 400 train + 100 test points
GAUSSIANS_12D = {"samples": 500, "dims": 12, "separation": 1.0, "seed": 0}
# seed 002's code for experiments 10-12: c = U[0,1)^(12x12), cov = c^T c, means 1 apart in
# every dimension (its text), 400 + 100 points, not standardised; add "seed" per data seed
SEED_GAUSSIANS_12D = {"samples": 500, "dims": 12, "separation": 1.0, "covariance": "seed",
                      "standardize": False}
# seed 002 code's network (utils.multilayer_perceptron, experiments 4-12): sigmoid hidden
# units, weights and biases Glorot uniform (tf.get_variable's default), Adam at 0.003
SEED_NET = {"activation": "sigmoid", "init": "xavier", "bias_init": "same", "optimizer": "adam",
            "lr": 0.003}


def parse_args(description: str, argv=None, data: bool = False) -> argparse.Namespace:
    """``--quick`` and ``--out DIR`` (created when missing); returns the parsed namespace.

    ``data=True`` adds the digits scripts' ``--data digits|mnist|fashion_mnist`` and
    ``--data-path DIR`` (read by :func:`load_data`).
    """
    parser = argparse.ArgumentParser(description=description)
    if data:
        parser.add_argument("--data", choices=DATA, default="digits",
                            help="the images: scikit-learn's bundled 8x8 digits (default, no "
                                 "download) or MNIST / Fashion-MNIST (28x28; files or a download)")
        parser.add_argument("--data-path", type=Path, default=None,
                            help="folder of the MNIST IDX files or mnist.npz (default: the "
                                 "cache, $SWARM_DATA or ~/.cache/swarm)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run (seconds), for tests and a first look")
    parser.add_argument("--out", type=Path, default=Path("."),
                        help="folder for figures, videos and the report (default: .)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args


def load_data(args, samples: int | None = None, seed: int = 0, **knobs):
    """The ``--data`` images as a Dataset: ``samples`` images in all (None: every one),
    80% to train and 20% held out (MNIST: from its own training / test files).

    A missing or damaged file ends the script in one line on stderr, exit code 2.
    """
    import sys

    from swarm import datasets

    name = getattr(args, "data", "digits")
    try:
        if name == "digits":
            return datasets.digits(samples, seed=seed, **knobs)
        sizes = {} if samples is None else {"samples": samples - samples // 5,
                                            "test_samples": samples // 5}
        return getattr(datasets, name)(args.data_path, seed=seed, **sizes, **knobs)
    except (ValueError, OSError) as err:
        print(f"error: {err}".replace("pass path=", "pass --data-path DIR"), file=sys.stderr)
        raise SystemExit(2) from None


def verdict(status: str, claim: str, number: str) -> str:
    """Print and return the closing line: ``verdict: <status> — <claim> (<number>)``."""
    if status not in VERDICTS:
        raise ValueError(f"`status` must be one of {VERDICTS}, got {status!r}")
    line = f"verdict: {status} — {claim} ({number})"
    print(line)
    return line


def figure(rows: int = 1, cols: int = 1, size=(6.0, 3.6), **kwargs):
    """A pyplot-free Figure and its axes (squeezed as ``plt.subplots`` does)."""
    fig = Figure(figsize=size, dpi=110, layout="constrained")
    axes = fig.subplots(rows, cols, **kwargs)
    return fig, axes


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` whole or not at all (temporary name beside ``path``, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    print(f"wrote {path}")
    return path


def band(ax, x, values, label=None, color=None, log=False):
    """Median line and 10-90% band across bees of ``values`` [bee, epoch] over ``x`` [epoch]."""
    lo, mid, hi = np.nanpercentile(values, [10, 50, 90], axis=0)
    line, = ax.plot(x, mid, label=label, color=color, lw=1.6)
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    if log:
        ax.set_yscale("log")
    return line


def accuracy_bands(ax, recs: dict, title: str, threshold=None) -> None:
    """Test accuracy per epoch of each ``{label: Recording}``: median and 10-90% of live bees."""
    for label, rec in recs.items():
        band(ax, rec.epoch, rec["test_accuracy"][rec.live], label=label)
    if threshold is not None:
        ax.axhline(threshold, color="k", lw=0.6, ls=":")
    ax.set(xlabel="epoch", ylabel="test accuracy", title=title)
    ax.legend(fontsize=7)


def video_and_report(rec, out: Path, stem: str, quick: bool, report_of=None, **animate_kwargs):
    """Render ``rec`` to ``<stem>.mp4`` (with a poster PNG) and write ``<stem>.html`` around it.

    The report is of ``report_of`` when given (a larger swarm than the video's), else of ``rec``.
    ``--quick`` runs get a one-second video rendered in this process.
    ``animate_kwargs`` go to ``swarm.render.animate`` (panels, title, size, ...).
    Returns (video path, report path).
    """
    from swarm import render, report

    if quick:
        animate_kwargs.update(duration=1, jobs=1)
    video = render.animate(rec, out / f"{stem}.mp4", poster=out / f"{stem}_poster.png",
                           progress=False, **animate_kwargs)
    page = report.write_report(rec if report_of is None else report_of, out / f"{stem}.html",
                               videos=[video])
    print(f"wrote {video} and {page}")
    return video, page


def median_bee(rec) -> int:
    """The bee whose final loss is the swarm's median (the upper one of an even swarm)."""
    final = np.nan_to_num(rec["loss"][:, -1], nan=np.inf)
    return int(np.argsort(final, kind="stable")[len(final) // 2])


@contextmanager
def timed(label: str, times: dict):
    """Store the seconds the block took in ``times[label]``."""
    start = time.perf_counter()
    yield
    times[label] = time.perf_counter() - start


def spread(values, fmt: str = ".3f") -> str:
    """``median (q10-q90)`` of ``values`` [bee] (NaN left out; ``-`` if none): a table cell."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if not values.size:
        return "-"
    lo, mid, hi = np.percentile(values, [10, 50, 90])
    return f"{mid:{fmt}} ({lo:{fmt}}-{hi:{fmt}})"


def win_rate(a, b) -> float:
    """P(a bee of ``a`` scores higher than a bee of ``b``) over all pairs, ties counting half."""
    a, b = np.asarray(a)[:, None], np.asarray(b)[None, :]
    return float(np.mean((a > b) + 0.5 * (a == b)))


def best_accuracy(gaps) -> float:
    """Accuracy of the optimal rule between two equally likely Gaussians of identity
    covariance whose means are ``gaps`` [dim] apart: Phi(|gaps| / 2) (a plane decides)."""
    return 0.5 * (1.0 + math.erf(float(np.linalg.norm(gaps)) / 2 / math.sqrt(2)))


def seed_verdict(numbers, holds_at: float, fails_at: float | None = None) -> str:
    """The verdict of one claim measured once per seed: ``numbers`` [seed].

    The claim holds when its number is at least ``holds_at`` on every seed and does not
    hold when it is below ``fails_at`` (default: ``holds_at``) on every seed; any seed on
    the other side, or a number between the two levels, makes it "unclear". Write a
    claim whose number should be *small* with negated numbers and levels. NaN counts as
    neither side (unclear). The same rule for every script, so the spread decides.
    """
    values = np.asarray(numbers, dtype=np.float64).ravel()
    fails_at = holds_at if fails_at is None else fails_at
    if fails_at > holds_at:
        raise ValueError(f"`fails_at` ({fails_at}) must not be above `holds_at` ({holds_at})")
    if not values.size:
        raise ValueError("`numbers` is empty: measure the claim on at least one seed")
    if np.all(values >= holds_at):
        return "holds"
    if np.all(values < fails_at):
        return "does not hold"
    return "unclear"


def all_parts(statuses) -> str:
    """One verdict from a claim's parts' verdicts: "holds" when every part holds, "does not
    hold" when any part does not, else "unclear"."""
    statuses = list(statuses)
    if not statuses or any(s not in VERDICTS for s in statuses):
        raise ValueError(f"`statuses` must be verdicts from {VERDICTS}, got {statuses!r}")
    if all(s == "holds" for s in statuses):
        return "holds"
    return "does not hold" if "does not hold" in statuses else "unclear"


def per_seed(numbers, fmt: str = ".3f") -> str:
    """``a / b / c (seeds)``: each seed's number, for the verdict line and the docstring."""
    return " / ".join(f"{float(v):{fmt}}" for v in np.ravel(numbers)) + " (seeds)"
