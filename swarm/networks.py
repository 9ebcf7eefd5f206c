"""The seed toolkit's networks: ``flat_net``, a 1-D in, 1-D out MLP as an ``nn.Sequential``."""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from swarm._names import activation_class

__all__ = ["FlatNet", "flat_net"]


class FlatNet(nn.Sequential):
    """An ``nn.Sequential`` over points: input [..., point] -> output [..., point].

    The layers see [..., point, 1] (a trailing feature axis of one), so
    ``net[0]`` is the first ``nn.Linear(1, width)`` and ``net.parameters()``
    starts with its weight [width, 1] and bias [width], as in seed 001.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.unsqueeze(-1)).squeeze(-1)


def flat_net(hidden_depth: int, width: int, activation=nn.ReLU) -> FlatNet:
    """Linear(1, width), act, (Linear(width, width), act) x (hidden_depth - 1), Linear(width, 1).

    ``activation`` is an ``nn.Module`` class (or any factory of modules), a
    module instance (copied per layer), or a name such as ``"relu"``/``"xtanh"``.
    """
    hidden_depth = _positive_int("hidden_depth", hidden_depth)
    width = _positive_int("width", width)
    make_act = _activation_factory(activation)
    layers: list[nn.Module] = [nn.Linear(1, width), make_act()]
    for _ in range(hidden_depth - 1):
        layers += [nn.Linear(width, width), make_act()]
    layers.append(nn.Linear(width, 1))
    return FlatNet(*layers)


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be an integer >= 1, got {value!r}")
    return int(value)


def _activation_factory(activation):
    """A zero-argument callable returning a fresh activation module."""
    if isinstance(activation, str):
        return activation_class(activation)
    if isinstance(activation, nn.Module):
        return lambda: copy.deepcopy(activation)
    if callable(activation):
        module = activation()
        if not isinstance(module, nn.Module):
            raise ValueError(f"`activation` {activation!r} must build an nn.Module, "
                             f"built {type(module).__name__}")
        return activation
    raise ValueError(f"`activation` must be an nn.Module class, a module or a name such as "
                     f"'relu', got {activation!r}")
