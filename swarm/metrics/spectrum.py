"""Singular values and effective rank of weight matrices, batched over [bee, epoch].

Seed 000 asks whether training lowers the rank of the weight matrices; the
effective rank (exp of the entropy of the normalised singular values) answers
it with one number per matrix: 1 when one singular value holds all the energy,
n when n share it equally.
"""
from __future__ import annotations

import numpy as np
import torch

from swarm._threads import idle_core_threads
from swarm.metrics import _common
from swarm.recording import Recording

__all__ = ["singular_values", "effective_rank", "effective_rank_of", "spectra"]

_CHUNK_VALUES = 1 << 18  # weight values per batch of matrices in spectra


def singular_values(W):
    """Singular values, descending: [..., m, n] -> [..., min(m, n)].

    Numpy in gives float64 numpy out; a tensor in gives a tensor out. Matrices
    with non-finite entries give NaN rows instead of failing.
    """
    is_tensor = isinstance(W, torch.Tensor)
    w = W if is_tensor else torch.as_tensor(np.asarray(W, dtype=np.float64))
    if w.ndim < 2:
        raise ValueError(f"`W` must have shape [..., m, n], got shape {tuple(w.shape)}")
    if 1 in w.shape[-2:]:  # a row or column: its norm is its one singular value
        s = torch.linalg.vector_norm(w, dim=-1 if w.shape[-2] == 1 else -2)  # [..., 1]
    else:
        bad = ~torch.isfinite(w).all(-1).all(-1)
        s = torch.linalg.svdvals(torch.where(bad[..., None, None], 0.0, w))
        s = torch.where(bad[..., None], float("nan"), s)
    return s if is_tensor else s.numpy()


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
    out = []
    with idle_core_threads():
        for k in rec.layer_indices:
            w = rec.weights(k)
            flat = w.reshape((-1,) + w.shape[2:])
            step = max(1, _CHUNK_VALUES // max(1, flat[0].size))  # float64 copies stay small
            s = np.concatenate([singular_values(flat[i:i + step])
                                for i in range(0, len(flat), step)])
            out.append(s.reshape(w.shape[:2] + s.shape[1:]))
    return out


def effective_rank_of(s):
    """Effective rank from singular values [..., k] (numpy or torch) -> [...]; see :func:`effective_rank`."""
    is_tensor = isinstance(s, torch.Tensor)
    s = s if is_tensor else torch.as_tensor(s)
    total = s.sum(-1, keepdim=True)
    p = s / torch.where(total > 0, total, 1.0)
    rank = torch.exp(torch.special.entr(p).sum(-1))  # entr(0) = 0
    rank = torch.where(total[..., 0] > 0, rank, 0.0)
    rank = torch.where(torch.isnan(total[..., 0]), float("nan"), rank)
    if is_tensor:
        return rank
    out = rank.numpy()
    return out[()] if out.ndim == 0 else out  # one matrix: a numpy scalar
