"""The exact layer walk of breakpoints' :func:`_deep_walk`, compiled, network by network.

main's batched torch walk moved [net, point, unit] arrays of megabytes through
~40 kernels per layer (sorts, scatters, NaN fills, index copies): ~480 us of CPU
per depth-6 width-32 network, a quarter of it products. One network's arrays
(~100 points x 32 units) fit in the core's cache, so here each network is walked
on its own by a numba kernel: one BLAS product per layer for the points'
pre-activations and the pieces' slopes together, the new points sorted among
themselves (they arrive piece by piece, so an insertion sort moves few) and
merged into the old ones, every row written once. ~85 us per such network, half
of it the products (~6 multiply-adds per cycle, near what the BLAS does at
these shapes).

The same rules as the torch walk, decision for decision: a unit crosses zero on
a piece where its pre-activation changes sign (product < 0), at ``tl + (tr - tl)
* frac`` with ``frac = zl / (zl - zr)``; a point within ``merge_eps`` of the one
before it in sorted order is dropped; a new point's pre-activations are torch's
``lerp`` of its piece's ends; a piece's slope is its old piece's times the
activation's slope at the sign of its ends' sum (NaN as torch's backward
functions take it); a point bends the output when the output's slope changes by
more than ``slope_rtol`` times the largest. Only the products' rounding differs
(another blocking of the same sums): on 600 networks of the depth-6 swarm the
kinks agreed to 1e-13 of the domain with the same count on each.

numba is imported here only: ``swarm.metrics.breakpoints`` imports this module
when a network deeper than one hidden layer is walked. Compiled code is cached
on disk (``cache=True``, beside this file or in the user's cache): the first walk
on a machine compiles for ~7.5 s, later processes load it in ~0.4 s.
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np
from numba import njit

from swarm._model.activations import _SLOPE as LEAKY_SLOPE  # leaky_relu's slope below 0

__all__ = ["walk", "one_blas_thread", "ACTIVATIONS"]

ACTIVATIONS = {"relu": 0, "leaky_relu": 1, "abs": 2}


def walk(flat: np.ndarray, dims: np.ndarray, lo: float, hi: float, act: str, output: bool,
         merge_eps: float, slope_rtol: float) -> tuple[np.ndarray, np.ndarray]:
    """Kinks of ``flat`` float64 [net, params] networks (per net ``W0, b0, W1, b1, ...``
    row-major, one after another; ``dims`` int64 [layer + 1] the widths, 1 first).

    Returns ``(values float64 [total], counts int64 [net])``: each net's kinks, sorted,
    one net after another. ``output``: the output's bends, else every unit's crossings.
    """
    with one_blas_thread():
        return _walk(np.ascontiguousarray(flat, dtype=np.float64), np.asarray(dims, np.int64),
                     float(lo), float(hi), ACTIVATIONS[act], bool(output), float(merge_eps),
                     float(slope_rtol), LEAKY_SLOPE)


_LOCK = threading.Lock()
_USERS = 0
_SAVED: list = []
_LIBS: list | None = None


@contextlib.contextmanager
def one_blas_thread():
    """The BLAS on the calling thread while any walk runs (walks run on every core already,
    through map_cores): OpenBLAS spreads even a 64 x 32 x 32 product over its own threads,
    which then wait on the cores the walks hold (600 deep networks took ~3x longer). The
    first user in sets every loaded BLAS to one thread, the last out restores them
    (threadpoolctl, which scikit-learn brings); callers that run many walks hold it
    around all of them, so the count is not toggled between walks."""
    global _USERS, _LIBS
    with _LOCK:
        if _USERS == 0:
            if _LIBS is None:
                import scipy.linalg.cython_blas  # noqa: F401  (the BLAS numba's np.dot calls)
                from threadpoolctl import ThreadpoolController

                _LIBS = ThreadpoolController().select(user_api="blas").lib_controllers
            _SAVED[:] = [lib.get_num_threads() for lib in _LIBS]
            for lib in _LIBS:
                lib.set_num_threads(1)
        _USERS += 1
    try:
        yield
    finally:
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                for lib, count in zip(_LIBS, _SAVED):
                    lib.set_num_threads(count)


@njit(cache=True, nogil=True)
def _activate(za, act, leak):
    """The activation applied to ``za`` [point, unit] in place (NaN stays NaN); one loop
    per activation, so that each is a plain vector loop."""
    for r in range(za.shape[0]):
        row = za[r]
        if act == 0:
            for u in range(row.shape[0]):
                row[u] = 0.0 if row[u] < 0.0 else row[u]  # relu (-0.0 and NaN pass)
        elif act == 1:
            for u in range(row.shape[0]):
                row[u] = row[u] if row[u] > 0.0 else row[u] * leak
        else:
            for u in range(row.shape[0]):
                row[u] = abs(row[u])


@njit(cache=True, nogil=True)
def _grow1(a, size):
    if a.shape[0] >= size:
        return a
    out = np.empty(max(size, 2 * a.shape[0]), a.dtype)
    for i in range(a.shape[0]):  # a loop: slice assignment costs seconds of compiling
        out[i] = a[i]
    return out


@njit(cache=True, nogil=True)
def _product(xin, weight, prod):
    """``prod`` [row, out] = ``xin`` [row, in] @ ``weight`` [out, in]^T (the BLAS; a broadcast
    multiply for one input)."""
    if xin.shape[1] == 1:
        for r in range(xin.shape[0]):
            for u in range(weight.shape[0]):
                prod[r, u] = xin[r, 0] * weight[u, 0]
    else:
        np.dot(xin, weight.T, prod)


@njit(cache=True, nogil=True)
def _crossings(z, t, points, new_t, new_p, new_f):
    """The points where a unit of ``z`` [point, unit] changes sign between ``t`` [point]'s,
    sorted into ``new_t`` (with their piece ``new_p`` and fraction ``new_f``); their count.
    They arrive piece by piece, so the insertion sort moves only a piece's own few."""
    found = 0
    for r in range(points - 1):
        tl, tr = t[r], t[r + 1]
        zl_row, zr_row = z[r], z[r + 1]
        for u in range(z.shape[1]):
            zl, zr = zl_row[u], zr_row[u]
            if zl * zr < 0.0:  # NaN compares False
                frac = zl / (zl - zr)
                tn = tl + (tr - tl) * frac
                if not np.isfinite(tn):
                    continue
                j = found
                while j > 0 and new_t[j - 1] > tn:
                    new_t[j] = new_t[j - 1]
                    new_p[j] = new_p[j - 1]
                    new_f[j] = new_f[j - 1]
                    j -= 1
                new_t[j] = tn
                new_p[j] = r
                new_f[j] = frac
                found += 1
    return found


