"""The seed toolkit's activations: ``xTanH`` (x - tanh x) beside torch's ``ReLU`` and ``Tanh``
(also spelt ``TanH``, as the seed toolkit had it).

``xTanH`` is the engine's own ``xtanh`` module, so a network built with it here
and a swarm trained with ``activation="xtanh"`` compute the same function.
"""
from __future__ import annotations

from torch.nn import ReLU, Tanh
from torch.nn import Tanh as TanH

from swarm._model.activations import XTanh as xTanH

__all__ = ["xTanH", "ReLU", "Tanh", "TanH"]
