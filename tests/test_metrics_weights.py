"""Weight density, relative change, change correlation and PCA against hand computations."""
import warnings

import numpy as np
import pytest

from swarm.metrics import delta_w_correlation, relative_weight_change, weight_density, weight_pca
from swarm.testing import from_params, random_walk


def _layers(rec):
    return [rec.weights(k).reshape(rec.num_bees, rec.num_epochs, -1) for k in rec.layer_indices]


def test_density_is_numpys_histogram_of_the_live_bees_per_epoch_with_shared_edges():
    diverged = np.array([False, False, True])
    rec = random_walk(3, 5, width=4, depth=2, step=0.2, diverged=diverged)
    assert rec["diverged_at"][2] == 4  # bee 2 counts in epochs 0..3, not in 4
    counts, edges = weight_density(rec, bins=9)
    every = np.concatenate(_layers(rec), -1)  # [bee, epoch, n]
    live = [every[:, e] if e < 4 else every[~diverged, e] for e in range(5)]
    values = np.concatenate([v.ravel() for v in live])
    np.testing.assert_allclose(edges, np.linspace(values.min(), values.max(), 10), rtol=1e-6)
    for e in range(5):
        np.testing.assert_array_equal(counts[e], np.histogram(live[e], edges)[0])
    one, _ = weight_density(rec, layer=1, bins=edges)
    for e in range(5):
        bees = slice(None) if e < 4 else ~diverged
        np.testing.assert_array_equal(one[e], np.histogram(_layers(rec)[1][bees, e], edges)[0])


