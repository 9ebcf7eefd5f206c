"""How training proceeds, per bee: how fast each layer settles, how many weights
are (near) zero, and when a score first reaches a threshold (seed 002).

"Weights" are the weight matrices (not the biases). Every function returns one
value per bee (diverged bees included, NaN where their numbers are not finite);
aggregate with ``rec.live`` to leave the diverged out.
"""
from __future__ import annotations

import numbers

import numpy as np

from swarm.metrics import _common

__all__ = ["layer_convergence", "sparsity", "epochs_to_threshold"]

_DIRECTIONS = ("above", "below")


def layer_convergence(rec, *, relative: bool = False) -> np.ndarray:
    """Per layer, the Frobenius norm of its weights' change between consecutive recorded epochs.

    Entry ``[bee, e, layer]`` is ``|W_e - W_{e-1}|_F`` (layers in ``rec.layer_indices``
    order), with ``relative`` divided by ``|W_{e-1}|_F`` (0 if unchanged, inf if it
    moved from all zeros). Returns float64 [bee, epoch, layer]; entry 0 is NaN (no
    previous epoch), as are non-finite weights. With ``record_every`` > 1 each entry
    spans the epochs between two recorded ones (``rec.epoch``), not one.
    """
    rec = _common.check_recording(rec)
    if not isinstance(relative, (bool, np.bool_)):
        raise ValueError(f"`relative` must be True or False, got {relative!r}")
    out = []
    for w in _common.layer_arrays(rec):
        w = w.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            change = np.sqrt((np.diff(w, axis=1) ** 2).sum(-1))
            if relative:
                size = np.sqrt((w[:, :-1] ** 2).sum(-1))
                change = np.divide(change, size, out=np.where(change > 0, np.inf, 0.0),
                                   where=size > 0)
        finite = np.isfinite(w).all(-1)
        change[~(finite[:, 1:] & finite[:, :-1])] = np.nan
        out.append(np.concatenate([np.full((w.shape[0], 1), np.nan), change], 1))
    return np.stack(out, -1)


def sparsity(rec, tol: float = 1e-3, *, layer=None, relative: bool = False) -> np.ndarray:
    """Share of weights with ``|w| < tol``, per bee and recorded epoch.

    ``layer``: one layer's weights (an index in ``rec.layer_indices``), or None for
    all layers' weights together. With ``relative``, ``tol`` is a share of the
    largest ``|w|`` of those weights (per bee and epoch: a scale-free sparsity, 0
    when all are zero). Returns float64 [bee, epoch] in [0, 1]; NaN where any
    chosen weight is not finite.
    """
    rec = _common.check_recording(rec)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 < tol < np.inf:
        raise ValueError(f"`tol` must be a positive finite number, got {tol!r}")
    if not isinstance(relative, (bool, np.bool_)):
        raise ValueError(f"`relative` must be True or False, got {relative!r}")
    w = np.abs(np.concatenate(_common.layer_arrays(rec, layer), -1))  # [bee, epoch, n]
    finite = np.isfinite(w).all(-1)
    with np.errstate(invalid="ignore"):
        limit = tol * w.max(-1, keepdims=True) if relative else tol
        out = (w < limit).mean(-1, dtype=np.float64)
    out[~finite] = np.nan
    return out


def epochs_to_threshold(rec, key: str = "accuracy", threshold: float = 0.9, *,
                        direction: str = "above") -> np.ndarray:
    """The first recorded epoch at which each bee's ``rec[key]`` reaches ``threshold``.

    Reaching is ``>= threshold`` (``direction="above"``, for accuracies) or
    ``<= threshold`` (``"below"``, for losses); NaN never reaches it. The epoch is
    the training epoch (a value of ``rec.epoch``), so with ``record_every`` > 1 it
    is the first recorded one at or after the crossing. ``threshold`` is compared
    in the array's precision. Returns float64 [bee], NaN for bees that never reach it.
    """
    rec = _common.check_recording(rec)
    shape = (rec.num_bees, rec.num_epochs)
    if not isinstance(key, str) or key not in rec or rec[key].shape != shape:
        keys = [k for k in rec if rec[k].shape == shape]
        raise ValueError(f"`key` must name a [bee, epoch] array of the recording "
                         f"({', '.join(keys)}), got {key!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) \
            or not np.isfinite(threshold):
        raise ValueError(f"`threshold` must be a finite number, got {threshold!r}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"`direction` must be one of {', '.join(map(repr, _DIRECTIONS))}, "
                         f"got {direction!r}")
    values = rec[key]
    if values.dtype.kind == "f":  # compare in the recorded precision: float32 7/10 reaches 0.7
        threshold = values.dtype.type(threshold)
    with np.errstate(invalid="ignore"):
        met = values >= threshold if direction == "above" else values <= threshold
    epochs = rec.epoch.astype(np.float64)
    return np.where(met.any(1), epochs[met.argmax(1)], np.nan)
