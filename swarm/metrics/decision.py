"""What a classification swarm decides on the plane and on its test split.

Pure functions of a dataset Recording, batched over bees and pixels through the
model layer (no Python loop over bees; bees go in chunks so a 500-bee swarm on
a 96x96 grid never holds more than a few MB of activations):

- ``plane_grid``: pixel centres covering a 2-D dataset's points.
- ``grid_predictions``: every bee's predicted class at every grid pixel, one epoch.
- ``vote_map``: per pixel, how many live bees predict each class.
- ``boundary_density``: per pixel, how many bees' class changes to a neighbour.
- ``decision_maps``: both at many epochs, kept as small integer maps per frame.
- ``unit_lines`` / ``line_heights``: the first layer's ReLU lines
  ``w1*x1 + w2*x2 + b = 0`` of every bee (``swarm.panels.units`` rasterises them).
- ``majority_confusion``: the confusion matrix of the swarm's majority vote.
"""
from __future__ import annotations

import numpy as np
import torch

from swarm._model import mlp as _mlp
from swarm._threads import map_cores
from swarm.metrics._common import activation, check_recording, epoch_index, epoch_indices

__all__ = ["plane_grid", "grid_predictions", "vote_map", "boundary_density", "decision_maps",
           "unit_lines", "line_heights", "majority_confusion", "predict_classes",
           "predict_values"]

_CHUNK_FLOATS = 1 << 22  # hidden activations per chunk of bees (16 MB of float32)


def _two_inputs(rec, what: str) -> None:
    inputs = int((rec.meta.get("spec") or {}).get("inputs", 1))
    if inputs != 2:
        raise ValueError(f"{what} needs a 2-D dataset (2 inputs); this recording's networks take "
                         f"{inputs}")