def test_density_leaves_non_finite_diverged_bees_out_quietly():
    rec = random_walk(2, 3, width=3, depth=1)
    arrays = dict(rec)
    arrays["layer0.weight"] = arrays["layer0.weight"].copy()
    arrays["layer0.weight"][1] = np.nan
    arrays["diverged"] = np.array([False, True])
    bad = type(rec)(arrays, rec.meta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts, _ = weight_density(bad, bins=4)
    assert (counts.sum(1) == 3 + 3).all()  # bee 0's 3 + 3 weights per epoch


def test_relative_change_of_a_constant_recording_is_zero():
    w = [np.tile(np.random.default_rng(0).normal(size=(2, 1, 3, 1)), (1, 4, 1, 1)),
         np.tile(np.random.default_rng(1).normal(size=(2, 1, 1, 3)), (1, 4, 1, 1))]
    rec = from_params(w, [np.zeros((2, 4, 3)), np.zeros((2, 4, 1))])
    out = relative_weight_change(rec)
    assert out.shape == (2, 4, 2)
    assert np.isnan(out[:, 0]).all() and (out[:, 1:] == 0).all()


def test_relative_change_is_the_l1_change_over_the_l1_size():
    w0 = np.array([[1.0], [-2.0]])[None, None].repeat(2, 1)
    w0[0, 1] = [[1.5], [-1.0]]
    w1 = np.zeros((1, 2, 1, 2))  # all zero and unchanged: 0
    rec = from_params([w0, w1], [np.zeros((1, 2, 2)), np.zeros((1, 2, 1))])
    out = relative_weight_change(rec)
    np.testing.assert_allclose(out[0, 1], [(0.5 + 1.0) / 3.0, 0.0])


def test_change_correlation_is_one_for_layers_that_change_alike():
    rng = np.random.default_rng(2)
    start = [rng.normal(size=(2, 1, 4, 1)), rng.normal(size=(2, 1, 1, 4))]
    step = rng.normal(size=(2, 3, 4))  # layer 1 moves by twice layer 0's steps, reordered
    w = [start[0] + np.concatenate([np.zeros((2, 1, 4)), step.cumsum(1)], 1)[..., None],
         start[1] + 2 * np.concatenate([np.zeros((2, 1, 4)), step.cumsum(1)[..., ::-1]], 1)[:, :, None]]
    rec = from_params(w, [np.zeros((2, 4, 4)), np.zeros((2, 4, 1))])
    out = delta_w_correlation(rec)
    assert out.shape == (4, 1) and np.isnan(out[0, 0])
    np.testing.assert_allclose(out[1:, 0], 1.0, atol=1e-6)


def test_change_correlation_averages_pearson_of_quantiles_over_bees_and_pairs():
    rec = random_walk(3, 4, width=5, depth=2, step=0.3, seed=7)
    out = delta_w_correlation(rec, quantiles=11)
    q = np.linspace(0, 1, 11)
    w = [a.astype(np.float64) for a in _layers(rec)]
    qs = [np.quantile(np.abs(a - a[:, :1]), q, axis=-1) for a in w]  # [q, bee, epoch]

    def corr(i, j, bee, e):
        return np.corrcoef(qs[i][:, bee, e], qs[j][:, bee, e])[0, 1]
    for e in range(1, 4):
        d1 = np.mean([corr(i, i + 1, bee, e) for i in range(2) for bee in range(3)])
        d2 = np.mean([corr(0, 2, bee, e) for bee in range(3)])
        np.testing.assert_allclose(out[e], [d1, d2], rtol=1e-9)


def test_pca_of_motion_along_one_line_has_one_component():
    t = np.random.default_rng(3).normal(size=(4, 6))  # each bee's position on the line
    direction = np.random.default_rng(4).normal(size=4)
    flat = 0.3 + t[..., None] * direction  # [bee, epoch, 4]: 2 weights of layer 0, 2 of layer 1
    w = [flat[..., :2, None], flat[..., None, 2:]]
    rec = from_params(w, [np.zeros((4, 6, 2)), np.zeros((4, 6, 1))])
    pca = weight_pca(rec, components=2)
    assert pca.explained[0] == pytest.approx(1.0, abs=1e-6)
    assert pca.explained[1] == pytest.approx(0.0, abs=1e-6)
    along = (t - t.mean()) * np.linalg.norm(direction)
    sign = np.sign(pca.trajectories[0, 0, 0] * along[0, 0])
    np.testing.assert_allclose(pca.trajectories[..., 0], sign * along, atol=1e-4)
    np.testing.assert_allclose(np.abs(pca.components[0]),
                               np.abs(direction) / np.linalg.norm(direction), atol=1e-5)


def test_pca_projects_all_bees_on_a_basis_fitted_without_the_diverged():
    rec = random_walk(4, 5, width=3, depth=1, step=0.1, diverged=[False, False, False, True])
    pca = weight_pca(rec, layer=0, components=3)
    x = rec.weights(0).reshape(4, 5, -1).astype(np.float64)
    fit = x[:3].reshape(-1, 3)
    np.testing.assert_allclose(pca.mean, fit.mean(0), rtol=1e-6)
    np.testing.assert_allclose(pca.trajectories, (x - pca.mean) @ pca.components.T, atol=1e-6)
    np.testing.assert_allclose(pca.components @ pca.components.T, np.eye(3), atol=1e-10)
    assert pca.explained.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("call, match", [
    (lambda r: weight_density(r, layer=5), "`layer`"),
    (lambda r: weight_pca(r, components=0), "`components`"),
    (lambda r: delta_w_correlation(r, quantiles=1), "`quantiles`"),
])
def test_bad_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call(random_walk(2, 3, width=2, depth=1))


def _tricky_values(rng, edges, size):
    """float32 values on, beside and between the edges; zeros, tiny, huge and non-finite ones."""
    with np.errstate(over="ignore"):
        e32 = edges.astype(np.float32)
        spread = rng.uniform(edges[0] - 1, edges[-1] + 1, size).astype(np.float32)
    beside = np.concatenate([e32, np.nextafter(e32, np.float32(np.inf)),
                             np.nextafter(e32, np.float32(-np.inf))])
    special = np.array([0.0, -0.0, 1e-45, -1e-45, 1e-39, -1e-39, 3e38, -3e38,
                        np.inf, -np.inf, np.nan], dtype=np.float32)
    nans = np.array([0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF812345],  # quiet, signalling
                    dtype=np.uint32).view(np.float32)
    return np.concatenate([beside, special, nans, spread])


@pytest.mark.parametrize("edges", [
    np.linspace(-0.7, 0.9, 61),  # equal bins, as the weights panel asks for
    np.linspace(-1.0, 1.0, 9),  # an edge at exactly 0
    np.array([-3.0, -0.1, 1e-30, 0.1 + 0.2, 0.3333333333333333, 2.0]),  # uneven, unrepresentable
    np.array([-1e39, 0.0, 1e39]),  # beyond float32's range
    np.linspace(0.25, 0.25 + 255 * 2.0 ** -20, 256),  # 255 bins, some narrower than a table group
])
def test_float32_counts_by_bit_table_equal_numpys_histogram_exactly(edges):
    from swarm.metrics.weights import _bin_table, _row_counts

    rng = np.random.default_rng(len(edges))
    rows = np.stack([rng.permutation(_tricky_values(rng, edges, 3000)) for _ in range(4)])
    rows[1, ::3] = rows[1, 1::3]  # repeats
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        strided = np.asfortranarray(rows)  # as the epochs of a recording: not contiguous rows
        got = _row_counts(strided, edges, _bin_table(edges))
        want = [np.histogram(r[np.isfinite(r)].astype(np.float64), edges)[0] for r in rows]
    np.testing.assert_array_equal(got, want)


def test_density_of_float32_weights_in_chunks_equals_the_float64_histograms():
    rec = random_walk(7, 40, width=12, depth=3, step=0.05, seed=3,
                      diverged=[False, True, False, False, False, True, False])
    arrays = dict(rec)
    for k in rec.layer_indices:
        arrays[f"layer{k}.weight"] = arrays[f"layer{k}.weight"].astype(np.float32)
    rec32 = type(rec)(arrays, rec.meta)
    live = rec32.live_by_epoch
    every = np.concatenate(_layers(rec32), -1).astype(np.float64)  # [bee, epoch, n]
    import swarm.metrics.weights as weights_module
    chunk = weights_module._DENSITY_VALUES
    weights_module._DENSITY_VALUES = 7 * 12 * 12 * 3  # chunks of 3 epochs of the square layers
    try:
        counts, edges = weight_density(rec32, bins=13)
        some, _ = weight_density(rec32, bins=edges, epochs=[5, 0, 39, 39])
    finally:
        weights_module._DENSITY_VALUES = chunk
    values = every[live]
    np.testing.assert_array_equal(edges, np.linspace(values.min(), values.max(), 14))
    for e in range(40):
        np.testing.assert_array_equal(counts[e], np.histogram(every[live[:, e], e], edges)[0])
    np.testing.assert_array_equal(some, counts[[5, 0, 39, 39]])


def test_change_correlation_in_many_epoch_runs_leaves_the_diverged_bees_out(monkeypatch):
    monkeypatch.setattr("swarm.metrics.weights._CHUNK_VALUES", 20)  # one epoch per run
    rec = random_walk(4, 6, width=4, depth=3, step=0.3, seed=8,
                      diverged=[False, True, False, False])
    out = delta_w_correlation(rec, quantiles=7)
    q = np.linspace(0, 1, 7)
    w = [a.astype(np.float64)[[0, 2, 3]] for a in _layers(rec)]
    qs = [np.quantile(np.abs(a - a[:, :1]), q, axis=-1) for a in w]  # [q, bee, epoch]
    for e in range(1, 6):
        for d in (1, 2, 3):
            expected = np.mean([np.corrcoef(qs[i][:, bee, e], qs[i + d][:, bee, e])[0, 1]
                                for i in range(4 - d) for bee in range(3)])
            assert out[e, d - 1] == pytest.approx(expected, rel=1e-9)
    assert np.isnan(out[0]).all()


def _numpy_pca(points, components):
    """Reference PCA: numpy's SVD of the centred points, signs as weight_pca sets them."""
    mean = points.mean(0)
    _, s, vt = np.linalg.svd(points - mean, full_matrices=False)
    basis = vt[:components] * np.sign(vt[:components][np.arange(components),
                                                        np.abs(vt[:components]).argmax(1)])[:, None]
    return mean, basis, s[:components] ** 2 / np.sum(s ** 2)


@pytest.mark.parametrize("bees, epochs, layer", [(5, 30, None), (3, 3, 1)])
def test_pca_matches_numpys_svd_of_the_fitted_points(monkeypatch, bees, epochs, layer):
    """Many points (the scatter, merged over runs of bees) and fewer points than weights
    (the SVD of the points); a diverged bee and a non-finite point stay out of the fit."""
    monkeypatch.setattr("swarm.metrics.weights._PCA_POINTS", 40)
    rec = random_walk(bees, epochs, width=5, depth=2, step=0.2, seed=9,
                      diverged=[False] * (bees - 1) + [True])
    arrays = dict(rec)
    arrays["layer1.weight"] = arrays["layer1.weight"].copy()
    arrays["layer1.weight"][0, 1, 0, 0] = np.nan  # bee 0, epoch 1: left out of the fit
    rec = type(rec)(arrays, rec.meta)
    x = np.concatenate(_layers(rec) if layer is None else [_layers(rec)[layer]], -1)
    x = x.astype(np.float64)
    fit = x[:-1].reshape(-1, x.shape[-1])
    fit = fit[np.isfinite(fit).all(1)]
    assert (fit.shape[0] < fit.shape[1]) == (layer is not None)
    pca = weight_pca(rec, layer=layer, components=3)
    mean, basis, explained = _numpy_pca(fit, 3)
    np.testing.assert_allclose(pca.mean, mean, rtol=1e-12)
    np.testing.assert_allclose(pca.components, basis, atol=1e-9)
    np.testing.assert_allclose(pca.explained, explained, rtol=1e-9)
    np.testing.assert_allclose(pca.trajectories, (x - mean) @ basis.T, atol=1e-9)
    assert np.isnan(pca.trajectories[0, 1]).all() and np.isfinite(pca.trajectories[-1]).all()


def test_relative_change_in_runs_of_bees_equals_a_plain_loop(monkeypatch):
    from swarm.metrics import weights as module

    rng = np.random.default_rng(5)
    w = [rng.normal(size=(5, 6, 3, 1)), rng.normal(size=(5, 6, 2, 3)), rng.normal(size=(5, 6, 1, 2))]
    w[1][3, 4, 0, 0] = np.inf  # a diverged bee: NaN from then on in that layer
    rec = from_params(w, [np.zeros((5, 6, 3)), np.zeros((5, 6, 2)), np.zeros((5, 6, 1))])
    monkeypatch.setattr(module, "_CHUNK_VALUES", 12)  # runs of one or two bees
    out = relative_weight_change(rec)
    expect = np.full((5, 6, 3), np.nan)
    for b in range(5):
        for e in range(1, 6):
            for k in range(3):
                new, old = rec.weights(k)[b, e].astype(float), rec.weights(k)[b, e - 1].astype(float)
                with np.errstate(invalid="ignore"):
                    change, size = np.abs(new - old).sum(), np.abs(old).sum()
                if np.isfinite(change) and np.isfinite(size):
                    expect[b, e, k] = change / size
    np.testing.assert_array_equal(np.isnan(out), np.isnan(expect))
    np.testing.assert_allclose(out, expect, rtol=1e-12)
    assert np.isnan(out[3, 4:, 1]).all() and np.isfinite(out[3, 1:4, 1]).all()


def test_finite_rows_match_an_entry_by_entry_check():
    import torch

    from swarm.metrics.weights import _finite_rows

    big = np.finfo(np.float64).max
    points = np.array([[1.0, 2.0], [big, big], [np.nan, 0.0], [np.inf, -np.inf], [-big, 3.0],
                       [0.0, -np.inf]])
    got = _finite_rows(torch.as_tensor(points)).numpy()
    np.testing.assert_array_equal(got, np.isfinite(points).all(1))  # row 1 overflows its sum
