"""Singular values and effective rank against known answers and numpy's SVD."""
import warnings

import numpy as np
import pytest
import torch

from swarm.metrics import effective_rank, singular_values, spectra
from swarm.testing import random_walk


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_effective_rank_of_the_identity_is_n(n):
    assert effective_rank(np.eye(n)) == pytest.approx(n)


def test_effective_rank_of_a_rank_one_matrix_is_one():
    assert effective_rank(np.outer([1.0, -2.0, 3.0], [0.5, 4.0, 1.0, 2.0])) == pytest.approx(1.0)


def test_effective_rank_is_exp_entropy_of_normalised_singular_values():
    p = np.array([0.75, 0.25])
    assert effective_rank(np.diag([3.0, 1.0])) == pytest.approx(np.exp(-(p * np.log(p)).sum()))
    assert effective_rank(np.diag([2.0, 2.0, 0.0])) == pytest.approx(2.0)
    assert effective_rank(np.zeros((3, 3))) == 0.0


def test_singular_values_of_a_diagonal_matrix_are_its_sorted_absolute_diagonal():
    np.testing.assert_allclose(singular_values(np.diag([1.0, -4.0, 2.5])), [4.0, 2.5, 1.0])


def test_batched_over_leading_dims_like_a_loop_over_numpy_svd():
    w = np.random.default_rng(0).normal(size=(3, 4, 5, 2))
    expected = np.array([[np.linalg.svd(m, compute_uv=False) for m in row] for row in w])
    np.testing.assert_allclose(singular_values(w), expected, rtol=1e-12)
    ranks = np.array([[np.exp(-np.sum((s / s.sum()) * np.log(s / s.sum()))) for s in row]
                      for row in expected])
    np.testing.assert_allclose(effective_rank(w), ranks, rtol=1e-12)


def test_rows_and_columns_have_their_norm_as_only_singular_value():
    w = np.random.default_rng(1).normal(size=(4, 1, 6))
    np.testing.assert_allclose(singular_values(w)[:, 0], np.linalg.norm(w[:, 0], axis=-1))
    np.testing.assert_allclose(singular_values(w.swapaxes(1, 2))[:, 0],
                               np.linalg.norm(w[:, 0], axis=-1))


def test_tensors_in_give_tensors_out():
    out = singular_values(torch.eye(3, dtype=torch.float32))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert isinstance(effective_rank(torch.eye(3)), torch.Tensor)


def test_non_finite_matrices_give_nan_quietly():
    w = np.stack([np.eye(3), np.full((3, 3), np.nan)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, r = singular_values(w), effective_rank(w)
    np.testing.assert_allclose(s[0], 1.0)
    assert np.isnan(s[1]).all() and r[0] == pytest.approx(3.0) and np.isnan(r[1])


def test_spectra_give_each_layers_singular_values_per_bee_and_epoch():
    rec = random_walk(3, 4, width=5, depth=2)
    out = spectra(rec)
    assert [s.shape for s in out] == [(3, 4, 1), (3, 4, 5), (3, 4, 1)]
    np.testing.assert_allclose(out[1][2, 3], np.linalg.svd(rec.weights(1)[2, 3].astype(np.float64),
                                                           compute_uv=False), rtol=1e-10)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="`W`"):
        singular_values(np.ones(3))
