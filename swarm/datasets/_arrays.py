"""A user's own data as a Dataset: arrays in memory (``from_arrays``)."""
from __future__ import annotations

import logging

import numpy as np

from swarm.datasets import _checks
from swarm.datasets._dataset import Dataset
from swarm.datasets._knobs import KNOBS_DOC, check_knobs, finish, own_arguments

__all__ = ["from_arrays", "build"]

_TASKS = ("classification", "regression")
MANY_CLASSES, FEW_PER_CLASS, FEW_VALUES = 50, 5, 10  # when a guessed task is doubtful

log = logging.getLogger("swarm")


def _features(name: str, x) -> np.ndarray:
    """``x`` as float64 [sample, feature], finite; a 1-D ``x`` is one feature."""
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must hold numbers only") from None
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(f"`{name}` must be [sample, feature] with at least one of each, "
                         f"got shape {x.shape}")
    _check_finite(name, x)
    return x


def _check_finite(name: str, values: np.ndarray) -> None:
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        raise ValueError(f"`{name}` holds NaN or infinite values (first at index "
                         f"{tuple(int(i) for i in bad[0])})")


def _infer_task(y: np.ndarray, task) -> str:
    """``task`` checked, or the guess from ``y``'s type: floats regress, the rest classify.

    A doubtful guess is logged in one line: integer labels with more than 50 classes or
    fewer than 5 samples per class, or float labels that take a few whole values only.
    """
    if task is not None:
        if task not in _TASKS:
            raise ValueError(f"unknown `task` {task!r}; choose one of {', '.join(_TASKS)}")
        return task
    guess = "regression" if y.dtype.kind in "fc" else "classification"
    if y.dtype.kind in "iu" and y.ndim == 1 and y.size:
        k = len(np.unique(y))
        if k > MANY_CLASSES or len(y) < FEW_PER_CLASS * k:
            log.warning("%d classes from %d rows: pass task='regression' if this is a quantity",
                        k, len(y))
    elif guess == "regression" and y.size and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        values = np.unique(y)
        if len(values) <= FEW_VALUES:
            log.warning("float labels with %d whole values only (%s): pass "
                        "task='classification' if they are classes", len(values),
                        ", ".join(f"{v:g}" for v in values))
    return guess


def _column(y: np.ndarray) -> np.ndarray:
    """Labels given as a column vector [sample, 1] of ints, bools or strings, as [sample]."""
    if y.ndim == 2 and y.shape[1] == 1 and y.dtype.kind in "iubUSO":
        return y[:, 0]
    return y


