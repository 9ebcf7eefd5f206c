"""The predictions panel: a regression's predicted against true targets on the test split.

Each test sample is a point at (true, median prediction of the live bees),
with a grey bar over the bees' 10-90% range; the diagonal is a perfect fit.
Predictions come from the recorded weights (:func:`swarm.metrics.decision.predict_values`)
at a few key epochs; frames between blend the two nearest.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from swarm.panels.base import Panel, SpecOnly, built_in_only, diverged_notes, draw_note, track_color
from swarm.panels.line import MEDIAN_COLOR

__all__ = ["PredictionsPanel", "target_label"]


def target_label(rec) -> str:
    """The target's axis word: "y", with "(standardized)" when the run trained on
    standardized targets (``meta["dataset"]["y_std"]`` set)."""
    data = rec.meta.get("dataset") or {}
    return "y (standardized)" if data.get("y_std") is not None else "y"


class PredictionsPanel(Panel):
    """Predicted vs true targets of a regression on its test split (the training split
    when it has none): median over live bees, the 10-90% range, tracked bees' points."""

    name = "predictions"
    summary = "a regression's predicted against true targets on the test split, per sample"

    @classmethod
    def applies(cls, rec) -> str | None:
        task = rec.task
        if task != "regression":
            return f"it shows a regression's predictions; this is a {task} run"
        if reason := built_in_only(rec):
            return reason
        if not isinstance(rec, SpecOnly) and np.ndim(rec.y) == 2 and np.shape(rec.y)[1] > 1:
            return "it plots one target; this run has several outputs"
        return None

    def __init__(self, rec, tracked=(), *, keys: int = 40):
        from swarm.metrics.decision import predict_values  # here: render workers need no torch
        from swarm.panels._plane import key_frames

        self.split = "test" if rec.has_test else "training"
        x, y = (rec["x_test"], rec["y_test"]) if rec.has_test else (rec.x, rec.y)
        self.true = np.asarray(y, np.float64).reshape(len(y))
        self.epoch = np.asarray(rec.epoch)
        self.keys = key_frames(len(self.epoch), keys)
        live = rec.live_by_epoch  # [bee, epoch]
        self.tracked = np.asarray(tracked, np.int64)
        bands, chosen = [], []
        for e in self.keys:
            pred = predict_values(rec, int(e), x)[..., 0].astype(np.float64)  # [bee, sample]
            pred[~live[:, e]] = np.nan
            pred[~np.isfinite(pred)] = np.nan
            bands.append(np.nanquantile(pred, [0.1, 0.5, 0.9], axis=0) if live[:, e].any()
                         else np.full((3, len(self.true)), np.nan))
            chosen.append(pred[self.tracked])
        self.bands = np.stack(bands)  # [key, 3, sample]
        self.tracked_pred = np.stack(chosen)  # [key, tracked, sample]
        lo, hi = np.nanpercentile(np.concatenate([self.true, self.bands[-1].ravel()]), [0.5, 99.5])
        pad = 0.08 * (hi - lo) if hi > lo else 1.0
        self.limits = (lo - pad, hi + pad)
        self.label = target_label(rec)
        self.notes = diverged_notes(rec, short=True)
        self.num_frames = len(self.epoch)

    def plot_init(self, ax):
        ax.set_xlim(*self.limits)
        ax.set_ylim(*self.limits)
        ax.set_aspect("equal", adjustable="box")
        ax.plot(self.limits, self.limits, color="0.55", lw=1, ls="--")
        ax.set_xlabel(f"true {self.label}")
        ax.set_ylabel(f"predicted {self.label}")
        ax.set_title(f"predictions on the {self.split} split", fontsize=10, loc="left")
        ax.grid(True, color="0.92", linewidth=0.8)
        handles = [Line2D([], [], ls="", marker="o", ms=5, color=MEDIAN_COLOR, label="median of bees"),
                   Line2D([], [], color="0.6", lw=2, label="10-90%"),
                   Line2D([], [], color="0.55", lw=1, ls="--", label="perfect")]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                  fontsize=8, handlelength=1.4)

    def draw(self, canvas, frame: int) -> None:
        place = np.interp(frame, self.keys, np.arange(len(self.keys)))
        k0 = int(np.floor(place))
        k1, t = min(k0 + 1, len(self.keys) - 1), place - k0
        q10, q50, q90 = self.bands[k0] + (self.bands[k1] - self.bands[k0]) * t
        for x, lo, hi in zip(self.true, q10, q90):
            if np.isfinite(lo) and np.isfinite(hi):
                canvas.line([x, x], [lo, hi], color="0.6", width=1.2, alpha=0.7)
        for i, pred in enumerate(self.tracked_pred[k0] + (self.tracked_pred[k1] - self.tracked_pred[k0]) * t):
            canvas.points(self.true, pred, color=track_color(i), radius=1.8, alpha=0.8)
        canvas.points(self.true, q50, color=MEDIAN_COLOR, radius=2.6)
        canvas.text(f"epoch {self.epoch[frame]}", 0.03, 0.97, size=11, bold=True)
        draw_note(canvas, self.notes[frame])
