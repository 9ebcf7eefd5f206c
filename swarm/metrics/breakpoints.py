"""Breakpoints: the exact x-positions where a piecewise-linear network bends.

For relu, leaky_relu, abs and identity networks the output is piecewise linear
in x. Walking the layers finds every bend exactly: between the points found so
far each unit's pre-activation is linear in x, so its zero crossings are found
by linear interpolation and added; after the last hidden layer the output's
slope on every piece (forward-mode, at the piece's midpoint) says which of those
points are real bends. One hidden layer has the closed form -b/w, for all networks
of a batch at once; deeper networks are walked one by one by compiled code
(``_deep_walk``: numba, imported only then).
"""
from __future__ import annotations

import contextlib
import math

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
_CHUNK_VALUES = 1 << 18  # float64 parameters per batch of deeper networks
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
    with _one_blas_thread(params):
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
    # a batch is a bee's run of epochs (or a few bees' whole runs): its parameters are
    # read in runs, and for the closed form a batch's networks have about as many
    # kinks, so the NaN padding to the batch's widest stays small
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
    with _one_blas_thread(_arrays(rec)):
        for (_, chosen), got in zip(work, map_cores(count, work)):
            counts[chosen] += got
    return counts, edges


def _arrays(rec) -> list[np.ndarray]:
    """The recording's parameters ``[W0, b0, W1, b1, ...]``, [bee, epoch, ...] each."""
    return [a for k in rec.layer_indices for a in (rec.weights(k), rec.biases(k))]


def _one_blas_thread(params):
    """For networks the compiled walk takes (not the closed form): the BLAS on one thread
    for a whole run of walks on every core (``_walk.one_blas_thread``: set once, not
    toggled between batches, which restarted OpenBLAS's threads and doubled the CPU
    time); for the closed form nothing, and numba stays unloaded."""
    if _closed_form(params):
        return contextlib.nullcontext()
    from swarm.metrics import _walk

    return _walk.one_blas_thread()


def _run_counts(rec, act, domain, kind, edges, bees, chosen, live) -> np.ndarray:
    """Counts int64 [epoch, bin] of the kinks of ``bees`` at the epochs ``chosen``, in one
    batch of networks: the (bee, epoch) pairs where ``live`` [bee, epoch] is True (a
    diverged bee's later networks are not walked)."""
    live = live.reshape(-1)
    rows = np.tile(np.arange(chosen.size), bees.size)[live]  # each net's epoch
    arrays = _arrays(rec)
    if not _closed_form(arrays):  # deep: the compiled walk, on the parameters as they lie
        sizes = [math.prod(a.shape[2:]) for a in arrays]
        flat = np.empty((rows.size, sum(sizes)))  # [live (bee, epoch), params], float64
        start = 0
        for a, size in zip(arrays, sizes):
            sel = _select(a, bees, chosen).reshape(-1, size)
            flat[:, start:start + size] = sel if rows.size == sel.shape[0] else sel[live]
            start += size
        values, counts = _deep_walk(flat, _dims(arrays), act, *domain, kind)
        return _grouped_histogram(values[:, None], np.repeat(rows, counts), chosen.size, edges)
    params = []
    for a in arrays:
        sel = a[np.ix_(bees, chosen)]
        params.append(torch.as_tensor(sel.reshape((-1,) + sel.shape[2:])[live],
                                      dtype=torch.float64))
    found = kinks(params, act, *domain, kind).numpy()  # [net, kink]
    return _grouped_histogram(found, rows, chosen.size, edges)


