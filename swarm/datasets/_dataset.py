"""The Dataset value: training and test arrays, their names, and the knobs that made them."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from swarm._files import plural

__all__ = ["Dataset"]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Samples with labels (or float targets) and a held-out test split.

    - ``x``, ``x_test``: float32 [sample, feature] (``x_test`` has no rows when ``test=0``)
    - ``y``, ``y_test``: int64 [sample] class indices into ``classes`` (classification),
      or float32 [sample] / [sample, out] targets (regression, ``classes`` is None)
    - ``features``: one name per feature column; ``name``: the dataset's name
    - ``knobs``: every argument it was built with (JSON-able), for a recording's meta
    - ``image_shape``: e.g. ``(8, 8)`` when each sample is an image's pixels, else None
    - ``y_mean``, ``y_std``: a regression's targets were standardized with these (the
      training split's, a float or one per output): original = y * y_std + y_mean;
      None when the targets are in their original units

    The arrays are read-only copies: a Dataset is a value.
    """

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...] | None
    features: tuple[str, ...]
    name: str = "dataset"
    knobs: dict = field(default_factory=dict)
    image_shape: tuple[int, ...] | None = None
    y_mean: float | list | None = None
    y_std: float | list | None = None

    def __post_init__(self):
        classification = self.classes is not None
        y_type = np.int64 if classification else np.float32
        arrays = {"x": np.asarray(self.x, dtype=np.float32), "y": np.asarray(self.y, dtype=y_type),
                  "x_test": np.asarray(self.x_test, dtype=np.float32),
                  "y_test": np.asarray(self.y_test, dtype=y_type)}
        for key in ("x", "x_test"):
            if arrays[key].ndim != 2:
                raise ValueError(f"`{key}` must be 2-D [sample, feature], "
                                 f"got shape {arrays[key].shape}")
        for xs, ys in (("x", "y"), ("x_test", "y_test")):
            if arrays[ys].ndim not in ((1,) if classification else (1, 2)) \
                    or len(arrays[ys]) != len(arrays[xs]):
                raise ValueError(f"`{ys}` must have one {'label' if classification else 'target'} "
                                 f"per sample of `{xs}` ({len(arrays[xs])}), "
                                 f"got shape {arrays[ys].shape}")
        if arrays["x_test"].shape[1] != arrays["x"].shape[1] \
                or arrays["y_test"].shape[1:] != arrays["y"].shape[1:]:
            raise ValueError("`x_test`/`y_test` must have the columns of `x`/`y`, got "
                             f"{arrays['x_test'].shape} and {arrays['x'].shape}")
        features = tuple(str(f) for f in self.features)
        if len(features) != arrays["x"].shape[1]:
            raise ValueError(f"`features` must name the {arrays['x'].shape[1]} columns of `x`, "
                             f"got {len(features)} names")
        if classification:
            classes = tuple(str(c) for c in self.classes)
            labels = np.concatenate([arrays["y"], arrays["y_test"]])
            if len(classes) < 2 or (labels.size and (labels.min() < 0
                                                     or labels.max() >= len(classes))):
                raise ValueError(f"`y` must hold class indices 0..{len(classes) - 1} of "
                                 f"at least two `classes`, got classes {classes}")
            object.__setattr__(self, "classes", classes)
        for key, value in arrays.items():
            object.__setattr__(self, key, _frozen(value))
        object.__setattr__(self, "features", features)
        object.__setattr__(self, "knobs", dict(self.knobs))
        if self.image_shape is not None:
            object.__setattr__(self, "image_shape", tuple(int(n) for n in self.image_shape))

    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return "regression" if self.classes is None else "classification"

    @property
    def num_classes(self) -> int | None:
        """How many classes (None for regression)."""
        return None if self.classes is None else len(self.classes)

    @property
    def num_features(self) -> int:
        return self.x.shape[1]

    @property
    def num_outputs(self) -> int:
        """Outputs a network needs: one per class, or the targets' width."""
        if self.classes is not None:
            return len(self.classes)
        return 1 if self.y.ndim == 1 else self.y.shape[1]

    def to_meta(self) -> dict:
        """A JSON-able description for a recording's ``meta["dataset"]``."""
        return {"name": self.name, "task": self.task,
                "classes": None if self.classes is None else list(self.classes),
                "features": list(self.features), "knobs": dict(self.knobs),
                "image_shape": None if self.image_shape is None else list(self.image_shape),
                "train_samples": len(self.x), "test_samples": len(self.x_test),
                "y_mean": self.y_mean, "y_std": self.y_std}

    @property
    def loss_units(self) -> str | None:
        """The units a regression's losses are in ("standardized" or "original"), else None."""
        if self.classes is not None:
            return None
        return "original" if self.y_std is None else "standardized"

    def __repr__(self) -> str:
        what = f"{plural(self.num_classes, 'class')}" if self.classes is not None \
            else f"regression, {plural(self.num_outputs, 'output')}"
        if self.loss_units:
            what += f" ({self.loss_units} targets)"
        knobs = ", ".join(f"{k}={v!r}" for k, v in self.knobs.items())
        return (f"Dataset({self.name!r}: {what}, {plural(self.num_features, 'feature')}, "
                f"{len(self.x)} train / {plural(len(self.x_test), 'test sample')}; {knobs})")

