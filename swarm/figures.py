"""Static figures of a Recording, for reports and notebooks.

Each figure function takes a Recording and returns a matplotlib ``Figure``
(built without pyplot, so no global state and no GUI backend). Diverged bees
are left out of every density and band. :data:`FIGURES` lists them by name
with a caption and a test saying whether the recording's network allows it;
:func:`standard` returns the ones that apply, in report order.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from swarm.metrics._common import check_recording, epoch_index
from swarm.recording import Recording

__all__ = ["fit_density", "loss_curves", "breakpoint_histogram", "rank_curves", "vote_map",
           "accuracy_curves", "confusion", "FIGURES",
           "FigureSpec", "standard", "to_png"]

log = logging.getLogger(__name__)

SIZE = (5.0, 3.3)  # inches: with DPI, labels stay readable scaled down to a phone
DPI = 140
INK, ACCENT, BAND = "#222222", "#d9480f", "#1c7ed6"


_MARGINS = (0.72, 0.18, 0.5, 0.32)  # left, right, bottom, top in inches: fixed, so no layout pass


def _figure(colorbar: bool = False) -> tuple[Figure, object]:
    """A figure of SIZE with one axes (and room for a colorbar on the right)."""
    fig = Figure(figsize=SIZE, dpi=DPI)
    (w, h), (left, right, bottom, top) = SIZE, _MARGINS
    right += 0.95 if colorbar else 0.0
    ax = fig.add_axes((left / w, bottom / h, 1 - (left + right) / w, 1 - (bottom + top) / h))
    return fig, ax


def _kept(rec: Recording) -> np.ndarray:
    """Indices of the bees that did not diverge."""
    return np.flatnonzero(rec.live)


def _left_out_note(ax, rec: Recording) -> None:
    n = int(np.sum(rec.diverged))
    if n:
        ax.text(0.99, 0.98, f"{n} diverged bee{'s' * (n != 1)} left out", transform=ax.transAxes,
                ha="right", va="top", fontsize=8, color=ACCENT)


def fit_density(rec: Recording, *, epoch: int = -1, columns: int = 400, rows: int = 160) -> Figure:
    """The bees' fits at one recorded epoch as a density of lines, the target and the median fit.

    Each bee's prediction ``ypred[bee, epoch]`` [point] is interpolated onto
    ``columns`` x positions and the (x, y) pairs of all kept bees are counted in
    a ``[columns, rows]`` grid, so crowds read dark and stragglers stay visible.
    """
    rec = check_recording(rec)
    e = epoch_index(rec, epoch)
    x = np.asarray(rec.x, dtype=np.float64)
    y = np.asarray(rec.y, dtype=np.float64)
    pred = np.asarray(rec["ypred"][_kept(rec), e], dtype=np.float64)  # [bee, point]
    fine = np.linspace(x[0], x[-1], columns)
    right = np.clip(np.searchsorted(x, fine), 1, x.size - 1)
    w = (fine - x[right - 1]) / (x[right] - x[right - 1])
    lines = pred[:, right - 1] * (1 - w) + pred[:, right] * w  # [bee, column]
    lo, hi = _y_range(y, lines)
    counts, xe, ye = np.histogram2d(np.broadcast_to(fine, lines.shape).ravel(), lines.ravel(),
                                    bins=[columns, rows], range=[[x[0], x[-1]], [lo, hi]])
    share = counts.T / max(len(pred), 1)
    fig, ax = _figure(colorbar=True)
    with np.errstate(all="ignore"):
        img = ax.pcolormesh(xe, ye, np.ma.masked_equal(share, 0), cmap="Blues",
                            norm=PowerNorm(0.5, vmin=0, vmax=_top(share)),
                            rasterized=True)
    ax.plot(x, y, color=INK, lw=1.4, ls="--", label="target")
    if len(pred):
        ax.plot(x, np.median(pred, axis=0), color=ACCENT, lw=1.6, label="median fit")
    ax.set(xlim=(x[0], x[-1]), ylim=(lo, hi), xlabel="x", ylabel="y",
           title=f"Fits at epoch {int(rec.epoch[e])}")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    box = ax.get_position()
    cax = fig.add_axes((box.x1 + 0.1 / SIZE[0], box.y0, 0.12 / SIZE[0], box.height))
    fig.colorbar(img, cax=cax, label="share of bees")
    _left_out_note(ax, rec)
    return fig


def _top(share: np.ndarray) -> float:
    """The colour scale's top: the 99th percentile of the occupied cells, so crowds read dark."""
    occupied = share[share > 0]
    return float(np.quantile(occupied, 0.99)) if occupied.size else 1.0


