"""gzip complexity: known extremes, gzip's own numbers, the batched version, and its
faster default compressor ranked against gzip."""
import gzip
import warnings

import numpy as np
import pytest
from scipy.stats import spearmanr
from zlib_ng import zlib_ng

import swarm
from swarm.metrics import complexity, gzip_complexity, weight_complexity
from swarm.testing import random_walk


def test_zeros_compress_to_almost_nothing_and_noise_hardly_at_all():
    assert gzip_complexity(np.zeros(2000)) < 0.01
    noise = np.random.default_rng(0).normal(size=2000)
    assert 0.9 < gzip_complexity(noise) < 1.05


@pytest.mark.parametrize("level", [1, 6, 9])
def test_it_is_gzips_compressed_size_over_the_float64_size(level):
    a = np.round(np.random.default_rng(1).normal(size=(7, 9)), 2).astype(np.float32)
    raw = a.astype("<f8").tobytes()
    expected = len(gzip.compress(raw, compresslevel=level, mtime=0)) / len(raw)
    assert gzip_complexity(a, level=level) == expected


def test_weight_complexity_is_gzip_complexity_of_each_bees_weights_at_each_epoch():
    rec = random_walk(3, 4, width=4, depth=2, seed=2)
    out = weight_complexity(rec, compressor="gzip")
    assert out.shape == (3, 4)
    for bee in range(3):
        for e in range(4):
            flat = np.concatenate([rec.weights(k)[bee, e].ravel() for k in rec.layer_indices])
            assert out[bee, e] == gzip_complexity(flat)
    with_biases = weight_complexity(rec, [1], biases=True, compressor="gzip", n_jobs=1)[1, 0]
    parts = [p[1, 1].ravel() for k in rec.layer_indices for p in (rec.weights(k), rec.biases(k))]
    assert with_biases == gzip_complexity(np.concatenate(parts))


def test_threads_and_levels_are_passed_on():
    rec = random_walk(4, 5, width=3, depth=1, seed=5)
    np.testing.assert_array_equal(weight_complexity(rec, n_jobs=1), weight_complexity(rec, n_jobs=2))
    fast = weight_complexity(rec, [2], level=1, compressor="gzip")
    assert fast[3, 0] == gzip_complexity(np.concatenate([rec.weights(k)[3, 2].ravel()
                                                         for k in rec.layer_indices]), level=1)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="`a`"):
        gzip_complexity(np.zeros(0))
    rec = random_walk(2, 2, width=2, depth=1)
    with pytest.raises(ValueError, match="`n_jobs`"):
        weight_complexity(rec, n_jobs=0)
    with pytest.raises(ValueError, match="`epochs`"):
        weight_complexity(rec, epochs=[5])
    with pytest.raises(ValueError, match="`level`"):
        weight_complexity(rec, level=0)
    with pytest.raises(ValueError, match="`compressor`"):
        weight_complexity(rec, compressor="zstd")


def test_the_default_is_zlib_ngs_size_of_each_network():
    rec = random_walk(3, 4, width=4, depth=2, seed=3)
    out = weight_complexity(rec, biases=True)
    for bee in range(3):
        for e in range(4):
            raw = np.concatenate([p[bee, e].ravel() for k in rec.layer_indices
                                  for p in (rec.weights(k), rec.biases(k))]).astype("<f8")
            assert out[bee, e] == len(zlib_ng.compress(raw.tobytes(), 9, 31)) / raw.nbytes
    np.testing.assert_array_equal(out, weight_complexity(rec, biases=True, n_jobs=1))


def _ranks_alike(fast, exact):
    """Spearman's rho of zlib-ng's against gzip's values: overall, over the bees at each
    epoch, over the epochs of each bee (the lowest)."""
    overall = spearmanr(fast.ravel(), exact.ravel())[0]
    bees = min(spearmanr(fast[:, e], exact[:, e])[0] for e in range(exact.shape[1]))
    epochs = min(spearmanr(fast[b], exact[b])[0] for b in range(exact.shape[0]))
    return overall, bees, epochs


def test_zlib_ng_ranks_random_walks_as_gzip_does():
    rec = random_walk(30, 20, width=8, depth=3, step=0.05, seed=4)
    fast, exact = weight_complexity(rec), weight_complexity(rec, compressor="gzip")
    overall, bees, epochs = _ranks_alike(fast, exact)
    assert overall > 0.999 and bees > 0.99 and epochs > 0.99


@pytest.mark.parametrize("target, shape", [("sin", dict(width=8, depth=3, lr=0.05)),
                                           ("moons", dict(width=16, depth=2, lr=0.1))])
def test_zlib_ng_ranks_a_trained_swarm_as_gzip_does(target, shape):
    """The seed's use: complexity changing over the epochs as the bees learn."""
    rec = swarm.train(target, bees=20, epochs=30, progress=False, **shape)
    fast, exact = weight_complexity(rec), weight_complexity(rec, compressor="gzip")
    overall, bees, epochs = _ranks_alike(fast, exact)
    assert overall > 0.999 and bees > 0.99 and epochs > 0.99


def test_without_zlib_ng_gzip_compresses_and_says_so_once(monkeypatch):
    monkeypatch.setattr(complexity, "_zlib_ng", None)
    complexity._say_fallback.cache_clear()
    rec = random_walk(2, 3, width=3, depth=1, seed=6)
    with pytest.warns(RuntimeWarning, match="zlib-ng"):
        out = weight_complexity(rec)
    np.testing.assert_array_equal(out, weight_complexity(rec, compressor="gzip"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weight_complexity(rec)
    complexity._say_fallback.cache_clear()


@pytest.mark.parametrize("bees, epochs, chosen", [(40, 3, [2, 0]), (2, 9, slice(1, None, 2))])
def test_runs_of_bees_or_epochs_give_each_networks_own_size(bees, epochs, chosen):
    rec = random_walk(bees, epochs, width=3, depth=2, seed=7)
    out = weight_complexity(rec, chosen, compressor="gzip", n_jobs=2)
    picked = np.arange(epochs)[chosen]
    assert out.shape == (bees, picked.size)
    for bee in range(bees):
        for j, e in enumerate(picked):
            flat = np.concatenate([rec.weights(k)[bee, e].ravel() for k in rec.layer_indices])
            assert out[bee, j] == gzip_complexity(flat)
