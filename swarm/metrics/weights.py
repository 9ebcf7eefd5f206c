"""How the weights move: their distribution, per-layer change, cross-layer
correlation of change, and a shared PCA of their trajectories.

"Weights" are the weight matrices (not the biases) unless a function says
otherwise. Aggregates over bees leave out the bees that diverged.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import torch

from swarm._threads import cores, map_cores
from swarm.metrics import _common

_CHUNK_VALUES = 1 << 18  # quantile values per epoch run of delta_w_correlation (cache-sized)
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
    layers = _common.layer_arrays(rec)  # views [bee, epoch, n]
    # runs of bees in float64 copies that stay cache-sized, on every core (whole-recording
    # float64 copies made the kernel page in hundreds of MB)
    step = max(1, _CHUNK_VALUES // max(1, rec.num_epochs * max(a.shape[-1] for a in layers)))
    runs = [slice(b, b + step) for b in range(0, rec.num_bees, step)]
    return np.concatenate(map_cores(lambda bees: np.stack(
        [_relative_change(a[bees]) for a in layers], -1), runs), 0)


def _relative_change(w: np.ndarray) -> np.ndarray:
    """|W_e - W_{e-1}|_1 / |W_{e-1}|_1 of [bee, epoch, n] weights: float64 [bee, epoch], NaN first."""
    w = w.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # inf weights give NaN, quietly
        change = np.abs(np.diff(w, axis=1)).sum(-1)
        size = np.abs(w[:, :-1]).sum(-1)
        ratio = np.divide(change, size, out=np.where(change > 0, np.inf, 0.0), where=size > 0)
    ratio[~(np.isfinite(change) & np.isfinite(size))] = np.nan
    return np.concatenate([np.full((w.shape[0], 1), np.nan), ratio], 1)


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
    bees = slice(None) if kept.all() else kept  # a view of every bee, or a copy of the kept
    layers = _common.layer_arrays(rec)
    q = np.linspace(0.0, 1.0, int(quantiles))
    n_layers, n_epochs = len(layers), rec.num_epochs
    out = np.full((n_epochs, max(n_layers - 1, 0)), np.nan)
    # runs of epochs small enough to stay in the cache (1.2x faster than 16 MB runs), on
    # one thread per core (numpy's sort and arithmetic release the GIL)
    step = max(1, min(_CHUNK_VALUES // max(1, int(kept.sum()) * q.size),
                      -(-n_epochs // (4 * cores()))))
    runs = [slice(start, start + step) for start in range(0, n_epochs, step)]

    def correlations(e: slice) -> np.ndarray:
        qq = [_unit_quantiles(w[bees, e], w[bees, :1], q) for w in layers]
        rows = np.full((len(range(n_epochs)[e]), max(n_layers - 1, 0)), np.nan)
        for d in range(1, n_layers):
            pairs = [np.einsum("...i,...i->...", qq[i], qq[i + d])  # [bee, epoch]
                     for i in range(n_layers - d)]
            rows[:, d - 1] = _common.masked_mean(np.concatenate(pairs, 0), axis=0)
        return rows

    for e, rows in zip(runs, map_cores(correlations, runs)):
        out[e] = rows
    return out


def _unit_quantiles(w: np.ndarray, w0: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles of |w - w0| over the last axis, centred and scaled to unit norm (NaN if flat)."""
    dw = w.astype(np.float64)  # one copy, then in place
    np.subtract(dw, w0, out=dw)
    np.abs(dw, out=dw)
    dw.sort(axis=-1)
    # np.quantile's default (linear) rule on the sorted rows, as one product with the
    # [n, q] matrix of interpolation weights (a gather by index took 3x as long)
    qs = (torch.from_numpy(dw) @ torch.from_numpy(_interpolation(dw.shape[-1], q))).numpy()
    qs -= qs.mean(-1, keepdims=True)
    norm = np.sqrt(np.einsum("...i,...i->...", qs, qs))[..., None]
    return np.divide(qs, norm, out=np.full_like(qs, np.nan), where=norm > 0)


def _interpolation(n: int, q: np.ndarray) -> np.ndarray:
    """[n, q]: sorted values [..., n] @ this = their quantiles ``q`` by linear interpolation."""
    pos = q * (n - 1)
    below = np.floor(pos).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    frac = pos - below
    weights = np.zeros((n, q.size))
    np.add.at(weights, (below, np.arange(q.size)), 1.0 - frac)
    np.add.at(weights, (above, np.arange(q.size)), frac)
    return weights