@njit(cache=True, nogil=True)
def _merge(told, z, points, new_t, new_p, new_f, found, eps, t, za):
    """Old points ``told`` [point] and new ones merged into ``t`` (sorted), a point within
    ``eps`` of the one before it dropped; ``za`` [point', unit] gets ``z`` at the kept
    points (torch.lerp of a new point's piece ends). Returns the count kept."""
    dout = z.shape[1]
    i = 0
    j = 0
    m = 0
    prev = 0.0
    while i < points or j < found:
        take_old = j >= found or (i < points and told[i] <= new_t[j])
        v = told[i] if take_old else new_t[j]
        if i + j == 0 or (v - prev) > eps:
            t[m] = v
            row = za[m]
            if take_old:
                old = z[i]
                for u in range(dout):
                    row[u] = old[u]
            else:
                left, right = z[new_p[j]], z[new_p[j] + 1]
                w = new_f[j]
                if abs(w) < 0.5:  # torch.lerp's two forms
                    for u in range(dout):
                        row[u] = left[u] + w * (right[u] - left[u])
                else:
                    for u in range(dout):
                        row[u] = right[u] - (right[u] - left[u]) * (1.0 - w)
            m += 1
        prev = v
        if take_old:
            i += 1
        else:
            j += 1
    return m


@njit(cache=True, nogil=True)
def _slopes(t, told, m, points, za, slope_old, slope, act, leak):
    """``slope`` [piece', unit]: each new piece's old piece's (the last old point before its
    middle) ``slope_old`` [piece, unit] times the activation's slope there, read from the
    sign of ``za`` [point', unit] at its ends' sum, as torch's threshold_backward,
    leaky_relu_backward and ``up * sign(pre)`` give it (a NaN sum: relu passes the
    slope, leaky_relu scales it, abs makes it NaN)."""
    below = 0
    for r in range(m - 1):
        mid = 0.5 * (t[r] + t[r + 1])
        while below < points and told[below] < mid:
            below += 1
        old = slope_old[min(max(below - 1, 0), max(points - 2, 0))]
        left, right, out = za[r], za[r + 1], slope[r]
        if act == 0:
            for u in range(out.shape[0]):
                out[u] = 0.0 if left[u] + right[u] <= 0.0 else old[u]
        elif act == 1:
            for u in range(out.shape[0]):
                out[u] = old[u] if left[u] + right[u] > 0.0 else old[u] * leak
        else:
            for u in range(out.shape[0]):
                pre = left[u] + right[u]
                out[u] = old[u] if pre > 0.0 else (-old[u] if pre < 0.0 else old[u] * pre)


