"""Datasets are values: n-D samples with labels (or float targets) and a test split.

Build one like scikit-learn's ``make_*`` functions, by name or from your own data::

    ds = swarm.datasets.moons(1000, noise=0.2, imbalance=5, seed=1)
    ds = swarm.datasets.get_dataset("gaussians", dims=12, pca=5)
    ds = swarm.datasets.from_csv("iris.csv", label="species")
    ds = swarm.datasets.mnist("~/data/mnist", samples=5000)   # IDX files or mnist.npz
    ds.x, ds.y, ds.x_test, ds.y_test, ds.classes, ds.to_meta()

Every generator and ``from_arrays``/``from_csv`` take the same knobs (``test``,
``imbalance``, ``oversample``, ``random_labels``, ``dummy_dims`` with ``dummy_scale`` and
``dummy_noise``, ``pca``, ``standardize``, ``seed``), applied in that order and recorded in
``ds.knobs``. ``best_accuracy`` gives the best possible accuracy on ``gaussians``' distribution.
Only numpy and scikit-learn are needed here (no torch).
Each named dataset has its own default training settings
(``training_defaults(name)``).
"""
from __future__ import annotations

from swarm.datasets._arrays import from_arrays
from swarm.datasets._csv import from_csv
from swarm.datasets._dataset import Dataset
from swarm.datasets._gaussians import best_accuracy
from swarm.datasets._defaults import TRAINING_DEFAULTS, training_defaults
from swarm.datasets._generators import (DATASETS, alternating, circles, digits, gauss, gaussians,
                                        get_dataset, moons, spiral, xor)
from swarm.datasets._mnist import fashion_mnist, mnist

__all__ = ["Dataset", "DATASETS", "get_dataset", "moons", "circles", "xor", "spiral", "gauss",
           "gaussians", "alternating", "digits", "from_arrays", "from_csv",
           "mnist", "fashion_mnist", "best_accuracy", "TRAINING_DEFAULTS", "training_defaults"]
