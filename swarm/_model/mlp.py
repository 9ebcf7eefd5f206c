"""The built-in network, stacked over bees, with a hand-fused forward and backward.

Parameters are a flat list ``[W0, b0, W1, b1, ...]`` with a leading bee
dimension and torch.nn.Linear's layout: ``Wk`` [bee, out, in], ``bk`` [bee, out].
Activations flow as [bee, unit, point] so every layer is one batched matmul
(``baddbmm``) and the 1-input first layer is one broadcast multiply. Inputs
shared by all bees are expanded over the bee axis rather than folded into one
big matmul: a folded matmul's blocking, and so its rounding, depends on the
number of bees, and bee i must not.

Inputs come in two layouts. A 1-D target's ``x`` [point] (or [bee, point] for
per-bee minibatches) gives predictions [bee, point]. A dataset's inputs
[1 or bee, feature, sample] give outputs [bee, out, sample]. The
backward pass is written out (no autograd graph), which is what makes a whole
swarm's epoch cost about as much as a few passes over its activations.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from swarm import _random
from swarm._model.activations import Activation

__all__ = ["layer_sizes", "init_params", "forward", "backward", "INITS", "BIAS_INITS",
           "check_init", "check_bias_init", "glorot_bound"]

Tensor = torch.Tensor
INITS = ("default", "xavier", "normal:STD", "zeros", "ones")
BIAS_INITS = ("zeros", "same")


def layer_sizes(width: int, depth: int, n_in: int = 1, n_out: int = 1) -> list[tuple[int, int]]:
    """(in, out) of each linear layer: n_in -> width x depth -> n_out."""
    dims = [n_in] + [width] * depth + [n_out]
    return list(zip(dims[:-1], dims[1:]))


def check_init(init: str) -> tuple[str, float]:
    """Parse ``init`` into (kind, std); a ``ValueError`` names the valid forms."""
    text = str(init).strip().lower()
    kind, colon, std = text.partition(":")
    if kind == "normal":
        try:
            value = float(std) if colon else -1.0
        except ValueError:
            value = -1.0
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"`init` {init!r}: write normal:STD with a positive std, e.g. "
                             f"'normal:0.5'; or choose one of {', '.join(INITS)}")
        return "normal", value
    if text not in ("default", "xavier", "zeros", "ones"):
        raise ValueError(f"unknown `init` {init!r}; choose one of {', '.join(INITS)}")
    return text, 0.0


def check_bias_init(bias_init) -> str | None:
    """``bias_init`` as None (the init's own biases), "zeros" or "same"; a ``ValueError``
    names the valid forms."""
    if bias_init is None:
        return None
    key = str(bias_init).strip().lower()
    if key not in BIAS_INITS:
        raise ValueError(f"unknown `bias_init` {bias_init!r}; choose one of {', '.join(BIAS_INITS)}")
    return key


def glorot_bound(fan_in: int, fan_out: int) -> float:
    """Glorot uniform's bound sqrt(6 / (fan_in + fan_out)), TensorFlow's default initializer.

    TensorFlow takes a bias vector [n]'s fans as fan_in = fan_out = n, so its
    biases get sqrt(3 / n): ``glorot_bound(n, n)``.
    """
    return math.sqrt(6.0 / (fan_in + fan_out))


def _draw(kind: str, std: float, seed: int, bee_ids, stream: int, n: int, fans) -> np.ndarray:
    """``n`` values per bee [bee, n] as init ``kind`` draws a tensor with ``fans`` (in, out)."""
    if kind == "default":  # torch.nn.Linear's: the layer's fan-in for weights and biases
        return (2 * _random.uniform(seed, bee_ids, stream, n) - 1) * (1.0 / math.sqrt(fans[0]))
    if kind == "xavier":
        return (2 * _random.uniform(seed, bee_ids, stream, n) - 1) * glorot_bound(*fans)
    if kind == "normal":
        return _random.normal(seed, bee_ids, stream, n) * std
    return np.full((len(bee_ids), n), 1.0 if kind == "ones" else 0.0)


def init_params(sizes, bee_ids, seed: int, init: str = "default", *,
                dtype=torch.float32, device="cpu", bias_init: str | None = None) -> list[Tensor]:
    """Initial stacked parameters; bee i's values depend only on (seed, i, init, bias_init).

    ``default`` is torch.nn.Linear's: weights and biases U(-1/sqrt(in), 1/sqrt(in)).
    ``xavier``: weights U(+-sqrt(6/(in+out))), biases 0. ``normal:STD``: weights
    N(0, STD), biases 0. ``zeros``: all 0. ``ones``: weights 1, biases 0.
    ``bias_init`` "zeros" sets every bias to 0; "same" draws biases as the weights
    are drawn, as TensorFlow's initializers fill a bias vector [out]: xavier
    U(+-sqrt(3/out)) (fans out and out), normal N(0, STD), ones 1, zeros 0 (default
    keeps torch's U(+-1/sqrt(in))). None keeps the init's own biases.
    """
    kind, std = check_init(init)
    bias_init = check_bias_init(bias_init)
    bee_ids = np.asarray(bee_ids)
    params = []
    for k, (n_in, n_out) in enumerate(sizes):
        shape_w, shape_b = (len(bee_ids), n_out, n_in), (len(bee_ids), n_out)
        w = _draw(kind, std, seed, bee_ids, 2 * k, n_out * n_in, (n_in, n_out))
        if bias_init == "same":
            b = _draw(kind, std, seed, bee_ids, 2 * k + 1, n_out,
                      (n_in, n_out) if kind == "default" else (n_out, n_out))
        elif kind == "default" and bias_init is None:
            b = _draw(kind, std, seed, bee_ids, 2 * k + 1, n_out, (n_in, n_out))
        else:
            b = np.zeros(shape_b)
        for value, shape in ((w, shape_w), (b, shape_b)):
            params.append(torch.as_tensor(value.reshape(shape), dtype=dtype, device=device))
    return params


def forward(params: list[Tensor], x: Tensor, act: Activation, keep: bool = False,
            out: Tensor | None = None):
    """Predictions [bee, point] for inputs ``x`` [point] or [bee, point]; outputs
    [bee, out, sample] for inputs [1 or bee, feature, sample].

    With ``keep`` also returns the per-layer (input, pre, out) that :func:`backward` needs.
    ``out`` [bee, out, sample] ([bee, 1, point] for a 1-D target) receives the last
    layer's outputs: a chunk of bees writes into its rows of the whole swarm's, so the
    chunks' predictions need no concatenation (a 4 MB copy of moons' every epoch).
    """
    flat = x.dim() < 3
    a = x.reshape(-1, 1, x.shape[-1]) if flat else x  # [1 or bee, in, point]
    cache = []
    n_layers = len(params) // 2
    last = {} if out is None else {"out": out}
    for k in range(n_layers):
        weight, bias = params[2 * k], params[2 * k + 1]
        dest = last if k == n_layers - 1 else {}
        if weight.shape[2] == 1:  # one input: a broadcast multiply beats a K=1 matmul
            pre = torch.mul(weight, a, **dest).add_(bias.unsqueeze(-1))
        else:  # inputs shared by all bees are expanded, not copied
            pre = torch.baddbmm(bias.unsqueeze(-1), weight, a.expand(weight.shape[0], -1, -1),
                                **dest)
        if k == n_layers - 1:
            cache.append((a, None, None))
            out = pre
        else:
            out = act.fn(pre) if act.fn_ is None else act.fn_(pre)  # pre is fresh
            cache.append((a, None if out is pre else pre, out))
        a = out
    ypred = a[:, 0, :] if flat else a
    return (ypred, cache) if keep else ypred


def backward(params: list[Tensor], cache, dypred: Tensor, act: Activation,
             pair: bool = False) -> list[Tensor]:
    """Gradients of a loss w.r.t. every parameter, given dloss/dypred shaped like the
    predictions of :func:`forward` ([bee, point] or [bee, out, sample]).

    ``pair``: a two-output net whose loss gradient is antisymmetric (two-class
    cross-entropy): ``dypred`` [bee, 1, sample] is dloss/d(output 1), and dloss/d(output 0)
    is its negative. The last layer then costs one gradient row and its backward one
    broadcast product (w1 - w0) x dypred instead of a 2-deep batched matmul (moons'
    epoch: 13% less time in the step, issue 23)."""
    flat = dypred.dim() < 3
    if flat and len(params) == 4 and params[0].shape[2] == 1 and params[2].shape[1] == 1:
        return _backward_one_hidden(params, cache, dypred, act)
    grads: list[Tensor] = [None] * len(params)  # type: ignore[list-item]
    delta = dypred.unsqueeze(1) if flat else dypred  # [bee, out, point]
    for k in range(len(params) // 2 - 1, -1, -1):
        a_in, _, _ = cache[k]
        weight = params[2 * k]
        last_pair = pair and k == len(params) // 2 - 1
        if last_pair:
            row, bias = _weight_grad(delta, a_in), delta.sum(-1)  # [bee, 1, in], [bee, 1]
            grads[2 * k], grads[2 * k + 1] = torch.cat([-row, row], 1), torch.cat([-bias, bias], 1)
        else:
            grads[2 * k], grads[2 * k + 1] = _weight_and_bias_grad(delta, a_in)
        if k == 0:
            break
        _, pre, out = cache[k - 1]
        if last_pair:
            up = torch.mul((weight[:, 1] - weight[:, 0]).unsqueeze(-1), delta)
        elif weight.shape[1] == 1:  # one output: W^T delta is a broadcast multiply
            up = weight.transpose(1, 2) * delta
        else:
            up = torch.bmm(weight.transpose(1, 2), delta)
        delta = act.backward(up, pre, out) if act.backward_ is None else act.backward_(up, pre, out)
    return grads


def _weight_and_bias_grad(delta: Tensor, a_in: Tensor) -> tuple[Tensor, Tensor]:
    """The weight gradient of :func:`_weight_grad` and the bias gradient delta.sum(-1)
    [bee, out]. A shared input of a few features (moons' 2) takes a ones row ([1, in + 1,
    sample], small) into the batched matmul that the weight gradient runs anyway: the bias
    sum comes from the same pass over delta (issue 23: moons' epoch spent 0.7 ms in that
    sum and gained 0.5 ms)."""
    if a_in.shape[0] == 1 and 1 < a_in.shape[1] < delta.shape[1]:
        ones = torch.ones_like(a_in[:, :1])
        both = torch.bmm(torch.cat([a_in, ones], 1).expand(delta.shape[0], -1, -1),
                         delta.transpose(1, 2))  # [bee, in + 1, out]
        n_in = a_in.shape[1]
        return both[:, :n_in].transpose(1, 2).contiguous(), both[:, n_in].contiguous()
    return _weight_grad(delta, a_in), delta.sum(-1)


def _weight_grad(delta: Tensor, a_in: Tensor) -> Tensor:
    """delta [bee, out, point] times a_in^T ([1 or bee, in, point]): [bee, out, in].

    The batched matmul runs with the smaller of out and in as its rows: a product with
    2 columns and 1,000-long rows (moons' first layer) took 5-7x longer than its
    transpose with 2 rows. Shared inputs are expanded, not copied."""
    if a_in.shape[1] == 1:  # one input: gW = sum_p delta * x
        return torch.matmul(delta, a_in.transpose(1, 2)) if a_in.shape[0] > 1 \
            else torch.matmul(delta, a_in[0, 0]).unsqueeze(-1)
    a = a_in.expand(delta.shape[0], -1, -1)
    if a.shape[1] < delta.shape[1]:
        return torch.bmm(a, delta.transpose(1, 2)).transpose(1, 2).contiguous()
    return torch.bmm(delta, a.transpose(1, 2))


def _backward_one_hidden(params, cache, dypred: Tensor, act: Activation) -> list[Tensor]:
    """1 -> width -> 1: the hidden delta is w2[u] * dypred[p] * act'(pre[u, p]), so
    both first-layer gradients come from one batched matmul of act' with
    (dypred * x, dypred), without materialising the delta. Two passes fewer over
    [bee, unit, point] than the general loop: this is seed 001's network."""
    w2 = params[2]
    x_in, pre, out = cache[0]
    h_in = cache[1][0]
    delta = dypred.unsqueeze(1)  # [bee, 1, point]
    grad_w2 = torch.bmm(delta, h_in.transpose(1, 2))
    grad_b2 = dypred.sum(-1, keepdim=True)
    slope = out.sign_() if act.name == "relu" else act.backward(torch.ones_like(out), pre, out)
    xs = x_in[:, 0, :]  # [1 or bee, point]
    lhs = torch.stack([dypred * xs, dypred], dim=1)  # [bee, 2, point]
    m = torch.bmm(lhs, slope.transpose(1, 2))  # [bee, 2, unit]; 6x faster than slope @ lhs^T
    w = w2[:, 0, :]
    return [(m[:, 0] * w).unsqueeze(-1), m[:, 1] * w, grad_w2, grad_b2]
