"""gzip complexity: known extremes, gzip's own numbers, and the batched version."""
import gzip

import numpy as np
import pytest

from swarm.metrics import gzip_complexity, weight_complexity
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
    out = weight_complexity(rec)
    assert out.shape == (3, 4)
    for bee in range(3):
        for e in range(4):
            flat = np.concatenate([rec.weights(k)[bee, e].ravel() for k in rec.layer_indices])
            assert out[bee, e] == gzip_complexity(flat)
    with_biases = weight_complexity(rec, [1], biases=True, n_jobs=1)[1, 0]
    parts = [p[1, 1].ravel() for k in rec.layer_indices for p in (rec.weights(k), rec.biases(k))]
    assert with_biases == gzip_complexity(np.concatenate(parts))


def test_threads_and_levels_are_passed_on():
    rec = random_walk(4, 5, width=3, depth=1, seed=5)
    np.testing.assert_array_equal(weight_complexity(rec, n_jobs=1), weight_complexity(rec, n_jobs=2))
    fast = weight_complexity(rec, [2], level=1)
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
