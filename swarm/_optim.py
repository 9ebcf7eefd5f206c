"""Optimizers on stacked parameters, with per-bee hyperparameters.

They follow torch.optim's SGD, Adam and RMSprop update rules term for term
(tests check them against torch.optim to float precision). They exist because
torch.optim takes one learning rate per parameter tensor, while a hive run as
one swarm needs a learning rate and momentum per bee: each hyperparameter here
is a float or a tensor [bee] broadcast over every parameter.
"""
from __future__ import annotations

import torch

__all__ = ["OPTIMIZERS", "make_optimizer"]

Tensor = torch.Tensor


def _per_bee(value, param: Tensor):
    """A float stays a float; a [bee] tensor is shaped to broadcast over ``param``."""
    if isinstance(value, Tensor):
        return value.reshape((-1,) + (1,) * (param.dim() - 1))
    return value


class SGD:
    """torch.optim.SGD: buf = m*buf + g (first step: buf = g); p -= lr*(g + m*buf if nesterov else buf)."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False):
        self.params, self.lr, self.momentum, self.nesterov = params, lr, momentum, nesterov
        self.bufs = None

    def step(self, grads):
        use_momentum = isinstance(self.momentum, Tensor) or self.momentum != 0
        if not isinstance(self.lr, Tensor) and not isinstance(self.momentum, Tensor) \
                and not self.nesterov:
            return self._step_scalar(grads, use_momentum)
        if use_momentum and self.bufs is None:
            self.bufs = [g.clone() for g in grads]
        elif use_momentum:
            for buf, g in zip(self.bufs, grads):
                buf.mul_(_per_bee(self.momentum, buf)).add_(g)
        for i, (p, g) in enumerate(zip(self.params, grads)):
            d = g
            if use_momentum:
                d = g + _per_bee(self.momentum, g) * self.bufs[i] if self.nesterov else self.bufs[i]
            lr = _per_bee(self.lr, p)
            if isinstance(lr, Tensor):
                p.addcmul_(lr, d, value=-1)  # rounds once, like the scalar path
            else:
                p.add_(d, alpha=-lr)


    def _step_scalar(self, grads, use_momentum: bool):
        """The same update with one dispatch per operation for all tensors (foreach)."""
        if use_momentum and self.bufs is None:
            self.bufs = [g.clone() for g in grads]
        elif use_momentum:
            torch._foreach_mul_(self.bufs, self.momentum)
            torch._foreach_add_(self.bufs, grads)
        torch._foreach_add_(self.params, self.bufs if use_momentum else grads, alpha=-self.lr)


class Adam:
    """torch.optim.Adam (no amsgrad, no weight decay); ``momentum`` is beta1."""

    def __init__(self, params, lr, momentum=0.9, beta2=0.999, eps=1e-8):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, momentum, beta2, eps
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0
        # shared hyperparameters take torch's fused kernel where this torch has one for the device
        self.fused = (hasattr(torch, "_fused_adam_") and not isinstance(lr, Tensor)
                      and not isinstance(momentum, Tensor))

    def step(self, grads):
        self.t += 1
        if self.fused:
            try:
                return self._step_fused(grads)
            except (NotImplementedError, RuntimeError):  # no fused kernel here (older torch)
                self.fused = False
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            beta1 = _per_bee(self.beta1, p)
            m.lerp_(g, 1 - beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            step_size = _per_bee(self.lr, p) / (1 - beta1 ** self.t)
            denom = (v.sqrt() / (1 - self.beta2 ** self.t) ** 0.5).add_(self.eps)
            p.sub_(step_size * m / denom)

    def _step_fused(self, grads):
        """The same update in torch's fused Adam kernel (torch.optim.Adam(fused=True)): one
        pass over each parameter, its gradient and both moments, instead of about ten: 0.33 ms
        against 1.35 ms per step of digits' 200 x 64-32-10 swarm (best of 40, issue 23)."""
        step = torch.full((), float(self.t), device=self.params[0].device)
        torch._fused_adam_(self.params, list(grads), self.m, self.v, [], [step] * len(self.params),
                           lr=self.lr, beta1=self.beta1, beta2=self.beta2, weight_decay=0.0,
                           eps=self.eps, amsgrad=False, maximize=False)


class RMSprop:
    """torch.optim.RMSprop (alpha 0.99, eps 1e-8, not centred), with momentum."""

    def __init__(self, params, lr, momentum=0.0, alpha=0.99, eps=1e-8):
        self.params, self.lr, self.momentum, self.alpha, self.eps = params, lr, momentum, alpha, eps
        self.v = [torch.zeros_like(p) for p in params]
        self.bufs = [torch.zeros_like(p) for p in params]

    def step(self, grads):
        use_momentum = isinstance(self.momentum, Tensor) or self.momentum > 0
        for p, g, v, buf in zip(self.params, grads, self.v, self.bufs):
            v.mul_(self.alpha).addcmul_(g, g, value=1 - self.alpha)
            avg = v.sqrt().add_(self.eps)
            if use_momentum:
                buf.mul_(_per_bee(self.momentum, buf)).addcdiv_(g, avg)
                p.sub_(_per_bee(self.lr, p) * buf)
            else:
                p.sub_(_per_bee(self.lr, p) * g / avg)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def make_optimizer(name: str, params, lr, momentum, nesterov: bool = False):
    """The optimizer called ``name`` over stacked ``params``."""
    if name == "sgd":
        return SGD(params, lr, momentum, nesterov)
    return OPTIMIZERS[name](params, lr, momentum)
