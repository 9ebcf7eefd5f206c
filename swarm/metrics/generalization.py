"""Generalization between swarms (seed 004, HW1-3): the straight line from the bees of
one recording to the bees of another, with loss and accuracy on the training and
test data along it.

``metrics.interpolate`` walks between two bees of one recording; ``interpolate_swarms``
pairs bee i of one recording with bee i of another (two training approaches on the
same data, say batch 64 and batch 1,024) and evaluates every pair at every alpha in
one batched forward pass, so the bands across bees come at once.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from swarm._model import losses as _losses, mlp as _mlp
from swarm.metrics import _common
from swarm.metrics.landscape import _data

__all__ = ["interpolate_swarms", "Interpolation"]

_VALUES = 1 << 24  # activations held at once (128 MiB of float64)


class Interpolation(NamedTuple):
    """Along ``(1 - alpha) * bee of rec_a + alpha * bee of rec_b``: float64 [bee, alpha].

    ``accuracy``/``test_*`` are NaN where the recording has no labels / no test data.
    """

    alpha: np.ndarray  # float64 [alpha]
    loss: np.ndarray
    accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray


def interpolate_swarms(rec_a, rec_b, alphas=None, *, bees=None,
                       epoch: int = -1) -> Interpolation:
    """Loss and accuracy between bee i of ``rec_a`` and bee i of ``rec_b`` (seed 004).

    Both recordings must hold the same network (layer shapes, activation, loss) trained
    on the same data. ``alphas`` defaults to 61 steps from -1 to 2 (alpha 0 is
    ``rec_a``'s bee, 1 ``rec_b``'s); ``bees`` picks the pairs (default: every bee
    index both have); ``epoch`` is a position in each recording's recorded epochs.
    The data loss is the recording's own (no l1/l2 penalty), in float64.
    """
    rec_a, rec_b = _common.check_recording(rec_a), _common.check_recording(rec_b)
    act = _common.activation(rec_a)
    _same_network(rec_a, rec_b)
    alphas = np.linspace(-1.0, 2.0, 61) if alphas is None else alphas
    alpha = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
    if alpha.ndim != 1 or alpha.size == 0 or not np.isfinite(alpha).all():
        raise ValueError(f"`alphas` must be finite numbers in one dimension, got {alphas!r}")
    n = min(rec_a.num_bees, rec_b.num_bees)
    pick = np.arange(n) if bees is None else np.atleast_1d(np.asarray(bees))
    if pick.ndim != 1 or pick.dtype.kind not in "iu" or (pick.size and not
                                                          (0 <= pick.min() and pick.max() < n)):
        raise ValueError(f"`bees` must be None or bee indices from 0 to {n - 1} (bees both "
                         f"recordings have), got {bees!r}")
    ea, eb = _common.epoch_index(rec_a, epoch), _common.epoch_index(rec_b, epoch)
    pa = _common.torch_params(rec_a, ea, bees=pick)
    pb = _common.torch_params(rec_b, eb, bees=pick)
    a = torch.as_tensor(alpha)
    # [bee * alpha, ...]: bee-major, so row i * len(alpha) + j is bee i at alpha j
    line = [torch.lerp(p.unsqueeze(1).expand((p.shape[0], a.numel()) + p.shape[1:]),
                       q.unsqueeze(1), a.reshape((1, -1) + (1,) * (p.ndim - 1)))
            .reshape((-1,) + p.shape[1:]) for p, q in zip(pa, pb)]
    shape = (pick.size, alpha.size)
    classify = rec_a.task == "classification"
    has_test = "x_test" in rec_a and len(rec_a["x_test"]) > 0
    loss, acc = _evaluate(rec_a, act, line, test=False, classify=classify)
    test_loss, test_acc = (_evaluate(rec_a, act, line, test=True, classify=classify)
                           if has_test else (np.full(pick.size * alpha.size, np.nan),) * 2)
    return Interpolation(alpha, *(v.reshape(shape) for v in (loss, acc, test_loss, test_acc)))


def _evaluate(rec, act, params, *, test: bool, classify: bool):
    """Loss and accuracy (NaN unless ``classify``) of the stacked nets ``params``: [net] each."""
    x, y, loss_name = _data(rec, test=test)
    loss_fn = _losses.get(loss_name).value
    nets = params[0].shape[0]
    widest = max(p.shape[1] for p in params[0::2])
    step = max(1, _VALUES // (widest * x.shape[-1]))
    loss, acc = np.empty(nets), np.full(nets, np.nan)
    with torch.no_grad():
        for start in range(0, nets, step):
            chunk = [p[start:start + step] for p in params]
            out = _mlp.forward(chunk, x, act)
            loss[start:start + step] = loss_fn(out, y).numpy()
            if classify:
                acc[start:start + step] = _losses.accuracy(out, y).numpy()
    return loss, acc


def _same_network(rec_a, rec_b) -> None:
    """A ``ValueError`` unless both recordings hold the same network on the same data."""
    shapes = [[rec.weights(k).shape[2:] for k in rec.layer_indices] for rec in (rec_a, rec_b)]
    if shapes[0] != shapes[1]:
        raise ValueError(f"`rec_b` must hold the same network as `rec_a`; its weight shapes "
                         f"are {shapes[1]}, `rec_a`'s {shapes[0]}")
    spec_a, spec_b = (rec.meta.get("spec", {}) for rec in (rec_a, rec_b))
    for key in ("activation", "loss"):
        if spec_a.get(key) != spec_b.get(key):
            raise ValueError(f"`rec_b` must use `rec_a`'s {key} {spec_a.get(key)!r}, "
                             f"got {spec_b.get(key)!r}")
    if not (np.array_equal(rec_a.x, rec_b.x) and np.array_equal(rec_a.y, rec_b.y)):
        raise ValueError("`rec_b` must be trained on `rec_a`'s data (x and y differ)")
