"""The built-in ReLU classifier's whole step, compiled: forward, cross-entropy and
backward of one bee at a time, a block of samples at a time, in the core's cache.

The eager path (:mod:`swarm._model.mlp`) makes ~30 torch calls per chunk of bees, and
each streams a [bee, unit, sample] tensor of megabytes through memory: moons'
2-16-16-2 swarm reached ~45 GFLOP/s in its 16x16 products and spent as long again
in relu, the loss, bias sums and the 2-wide layers. Here one bee's block of
``BLOCK`` samples ([unit, 256] floats, 16 KB a layer) stays in cache from the
input to the weight gradients, and the products run register-blocked (two output
rows times four inputs per pass over the samples: 57 GFLOP/s forward, 79 for the
weight gradients on the 2-core machine's one thread, against MKL's ~45 at these
shapes in the eager step).

The same arithmetic as the eager path, summed in another order: ReLU (NaN stays
NaN; its backward passes where the output is > 0; as a product with its 0/1 gate, a
negative gives -0.0 and -inf gives NaN, which only an infinite weight makes), the
loss log(sum exp(z - max)) - (z_label - max) averaged over samples, its gradient
(softmax - one_hot) / samples. Tests hold it to the eager step within float32
rounding, and bees to plain torch loops.
Every layer's rows are padded to a multiple of 4 with zero weights, which adds
exact zeros. ``fastmath`` lets sums reassociate and fuse, never assume finite
values (a diverged bee's NaN reaches its loss, and the engine freezes it).

numba is imported here only, when :class:`swarm._model.nets.FusedMLP` decides a
swarm's training repays its load (~0.3 s a process; the first use on a machine
compiles for ~7 s, each further depth ~3 s, cached on disk).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["BLOCK", "step", "predict"]

BLOCK = 256  # samples per block: a layer's [unit, block] floats stay in L1/L2
_FAST = {"contract", "reassoc", "nsz", "arcp"}  # no nnan/ninf: NaN must propagate
_ZERO = np.float32(0.0)


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _affine(w, b, a, out, n, relu):
    """out[i, :n] = b[i] + sum_k w[i, k] a[k, :n] (then ReLU'd where asked): w [rows,
    cols], rows a multiple of 2 and cols of 4. Two rows times four inputs per pass over
    the samples, the eight weights and each sample's four inputs read into locals (read
    inside the sums, they were loaded again for every row: they might alias ``out``),
    the first pass also adding the bias."""
    for i in range(0, w.shape[0], 2):
        o0, o1 = out[i], out[i + 1]
        for k in range(0, w.shape[1], 4):
            a0, a1, a2, a3 = a[k], a[k + 1], a[k + 2], a[k + 3]
            u0, u1, u2, u3 = w[i, k], w[i, k + 1], w[i, k + 2], w[i, k + 3]
            v0, v1, v2, v3 = w[i + 1, k], w[i + 1, k + 1], w[i + 1, k + 2], w[i + 1, k + 3]
            if k == 0:
                b0, b1 = b[i], b[i + 1]
                for s in range(n):
                    x0, x1, x2, x3 = a0[s], a1[s], a2[s], a3[s]
                    o0[s] = b0 + ((u0 * x0 + u1 * x1) + (u2 * x2 + u3 * x3))
                    o1[s] = b1 + ((v0 * x0 + v1 * x1) + (v2 * x2 + v3 * x3))
            else:
                for s in range(n):
                    x0, x1, x2, x3 = a0[s], a1[s], a2[s], a3[s]  # read once for both rows
                    o0[s] += (u0 * x0 + u1 * x1) + (u2 * x2 + u3 * x3)
                    o1[s] += (v0 * x0 + v1 * x1) + (v2 * x2 + v3 * x3)
    if relu:
        for i in range(w.shape[0]):
            row = out[i]
            for s in range(n):  # ReLU in place (one array: the loop vectorizes; see _pass_where)
                row[s] = row[s] * np.float32(row[s] > _ZERO)


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _pass_where(values, gate, n):
    """values[s] kept where gate[s] > 0, else zeroed (-0.0), as a product with the gate's
    0/1: ReLU's backward (gate = the layer's output). A product, not a choice, so that
    it vectorizes (a choice ran 8x slower); like ReLU's forward in :func:`_affine` it
    differs from torch's only for an infinite value where the gate is shut (NaN, not
    0), which only an infinite weight makes. Two arrays: given the same one twice, the
    loop's overlap check sends it down the scalar path (6x slower)."""
    for s in range(n):
        values[s] = values[s] * np.float32(gate[s] > _ZERO)


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _outer(d, a, gw, gb, n):
    """gw[i, k] += sum_s d[i, s] a[k, s] and gb[i] += sum_s d[i, s] over a block: gw
    [rows, cols] as in :func:`_affine`, eight sums in registers per pass."""
    for i in range(0, gw.shape[0], 2):
        d0, d1 = d[i], d[i + 1]
        t0 = t1 = _ZERO
        for s in range(n):
            t0 += d0[s]
            t1 += d1[s]
        gb[i] += t0
        gb[i + 1] += t1
        for k in range(0, gw.shape[1], 4):
            a0, a1, a2, a3 = a[k], a[k + 1], a[k + 2], a[k + 3]
            t0 = t1 = t2 = t3 = u0 = u1 = u2 = u3 = _ZERO
            for s in range(n):
                t0 += d0[s] * a0[s]
                t1 += d0[s] * a1[s]
                t2 += d0[s] * a2[s]
                t3 += d0[s] * a3[s]
                u0 += d1[s] * a0[s]
                u1 += d1[s] * a1[s]
                u2 += d1[s] * a2[s]
                u3 += d1[s] * a3[s]
            gw[i, k] += t0
            gw[i, k + 1] += t1
            gw[i, k + 2] += t2
            gw[i, k + 3] += t3
            gw[i + 1, k] += u0
            gw[i + 1, k + 1] += u1
            gw[i + 1, k + 2] += u2
            gw[i + 1, k + 3] += u3


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _cross_entropy(z, labels, start, n, classes, inv, d, top, total):
    """The block's summed loss; d[:classes, :n] = (softmax(z) - one_hot) * inv. z
    [row, block] logits (rows past ``classes`` are padding), labels [sample]."""
    for s in range(n):
        top[s] = z[0, s]
    for c in range(1, classes):
        zc = z[c]
        for s in range(n):
            top[s] = zc[s] if zc[s] > top[s] else top[s]
    for s in range(n):
        total[s] = _ZERO
    for c in range(classes):
        zc, dc = z[c], d[c]
        for s in range(n):
            e = np.exp(zc[s] - top[s])
            dc[s] = e
            total[s] += e
    loss = 0.0
    for s in range(n):
        loss += np.log(total[s]) - (z[labels[start + s], s] - top[s])
        total[s] = inv / total[s]  # now each sample's scale of its exponentials
    for c in range(classes):
        dc = d[c]
        for s in range(n):
            dc[s] *= total[s]
    for s in range(n):
        d[labels[start + s], s] -= inv
    return loss


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _cross_entropy_pair(z, labels, start, n, inv, d, e):
    """Two classes' :func:`_cross_entropy` from t = z1 - z0: the loss is log(1 + exp(-|t|))
    + max(0, -m) with the margin m = t (label 1) or -t (label 0), and dloss/dz1 =
    -dloss/dz0 = (sigmoid(t) - [label is 1]) * inv. One exp a sample (libm's, a call:
    its own loop), every other step a product that vectorizes, and one log a block (of
    the product of the 1 + exp(-|t|), each in [1, 2], in float64)."""
    z0, z1, d0, d1 = z[0], z[1], d[0], d[1]
    for s in range(n):
        e[s] = np.exp(-abs(z1[s] - z0[s]))
    ratio = 1.0
    hinge = 0.0
    for s in range(n):
        t = z1[s] - z0[s]
        one = np.float32(labels[start + s] == 1)
        ahead = np.float32(t >= _ZERO)
        q = np.float32(1.0) / (np.float32(1.0) + e[s])
        p1 = q * (ahead + (np.float32(1.0) - ahead) * e[s])  # sigmoid(t), from exp(-|t|)
        grad = (p1 - one) * inv
        d1[s] = grad
        d0[s] = -grad
        behind = t * (np.float32(1.0) - np.float32(2.0) * one)  # -m
        hinge += behind * np.float32(behind > _ZERO)
        ratio *= 1.0 + e[s]
    return np.log(ratio) + hinge


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _load(weight, bias, w, b):
    """One bee's layer into the padded scratch: weight [out, in] into w [rows, cols], bias
    [out] into b."""
    rows, cols = weight.shape
    for i in range(rows):
        b[i] = bias[i]
        for k in range(cols):
            w[i, k] = weight[i, k]


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _load_backward(weight, wt, gw, gb):
    """What a backward pass adds to :func:`_load`: the weight's transpose into wt, and the
    gradients' scratch zeroed."""
    rows, cols = weight.shape
    for i in range(rows):
        gb[i] = 0.0
        for k in range(cols):
            wt[k, i] = weight[i, k]
            gw[i, k] = 0.0


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _store(gw, gb, grad_weight, grad_bias):
    """The padded gradients' live part into one bee's [out, in] and [out]."""
    rows, cols = grad_weight.shape
    for i in range(rows):
        grad_bias[i] = gb[i]
        for k in range(cols):
            grad_weight[i, k] = gw[i, k]


