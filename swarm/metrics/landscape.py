"""The loss landscape around trained bees (seed 004, HW1-2 and HW1-3).

``minimal_ratio``: the fraction of positive Hessian eigenvalues of the training
loss at a bee's weights (1 at a strict minimum). ``sensitivity``: how much the
loss reacts to its inputs. ``interpolate``: the loss along the straight line
between two bees. All use the recording's own activation and loss on its x, y
(the data loss, without any l1/l2 penalty) in float64.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from swarm._model import losses as _losses, mlp as _mlp
from swarm._threads import cores, map_cores
from swarm.metrics import _common, _hessian

__all__ = ["minimal_ratio", "sensitivity", "interpolate", "MinimalRatio"]

_HESSIAN_VALUES = 1 << 24  # Hessian entries held at once over all threads (128 MiB of float64)
_HESSIAN_BEES = 64  # bees per chunk at most (fewer where their per-sample factors outgrow
# swarm.metrics._hessian's budget)


class MinimalRatio(NamedTuple):
    """Per bee: the minimal ratio, the loss, and the Hessian's eigenvalues (ascending)."""

    ratio: np.ndarray  # float64 [bee]
    loss: np.ndarray  # float64 [bee]
    eigenvalues: np.ndarray  # float64 [bee, parameter]


def minimal_ratio(rec, epoch: int = -1, *, rtol: float = 1e-6) -> MinimalRatio:
    """Fraction of the loss Hessian's eigenvalues above ``rtol`` x its largest |eigenvalue|.

    The Hessian is over all parameters of each bee at the recorded ``epoch``
    (a position in the recorded epochs), exact and written out per layer pair
    (``swarm.metrics._hessian``: batched matmuls over bees and samples, in place
    of one double-backward pass per parameter). Bees with non-finite weights
    give NaN.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec)
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 <= rtol < 1:
        raise ValueError(f"`rtol` must be a number in [0, 1), got {rtol!r}")
    params = _common.torch_params(rec, _common.epoch_index(rec, epoch))
    flat = torch.cat([p.reshape(p.shape[0], -1) for p in params], 1)  # [bee, parameter]
    n, size = flat.shape
    eig = torch.full((n, size), float("nan"), dtype=torch.float64)
    loss = torch.full((n,), float("nan"), dtype=torch.float64)
    ok = torch.isfinite(flat).all(1).nonzero()[:, 0]
    if ok.numel():
        # chunks of bees on one thread per core: a chunk's tensors stay in cache, and the
        # many small matmuls keep no intra-op barrier (see swarm._threads)
        x, y, loss_name = _data(rec)
        loss_fn = _losses.get(loss_name)
        step = max(1, min(_HESSIAN_BEES, _HESSIAN_VALUES // (size * size * cores()),
                          _hessian.bees_at_once(params, x.shape[-1])))
        chunks = ok.split(step)

        def one(chunk):
            return _hessian.eigenvalues(_stacked(params, flat[chunk]), x, y, act, loss_fn)

        for chunk, (values, value) in zip(chunks, map_cores(one, chunks)):
            eig[chunk], loss[chunk] = values, value
    top = eig.abs().amax(1, keepdim=True)
    ratio = (eig > rtol * top).double().mean(1)
    ratio = torch.where(torch.isfinite(top[:, 0]), ratio, float("nan"))
    return MinimalRatio(ratio.numpy(), loss.numpy(), eig.numpy())


def _stacked(params, flat: torch.Tensor) -> list[torch.Tensor]:
    """``flat`` [bee, parameter] cut into the shapes of ``params`` [W0, b0, ...] (bees of flat)."""
    sizes = [math.prod(p.shape[1:]) for p in params]
    return [piece.reshape((flat.shape[0],) + p.shape[1:])
            for piece, p in zip(flat.split(sizes, 1), params)]


def sensitivity(rec, epoch: int = -1) -> np.ndarray:
    """Per bee, the L2 norm of d loss / d x over the training inputs: float64 [bee].

    Seed 004's cheap stand-in for the Jacobian norm: large when a small shift of
    the inputs changes the loss a lot.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec)
    params = _common.torch_params(rec, _common.epoch_index(rec, epoch))
    x, y, loss_name = _data(rec)
    per_bee = (params[0].shape[0],) + (x.shape if x.dim() == 1 else x.shape[1:])
    xb = x.expand(per_bee).clone().requires_grad_(True)
    loss = _losses.get(loss_name).value(_mlp.forward(params, xb, act), y)
    (grad,) = torch.autograd.grad(loss.sum(), xb)  # bee i's loss depends on row i only
    return torch.linalg.vector_norm(grad.flatten(1), dim=1).numpy()


def interpolate(rec, bee_a: int, bee_b: int, alphas=None, *, epoch: int = -1) -> np.ndarray:
    """Loss of the weights (1 - alpha) * bee_a + alpha * bee_b: float64 [alpha].

    ``alphas`` defaults to 61 steps from -1 to 2 (seed 004's flatness plot);
    alpha 0 is bee_a, alpha 1 bee_b, both at the recorded ``epoch``.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec)
    for name, bee in (("bee_a", bee_a), ("bee_b", bee_b)):
        if isinstance(bee, bool) or not isinstance(bee, (int, np.integer)) \
                or not 0 <= bee < rec.num_bees:
            raise ValueError(f"`{name}` must be a bee index from 0 to {rec.num_bees - 1}, "
                             f"got {bee!r}")
    alphas = np.linspace(-1.0, 2.0, 61) if alphas is None else alphas
    alpha = torch.as_tensor(np.atleast_1d(np.asarray(alphas, dtype=np.float64)))
    if alpha.ndim != 1 or not torch.isfinite(alpha).all():
        raise ValueError(f"`alphas` must be finite numbers in one dimension, got {alphas!r}")
    params = _common.torch_params(rec, _common.epoch_index(rec, epoch), bees=[bee_a, bee_b])
    line = [torch.lerp(p[0].expand((alpha.numel(),) + p.shape[1:]), p[1],
                       alpha.reshape((-1,) + (1,) * (p.ndim - 1))) for p in params]
    x, y, loss_name = _data(rec)
    return _losses.get(loss_name).value(_mlp.forward(line, x, act), y).numpy()


def _data(rec, test: bool = False):
    """x, y in the model layer's layouts (floats as float64) and the recording's loss name.

    A 1-D target's x, y [point]; a dataset's x [1, feature, sample] and y as its loss
    takes it (labels [1, sample] or values [1, out, sample]); with ``test`` its
    ``x_test``, ``y_test``.
    """
    spec = rec.meta.get("spec", {})
    loss_name = spec.get("loss", "mse")
    task = spec.get("task", "target")
    if task == "target":
        return (torch.as_tensor(rec.x, dtype=torch.float64),
                torch.as_tensor(rec.y, dtype=torch.float64), loss_name)
    x, y = (rec["x_test"], rec["y_test"]) if test else (rec.x, rec.y)
    y = _losses.target_rows(_losses.get(loss_name), torch.tensor(y), task, spec["outputs"])
    y = _losses.sample_last(y.double() if y.is_floating_point() else y)
    return _losses.sample_last(torch.tensor(x, dtype=torch.float64)), y, loss_name