def plane_grid(x, size: int = 96, pad: float = 0.08) -> tuple[np.ndarray, np.ndarray]:
    """Pixel centres (xs [size], ys [size]) of a square-pixel-free grid over points ``x``
    [sample, 2], each axis padded by ``pad`` of its span. float64."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"`size` must be an integer >= 2, got {size!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"`x` must be [sample, 2], got shape {x.shape}")
    out = []
    for col in x.T:
        lo, hi = float(col.min()), float(col.max())
        margin = pad * (hi - lo) if hi > lo else 1.0
        edges = np.linspace(lo - margin, hi + margin, int(size) + 1)
        out.append((edges[:-1] + edges[1:]) / 2)
    return out[0], out[1]


def _params(rec, epoch: int, bees) -> list[torch.Tensor]:
    out = []
    for k in rec.layer_indices:
        out.append(torch.as_tensor(np.asarray(rec.weights(k)[bees, epoch], np.float32)))
        out.append(torch.as_tensor(np.asarray(rec.biases(k)[bees, epoch], np.float32)))
    return out


def predict_classes(rec, epoch: int, points, bees=None) -> np.ndarray:
    """Each bee's predicted class (argmax of its outputs) at ``points`` [point, feature]
    at recorded epoch position ``epoch``: uint8 [bee, point] (up to 256 classes)."""
    parts = _bee_scores(rec, epoch, points, bees, lambda scores: _argmax_outputs(scores).numpy())
    if not parts:  # no bees
        return np.empty((0, len(points)), np.uint8)
    return np.concatenate(parts).astype(np.uint8, copy=False)


def predict_values(rec, epoch: int, points, bees=None) -> np.ndarray:
    """Each bee's outputs at ``points`` [point, feature] at recorded epoch position ``epoch``
    (a regression's predictions, in the units it was trained in): float32 [bee, point, out]."""
    parts = _bee_scores(rec, epoch, points, bees, lambda scores: scores.transpose(1, 2).numpy())
    return np.concatenate(parts).astype(np.float32, copy=False)


def _bee_scores(rec, epoch: int, points, bees, keep) -> list:
    """``keep`` of the outputs [bee, out, point] of ``bees`` (default all) at ``points``
    [point, feature] at recorded epoch position ``epoch``, a chunk of bees at a time (in
    order; the chunks share out the cores)."""
    check_recording(rec)
    act = activation(rec)
    epoch = epoch_index(rec, epoch)
    bees = np.arange(rec.num_bees) if bees is None else np.asarray(bees)
    points = torch.as_tensor(np.asarray(points, np.float32).T[None].copy())  # [1, feature, point]
    width = max([rec.weights(k).shape[-2] for k in rec.layer_indices] + [1])
    chunk = max(1, _CHUNK_FLOATS // max(width * points.shape[-1], 1))

    def one(start: int):
        with torch.no_grad():
            return keep(_scores(_params(rec, epoch, bees[start:start + chunk]), points, act))

    return map_cores(one, range(0, len(bees), chunk))


def _scores(params, points: torch.Tensor, act) -> torch.Tensor:
    """Outputs [bee, out, point] of the stacked MLP ``params`` at shared ``points`` [1, feature, point].

    Two inputs: the first layer is two broadcast multiplies (a K=2 matmul runs ~5x
    slower on CPU); the rest is :func:`swarm._model.mlp.forward`."""
    if points.shape[1] != 2:
        return _mlp.forward(params, points, act)
    w, b = params[0], params[1]
    pre = torch.mul(w[:, :, :1], points[:, :1]).add_(b.unsqueeze(-1))
    pre.addcmul_(w[:, :, 1:2], points[:, 1:2])
    if len(params) == 2:
        return pre
    hidden = act.fn(pre) if act.fn_ is None else act.fn_(pre)
    return _mlp.forward(params[2:], hidden, act)


def _argmax_outputs(scores: torch.Tensor) -> torch.Tensor:
    """argmax over the output axis of [bee, out, point] (first of ties, as argmax), one
    comparison per class (argmax over a strided middle axis is ~10x slower); one output:
    its sign."""
    if scores.shape[1] == 1:
        return scores[:, 0] > 0
    best, pred = scores[:, 0], torch.zeros(scores[:, 0].shape, dtype=torch.uint8)
    for c in range(1, scores.shape[1]):
        better = scores[:, c] > best
        pred[better] = c
        best = torch.maximum(best, scores[:, c])
    return pred


def grid_predictions(rec, epoch: int, xs, ys, bees=None) -> np.ndarray:
    """Each bee's predicted class on the grid ``xs`` [col] x ``ys`` [row]: [bee, row, col]."""
    _two_inputs(rec, "a grid over the plane")
    gx, gy = np.meshgrid(np.asarray(xs, np.float64), np.asarray(ys, np.float64))
    pred = predict_classes(rec, epoch, np.stack([gx.ravel(), gy.ravel()], 1), bees)
    return pred.reshape(len(pred), len(ys), len(xs))


def vote_map(pred: np.ndarray, num_classes: int) -> np.ndarray:
    """How many bees predict each class at each pixel: uint16 [class, ...] from ``pred`` [bee, ...]."""
    pred = np.asarray(pred)
    counts = np.zeros((int(num_classes),) + pred.shape[1:], np.uint16)
    for c in range(int(num_classes)):  # a loop over classes; bees are summed in one pass
        counts[c] = (pred == c).sum(0, dtype=np.uint16)
    return counts


def boundary_density(pred: np.ndarray) -> np.ndarray:
    """Per pixel, how many bees predict another class at its right or lower neighbour:
    uint16 [row, col] from ``pred`` [bee, row, col] (the last row and column compare
    only within the grid)."""
    pred = np.asarray(pred)
    change = np.zeros(pred.shape, bool)
    change[:, :, :-1] |= pred[:, :, 1:] != pred[:, :, :-1]
    change[:, :-1, :] |= pred[:, 1:, :] != pred[:, :-1, :]
    return change.sum(0, dtype=np.uint16)


def decision_maps(rec, epochs=None, size: int = 96, bees=None) -> dict:
    """Vote maps and boundary densities of ``bees`` (default: at each epoch, the bees that
    had not diverged by then, ``rec.live_by_epoch``) at ``epochs`` (positions, default all)
    on :func:`plane_grid` of the training points.

    Returns ``xs`` [col], ``ys`` [row], ``votes`` uint16 [frame, class, row, col],
    ``boundary`` uint16 [frame, row, col] and ``bees`` int64 [frame] (how many voted).
    An epoch at a time on each core: only these integer maps are kept.
    """
    check_recording(rec)
    _two_inputs(rec, "decision maps")
    index = epoch_indices(rec, epochs)
    live = rec.live_by_epoch if bees is None else None
    xs, ys = plane_grid(rec.x, size)
    classes = max(2, rec.weights(rec.layer_indices[-1]).shape[-2])
    votes = np.zeros((len(index), classes, len(ys), len(xs)), np.uint16)
    boundary = np.zeros((len(index), len(ys), len(xs)), np.uint16)
    voters = np.zeros(len(index), np.int64)
    def one(f: int) -> None:  # each epoch fills its own rows: the epochs share out the cores
        chosen = np.flatnonzero(live[:, index[f]]) if bees is None else np.asarray(bees)
        voters[f] = len(chosen)
        if len(chosen):
            pred = grid_predictions(rec, int(index[f]), xs, ys, chosen)
            votes[f] = vote_map(pred, classes)
            boundary[f] = boundary_density(pred)

    map_cores(one, range(len(index)))
    return {"xs": xs, "ys": ys, "votes": votes, "boundary": boundary, "bees": voters}


def unit_lines(rec, bees=None) -> tuple[np.ndarray, np.ndarray]:
    """The first layer's lines ``w[..., 0]*x1 + w[..., 1]*x2 + b = 0``: (w float64
    [bee, epoch, unit, 2], b [bee, epoch, unit]) of ``bees`` (default all)."""
    check_recording(rec)
    _two_inputs(rec, "first-layer lines")
    first = rec.layer_indices[0]
    sel = slice(None) if bees is None else np.asarray(bees)
    return (np.asarray(rec.weights(first)[sel], np.float64),
            np.asarray(rec.biases(first)[sel], np.float64))


def line_heights(w: np.ndarray, b: np.ndarray, x) -> np.ndarray:
    """x2 of the lines ``w`` [..., 2], ``b`` [...] at ``x`` [point]: [..., point]
    (nearly vertical lines get huge finite values, which rasterise as vertical)."""
    w2 = np.where(np.abs(w[..., 1]) < 1e-12, 1e-12, w[..., 1])
    return -(w[..., 0, None] * np.asarray(x, np.float64) + b[..., None]) / w2[..., None]


def majority_confusion(rec, epoch: int = -1, split: str = "test") -> np.ndarray:
    """Confusion matrix int64 [true class, predicted class] of the majority vote of the bees
    not diverged by recorded epoch position ``epoch``, on the ``split`` ("test" or "train")
    samples (ties go to the lower class)."""
    check_recording(rec)
    if split not in ("test", "train"):
        raise ValueError(f"`split` must be 'test' or 'train', got {split!r}")
    x, y = (rec["x_test"], rec["y_test"]) if split == "test" else (rec.x, rec.y)
    classes = max(2, rec.weights(rec.layer_indices[-1]).shape[-2])
    epoch = epoch_index(rec, epoch)
    pred = predict_classes(rec, epoch, x, np.flatnonzero(rec.live_by_epoch[:, epoch]))
    majority = vote_map(pred, classes).argmax(0)
    out = np.zeros((classes, classes), np.int64)
    np.add.at(out, (np.asarray(y, np.int64), majority), 1)
    return out
