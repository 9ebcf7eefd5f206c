"""The panel protocol: what the compositor asks of an animated view.

A panel has ``num_frames`` data frames, draws its static parts once with
matplotlib in ``plot_init(ax)``, and paints what moves for data frame ``i``
in ``draw(canvas, i)`` with numpy (see :class:`swarm.render.canvas.Canvas`).
A new panel is one short class::

    class MeanFit(Panel):
        def __init__(self, rec):
            self.x, self.mean = rec.x, rec["ypred"].mean(axis=0)   # [epoch, point]
            self.num_frames = len(self.mean)

        def plot_init(self, ax):
            ax.set(xlim=(self.x.min(), self.x.max()), ylim=(-2, 2), title="mean fit")

        def draw(self, canvas, i):
            canvas.line(self.x, self.mean[i], color="C1", width=2)

Keep no matplotlib objects on ``self``: panels travel to worker processes.
Compute what every frame needs once, in ``__init__`` (not per frame).
"""
from __future__ import annotations

import numpy as np

__all__ = ["Panel", "SpecOnly", "split_axes", "TRACK_COLORS", "track_color", "pick_tracked",
           "diverged_notes", "draw_note", "fade_after", "NOTE_COLOR", "layer_shapes", "layer_label", "feature_label", "text_line",
           "legend_columns_beside_title"]

