"""How the weights move: their distribution, per-layer change, cross-layer
correlation of change, and a shared PCA of their trajectories.

"Weights" are the weight matrices (not the biases) unless a function says
otherwise. Aggregates over bees leave out the bees that diverged.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from swarm._threads import map_cores
from swarm.metrics import _common

_CHUNK_VALUES = 1 << 22  # quantile values held at once in delta_w_correlation
_DENSITY_VALUES = 1 << 20  # weight values per chunk of epochs in weight_density

__all__ = ["weight_density", "relative_weight_change", "delta_w_correlation", "weight_pca",
           "WeightPCA"]


def weight_density(rec, layer=None, bins=50, *, epochs=None) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of weight values at each epoch over the bees that had not diverged by then (seed 000).

    ``layer``: one layer's weights, or None for all layers together. ``bins``: a
    count (edges span the finite values over all chosen epochs, so every epoch
    shares them) or increasing edges. Returns ``(counts int64 [epoch, bin], edges)``:
    each row is exactly ``np.histogram(values, edges)`` of that epoch's values
    (float64 edges; the last bin holds its right edge). Epochs are counted in
    chunks on every core; float32 weights by the bit-pattern table of
    :func:`_bin_table`.
    """
    rec = _common.check_recording(rec)
    idx = _common.epoch_indices(rec, epochs)
    live = rec.live_by_epoch[:, idx]  # [bee, epoch]: a bee counts until it diverged
    arrays = _common.layer_arrays(rec, layer)  # views [bee, epoch, n]
    every = np.array_equal(idx, np.arange(rec.num_epochs))
    chunks = []  # (layer's values, epoch positions): about _DENSITY_VALUES values each
    for a in arrays:
        step = max(1, _DENSITY_VALUES // max(1, a.shape[0] * a.shape[-1]))
        chunks += [(a, slice(i, i + step)) for i in range(0, len(idx), step)]

    def block(a: np.ndarray, e: slice) -> np.ndarray:
        """[epoch, bee, n] values of the chunk's epochs, NaN where a bee had diverged."""
        values = a[:, e] if every else a[:, idx[e]]
        if not live[:, e].all():  # a copy: never write to rec
            values = np.where(live[:, e, None], values, np.nan)
        return values.swapaxes(0, 1)

    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        spans = [s for s in map_cores(lambda c: _finite_span(block(*c)), chunks) if s]
        lo, hi = (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else (0.0, 1.0)
    else:
        lo = hi = 0.0  # edges given: not used
    edges = _common.bin_edges(bins, lo, hi)
    table = _bin_table(edges) if any(a.dtype == np.float32 for a in arrays) else None
    counts = np.zeros((len(idx), len(edges) - 1), dtype=np.int64)
    for (_, e), part in zip(chunks, map_cores(lambda c: _row_counts(block(*c), edges, table),
                                              chunks)):
        counts[e] += part
    return counts, edges


def _finite_span(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None if there are none."""
    if values.size:
        lo, hi = float(np.min(values)), float(np.max(values))  # NaN or inf: look closer
        if np.isfinite(lo) and np.isfinite(hi):
            return lo, hi
    finite = np.isfinite(values)
    if not finite.any():
        return None
    return (float(np.min(values, where=finite, initial=np.inf)),
            float(np.max(values, where=finite, initial=-np.inf)))


_SHIFT = 12  # float32 values go by their top 20 bits: sign, exponent and 11 mantissa bits


def _bin_table(edges: np.ndarray) -> np.ndarray:
    """The bin of every float32 value group that shares its top 20 bits, uint8 or int32 [2**20].

    A group is a run of consecutive float32s 2**-11 of its magnitude wide, so
    all but the groups that hold the two float32s either side of an edge lie in
    one bin (or outside: code ``bins``); those get code ``bins + 1`` and their
    values are binned one by one. Counting then reads each value once with no
    arithmetic, and the counts are exactly np.histogram's.
    """
    bins = len(edges) - 1
    groups = np.arange(1 << (32 - _SHIFT), dtype=np.uint32)
    code = _raw_codes((groups << _SHIFT).view(np.float32), edges)  # each group's first value
    code[(code < 0) | (code >= bins)] = bins
    # split: the groups of the float32s either side of each edge (at or above it, below it);
    # the last edge's own boundary (at or below it, above it) lies between two of those too
    with np.errstate(over="ignore"):
        above = edges.astype(np.float32)
        above = np.where(above < edges, np.nextafter(above, np.float32(np.inf)), above)
        beside = np.concatenate([above, np.nextafter(above, np.float32(-np.inf))])
    code[np.right_shift(beside.view(np.uint32), _SHIFT)] = bins + 1
    return code.astype(np.uint8 if bins + 2 <= 256 else np.int32)  # as torch.bincount takes


def _raw_codes(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """np.histogram's bin of each value: -1 below the edges, ``bins`` above them or NaN."""
    with np.errstate(invalid="ignore"):  # signalling NaNs (the table's groups) cast quietly
        code = np.searchsorted(edges, values, side="right") - 1  # float32 compared as float64
        code[values == edges[-1]] = len(edges) - 2  # the last bin holds its right edge
    return code


def _row_counts(values: np.ndarray, edges: np.ndarray, table: np.ndarray | None) -> np.ndarray:
    """Counts int64 [row, bin] of ``values`` [row, ...]; NaN and values beyond the edges left out."""
    if table is None or values.dtype != np.float32:
        return _common.histogram_rows(values, edges)
    bins = len(edges) - 1
    keys = np.right_shift(values.view(np.uint32), _SHIFT).view(np.int32)  # < 2**20
    codes = torch.from_numpy(table).index_select(0, torch.from_numpy(keys.reshape(-1)))
    codes = codes.reshape(values.shape)  # (numpy's take widens the keys to int64 first)
    counts = np.zeros((len(values), bins), dtype=np.int64)
    for row in range(len(values)):
        tally = torch.bincount(codes[row].reshape(-1), minlength=bins + 2).numpy()  # numpy's
        counts[row] = tally[:bins]  # bincount would widen the codes to int64 first
        if tally[bins + 1]:  # values in groups that an edge splits: one by one
            exact = _raw_codes(values[row][codes[row].numpy() == bins + 1], edges)
            counts[row] += np.bincount(exact[(exact >= 0) & (exact < bins)], minlength=bins)
    return counts


def relative_weight_change(rec) -> np.ndarray:
    """|W_e - W_{e-1}|_1 / |W_{e-1}|_1 per bee, recorded epoch and layer (WeightScale).

    Returns float64 [bee, epoch, layer]; entry 0 is NaN (no previous epoch). A
    layer whose previous weights are all zero gives 0 if unchanged, else inf.
    """
    rec = _common.check_recording(rec)
    out = []
    for w in _common.layer_arrays(rec):
        w = w.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):  # inf weights give NaN, quietly
            change = np.abs(np.diff(w, axis=1)).sum(-1)
            size = np.abs(w[:, :-1]).sum(-1)
        ratio = np.divide(change, size, out=np.where(change > 0, np.inf, 0.0), where=size > 0)
        ratio[~(np.isfinite(change) & np.isfinite(size))] = np.nan
        out.append(np.concatenate([np.full((w.shape[0], 1), np.nan), ratio], 1))
    return np.stack(out, -1)


def delta_w_correlation(rec, quantiles: int = 64) -> np.ndarray:
    """Correlation of weight change between layers, by layer distance (seed 000).

    At each epoch, each layer's |W_e - W_0| is summarised by ``quantiles``
    evenly spaced quantiles (aligning layers of different sizes, a QQ plot);
    the Pearson correlation of two layers' quantiles, averaged over the
    non-diverged bees and then over all layer pairs at the same distance,
    gives float64 [epoch, distance - 1] for distances 1 .. layers - 1. NaN where
    undefined (epoch 0: nothing has changed yet).
    """
    rec = _common.check_recording(rec)
    if isinstance(quantiles, bool) or not isinstance(quantiles, (int, np.integer)) \
            or quantiles < 2:
        raise ValueError(f"`quantiles` must be an integer of at least 2, got {quantiles!r}")
    kept = _common.kept_bees(rec)
    layers = [w[kept] for w in _common.layer_arrays(rec)]
    q = np.linspace(0.0, 1.0, int(quantiles))
    n_layers, n_epochs = len(layers), rec.num_epochs
    out = np.full((n_epochs, max(n_layers - 1, 0)), np.nan)
    step = max(1, _CHUNK_VALUES // max(1, layers[0].shape[0] * q.size))
    for start in range(0, n_epochs, step):  # epoch chunks bound the memory
        e = slice(start, start + step)
        qq = [_unit_quantiles(w[:, e], w[:, :1], q) for w in layers]
        for d in range(1, n_layers):
            pairs = [(qq[i] * qq[i + d]).sum(-1) for i in range(n_layers - d)]  # [bee, epoch]
            out[e, d - 1] = _common.masked_mean(np.concatenate(pairs, 0), axis=0)
    return out


def _unit_quantiles(w: np.ndarray, w0: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles of |w - w0| over the last axis, centred and scaled to unit norm (NaN if flat)."""
    dw = np.sort(np.abs(w.astype(np.float64) - w0), axis=-1)
    pos = q * (dw.shape[-1] - 1)  # np.quantile's default (linear) rule, on sorted rows
    below = np.floor(pos).astype(np.intp)
    above = np.minimum(below + 1, dw.shape[-1] - 1)
    frac = pos - below
    qs = dw[..., below] * (1.0 - frac) + dw[..., above] * frac  # [bee, epoch, q]
    qs -= qs.mean(-1, keepdims=True)
    norm = np.sqrt((qs * qs).sum(-1, keepdims=True))
    return np.divide(qs, norm, out=np.full_like(qs, np.nan), where=norm > 0)


class WeightPCA(NamedTuple):
    """Trajectories float64 [bee, epoch, component] in one basis shared by all bees."""

    trajectories: np.ndarray
    explained: np.ndarray  # fraction of the variance per component [component]
    components: np.ndarray  # the basis, [component, parameter]
    mean: np.ndarray  # [parameter]


def weight_pca(rec, layer=None, components: int = 2, *, biases: bool = False) -> WeightPCA:
    """PCA of the weight trajectories of all bees in one basis (seed 004, HW1-2).

    Each (bee, epoch) is a point: one layer's weights, or all layers' (with
    ``biases``, their biases too) flattened. The basis is fitted on the
    non-diverged bees' finite points; every bee is projected onto it. Each
    component's sign makes its largest loading positive.
    """
    rec = _common.check_recording(rec)
    x = np.concatenate(_common.layer_arrays(rec, layer, biases=biases), -1)  # [bee, epoch, d]
    d = x.shape[-1]
    if isinstance(components, bool) or not isinstance(components, (int, np.integer)) \
            or not 1 <= components <= d:
        raise ValueError(f"`components` must be an integer from 1 to {d} (the parameters "
                         f"compared), got {components!r}")
    fit = x[_common.kept_bees(rec)].reshape(-1, d)
    fit = torch.as_tensor(fit[np.isfinite(fit).all(-1)], dtype=torch.float64)
    if fit.shape[0] < 2:
        raise ValueError("`rec` needs at least two finite (bee, epoch) points from bees that "
                         "did not diverge for a PCA")
    mean = fit.mean(0)
    centred = fit - mean
    if centred.shape[0] >= components:
        # SVD of the points, not eigh of the [d, d] covariance: a layer of 2,000 weights
        # seen at a few hundred (bee, epoch) points took 30 s as eigh, under 1 s so
        _, singular, vectors = torch.linalg.svd(centred, full_matrices=False)  # descending
        variance, basis = singular.square(), vectors[:components]
    else:  # fewer points than components: the covariance's eigenvectors span them all
        variance, vectors = torch.linalg.eigh(centred.T @ centred)  # ascending
        variance, basis = variance.flip(0).clamp_min(0), vectors.flip(1)[:, :components].T
    sign = torch.sign(basis.gather(1, basis.abs().argmax(1, keepdim=True)))
    basis = basis * torch.where(sign == 0, 1.0, sign)
    total = variance.sum()
    explained = variance[:components] / total if total > 0 else torch.zeros(components)
    traj = (torch.as_tensor(x.reshape(-1, d), dtype=torch.float64) - mean) @ basis.T
    return WeightPCA(traj.reshape(x.shape[0], x.shape[1], components).numpy(),
                     explained.numpy(), basis.numpy(), mean.numpy())
