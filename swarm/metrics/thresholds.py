"""The seed toolkit's metric helpers: a per-bee loss and when a score crosses a threshold.

``iteration_threshold`` answers "at which epoch did the loss first drop below
1e-3" (``criterion="first"``) or "from which epoch on did it stay below"
(``"always"``). Scores [epoch] give an index or None; batched scores
[..., epoch] give an int array [...] with -1 where the threshold is never met.
"""
from __future__ import annotations

import numpy as np
import torch

from swarm.metrics._common import to_numpy

__all__ = ["mse_loss", "iteration_threshold", "iteration_threshold_ratio"]

_CRITERIA = ("first", "always")
_DIRECTIONS = ("below", "above")


def mse_loss(preds, y):
    """Mean squared error over the last axis: preds [..., point], y [point] -> [...].

    Works on numpy arrays and torch tensors (a tensor in gives a tensor out).
    """
    if isinstance(preds, torch.Tensor) or isinstance(y, torch.Tensor):
        preds, y = torch.as_tensor(preds), torch.as_tensor(y)
        return ((preds - y) ** 2).mean(-1)
    return ((np.asarray(preds) - np.asarray(y)) ** 2).mean(-1)


def iteration_threshold(scores, threshold, criterion: str = "first", direction: str = "below"):
    """The first index where ``scores`` is strictly below (or above) ``threshold``.

    ``criterion="always"``: the first index from which the scores stay below
    (above) to the end. ``scores`` [epoch] -> int or None when never met;
    ``scores`` [..., epoch] -> int64 [...] with -1 when never met. NaN never meets it.
    """
    _check_choice("criterion", criterion, _CRITERIA)
    _check_choice("direction", direction, _DIRECTIONS)
    scores = np.asarray(to_numpy(scores), dtype=np.float64)
    if scores.ndim == 0 or scores.shape[-1] == 0:
        raise ValueError(f"`scores` must have at least one iteration on its last axis, "
                         f"got shape {scores.shape}")
    threshold = np.asarray(to_numpy(threshold), dtype=np.float64)
    if threshold.ndim and scores.ndim > 1:
        threshold = threshold[..., None]  # one threshold per row
    met = scores < threshold if direction == "below" else scores > threshold
    if criterion == "always":  # met from here to the end
        met = np.logical_and.accumulate(met[..., ::-1], axis=-1)[..., ::-1]
    index = np.where(met.any(-1), met.argmax(-1), -1)
    if scores.ndim == 1:
        return None if index < 0 else int(index)
    return index.astype(np.int64)


def iteration_threshold_ratio(scores, threshold, criterion: str = "first",
                              direction: str = "below", reference_iteration: int = 0):
    """:func:`iteration_threshold` with ``threshold`` a ratio of ``scores[reference_iteration]``.

    E.g. ``threshold=0.1`` finds when the loss fell below a tenth of its start.
    Raises ``ValueError`` when the scores cross zero (a ratio means nothing then).
    """
    arr = np.asarray(to_numpy(scores), dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"`scores` must have at least one iteration on its last axis, "
                         f"got shape {arr.shape}")
    n = arr.shape[-1]
    if isinstance(reference_iteration, bool) or not isinstance(reference_iteration,
                                                               (int, np.integer)) \
            or not -n <= reference_iteration < n:
        raise ValueError(f"`reference_iteration` must be an index into the {n} iterations, "
                         f"got {reference_iteration!r}")
    ok = np.isfinite(arr)
    crosses = (np.min(arr, -1, initial=np.inf, where=ok) < 0) & \
              (np.max(arr, -1, initial=-np.inf, where=ok) > 0)
    if np.any(crosses):
        raise ValueError("`scores` cross zero, so a threshold as a ratio of "
                         f"scores[{reference_iteration}] is meaningless; use iteration_threshold")
    reference = arr[..., reference_iteration]
    return iteration_threshold(arr, threshold * reference, criterion, direction)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, choices))}, got {value!r}")
