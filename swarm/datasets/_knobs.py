"""The knobs every dataset takes, applied in one order to plain arrays.

Order: split off the test set (``test``), then on the training split only
``imbalance``, ``oversample``, ``random_labels``; then on both splits
``dummy_dims`` (with a random rotation), ``pca`` and ``standardize`` (both fitted
on the training split). Each step that draws random numbers has its own stream
of the data's seed, so turning one knob never changes what another one drew.
"""
from __future__ import annotations

import numpy as np

from swarm.datasets import _checks
from swarm.datasets._dataset import Dataset

__all__ = ["KNOBS_DOC", "CLASS_KNOBS", "check_knobs", "own_arguments", "stream", "finish"]

DEFAULTS = {"test": 0.2, "imbalance": 1.0, "oversample": False, "random_labels": 0.0,
            "dummy_dims": 0, "dummy_scale": 0.01, "dummy_noise": "normal", "pca": None,
            "standardize": True}
DUMMY_NOISES = ("normal", "uniform")
CLASS_KNOBS = ("imbalance", "oversample", "random_labels")
_STREAMS = {"generate": 0, "split": 1, "imbalance": 2, "oversample": 3, "random_labels": 4,
            "dummy_dims": 5, "covariance": 6}

KNOBS_DOC = """
    Knobs every dataset takes, applied in this order:

    test : float in [0, 1), default 0.2
        Held-out fraction, drawn class by class (stratified): each class gives
        ``round(test * its samples)`` to the test split, so balanced data keeps a
        balanced test split.
    imbalance : float >= 1, default 1.0
        Majority:minority ratio of the training split. The largest training class
        (the first on ties: class 0 for the generators) keeps its ``n`` samples; every
        other class is cut at random to ``max(1, round(n / imbalance))`` samples (a
        class that has fewer keeps all of them). The test split is left alone.
    oversample : bool, default False
        Resample every smaller training class with replacement up to the largest.
    random_labels : float in [0, 1], default 0.0
        Fraction of training labels replaced: ``round(random_labels * n)`` samples drawn
        without replacement get a label drawn uniformly from all classes (so about
        ``1 - f + f / k`` of the labels still agree with the truth).
    dummy_dims : int >= 0, default 0
        Extra features of low-variance noise (std ``dummy_scale`` times the real
        features' mean std) on both splits, then one random rotation of all features.
    dummy_scale : float > 0, default 0.01
        The dummy features' std, relative to the real features' mean std (training split).
    dummy_noise : "normal" or "uniform", default "normal"
        The dummy features' distribution, centred on 0: Gaussian, or uniform on
        ``[-sqrt(3) s, sqrt(3) s]`` (the same std s). Both only with ``dummy_dims``.
    pca : int >= 1 or None, default None
        Project both splits onto the first ``pca`` principal components of the
        training split.
    standardize : bool, default True
        Shift and scale each feature to mean 0 and std 1 on the training split
        (a constant feature is only shifted), the same transform on the test split;
        a regression's targets likewise, their training mean and std kept as the
        Dataset's ``y_mean``, ``y_std`` (so its losses are in standardized units).
    seed : int >= 0, default 0
        The data's own seed (independent of any swarm's seed): same seed, same data.
"""


def stream(seed: int, step: str) -> np.random.Generator:
    """The random generator of one step (``"generate"``, ``"split"``, ...) of the data's seed."""
    return np.random.default_rng([seed, _STREAMS[step]])


