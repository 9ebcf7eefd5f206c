"""gaussians' covariance and separation, best_accuracy, and the dummy features' spread and shape,
each against an independent answer (the construction written out, Monte Carlo, sklearn's LDA)."""
import math

import numpy as np
import pytest
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from swarm import datasets
from swarm.cli import _dataset, _split_argv, _typed, build_parser, main


def _raw(**knobs):
    return datasets.gaussians(standardize=False, test=0.0, **knobs)


def _centred(ds):
    """Each class's samples minus that class's known mean half-gap, float64 [sample, dim]."""
    x = ds.x.astype(np.float64)
    gap = np.asarray(ds.knobs["separation"] if ds.knobs["separation"] is not None
                     else 1.0 / np.arange(1, x.shape[1] + 1))
    return x - np.where(ds.y == 1, 0.5, -0.5)[:, None] * gap


def test_seed_covariance_is_c_transpose_c_of_a_uniform_c():
    # seed 002's code: c = scale * U[0,1)^(d x d), cov = c^T c; c from the data seed's own stream
    c = 0.7 * np.random.default_rng([5, 6]).random((4, 4))
    ds = _raw(dims=4, covariance="seed", covariance_scale=0.7, separation=1.0, samples=40000,
              seed=5)
    for k in (0, 1):
        np.testing.assert_allclose(np.cov(_centred(ds)[ds.y == k].T), c.T @ c,
                                   atol=0.03 * np.abs(c.T @ c).max())
    assert ds.knobs["covariance"] == "seed" and ds.knobs["covariance_scale"] == 0.7


def test_covariance_scale_scales_the_same_draw():
    one = _centred(_raw(dims=5, covariance="seed", samples=50, seed=2, separation=1.0))
    three = _centred(_raw(dims=5, covariance="seed", covariance_scale=3.0, samples=50, seed=2,
                          separation=1.0))
    np.testing.assert_allclose(three, 3 * one, rtol=1e-5, atol=1e-5)


def test_the_seed_covariance_is_the_datas_seed_and_not_the_sample_count():
    small = datasets.best_accuracy(12, covariance="seed", seed=1)
    assert small == datasets.best_accuracy(datasets.gaussians(12, covariance="seed", seed=1,
                                                              samples=60))
    assert small != datasets.best_accuracy(12, covariance="seed", seed=2)


def test_default_is_still_the_identity():
    a, b = _raw(dims=6, samples=300), _raw(dims=6, samples=300, covariance="identity")
    np.testing.assert_array_equal(a.x, b.x)
    cov = np.cov(_centred(_raw(dims=3, samples=40000)).T)
    np.testing.assert_allclose(cov, np.eye(3), atol=0.03)


def test_an_array_covariance_is_drawn():
    want = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, -0.3], [0.0, -0.3, 0.5]])
    ds = _raw(dims=3, covariance=want, samples=40000, separation=[1.0, 0.0, 2.0])
    np.testing.assert_allclose(np.cov(_centred(ds).T), want, atol=0.05)
    gap = ds.x[ds.y == 1].mean(axis=0) - ds.x[ds.y == 0].mean(axis=0)
    np.testing.assert_allclose(gap, [1.0, 0.0, 2.0], atol=0.05)
    assert ds.knobs["covariance"] == want.tolist() and ds.knobs["separation"] == [1.0, 0.0, 2.0]


@pytest.mark.parametrize("knobs,needle", [
    ({"covariance": "random"}, "unknown `covariance` 'random'; choose one of identity, seed"),
    ({"covariance": np.eye(3)}, "`covariance` as an array must be [2, 2]"),
    ({"covariance": [[1.0, 0.5], [0.0, 1.0]]}, "`covariance` must be symmetric"),
    ({"covariance": [[1.0, 2.0], [2.0, 1.0]]}, "must be positive semi-definite"),
    ({"covariance_scale": 0.0}, "`covariance_scale` must be a number > 0"),
    ({"separation": [1.0, 2.0, 3.0]}, "`separation` as a sequence must hold 2 finite numbers"),
    ({"separation": [0.0, 0.0]}, "not all 0"),
    ({"separation": [1.0, -1.0]}, "numbers >= 0"),
    ({"separation": -1.0}, "`separation` must be None, a number > 0 or one number >= 0 per "
                           "dimension, got -1.0"),
])
def test_bad_mixture_arguments_are_one_line_errors(knobs, needle):
    with pytest.raises(ValueError) as info:
        datasets.gaussians(2, **knobs)
    assert needle in str(info.value) and "\n" not in str(info.value)