def _classes(y: np.ndarray, classes) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices int64 [sample] and class names: the sorted distinct labels, or ``classes``.

    With ``classes`` given, ``y`` holds either indices into it or its names.
    """
    if y.ndim != 1:
        raise ValueError(f"`y` of a classification must be 1-D [sample], got shape {y.shape}")
    if classes is None:
        names, index = np.unique(y, return_inverse=True)
        return index.astype(np.int64), tuple(str(n) for n in names)
    names = tuple(str(c) for c in classes)
    if y.dtype.kind in "iu":
        if y.size and (y.min() < 0 or y.max() >= len(names)):
            raise ValueError(f"`y` must hold class indices 0..{len(names) - 1} of `classes`, "
                             f"got values {y.min()}..{y.max()}")
        return y.astype(np.int64), names
    lookup = {n: i for i, n in enumerate(names)}
    unknown = sorted({str(v) for v in y} - set(lookup))
    if unknown:
        raise ValueError(f"`y` holds labels that are not in `classes`: {unknown[:5]}")
    return np.array([lookup[str(v)] for v in y], dtype=np.int64), names


def build(x, y, *, name: str, features=None, classes=None, task=None, x_test=None, y_test=None,
          seed=0, knobs: dict, owner, recorded: dict | None = None) -> Dataset:
    """Check a user's arrays and knobs, then apply the knobs (shared by from_arrays and from_csv).

    ``owner``: the builder called (``from_arrays``, ``from_csv``), for messages;
    ``recorded``: extra arguments to keep in the Dataset's knobs (``path``, ``label``).
    """
    seed = _checks.seed(seed)
    given_test = x_test is not None or y_test is not None
    if given_test and "test" in knobs:
        raise ValueError("`test` cannot be combined with a ready `x_test`/`y_test` split")
    if given_test and (x_test is None or y_test is None):
        raise ValueError("`x_test` and `y_test` go together; pass both or neither")
    knobs = check_knobs(knobs, owner.__name__, own_arguments(owner))
    x = _features("x", x)
    y = _column(np.asarray(y))
    if len(y) != len(x):
        raise ValueError(f"`y` must have one entry per sample of `x` ({len(x)}), got {len(y)}")
    if given_test:
        x_test, y_test = _features("x_test", x_test), _column(np.asarray(y_test))
        if x_test.shape[1] != x.shape[1] or len(y_test) != len(x_test):
            raise ValueError(f"`x_test` {x_test.shape} and `y_test` {y_test.shape} must match "
                             f"`x` {x.shape} and `y` {y.shape} in columns and in samples")
        knobs["test"] = None
    task = _infer_task(y, task)
    if task == "classification":
        index, classes = _classes(np.concatenate([y, y_test]) if given_test else y, classes)
        y, y_test = (index[:len(y)], index[len(y):]) if given_test else (index, None)
        if len(classes) < 2:
            raise ValueError(f"`y` holds one class only ({classes[0]!r}); a classification "
                             "needs at least two")
        if len(y) < len(classes):
            raise ValueError(f"`y` has fewer samples ({len(y)}) than classes ({len(classes)})")
    else:
        try:
            y = np.asarray(y, dtype=np.float64)
            y_test = None if y_test is None else np.asarray(y_test, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("`y` of a regression must hold numbers only") from None
        if y.ndim not in (1, 2) or y_test is not None and y_test.shape[1:] != y.shape[1:]:
            raise ValueError(f"`y` of a regression must be [sample] or [sample, out], "
                             f"got shape {y.shape}")
        _check_finite("y", y)
        if y_test is not None:
            _check_finite("y_test", y_test)
        classes = None
    features = tuple(f"x{i + 1}" for i in range(x.shape[1])) if features is None \
        else tuple(str(f) for f in features)
    if len(features) != x.shape[1]:
        raise ValueError(f"`features` must name the {x.shape[1]} columns of `x`, "
                         f"got {len(features)} names")
    return finish(x, y, name=str(name), classes=classes, features=features, seed=seed,
                  x_test=x_test, y_test=y_test,
                  knobs={**(recorded or {}), "samples": len(x), **knobs})


def from_arrays(x, y, *, x_test=None, y_test=None, classes=None, features=None,
                name: str = "arrays", task: str | None = None, seed: int = 0,
                **knobs) -> Dataset:
    """A Dataset from arrays: ``x`` [sample, feature] (or [sample]) numbers, ``y`` [sample].

    Integer, boolean or string ``y`` (also as a column [sample, 1]) means classification
    (a doubtful guess is logged in one line): the distinct labels, sorted,
    become ``classes`` (or pass ``classes`` names, ``y`` then holding indices into them or
    the names themselves). Float ``y`` [sample] or [sample, out] means regression; force
    either with ``task="classification"`` or ``"regression"``. ``x_test``/``y_test`` give a
    ready test split (then no ``test`` knob). ``features`` names the columns
    (default ``x1, x2, ...``). NaN or infinite values are refused.
    """
    return build(x, y, name=name, features=features, classes=classes, task=task,
                 x_test=x_test, y_test=y_test, seed=seed, knobs=knobs, owner=from_arrays)


from_arrays.__doc__ = from_arrays.__doc__.rstrip() + "\n" + KNOBS_DOC