def own_arguments(fn) -> list[str]:
    """The named arguments of a dataset builder ``fn`` (its own knobs, not ``**knobs``)."""
    import inspect

    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def check_knobs(knobs: dict, owner: str, own=()) -> dict:
    """Every knob with its default filled in, validated; an unknown name is a ``ValueError``
    listing ``owner``'s ``own`` arguments and the knobs every dataset takes (and the
    closest name, for a misspelling).

    ``owner`` names the function that received ``knobs``, for the message.
    """
    import difflib

    unknown = sorted(set(knobs) - set(DEFAULTS))
    if unknown:
        close = difflib.get_close_matches(unknown[0], [*own, *DEFAULTS], n=1)
        guess = f" (did you mean `{close[0]}`?)" if close else ""
        mine = f"{owner} takes {', '.join(own)}; " if own else ""
        raise ValueError(f"`{unknown[0]}` is not an argument of {owner}(){guess}; {mine}the "
                         f"knobs every dataset takes: {', '.join(DEFAULTS)}")
    k = {**DEFAULTS, **knobs}
    out = {"test": _checks.number("test", k["test"], low=0.0, high=1.0, high_open=True)}
    out["imbalance"] = _checks.number("imbalance", k["imbalance"], low=1.0)
    out["oversample"] = _checks.flag("oversample", k["oversample"])
    out["random_labels"] = _checks.number("random_labels", k["random_labels"], low=0.0, high=1.0)
    out["dummy_dims"] = _checks.integer("dummy_dims", k["dummy_dims"], low=0)
    out["dummy_scale"] = _checks.number("dummy_scale", k["dummy_scale"], low=0.0, low_open=True)
    if k["dummy_noise"] not in DUMMY_NOISES:
        raise ValueError(f"unknown `dummy_noise` {k['dummy_noise']!r}; choose one of "
                         f"{', '.join(DUMMY_NOISES)}")
    out["dummy_noise"] = k["dummy_noise"]
    out["pca"] = _checks.integer("pca", k["pca"], low=1, allow_none=True)
    out["standardize"] = _checks.flag("standardize", k["standardize"])
    return out


def _round(value: float) -> int:
    """Round half up (Python's round() goes to even)."""
    return int(np.floor(value + 0.5))


def _split(y, test: float, rng, classes) -> tuple[np.ndarray, np.ndarray]:
    """Training and test indices, both in a random order; stratified for class labels."""
    n = len(y)
    order = rng.permutation(n)
    in_test = np.zeros(n, dtype=bool)
    groups = [order] if classes is None else [order[y[order] == c] for c in range(len(classes))]
    for c, members in enumerate(groups):
        take = _round(test * len(members))
        if take and take >= len(members):
            what = "" if classes is None else f" of class {classes[c]!r}"
            raise ValueError(f"`test`={test:g} leaves none of the {len(members)} samples{what} "
                             "for training; lower `test` or use more samples")
        in_test[members[:take]] = True
    if test > 0 and not in_test.any():
        raise ValueError(f"`test`={test:g} of {n} samples leaves no test samples; "
                         "raise `test`, use more samples or pass test=0")
    return order[~in_test[order]], order[in_test[order]]


def _imbalance(y, ratio: float, num_classes: int, rng) -> np.ndarray:
    """Indices kept when every class but the largest is cut to ``round(n_largest / ratio)``."""
    counts = np.bincount(y, minlength=num_classes)
    keep, major = max(1, _round(counts.max() / ratio)), np.argmax(counts)
    drop = [rng.choice(np.flatnonzero(y == c), counts[c] - keep, replace=False)
            for c in range(num_classes) if c != major and counts[c] > keep]
    mask = np.ones(len(y), dtype=bool)
    mask[np.concatenate([np.zeros(0, dtype=np.int64), *drop])] = False
    return np.flatnonzero(mask)


def _oversample(y, num_classes: int, rng) -> np.ndarray:
    """Indices with every smaller class resampled (with replacement) up to the largest."""
    counts = np.bincount(y, minlength=num_classes)
    extra = [rng.choice(np.flatnonzero(y == c), counts.max() - counts[c], replace=True)
             for c in range(num_classes) if 0 < counts[c] < counts.max()]
    return rng.permutation(np.concatenate([np.arange(len(y)), *extra]))


def _random_labels(y, fraction: float, num_classes: int, rng) -> np.ndarray:
    y = y.copy()
    chosen = rng.choice(len(y), _round(fraction * len(y)), replace=False)
    y[chosen] = rng.integers(0, num_classes, size=len(chosen))
    return y


def _noise(rng, shape, std: float, kind: str) -> np.ndarray:
    """Noise of mean 0 and std ``std``: Gaussian, or uniform on [-sqrt(3) std, sqrt(3) std]."""
    if kind == "uniform":
        return rng.uniform(-np.sqrt(3.0) * std, np.sqrt(3.0) * std, shape)
    return rng.normal(0.0, std, shape)


