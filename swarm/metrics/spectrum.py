"""Singular values and effective rank of weight matrices, batched over [bee, epoch].

Seed 000 asks whether training lowers the rank of the weight matrices; the
effective rank (exp of the entropy of the normalised singular values) answers
it with one number per matrix: 1 when one singular value holds all the energy,
n when n share it equally.

Accuracy (what every function here promises): singular values come from the
eigenvalues of the float64 Gram matrix W^T W (or W W^T, the smaller side),
1.5x-1.8x cheaper than an SVD per matrix (measured at 8 x 8 and 32 x 32). Those
eigenvalues are exact to about eps * sigma_1^2, so each singular value is within
``TOL * sigma_1`` of the SVD's (``TOL`` = 3e-8, about sqrt(eps); measured up to
64 x 64) and holds no relative accuracy below that: a singular value under
``TOL * sigma_1`` is returned as 0, so a rank-deficient matrix's zero singular
values stay exactly 0. Effective ranks agree with the SVD's to 1e-12 (relative)
when every singular value is 0 or above ~1e-4 sigma_1, and to 3e-6 at worst
(many singular values near the threshold). tests/test_metrics_spectrum.py checks
this against numpy's SVD.

The eigenvalues are LAPACK's (torch) for small batches and, from ``_COMPILED_FROM``
matrices x k^2 on, :mod:`swarm.metrics._eigen`'s: the same algorithms compiled,
~1.8x sooner per matrix, within a few eps of the largest eigenvalue of LAPACK's,
so the rule above holds for both (the tests run on both). On the depth-6 width-32
recording of issue 23 the two routes' singular values differ by at most 1.5e-9
sigma_1 (300,000 matrices: 11.1 -> 8.0 s of CPU).
"""
from __future__ import annotations

import warnings

import numpy as np
import torch

from swarm._threads import map_cores
from swarm.metrics import _common
from swarm.recording import Recording

__all__ = ["singular_values", "effective_rank", "effective_rank_of", "spectra"]

TOL = 3e-8  # singular values below TOL * sigma_1 are 0: the Gram route's resolution
_CHUNK_VALUES = 1 << 18  # weight values per batch of matrices: float64 copies stay in cache
# matrices x k^2 from which the compiled eigenvalues (swarm.metrics._eigen, ~1.8x sooner
# than LAPACK's) are used: LAPACK's ~0.25 s of work, 8,000 32 x 32 or 130,000 8 x 8 (the
# time a matrix saves grows about as k^2: 1.4 us at 8 x 8, 16 us at 32 x 32). Loading
# numba and the cached code (~0.3 s, once per process) is repaid within a recording's
# layers, or at once where breakpoints have loaded it. Measured for issue 23: a 500 x 400
# depth-3 recording's spectra (two layers of 200,000 8 x 8) 0.65 -> 0.43 s on both cores
_COMPILED_FROM = 1 << 23