def _select(a: np.ndarray, bees: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``a`` [bee, epoch, ...] at ``bees`` x ``chosen`` epochs: [bee, epoch, ...], a view
    (no copy) for one bee's run of consecutive epochs, the usual batch."""
    if bees.size == 1 and chosen.size and chosen[-1] - chosen[0] == chosen.size - 1 \
            and np.all(np.diff(chosen) == 1):
        return a[bees[0], chosen[0]:chosen[-1] + 1][None]
    return a[np.ix_(bees, chosen)]


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
    """Networks per batch. The closed form (one hidden layer) works on [net, unit] arrays:
    ``_CHUNK_NETS``. The compiled walk goes network by network, so a deeper batch only
    amortises the call and keeps its float64 parameters [net, params] cache-sized
    (``_CHUNK_VALUES``)."""
    arrays = _arrays(rec)
    if _closed_form(arrays):
        return _CHUNK_NETS
    per_net = sum(math.prod(a.shape[2:]) for a in arrays)
    return int(np.clip(_CHUNK_VALUES // per_net, 1, _CHUNK_NETS))


def kinks(params: list[Tensor], act, lo: float, hi: float, kind: str = "output") -> Tensor:
    """Breakpoints of stacked networks: float64 [net, K], sorted, NaN-padded.

    ``params`` is ``[W0, b0, W1, b1, ...]`` with a leading net dimension (the
    last layer linear); ``act`` a piecewise-linear activation (its one kink at 0).
    One hidden layer and one output: the closed form ``-b/w``. Deeper: the exact
    layer walk (:func:`_deep_walk`).
    """
    if _closed_form(params):
        return _one_hidden_layer(params, act, lo, hi, kind)
    n = params[0].shape[0]
    flat = torch.cat([p.reshape(n, -1).to(torch.float64) for p in params], 1).numpy()
    values, counts = _deep_walk(flat, _dims(params), act, lo, hi, kind)
    out = np.full((n, int(counts.max()) if n else 0), _NAN)
    out[np.arange(out.shape[1]) < counts[:, None]] = values  # row by row, in order
    return torch.from_numpy(out)


def _deep_walk(flat: np.ndarray, dims: list[int], act, lo: float, hi: float,
               kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The kinks of the networks ``flat`` float64 [net, params] (``W0, b0, W1, ...``
    flattened, widths ``dims``): ``(values float64 [kink], counts int64 [net])``, each net's
    sorted kinks one net after another.

    One pass over the layers: after layer k's crossings are inserted, every unit
    up to layer k keeps its sign on each piece, so layer k+1's input is linear on
    each piece. A new point's pre-activations are therefore the interpolation of
    its piece's ends (no forward pass from x again), and for ``kind="output"`` the
    slope d a / dx on each piece is carried along (a new point splits a piece into
    two with the same slope; the activation's slope on a piece is read from the
    sign of its ends' sum, the sign at its midpoint). Points closer than
    ``_MERGE_EPS`` of the domain to the one before are one point; a point bends the
    output when the slope changes by more than ``_SLOPE_RTOL`` times the largest.

    Exact: float64 throughout, every decision (a sign change, a merge, a bend) made
    on the float64 values, so the kinks are the network's to float64 rounding
    (tests/test_metrics_breakpoints.py: brute force on a fine grid, and a plain
    per-network numpy walk to 1e-12 of the domain with the same counts). Compiled
    per network (:mod:`swarm.metrics._walk`, numba, imported here only): measured for
    issue 23 on the depth-6 width-32 swarm (bench/breakpoints_speed.py), its 60,000
    networks' histogram took 8.7 s of CPU where main's batched torch walk took 27.6
    (~80-110 us per network against ~480), with the same counts in every bin, and
    kinks within 1e-13 of the domain of that walk's on 600 networks. A float32 walk
    was not taken: it used 2.2x
    less CPU than that torch walk, but 6 of 8,600 networks lost or gained a kink
    (kinks closer together than float32 holds apart, signs near 0), and re-walking
    the near-tie networks in float64 sent 91% of them back.
    """
    if act.name == "identity":  # identity units cross zero without bending anything
        return np.zeros(0), np.zeros(flat.shape[0], dtype=np.int64)
    from swarm.metrics import _walk  # numba: only when a deep network is walked

    return _walk.walk(flat, np.asarray(dims, dtype=np.int64), lo, hi, act.name,
                      kind == "output", _MERGE_EPS, _SLOPE_RTOL)


def _closed_form(params) -> bool:
    """Whether ``params`` (``[W0, b0, W1, b1]`` [net, ...] arrays or tensors) are one hidden
    layer of one input and one output, whose kinks have the closed form -b/w."""
    return len(params) == 4 and params[0].shape[-1] == 1 and params[2].shape[-2] == 1


def _dims(params) -> list[int]:
    """The widths of the networks ``params`` ``[W0, b0, W1, ...]`` ([..., out, in] weights):
    the input's, then each layer's output's."""
    return [int(params[0].shape[-1])] + [int(w.shape[-2]) for w in params[0::2]]


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


def _check_kind(kind: str) -> str:
    if kind not in _KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(_KINDS)}, got {kind!r}")
    return kind


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
