"""What the pictures and words must get right: runs without a test split, one-input
breakpoints, custom and random models, dataset knobs in titles and reports, equal
aspect, many classes, the panel list and order, regression predictions, no overlaps.

Tiny swarms; each check against an answer worked out apart from the code under test.
"""
import warnings

import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from torch import nn

import swarm
from swarm.animation import _prepare, choose_panels, default_layout, default_panels, describe
from swarm.panels import PANELS, AccuracyPanel, BoundaryPanel, FiltersPanel, LossPanel, RankPanel
from swarm.panels import WeightsPanel
from swarm.panels._plane import MAX_CLASSES, class_colors, grid_size
from swarm.panels.breakpoints import BreakpointsPanel, class_changes
from swarm.panels.predictions import PredictionsPanel
from swarm.render.compose import Scene, render_frame


def _moons(**data):
    return swarm.train("moons", data={"samples": 60, **data}, bees=4, epochs=4, width=6, lr=0.1,
                       progress=False)


def _legend_texts(panel, size=(640, 360)) -> list[str]:
    fig = Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100, layout="constrained")
    made = panel.plot_init(fig.add_subplot())
    axes = made or fig.axes
    return [t.get_text() for ax in axes if ax.get_legend() for t in ax.get_legend().get_texts()]


# --test 0 ---------------------------------------------------------------------------------

def test_a_run_without_test_split_records_and_shows_the_training_split_only(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning anywhere: training, panels, frames, report
        rec = _moons(test=0)
        assert not rec.has_test and "test_loss" not in rec and "test_accuracy" not in rec
        assert "accuracy" in rec
        summary = swarm.metrics.summary(rec)
        assert "test_accuracy" not in summary and "accuracy_gap" not in summary
        for name in ("boundary", "units", "accuracy", "loss"):
            texts = _legend_texts(PANELS[name](rec))
            assert not any("test" in t for t in texts), (name, texts)
        assert AccuracyPanel(rec).gap is None
        from swarm.report import write_report

        write_report(rec, tmp_path / "r.md")
        text = (tmp_path / "r.md").read_text()
    assert "nan" not in text.lower()
    assert "training split only" in text and "train 60, test 0" not in text
    assert "test points hollow" not in text and "on the test split" not in text


def test_the_command_with_test_0_prints_no_nan(tmp_path, capsys):
    from swarm.cli import main

    out = tmp_path / "m.mp4"
    assert main(["moons", "--test", "0", "--bees", "3", "--epochs", "3", "--size", "320x180",
                 "--duration", "0.2", "--fps", "10", "--jobs", "1", "-o", str(out)]) == 0
    printed = capsys.readouterr()
    said = "\n".join(line for line in printed.out.splitlines() if not line.startswith("output:"))
    assert out.exists() and "nan" not in said.lower() and "test" not in said
    warned = [line for line in printed.err.splitlines() if "arning" in line or "nan" in line]
    assert "train accuracy" in said and not warned  # stderr holds progress bars only


# breakpoints on one input ------------------------------------------------------------------

def _changes_by_hand(x, labels):
    pairs = sorted(zip(x, labels))
    out = []
    for (xa, ya), (xb, yb) in zip(pairs, pairs[1:]):
        if ya != yb:
            out.append((xa + xb) / 2)
    return np.array(out)


def test_class_changes_are_midpoints_of_neighbours_in_sorted_order():
    rng = np.random.default_rng(3)
    x = rng.permutation(np.linspace(-2, 2, 25))  # not sorted
    labels = rng.integers(0, 3, 25)
    np.testing.assert_allclose(class_changes(x[:, None], labels), _changes_by_hand(x, labels))
    assert class_changes(np.array([[0.0], [1.0], [2.0]]), np.array([1, 1, 1])).shape == (0,)


def test_breakpoints_panel_on_alternating_marks_its_class_changes():
    rec = swarm.train("alternating", bees=3, epochs=3, progress=False)
    panel = BreakpointsPanel(rec)
    x, y = np.asarray(rec.x)[:, 0], np.asarray(rec.y)
    np.testing.assert_allclose(panel.turning, _changes_by_hand(x, y))
    assert panel.turning.ndim == 1 and panel.marks == "class changes"
    assert "class changes" in _legend_texts(panel)
    assert default_panels(rec)[:2] == ["accuracy", "breakpoints"]  # under the accuracy


# custom models -----------------------------------------------------------------------------

class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3 * 36, 10)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x.reshape(-1, 1, 8, 8))).flatten(1))


