"""swarm: train hundreds of small networks at once and watch them learn.

The public surface, re-exported explicitly. Three steps::

    rec = swarm.train("sin", bees=500)        # a Recording [bee, epoch, ...]
    rec.save("run.npz"); rec = swarm.load("run.npz")
"""
__version__ = "0.1.0"

from swarm.engine import fly, train
from swarm.recording import Recording, load
from swarm.targets import TARGETS, Target, get_target

__all__ = ["train", "fly", "Recording", "load", "Target", "get_target", "TARGETS",
           "__version__"]
