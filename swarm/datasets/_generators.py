"""Named dataset generators in the style of scikit-learn's ``make_*`` functions.

Each takes its defining argument first and everything else by keyword, checks
every argument before drawing anything, draws all randomness from ``seed`` (the
data's own seed) and returns a :class:`Dataset`. The 2-D toys are TensorFlow
Playground's; ``gaussians`` and ``alternating`` are seed 002's; ``digits`` is
scikit-learn's bundled 8x8 digits (no download).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from swarm.datasets import _checks, _gaussians
from swarm.datasets._dataset import Dataset
from swarm.datasets._knobs import KNOBS_DOC, check_knobs, finish, own_arguments, stream

__all__ = ["DATASETS", "get_dataset", "moons", "circles", "xor", "spiral", "gauss", "gaussians",
           "alternating", "digits"]

DATASETS: dict[str, Callable[..., Dataset]] = {}
_XY = ("x1", "x2")
_DIGITS = 1797  # images in scikit-learn's digits
_XOR_MARGIN = 0.05  # keeps xor's points off the axes, as the Playground's padding does


def _generator(fn):
    """Register ``fn`` in DATASETS and append the shared knobs to its docstring."""
    fn.__doc__ = (fn.__doc__ or "").rstrip() + "\n" + KNOBS_DOC
    DATASETS[fn.__name__] = fn
    return fn


def _door(owner: str, samples, noise, seed, knobs, classes: int, most: int | None = None,
          count: str = "samples"):
    """Check the arguments every generator shares; the knobs come back with defaults filled."""
    samples = _checks.integer(count, samples, low=2 * classes, high=most)
    return (samples, _checks.number("noise", noise, low=0.0), _checks.seed(seed),
            check_knobs(knobs, owner, own_arguments(DATASETS[owner])))


def _per_class(samples: int, classes: int) -> np.ndarray:
    """Class counts as equal as possible (the first ``samples % classes`` get one more)."""
    return samples // classes + (np.arange(classes) < samples % classes)


def _labels(counts) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts)


def _names(k: int) -> tuple[str, ...]:
    return tuple(str(c) for c in range(k))


def _noisy(x, noise: float, rng) -> np.ndarray:
    return x + rng.normal(0.0, noise, x.shape) if noise else x


@_generator
def moons(samples: int = 500, *, noise: float = 0.1, seed: int = 0, **knobs) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``): x float32 [sample, 2].

    ``noise`` is the std of Gaussian noise added to the points; classes "0" (upper) and
    "1" (lower), ``samples // 2`` and the rest.
    """
    from sklearn.datasets import make_moons

    samples, noise, seed, knobs = _door("moons", samples, noise, seed, knobs, 2)
    x, y = make_moons(samples, noise=noise or None,
                      random_state=int(stream(seed, "generate").integers(2**31)))
    return finish(x, y, name="moons", classes=_names(2), features=_XY, seed=seed,
                  knobs={"samples": samples, "noise": noise, **knobs})


@_generator
def circles(samples: int = 500, *, noise: float = 0.05, factor: float = 0.5, seed: int = 0,
            **knobs) -> Dataset:
    """A circle inside a circle (scikit-learn's ``make_circles``): x float32 [sample, 2].

    Class "0" on the outer circle (radius 1), "1" on the inner one (radius ``factor``);
    ``noise`` is the std of Gaussian noise added to the points.
    """
    from sklearn.datasets import make_circles

    samples, noise, seed, knobs = _door("circles", samples, noise, seed, knobs, 2)
    factor = _checks.number("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    x, y = make_circles(samples, noise=noise or None, factor=factor,
                        random_state=int(stream(seed, "generate").integers(2**31)))
    return finish(x, y, name="circles", classes=_names(2), features=_XY, seed=seed,
                  knobs={"samples": samples, "noise": noise, "factor": factor, **knobs})


@_generator
def xor(samples: int = 500, *, noise: float = 0.0, seed: int = 0, **knobs) -> Dataset:
    """Points in the square [-1, 1]^2, class "1" where x1 and x2 share a sign, else "0".

    x float32 [sample, 2]; points keep 0.05 away from the axes; ``noise`` is the std of
    Gaussian noise added after labelling (TensorFlow Playground's XOR).
    """
    samples, noise, seed, knobs = _door("xor", samples, noise, seed, knobs, 2)
    rng = stream(seed, "generate")
    y = _labels(_per_class(samples, 2))
    size = rng.uniform(_XOR_MARGIN, 1.0, (samples, 2))
    first = rng.choice([-1.0, 1.0], samples)
    x = size * np.stack([first, np.where(y == 1, first, -first)], axis=1)
    return finish(_noisy(x, noise, rng), y, name="xor", classes=_names(2), features=_XY,
                  seed=seed, knobs={"samples": samples, "noise": noise, **knobs})


@_generator
def spiral(samples: int = 600, *, classes: int = 3, noise: float = 0.0, seed: int = 0,
           **knobs) -> Dataset:
    """``classes`` interleaved spiral arms, one class per arm: x float32 [sample, 2].

    Arm c holds points at radius r ~ U(0, 1) and angle ``3.5 * pi * r + 2 * pi * c / classes``
    (1.75 turns, as TensorFlow Playground's spiral); ``noise`` is the std of Gaussian
    noise added to the points.
    """
    k = _checks.integer("classes", classes, low=2)
    samples, noise, seed, knobs = _door("spiral", samples, noise, seed, knobs, k)
    rng = stream(seed, "generate")
    y = _labels(_per_class(samples, k))
    r = rng.uniform(0.0, 1.0, samples)
    angle = 3.5 * np.pi * r + 2 * np.pi * y / k
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    return finish(_noisy(x, noise, rng), y, name="spiral", classes=_names(k), features=_XY,
                  seed=seed, knobs={"samples": samples, "noise": noise, "classes": k, **knobs})


