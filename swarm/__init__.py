"""swarm: train hundreds of small networks at once and watch them learn.

The public surface, re-exported explicitly. Three steps::

    rec = swarm.train("sin", bees=500)        # a Recording [bee, epoch, ...]
    rec.save("run.npz"); rec = swarm.load("run.npz")
    swarm.animate(rec, "sin.mp4")             # a video of the swarm learning

Names that need torch (``train``, ``fly``) are imported on first use, so
rendering workers, which need only numpy and matplotlib, start in a fraction
of the time.
"""
from __future__ import annotations

import importlib

from swarm.recording import Recording, load
from swarm.targets import TARGETS, Target, get_target

__version__ = "0.1.0"

# name -> module it lives in, imported when first asked for
_LAZY = {
    "train": "swarm.engine",
    "Dataset": "swarm.datasets",
    "fly": "swarm.engine",
    "animate": "swarm.animation",
    "show": "swarm.report.notebook",
    "write_report": "swarm.report",
    "explore": "swarm.explorer",
    "get_activation": "swarm.registry",
    "get_network": "swarm.registry",
    "get_regime": "swarm.registry",
    "get_torch_nn": "swarm.registry",
    "get_torch_optim": "swarm.registry",
}

__all__ = ["train", "fly", "Recording", "load", "Target", "get_target", "TARGETS", "animate",
           "show", "write_report", "explore", "Dataset",
           "get_activation", "get_network", "get_regime", "get_torch_nn", "get_torch_optim",
           "__version__"]


# submodules reachable as ``swarm.metrics`` etc. after a plain ``import swarm``
_SUBMODULES = ("metrics", "render", "animation", "panels", "report", "explorer", "figures", "notebook", "animator",
               "core", "networks", "activations", "regimes", "util", "io", "hive",
               "registry", "engine", "recording", "targets", "datasets", "cli")


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"swarm.{name}")
    else:
        raise AttributeError(f"module 'swarm' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