def _bayes_rule_accuracy(ds):
    """The optimal plane written out (LDA with the true parameters) scored on ``ds``'s samples."""
    dims = ds.x.shape[1]
    gap = 1.0 / np.arange(1, dims + 1) if ds.knobs["separation"] is None \
        else np.broadcast_to(ds.knobs["separation"], (dims,))
    if ds.knobs["covariance"] == "seed":
        c = ds.knobs["covariance_scale"] * np.random.default_rng([ds.knobs["seed"], 6]).random(
            (dims, dims))
        cov = c.T @ c
    else:
        cov = np.eye(dims)
    cov = cov + ds.knobs["noise"] ** 2 * np.eye(dims)
    w = np.linalg.solve(cov, gap)
    return float(np.mean((ds.x.astype(np.float64) @ w > 0) == (ds.y == 1)))


@pytest.mark.parametrize("knobs", [
    {"dims": 12},  # seed 002's text: identity, 1/i: Phi(|g| / 2) = 0.734
    {"dims": 12, "covariance": "seed", "seed": 3},
    {"dims": 6, "covariance": "seed", "separation": 1.0, "covariance_scale": 0.5, "seed": 1},
    {"dims": 2, "covariance": "seed", "noise": 0.3, "seed": 4},
])
def test_best_accuracy_matches_monte_carlo_and_lda(knobs):
    n = 60000
    best = datasets.best_accuracy(**knobs)
    ds = _raw(samples=n, **knobs)
    se = math.sqrt(best * (1 - best) / n)
    assert abs(_bayes_rule_accuracy(ds) - best) < 4 * se + 1e-4
    # no rule does better: sklearn's LDA fitted on other draws scores at most best (+ noise)
    train = datasets.gaussians(standardize=False, test=0.0, samples=20000,
                               **{**knobs, "seed": knobs.get("seed", 0)})
    lda = LinearDiscriminantAnalysis().fit(train.x, train.y)
    assert lda.score(ds.x, ds.y) <= best + 4 * se
    assert best == datasets.best_accuracy(ds)


def test_best_accuracy_closed_forms():
    gaps = 1.0 / np.arange(1, 13)
    want = 0.5 * (1 + math.erf(np.linalg.norm(gaps) / 2 / math.sqrt(2)))
    assert datasets.best_accuracy(12) == pytest.approx(want, abs=1e-12)
    assert datasets.best_accuracy(12) == pytest.approx(0.734, abs=5e-4)
    # a diagonal covariance divides each gap by its std
    cov = np.diag([4.0, 0.25])
    z = math.hypot(1.0 / 2, 1.0 / 0.5)
    assert datasets.best_accuracy(2, separation=1.0, covariance=cov) == \
        pytest.approx(0.5 * (1 + math.erf(z / 2 / math.sqrt(2))), abs=1e-12)
    # a singular covariance with the gap outside its range separates the classes
    assert datasets.best_accuracy(2, separation=[0.0, 1.0], covariance=np.diag([1.0, 0.0])) == 1
    assert datasets.best_accuracy(2, separation=[1.0, 0.0], covariance=np.diag([1.0, 0.0])) \
        == pytest.approx(0.5 * (1 + math.erf(0.5 / math.sqrt(2))), abs=1e-12)
    with pytest.raises(ValueError, match="gaussians datasets only"):
        datasets.best_accuracy(datasets.moons(50))