_PCA_POINTS = 1 << 14  # (bee, epoch) points per chunk of weight_pca's passes


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
    arrays = _common.layer_arrays(rec, layer, biases=biases)  # [bee, epoch, n] each
    d = sum(a.shape[-1] for a in arrays)
    if isinstance(components, bool) or not isinstance(components, (int, np.integer)) \
            or not 1 <= components <= d:
        raise ValueError(f"`components` must be an integer from 1 to {d} (the parameters "
                         f"compared), got {components!r}")
    kept = _common.kept_bees(rec)
    # runs of bees, on one thread per core: no copy of the whole recording is ever made;
    # each thread merges its runs' moments, so a few [d, d] scatters are held at once
    step = max(1, _PCA_POINTS // max(1, rec.num_epochs))
    runs = [slice(b, b + step) for b in range(0, rec.num_bees, step)]
    groups = [runs[i::2 * cores()] for i in range(min(len(runs), 2 * cores()))]
    count, mean, scatter = functools.reduce(_merge_moments, map_cores(
        lambda group: functools.reduce(_merge_moments, (
            _pca_moments(_fit_points(arrays, kept, bees)) for bees in group), _NO_POINTS),
        groups), _NO_POINTS)
    if count < 2:
        raise ValueError("`rec` needs at least two finite (bee, epoch) points from bees that "
                         "did not diverge for a PCA")
    if components <= count < d:
        # fewer points than parameters: SVD of the points, not eigh of the [d, d] scatter
        # (a layer of 2,000 weights seen at a few hundred points took 30 s as eigh, 1 s so)
        centred = torch.cat([_fit_points(arrays, kept, bees) for bees in runs]) - mean
        _, singular, vectors = torch.linalg.svd(centred, full_matrices=False)  # descending
        variance, basis = singular.square(), vectors[:components]
    else:  # many points: eigh of the scatter (the SVD of 200,000 points of 144 took 7 s)
        variance, vectors = torch.linalg.eigh(scatter)  # ascending
        variance, basis = variance.flip(0).clamp_min(0), vectors.flip(1)[:, :components].T
    sign = torch.sign(basis.gather(1, basis.abs().argmax(1, keepdim=True)))
    basis = basis * torch.where(sign == 0, 1.0, sign)
    total = variance.sum()
    explained = variance[:components] / total if total > 0 else torch.zeros(components)
    traj = torch.cat(map_cores(lambda bees: (_points(arrays, bees) - mean) @ basis.T, runs))
    return WeightPCA(traj.reshape(rec.num_bees, rec.num_epochs, components).numpy(),
                     explained.numpy(), basis.numpy(), mean.numpy())


def _points(arrays: list[np.ndarray], bees: slice) -> torch.Tensor:
    """float64 [bee * epoch, d]: the ``bees``' (bee, epoch) points, layers side by side."""
    parts = [torch.as_tensor(a[bees], dtype=torch.float64) for a in arrays]
    return torch.cat(parts, -1).reshape(-1, sum(a.shape[-1] for a in arrays))


def _fit_points(arrays: list[np.ndarray], kept: np.ndarray, bees: slice) -> torch.Tensor:
    """The points of :func:`_points` that fit the PCA: finite, of bees that did not diverge."""
    points = _points(arrays, bees)
    epochs = arrays[0].shape[1]
    keep = torch.as_tensor(np.repeat(kept[bees], epochs)) & _finite_rows(points)
    return points if bool(keep.all()) else points[keep]


def _finite_rows(points: torch.Tensor) -> torch.Tensor:
    """Boolean [point]: the rows of ``points`` [point, d] with every entry finite.

    A row's sum is finite when all its entries are (NaN and inf carry through a
    sum), one pass; only rows whose sum is not (those, or an overflow) are looked at
    entry by entry.
    """
    keep = torch.isfinite(points.sum(1))
    if not bool(keep.all()):
        odd = ~keep
        keep[odd] = torch.isfinite(points[odd]).all(1)
    return keep


_NO_POINTS = (0, None, None)  # the moments of no points


def _pca_moments(points: torch.Tensor):
    """(count, mean [d], scatter about that mean [d, d]) of ``points`` [point, d]."""
    if points.shape[0] == 0:
        return _NO_POINTS
    mean = points.mean(0)
    centred = points - mean
    return points.shape[0], mean, centred.T @ centred


def _merge_moments(a, b):
    """The moments of two sets of points together (Chan, Golub and LeVeque's update)."""
    if a[0] == 0 or b[0] == 0:
        return b if a[0] == 0 else a
    n = a[0] + b[0]
    delta = b[1] - a[1]
    return n, a[1] + delta * (b[0] / n), a[2] + b[2] + torch.outer(delta, delta) * (a[0] * b[0] / n)
