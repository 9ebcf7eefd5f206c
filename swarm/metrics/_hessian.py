"""The exact Hessian of the built-in MLP's data loss, written out per layer pair and batched.

The net is z_k = W_k a_k + b_k, a_{k+1} = act(z_k), predictions f = z_{L-1}, and the
loss a mean over samples of a per-sample term ell(f_s) (every loss in
``swarm._model.losses`` is). The parameters of layer m enter only through
dz_m[i] = dW_m[i, j] at[j], with at_m = [a_m, 1] (the bias as a last input), so every
block (m, n) of the Hessian, m <= n, is a sum over the samples s of

    at_m[s, j] * ( C_mn[s, i, i'] at_n[s, j']  +  F_nm[s, j', i] delta_n[s, i'] )

for rows (i, j) of layer m and columns (i', j') of layer n:

- C_mn = d2 loss / dz_m dz_n through the curvature of the steps after layer n: the
  loss's ell'' at the output and abar_{k+1} act''(z_k) at each hidden layer k (zero
  for the ReLU family), carried down the layers like a gradient: C_kk = diag(abar_{k+1}
  act''(z_k)) + E_k^T C_{k+1,k+1} E_k and C_mn = E_m^T C_{m+1,n}, with E_k = dz_{k+1} /
  dz_k = W_{k+1} diag(act'(z_k)) (the Gauss-Newton part and the activations' part);
- F_nm = d a_n / dz_m (m < n; the F term only there, and only for W_n's columns, j' < in):
  the bilinear product W_n a_n's own second derivative, with delta_n = dloss / dz_n.

Per sample these are small [unit, unit] matrices; the sum over samples is one batched
matmul per block pair over [bee, sample] of two small per-sample factors, about 2 x
samples x P_m x P_n multiply-adds however many outputs the net has. Where the outputs
are few (a 1-D target's one), the loss's part of C goes instead as the Gram J^T ell'' J
of the per-sample gradient rows J [out, P] (by back propagation): one big matmul,
outputs times the multiply-adds but fewer, larger passes (``_by_rows`` picks).
act', act'' and the per-sample ell', ell'' come from autograd elementwise (on
[bee, out, sample] for the loss), so every activation and loss of the model layer is
covered with autograd's own conventions at kinks (relu''(0) = 0, huber's edge,
softplus's threshold).
"""
from __future__ import annotations

import torch

from swarm._model import mlp as _mlp
from swarm._model.activations import Activation
from swarm._model.losses import Loss

__all__ = ["hessians", "eigenvalues", "bees_at_once"]

Tensor = torch.Tensor
_BLOCK_VALUES = 1 << 22  # per-sample factor entries at once: 32 MB, a few hundred samples
# of digits' 64-32-10 (chunks of 43 samples took 4.5x longer: thin matmuls, more passes)


def hessians(params: list[Tensor], x: Tensor, y: Tensor, act: Activation,
             loss: Loss) -> tuple[Tensor, Tensor]:
    """Each bee's loss Hessian float64 [bee, parameter, parameter] and loss [bee].

    ``params`` [W0, b0, W1, b1, ...] float64 with a leading bee axis; ``x``, ``y``
    in the model layer's layouts (a 1-D target's [point]; a dataset's [1, feature,
    sample] and its loss's target). Parameters are ordered as the flattened list
    (each W row-major, then its b), as ``torch.cat`` of the flattened params.
    """
    hess, value = _upper(params, x, y, act, loss)
    starts = _starts(params[::2])
    for m in range(len(starts) - 1):  # the blocks below the diagonal mirror those above
        for n in range(m + 1, len(starts) - 1):
            hess[:, starts[n]:starts[n + 1], starts[m]:starts[m + 1]] = \
                hess[:, starts[m]:starts[m + 1], starts[n]:starts[n + 1]].transpose(1, 2)
    order = _flat_order(params[::2])
    return hess[:, order[:, None], order], value