def _dummies(kind, scale, dims=1, n=4000):
    """The dummy features of ``n`` samples recovered exactly: a rotation keeps every row's
    length, so |dummy row|^2 = |rotated row|^2 - |real row|^2 (with a ready test split the
    training rows keep their order)."""
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, [1.0, 3.0], (n, 2))  # real features' mean std: about 2
    ds = datasets.from_arrays(x, np.arange(n) % 2, x_test=x[:10], y_test=np.arange(10) % 2,
                              dummy_dims=dims, dummy_scale=scale, dummy_noise=kind,
                              standardize=False)
    rows = np.sum(ds.x.astype(np.float64) ** 2, 1) - np.sum(x**2, 1)
    return np.sqrt(np.clip(rows, 0, None)), scale * float(np.mean(np.std(x, axis=0)))


def test_dummy_features_normal_spread():
    size, std = _dummies("normal", 0.5)
    assert abs(np.sqrt(np.mean(size**2)) / std - 1) < 0.05
    assert abs(np.mean(size) / (std * math.sqrt(2 / math.pi)) - 1) < 0.05  # |N(0, s)|
    assert size.max() > 2.5 * std  # Gaussian tails
    default, default_std = _dummies("normal", 0.01)
    assert abs(np.sqrt(np.mean(default**2)) / default_std - 1) < 0.05
    assert datasets.moons(50).knobs["dummy_scale"] == 0.01


def test_dummy_features_uniform_spread():
    size, std = _dummies("uniform", 0.5)
    edge = math.sqrt(3) * std  # U(-a, a) has std a / sqrt(3)
    assert size.max() <= edge * (1 + 1e-4) and size.max() > 0.98 * edge
    assert abs(np.mean(size) / (edge / 2) - 1) < 0.05  # |U(-a, a)| is U(0, a)
    assert abs(np.sqrt(np.mean(size**2)) / std - 1) < 0.05


def test_dummy_knobs_are_checked():
    with pytest.raises(ValueError, match="unknown `dummy_noise` 'cauchy'; choose one of normal"):
        datasets.moons(50, dummy_dims=2, dummy_noise="cauchy")
    with pytest.raises(ValueError, match="`dummy_scale` must be a number > 0"):
        datasets.moons(50, dummy_dims=2, dummy_scale=-1)


@pytest.mark.parametrize("argv,knobs", [
    (["gaussians", "--covariance", "seed"], {"covariance": "seed"}),
    (["gaussians", "--covariance", "seed", "--covariance-scale", "0.2"],
     {"covariance": "seed", "covariance_scale": 0.2}),
    (["moons", "--dummy-dims", "3", "--dummy-scale", "0.5"], {"dummy_dims": 3, "dummy_scale": 0.5}),
    (["digits", "--dummy-dims", "3", "--dummy-noise", "uniform"],
     {"dummy_dims": 3, "dummy_noise": "uniform"}),
])
def test_each_new_flag_reaches_the_dataset(argv, knobs):
    parser = build_parser()
    argv = _split_argv(argv, parser)
    built = _dataset(parser.parse_args(argv), _typed(parser, argv), parser)
    assert built.to_meta() == datasets.get_dataset(argv[0], **knobs).to_meta()


@pytest.mark.parametrize("argv,needle", [
    (["moons", "--covariance", "seed"], "--covariance cannot apply to the dataset 'moons'"),
    (["gaussians", "--covariance-scale", "-1"], "--covariance-scale must be a number > 0"),
    (["gaussians", "--covariance", "wild"], "argument --covariance: invalid choice: 'wild'"),
    (["moons", "--dummy-dims", "2", "--dummy-scale", "0"], "--dummy-scale must be a number > 0"),
    (["moons", "--dummy-noise", "pink"], "argument --dummy-noise: invalid choice: 'pink'"),
])
def test_new_flags_mistakes_are_one_line(argv, needle, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv + ["--quiet", "--bees", "2", "--epochs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []
