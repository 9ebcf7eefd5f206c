"""What the panels over a 2-D dataset's plane share (``boundary``, ``units``).

The maps are computed on a coarse grid at a few key epochs (a 500-bee swarm's
predictions on every pixel of every frame would cost minutes), kept as small
uint8 RGB images [key, row, col, 3], and each frame blends the two key images
around its epoch and scales the result up to the pane bilinearly: the picture
moves smoothly and never flickers. The data points are stamped once per pane
into a layer that every frame blends on top.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from swarm.panels.base import Panel, diverged_notes, draw_note, feature_label, text_line
from swarm.render.canvas import Canvas

__all__ = ["PlanePanel", "CLASS_COLORS", "KELLY_COLORS", "MAX_CLASSES", "class_colors", "legend_columns",
           "key_frames", "grid_size", "two_inputs", "point_legend"]

#: Okabe-Ito, colour-blind safe: blue and orange for two classes, then the rest.
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
                "#000000")
#: Kelly's colours of maximum contrast (less white and black): 20 distinct hues, for 9-20 classes.
KELLY_COLORS = ("#F3C300", "#875692", "#F38400", "#A1CAF1", "#BE0032", "#C2B280", "#848482",
                "#008856", "#E68FAC", "#0067A5", "#F99379", "#604E97", "#F6A600", "#B3446C",
                "#DCD300", "#882D17", "#8DB600", "#654522", "#E25822", "#2B3D26")
MAX_CLASSES = len(KELLY_COLORS)  # the plane panels tell at most this many classes apart


def class_colors(count: int) -> list[str]:
    """One distinct colour per class: Okabe-Ito up to 8 classes, Kelly's up to 20; more is a
    ``ValueError`` (the plane panels refuse such runs, see :func:`two_inputs`)."""
    if count > MAX_CLASSES:
        raise ValueError(f"{count} classes: the plane panels have distinct colours for at most "
                         f"{MAX_CLASSES}")
    return list(CLASS_COLORS[:count] if count <= len(CLASS_COLORS) else KELLY_COLORS[:count])


def two_inputs(rec) -> str | None:
    """Why a plane panel cannot show ``rec`` (not 2 inputs, or more classes than it has
    distinct colours for), or None."""
    inputs = int((rec.meta.get("spec") or {}).get("inputs", 1))
    if inputs != 2:
        return f"it draws the plane of a 2-D dataset; this run's networks take {inputs} input" \
            + ("s" if inputs != 1 else "")
    classes = (rec.meta.get("dataset") or {}).get("classes") or ()
    if len(classes) > MAX_CLASSES:
        return f"it colours each class apart, and has distinct colours for at most {MAX_CLASSES} " \
            f"classes; this run has {len(classes)}"
    return None


def grid_size(size, pixels_per_cell: float = 4.0) -> int:
    """Grid cells per axis for a plane in a video of ``size`` (width, height) px: int in 48..192."""
    side = 0.55 * min(size[1], size[0] * 0.6)
    return int(np.clip(round(side / pixels_per_cell), 48, 192))


def key_frames(num_epochs: int, keys: int) -> np.ndarray:
    """Positions of at most ``keys`` evenly spread epochs (first and last included): int64 [key]."""
    if isinstance(keys, bool) or not isinstance(keys, (int, np.integer)) or keys < 2:
        raise ValueError(f"`keys` must be an integer >= 2, got {keys!r}")
    return np.unique(np.rint(np.linspace(0, num_epochs - 1, min(num_epochs, int(keys))))).astype(np.int64)


class PlanePanel(Panel):
    """Base of the plane panels: subclasses set ``xs``, ``ys`` (grid centres), ``images``
    uint8 [key, row, col, 3], ``keys`` (epoch positions of the images), ``epoch``,
    ``points`` [(x [n, 2], colour, hollow)], ``legend`` [(handle, label)] and ``titles``
    [epoch], then call ``_setup_state(rec)``."""

    @classmethod
    def applies(cls, rec) -> str | None:
        return two_inputs(rec)

    @classmethod
    def frame_options(cls, size) -> dict:
        """A grid of about one cell per 4 px of the plane (the lead plane is about 0.55 of the
        frame's height across): bilinear scaling then shows no blocks."""
        return {"size": grid_size(size)}

    def _setup_state(self, rec):
        self.axis_labels = (feature_label(rec, 0, "x1"), feature_label(rec, 1, "x2"))
        self.num_frames = len(self.epoch)
        self.notes = diverged_notes(rec, short=True)
        self._cache: dict = {}  # per process: pane -> (row weights, col weights, points layer)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    def plot_init(self, ax):
        dx, dy = self.xs[1] - self.xs[0], self.ys[1] - self.ys[0]
        ax.set_xlim(self.xs[0] - dx / 2, self.xs[-1] + dx / 2)
        ax.set_ylim(self.ys[0] - dy / 2, self.ys[-1] + dy / 2)
        ax.set_xlabel(self.axis_labels[0])
        ax.set_ylabel(self.axis_labels[1])
        handles, labels = zip(*self.legend) if self.legend else ((), ())
        ncol = legend_columns(len(labels), _box_height(ax), dpi=ax.figure.dpi)
        ax.set_aspect("equal", adjustable="box")  # a unit is as long across as up
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=ncol,
                  frameon=False, fontsize=8, handlelength=1.2, columnspacing=0.9, borderaxespad=0.1)

    def draw(self, canvas, frame: int) -> None:
        rows, cols, (layer_alpha, layer_rgb) = self._pane_cache(canvas.pane)
        place = np.interp(frame, self.keys, np.arange(len(self.keys)))
        k0 = int(np.floor(place))
        k1, t = min(k0 + 1, len(self.keys) - 1), np.float32(place - k0)
        grid = self.images[k0].astype(np.float32)
        if t > 0:
            grid += (self.images[k1] - grid) * t
        image = np.tensordot(rows, np.tensordot(grid, cols, axes=([1], [1])), axes=([1], [0]))
        image = image.transpose(0, 2, 1)  # [row, col, rgb]
        image *= layer_alpha
        image += layer_rgb
        canvas.image(np.clip(image + 0.5, 0, 255).astype(np.uint8))
        canvas.text(f"epoch {self.epoch[frame]}", 0.015, 0.975, size=12, bold=True)
        canvas.text(self.titles[frame], 0.015, 0.975 - text_line(canvas, 12), size=9, bold=True,
                    color="0.2")  # under the epoch: a narrow plane has no room for both on one line
        draw_note(canvas, self.notes[frame])

    def _pane_cache(self, pane):
        if pane not in self._cache:
            xs, ys = pane.pixel_centers()
            self._cache[pane] = (_bilinear(self.ys, ys), _bilinear(self.xs, xs), self._points_layer(pane))
        return self._cache[pane]

    def _points_layer(self, pane) -> tuple[np.ndarray, np.ndarray]:
        """The data points as (1 - alpha) [row, col, 1] and colour * alpha [row, col, 3], float32:
        stamped once on black and on white, which gives both."""
        painted = []
        for ground in (0, 255):
            canvas = Canvas(pane)
            canvas.begin(np.full((pane.top + pane.height, pane.left + pane.width, 3), ground, np.uint8))
            for x, color, hollow in self.points:
                if hollow:
                    canvas.points(x[:, 0], x[:, 1], color=color, radius=3.2)
                    canvas.points(x[:, 0], x[:, 1], color="white", radius=1.8)
                else:
                    canvas.points(x[:, 0], x[:, 1], color="white", radius=3.0)
                    canvas.points(x[:, 0], x[:, 1], color=color, radius=2.2)
            painted.append(canvas.rgb.astype(np.float32))
        on_black, on_white = painted
        keep = 1 - (255 - (on_white - on_black)[..., :1]) / 255  # 1 - alpha
        return keep, on_black