class Head(nn.Module):  # no conv, and its first layer does not see the 64 pixels
    def __init__(self):
        super().__init__()
        self.squeeze = nn.Linear(64, 5)
        self.out = nn.Linear(5, 10)

    def forward(self, x):
        return self.out(torch.relu(self.squeeze(x)))


@pytest.fixture(scope="module")
def conv_rec():
    return swarm.train("digits", data={"samples": 120}, model=ConvNet, bees=3, epochs=3, lr=0.05,
                       progress=False)


def test_custom_model_panels_use_its_own_parameter_names(conv_rec):
    assert conv_rec.meta["modules"] == {"param.conv.weight": "conv.weight",
                                        "param.conv.bias": "conv.bias",
                                        "layer0.weight": "fc.weight", "layer0.bias": "fc.bias"}
    assert WeightsPanel(conv_rec).names == ["fc.weight"]
    texts = _legend_texts(RankPanel(conv_rec))
    assert texts == ["fc.weight"] and not any("layer" in t for t in texts)


def test_conv_kernels_show_as_filters_and_the_default_panels_follow(conv_rec):
    assert "filters" in default_panels(conv_rec)
    panel = FiltersPanel(conv_rec, tracked=np.array([2, 0]))
    assert panel.shape == (3, 3) and "conv.weight" in panel.what
    kernels = np.asarray(conv_rec["param.conv.weight"])  # [bee, epoch, out, in, 3, 3]
    np.testing.assert_array_equal(panel.tiles[0, -1, 1], kernels[2, -1, 1, 0])
    np.testing.assert_array_equal(panel.tiles[1, 0, 2], kernels[0, 0, 2, 0])


def test_a_custom_model_without_pixels_in_its_first_layer_or_kernels_is_refused_filters():
    rec = swarm.train("digits", data={"samples": 120}, model=Head, bees=2, epochs=2,
                      progress=False)
    assert FiltersPanel.applies(rec) is None  # its first layer does take the 64 pixels
    narrow = lambda: nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))  # noqa: E731
    rec2 = swarm.train("digits", data={"samples": 120, "pca": 5}, model=lambda: nn.Sequential(
        nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 10)), bees=2, epochs=2, progress=False)
    reason = FiltersPanel.applies(rec2)
    assert reason is not None and "filters" not in default_panels(rec2)
    assert narrow  # built only to show the shape: a model on pixels is not refused


def test_a_model_with_dropout_is_refused_in_one_line_before_training(monkeypatch):
    import swarm.engine

    started = []
    monkeypatch.setattr(swarm.engine, "make_feed", lambda *a: started.append(1))
    model = lambda: nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))  # noqa
    with pytest.raises(ValueError) as err:
        swarm.train("moons", model=model, bees=2, epochs=2, progress=False)
    assert "\n" not in str(err.value) and "dropout" in str(err.value) and not started
    monkeypatch.undo()
    plain = lambda: nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))  # noqa: E731
    a = swarm.train("moons", model=plain, bees=2, epochs=2, progress=False)
    b = swarm.train("moons", model=plain, bees=2, epochs=2, progress=False)
    np.testing.assert_array_equal(a["loss"], b["loss"])


# dataset knobs in the title and the report --------------------------------------------------

def test_dataset_knobs_in_the_title_short_and_in_the_report_in_full():
    from swarm.report._context import spec_rows

    rec = swarm.train("moons", data={"samples": 200, "noise": 0.3, "seed": 4}, bees=2, epochs=2,
                      progress=False)
    assert describe(rec).startswith("moons (samples 200, noise 0.3, data seed 4)  ·  2 bees")
    assert describe(_moons(test=0)).startswith("moons (samples 60, test 0)")
    rows = dict(spec_rows(rec))
    test = round(200 * 0.2)  # stratified: 20% of each class of 100
    assert rows["split"] == f"train {200 - test}, test {test}"
    for knob in ("samples 200", "noise 0.3", "test 0.2", "imbalance 1", "standardize yes",
                 "seed 4"):
        assert knob in rows["dataset"]