#: Colours of tracked bees, the same in every panel (the density is blue, the median red).
TRACK_COLORS = ("#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
NOTE_COLOR = "#b30000"  # notes about diverged bees, and the marks of when they diverged


class Panel:
    """Base class of animated views; subclasses set ``num_frames`` and implement ``draw``."""

    num_frames: int = 1
    summary: str = ""  #: what the panel shows, in one line (``swarm-animate --help``)

    @classmethod
    def applies(cls, rec) -> str | None:
        """None when this panel can show ``rec``, else the reason it cannot (one phrase).

        ``rec`` is a Recording, or a :class:`SpecOnly` before training: what a
        spec cannot tell yet counts as applying, and is asked again of the recording.
        The default picker, ``animate`` and the command all ask this, and only this.
        """
        return None

    @classmethod
    def frame_options(cls, size: tuple[int, int]) -> dict:
        """Keyword arguments that fit the panel to a video of ``size`` (width, height) px,
        given by ``animate`` when it builds the panel (e.g. a plane's grid resolution)."""
        return {}

    def plot_init(self, ax):
        """Draw the static parts on ``ax`` (limits, labels, legend) once.

        Return None to be drawn into ``ax``, or the list of Axes the panel made
        (e.g. with :func:`split_axes`): ``draw`` then gets one canvas per Axes
        in ``canvas.panes``, in that order.
        """
        return None

    def draw(self, canvas, frame: int) -> None:
        """Paint the moving parts of data frame ``frame`` (0 .. num_frames - 1) onto ``canvas``."""
        raise NotImplementedError(f"{type(self).__name__} must implement draw(canvas, frame)")


class SpecOnly:
    """What a run will record, known from its spec before training: ``meta`` and no arrays.

    ``SpecOnly(spec.to_meta())`` lets :meth:`Panel.applies` refuse a panel
    before any training starts.
    """

    def __init__(self, spec_meta: dict, dataset_meta: dict | None = None):
        self.meta = {"spec": dict(spec_meta)}
        if dataset_meta is not None:  # a dataset run: what its data is (e.g. images) is known too
            self.meta["dataset"] = dict(dataset_meta)

    @property
    def piecewise_linear(self) -> bool:
        """As :attr:`Recording.piecewise_linear`, from the spec (written by ``Spec.to_meta``)."""
        return bool(self.meta["spec"].get("piecewise_linear"))

    @property
    def task(self) -> str:
        return str(self.meta["spec"].get("task") or "target")


def layer_shapes(rec) -> list[tuple[int, int]] | None:
    """(out, in) of each recorded layer's weights; from the spec for a SpecOnly
    (None when the spec cannot say: a custom model)."""
    if not isinstance(rec, SpecOnly):
        return [tuple(rec.weights(k).shape[-2:]) for k in rec.layer_indices]
    spec = rec.meta["spec"]
    if spec.get("model") or "width" not in spec:
        return None
    dims = [int(spec.get("inputs", 1))] + [int(spec["width"])] * int(spec["depth"]) \
        + [int(spec.get("outputs", 1))]
    return [(o, i) for i, o in zip(dims[:-1], dims[1:])]


def built_in_only(rec, where: str = "") -> str | None:
    """Why a panel that evaluates the built-in MLP from the recorded weights cannot show a
    custom model's run (``where``: what it evaluates on, e.g. " on the plane"), or None."""
    if (rec.meta.get("spec") or {}).get("model"):
        return f"it evaluates the built-in MLP{where}; this run trained a custom model"
    return None


def layer_label(rec, k: int) -> str:
    """What to call layer ``k``'s weights: a custom model's own module name ("fc.weight",
    from ``meta["modules"]``), else "layer k" (the built-in MLP's)."""
    return (rec.meta.get("modules") or {}).get(f"layer{k}.weight") or f"layer {k}"


def legend_columns_beside_title(ax, labels, title: str, fontsize: float = 8,
                                title_size: float = 10) -> int:
    """Columns for a legend drawn above ``ax``'s top right, beside its left-aligned
    ``title``: all entries on one row when they fit beside the title, else fewer columns
    (more rows), so the legend never runs into the title. Texts are measured; the axes'
    width is its grid cell's before layout (labels and ticks take some of it later, so
    the estimate errs towards more rows). Matplotlib splits entries into columns with
    ``np.array_split``, each column as wide as its widest entry."""
    if not labels:
        return 1
    fig = ax.figure
    px = fig.dpi / 72
    width = ax.get_position(original=True).width * fig.bbox.width
    room = width - (_text_points(title, title_size) + 2 * title_size) * px
    entries = [(_text_points(text, fontsize) + (1.4 + 0.8 + 2.0) * fontsize) * px for text in labels]
    for ncol in range(len(entries), 1, -1):  # columns as matplotlib splits them
        if sum(max(column) for column in np.array_split(entries, ncol)) <= room:
            return ncol
    return 1


def _text_points(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` in matplotlib's default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    return TextToPath().get_text_width_height_descent(str(text), FontProperties(size=size),
                                                      ismath=False)[0]


def feature_label(rec, index: int, default: str = "x") -> str:
    """The axis label of input feature ``index``: the dataset's feature name (else
    ``default``), with "(standardized)" when the run trained on standardized features."""
    data = rec.meta.get("dataset") or {}
    names = data.get("features") or []
    name = str(names[index]) if index < len(names) else default
    return f"{name} (standardized)" if (data.get("knobs") or {}).get("standardize") else name


def text_line(canvas, size: float) -> float:
    """One line of ``size``-point text with its spacing, as a fraction of the pane's height:
    texts stacked this far apart never overlap, whatever the pane's size."""
    return 1.45 * size * canvas.pane.dpi / 72 / canvas.pane.size[1]


def split_axes(ax, nrows: int = 1, ncols: int = 1, **gridspec_kw) -> list:
    """Replace ``ax`` by a grid of Axes in its place; returns them row by row."""
    spec = ax.get_subplotspec()
    fig = ax.figure
    ax.remove()
    grid = spec.subgridspec(nrows, ncols, **gridspec_kw)
    return [fig.add_subplot(grid[r, c]) for r in range(nrows) for c in range(ncols)]


def track_color(i: int) -> str:
    """Colour of the i-th tracked bee."""
    return TRACK_COLORS[i % len(TRACK_COLORS)]


def pick_tracked(rec, n: int = 4) -> np.ndarray:
    """``n`` bees to follow, spread over the final-loss ranking of the bees that did not diverge.

    Deterministic: from best to worst at quantiles 0.05 .. 0.95, so a viewer
    sees a typical good fit, typical ones and a poor one. int64 [n] (fewer if the swarm is small).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"`tracked` must be a count >= 0 or bee indices, got {n!r}")
    live = np.flatnonzero(rec.live)
    if n == 0 or live.size == 0:
        return np.zeros(0, np.int64)
    final = np.nan_to_num(np.asarray(rec["loss"])[live, -1], nan=np.inf)
    ranked = live[np.argsort(final, kind="stable")]
    at = np.unique(np.round(np.linspace(0.05, 0.95, min(n, ranked.size)) * (ranked.size - 1)))
    return ranked[at.astype(np.int64)]


def diverged_notes(rec, short: bool = False) -> list:
    """Per recorded epoch, the note on the bees that had diverged by then, or None when none had.

    A bee is shown until the epoch it diverged (``diverged_at``) and left out
    after it, so the count grows as the video runs. ``short`` for narrow panes.
    """
    counts = (~rec.live_by_epoch).sum(0)
    text = "{} of {} diverged" if short else "{} of {} bees diverged (not shown)"
    return [text.format(c, rec.num_bees) if c else None for c in counts]


def draw_note(canvas, note) -> None:
    """The diverged-bees note in the bottom-right corner of ``canvas`` (nothing for None)."""
    if note:
        canvas.text(note, 0.99, 0.02, size=9, color=NOTE_COLOR, ha="right", va="bottom")


def fade_after(canvas, x, alpha: float = 0.6) -> None:
    """Fade what lies right of data ``x`` (the future, on a time axis) towards white."""
    pane = canvas.pane
    col = float(pane.cols(x))
    right = pane.origin[0] + pane.size[0] - 1  # leave the right spine
    if col < right:
        canvas.rect(max(col + 1, pane.origin[0]), right, pane.origin[1] + 1,
                    pane.origin[1] + pane.size[1] - 1, color="white", alpha=alpha)