@njit(nogil=True, cache=True)
def _dims(weights, features):
    """Each layer's width (inputs first) [layer + 1], and padded to a multiple of 4."""
    layers = len(weights)
    dims = np.empty(layers + 1, np.int64)
    dims[0] = features
    for l in range(layers):
        dims[l + 1] = weights[l].shape[1]
    return dims, (dims + 3) // 4 * 4


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def _forward(w, b, xb, start, n, act, pad, out):
    """One block's forward pass: samples start..start+n of one bee's inputs xb [feature,
    sample] through the padded layers into act, its logits into out [class, sample]."""
    layers = len(pad) - 1
    for k in range(xb.shape[0]):
        row, xk = act[0, k], xb[k]
        for s in range(n):
            row[s] = xk[start + s]
    for l in range(layers):
        _affine(w[l, :pad[l + 1], :pad[l]], b[l], act[l], act[l + 1], n, l < layers - 1)
    for c in range(out.shape[0]):
        row, zc = out[c], act[layers, c]
        for s in range(n):
            row[start + s] = zc[s]


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def predict(weights, biases, x, logits, start, stop):
    """Bees start..stop's logits [bee, class, sample] for inputs x [1 or bee, feature,
    sample] (arrays as :func:`step`'s)."""
    dims, pad = _dims(weights, x.shape[1])
    layers, widest = len(weights), pad.max()
    w = np.zeros((layers, widest, widest), np.float32)
    b = np.zeros((layers, widest), np.float32)
    act = np.zeros((layers + 1, widest, BLOCK), np.float32)
    for bee in range(start, stop):
        for l in range(layers):
            _load(weights[l][bee], biases[l][bee], w[l], b[l])
        xb = x[bee if x.shape[0] > 1 else 0]
        for s0 in range(0, x.shape[2], BLOCK):
            _forward(w, b, xb, s0, min(BLOCK, x.shape[2] - s0), act, pad, logits[bee])


