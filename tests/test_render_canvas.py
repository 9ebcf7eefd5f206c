"""Panes map data to the pixels matplotlib uses; canvases and shading paint where the data is."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from swarm.render.canvas import Canvas, Pane
from swarm.render.shade import DensityShader, blend, blend_pixels, density_levels, rgb255
from swarm.render.text import text_mask


def pane_of(xlim=(-2, 2), ylim=(-1, 3), xscale="linear", yscale="linear", size=(320, 240)):
    fig = Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    fig.canvas.draw()
    return ax, Pane.from_axes(ax, size[1]), size[1]


@pytest.mark.parametrize("scales", [("linear", "linear"), ("log", "log"), ("linear", "inverted")])
def test_pane_maps_like_matplotlib(scales):
    xscale, yscale = scales
    ylim = (3, -1) if yscale == "inverted" else ((0.01, 100) if yscale == "log" else (-1, 3))
    xlim = (0.1, 10) if xscale == "log" else (-2, 2)
    ax, pane, height = pane_of(xlim, ylim, xscale, "linear" if yscale == "inverted" else yscale)
    xs = np.geomspace(*xlim, 7) if xscale == "log" else np.linspace(*xlim, 7)
    ys = np.geomspace(*sorted(ylim), 7) if yscale == "log" else np.linspace(-1, 3, 7)
    display = ax.transData.transform(np.column_stack([xs, ys]))
    np.testing.assert_allclose(pane.cols(xs) + pane.left, display[:, 0], atol=1e-6)
    np.testing.assert_allclose(pane.rows(ys) + pane.top, height - display[:, 1], atol=1e-6)
    cx, cy = pane.pixel_centers()
    np.testing.assert_allclose(pane.cols(cx), np.arange(pane.width) + 0.5, atol=1e-6)
    np.testing.assert_allclose(pane.rows(cy), np.arange(pane.height) + 0.5, atol=1e-6)


def test_unsupported_scale_is_refused():
    with pytest.raises(ValueError, match="linear or log"):
        pane_of(xscale="symlog")


def white_canvas(channels=4):
    _, pane, height = pane_of()
    frame = np.full((height, 320, channels), 255, np.uint8)
    canvas = Canvas(pane)
    canvas.begin(frame)
    return canvas, frame


def darkness(canvas, x, y):
    """255 * 3 minus the RGB sum at data (x, y): 0 on white."""
    r, c = int(canvas.pane.rows(y)), int(canvas.pane.cols(x))
    return 765 - int(canvas.rgb[r, c].astype(int).sum())


def test_moving_a_curve_into_an_empty_region_darkens_it():
    x = np.linspace(-2, 2, 11)
    ys = np.zeros((3, 11))
    canvas, _ = white_canvas()
    canvas.density(x, ys)
    before = (darkness(canvas, 0.5, 2.0), darkness(canvas, 0.5, 0.0))
    assert before[0] == 0 and before[1] > 0
    canvas, _ = white_canvas()
    ys[0] = 2.0
    canvas.density(x, ys)
    after = (darkness(canvas, 0.5, 2.0), darkness(canvas, 0.5, 0.0))
    assert after[0] > 0  # the moved bee shows where there was nothing
    assert after[1] < before[1]  # and the crowd it left is lighter


def test_density_leaves_out_curves_that_are_not_finite():
    x = np.linspace(-2, 2, 5)
    canvas, _ = white_canvas()
    counts = canvas.density(x, [[0, 0, 0, 0, 0], [1, np.nan, 1, 1, 1]])
    np.testing.assert_allclose(counts.sum(axis=0), 1.0, atol=1e-4)  # one flat curve per column
    assert darkness(canvas, 0.5, 1.0) == 0


def test_shading_is_darker_for_more_curves_and_keeps_empty_pixels():
    shader = DensityShader()
    pixels = np.zeros((1, 4, 4), np.uint8)
    pixels[..., :3] = 200
    shader.paint(pixels, np.array([[0, 1, 10, 500]], np.int32), total=500)
    sums = pixels[0, :, :3].astype(int).sum(-1)
    assert sums[0] == 600 and sums[1] > sums[2] > sums[3]
    rgb = np.full((1, 4, 3), 200, np.uint8)
    shader.paint(rgb, np.array([[0, 1, 10, 500]], np.int32), total=500)
    np.testing.assert_array_equal(rgb, pixels[..., :3])
    levels = density_levels(np.array([0, 1, 10, 500, 900]), 500)
    assert levels[0] == 0 and np.all(np.diff(levels[:4]) > 0) and levels[3] == levels[4] == 1
    with pytest.raises(ValueError, match="cmap"):
        DensityShader("no-such-map")


def test_blend_mixes_towards_the_colour():
    pixels = np.full((2, 3), 100, np.uint8)[None]
    blend(pixels, np.array([[0.0, 0.5]]), "white")
    np.testing.assert_array_equal(pixels[0], [[100] * 3, [178] * 3])


def test_line_rect_points_and_text_paint_only_near_their_place():
    canvas, frame = white_canvas(channels=3)
    before = frame.copy()
    canvas.line([-2, 2], [1, 1], color="red", width=2)
    canvas.vline(0.0, color="black", width=3)
    canvas.points([1.0], [2.5], color="blue", radius=4)
    canvas.text("epoch 12", 0.02, 0.98, size=12, color="black")
    changed = np.argwhere((frame != before).any(-1))
    rows = canvas.pane.rows(1.0) + canvas.pane.top
    assert np.any(np.abs(changed[:, 0] - rows) < 2)  # the line
    assert darkness(canvas, 0.0, -0.5) > 600  # the vertical line is nearly black
    assert canvas.rgb[int(canvas.pane.rows(2.5)), int(canvas.pane.cols(1.0)), 2] > 200  # blue dot
    mask = text_mask("epoch 12", 17)
    assert mask.max() > 0.9 and mask.shape[1] > mask.shape[0]
    assert (frame[canvas.pane.top:canvas.pane.top + 20, canvas.pane.left:canvas.pane.left + 60]
            != 255).any()


def test_dashed_line_leaves_gaps():
    canvas, _ = white_canvas()
    canvas.line([-2, 2], [1, 1], color="black", width=1.5, dash=(4, 4))
    row = canvas.rgb[int(canvas.pane.rows(1.0))].astype(int).sum(-1)
    dark = row < 500
    assert 0.3 < dark.mean() < 0.7


def test_blend_by_channel_gives_the_bytes_of_one_blend_over_all_channels():
    """The reference: the whole-pixel float32 formula (the blend before it ran per channel)."""
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
    alpha = rng.random((30, 20)).astype(np.float32)
    alpha[:5] = 0.0
    alpha[5:10] = 1.0
    for color in ("C0", "white", (0.2, 0.7, 0.1), [0.9, 0.1, 0.5]):
        pixels = frame.copy()
        region = pixels[5:35, 10:30, :3]  # RGB view of RGBX pixels, as canvases paint
        expected = region.astype(np.float32)
        expected -= (expected - np.asarray(to_rgb(color), np.float32) * 255) * alpha[..., None]
        expected += 0.5
        blend(region, alpha, color)
        np.testing.assert_array_equal(region, expected.astype(np.uint8))
        np.testing.assert_array_equal(pixels[..., 3], frame[..., 3])  # X untouched
        outside = np.ones(frame.shape[:2], bool)
        outside[5:35, 10:30] = False
        np.testing.assert_array_equal(pixels[outside], frame[outside])
    scattered = frame[:7, 0, :3].copy()  # blend_pixels' gathered [pixel, 3]
    blend(scattered, np.float32(0.25), "black")
    np.testing.assert_array_equal(scattered, (frame[:7, 0, :3] * np.float32(0.75) + np.float32(0.5))
                                  .astype(np.uint8))


def test_blend_pixels_on_rgbx_words_matches_the_per_pixel_formula():
    """Scattered pixels of a box of RGBX pixels, blended as 32-bit words: the float32 formula's
    bytes per pixel, the X byte and every other pixel untouched; the RGB layout alike."""
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
    rows, cols = np.divmod(rng.choice(30 * 20, 150, replace=False), 20)  # each pixel once
    alpha = rng.random(150).astype(np.float32)
    alpha[:10], alpha[10:20] = 0.0, 1.0
    expected = frame.copy()
    for r, c, a in zip(rows, cols, alpha):  # one pixel at a time, by hand
        value = expected[5 + r, 10 + c, :3].astype(np.float32)
        value -= (value - np.array([255, 127.5, 0], np.float32)) * a
        expected[5 + r, 10 + c, :3] = (value + np.float32(0.5)).astype(np.uint8)
    rgbx = frame.copy()
    blend_pixels(rgbx[5:35, 10:30], rows, cols, alpha, (1.0, 0.5, 0.0))  # a box of the frame
    np.testing.assert_array_equal(rgbx, expected)
    rgb = frame[..., :3].copy()
    blend_pixels(rgb[5:35, 10:30], rows, cols, alpha, (1.0, 0.5, 0.0))
    np.testing.assert_array_equal(rgb, expected[..., :3])


def test_rgb255_parses_each_colour_and_takes_unhashable_ones():
    np.testing.assert_array_equal(rgb255("red"), [255, 0, 0])
    np.testing.assert_array_equal(rgb255([0, 0.5, 1]), [0, 127.5, 255])
    assert rgb255("C1") is rgb255("C1")  # parsed once
    with pytest.raises(ValueError):
        rgb255("no-such-colour")


def test_image_pastes_rgb_into_rgbx_pixels():
    canvas, frame = white_canvas(channels=4)
    frame[..., 3] = 7
    h, w = canvas.shape
    image = np.random.default_rng(1).integers(0, 256, (h, w, 3), dtype=np.uint8)
    canvas.image(image, rows=slice(3, 9))
    box = frame[canvas.pane.top:canvas.pane.top + h, canvas.pane.left:canvas.pane.left + w]
    np.testing.assert_array_equal(box[3:9, :, :3], image[3:9])
    assert (box[:3, :, :3] == 255).all() and (box[9:, :, :3] == 255).all()
    assert (frame[..., 3] == 7).all()
    canvas.image(image)
    np.testing.assert_array_equal(box[..., :3], image)


def test_many_curves_count_the_whole_rows_they_cross():
    """80 curves (integer counts): each pixel counts the curves whose span in its column
    reaches its row, by hand from the spans; curves above the box count on its top row,
    as they always did; curves all above it paint nothing."""
    rng = np.random.default_rng(6)
    x = np.linspace(-2, 2, 9)
    ys = rng.uniform(-1.5, 3.5, (80, 9))  # some beyond ylim (-1, 3) at both ends
    ys[:3] = 4.0  # three wholly above
    canvas, frame = white_canvas()
    counts = canvas.density(x, ys)
    plan = canvas._plan(x)
    lo, hi = plan.spans(canvas.pane.rows(ys.astype(np.float32)))
    height = canvas.pane.height
    want = np.zeros((height, plan.num_cols), int)
    for c in range(plan.num_cols):
        for a, b in zip(lo[:, c], hi[:, c]):
            first, last = (int(np.floor(np.clip(v, 0, height))) for v in (a, b))
            want[first:min(last, height - 1) + 1, c] += 1
    assert counts.dtype == np.int32
    np.testing.assert_array_equal(counts, want)
    canvas, frame = white_canvas()
    assert canvas.density(x, np.full((70, 9), 4.0)).sum() == 0 and (frame == 255).all()


def test_painted_rows_are_the_touched_ones():
    """Only rows a canvas lists in ``touched`` differ from what was there (what the writer converts)."""
    _, pane, height = pane_of()
    x = np.linspace(-2, 2, 9)
    draws = {"density": lambda c: c.density(x, np.linspace(0.9, 1.1, 70)[:, None] * np.ones(9)),
             "line": lambda c: c.line(x, 1 + 0.3 * np.sin(x), color="C1", width=2),
             "text": lambda c: c.text("epoch 12", 0.05, 0.1),
             "bars": lambda c: c.bars([-1, 0, 1], [0.5, 1.5]),
             "vline": lambda c: c.vline(0.3, ymin=0.2, ymax=0.6),
             "points": lambda c: c.points([0.5], [2.0])}
    for name, draw in draws.items():
        frame = np.full((height, 320, 4), 255, np.uint8)
        canvas = Canvas(pane)
        canvas.begin(frame)
        draw(canvas)
        changed = np.flatnonzero((frame != 255).any(axis=(1, 2)))
        inside = np.zeros(height, bool)
        for start, stop in canvas.touched:
            inside[pane.top + start:pane.top + stop] = True
        assert changed.size and inside[changed].all(), name
        assert inside.sum() < pane.height / 2, name  # a thin band, not the whole box
        canvas.begin(frame)
        assert canvas.touched == [] and canvas.pixels is not None
        assert canvas.touched == [(0, pane.height)]  # handing out the pixels marks the whole box


def test_a_curve_drawn_again_paints_the_same_pixels():
    """Canvas.line keeps the pixels of its last curves: the target drawn every frame, the same."""
    x = np.linspace(-2, 2, 41)
    curves = [np.sin(x + k) for k in range(20)]
    canvas, frame = white_canvas()
    canvas.line(x, curves[0], color="C2", width=1.5, dash=(7, 4))
    alone = frame.copy()
    for y in curves + curves[:1]:  # more curves than it keeps, then the first again
        frame[:] = 255
        canvas.line(x, y, color="C2", width=1.5, dash=(7, 4))
    np.testing.assert_array_equal(frame, alone)
    frame[:] = 255
    canvas.line(x, curves[0], color="C2", width=1.5)  # another style: other pixels
    assert (frame != alone).any()
    frame[:] = 255
    canvas.line(x, np.where(x > 0, np.nan, curves[0]), color="C2", width=1.5, dash=(7, 4))
    assert (frame != alone).any() and (frame[:, 170:] == 255).all()  # NaN points left out


def test_lines_in_one_batch_paint_what_one_by_one_would():
    """Overlapping curves in their order, one with a NaN point (drawn on its own), widths apart."""
    x = np.linspace(-2, 2, 31)
    ys = np.array([0.5 * np.sin(2 * x) + 1, 1 + 0.2 * x, np.cos(x), 1.2 - 0.1 * x ** 2])
    ys[2, 5] = np.nan
    colors, widths = ["C0", "C1", "C2", "#d62728"], [1.8, 1.8, 3.0, 2.2]
    canvas, batched = white_canvas()
    canvas.lines(x, ys, colors, widths, alpha=0.9)
    touched = sorted(canvas.touched)
    canvas, single = white_canvas()
    for y, color, width in zip(ys, colors, widths):
        canvas.line(x, y, color, width, alpha=0.9)
    np.testing.assert_array_equal(batched, single)
    assert touched == sorted(canvas.touched)
    canvas, alone = white_canvas()
    canvas.lines(x, ys[:1], colors[:1], widths[:1])
    canvas.lines(x, ys[:0], [], [])
    canvas, one = white_canvas()
    canvas.line(x, ys[0], colors[0], widths[0])
    np.testing.assert_array_equal(alone, one)
