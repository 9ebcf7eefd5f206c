"""What the metric modules share: argument checks at the public boundary, the
network of a Recording as stacked torch parameters, and masked aggregates that
never warn on empty or all-NaN data."""
from __future__ import annotations

import math

import numpy as np
import torch

from swarm._model import activations as _act
from swarm._facts import PIECEWISE_LINEAR
from swarm.recording import Recording

__all__ = ["check_recording", "epoch_index", "epoch_indices", "kept_bees", "one_input",
           "activation",
           "domain", "layer_arrays", "torch_params", "histogram_rows", "bin_edges",
           "masked_mean", "to_numpy"]


def check_recording(rec) -> Recording:
    if not isinstance(rec, Recording):
        raise ValueError(f"`rec` must be a swarm Recording, got {type(rec).__name__}")
    return rec


def epoch_index(rec: Recording, epoch) -> int:
    """A position in the recorded epochs (negative counts from the end), checked."""
    n = rec.num_epochs
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not -n <= epoch < n:
        raise ValueError(f"`epoch` must be a position in the {n} recorded epochs "
                         f"({-n}..{n - 1}), got {epoch!r}")
    return int(epoch) % n


def epoch_indices(rec: Recording, epochs) -> np.ndarray:
    """Positions of recorded epochs from None (all), a slice, or integers/mask, checked."""
    n = rec.num_epochs
    if epochs is None:
        return np.arange(n)
    if isinstance(epochs, slice):
        return np.arange(n)[epochs]
    arr = np.atleast_1d(np.asarray(epochs))
    if arr.dtype == bool and arr.shape == (n,):
        return np.flatnonzero(arr)
    if arr.ndim != 1 or arr.dtype.kind not in "iu" or (arr.size and not
                                                         (-n <= arr.min() and arr.max() < n)):
        raise ValueError(f"`epochs` must be None, a slice, a boolean mask or positions in the "
                         f"{n} recorded epochs, got {epochs!r}")
    return arr.astype(np.int64) % n


def kept_bees(rec: Recording) -> np.ndarray:
    """Boolean [bee]: the bees that did not diverge, the ones aggregates use (``rec.live``)."""
    return rec.live


def one_input(rec: Recording, what: str) -> None:
    """A ``ValueError`` unless the recording's networks take one input (a 1-D target)."""
    inputs = rec.meta.get("spec", {}).get("inputs", 1)
    if inputs != 1:
        name = rec.meta.get("dataset", {}).get("name", "a dataset")
        raise ValueError(f"{what} are defined for networks of one input (1-D targets); this "
                         f"recording's take {inputs} ({name!r})")


def activation(rec: Recording, *, piecewise_linear: bool = False) -> _act.Activation:
    """The recording's activation; the built-in MLP is required (not a custom model).
    With ``piecewise_linear`` also one input: what breakpoints need."""
    if piecewise_linear:
        one_input(rec, "breakpoints")
    spec = rec.meta.get("spec", {})
    if spec.get("model"):
        raise ValueError(f"this needs the built-in MLP; the run trained the custom model "
                         f"{spec['model']!r}")
    name = spec.get("activation")
    if name is None:
        raise ValueError("`rec` has no activation in meta['spec']['activation']")
    act = _act.get(name)
    if piecewise_linear and not rec.piecewise_linear:
        pl = ", ".join(k for k in _act.ACTIVATIONS if k in PIECEWISE_LINEAR)
        raise ValueError(f"breakpoints are defined for piecewise-linear activations ({pl}); "
                         f"this run uses {name!r}")
    return act


def domain(rec: Recording, value=None) -> tuple[float, float]:
    """(lo, hi): ``value`` when given, else the span of the training inputs ``x``."""
    if value is None:
        return float(np.min(rec.x)), float(np.max(rec.x))
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"`domain` must be a pair (lo, hi) of finite numbers with lo < hi, "
                         f"got {value!r}")
    return lo, hi


def layer_arrays(rec: Recording, layer=None, *, biases: bool = False) -> list[np.ndarray]:
    """Each chosen layer's weights (then bias, with ``biases``) flattened to [bee, epoch, n]."""
    layers = rec.layer_indices
    if layer is not None:
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) \
                or layer not in layers:
            raise ValueError(f"`layer` must be None (all) or one of {layers}, got {layer!r}")
        layers = [int(layer)]
    out = []
    for k in layers:
        w = rec.weights(k)
        out.append(w.reshape(w.shape[:2] + (math.prod(w.shape[2:]),)))
        if biases:
            out.append(rec.biases(k))
    return out


def torch_params(rec: Recording, epoch: int, bees=None, dtype=torch.float64) -> list[torch.Tensor]:
    """The stacked parameters [W0, b0, W1, b1, ...] of one recorded epoch, [bee, ...] each."""
    sel = slice(None) if bees is None else bees
    out = []
    for k in rec.layer_indices:
        out.append(torch.as_tensor(rec.weights(k)[sel, epoch], dtype=dtype))
        out.append(torch.as_tensor(rec.biases(k)[sel, epoch], dtype=dtype))
    return out


def bin_edges(bins, lo: float, hi: float) -> np.ndarray:
    """Edges from a bin count over [lo, hi] or from given increasing edges."""
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if bins < 1:
            raise ValueError(f"`bins` must be a positive integer or increasing edges, got {bins!r}")
        if not hi > lo:  # all values equal: a unit-wide bin around them, as numpy does
            lo, hi = lo - 0.5, hi + 0.5
        return np.linspace(lo, hi, int(bins) + 1)
    try:
        edges = np.asarray(bins, dtype=np.float64)
    except (TypeError, ValueError):
        edges = np.zeros(0)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) \
            or not np.all(np.diff(edges) > 0):
        raise ValueError(f"`bins` must be a positive integer or at least two increasing finite "
                         f"edges, got {bins!r}")
    return edges


def histogram_rows(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts int64 [row, bin] of ``values`` [row, ...] with shared ``edges``; NaN ignored.

    np.histogram's rule (the last bin includes its right edge). One C pass per
    row: faster than any single vectorised pass over all rows, whose
    temporaries outgrow the caches. Equal bins (edges from ``np.linspace``)
    take numpy's arithmetic path, which gives the same counts as a search.
    """
    bins = edges.size - 1
    uniform = np.array_equal(edges, np.linspace(edges[0], edges[-1], bins + 1))
    spec = dict(bins=bins, range=(edges[0], edges[-1])) if uniform else dict(bins=edges)
    counts = np.zeros((values.shape[0], bins), dtype=np.int64)
    for row in range(values.shape[0]):
        counts[row] = np.histogram(values[row].ravel(), **spec)[0]
    return counts


def masked_mean(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Mean over ``axis`` of the finite entries; NaN (no warning) where there are none."""
    ok = np.isfinite(values)
    total = np.where(ok, values, 0.0).sum(axis)
    count = ok.sum(axis)
    return np.divide(total, count, out=np.full(np.shape(total), np.nan), where=count > 0)


def to_numpy(a) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        return a.detach().cpu().numpy()
    return np.asarray(a)