def _y_range(y: np.ndarray, lines: np.ndarray) -> tuple[float, float]:
    """The target's range widened by 30%, and to the 1-99% spread of the fits when larger."""
    lo, hi = float(np.min(y)), float(np.max(y))
    pad = 0.3 * max(hi - lo, 1e-6)
    lo, hi = lo - pad, hi + pad
    finite = lines[np.isfinite(lines)]
    if finite.size:
        q1, q99 = np.quantile(finite, [0.01, 0.99])
        span = hi - lo
        lo, hi = max(min(lo, q1), lo - span), min(max(hi, q99), hi + span)
    return lo, hi


def _bands(ax, t: np.ndarray, values: np.ndarray, color: str, label: str) -> None:
    """Median line with 25-75% and 5-95% bands of ``values`` [bee, epoch] over ``t`` [epoch]."""
    with np.errstate(all="ignore"):
        q5, q25, q50, q75, q95 = np.nanquantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    ax.fill_between(t, q5, q95, color=color, alpha=0.15, lw=0)
    ax.fill_between(t, q25, q75, color=color, alpha=0.3, lw=0)
    ax.plot(t, q50, color=color, lw=1.6, label=label)


def _plain_log_ticks(axis) -> None:
    """Plain numbers (0.3, 10, 100) on a log axis: readable, and no mathtext to typeset.
    Over a short span (at most 2.5 decades) the 2s and 5s between powers of ten are
    labelled too, so every axis has a few labels."""
    lo, hi = axis.get_view_interval()
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    minor = np.log10(max(hi, lo) / max(min(hi, lo), 1e-300)) <= 2.5
    axis.set_minor_formatter(FuncFormatter(_two_five) if minor else NullFormatter())


def _two_five(v: float, _pos=None) -> str:
    mantissa = v / 10 ** np.floor(np.log10(v)) if v > 0 else 0
    return f"{v:g}" if round(mantissa, 6) in (2.0, 5.0) else ""


def loss_curves(rec: Recording) -> Figure:
    """Median loss over epochs with 25-75% and 5-95% bands across bees, on log-log axes.

    The x axis is ``epoch + 1`` so epoch 0 has a place on a log scale; losses are
    floored at the smallest positive float32 so an exact fit still shows.
    """
    rec = check_recording(rec)
    loss = np.asarray(rec["loss"][_kept(rec)], dtype=np.float64)  # [bee, epoch]
    loss = np.maximum(loss, np.finfo(np.float32).tiny)
    fig, ax = _figure()
    if len(loss):
        _bands(ax, rec.epoch + 1.0, loss, BAND, "median (bands: 25-75%, 5-95%)")
        ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.set(xscale="log", yscale="log", xlabel="epoch + 1",
           ylabel=f"{rec.meta.get('spec', {}).get('loss', 'training')} loss",
           title="Training loss across the swarm")
    _plain_log_ticks(ax.xaxis)
    _plain_log_ticks(ax.yaxis)
    ax.grid(True, which="major", alpha=0.3)
    _left_out_note(ax, rec)
    return fig


def breakpoint_histogram(rec: Recording, *, bins: int = 60) -> Figure:
    """Where the bees' networks bend (their breakpoints) at the first and last recorded epochs.

    Counts over all kept bees from :func:`swarm.metrics.breakpoint_histogram`;
    the target's turning points are marked, since that is where kinks gather.
    """
    from swarm import metrics

    rec = check_recording(rec)
    counts, edges = metrics.breakpoint_histogram(rec, bins, epochs=[0, rec.num_epochs - 1])
    fig, ax = _figure()
    ax.stairs(counts[0], edges, color="#868e96", lw=1.2, label=f"epoch {int(rec.epoch[0])}")
    ax.stairs(counts[-1], edges, fill=True, color=BAND, alpha=0.75,
              label=f"epoch {int(rec.epoch[-1])}")
    for i, tp in enumerate(_turning_points(rec)):
        ax.axvline(tp, color=ACCENT, lw=1, ls=":", label="turning points" if i == 0 else None)
    ax.set(xlim=(edges[0], edges[-1]), xlabel="x", ylabel="breakpoints (all bees)",
           title="Breakpoints over x")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    return fig


def _turning_points(rec: Recording) -> np.ndarray:
    """x of the target's local extrema inside the recording's domain (none if unknown)."""
    from swarm import metrics

    target = rec.meta.get("spec", {}).get("target")
    if not target:
        return np.empty(0)
    try:
        return metrics.turning_points(target, (float(np.min(rec.x)), float(np.max(rec.x))))
    except ValueError as err:  # e.g. a target that is not finite on the domain
        log.info("no turning points marked: %s", err)
        return np.empty(0)


