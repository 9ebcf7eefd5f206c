"""RGBX -> I420: the packed-lane passes against a per-pixel loop of the same fixed-point formulas,
BT.601 in floating point, and band-by-band updates against whole conversions."""
import numpy as np
import pytest

from swarm.render import yuv
from swarm.render.yuv import I420, i420_shape, merge_bands


def loop_i420(rgbx):
    """The documented formulas, one pixel (Y) or one 2x2 block (U, V) at a time, in Python ints."""
    height, width = rgbx.shape[:2]
    y = np.zeros((height, width), int)
    u = np.zeros((height // 2, width // 2), int)
    v = np.zeros_like(u)
    px = rgbx.astype(int)
    for r in range(height):
        for c in range(width):
            red, green, blue = px[r, c, :3]
            y[r, c] = ((66 * red + 129 * green + 25 * blue + 128) >> 8) + 16
    for r in range(height // 2):
        for c in range(width // 2):
            block = px[2 * r:2 * r + 2, 2 * c:2 * c + 2, :3].reshape(4, 3)
            red, green, blue = (block.sum(0) + 2) >> 2  # the block's mean colour, rounded
            u[r, c] = ((-38 * red - 74 * green + 112 * blue + 128) >> 8) + 128
            v[r, c] = ((112 * red - 94 * green - 18 * blue + 128) >> 8) + 128
    return y, u, v


def planes(frame, width, height):
    flat = frame.reshape(-1)
    quarter = (width // 2) * (height // 2)
    return (flat[:width * height].reshape(height, width),
            flat[width * height:width * height + quarter].reshape(height // 2, width // 2),
            flat[width * height + quarter:].reshape(height // 2, width // 2))


@pytest.mark.parametrize("size", [(2, 2), (16, 6), (38, 24)])
def test_conversion_equals_the_per_pixel_formulas(size):
    width, height = size
    rng = np.random.default_rng(width)
    rgbx = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    rgbx[0, 0, :3] = 0  # the extremes, where a carry between lanes would show
    rgbx[-1, -1, :3] = 255
    frame = I420(width, height).convert(rgbx)
    assert frame.shape == i420_shape(width, height) == (height * 3 // 2, width)
    for ours, want in zip(planes(frame, width, height), loop_i420(rgbx)):
        np.testing.assert_array_equal(ours, want)


def test_extreme_blocks_and_the_fourth_byte():
    """Every corner of the colour cube as a whole block, each with any X byte: no lane overflows."""
    corners = np.array([[r, g, b] for r in (0, 255) for g in (0, 255) for b in (0, 255)], np.uint8)
    rgbx = np.zeros((2, 2 * len(corners), 4), np.uint8)
    rgbx[..., :3] = np.repeat(corners, 2, axis=0)[None]
    rgbx[..., 3] = np.arange(rgbx.shape[1]) * 37 % 256
    converter = I420(rgbx.shape[1], 2)
    frame = converter.convert(rgbx).copy()
    for ours, want in zip(planes(frame, rgbx.shape[1], 2), loop_i420(rgbx)):
        np.testing.assert_array_equal(ours, want)
    rgbx[..., 3] = 255 - rgbx[..., 3]
    np.testing.assert_array_equal(converter.convert(rgbx), frame)  # X is ignored


def test_close_to_bt601_in_floating_point():
    rng = np.random.default_rng(7)
    rgbx = rng.integers(0, 256, (24, 32, 4), dtype=np.uint8)
    y, u, v = planes(I420(32, 24).convert(rgbx), 32, 24)
    rgb = rgbx[..., :3].astype(np.float64)
    mean = rgb.reshape(12, 2, 16, 2, 3).mean((1, 3))
    np.testing.assert_allclose(y, 16 + rgb @ [65.481, 128.553, 24.966] / 255, atol=0.75)
    np.testing.assert_allclose(u, 128 + mean @ [-37.797, -74.203, 112.0] / 255, atol=1.1)
    np.testing.assert_allclose(v, 128 + mean @ [112.0, -93.786, -18.214] / 255, atol=1.1)


def test_only_the_bands_given_are_converted_again():
    rng = np.random.default_rng(3)
    first = rng.integers(0, 256, (20, 8, 4), dtype=np.uint8)
    second = first.copy()
    second[5:9] = rng.integers(0, 256, (4, 8, 4), dtype=np.uint8)  # rows 5..8 change
    converter = I420(8, 20)
    converter.convert(first)
    updated = converter.convert(second, rows=[(5, 9)]).copy()  # odd bounds widen to 4..10
    np.testing.assert_array_equal(updated, I420(8, 20).convert(second))
    second[0] = 0  # a change outside the bands given stays unconverted
    np.testing.assert_array_equal(converter.convert(second, rows=[(12, 14)]), updated)
    np.testing.assert_array_equal(converter.convert(second, rows=None), I420(8, 20).convert(second))


def test_bands_merge_widen_and_clip():
    assert merge_bands(None, 10) == [(0, 10)]
    assert merge_bands([], 10) == []
    assert merge_bands([(3, 5), (1, 2), (5, 7), (9, 30), (-4, 0), (6, 6)], 12) == [(0, 12)]
    assert merge_bands([(1, 3), (9, 30), (-4, 0), (6, 6)], 12) == [(0, 4), (8, 12)]
    assert merge_bands([(7, 9), (1, 3)], 10) == [(0, 4), (6, 10)]


def test_sizes_and_frames_are_checked():
    with pytest.raises(ValueError, match="even"):
        I420(7, 4)
    with pytest.raises(ValueError, match="rgbx"):
        I420(4, 4).convert(np.zeros((4, 4, 3), np.uint8))


def test_chunks_of_rows_give_the_same_frame(monkeypatch):
    """Rows go through the scratch a chunk at a time (here 4 rows): bands that start and end
    inside chunks, and the whole frame, convert as in one go."""
    rng = np.random.default_rng(11)
    rgbx = rng.integers(0, 256, (22, 16, 4), dtype=np.uint8)
    whole = I420(16, 22).convert(rgbx).copy()
    monkeypatch.setattr(yuv, "_CHUNK_PIXELS", 64)
    converter = I420(16, 22)
    assert converter._rows == 4
    np.testing.assert_array_equal(converter.convert(rgbx), whole)
    changed = rgbx.copy()
    changed[3:15] = 255 - changed[3:15]
    np.testing.assert_array_equal(converter.convert(changed, rows=[(3, 15)]), I420(16, 22).convert(changed))
    for ours, want in zip(planes(whole, 16, 22), loop_i420(rgbx)):
        np.testing.assert_array_equal(ours, want)
