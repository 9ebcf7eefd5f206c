"""The seed toolkit's networks: ``flat_net``, a 1-D in, 1-D out MLP as an ``nn.Sequential``,
and ``shared_mlp``, seed 002's weight-shared MLP as a ``model=`` factory for ``swarm.train``."""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from swarm._model.mlp import glorot_bound
from swarm._names import activation_class

__all__ = ["FlatNet", "flat_net", "SharedMLP", "shared_mlp"]


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


class SharedMLP(nn.Module):
    """Seed 002 experiment 2's weight-shared ("recurrent") MLP: [sample, inputs] -> [sample, outputs].

    ``input`` Linear(inputs, width) and act, then the one ``hidden`` Linear(width,
    width) and act applied ``repeats`` times, then ``output`` Linear(width, outputs):
    the seed code's ``recurrent_multilayer_perceptron`` with ``num_nodes = [width] *
    repeats``. Its parameters, (inputs + 1) * width + (width + 1) * width + (width +
    1) * outputs, do not depend on ``repeats``: 152 for 1 -> 10 -> 2, as the seed
    says. Initialised as the seed's ``tf.get_variable`` default, Glorot uniform on
    weights and biases alike (a bias [n] gets U(+-sqrt(3/n))). A Recording holds
    the shared layer once, as ``layer1``.
    """

    def __init__(self, width: int, repeats: int, inputs: int = 1, outputs: int = 2,
                 activation="relu"):
        super().__init__()
        self.repeats = _positive_int("repeats", repeats)
        width = _positive_int("width", width)
        self.input = nn.Linear(_positive_int("inputs", inputs), width)
        self.hidden = nn.Linear(width, width)
        self.output = nn.Linear(width, _positive_int("outputs", outputs))
        self.act = _activation_factory(activation)()
        with torch.no_grad():
            for layer in (self.input, self.hidden, self.output):
                n_out, n_in = layer.weight.shape
                layer.weight.uniform_(-glorot_bound(n_in, n_out), glorot_bound(n_in, n_out))
                layer.bias.uniform_(-glorot_bound(n_out, n_out), glorot_bound(n_out, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.input(x))
        for _ in range(self.repeats):
            h = self.act(self.hidden(h))
        return self.output(h)


def shared_mlp(width: int, repeats: int, inputs: int = 1, outputs: int = 2, activation="relu"):
    """A ``model=`` factory: each call builds a fresh :class:`SharedMLP` (arguments checked now).

    ``swarm.train("alternating", model=shared_mlp(10, 3), ...)`` trains seed 002's
    3-layer weight-shared net; its ``__name__`` (``shared_mlp_10x3``) goes in the
    Recording's meta.
    """
    with torch.random.fork_rng(devices=[]):  # a mistake shows here, not per bee
        SharedMLP(width, repeats, inputs, outputs, activation)

    def factory() -> SharedMLP:
        return SharedMLP(width, repeats, inputs, outputs, activation)

    factory.__name__ = f"shared_mlp_{width}x{repeats}"
    return factory


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