def rank_curves(rec: Recording) -> Figure:
    """Effective rank of each layer's weight matrix over epochs: median and 25-75%/5-95% bands.

    Only layers whose matrix has at least two rows and two columns are drawn
    (a vector's effective rank is always 1).
    """
    from swarm import metrics

    rec = check_recording(rec)
    fig, ax = _figure()
    colors = ["#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9", "#f08c00", "#495057"]
    from swarm.panels.base import layer_label

    kept = _kept(rec)
    for i, k in enumerate(rec.matrix_layers if len(kept) else ()):  # none left: no curves
        ranks = np.asarray(metrics.effective_rank(rec.weights(k)[kept]), dtype=np.float64)
        _bands(ax, rec.epoch + 1.0, ranks, colors[i % len(colors)], layer_label(rec, k))
    ax.set(xscale="log", xlabel="epoch + 1", ylabel="effective rank",
           title="Effective rank per layer")
    return _finish_bands(fig, ax, rec, "best")


def _finish_bands(fig: Figure, ax, rec: Recording, legend: str) -> Figure:
    """Plain log ticks on x, the legend at ``legend``, a grid and the diverged note."""
    _plain_log_ticks(ax.xaxis)
    ax.legend(loc=legend, fontsize=8, frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    _left_out_note(ax, rec)
    return fig


def _piecewise_mlp(rec: Recording) -> bool:
    """Breakpoints are defined: a piecewise-linear built-in MLP of one input."""
    return rec.piecewise_linear and rec.num_layers > 0 and \
        rec.meta.get("spec", {}).get("inputs", 1) == 1


def _plane_classifier(rec: Recording) -> bool:
    from swarm.panels.boundary import BoundaryPanel

    return BoundaryPanel.applies(rec) is None


def _classifier(rec: Recording) -> bool:
    return "accuracy" in rec and rec.num_layers > 0 and not (rec.meta.get("spec") or {}).get("model")


def vote_map(rec: Recording, *, epoch: int = -1, size: int = 120) -> Figure:
    """The swarm's final vote over a 2-D dataset's plane: per pixel the share of live bees
    predicting each class, darkened where their boundaries crowd, with the data (test hollow)."""
    from swarm.metrics.decision import decision_maps
    from swarm.panels._plane import class_colors
    from swarm.panels.boundary import boundary_image

    rec = check_recording(rec)
    maps = decision_maps(rec, [epoch_index(rec, epoch)], size=size)
    classes = rec.classes or tuple(str(c) for c in range(maps["votes"].shape[1]))
    colors = class_colors(len(classes))
    bees = int(maps["bees"][0])
    image = boundary_image(maps["votes"][0], maps["boundary"][0], colors, bees)
    fig, ax = _figure()
    dx, dy = maps["xs"][1] - maps["xs"][0], maps["ys"][1] - maps["ys"][0]
    ax.imshow(image, origin="lower", interpolation="bilinear", aspect="auto",
              extent=(maps["xs"][0] - dx / 2, maps["xs"][-1] + dx / 2,
                      maps["ys"][0] - dy / 2, maps["ys"][-1] + dy / 2))
    test = rec.has_test
    for c, color in enumerate(colors):
        for x, y, hollow in ((rec.x, rec.y, False),) + (((rec["x_test"], rec["y_test"], True),)
                                                         if test else ()):
            pts = np.asarray(x)[np.asarray(y) == c]
            ax.scatter(pts[:, 0], pts[:, 1], s=9, lw=0.7, edgecolors=color if hollow else "white",
                       facecolors="white" if hollow else color,
                       label=(classes[c] if not hollow else None))
    from swarm.panels.base import feature_label

    ax.set(xlabel=feature_label(rec, 0, "x1"), ylabel=feature_label(rec, 1, "x2"),
           title=f"Vote of {bees} bees, epoch {int(rec.epoch[epoch_index(rec, epoch)])}")
    ax.legend(loc="upper right", fontsize=7, frameon=True, markerscale=1.5, title="class (test hollow)" if test else "class",
              title_fontsize=7)
    _left_out_note(ax, rec)
    return fig


def accuracy_curves(rec: Recording) -> Figure:
    """Train and test accuracy over epochs: median with 25-75% and 5-95% bands across bees."""
    rec = check_recording(rec)
    kept = _kept(rec)
    fig, ax = _figure()
    for key, color, label in (("accuracy", ACCENT, "train"), ("test_accuracy", BAND, "test")):
        if key in rec and len(kept):
            _bands(ax, rec.epoch + 1.0, np.asarray(rec[key][kept], np.float64), color, label)
    ax.set(xscale="log", xlabel="epoch + 1", ylabel="accuracy", ylim=(-0.02, 1.02),
           title="Accuracy across the swarm")
    return _finish_bands(fig, ax, rec, "lower right")


def confusion(rec: Recording, *, epoch: int = -1) -> Figure:
    """The confusion matrix of the live bees' majority vote on the test split (counts, rows: truth)."""
    from swarm.metrics.decision import majority_confusion

    rec = check_recording(rec)
    split = "test" if rec.has_test else "train"
    matrix = majority_confusion(rec, epoch, split)
    classes = rec.classes or tuple(str(c) for c in range(len(matrix)))
    fig, ax = _figure(colorbar=True)
    shown = ax.imshow(matrix, cmap="Blues", aspect="auto")
    fig.colorbar(shown, ax=ax, fraction=0.05, pad=0.03)
    if len(matrix) <= 12:
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                    color="white" if v > matrix.max() / 2 else INK)
    ticks = range(len(classes))
    crowded = sum(len(c) for c in classes) > 40  # the names would run into each other
    ax.set_xticks(ticks, classes, fontsize=7, rotation=35 if crowded else 0,
                  ha="right" if crowded else "center", rotation_mode="anchor")
    ax.set_yticks(ticks, classes, fontsize=7)
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set(xlabel="majority vote", ylabel="true class",
           title=f"Majority vote on the {split} split: {accuracy:.1%} right")
    _inside(fig, ax)
    return fig