# equal aspect, square pixels, fine grids ---------------------------------------------------

def _scene(rec, names, size=(1280, 720)):
    epochs = np.arange(rec.num_epochs)
    scene, _ = _prepare(rec, names, epochs, np.arange(min(2, rec.num_bees)), size, None)
    return scene


def test_plane_panels_are_drawn_at_equal_aspect_on_a_grid_of_the_frame_size():
    rec = _moons(noise=0.2)
    scene = _scene(rec, default_panels(rec))
    for panel, (pane, *_) in zip(scene.panels, scene.panes):
        if panel.name in ("boundary", "units"):
            per_x = pane.size[0] / (pane.span_x[1] - pane.span_x[0])
            per_y = pane.size[1] / (pane.span_y[1] - pane.span_y[0])
            assert per_x == pytest.approx(per_y, rel=0.02)
            assert len(panel.xs) == grid_size((1280, 720))
            assert max(pane.size) / len(panel.xs) <= 4.5  # px per grid cell: no blocks
    assert grid_size((640, 360)) < grid_size((1280, 720)) <= 192


def test_filters_keep_square_pixels(conv_rec):
    scene = _scene(conv_rec, ["accuracy", "filters", "loss"])
    pane = scene.panes[1][0]
    panel = scene.panels[1]
    rows, cols = panel.mosaic
    assert pane.size[0] / cols == pytest.approx(pane.size[1] / rows, rel=0.02)


# many classes ------------------------------------------------------------------------------

def test_up_to_20_classes_get_distinct_colours_and_more_are_refused():
    rgb = np.array([to_rgb(c) for c in class_colors(20)])
    gaps = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1)[np.triu_indices(20, 1)]
    assert gaps.min() > 0.08  # no two alike
    with pytest.raises(ValueError, match="at most 20"):
        class_colors(21)
    rec = swarm.train("spiral", data={"classes": 21, "samples": 420}, bees=2, epochs=2,
                      progress=False)
    assert MAX_CLASSES == 20 and "at most 20" in BoundaryPanel.applies(rec)
    assert "boundary" not in default_panels(rec)


def test_a_12_class_legend_does_not_squeeze_the_plane():
    few = swarm.train("spiral", data={"classes": 2, "samples": 240}, bees=2, epochs=2,
                      progress=False)
    many = swarm.train("spiral", data={"classes": 12, "samples": 480}, bees=2, epochs=2,
                       progress=False)
    panes = [_scene(r, default_panels(r)).panes[0][0] for r in (few, many)]
    assert panes[1].size[1] == pytest.approx(panes[0].size[1], rel=0.01)  # as tall: the full cell
    for pane in panes:  # and as wide as its data at equal aspect: the legend took no width
        span = (pane.span_x[1] - pane.span_x[0]) / (pane.span_y[1] - pane.span_y[0])
        assert pane.size[0] / pane.size[1] == pytest.approx(span, rel=0.02)
    assert len(set(class_colors(12))) == 12


# the panel list and order ------------------------------------------------------------------

def test_help_lists_every_panel_in_one_line():
    from swarm.cli import build_parser

    text = build_parser().format_help()
    for name, cls in PANELS.items():
        lines = [line for line in text.splitlines() if line.split()[:1] == [name]]
        assert len(lines) == 1 and cls.summary and cls.summary in lines[0], name
    assert "order given" in text


def test_panels_keep_the_order_given():
    rec = _moons()
    names = choose_panels(rec, "loss,boundary")
    assert names == ["loss", "boundary"] and default_layout(names) is None
    scene = _scene(rec, names)
    (loss,), (plane,) = scene.panes
    assert loss.left < plane.left  # row by row, in order


# regression --------------------------------------------------------------------------------

