"""Each named dataset's own default training settings: the one table, read by
``swarm.train`` (through ``make_spec``), ``swarm.animate`` and ``swarm-animate``.

A setting the user gives always wins; a setting a dataset does not list, and
every setting of a 1-D target, a CSV or arrays, is :data:`BASE` (the 1-D
defaults). Each row was chosen by measurement (``python bench/dataset_defaults.py``
prints every dataset's time and accuracy against its goal): the swarm learns to a
high accuracy within about 30 s end to end on 2 cores, and the median accuracy
gains half its final rise after the first 2% and before 60% of the video
(``swarm.render.clock.learning_share``). ``bees`` is the command's swarm size
(``swarm.train`` keeps its own default of 100 bees); ``time_axis`` is the video's
clock (``log`` where the accuracy rises in the first few epochs).
"""
from __future__ import annotations

__all__ = ["BASE", "TRAINING_DEFAULTS", "GOALS", "training_defaults"]

#: The defaults of a 1-D target (and of any dataset without a row below).
BASE = {"bees": 500, "width": 20, "depth": 1, "optimizer": "sgd", "lr": 0.01, "epochs": 400,
        "batch_size": None, "time_axis": "linear"}

#: Each dataset's settings that differ from :data:`BASE` (momentum stays 0.9 everywhere).
TRAINING_DEFAULTS = {
    "moons": {"lr": 0.1, "epochs": 300, "time_axis": "log"},
    "circles": {"lr": 0.1, "epochs": 200, "time_axis": "log"},
    "xor": {"lr": 0.1, "epochs": 200, "time_axis": "log"},
    "gauss": {"lr": 0.1, "epochs": 100, "time_axis": "log"},
    "spiral": {"bees": 200, "width": 24, "depth": 2, "optimizer": "adam", "lr": 0.02,
               "epochs": 200},
    "gaussians": {"epochs": 200},
    "alternating": {"bees": 100, "width": 32, "depth": 3, "optimizer": "adam", "lr": 0.01,
                    "epochs": 400},
    "digits": {"bees": 200, "width": 32, "optimizer": "adam", "lr": 0.01, "batch_size": 128,
               "epochs": 15},
}

#: What each row was chosen to reach with no flags (median final accuracy over the bees):
#: ``train``/``test`` accuracy at least this; ``below_best``: train and test accuracy
#: within this of the best possible rule's on the same split (two Gaussians: a plane).
GOALS = {"moons": {"train": 0.96}, "circles": {"train": 0.95}, "xor": {"train": 0.95},
         "gauss": {"train": 0.95}, "spiral": {"train": 0.90}, "alternating": {"train": 0.95},
         "digits": {"train": 0.97, "test": 0.94}, "gaussians": {"below_best": 0.03}}


def training_defaults(name: str | None) -> dict:
    """Every default setting (the keys of :data:`BASE`) of the dataset ``name``.

    ``name`` is a key of ``swarm.datasets.DATASETS``; anything else (None, a 1-D
    target, a CSV's or arrays' name) gets :data:`BASE`.
    """
    return {**BASE, **TRAINING_DEFAULTS.get(name, {})}