def _dummy_dims(x, x_test, dims: int, rng, relative: float = 0.01, kind: str = "normal"):
    """Append ``dims`` noise features to both splits, then rotate all features at random.

    The noise's std is ``relative`` times the training split's mean feature std.
    """
    scale = relative * (float(np.mean(np.std(x, axis=0))) or 1.0)
    x = np.hstack([x, _noise(rng, (len(x), dims), scale, kind)])
    x_test = np.hstack([x_test, _noise(rng, (len(x_test), dims), scale, kind)])
    q, r = np.linalg.qr(rng.standard_normal((x.shape[1], x.shape[1])))
    rotation = q * np.sign(np.diag(r))  # Haar-distributed orthogonal matrix
    return x @ rotation, x_test @ rotation


def _pca(x, x_test, k: int):
    """Both splits on the training split's first ``k`` principal components.

    Signs follow scikit-learn: each component's largest-magnitude entry is positive.
    """
    if k > min(x.shape):
        raise ValueError(f"`pca`={k} must be at most the number of features ({x.shape[1]}) "
                         f"and of training samples ({x.shape[0]})")
    mean = x.mean(axis=0)
    components = np.linalg.svd(x - mean, full_matrices=False)[2][:k]
    biggest = components[np.arange(k), np.argmax(np.abs(components), axis=1)]
    components *= np.sign(biggest)[:, None]
    return (x - mean) @ components.T, (x_test - mean) @ components.T


def _standardize(x, x_test):
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    return (x - mean) / std, (x_test - mean) / std


def _standardize_targets(y, y_test):
    """Regression targets [sample] or [sample, out] scaled by the training split's mean and std;
    returns both splits and the mean and std (a float, or one per output)."""
    y, y_test = np.asarray(y, dtype=np.float64), np.asarray(y_test, dtype=np.float64)
    mean, std = y.mean(axis=0), y.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (y - mean) / std, (y_test - mean) / std, mean.tolist(), std.tolist()


def finish(x, y, *, name: str, classes, features, knobs: dict, seed: int, image_shape=None,
           x_test=None, y_test=None) -> Dataset:
    """Apply the (validated) knobs in order to ``x`` [sample, feature], ``y`` and build the Dataset.

    ``y`` holds class indices when ``classes`` is given, float targets otherwise.
    ``knobs`` holds every knob of :data:`DEFAULTS` (validated) and the generator's own
    arguments; all of them are recorded. A ready test split skips ``test``.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if classes is None:
        asked = [k for k in CLASS_KNOBS if knobs.get(k, DEFAULTS[k]) != DEFAULTS[k]]
        if asked:
            raise ValueError(f"`{asked[0]}` applies to classification only; "
                             f"{name!r} is a regression dataset (float targets)")
    if x_test is None:
        train, test = _split(y, knobs["test"], stream(seed, "split"), classes)
        x, y, x_test, y_test = x[train], y[train], x[test], y[test]
    x_test = np.asarray(x_test, dtype=np.float64)
    if classes is not None:
        k = len(classes)
        if knobs.get("imbalance", 1.0) > 1.0:
            keep = _imbalance(y, knobs["imbalance"], k, stream(seed, "imbalance"))
            x, y = x[keep], y[keep]
        if knobs.get("oversample"):
            keep = _oversample(y, k, stream(seed, "oversample"))
            x, y = x[keep], y[keep]
        if knobs.get("random_labels", 0.0) > 0:
            y = _random_labels(y, knobs["random_labels"], k, stream(seed, "random_labels"))
    features = tuple(features)
    if knobs["dummy_dims"]:
        x, x_test = _dummy_dims(x, x_test, knobs["dummy_dims"], stream(seed, "dummy_dims"),
                                knobs.get("dummy_scale", DEFAULTS["dummy_scale"]),
                                knobs.get("dummy_noise", DEFAULTS["dummy_noise"]))
        features, image_shape = tuple(f"rot{i + 1}" for i in range(x.shape[1])), None
    if knobs["pca"] is not None:
        x, x_test = _pca(x, x_test, knobs["pca"])
        features, image_shape = tuple(f"pc{i + 1}" for i in range(knobs["pca"])), None
    y_mean = y_std = None
    if knobs["standardize"]:
        x, x_test = _standardize(x, x_test)
        if classes is None:
            y, y_test, y_mean, y_std = _standardize_targets(y, y_test)
    return Dataset(x=x, y=y, x_test=x_test, y_test=y_test, classes=classes, features=features,
                   name=name, knobs={**knobs, "seed": seed}, image_shape=image_shape,
                   y_mean=y_mean, y_std=y_std)
