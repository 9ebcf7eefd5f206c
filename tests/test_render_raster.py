"""Rasterising curves: spans per pixel column and coverage, against brute force."""
import numpy as np
import pytest

from swarm.render import raster


def brute_spans(x, ys, width, samples=2000):
    """Min and max of each curve over each column by dense sampling (vertices included)."""
    lo = np.full((len(ys), width), np.nan)
    hi = np.full((len(ys), width), np.nan)
    for c in range(width):
        a, b = max(c, x.min()), min(c + 1, x.max())
        if b <= a:
            continue
        grid = np.concatenate([np.linspace(a, b, samples), x[(x >= a) & (x <= b)]])
        for i, y in enumerate(ys):
            values = np.interp(grid, x, y)
            lo[i, c], hi[i, c] = values.min(), values.max()
    return lo, hi


def brute_cover(a, b, height, samples=4000):
    """Overlap of [a, b] with each row by supersampling."""
    rows = np.arange(height)[:, None] + (np.arange(samples) + 0.5) / samples
    return ((rows >= a) & (rows <= b)).mean(axis=1)


@pytest.mark.parametrize("flip", [False, True])
def test_spans_match_dense_sampling(flip):
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(0.3, 11.6, 9))
    ys = rng.uniform(-2, 14, (3, 9))
    plan = raster.column_plan(x[::-1] if flip else x, 12)
    lo, hi = plan.spans(ys[:, ::-1] if flip else ys)
    want_lo, want_hi = brute_spans(x, ys, 12)
    cols = slice(plan.first, plan.first + plan.num_cols)
    np.testing.assert_allclose(lo, want_lo[:, cols], atol=1e-4)
    np.testing.assert_allclose(hi, want_hi[:, cols], atol=1e-4)
    assert np.isnan(want_lo[:, :plan.first]).all() and np.isnan(want_lo[:, cols.stop:]).all()


def test_many_vertices_in_one_column():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(0, 5, 40))
    ys = rng.normal(size=(2, 40))
    lo, hi = raster.column_plan(x, 5).spans(ys)
    want_lo, want_hi = brute_spans(x, ys, 5, samples=200)
    cols = slice(int(np.floor(x[0])), None)
    np.testing.assert_allclose(lo, want_lo[:, cols], atol=1e-5)
    np.testing.assert_allclose(hi, want_hi[:, cols], atol=1e-5)


def test_plan_outside_the_box_is_empty():
    assert raster.column_plan([20.0, 30.0], 10).num_cols == 0
    assert raster.column_plan([-5.0, -1.0], 10).num_cols == 0
    with pytest.raises(ValueError, match="at least 2 points"):
        raster.column_plan([1.0], 10)


def test_antialiased_counts_are_exact_overlaps():
    lo = np.array([[0.25, 3.0, 5.5], [1.5, -2.0, 7.2]])
    hi = np.array([[2.75, 3.0, 9.0], [1.9, 0.4, 12.0]])
    counts = raster.span_counts(lo, hi, 10)
    assert counts.shape == (10, 3)
    for col in range(3):
        want = sum(brute_cover(lo[i, col], hi[i, col], 10) for i in range(2))
        np.testing.assert_allclose(counts[:, col], want, atol=2e-3)


def test_integer_counts_cover_whole_rows():
    lo = np.array([[0.25, 3.0], [1.5, -2.0], [8.7, 9.99]])
    hi = np.array([[2.75, 3.0], [1.9, 0.4], [9.5, 40.0]])
    counts = raster.span_counts(lo, hi, 10, antialias=False)
    want = np.zeros((10, 2), int)
    for i in range(3):
        for col in range(2):
            a, b = np.clip([lo[i, col], hi[i, col]], 0, 10)
            want[int(a):min(int(b), 9) + 1, col] += 1
    np.testing.assert_array_equal(counts, want)


def test_k_curves_through_a_pixel_count_k():
    x = np.array([0.0, 8.0])
    ys = np.full((5, 2), 4.5)  # five flat curves through row 4
    lo, hi = raster.column_plan(x, 8).spans(ys)
    counts = raster.span_counts(lo - 0.5, hi + 0.5, 9)
    np.testing.assert_allclose(counts[4], 5.0)
    assert counts.sum() == pytest.approx(5 * 8)


def test_sparse_pixels_equal_dense_coverage():
    rng = np.random.default_rng(2)
    lo = rng.uniform(-3, 20, 15)
    hi = lo + rng.uniform(0, 6, 15)
    rows, cols, cover = raster.span_pixels(lo, hi, 18)
    dense = np.zeros((18, 15))
    dense[rows, cols] = cover
    np.testing.assert_allclose(dense, raster.span_counts(lo[None], hi[None], 18), atol=1e-5)
    assert len(set(zip(rows.tolist(), cols.tolist()))) == rows.size  # each pixel once


def test_column_fill_skips_nan_columns():
    top = np.array([1.0, np.nan, 2.5])
    bottom = np.array([4.0, 4.0, 2.5])
    fill = raster.column_fill(top, bottom, 6)
    np.testing.assert_allclose(fill[:, 0], [0, 1, 1, 1, 0, 0])
    assert fill[:, 1].sum() == 0 and fill[:, 2].sum() == 0


@pytest.mark.parametrize("flip", [False, True])
def test_whole_row_spans_are_the_floors_of_the_clipped_spans(flip):
    """Curves leaving the box above and below, steep ones, vertices inside columns."""
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(-1.5, 13.2, 30))
    ys = rng.uniform(-8, 20, (6, 30))
    ys[0] = -3.0  # wholly above the box
    plan = raster.column_plan(x[::-1] if flip else x, 12)
    points = ys[:, ::-1] if flip else ys
    first, last = plan.row_spans(points, 10)
    lo, hi = plan.spans(points)  # [curve, column]
    assert first.shape == (plan.num_cols, 6) and first.dtype == np.int32
    np.testing.assert_array_equal(first.T, np.floor(np.clip(lo, 0, 10)))
    np.testing.assert_array_equal(last.T, np.floor(np.clip(hi, 0, 10)))


def test_row_counts_count_every_covered_row_by_hand():
    rng = np.random.default_rng(8)
    first = rng.integers(3, 12, (5, 40)).astype(np.int32)  # [column, curve] within rows 3..12
    last = np.minimum(first + rng.integers(0, 4, first.shape), 12).astype(np.int32)
    counts = raster.row_counts(first, last, 3, 12)  # rows 3..11; a span may end at 12 (off the band)
    want = np.zeros((9, 5), int)
    for col in range(5):
        for a, b in zip(first[col], last[col]):
            for row in range(a, min(b, 11) + 1):
                want[row - 3, col] += 1
    assert counts.shape == (9, 5) and counts.dtype == np.int32
    np.testing.assert_array_equal(counts, want)
    lo, hi = first.T + 0.5 - 3, last.T + 0.25 - 3  # the same rows from fractional spans
    np.testing.assert_array_equal(counts, raster.span_counts(lo, hi, 9, antialias=False))