def eigenvalues(params: list[Tensor], x: Tensor, y: Tensor, act: Activation,
                loss: Loss) -> tuple[Tensor, Tensor]:
    """Each bee's loss Hessian's eigenvalues, ascending, float64 [bee, parameter], and
    loss [bee]; arguments as :func:`hessians`. Eigenvalues do not depend on the order
    of the parameters, and ``eigvalsh`` reads one triangle: the blocks above the
    diagonal, in per-unit order, are all it needs."""
    hess, value = _upper(params, x, y, act, loss)
    return torch.linalg.eigvalsh(hess, UPLO="U"), value


def _upper(params, x, y, act, loss) -> tuple[Tensor, Tensor]:
    """The Hessian's blocks m <= n (layer m's rows, layer n's columns) in per-unit order
    (unit i's inputs, then its bias), zeros below; and the loss [bee]."""
    flat = x.dim() < 3
    layers = len(params) // 2
    weights = params[::2]
    bees = weights[0].shape[0]
    a = x.reshape(1, 1, -1) if flat else x  # [1 or bee, in, sample]
    inputs, slopes, bends = [], [], []  # at_m [1 or bee, in + 1, sample]; [bee, unit, sample]
    for k in range(layers):
        inputs.append(torch.cat([a, torch.ones_like(a[:, :1])], 1))
        z = _mlp.forward(params[2 * k:2 * k + 2], a, act)  # one layer: its pre-activation
        if k < layers - 1:
            a, slope, curve = _activation_derivatives(act, z)
            slopes.append(slope)
            bends.append(curve)
    value, grad, curvature = _loss_derivatives(loss, z, y, flat)
    deltas = [None] * layers  # dloss / dz_k
    deltas[-1] = grad
    for k in range(layers - 1, 0, -1):
        up = torch.bmm(weights[k].transpose(1, 2), deltas[k])  # abar_k [bee, unit, sample]
        deltas[k - 1] = up * slopes[k - 1]
        if bends[k - 1] is not None:
            bends[k - 1] = up * bends[k - 1]
    if curvature is not None:
        curvature = curvature.transpose(2, 3)  # [bee, out, sample, out]

    starts = _starts(weights)
    hess = torch.zeros(bees, starts[-1], starts[-1], dtype=torch.float64)
    samples = deltas[-1].shape[-1]
    step = max(1, min(samples, _BLOCK_VALUES // (bees * _widest(params))))
    sums = {}  # (m, n): sum over samples of at_m[j] at_n[j'] C_mn[i, i'], [bee, (j, j'), (i, i')]
    for lo in range(0, samples, step):
        part = slice(lo, lo + step)
        _add_samples(hess, sums, weights, starts, [a[..., part] for a in inputs],
                     [s[..., part] for s in slopes],
                     [None if b is None else b[..., part] for b in bends],
                     [d[..., part] for d in deltas],
                     None if curvature is None else curvature[:, :, part].contiguous())
    for (m, n), total in sums.items():  # to rows (i, j), columns (i', j')
        (n_m, in_m), (n_n, in_n) = weights[m].shape[1:], weights[n].shape[1:]
        hess[:, starts[m]:starts[m + 1], starts[n]:starts[n + 1]] += \
            total.view(bees, in_m + 1, in_n + 1, n_m, n_n).permute(0, 3, 1, 4, 2) \
            .reshape(bees, starts[m + 1] - starts[m], -1)
    return hess, value


def bees_at_once(params: list[Tensor], samples: int) -> int:
    """How many bees' block products over all ``samples`` fit the chunk budget (at least
    1): chunks of whole bees over all samples ran fastest (fewer, bigger matmuls)."""
    return max(1, _BLOCK_VALUES // (samples * _widest(params)))


def _starts(weights: list[Tensor]) -> list[int]:
    """Where layer m's parameters start, m = 0 .. layers (the last: P): P_m = out x (in + 1)."""
    starts = [0]
    for w in weights:
        starts.append(starts[-1] + w.shape[1] * (w.shape[2] + 1))
    return starts


def _widest(params: list[Tensor]) -> int:
    """The most values one bee's per-sample factors hold at once (a layer pair's
    at_m at_n and C_mn, the gradient rows out x P)."""
    weights = params[::2]
    units = max(w.shape[1] for w in weights)
    inputs = max(w.shape[2] + 1 for w in weights)
    total = sum(w.shape[1] * (w.shape[2] + 1) for w in weights)
    return max(inputs * inputs + units * units + 2 * inputs * units, weights[-1].shape[1] * total)


def _flat_order(weights: list[Tensor]) -> Tensor:
    """Where each flat parameter (W_m row-major, then b_m) sits in the per-unit order
    (unit i's inputs, then its bias: (i, j) -> i * (in + 1) + j, layer after layer)."""
    out, start = [], 0
    for w in weights:
        n_out, n_in = w.shape[1:]
        unit = torch.arange(n_out)[:, None] * (n_in + 1)
        out += [start + (unit + torch.arange(n_in)).reshape(-1), start + unit[:, 0] + n_in]
        start += n_out * (n_in + 1)
    return torch.cat(out)


def _add_samples(hess, sums, weights, starts, inputs, slopes, bends, deltas, curvature) -> None:
    """Add one chunk of samples' terms to the blocks m <= n of ``hess`` [bee, P, P]
    (per-unit order) and to the curvature ``sums`` (see :func:`_add_curvature`).
    Per-sample tensors are that chunk's slices, unit-major: ``inputs`` at_m [1 or bee,
    in + 1, sample]; ``slopes``, ``bends``, ``deltas`` [bee, unit, sample]; ``curvature``
    ell'' [bee, out, sample, out] (None, or a None bend: zero). C_mn and F_nm^T are
    kept as [bee, unit_m, sample, cols]."""
    layers = len(weights)
    if curvature is not None and _by_rows(weights):
        _add_gauss_newton(hess, weights, inputs, slopes, curvature)
        curvature = None
    diag = [curvature]  # C_kk for k = L-1 down to 0
    for k in range(layers - 2, -1, -1):
        below = None if diag[-1] is None else _down(weights[k + 1], slopes[k], diag[-1], True)
        if bends[k] is not None:
            below = _diagonal(bends[k]) if below is None else below + _diagonal(bends[k])
        diag.append(below)
    diag = diag[::-1]
    for n in range(layers):
        c, f = diag[n], None  # C_mn, F_nm^T for m = n, n - 1, ... 0
        for m in range(n, -1, -1):
            if m < n:
                c = None if c is None else _down(weights[m + 1], slopes[m], c)
                f = _diagonal(slopes[m]) if f is None else _down(weights[m + 1], slopes[m], f)
            block = hess[:, starts[m]:starts[m + 1], starts[n]:starts[n + 1]]
            if c is not None:
                _add_curvature(sums, (m, n), inputs[m], c, inputs[n])
            if f is not None:
                _add_product(block, inputs[m], f, deltas[n])


def _by_rows(weights: list[Tensor]) -> bool:
    """Whether the loss's curvature is cheaper as a Gram of per-sample gradient rows
    (2 x out x P^2 multiply-adds per sample, one big matmul) than carried down the
    layer pairs (2 x P^2, plus about 10 x the pairs' per-sample factors in small ops)."""
    units = [w.shape[1] for w in weights]
    inputs = [w.shape[2] + 1 for w in weights]
    total = sum(u * i for u, i in zip(units, inputs))
    pairs = sum(inputs[m] * inputs[n] + units[m] * units[n]
                for n in range(len(units)) for m in range(n + 1))
    return 2 * units[-1] * total * total <= 2 * total * total + 10 * pairs


def _add_gauss_newton(hess, weights, inputs, slopes, curvature) -> None:
    """hess += J^T ell'' J over the chunk's samples, J [out, P] the output's gradient per
    sample: rows (i, j) of layer m are g_m[o, i] at_m[j] with g_m = df_o / dz_m by back
    propagation (g_{L-1} = identity)."""
    bees, out, samples = curvature.shape[:3]
    g = torch.eye(out, dtype=torch.float64)[None, :, :, None].expand(bees, -1, -1, samples)
    rows = []  # [bee, out, sample, P_m] for m = L-1 down to 0
    for m in range(len(weights) - 1, -1, -1):
        if m < len(weights) - 1:  # g [bee, unit_m, out, sample]
            g = torch.bmm(weights[m + 1].transpose(1, 2), g.reshape(bees, g.shape[1], -1))
            g = g.view(bees, -1, out, samples) * slopes[m].unsqueeze(2)
        at = inputs[m].transpose(1, 2)[:, None, :, None, :]  # [1 or bee, 1, sample, 1, in + 1]
        rows.append((g.permute(0, 2, 3, 1).unsqueeze(-1) * at).reshape(bees, out, samples, -1))
    jac = torch.cat(rows[::-1], -1)  # [bee, out, sample, P]
    bent = sum(curvature[:, :, :, o, None] * jac[:, o, None] for o in range(out))
    hess.baddbmm_(jac.view(bees, out * samples, -1).transpose(1, 2),
                  bent.reshape(bees, out * samples, -1))


def _add_curvature(sums: dict, key, at_m: Tensor, c: Tensor, at_n: Tensor) -> None:
    """sums[key] [bee, (j, j'), (i, i')] += sum over samples of at_m[j] at_n[j'] C_mn[i, i']:
    ``c`` [bee, unit_m, sample, unit_n], ``at`` [1 or bee, in + 1, sample]. One matmul
    per bee over the samples, from two small per-sample factors (a [unit, unit, input]
    product per sample held 13x more values on digits' 64-32-10 and took 3.7x longer)."""
    bees, units, samples, _ = c.shape
    outer = at_m.unsqueeze(2) * at_n.unsqueeze(1)  # [1 or bee, in_m + 1, in_n + 1, sample]
    outer = outer.view(outer.shape[0], -1, samples)
    right = c.transpose(1, 2).reshape(bees, samples, -1)
    outer = outer.expand(bees, -1, -1)
    if key in sums:  # into the sum: no temporary of P_m x P_n per chunk
        sums[key].baddbmm_(outer, right)
    else:
        sums[key] = torch.bmm(outer, right)


def _add_product(block: Tensor, at_m: Tensor, f: Tensor, delta_n: Tensor) -> None:
    """block [bee, P_m, P_n] += sum over samples of at_m[j] F_nm[j', i] delta_n[i'] in rows
    (i, j), columns (i', j' < in_n) (the bias columns get none): ``f`` F_nm^T [bee,
    unit_m, sample, in_n], ``delta_n`` [bee, unit_n, sample]. at_m x delta_n is small,
    so the sum over samples is one matmul per bee with no [unit, unit, input] product."""
    bees, units, samples, n_in = f.shape
    left = (at_m.unsqueeze(2) * delta_n.unsqueeze(1)).reshape(bees, -1, samples)  # [(j, i'), s]
    right = f.transpose(1, 2).reshape(bees, samples, -1)  # [s, (i, j')]
    prod = torch.bmm(left, right).view(bees, at_m.shape[1], delta_n.shape[1], units, n_in)
    view = block.view(bees, units, at_m.shape[1], delta_n.shape[1], n_in + 1)
    view[..., :n_in] += prod.permute(0, 3, 1, 2, 4)


def _diagonal(values: Tensor) -> Tensor:
    """diag(values) per sample: [bee, unit, sample] -> [bee, unit, sample, unit]."""
    return torch.diag_embed(values.transpose(1, 2)).transpose(1, 2)


def _down(weight: Tensor, slope: Tensor, c: Tensor, both: bool = False) -> Tensor:
    """E_k^T c with E_k = W_{k+1} diag(slope_k) (and times E_k on the right with ``both``):
    c [bee, unit_{k+1}, sample, cols] -> [bee, unit_k, sample, cols]; one batched matmul
    over bees each (the weights are the same for every sample)."""
    bees, _, samples, cols = c.shape
    n_k = weight.shape[2]
    out = torch.bmm(weight.transpose(1, 2), c.reshape(bees, c.shape[1], -1))
    out = out.view(bees, n_k, samples, cols) * slope.unsqueeze(-1)
    if both:
        out = torch.bmm(out.view(bees, -1, cols), weight).view(bees, n_k, samples, n_k)
        out *= slope.transpose(1, 2).unsqueeze(1)
    return out


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
