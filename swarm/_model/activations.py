"""The activations by name: forward, the hand-written backward the fused engine
uses, and an ``nn.Module`` for the torch.func path and plain loops."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from swarm._facts import PIECEWISE_LINEAR

__all__ = ["Activation", "ACTIVATIONS", "get", "XTanh"]

Tensor = torch.Tensor


class XTanh(nn.Module):
    """x - tanh(x): linear far out, flat near zero."""

    def forward(self, x: Tensor) -> Tensor:
        return x - torch.tanh(x)


class Square(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * x


class Sin(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return torch.sin(x)


class Sign(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return torch.sign(x)


class Abs(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return torch.abs(x)


@dataclass(frozen=True)
class Activation:
    """``fn(pre) -> out``; ``backward(up, pre, out)`` = up * fn'(pre), as autograd gives it."""

    name: str
    fn: Callable[[Tensor], Tensor]
    backward: Callable[[Tensor, Tensor, Tensor], Tensor]
    module: Callable[[], nn.Module]
    fn_: Callable[[Tensor], Tensor] | None = None  # in place, when backward needs only `out`
    backward_: Callable[[Tensor, Tensor, Tensor], Tensor] | None = None  # into `up` (fresh)

    @property
    def piecewise_linear(self) -> bool:
        """Whether an MLP of this activation is piecewise linear (one list: ``swarm._facts``)."""
        return self.name in PIECEWISE_LINEAR


_SLOPE = 0.01  # torch's leaky_relu default


def _into_up(op):
    """``op``'s out= form writing into ``up``: the same numbers without a new [bee, unit,
    point] tensor (relu's backward took ~30% less time so on moons' and digits' shapes)."""
    return lambda up, pre, out: op(up, out, grad_input=up)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in [
    Activation("relu", torch.relu,
               lambda up, pre, out: torch.ops.aten.threshold_backward(up, out, 0.0),
               nn.ReLU, fn_=torch.relu_,
               backward_=_into_up(lambda up, out, grad_input: torch.ops.aten.threshold_backward
                                  .grad_input(up, out, 0.0, grad_input=grad_input))),
    Activation("leaky_relu", lambda v: torch.nn.functional.leaky_relu(v, _SLOPE),
               lambda up, pre, out: torch.ops.aten.leaky_relu_backward(up, pre, _SLOPE, False),
               nn.LeakyReLU),
    Activation("tanh", torch.tanh,
               lambda up, pre, out: torch.ops.aten.tanh_backward(up, out), nn.Tanh,
               fn_=torch.tanh_, backward_=_into_up(torch.ops.aten.tanh_backward.grad_input)),
    Activation("sigmoid", torch.sigmoid,
               lambda up, pre, out: torch.ops.aten.sigmoid_backward(up, out), nn.Sigmoid,
               fn_=torch.sigmoid_, backward_=_into_up(torch.ops.aten.sigmoid_backward.grad_input)),
    Activation("gelu", torch.nn.functional.gelu,
               lambda up, pre, out: torch.ops.aten.gelu_backward(up, pre), nn.GELU),
    Activation("softplus", torch.nn.functional.softplus,
               lambda up, pre, out: up * torch.sigmoid(pre), nn.Softplus),
    Activation("sin", torch.sin, lambda up, pre, out: up * torch.cos(pre), Sin),
    Activation("square", lambda v: v * v, lambda up, pre, out: up * (2 * pre), Square),
    Activation("sign", torch.sign, lambda up, pre, out: torch.zeros_like(up), Sign),
    Activation("identity", lambda v: v, lambda up, pre, out: up, nn.Identity),
    Activation("abs", torch.abs, lambda up, pre, out: up * torch.sign(pre), Abs),
    Activation("xtanh", lambda v: v - torch.tanh(v),
               lambda up, pre, out: up * torch.square(pre - out), XTanh),
]}


def get(name: str) -> Activation:
    """The activation called ``name``; a ``ValueError`` lists the valid names."""
    key = str(name).lower()
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[key]
