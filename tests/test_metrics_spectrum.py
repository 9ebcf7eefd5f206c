"""Singular values and effective rank against known answers and numpy's SVD."""
import warnings

import numpy as np
import pytest
import torch

from swarm.metrics import effective_rank, singular_values, spectra
from swarm.metrics import spectrum as _spectrum
from swarm.testing import random_walk


@pytest.fixture(autouse=True, params=["lapack", "compiled"])
def eigenvalues(request, monkeypatch):
    """Every test twice: LAPACK's eigenvalues, and the compiled ones (swarm.metrics._eigen)
    for every batch (they otherwise start at _COMPILED_FROM)."""
    if request.param == "compiled":
        monkeypatch.setattr(_spectrum, "_COMPILED_FROM", 0)
    return request.param


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


# --- the accuracy rule (swarm.metrics.spectrum's docstring) against numpy's SVD ---

def _with_spectrum(rng, m, n, s):
    """An m x n matrix whose singular values are s (descending), in random bases."""
    k = min(m, n)
    u, _ = np.linalg.qr(rng.normal(size=(m, m)))
    v, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return u[:, :k] @ np.diag(s) @ v[:k]


def _entropy_rank(s):
    p = s / s.sum(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.exp(-np.where(p > 0, p * np.log(p), 0.0).sum(-1))


def _spectra_kinds(rng, m, n):
    k = min(m, n)
    yield "normal", rng.normal(size=(m, n)), 1e-12
    yield "exponential", _with_spectrum(rng, m, n, np.sort(rng.exponential(size=k))[::-1]), 1e-12
    r = max(1, k // 3)
    yield "rank-deficient", rng.normal(size=(m, r)) @ rng.normal(size=(r, n)), 1e-12
    yield "spread to 1e-14", _with_spectrum(rng, m, n, np.logspace(0, -14, k)), 3e-6
    yield "half near the threshold", _with_spectrum(
        rng, m, n, np.r_[np.logspace(0, -3, k - k // 2), np.full(k // 2, 4e-8)]), 3e-6


@pytest.mark.parametrize("m, n", [(2, 2), (8, 8), (32, 32), (48, 48), (32, 12), (5, 40)])
@pytest.mark.parametrize("scale", [1e-120, 1e-3, 1.0, 1e150])
def test_singular_values_and_effective_rank_within_the_stated_accuracy(m, n, scale):
    from swarm.metrics.spectrum import TOL

    rng = np.random.default_rng(m * 100 + n)
    for kind, w, rank_rtol in _spectra_kinds(rng, m, n):
        w = w * scale
        want = np.linalg.svd(w, compute_uv=False)
        got = singular_values(w)
        assert np.abs(got - want).max() <= 1.5 * TOL * want[0], kind
        assert (got[want < 1e-12 * want[0]] == 0).all(), kind  # zeros stay zeros
        np.testing.assert_allclose(effective_rank(w), _entropy_rank(want), rtol=rank_rtol,
                                   err_msg=kind)


def test_small_singular_values_below_the_threshold_are_zero_and_above_it_kept():
    from swarm.metrics.spectrum import TOL

    s = singular_values(np.diag([1.0, 0.5, 1e3 * TOL, 0.1 * TOL]))
    np.testing.assert_allclose(s[:3], [1.0, 0.5, 1e3 * TOL], rtol=1e-6)
    assert s[3] == 0.0


def test_many_matrices_in_chunks_on_every_core_match_numpy_one_by_one():
    from swarm.metrics.spectrum import _CHUNK_VALUES

    count = 37 * (2 * _CHUNK_VALUES // 64 // 37 + 1)  # three chunks of 8 x 8, the last one short
    w = np.random.default_rng(5).normal(size=(count, 8, 8)).astype(np.float32)
    w[17] = np.nan
    w[count - 1, 2, 3] = np.inf
    w[100] = 0.0
    got = singular_values(w.reshape(count // 37, 37, 8, 8)).reshape(count, 8)
    assert np.isnan(got[[17, count - 1]]).all()
    assert (got[100] == 0).all()
    ok = np.ones(count, bool)
    ok[[17, count - 1]] = False
    want = np.linalg.svd(w[ok].astype(np.float64), compute_uv=False)
    assert np.abs(got[ok] - want).max() <= 1e-7 * want[:, :1].max()
    np.testing.assert_allclose(got[ok], want, rtol=1e-6, atol=0)  # well conditioned: relative too


def test_float32_tensors_give_float32_within_their_rounding():
    w = torch.randn(6, 7, 5, generator=torch.Generator().manual_seed(3))
    got = singular_values(w)
    assert got.dtype == torch.float32 and got.shape == (6, 5)
    want = np.linalg.svd(w.double().numpy(), compute_uv=False)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    one = singular_values(torch.tensor([[float("inf"), 0.0], [0.0, 1.0]]))
    assert torch.isnan(one).all()


def test_huge_and_tiny_float64_matrices_keep_their_singular_values():
    np.testing.assert_allclose(singular_values(np.diag([1e200, 1e199, 0.0])), [1e200, 1e199, 0.0])
    np.testing.assert_allclose(singular_values(np.diag([1e-200, 3e-201])), [1e-200, 3e-201])
    assert effective_rank(np.diag([1e-200, 1e-200])) == pytest.approx(2.0)


def test_read_only_arrays_are_read_quietly():
    w = np.random.default_rng(6).normal(size=(3, 4, 4)).astype(np.float32)
    w.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = singular_values(w)
    np.testing.assert_allclose(got, np.linalg.svd(w.astype(np.float64), compute_uv=False),
                               rtol=1e-6)


@pytest.mark.parametrize("n", [2, 3, 7, 32, 64])
@pytest.mark.parametrize("count", [1, 3, 5, 9])
def test_compiled_eigenvalues_match_numpys_for_any_batch(n, count):
    # count not a multiple of the lanes: the last group's spare lanes must not leak
    from swarm.metrics import _eigen

    rng = np.random.default_rng(n * 10 + count)
    w = rng.normal(size=(count, n, n))
    w[0, :, n // 2:] = 0.0  # rank-deficient
    gram = w.transpose(0, 2, 1) @ w
    got, ok = _eigen.eigvalsh(gram)
    want = np.linalg.eigvalsh(gram)
    assert ok.all() and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * want[:, -1:].max())


def test_matrices_the_compiled_eigenvalues_flag_go_to_lapack(monkeypatch):
    from swarm.metrics import _eigen

    def flagging(gram):
        values, ok = real(gram)
        values[1::2] = -1.0  # garbage where not converged: must not be used
        ok[1::2] = False
        return values, ok

    real = _eigen.eigvalsh
    monkeypatch.setattr(_eigen, "eigvalsh", flagging)
    monkeypatch.setattr(_spectrum, "_COMPILED_FROM", 0)
    w = np.random.default_rng(3).normal(size=(6, 5, 5))
    np.testing.assert_allclose(singular_values(w), np.linalg.svd(w, compute_uv=False),
                               rtol=0, atol=1e-12)