@njit(nogil=True, fastmath=_FAST, error_model="numpy", cache=True)
def step(weights, biases, x, labels, logits, loss, grad_w, grad_b, start, stop):
    """Bees start..stop of a ReLU MLP under cross-entropy: their logits [bee, class,
    sample], mean loss [bee] and gradients, written into the given arrays.

    weights[l] [bee, out, in] and biases[l] [bee, out] as torch.nn.Linear's; x [1 or
    bee, feature, sample] float32; labels [1 or bee, sample] int64 in [0, classes).
    """
    dims, pad = _dims(weights, x.shape[1])
    layers, widest, samples = len(weights), pad.max(), x.shape[2]
    w = np.zeros((layers, widest, widest), np.float32)  # padded weights, and transposed
    wt = np.zeros((layers, widest, widest), np.float32)
    b = np.zeros((layers, widest), np.float32)
    gw = np.zeros((layers, widest, widest), np.float32)
    gb = np.zeros((layers, widest), np.float32)
    no_bias = np.zeros(widest, np.float32)
    act = np.zeros((layers + 1, widest, BLOCK), np.float32)
    d = np.zeros((widest, BLOCK), np.float32)
    d_below = np.zeros((widest, BLOCK), np.float32)
    top = np.empty(BLOCK, np.float32)
    total = np.empty(BLOCK, np.float32)
    classes = dims[layers]
    inv = np.float32(1.0 / samples)
    for bee in range(start, stop):
        for l in range(layers):
            _load(weights[l][bee], biases[l][bee], w[l], b[l])
            _load_backward(weights[l][bee], wt[l], gw[l], gb[l])
        xb = x[bee if x.shape[0] > 1 else 0]
        lb = labels[bee if labels.shape[0] > 1 else 0]
        summed = 0.0
        for s0 in range(0, samples, BLOCK):
            n = min(BLOCK, samples - s0)
            _forward(w, b, xb, s0, n, act, pad, logits[bee])
            if classes == 2:
                summed += _cross_entropy_pair(act[layers], lb, s0, n, inv, d, top)
            else:
                summed += _cross_entropy(act[layers], lb, s0, n, classes, inv, d, top, total)
            for c in range(classes, pad[layers]):
                d[c, :n] = 0.0
            for l in range(layers - 1, -1, -1):
                _outer(d, act[l], gw[l, :pad[l + 1], :pad[l]], gb[l], n)
                if l:
                    _affine(wt[l, :pad[l], :pad[l + 1]], no_bias, d, d_below, n, False)
                    for k in range(pad[l]):  # ReLU's backward: through where its output > 0
                        _pass_where(d_below[k], act[l, k], n)
                    d, d_below = d_below, d
        for l in range(layers):
            _store(gw[l], gb[l], grad_w[l][bee], grad_b[l][bee])
        loss[bee] = summed * inv
