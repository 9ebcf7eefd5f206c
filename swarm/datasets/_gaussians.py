"""Seed 002's Gaussian mixture: its means' gap, its covariance and its best possible accuracy.

One place for the three, so that ``gaussians`` draws exactly the distribution whose
best possible (Bayes) accuracy ``best_accuracy`` states. Seed 002's published code
draws ``c = covariance_scale * U[0,1)^(d x d)`` and uses ``cov = c^T c`` for both
classes; ``covariance="seed"`` does the same from the data's seed.
"""
from __future__ import annotations

import math

import numpy as np

from swarm.datasets import _checks
from swarm.datasets._knobs import stream

__all__ = ["COVARIANCES", "check", "gaps", "factor", "covariance_matrix", "best_accuracy"]

COVARIANCES = ("identity", "seed")
_TOLERANCE = 1e-9  # relative: symmetry of a given covariance, rank of a singular one


def _separation(dims: int, separation):
    """``separation`` checked: None, a number > 0, or ``dims`` numbers >= 0 (not all 0)."""
    rule = "`separation` must be None, a number > 0 or one number >= 0 per dimension"
    if separation is None:
        return None
    if np.ndim(separation) == 0:
        try:
            return _checks.number("separation", separation, low=0.0, low_open=True)
        except ValueError:
            raise ValueError(f"{rule}, got {separation!r}") from None
    try:
        values = np.asarray(separation, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(rule) from None
    if values.shape != (dims,) or not np.all(np.isfinite(values)) or np.any(values < 0) \
            or not np.any(values > 0):
        raise ValueError(f"`separation` as a sequence must hold {dims} finite numbers >= 0 "
                         f"(one per dimension, not all 0), got shape {values.shape}")
    return [float(v) for v in values]


def _covariance(dims: int, covariance):
    """``covariance`` checked: a name of COVARIANCES or a symmetric PSD [dims, dims] array
    (returned as a list of lists, JSON-able for the recording)."""
    if isinstance(covariance, str):
        if covariance not in COVARIANCES:
            raise ValueError(f"unknown `covariance` {covariance!r}; choose one of "
                             f"{', '.join(COVARIANCES)} or pass a [dims, dims] array")
        return covariance
    try:
        cov = np.asarray(covariance, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("`covariance` must be 'identity', 'seed' or a [dims, dims] array of "
                         "numbers") from None
    if cov.shape != (dims, dims) or not np.all(np.isfinite(cov)):
        raise ValueError(f"`covariance` as an array must be [{dims}, {dims}] finite numbers, "
                         f"got shape {cov.shape}")
    size = float(np.abs(cov).max()) or 1.0
    if np.abs(cov - cov.T).max() > _TOLERANCE * size:
        raise ValueError("`covariance` must be symmetric")
    if np.linalg.eigvalsh(cov).min() < -_TOLERANCE * size * dims:
        raise ValueError("`covariance` must be positive semi-definite (it has a negative "
                         "eigenvalue)")
    return cov.tolist()


def check(dims, separation, covariance, covariance_scale):
    """The mixture's own arguments checked at the door: (dims, separation, covariance, scale)."""
    dims = _checks.integer("dims", dims, low=1)
    return (dims, _separation(dims, separation), _covariance(dims, covariance),
            _checks.number("covariance_scale", covariance_scale, low=0.0, low_open=True))


def gaps(dims: int, separation) -> np.ndarray:
    """The means' difference (class "1" minus class "0") [dim]: ``1/i`` in dimension i when
    ``separation`` is None, else ``separation`` in every dimension (or per dimension)."""
    if separation is None:
        return 1.0 / np.arange(1, dims + 1)
    return np.broadcast_to(np.asarray(separation, dtype=np.float64), (dims,)).copy()


def factor(dims: int, covariance, covariance_scale: float, seed: int):
    """A [dims, dims] with ``cov = A^T A`` (so ``z @ A`` has covariance ``cov`` for standard
    normal rows z), or None for the identity. "seed" draws ``A = c`` from the data's seed."""
    if covariance == "identity":
        return None
    if covariance == "seed":
        return covariance_scale * stream(seed, "covariance").random((dims, dims))
    values, vectors = np.linalg.eigh(np.asarray(covariance, dtype=np.float64))
    return np.sqrt(np.clip(values, 0.0, None))[:, None] * vectors.T


def covariance_matrix(dims: int, covariance="identity", covariance_scale: float = 1.0,
                      seed: int = 0, noise: float = 0.0) -> np.ndarray:
    """Each class's covariance [dims, dims] (both share it), ``noise``'s variance included."""
    a = factor(dims, covariance, covariance_scale, seed)
    cov = np.eye(dims) if a is None else a.T @ a
    return cov + noise**2 * np.eye(dims)


def best_accuracy(dims=12, *, separation=None, covariance="identity",
                  covariance_scale: float = 1.0, noise: float = 0.0, seed: int = 0) -> float:
    """The best possible (Bayes) accuracy on ``gaussians(dims, ...)``'s distribution.

    Two equally likely classes with one covariance Sigma: the optimal rule is a plane
    and reaches ``Phi(Delta / 2)``, Delta the Mahalanobis distance between the means,
    ``Delta^2 = g^T Sigma^-1 g``. Takes ``gaussians``' own arguments (the same ``seed``
    gives the same drawn covariance), or a Dataset that ``gaussians`` built (its knobs are
    read). Equal priors: the balanced test split's best accuracy; ``imbalance``,
    ``random_labels`` and ``dummy_dims`` do not change it, a ``pca`` projection can lower it.
    A singular Sigma that leaves part of g outside its range separates the classes: 1.0.
    """
    from swarm.datasets._dataset import Dataset

    if isinstance(dims, Dataset):
        if dims.name != "gaussians":
            raise ValueError(f"best_accuracy knows gaussians datasets only, got {dims.name!r}")
        k = dims.knobs
        return best_accuracy(k["dims"], separation=k["separation"], covariance=k["covariance"],
                             covariance_scale=k["covariance_scale"], noise=k["noise"],
                             seed=k["seed"])
    dims, separation, covariance, covariance_scale = check(dims, separation, covariance,
                                                           covariance_scale)
    noise = _checks.number("noise", noise, low=0.0)
    seed = _checks.seed(seed)
    cov = covariance_matrix(dims, covariance, covariance_scale, seed, noise)
    values, vectors = np.linalg.eigh(cov)
    along = vectors.T @ gaps(dims, separation)
    kept = values > _TOLERANCE * max(float(values.max()), 0.0)
    if np.any(np.abs(along[~kept]) > 1e-12 * np.linalg.norm(along)):
        return 1.0
    delta = math.sqrt(float(np.sum(along[kept] ** 2 / values[kept])))
    return 0.5 * math.erfc(-delta / 2 / math.sqrt(2))
