"""The seed toolkit's training regimes: generator functions that train one bee.

A regime takes the data first, ``regime(x, y, ...)``, and yields once per epoch;
:func:`make_bee` fixes its arguments so :func:`swarm.core.swarm_train` can call it.
"""
from __future__ import annotations

import functools

import torch
from torch import nn

from swarm._names import lookup
from swarm.networks import flat_net

__all__ = ["default_train", "make_bee"]


def default_train(x, y, hidden=2, width=2, activation=nn.ReLU, num_epochs=200, lr=0.001,
                  momentum=0.9):
    """Full-batch SGD with momentum on MSE, the loop of seed 001.

    ``x``, ``y``: float tensors [point]. Yields per epoch ``(ypred, loss)``:
    ``ypred`` [point] (detached) from the forward pass of that epoch, before its
    update, and ``loss`` a float.
    """
    net = flat_net(hidden, width, activation=activation)
    optimiser = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    loss_func = nn.MSELoss()
    for _ in range(num_epochs):
        optimiser.zero_grad()
        ypred = net(x)
        loss = loss_func(ypred, y)
        loss.backward()
        optimiser.step()
        yield ypred.detach(), loss.item()


#: Regimes by name (:func:`swarm.registry.get_regime` looks them up here).
REGIMES = {"default_train": default_train, "default": default_train}


def make_bee(regime, x, y, *args, **kw):
    """A bee trainer for ``swarm_train``: ``regime`` (a callable or a name such as
    ``"default_train"``) with ``x``, ``y`` and the other arguments fixed.

    Arguments ``swarm_train`` passes as ``bee_params`` override ``kw``.
    """
    return functools.partial(lookup("regime", regime, REGIMES), x, y, *args, **kw)