@_generator
def gauss(samples: int = 500, *, noise: float = 0.0, seed: int = 0, **knobs) -> Dataset:
    """Two 2-D Gaussian blobs of std 0.5, class "0" at (-1, -1) and "1" at (1, 1).

    x float32 [sample, 2]; ``noise`` is the std of extra Gaussian noise added to the points.
    """
    samples, noise, seed, knobs = _door("gauss", samples, noise, seed, knobs, 2)
    rng = stream(seed, "generate")
    y = _labels(_per_class(samples, 2))
    x = rng.normal(0.0, 0.5, (samples, 2)) + np.where(y == 1, 1.0, -1.0)[:, None]
    return finish(_noisy(x, noise, rng), y, name="gauss", classes=_names(2), features=_XY,
                  seed=seed, knobs={"samples": samples, "noise": noise, **knobs})


@_generator
def gaussians(dims: int = 12, *, separation=None, covariance="identity",
              covariance_scale: float = 1.0, samples: int = 500, noise: float = 0.0,
              seed: int = 0, **knobs) -> Dataset:
    """Seed 002's mixture of two ``dims``-dimensional Gaussians, one per class, one covariance.

    Means ``1/i`` apart in dimension ``i = 1..dims`` (``-gap/2`` for class "0", ``+gap/2``
    for "1"), or ``separation`` apart in every dimension (a number) or per dimension (a
    sequence of ``dims`` numbers). Seed 002's text gives 1/i for its data-size and
    imbalance experiments and "1 in every dimension" for the rest; its code's default is 1.
    ``covariance``: "identity" (the default), "seed" (seed 002's code:
    ``c = covariance_scale * U[0,1)^(dims x dims)`` drawn from the data's ``seed``,
    ``cov = c^T c``) or a symmetric positive semi-definite [dims, dims] array.
    x float32 [sample, dims]; ``noise`` is the std of extra Gaussian noise added to the
    points. The best possible accuracy on this distribution (Phi of half the Mahalanobis
    distance between the means) is ``swarm.datasets.best_accuracy`` of the same arguments
    or of the Dataset: 0.734 for the defaults.
    """
    dims, separation, covariance, covariance_scale = _gaussians.check(
        dims, separation, covariance, covariance_scale)
    samples, noise, seed, knobs = _door("gaussians", samples, noise, seed, knobs, 2)
    rng = stream(seed, "generate")
    gap = _gaussians.gaps(dims, separation)
    y = _labels(_per_class(samples, 2))
    x = rng.standard_normal((samples, dims))
    a = _gaussians.factor(dims, covariance, covariance_scale, seed)
    if a is not None:
        x = x @ a
    x = x + np.where(y == 1, 0.5, -0.5)[:, None] * gap
    return finish(_noisy(x, noise, rng), y, name="gaussians", classes=_names(2),
                  features=tuple(f"x{i + 1}" for i in range(dims)), seed=seed,
                  knobs={"samples": samples, "noise": noise, "dims": dims,
                         "separation": separation, "covariance": covariance,
                         "covariance_scale": covariance_scale, **knobs})


@_generator
def alternating(points: int = 16, *, noise: float = 0.0, seed: int = 0, **knobs) -> Dataset:
    """Seed 002's ``points`` equally spaced points on [-1, 1] of alternating class.

    x float32 [sample, 1]; point j (from the left) has class ``j % 2``; ``noise`` is the
    std of Gaussian noise added to the positions. Pass ``test=0`` to train on all points,
    as seed 002 does.
    """
    points, noise, seed, knobs = _door("alternating", points, noise, seed, knobs, 2,
                                       count="points")
    x = np.linspace(-1.0, 1.0, points)[:, None]
    y = np.arange(points) % 2
    return finish(_noisy(x, noise, stream(seed, "generate")), y, name="alternating",
                  classes=_names(2), features=("x",), seed=seed,
                  knobs={"points": points, "noise": noise, **knobs})


@_generator
def digits(samples: int | None = None, *, noise: float = 0.0, seed: int = 0,
           **knobs) -> Dataset:
    """scikit-learn's bundled 8x8 handwritten digits: 1,797 images of 10 classes "0".."9".

    x float32 [sample, 64], pixel intensities 0..16 before ``standardize`` (features
    ``pixel_<row>_<col>``); ``image_shape`` (8, 8) while the pixels stay pixels (no
    ``dummy_dims`` or ``pca``). ``samples`` picks that many images at random (None: all);
    ``noise`` is the std of Gaussian noise added to the pixels.
    """
    from sklearn.datasets import load_digits

    samples, noise, seed, knobs = _door("digits", _DIGITS if samples is None else samples, noise,
                                        seed, knobs, 10, most=_DIGITS)
    bunch = load_digits()
    rng = stream(seed, "generate")
    x, y = bunch.data, bunch.target
    if samples < _DIGITS:
        pick = np.sort(rng.choice(_DIGITS, samples, replace=False))
        x, y = x[pick], y[pick]
    return finish(_noisy(x, noise, rng), y, name="digits", classes=_names(10),
                  features=tuple(bunch.feature_names), seed=seed, image_shape=(8, 8),
                  knobs={"samples": samples, "noise": noise, **knobs})


def get_dataset(name: str, **knobs) -> Dataset:
    """The dataset ``name`` (a key of :data:`DATASETS`) built with ``knobs``."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name](**knobs)