def _box_height(ax) -> float:
    """About how tall (px) the plane will be: its grid cell's height before layout."""
    return float(ax.get_position(original=True).height * ax.figure.bbox.height)


def legend_columns(count: int, height: float, fontsize: float = 8, dpi: float = 100) -> int:
    """Legend columns so that ``count`` entries stacked beside a plane fit in its ``height``
    px: the legend takes the room that the equal-aspect plane leaves at its side, never
    the plane's own."""
    line = fontsize * dpi / 72 * 1.75  # an entry's height with its spacing
    return max(1, -(-count // max(1, int(height // line))))


def _bilinear(centers: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Weights float32 [len(at), len(centers)] interpolating values at ``centers`` (evenly
    spaced, increasing) linearly at ``at``, held constant beyond the ends."""
    place = np.clip((np.asarray(at) - centers[0]) / (centers[1] - centers[0]), 0, len(centers) - 1)
    lo = np.minimum(np.floor(place).astype(np.int64), len(centers) - 2)
    t = place - lo
    weights = np.zeros((len(at), len(centers)), np.float32)
    weights[np.arange(len(at)), lo] = 1 - t
    weights[np.arange(len(at)), lo + 1] += t
    return weights


def point_legend(classes, colors, test: bool = True) -> list:
    """Legend entries: one filled marker per class, and the hollow test marker when the
    plane shows test points (``test``; none with ``test=0``)."""
    out = [(Line2D([], [], ls="", marker="o", ms=6, mfc=c, mec="white"), str(name))
           for name, c in zip(classes, colors)]
    if test:
        out.append((Line2D([], [], ls="", marker="o", ms=6, mfc="white", mec="0.3"), "test (hollow)"))
    return out
