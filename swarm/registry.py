"""Look-ups by name for the seed toolkit: activations, networks, regimes, torch losses and optimizers.

Each ``get_*`` takes a name or the thing itself (a callable is passed through),
so configuration files and sweeps can say ``"relu"`` or ``"SGD"`` where code
says ``nn.ReLU`` or ``torch.optim.SGD``. An unknown name is a ``ValueError``
that lists the valid ones.
"""
from __future__ import annotations

import inspect

import torch
from torch import nn

from swarm._model import activations as _act

__all__ = ["get_activation", "get_network", "get_regime", "get_torch_nn", "get_torch_optim"]


def _key(name: str) -> str:
    """Names match ignoring case, underscores and dashes: "leaky_relu" is "LeakyReLU"."""
    return name.lower().replace("_", "").replace("-", "")


def _lookup(kind: str, value, table: dict):
    if callable(value) and not isinstance(value, str):
        return value
    if not isinstance(value, str):
        raise ValueError(f"`{kind}` must be a name or a callable, got {value!r}")
    found = {_key(name): obj for name, obj in table.items()}.get(_key(value))
    if found is None:
        raise ValueError(f"unknown `{kind}` {value!r}; choose one of {', '.join(sorted(table))}")
    return found


def _classes(module, base) -> dict:
    """The public subclasses of ``base`` that ``module`` exports (its ``__all__``), by name."""
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return {name: obj for name in names
            if inspect.isclass(obj := getattr(module, name, None)) and issubclass(obj, base)
            and obj is not base}


def get_activation(name_or_callable):
    """An activation module class: the engine's names (relu, tanh, xtanh, ...) first, then
    torch.nn's activation classes (ELU, SiLU, ...). A callable is returned unchanged."""
    table = dict(_classes(nn.modules.activation, nn.Module))
    table.update({name: act.module for name, act in _act.ACTIVATIONS.items()})
    return _lookup("activation", name_or_callable, table)


def get_network(name_or_callable):
    """A network factory: ``"flat_net"`` is :func:`swarm.networks.flat_net`."""
    from swarm import networks

    return _lookup("network", name_or_callable, {"flat_net": networks.flat_net})


def get_regime(name_or_callable):
    """A training regime (a generator function of x, y, ...): ``"default_train"`` (or ``"default"``)."""
    from swarm import regimes

    table = {"default_train": regimes.default_train, "default": regimes.default_train}
    return _lookup("regime", name_or_callable, table)


def get_torch_nn(name_or_callable):
    """A ``torch.nn`` module class by name, e.g. ``"MSELoss"``, ``"mse_loss"`` or ``"Linear"``."""
    return _lookup("torch_nn", name_or_callable, _classes(nn, nn.Module))


def get_torch_optim(name_or_callable):
    """A ``torch.optim`` optimizer class by name, e.g. ``"SGD"``, ``"sgd"`` or ``"Adam"``."""
    return _lookup("torch_optim", name_or_callable, _classes(torch.optim, torch.optim.Optimizer))
