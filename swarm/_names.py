"""Name look-ups shared by the seed toolkit's modules (registry, networks, regimes).

A name matches ignoring case, underscores and dashes; a callable passes through;
an unknown name is a ``ValueError`` listing the valid ones. Lives below
``registry`` so ``networks`` and ``regimes`` need not import it (it imports them).
"""
from __future__ import annotations

import inspect

from torch import nn

from swarm._model import activations as _act

__all__ = ["lookup", "classes", "activation_class"]


def key(name: str) -> str:
    """Names match ignoring case, underscores and dashes: "leaky_relu" is "LeakyReLU"."""
    return name.lower().replace("_", "").replace("-", "")


def lookup(kind: str, value, table: dict):
    if callable(value) and not isinstance(value, str):
        return value
    if not isinstance(value, str):
        raise ValueError(f"`{kind}` must be a name or a callable, got {value!r}")
    found = {key(name): obj for name, obj in table.items()}.get(key(value))
    if found is None:
        raise ValueError(f"unknown `{kind}` {value!r}; choose one of {', '.join(sorted(table))}")
    return found


def classes(module, base) -> dict:
    """The public subclasses of ``base`` that ``module`` exports (its ``__all__``), by name."""
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return {name: obj for name in names
            if inspect.isclass(obj := getattr(module, name, None)) and issubclass(obj, base)
            and obj is not base}


def activation_class(name_or_callable):
    """The activation class named (see :func:`swarm.registry.get_activation`)."""
    table = dict(classes(nn.modules.activation, nn.Module))
    table.update({name: act.module for name, act in _act.ACTIVATIONS.items()})
    return lookup("activation", name_or_callable, table)