def singular_values(W):
    """Singular values, descending: [..., m, n] -> [..., min(m, n)], to the module's accuracy rule.

    Numpy in gives float64 numpy out; a tensor in gives a tensor of its dtype out.
    Matrices with non-finite entries give NaN rows instead of failing. Large
    batches run in chunks on every core (:func:`swarm._threads.map_cores`).
    """
    is_tensor = isinstance(W, torch.Tensor)
    if is_tensor:
        w = W
    else:
        a = np.asarray(W)
        a = a if a.dtype in (np.float32, np.float64) else a.astype(np.float64)
        with warnings.catch_warnings():  # a read-only array (a memory map) is only read here
            warnings.filterwarnings("ignore", "The given NumPy array is not writable")
            w = torch.as_tensor(a)
    if w.ndim < 2:
        raise ValueError(f"`W` must have shape [..., m, n], got shape {tuple(w.shape)}")
    dtype = w.dtype if is_tensor and w.dtype.is_floating_point else torch.float64
    m, n = w.shape[-2:]
    if 1 in (m, n):  # a row or column: its norm is its one singular value
        s = torch.linalg.vector_norm(w.to(torch.float64), dim=-1 if m == 1 else -2)  # [..., 1]
    else:
        flat = w.reshape((-1, m, n))
        s = torch.empty((len(flat), min(m, n)), dtype=torch.float64, device=w.device)
        step = max(1, _CHUNK_VALUES // (m * n))
        compiled = w.device.type == "cpu" and len(flat) * min(m, n) ** 2 >= _COMPILED_FROM

        def chunk(start: int) -> None:
            s[start:start + step] = _gram_singular_values(flat[start:start + step], compiled)

        starts = range(0, len(flat), step)
        if w.device.type == "cpu" and len(starts) > 1:
            map_cores(chunk, starts)
        else:
            for start in starts:
                chunk(start)
        s = s.reshape(w.shape[:-2] + (min(m, n),))
    s = s.to(dtype)
    return s if is_tensor else s.numpy()


def _gram_singular_values(w: torch.Tensor, compiled: bool = False) -> torch.Tensor:
    """float64 [b, k] descending singular values of [b, m, n] (k = min(m, n)) from the Gram matrix
    (its eigenvalues by :func:`_eigvalsh`, ``compiled`` or LAPACK's).

    Entries of float32 or narrower square and sum in float64 without overflow or
    underflow, so the Gram matrix's trace (the squared Frobenius norm) is finite
    exactly when the matrix is. float64 matrices are first scaled by a power of
    two near their largest entry (exact), so that squaring loses nothing.
    """
    scale = None
    if w.dtype == torch.float64:
        top = torch.maximum(w.amax((-2, -1)), -w.amin((-2, -1)))  # max |w|; NaN/inf if not finite
        bad = ~torch.isfinite(top)
        _, exponent = torch.frexp(torch.where(bad | (top == 0), 1.0, top))
        scale = torch.ldexp(torch.ones_like(top), exponent)
        gram = _gram(torch.where(bad[:, None, None], 0.0, w / scale[:, None, None]))
    else:
        gram = _gram(w.to(torch.float64))
        bad = ~torch.isfinite(gram.diagonal(0, -2, -1).sum(-1))
        if bad.any():
            gram[bad] = 0.0
    s = _eigvalsh(gram, compiled).clamp_(min=0.0).sqrt_().flip(-1)  # descending
    s.masked_fill_(s < TOL * s[:, :1], 0.0)
    if scale is not None:
        s *= scale[:, None]
    return s.masked_fill_(bad[:, None], float("nan"))


def _eigvalsh(gram: torch.Tensor, compiled: bool) -> torch.Tensor:
    """Ascending eigenvalues float64 [b, k] of the finite symmetric float64 ``gram`` [b, k, k]:
    LAPACK's (torch), or with ``compiled`` :mod:`swarm.metrics._eigen`'s (the same
    algorithms, within a few eps of the largest eigenvalue of LAPACK's; a matrix it
    flags as not converged goes to LAPACK)."""
    if not compiled:
        return torch.linalg.eigvalsh(gram)
    from swarm.metrics import _eigen  # numba: only for batches where it pays

    values, ok = _eigen.eigvalsh(gram.contiguous().numpy())
    out = torch.from_numpy(values)
    if not ok.all():
        again = torch.from_numpy(~ok)
        out[again] = torch.linalg.eigvalsh(gram[again])
    return out


def _gram(w: torch.Tensor) -> torch.Tensor:
    """W^T W or W W^T, whichever is smaller: [b, m, n] -> [b, k, k]."""
    return w.mT @ w if w.shape[-2] >= w.shape[-1] else w @ w.mT


def effective_rank(W):
    """exp(entropy of s / sum(s)) of each matrix's singular values s: [..., m, n] -> [...].

    1 for rank one, n for n equal singular values (the identity); 0 for a zero
    matrix; NaN where the matrix is not finite. Given a Recording, every layer's at
    every recorded epoch: ``{"layer0": float64 [bee, epoch], ...}``.
    """
    if isinstance(W, Recording):
        rec = W
        return {f"layer{k}": np.asarray(effective_rank_of(s), dtype=np.float64)
                for k, s in zip(rec.layer_indices, spectra(rec))}
    return effective_rank_of(singular_values(W))


def spectra(rec) -> list[np.ndarray]:
    """Singular values of every layer's weights at every recorded epoch.

    Returns a list indexed by layer of float64 [bee, epoch, min(out, in)].
    """
    rec = _common.check_recording(rec)
    return [singular_values(rec.weights(k)) for k in rec.layer_indices]


def effective_rank_of(s):
    """Effective rank from singular values [..., k] (numpy or torch) -> [...]; see :func:`effective_rank`.

    Large batches run in chunks on every core, single-threaded inside (torch's
    own threads, when the cores are busy, spin longer than these few passes take).
    """
    is_tensor = isinstance(s, torch.Tensor)
    s = s if is_tensor else torch.as_tensor(s)
    if s.ndim == 0 or s.numel() == 0:
        rank = _entropy_rank(s)
    else:
        flat = s.reshape(-1, s.shape[-1])
        step = max(1, _CHUNK_VALUES // s.shape[-1])
        starts = range(0, len(flat), step)
        if s.device.type == "cpu" and len(starts) > 1:
            rank = torch.cat(map_cores(lambda i: _entropy_rank(flat[i:i + step]), starts))
        else:
            rank = _entropy_rank(flat)
        rank = rank.reshape(s.shape[:-1])
    if is_tensor:
        return rank
    out = rank.numpy()
    return out[()] if out.ndim == 0 else out  # one matrix: a numpy scalar


def _entropy_rank(s: torch.Tensor) -> torch.Tensor:
    """exp(entropy of s / sum(s)), [..., k] -> [...]: 0 for all zeros, NaN for NaN."""
    total = s.sum(-1, keepdim=True)
    p = s / torch.where(total > 0, total, 1.0)
    rank = torch.exp(torch.special.entr(p).sum(-1))  # entr(0) = 0
    rank = torch.where(total[..., 0] > 0, rank, 0.0)
    return torch.where(torch.isnan(total[..., 0]), float("nan"), rank)