def test_regression_predictions_panel_shows_the_bees_predictions_on_the_test_split():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 3))
    rec = swarm.train((x, x[:, 0] - 2 * x[:, 1]), bees=5, epochs=6, width=7, lr=0.05,
                      progress=False)
    assert default_panels(rec)[0] == "predictions"
    panel = PredictionsPanel(rec)
    xt = np.asarray(rec["x_test"], np.float64)
    w0, b0 = np.asarray(rec["layer0.weight"][:, -1], np.float64), np.asarray(rec["layer0.bias"][:, -1])
    w1, b1 = np.asarray(rec["layer1.weight"][:, -1], np.float64), np.asarray(rec["layer1.bias"][:, -1])
    by_hand = np.stack([np.maximum(xt @ w0[b].T + b0[b], 0) @ w1[b].T + b1[b] for b in range(5)])
    np.testing.assert_allclose(panel.bands[-1, 1], np.median(by_hand[..., 0], axis=0), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(panel.true, np.asarray(rec["y_test"]).ravel())
    assert panel.split == "test"
    assert (rec.meta["dataset"]["knobs"]["standardize"]
            and PredictionsPanel.applies(_moons()) is not None)


def test_axes_on_standardized_features_say_so():
    from swarm.panels.base import feature_label

    assert feature_label(_moons(), 0) == "x1 (standardized)"
    assert feature_label(_moons(standardize=False), 1) == "x2"
    panel = BoundaryPanel(_moons())
    assert panel.axis_labels == ("x1 (standardized)", "x2 (standardized)")


# no overlapping text -----------------------------------------------------------------------

def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.fixture(scope="module")
def diverging():
    """Two of four bees diverge (a huge learning rate): notes, a 4-entry loss legend."""
    return swarm.train("moons", data={"samples": 60}, bees=4, epochs=6, width=6,
                       lr=np.array([0.1, 0.1, 1e6, 1e6]), progress=False)


def test_accuracy_corner_texts_never_overlap_the_diverged_note(diverging, monkeypatch):
    from swarm.render.canvas import Canvas

    from swarm.render.canvas import text_mask

    assert diverging.diverged.sum() >= 1
    real = Canvas.text
    stamped = []

    def spy(self, s, x=0.02, y=0.98, coords="axes", size=10, ha="left", va="top", bold=False, **kw):
        height = text_mask(str(s), max(1, round(size * self.pane.dpi / 72)), bold).shape[0]
        row = self.pane.origin[1] + (1 - y) * self.pane.size[1]  # as Canvas.text places it
        top = row - height if va == "bottom" else row
        stamped.append((s, top, top + height))
        return real(self, s, x, y, coords, size, ha=ha, va=va, bold=bold, **kw)

    monkeypatch.setattr(Canvas, "text", spy)
    for size in ((1280, 720), (480, 270)):
        scene = Scene([AccuracyPanel(diverging)], size)
        stamped.clear()
        render_frame(scene, [scene.panels[0].num_frames - 1])
        lines = sorted(stamped, key=lambda t: t[1])
        assert any("diverged" in s for s, *_ in lines) and any("gap" in s for s, *_ in lines)
        for (_, _, bottom), (_, top, _) in zip(lines, lines[1:]):
            assert bottom <= top + 0.5, lines


def test_a_panel_title_never_meets_its_legend(diverging):
    for panel in (LossPanel(diverging), AccuracyPanel(diverging)):
        for width in (420, 640):
            fig = Figure(figsize=(width / 100, 2.4), dpi=100, layout="constrained")
            ax = fig.add_subplot()
            panel.plot_init(ax)
            fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig).draw()
            renderer = fig.canvas.get_renderer()
            title = ax.title if ax.title.get_text() else ax._left_title
            assert not _boxes_overlap(title.get_window_extent(renderer),
                                      ax.get_legend().get_window_extent(renderer)), width


def test_the_spectrum_has_no_y_label_to_run_into_the_rank_pane(diverging):
    fig = Figure(figsize=(6, 2.4), dpi=100, layout="constrained")
    left, right = RankPanel(diverging).plot_init(fig.add_subplot())
    assert right.get_ylabel() == "" and "σ" in right._left_title.get_text()


def test_loss_axes_show_at_least_two_labelled_ticks():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rec = swarm.train("moons", data={"samples": 60}, bees=3, epochs=3, width=6, lr=1e-4,
                      progress=False)  # the loss hardly moves: far less than a decade
    fig = Figure(figsize=(4, 2.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    LossPanel(rec).plot_init(ax)
    FigureCanvasAgg(fig).draw()
    lo, hi = ax.get_ylim()
    shown = [t for t in ax.yaxis.get_major_ticks() + ax.yaxis.get_minor_ticks()
             if t.label1.get_visible() and t.label1.get_text() and lo <= t.get_loc() <= hi]
    assert len(shown) >= 2
