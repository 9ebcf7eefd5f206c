"""The density of hundreds of curves in whole rows, compiled: spans, counts and shades in one pass.

:meth:`swarm.render.canvas.Canvas.density` shades how many curves cross each pixel.
In numpy that is ~10 passes over [column, curve] and [row, column] arrays (column
edges, clipping, spans, two bincounts, a cumulative sum, a transposed copy, the
table lookup, the masked copy: ~6 ms of a line-panel frame with 500 curves). Here
each column's spans are found and deposited while its curves' values are in
registers, counted in a column of scratch that stays in L1, and the shades
written row by row; the same integers and pixels as
:meth:`~swarm.render.raster.ColumnPlan.row_spans` + :func:`~swarm.render.raster.row_counts`
+ :meth:`~swarm.render.shade.DensityShader.paint` (tests/test_render_density.py
checks them equal, bit for bit).

numba is imported here only: the canvas imports this module for large densities
on RGBX frames (``canvas._COMPILED_FROM`` curves x columns: the line panel of a
1280 x 720 line video). Compiled code is cached on disk; a machine's first use
compiles it (~2.5 s), later processes load it in ~0.5 s.
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["paint_rows"]


def paint_rows(plan, y_px: np.ndarray, height: int, table: np.ndarray,
               words: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Count and shade the curves ``y_px`` [curve, point] (finite rows of the box) in whole rows.

    ``words`` uint32 [height, num_cols]: the RGBX pixels of the plan's columns, painted
    where a count is above 0 with ``table[min(count, table.size - 1)]``. Returns
    (counts int32 [height, num_cols], top, bottom): the rows top .. bottom - 1 hold
    every count (none when every curve is above the box).
    """
    y = np.asarray(y_px, dtype=np.float32)
    if plan.flipped:
        y = y[..., ::-1]
    y = np.ascontiguousarray(np.atleast_2d(y).T)  # [point, curve]
    counts = np.zeros((plan.num_cols, height), np.int32)  # [column, row]: each column's rows in cache
    top, bottom = _count(y, plan.seg, plan.t, *plan.by_column, height, counts)
    if bottom > top:
        _shade(counts, top, bottom, table, words)
    return counts.T, top, bottom


@njit(cache=True, nogil=True)
def _count(y, seg, t, vertices, start, height, counts):
    """Whole-row spans of every curve in every column, deposited and summed into ``counts``
    [column, height] (zeros on entry). Returns (top, bottom) as Canvas.density's numpy
    path finds them.

    Per column: the spans of all curves first (a loop without scatter, which the compiler
    vectorises), then their deposits into four difference arrays in turn (neighbouring
    curves start on the same rows, and one array made each deposit wait for the last),
    then the running sum over the rows the column's spans reach. Measured on the line
    panel (500 curves x 1,207 columns x 641 rows): 4.2 ms one array over every row, 1.5 ms so.
    """
    curves = y.shape[1]
    num_cols = counts.shape[0]
    limit = np.float32(height)
    zero = np.float32(0.0)
    left = np.empty(curves, np.int32)  # each curve's row at the column's left edge
    first = np.empty(curves, np.int32)
    last = np.empty(curves, np.int32)
    edge = np.empty(curves, np.float32)
    diff = np.zeros((4, height + 2), np.int32)
    top, last_most, highest = height, -1, -np.inf
    s, w = seg[0], t[0]
    for j in range(curves):
        e = (y[s + 1, j] - y[s, j]) * w + y[s, j]  # float32, as numpy's edges
        edge[j] = e
        left[j] = np.int32(min(max(e, zero), limit))
    highest = max(highest, edge.max())
    for c in range(num_cols):
        s, w = seg[c + 1], t[c + 1]
        a, b = y[s], y[s + 1]
        for j in range(curves):
            e = (b[j] - a[j]) * w + a[j]
            edge[j] = e
            right = np.int32(min(max(e, zero), limit))
            first[j] = min(left[j], right)
            last[j] = max(left[j], right)
            left[j] = right
        highest = max(highest, edge.max())
        for k in range(start[c], start[c + 1]):  # vertices inside the column
            v = y[vertices[k]]
            highest = max(highest, v.max())
            for j in range(curves):
                row = np.int32(min(max(v[j], zero), limit))
                first[j] = min(first[j], row)
                last[j] = max(last[j], row)
        lo, hi = height, -1
        for j in range(curves):
            f, g = first[j], last[j]
            lane = j & 3
            diff[lane, f] += 1
            diff[lane, g + 1] -= 1
            lo, hi = min(lo, f), max(hi, g)
        total = 0
        for r in range(lo, min(hi + 1, height)):
            total += diff[0, r] + diff[1, r] + diff[2, r] + diff[3, r]
            counts[c, r] = total
        diff[:, lo:hi + 2] = 0
        top, last_most = min(top, lo), max(last_most, hi)
    bottom = min(last_most + 1, height)
    if bottom == 1 and highest < 0:  # every curve above the box: nothing to shade
        counts[:, 0] = 0
        bottom = 0
    return top, bottom


@njit(cache=True, nogil=True)
def _shade(counts, top, bottom, table, words):
    """``words[r, c] = table[min(count, table.size - 1)]`` where the count (``counts`` [column,
    row]) is above 0, rows top..bottom-1."""
    most = table.size - 1
    for c in range(counts.shape[0]):
        for r in range(top, bottom):
            n = counts[c, r]
            if n > 0:
                words[r, c] = table[min(n, most)]
