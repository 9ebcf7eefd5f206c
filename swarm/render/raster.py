"""Rasterise many curves y(x) into per-pixel coverage, in plain numpy.

Coordinates are pixels of one box: column ``c`` covers x in [c, c+1) and row
``r`` covers y in [r, r+1), rows growing downwards. A curve is a polyline over
shared, increasing x positions. Inside each pixel column it covers a vertical
span [lo, hi] (its values at the column's two edges and at any vertex between
them), so a curve, however steep, leaves no gaps. Coverage is exact box
anti-aliasing of that span: row r gets the length of [lo, hi] inside [r, r+1).

Two ways to turn spans into pixels:

- :func:`span_counts`: dense, for hundreds of curves: every span is four
  deposits into a difference array (one ``np.bincount``), then one cumulative
  sum per column. Cost is O(curves x columns + pixels), whatever the slopes.
  Whole rows without anti-aliasing: :meth:`ColumnPlan.row_spans` and
  :func:`row_counts`, the same counts from int32 spans in fewer passes.
- :func:`span_pixels`: sparse, for one curve: the (row, col, coverage) of the
  pixels it touches, so a thin line costs what it covers, not the whole box.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ColumnPlan", "column_plan", "span_counts", "row_counts", "span_pixels", "column_fill"]


@dataclass(frozen=True)
class ColumnPlan:
    """Where to sample curves over x positions ``x_px`` to get their span in each column.

    The plan covers columns ``first .. first + num_cols - 1``. ``seg``/``t``
    interpolate a curve at the column edges [num_cols + 1]; ``inner`` lists the
    vertices strictly inside a column as (vertex indices, their columns) groups
    in which no column repeats, so each group is one vectorised min/max;
    ``by_column`` lists the same vertices column by column, int64 (indices [vertex],
    start [num_cols + 1]): column c's at indices[start[c]:start[c + 1]] (the compiled
    density's walk, :mod:`swarm.render._density`).
    """

    first: int
    num_cols: int
    seg: np.ndarray
    t: np.ndarray
    inner: tuple
    flipped: bool
    by_column: tuple

    def _edges(self, y_px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The curves ``y_px`` [curve, point] at every column edge, float32 [num_cols + 1, curve],
        and their points [point, curve]. Each edge is left + t * (right - left), the differences
        taken once per segment (12x fewer than edges)."""
        y = np.asarray(y_px, dtype=np.float32)
        if self.flipped:
            y = y[..., ::-1]
        y = np.ascontiguousarray(np.atleast_2d(y).T)  # [point, curve]
        step = np.diff(y, axis=0)  # [segment, curve]
        edge = np.take(step, self.seg, axis=0)
        edge *= self.t[:, None]
        edge += np.take(y, self.seg, axis=0)
        return edge, y

    def row_spans(self, y_px: np.ndarray, height: int) -> tuple[np.ndarray, np.ndarray]:
        """(first, last) int32 [column, curve]: the whole rows each curve covers in each column,
        ``floor`` of :meth:`spans`' (lo, hi) clipped to 0 .. ``height``; ``y_px`` [curve, point] finite.

        The same rows in fewer passes: floor and clipping commute with min and max, so the
        column edges are clipped and cast once and the spans taken in integers.
        """
        edge, y = self._edges(y_px)
        np.clip(edge, 0, height, out=edge)
        edge = edge.astype(np.int32)  # floor: all >= 0
        first = np.minimum(edge[:-1], edge[1:])
        last = np.maximum(edge[:-1], edge[1:])
        for vertices, cols in self.inner:  # a vertex inside a column can reach beyond both edges
            vertex = np.clip(np.take(y, vertices, axis=0), 0, height).astype(np.int32)
            first[cols] = np.minimum(first[cols], vertex)
            last[cols] = np.maximum(last[cols], vertex)
        return first, last

    def spans(self, y_px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) [curve, column]: the rows each curve covers in each column; NaN curves give NaN.

        Both are transposed views of [column, curve] arrays: gathering whole rows of
        the curves' values point by point is ~3x faster than gathering along each
        curve, and :func:`span_counts` deposits column by column, in cache.
        """
        edge, y = self._edges(y_px)  # [num_cols + 1, curve], and y [point, curve]
        lo = np.minimum(edge[:-1], edge[1:])
        hi = np.maximum(edge[:-1], edge[1:])
        for vertices, cols in self.inner:  # a vertex inside a column can reach beyond both edges
            vertex = np.take(y, vertices, axis=0)
            lo[cols] = np.minimum(lo[cols], vertex)
            hi[cols] = np.maximum(hi[cols], vertex)
        if np.ndim(y_px) == 1:
            return lo[:, 0], hi[:, 0]
        return lo.T, hi.T


def column_plan(x_px, width: int) -> ColumnPlan:
    """The sampling plan for curves over ``x_px`` [point] (monotonic) in a box ``width`` columns wide."""
    x = np.asarray(x_px, dtype=np.float64)
    if x.size < 2:
        raise ValueError(f"a curve needs at least 2 points, got {x.size}")
    flipped = bool(x[0] > x[-1])
    if flipped:
        x = x[::-1]
    first = int(max(0, np.floor(x[0])))
    last = int(min(width, np.ceil(x[-1])))
    num_cols = max(0, last - first)
    edges = np.clip(np.arange(first, first + num_cols + 1, dtype=np.float64), x[0], x[-1])
    seg = np.clip(np.searchsorted(x, edges, side="right") - 1, 0, x.size - 2)
    dx = x[seg + 1] - x[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(dx > 0, (edges - x[seg]) / dx, 0.0).astype(np.float32)
    inside = (x > edges[0]) & (x < edges[-1]) & (x != np.floor(x))
    vertices = np.flatnonzero(inside)
    cols = np.floor(x[vertices]).astype(np.int64) - first
    rank = np.arange(cols.size) - np.searchsorted(cols, cols)  # k-th vertex of its column
    inner = tuple((vertices[rank == k], cols[rank == k]) for k in range(int(rank.max(initial=-1)) + 1))
    by_column = (vertices.astype(np.int64),  # x ascending: each column's vertices are a run
                 np.searchsorted(cols, np.arange(num_cols + 1)).astype(np.int64))
    return ColumnPlan(first, num_cols, seg, t, inner, flipped, by_column)


def _clip_spans(lo, hi, height: int):
    """Spans clipped to [0, height]; non-finite spans become empty (0, 0)."""
    ok = np.isfinite(lo) & np.isfinite(hi)
    a = np.where(ok, np.clip(lo, 0, height), 0).astype(np.float32)
    b = np.where(ok, np.clip(hi, 0, height), 0).astype(np.float32)
    return a, np.maximum(a, b)


def span_counts(lo: np.ndarray, hi: np.ndarray, height: int, antialias: bool = True) -> np.ndarray:
    """How many curves cover each pixel: [row, column] (a transposed view of a [column, row] buffer).

    ``lo``/``hi`` are [curve, column] rows, finite. With ``antialias`` a pixel
    counts the fraction of it a span covers (float32); without, a span covers
    rows floor(lo) .. floor(hi) whole (int32, about twice as fast). Either way
    a pixel crossed by k curves holds about k.
    """
    # deposits column by column ([column, curve] order: each column's rows stay in cache)
    lo, hi = np.atleast_2d(lo).T, np.atleast_2d(hi).T
    num_cols = lo.shape[0]
    stride = height + 2  # two guard rows take the deposits of spans ending at the bottom
    size = num_cols * stride
    base = (np.arange(num_cols) * stride)[:, None]  # flat positions in a [column, row] buffer
    if not antialias:
        start = np.clip(lo, 0, height).astype(np.intp)
        start += base
        stop = np.clip(hi, 0, height).astype(np.intp)
        stop += base + 1
        diff = np.bincount(start.ravel(), minlength=size)
        diff -= np.bincount(stop.ravel(), minlength=size)
        cover = np.cumsum(diff.reshape(num_cols, stride), axis=1, dtype=np.int32)
        return cover[:, :height].T
    ends = np.empty((2,) + lo.shape)  # float64: exact flat positions
    np.clip(lo, 0, height, out=ends[0])
    np.clip(hi, 0, height, out=ends[1])
    ends += base
    index = ends.astype(np.int64)  # floor: all positions are >= 0
    part = ends - index
    whole = 1.0 - part
    whole[1] *= -1.0  # a span's end takes back what its start gave
    part[1] *= -1.0
    index = index.ravel()
    diff = np.bincount(index, whole.ravel(), minlength=size)
    diff[1:] += np.bincount(index, part.ravel(), minlength=size)[:-1]
    cover = np.cumsum(diff.reshape(num_cols, stride), axis=1, dtype=np.float32)
    return cover[:, :height].T


def row_counts(first: np.ndarray, last: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """How many spans cover each row ``top .. bottom - 1``: int32 [row, column] (a transposed view).

    ``first``/``last`` int32 [column, curve] are whole rows (:meth:`ColumnPlan.row_spans`),
    at least ``top`` and at most ``bottom``: a span covers rows first .. last. The same
    counts as :func:`span_counts` without ``antialias``, from integers.
    """
    num_cols, height = first.shape[0], bottom - top
    stride = height + 2  # two guard rows take the deposits of spans ending at the bottom
    # flat positions in a [column, row] buffer, in int32 like the spans (int64 sums cost 2x)
    offset = (np.arange(num_cols, dtype=first.dtype) * stride - top)[:, None]
    diff = np.bincount(np.add(first, offset).ravel(), minlength=num_cols * stride)
    offset += 1
    diff -= np.bincount(np.add(last, offset).ravel(), minlength=num_cols * stride)
    cover = np.cumsum(diff.reshape(num_cols, stride), axis=1, dtype=np.int32)
    return cover[:, :height].T


def span_pixels(lo: np.ndarray, hi: np.ndarray, height: int):
    """The pixels one curve's spans touch: (rows, cols, coverage) flat arrays.

    ``lo``/``hi`` are [column]; each (row, col) appears once, so blending them
    with fancy indexing is exact. [curve, column] spans give the pixels of all
    curves, curve after curve, and a fourth array: how many pixels each has.
    """
    a, b = _clip_spans(np.asarray(lo), np.asarray(hi), height)
    r0 = np.floor(a).astype(np.int64)
    count = np.where(b > a, np.ceil(b).astype(np.int64) - r0, 0)
    cols = np.repeat(np.broadcast_to(np.arange(a.shape[-1]), a.shape), count.ravel())
    offset = np.arange(cols.size) - np.repeat(np.cumsum(count) - count.ravel(), count.ravel())
    rows = np.repeat(r0, count.ravel()) + offset
    cover = np.minimum(np.repeat(b, count.ravel()), rows + 1) - np.maximum(np.repeat(a, count.ravel()), rows)
    if a.ndim == 1:
        return rows, cols, cover.astype(np.float32)
    return rows, cols, cover.astype(np.float32), count.sum(axis=1)


def column_fill(top: np.ndarray, bottom: np.ndarray, height: int) -> np.ndarray:
    """Coverage [row, column] of a region filled between rows ``top`` and ``bottom`` [column].

    The filled area of bars and bands; fractional rows are anti-aliased.
    """
    lo, hi = _clip_spans(np.minimum(top, bottom), np.maximum(top, bottom), height)
    return span_counts(lo[None], hi[None], height)
