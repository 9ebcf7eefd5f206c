"""Breakpoints: the exact x-positions where a piecewise-linear network bends.

For relu, leaky_relu, abs and identity networks the output is piecewise linear
in x. Walking the layers finds every bend exactly: between the points found so
far each unit's pre-activation is linear in x, so its zero crossings are found
by linear interpolation and added; after the last hidden layer the output's
slope on every piece (forward-mode, at the piece's midpoint) says which of those
points are real bends. All networks of a batch are processed at once with
NaN-padded [net, point] arrays.
"""
from __future__ import annotations

import numpy as np
import torch

from swarm._threads import map_cores
from swarm.metrics import _common

__all__ = ["breakpoints", "breakpoint_histogram", "kinks"]

Tensor = torch.Tensor
_NAN = float("nan")
_MERGE_EPS = 1e-12  # points closer than this fraction of the domain are one point
_SLOPE_RTOL = 1e-12  # a bend changes the slope by more than this x the largest slope
_CHUNK_NETS = 2048  # networks per batch at most (one hidden layer: cache-sized)
_CHUNK_VALUES = 1 << 18  # [net, point, unit] values per batch of deeper networks
_KINDS = ("output", "units")


def breakpoints(rec, epoch: int = -1, *, kind: str = "output", domain=None) -> list[np.ndarray]:
    """Per bee, the sorted x in the open domain where the network's output bends.

    ``kind="output"`` keeps the points where the output's slope changes;
    ``kind="units"`` keeps every zero crossing of every hidden unit's
    pre-activation (the boundaries of the linear pieces; some may not bend the
    output, e.g. behind dead units). ``domain`` defaults to the span of ``x``.
    ``epoch`` is a position in the recorded epochs. Returns a list (one per bee)
    of float64 arrays; diverged bees are included as they were frozen.
    Raises ``ValueError`` for activations that are not piecewise linear.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec, piecewise_linear=True)
    kind = _check_kind(kind)
    lo, hi = _common.domain(rec, domain)
    params = _common.torch_params(rec, _common.epoch_index(rec, epoch))

    def walk(part: slice) -> list[np.ndarray]:
        found = kinks([p[part] for p in params], act, lo, hi, kind).numpy()
        return [row[np.isfinite(row)] for row in found]

    parts = _parts(rec.num_bees, _chunk_nets(rec))
    return [row for rows in map_cores(walk, parts) for row in rows]


def breakpoint_histogram(rec, bins=50, epochs=None, *, kind: str = "output",
                         domain=None) -> tuple[np.ndarray, np.ndarray]:
    """Counts of breakpoints per bin, for every chosen epoch, over the bees that had not diverged by then.

    ``bins``: a number of equal bins over the domain, or increasing edges.
    ``epochs``: positions in the recorded epochs (None: all; a slice; a mask).
    Returns ``(counts int64 [epoch, bin], edges float64 [bin + 1])``.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec, piecewise_linear=True)
    kind = _check_kind(kind)
    lo, hi = _common.domain(rec, domain)
    edges = _common.bin_edges(bins, lo, hi)
    idx = _common.epoch_indices(rec, epochs)
    live = rec.live_by_epoch[:, idx]  # [bee, epoch]: a bee counts until it diverged
    bees = np.flatnonzero(live.any(1))
    counts = np.zeros((idx.size, edges.size - 1), dtype=np.int64)
    if bees.size == 0 or idx.size == 0:
        return counts, edges
    live = live[bees]
    nets = _chunk_nets(rec)
    # a batch is a bee's run of epochs (or a few bees' whole runs): a network changes
    # little from one epoch to the next, so a batch's networks have about as many
    # points, and the NaN padding to the batch's widest stays small
    if idx.size >= nets:
        work = [(slice(b, b + 1), part) for b in range(bees.size)
                for part in _parts(idx.size, nets)]
    else:
        work = [(part, slice(None)) for part in _parts(bees.size, nets // idx.size)]

    def count(unit: tuple[slice, slice]) -> np.ndarray:
        chosen_bees, chosen = unit
        return _run_counts(rec, act, (lo, hi), kind, edges, bees[chosen_bees], idx[chosen],
                           live[chosen_bees, chosen])

    work = [(b, e) for b, e in work if live[b, e].any()]
    for (_, chosen), got in zip(work, map_cores(count, work)):
        counts[chosen] += got
    return counts, edges


def _run_counts(rec, act, domain, kind, edges, bees, chosen, live) -> np.ndarray:
    """Counts int64 [epoch, bin] of the kinks of ``bees`` at the epochs ``chosen``, in one
    batch of networks: the (bee, epoch) pairs where ``live`` [bee, epoch] is True (a
    diverged bee's later networks are not walked)."""
    live = live.reshape(-1)
    params = []
    for k in rec.layer_indices:  # [bee, epoch, ...] -> [live (bee, epoch), ...], bee-major
        for a in (rec.weights(k), rec.biases(k)):
            sel = a[np.ix_(bees, chosen)]
            params.append(torch.as_tensor(sel.reshape((-1,) + sel.shape[2:])[live],
                                          dtype=torch.float64))
    found = kinks(params, act, *domain, kind).numpy()  # [net, kink]
    rows = np.tile(np.arange(chosen.size), bees.size)[live]  # each net's epoch
    return _grouped_histogram(found, rows, chosen.size, edges)


def _grouped_histogram(values: np.ndarray, rows: np.ndarray, n_rows: int,
                       edges: np.ndarray) -> np.ndarray:
    """Counts int64 [row, bin]: ``values`` [net, ...] (NaN ignored) binned by ``edges`` and
    added up over the nets with the same ``rows`` [net] (in 0..n_rows-1).

    np.histogram's rule (``_common.histogram_rows``): bin i holds edges[i] <= v < edges[i+1],
    the last bin also its right edge, values outside the edges ignored. One vectorised
    pass: a batch's values are few, and one np.histogram per net would cost more.
    """
    bins = edges.size - 1
    flat = values.reshape(values.shape[0], -1)
    where = np.searchsorted(edges, flat, side="right") - 1  # NaN sorts past the end
    where[flat == edges[-1]] = bins - 1
    ok = (where >= 0) & (where < bins)
    keys = (np.broadcast_to(rows[:, None], flat.shape) * bins + where)[ok]
    return np.bincount(keys, minlength=n_rows * bins).reshape(n_rows, bins)


def _parts(size: int, most: int) -> list[slice]:
    """``range(size)`` cut into near-equal slices of at most ``most`` (at least 1) items."""
    if size <= 0:
        return []
    pieces = -(-size // max(1, most))
    step = -(-size // max(1, pieces))
    return [slice(start, start + step) for start in range(0, size, step)]


def _chunk_nets(rec) -> int:
    """Networks per batch: the layer walk's [net, point, unit] arrays stay cache-sized.

    Batches of thousands of deep networks made temporaries of hundreds of MB,
    and the time went to the kernel paging them in and out. At depth 6, width 32
    (about 200 points, one core, the shared machine under load 5-25) batches of
    42 networks (2^18 values) walked 1.1x faster per network than 84 and 1.3x
    faster than 168; 24 were no faster than 42.
    """
    widths = [rec.weights(k).shape[-2] for k in rec.layer_indices[:-1]]
    if len(widths) <= 1:
        return _CHUNK_NETS
    points = 2 + sum(widths)  # about the pieces one walk ends with
    return int(np.clip(_CHUNK_VALUES // (max(widths) * points), 1, _CHUNK_NETS))


def kinks(params: list[Tensor], act, lo: float, hi: float, kind: str = "output") -> Tensor:
    """Breakpoints of stacked networks: float64 [net, K], sorted, NaN-padded.

    ``params`` is ``[W0, b0, W1, b1, ...]`` with a leading net dimension (the
    last layer linear); ``act`` a piecewise-linear activation (its one kink at 0).

    One pass over the layers: after layer k's crossings are inserted, every unit
    up to layer k keeps its sign on each piece, so layer k+1's input is linear on
    each piece. A new point's pre-activations are therefore the interpolation of
    its piece's ends (no forward pass from x again), and for ``kind="output"`` the
    slope d a / dx on each piece is carried along (a new point splits a piece into
    two with the same slope; the activation's slope on a piece is read from the
    sign of its ends' sum, the sign at its midpoint).

    Arrays are point-major, [net, point, unit]: inserting points then moves whole
    rows of units (contiguous copies), where a unit-major layout moved single
    values through scatter/gather kernels that cost as much as the layer's product.

    Float64 throughout. A float32 walk (measured for issue 23 on a depth-6 width-32
    swarm) took 2.2x less CPU and placed kinks within 7e-5 of the domain, but 6 of
    8,600 networks lost or gained a kink (kinks closer together than float32 holds
    apart, signs near 0). Walking again in float64 the networks where a float32
    decision came near a tie (a pre-activation near 0, points near each other, a tiny
    slope change) kept every kink with margins of 1e-5, which sent 91% of the
    networks back (slower than float64 alone); with margins of 1e-6 (9% back, 1.3x)
    2 of 8,600 still differed.
    """
    if len(params) == 4 and params[0].shape[2] == 1 and params[2].shape[1] == 1:
        return _one_hidden_layer(params, act, lo, hi, kind)
    n = params[0].shape[0]
    dtype = params[0].dtype
    t = torch.tensor([lo, hi], dtype=dtype).expand(n, 2)
    n_layers = len(params) // 2
    if act.name == "identity":  # identity units cross zero without bending anything
        return torch.empty((n, 0), dtype=dtype)
    a = t[:, :, None]  # layer k's input at the points t: [net, point, in]
    slope = torch.ones((n, 1, 1), dtype=dtype) if kind == "output" else None  # [net, piece, in]
    for k in range(n_layers - 1):
        weight, bias = params[2 * k], params[2 * k + 1]
        # [net, point, unit], linear on each piece; the same product for either kind, so
        # "output"'s points are "units"' to the last bit
        z = _linear(a, weight).add_(bias[:, None, :])
        if slope is not None:  # d z / dx on the old pieces (fewer than the new ones)
            slope = _linear(slope, weight)
        t, merged, piece = _insert_crossings(t, z, hi - lo, slope is not None)
        z = merged[:, :t.shape[1]]  # at the new points; merged's last row takes dropped ones
        if slope is not None:  # a new piece has its old piece's d z / dx, times fn' on it
            slope = _times_slope(act, _rows(slope, piece), z[:, :-1] + z[:, 1:])
        a = act.fn_(z) if act.fn_ is not None else act.fn(z)  # z is a fresh tensor
    keep = torch.isfinite(t) & (t > lo) & (t < hi)
    if slope is not None:
        out = _linear(slope, params[-2])[..., 0]  # d output / dx on each piece: [net, piece]
        scale = torch.nan_to_num(out.abs(), nan=0.0).amax(1, keepdim=True)
        # t[:, 0] is lo and the last finite point hi, so only t[:, 1:-1] can bend
        keep[:, 1:-1] &= (out[:, 1:] - out[:, :-1]).abs() > _SLOPE_RTOL * scale
    return _compact(t, keep)


def _insert_crossings(t: Tensor, z: Tensor, span: float, pieces: bool = True):
    """Add the points where a unit's pre-activation ``z`` [net, point, unit] (contiguous)
    changes sign between the points ``t`` [net, point] (sorted, NaN-padded).

    Returns the merged points [net, point'] (points within a hair of the previous one
    dropped, so no piece is empty), ``z`` at them as a fresh [net, point' + 1, unit]
    (interpolated on the piece each new point falls in; the last row takes the
    dropped points' rows) and, with ``pieces``, for each new piece the index of the
    old piece it lies in [net, point' - 1] (else None).
    Each row moves once: old and new rows are copied straight to their places.
    """
    n, points, units = z.shape
    cross = (z[:, :-1] * z[:, 1:]) < 0  # [net, piece, unit]; NaN compares False
    net, piece, unit = torch.nonzero(cross, as_tuple=True)  # net ascending
    rows = z.view(n * points, units)
    left = net * points + piece
    zl, zr = rows[left, unit], rows[left + 1, unit]
    frac = zl / (zl - zr)
    tl, tr = t[net, piece], t[net, piece + 1]
    counts = torch.bincount(net, minlength=n)
    col = torch.arange(net.numel()) - (counts.cumsum(0) - counts)[net]
    extra = int(counts.max()) if net.numel() else 0
    both = torch.full((n, points + extra), _NAN, dtype=t.dtype)
    both[:, :points] = t
    both[net, points + col] = tl + (tr - tl) * frac
    both, order = torch.sort(both, dim=1)  # NaN sorts last
    keep = torch.isfinite(both)
    keep[:, 1:] &= (both[:, 1:] - both[:, :-1]) > _MERGE_EPS * span
    pos, width = _positions(keep)  # in sorted order
    dest = torch.empty_like(pos).scatter_(1, order, pos)  # in source order
    dest += torch.arange(0, n * (width + 1), width + 1)[:, None]  # a row of `merged` below
    merged_t = torch.full((n, width + 1), _NAN, dtype=t.dtype).scatter_(1, pos, both)[:, :width]
    merged = torch.full((n, width + 1, units), _NAN, dtype=z.dtype)
    flat = merged.view(-1, units)  # rows sent to the same spare row: any one of them stays
    flat.index_copy_(0, dest[:, :points].reshape(-1), rows)
    if extra:
        flat.index_copy_(0, dest[net, points + col], torch.lerp(
            rows.index_select(0, left), rows.index_select(0, left + 1), frac[:, None]))
    if not pieces:
        return merged_t, merged, None
    old = torch.nan_to_num(t, nan=float("inf")).contiguous()
    mid = torch.nan_to_num(0.5 * (merged_t[:, :-1] + merged_t[:, 1:]), nan=float("inf"))
    inside = torch.searchsorted(old, mid.contiguous()) - 1
    return merged_t, merged, inside.clamp_(0, max(points - 2, 0))


def _rows(values: Tensor, index: Tensor) -> Tensor:
    """``values`` [net, row, unit] (contiguous) at the rows ``index`` [net, k]: [net, k, unit],
    whole rows copied."""
    n, count, units = values.shape
    flat = (index + torch.arange(0, n * count, count)[:, None]).reshape(-1)
    return values.view(n * count, units).index_select(0, flat).view(n, -1, units)


def _one_hidden_layer(params, act, lo: float, hi: float, kind: str) -> Tensor:
    """1 -> width -> 1 in closed form: unit u bends the output at -b_u/w_u when
    w_u != 0 and its output weight v_u != 0 (seed 001's -b/w). The same points
    as the layer walk, without it: 500 bees x 400 epochs in a fraction of a second."""
    w, b, v = params[0][:, :, 0], params[1], params[2][:, 0, :]
    if act.name == "identity":
        return torch.empty((w.shape[0], 0), dtype=torch.float64)
    t = -b.to(torch.float64) / torch.where(w == 0, 1.0, w).to(torch.float64)
    keep = (w != 0) & (t > lo) & (t < hi)
    if kind == "output":
        keep &= v != 0
    t, _ = torch.sort(torch.where(keep, t, _NAN), dim=1)  # NaN sorts last
    keep = torch.isfinite(t)
    keep[:, 1:] &= (t[:, 1:] - t[:, :-1]) > _MERGE_EPS * (hi - lo)  # one point per place
    return _compact(t, keep)


def _times_slope(act, up: Tensor, twice_mid: Tensor) -> Tensor:
    """``up`` [net, piece, unit] times the activation's slope on each piece, read at
    ``twice_mid`` (twice the pre-activation at the piece's midpoint: its sign is what counts).

    Written into ``up``. relu's backward reads only whether
    its ``out`` is > 0, which is whether ``twice_mid`` is > 0 (NaN: neither), so
    ``twice_mid`` stands in for ``fn(twice_mid)`` and one pass is saved; leaky_relu's
    and abs's read ``pre``.
    """
    if act.backward_ is not None:
        return act.backward_(up, twice_mid, twice_mid)
    return up.copy_(act.backward(up, twice_mid, twice_mid))


def _check_kind(kind: str) -> str:
    if kind not in _KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(_KINDS)}, got {kind!r}")
    return kind


def _linear(a: Tensor, weight: Tensor) -> Tensor:
    """a @ W^T: [net, point, in] -> [net, point, out] (a fresh tensor)."""
    if weight.shape[2] == 1:  # one input: a broadcast multiply
        return a * weight.transpose(1, 2)
    return torch.bmm(a, weight.transpose(1, 2))


def _compact(values: Tensor, keep: Tensor) -> Tensor:
    """The kept entries of each row moved to its front in order, NaN after: [row, most kept].

    Positions come from a running count and one scatter (no sort); dropped
    entries go to a spare last column that is cut off.
    """
    pos, width = _positions(keep)
    out = torch.full((values.shape[0], width + 1), _NAN, dtype=values.dtype)
    return out.scatter_(1, pos, values)[:, :width]


def _positions(keep: Tensor) -> tuple[Tensor, int]:
    """Where each entry of ``keep`` [row, column] goes when the kept ones move to the front
    (dropped ones: a spare column ``width``), and ``width``, the most kept in a row."""
    pos = keep.cumsum(1) - 1
    width = int(pos[:, -1].max()) + 1 if keep.shape[0] and keep.shape[1] else 0
    return torch.where(keep, pos, width), width
