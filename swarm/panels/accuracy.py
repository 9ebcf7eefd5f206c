"""The accuracy panel: train and test accuracy over epochs (median, 10-90% band), the tracked bees, now."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from swarm.panels.base import (Panel, SpecOnly, diverged_notes, draw_note, fade_after,
                               legend_columns_beside_title, text_line, track_color)
from swarm.panels.line import MEDIAN_COLOR as TRAIN_COLOR
from swarm.panels.loss import TEST_COLOR, quantile_band

__all__ = ["AccuracyPanel"]


class AccuracyPanel(Panel):
    """Train (solid) and test (dashed) accuracy across the bees that did not diverge.

    Static curves; each frame marks the current epoch, the tracked bees' train
    accuracy and the medians now; the final generalisation gap is in the corner.
    """

    name = "accuracy"
    summary = "train and test accuracy over epochs: median, 10-90% band, tracked bees"

    @classmethod
    def applies(cls, rec) -> str | None:
        if isinstance(rec, SpecOnly):
            task = rec.task
            return None if task == "classification" else \
                f"it shows a classifier's accuracy; this is a {task} run"
        return None if "accuracy" in rec else "it needs the recorded `accuracy` of a classification run"

    def __init__(self, rec, tracked=()):
        self.t = np.asarray(rec.epoch, dtype=np.float64)
        live = rec.live_by_epoch  # each bee counts until it diverged
        self.bands = {"train": quantile_band(rec["accuracy"], live)}
        if "test_accuracy" in rec:
            self.bands["test"] = quantile_band(rec["test_accuracy"], live)
        self.tracked = np.asarray(tracked, dtype=np.int64)
        self.tracked_acc = np.where(live[self.tracked], np.asarray(rec["accuracy"], np.float64)[self.tracked],
                                    np.nan)  # [tracked, epoch]
        self.notes = diverged_notes(rec)
        self.num_frames = len(self.t)
        medians = {k: v[1][-1] for k, v in self.bands.items()}
        self.gap = medians["train"] - medians["test"] if "test" in medians else None

    def plot_init(self, ax):
        handles = []
        for split, (q10, q50, q90) in self.bands.items():
            color, style = (TRAIN_COLOR, "-") if split == "train" else (TEST_COLOR, "--")
            ax.fill_between(self.t, q10, q90, color=color, alpha=0.15, linewidth=0)
            ax.plot(self.t, q50, color=color, lw=1.8, ls=style)
            handles.append(Line2D([], [], color=color, lw=1.8, ls=style, label=f"{split} median" if split == "train" else "test"))
        for i, curve in enumerate(self.tracked_acc):
            ax.plot(self.t, curve, color=track_color(i), lw=0.8, alpha=0.7)
        handles.append(Patch(color="0.5", alpha=0.3, label="10-90% of bees"))
        ax.set_xlim(self.t[0], max(self.t[-1], self.t[0] + 1))
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title("accuracy", fontsize=10, loc="left")
        ax.grid(True, color="0.92", linewidth=0.8)
        ncol = legend_columns_beside_title(ax, [h.get_label() for h in handles], "accuracy")
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=ncol,
                  frameon=False, fontsize=8, borderaxespad=0.1, handlelength=1.4)  # outside: no fade

    def draw(self, canvas, frame: int) -> None:
        t = self.t[frame]
        fade_after(canvas, t)
        canvas.vline(t, color="0.35", width=1.2)
        for i, value in enumerate(self.tracked_acc[:, frame]):
            canvas.points([t], [value], color=track_color(i), radius=3.0)
        lines = []
        for split, (_, q50, _) in self.bands.items():
            color = TRAIN_COLOR if split == "train" else TEST_COLOR
            canvas.points([t], [q50[frame]], color="white", radius=5.0)
            canvas.points([t], [q50[frame]], color=color, radius=3.8)
            lines.append((f"{split} {q50[frame]:.3f}", color, 10, True))
        if self.gap is not None:
            lines.append((f"final gap {self.gap:+.3f}", "0.25", 9, False))
        note = self.notes[frame]
        draw_note(canvas, note)
        y = 0.02 + (text_line(canvas, 9) if note else 0.0)  # stacked up from the note: no overlap
        for text, color, size, bold in reversed(lines):
            canvas.text(text, 0.98, y, size=size, ha="right", va="bottom", color=color, bold=bold)
            y += text_line(canvas, size)
