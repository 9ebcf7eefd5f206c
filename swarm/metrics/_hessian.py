"""The exact Hessian of the built-in MLP's data loss, written out and batched over bees.

The net is z_k = W_k a_k + b_k, a_{k+1} = act(z_k), predictions f = z_{L-1}, and the
loss a mean over samples of a per-sample term ell(f_s) (every loss in
``swarm._model.losses`` is). Its second derivative over all parameters theta is a sum
over the graph's non-linear steps of J^T (the step's second derivative times its
adjoint) J, each summed over the samples s:

- the loss:        J_{L-1}^T ell'' J_{L-1};
- each activation: J_k^T diag(abar_{k+1} act''(z_k)) J_k  (zero for the ReLU family);
- each product W_k a_k (bilinear): delta_k[i] d a_k[j] / d theta in the rows of
  W_k[i, j] against the earlier layers' columns, and its transpose,

with J_k = dz_k / dtheta (forward-propagated over the layers up to k), delta_k =
dloss / dz_k and abar_k = dloss / da_k from the ordinary backward pass. Everything is a
batched matmul over [bee, unit, sample] in float64, in chunks of samples whose sums
add up. The scalar derivatives act', act'' and the per-sample ell', ell'' come from
autograd on [bee, unit, sample] elementwise (on [bee, out, sample] for the loss), so
every activation and loss of the model layer is covered with autograd's own
conventions at kinks (relu''(0) = 0, huber's edge, softplus's threshold).
"""
from __future__ import annotations

import math

import torch

from swarm._model import mlp as _mlp
from swarm._model.activations import Activation
from swarm._model.losses import Loss

__all__ = ["hessians", "bees_at_once"]

Tensor = torch.Tensor
_JACOBIAN_VALUES = 1 << 20  # entries of one layer's Jacobian chunk [bee, unit, sample, column]