@njit(cache=True, nogil=True)
def _walk(flat, dims, lo, hi, act, output, merge_eps, slope_rtol, leak):
    n = flat.shape[0]
    layers = dims.shape[0] - 1
    widest = 1
    for k in range(dims.shape[0]):
        widest = max(widest, dims[k])
    cap = 64  # points the buffers hold (doubled when a walk needs more)
    t = np.empty(cap)  # the points, sorted
    told = np.empty(cap)
    # x: a layer's input at the points [point, in], then d input / dx on the pieces
    # [piece, in] (one product for both); y: x @ W^T, the pre-activations and their slopes
    x = np.empty(2 * cap * widest)
    y = np.empty(2 * cap * widest)
    new_t = np.empty(cap * widest)
    new_p = np.empty(cap * widest, np.int64)
    new_f = np.empty(cap * widest)
    out = np.empty(cap)
    values = np.empty(max(16, n * 8))
    counts = np.zeros(n, np.int64)
    total = 0
    for net in range(n):
        p = flat[net]
        points = 2
        rows = 3 if output else 2
        x[0] = lo
        x[1] = hi
        x[2] = 1.0  # d x / dx on the one piece
        t[0] = lo
        t[1] = hi
        off = 0
        for k in range(layers - 1):
            din, dout = dims[k], dims[k + 1]
            weight = p[off:off + din * dout].reshape((dout, din))
            off += din * dout
            bias = p[off:off + dout]
            off += dout
            prod = y[:rows * dout].reshape((rows, dout))
            _product(x[:rows * din].reshape((rows, din)), weight, prod)
            z = prod[:points]
            for r in range(points):
                row = z[r]
                for u in range(dout):
                    row[u] += bias[u]
            if (points - 1) * dout > new_t.shape[0]:
                new_t = _grow1(new_t, (points - 1) * dout)
                new_p = _grow1(new_p, (points - 1) * dout)
                new_f = _grow1(new_f, (points - 1) * dout)
            found = _crossings(z, t, points, new_t, new_p, new_f)
            need = points + found
            if need > t.shape[0]:
                t = _grow1(t, need)
                told = _grow1(told, need)
                out = _grow1(out, need)
            if 2 * need * widest > x.shape[0]:
                x = _grow1(x, 2 * need * widest)
                y = _grow1(y, 2 * need * widest)
            for r in range(points):
                told[r] = t[r]
            m = _merge(told, z, points, new_t, new_p, new_f, found, merge_eps * (hi - lo), t,
                       x[:need * dout].reshape((need, dout)))
            za = x[:m * dout].reshape((m, dout))  # z at the kept points, then the layer's output
            if output:
                _slopes(t, told, m, points, za, prod[points:],
                        x[m * dout:(2 * m - 1) * dout].reshape((m - 1, dout)), act, leak)
            _activate(za, act, leak)
            points = m
            rows = 2 * m - 1 if output else m
        # the kept points: inside the open domain; for the output, where its slope changes
        start = total
        if total + points > values.shape[0]:
            values = _grow1(values, total + points)
        if output:
            din = dims[layers - 1]
            slope = x[points * din:(2 * points - 1) * din].reshape((points - 1, din))
            scale = 0.0
            for r in range(points - 1):
                d = 0.0
                for i in range(din):
                    d += slope[r, i] * p[off + i]
                out[r] = d
                if abs(d) > scale:  # NaN is skipped, as nan_to_num(0) then amax
                    scale = abs(d)
            for r in range(1, points - 1):
                if t[r] > lo and t[r] < hi and abs(out[r] - out[r - 1]) > slope_rtol * scale:
                    values[total] = t[r]
                    total += 1
        else:
            for r in range(points):
                if t[r] > lo and t[r] < hi:
                    values[total] = t[r]
                    total += 1
        counts[net] = total - start
    return values[:total], counts
