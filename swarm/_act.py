"""The activation table under its old name, for ``render.animation`` and ``figures`` until
they read the piecewise-linear fact from the recording (issue 11); see ``swarm._model``."""
from swarm._model.activations import ACTIVATIONS, Activation, get  # noqa: F401
