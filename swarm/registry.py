"""Look-ups by name for the seed toolkit: activations, networks, regimes, torch losses and optimizers.

Each ``get_*`` takes a name or the thing itself (a callable is passed through),
so configuration files and sweeps can say ``"relu"`` or ``"SGD"`` where code
says ``nn.ReLU`` or ``torch.optim.SGD``. An unknown name is a ``ValueError``
that lists the valid ones.
"""
from __future__ import annotations

import torch
from torch import nn

from swarm import networks, regimes
from swarm._names import activation_class, classes, lookup

__all__ = ["get_activation", "get_network", "get_regime", "get_torch_nn", "get_torch_optim"]


def get_activation(name_or_callable):
    """An activation module class: the engine's names (relu, tanh, xtanh, ...) first, then
    torch.nn's activation classes (ELU, SiLU, ...). A callable is returned unchanged."""
    return activation_class(name_or_callable)


def get_network(name_or_callable):
    """A network factory: ``"flat_net"`` is :func:`swarm.networks.flat_net`."""
    return lookup("network", name_or_callable, {"flat_net": networks.flat_net})


def get_regime(name_or_callable):
    """A training regime (a generator function of x, y, ...): ``"default_train"`` (or ``"default"``)."""
    return lookup("regime", name_or_callable, regimes.REGIMES)


def get_torch_nn(name_or_callable):
    """A ``torch.nn`` module class by name, e.g. ``"MSELoss"``, ``"mse_loss"`` or ``"Linear"``."""
    return lookup("torch_nn", name_or_callable, classes(nn, nn.Module))


def get_torch_optim(name_or_callable):
    """A ``torch.optim`` optimizer class by name, e.g. ``"SGD"``, ``"sgd"`` or ``"Adam"``."""
    return lookup("torch_optim", name_or_callable, classes(torch.optim, torch.optim.Optimizer))