def _inside(fig: Figure, ax, pad: float = 4.0) -> None:
    """Shrink ``ax`` from the left and bottom until its tick labels and axis labels lie
    inside the figure with ``pad`` pixels to spare (long class names are never clipped)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    box, outer = ax.get_position(), ax.get_tightbbox(renderer)
    width, height = fig.bbox.width, fig.bbox.height
    left = max(0.0, pad - outer.x0) / width
    bottom = max(0.0, pad - outer.y0) / height
    if left or bottom:
        ax.set_position((box.x0 + left, box.y0 + bottom, max(box.width - left, 0.1),
                         max(box.height - bottom, 0.1)))
        for other in fig.axes:  # a colorbar keeps the height of its axes
            if other is not ax:
                o = other.get_position()
                other.set_position((o.x0, o.y0 + bottom, o.width, max(o.height - bottom, 0.1)))


@dataclass(frozen=True)
class FigureSpec:
    """A figure by name: how to draw it, what it shows, and whether a recording allows it."""

    name: str
    draw: Callable[[Recording], Figure]
    caption: str
    applies: Callable[[Recording], bool]
    train_only: str | None = None  # the caption of a run without a test split (test=0)

    def caption_of(self, rec: Recording) -> str:
        """The caption for ``rec``: ``train_only`` when it has no test split and one is given."""
        return self.train_only if self.train_only and not rec.has_test else self.caption


FIGURES: dict[str, FigureSpec] = {f.name: f for f in [
    FigureSpec("fits", fit_density,
               "Final fits: how many bees pass through each cell (darker: more bees), with the "
               "target (dashed) and the median fit.", lambda rec: "ypred" in rec),
    FigureSpec("loss", loss_curves,
               "Training loss: median over the bees, with the 25-75% and 5-95% bands, "
               "log-log axes.", lambda rec: True),
    FigureSpec("breakpoints", breakpoint_histogram,
               "Breakpoints (where each network bends) at the first and last recorded epochs, "
               "with the target's turning points dotted.", _piecewise_mlp),
    FigureSpec("rank", rank_curves,
               "Effective rank of each weight matrix (exp of the entropy of its normalised "
               "singular values): median and bands over the bees.",
               lambda rec: bool(rec.matrix_layers)),
    FigureSpec("vote", vote_map,
               "The final vote map: at each point of the plane the share of bees predicting "
               "each class (white: a tie), darker where many bees draw their decision boundary; "
               "training points filled, test points hollow.", _plane_classifier,
               "The final vote map: at each point of the plane the share of bees predicting "
               "each class (white: a tie), darker where many bees draw their decision boundary; "
               "the training points (this run held out no test split)."),
    FigureSpec("accuracy", accuracy_curves,
               "Train and test accuracy: median over the bees, with the 25-75% and 5-95% bands.",
               lambda rec: "accuracy" in rec,
               "Training accuracy (this run held out no test split): median over the bees, "
               "with the 25-75% and 5-95% bands."),
    FigureSpec("confusion", confusion,
               "The swarm's majority vote on the test split against the true classes.",
               _classifier,
               "The swarm's majority vote on the training split (this run held out no test "
               "split) against the true classes."),
]}


def standard(rec: Recording) -> list[tuple[FigureSpec, Figure]]:
    """The figures this recording's network allows, in report order, drawn."""
    rec = check_recording(rec)
    return [(spec, spec.draw(rec)) for spec in FIGURES.values() if spec.applies(rec)]


def to_png(fig: Figure, dpi: int | None = None) -> bytes:
    """The figure as PNG bytes (Agg), at ``dpi`` (default: the figure's own)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, facecolor="white")
    return buf.getvalue()