def hessians(params: list[Tensor], x: Tensor, y: Tensor, act: Activation,
             loss: Loss) -> tuple[Tensor, Tensor]:
    """Each bee's loss Hessian float64 [bee, parameter, parameter] and loss [bee].

    ``params`` [W0, b0, W1, b1, ...] float64 with a leading bee axis; ``x``, ``y``
    in the model layer's layouts (a 1-D target's [point]; a dataset's [1, feature,
    sample] and its loss's target). Parameters are ordered as the flattened list
    (each W row-major, then its b), as ``torch.cat`` of the flattened params.
    """
    flat = x.dim() < 3
    layers = len(params) // 2
    bees = params[0].shape[0]
    a = x.reshape(1, 1, -1) if flat else x  # [1 or bee, in, sample]
    inputs, slopes, curves = [], [], []
    for k in range(layers):
        inputs.append(a)
        z = _mlp.forward(params[2 * k:2 * k + 2], a, act)  # one layer: its pre-activation
        if k < layers - 1:
            a, slope, curve = _activation_derivatives(act, z)
            slopes.append(slope)
            curves.append(curve)
    value, grad, curvature = _loss_derivatives(loss, z, y, flat)
    deltas = [None] * layers  # dloss / dz_k [bee, unit, sample]
    bends = [None] * (layers - 1)  # abar_{k+1} act''(z_k), None where act'' is zero
    deltas[-1] = grad
    for k in range(layers - 1, 0, -1):
        up = torch.bmm(params[2 * k].transpose(1, 2), deltas[k])  # abar_k
        deltas[k - 1] = up * slopes[k - 1]
        bends[k - 1] = None if curves[k - 1] is None else up * curves[k - 1]

    starts = _starts(params)
    size = starts[-1]
    samples = deltas[-1].shape[-1]
    step = max(1, min(samples, _JACOBIAN_VALUES // (bees * _widest(params))))
    hess = torch.zeros(bees, size, size, dtype=torch.float64)
    for lo in range(0, samples, step):
        part = slice(lo, lo + step)
        _add_samples(hess, params, starts, [a[..., part] for a in inputs],
                     [s[..., part] for s in slopes],
                     [None if b is None else b[..., part] for b in bends],
                     [d[..., part] for d in deltas],
                     None if curvature is None else curvature[..., part])
    return hess, value


def bees_at_once(params: list[Tensor], samples: int) -> int:
    """How many bees' Jacobians over all ``samples`` fit the chunk budget (at least 1):
    chunks of whole bees over all samples ran fastest (fewer, bigger matmuls)."""
    return max(1, _JACOBIAN_VALUES // (samples * _widest(params)))


def _starts(params: list[Tensor]) -> list[int]:
    """Q_k: the first column of layer k's parameters, for k = 0 .. layers (the last: P)."""
    sizes = [math.prod(p.shape[1:]) for p in params]
    return [sum(sizes[:2 * k]) for k in range(len(params) // 2 + 1)]


def _widest(params: list[Tensor]) -> int:
    """The most values one bee's Jacobian dz_k / dtheta holds per sample, over the layers."""
    starts = _starts(params)
    return max(params[2 * k].shape[1] * starts[k + 1] for k in range(len(params) // 2))


def _add_samples(hess, params, starts, inputs, slopes, bends, deltas, curvature) -> None:
    """Add one chunk of samples' terms to ``hess`` [bee, P, P] (all per-sample tensors
    are that chunk's [.., sample] slices)."""
    bees = hess.shape[0]
    samples = deltas[0].shape[-1]
    grads = None  # d a_k / dtheta over the columns before layer k: [bee, in, sample, Q_k]
    for k in range(len(params) // 2):
        weight = params[2 * k]
        n_out, n_in = weight.shape[1:]
        q, end = starts[k], starts[k + 1]
        jac = torch.empty(bees, n_out, samples, end, dtype=torch.float64)  # dz_k / dtheta
        _own_columns(jac[..., q:].zero_(), inputs[k])
        if grads is not None:
            earlier = torch.bmm(weight, grads.view(bees, n_in, -1))
            jac[..., :q] = earlier.view(bees, n_out, samples, q)
            # the product W_k a_k: delta_k[i] d a_k[j] in rows W_k[i, j], columns < Q_k
            cross = torch.stack([torch.bmm(deltas[k], grads[:, j]) for j in range(n_in)], 2)
            cross = cross.view(bees, n_out * n_in, q)  # one bmm per j: no copy of grads
            hess[:, q:q + n_out * n_in, :q] += cross
            hess[:, :q, q:q + n_out * n_in] += cross.transpose(1, 2)
        if k == len(params) // 2 - 1:
            if curvature is not None:  # ell'' [bee, out, out, sample] between J^T and J
                bent = sum(curvature[:, :, o, :, None] * jac[:, o, None] for o in range(n_out))
                _add_gram(hess, jac, bent)
        else:
            if bends[k] is not None:
                _add_gram(hess, jac, jac * bends[k].unsqueeze(-1))
            grads = jac.mul_(slopes[k].unsqueeze(-1))


def _add_gram(hess: Tensor, jac: Tensor, bent: Tensor) -> None:
    """hess[:, :Q, :Q] += sum over units and samples of jac^T bent ([bee, unit, sample, Q])."""
    q = jac.shape[-1]
    rows = jac.shape[1] * jac.shape[2]
    block = hess if q == hess.shape[1] else hess[:, :q, :q]  # whole: one pass, no temporary
    block.baddbmm_(jac.view(-1, rows, q).transpose(1, 2), bent.reshape(-1, rows, q))


def _own_columns(into: Tensor, a_in: Tensor) -> None:
    """Write dz_k / d(W_k, b_k) into zeros ``into`` [bee, out, sample, out * in + out]:
    z_k[i] moves with W_k[i, j] by a_k[j] and with b_k[i] by 1, and with no other
    row's parameters. ``a_in`` [1 or bee, in, sample]."""
    n_out, n_in = into.shape[1], a_in.shape[1]
    w = into[..., :n_out * n_in].unflatten(-1, (n_out, n_in))  # [bee, i, sample, i', j]
    w.diagonal(dim1=1, dim2=3).copy_(a_in.transpose(1, 2).unsqueeze(-1))  # [bee, sample, j, i]
    into[..., n_out * n_in:].diagonal(dim1=1, dim2=3).fill_(1.0)


def _activation_derivatives(act: Activation, z: Tensor):
    """act(z), act'(z) and act''(z) (None where it is zero everywhere): [bee, unit, sample]."""
    z = z.detach().requires_grad_(True)
    with torch.enable_grad():
        out = act.fn(z)
        (slope,) = torch.autograd.grad(out.sum(), z, create_graph=True)
        curve = None
        if slope.requires_grad:
            (curve,) = torch.autograd.grad(slope.sum(), z, allow_unused=True)
    if curve is not None and not curve.any():
        curve = None
    return out.detach(), slope.detach(), curve


def _loss_derivatives(loss: Loss, z: Tensor, y: Tensor, flat: bool):
    """The loss [bee], ell' [bee, out, sample] and ell'' [bee, out, out, sample] (None
    where it is zero) of the predictions ``z`` [bee, out, sample]: a sample's loss
    depends on its own predictions only, so differentiating row o of ell' summed over
    samples gives row o of every sample's ell''."""
    z = z.detach().requires_grad_(True)
    with torch.enable_grad():
        value = loss.value(z[:, 0] if flat else z, y)
        (grad,) = torch.autograd.grad(value.sum(), z, create_graph=True)
        rows = []
        for o in range(z.shape[1]):
            row = None
            if grad.requires_grad:
                (row,) = torch.autograd.grad(grad[:, o].sum(), z, retain_graph=True,
                                             allow_unused=True)
            rows.append(torch.zeros_like(z) if row is None else row)
    curvature = torch.stack(rows, 1).detach()
    return value.detach(), grad.detach(), curvature if curvature.any() else None
