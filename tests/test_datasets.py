"""swarm.datasets: every generator and knob against independent answers."""
import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

import swarm
from swarm import datasets
from swarm.datasets import Dataset

# small versions of every generator: (knobs, features, classes)
SMALL = {
    "moons": ({"samples": 100}, 2, 2),
    "circles": ({"samples": 100}, 2, 2),
    "xor": ({"samples": 100}, 2, 2),
    "spiral": ({"samples": 90}, 2, 3),
    "gauss": ({"samples": 100}, 2, 2),
    "gaussians": ({"samples": 100}, 12, 2),
    "alternating": ({}, 1, 2),
    "digits": ({"samples": 300}, 64, 10),
}


def _raw(name, **knobs):
    """A dataset without standardization, so coordinates are the generator's own."""
    return datasets.get_dataset(name, standardize=False, **knobs)


def _rows(x):
    """Rows sorted lexicographically, to compare sets of samples."""
    x = np.asarray(x, dtype=np.float64)
    return x[np.lexsort(x.T[::-1])]


def test_datasets_lists_every_generator():
    assert set(datasets.DATASETS) == set(SMALL)
    assert swarm.Dataset is Dataset and swarm.datasets is datasets
    assert "datasets" in dir(swarm)


@pytest.mark.parametrize("name", SMALL)
def test_shapes_dtypes_and_meta(name):
    knobs, features, classes = SMALL[name]
    ds = datasets.get_dataset(name, **knobs)
    samples = knobs.get("samples", 16)
    assert ds.x.dtype == np.float32 and ds.x_test.dtype == np.float32
    assert ds.y.dtype == np.int64 and ds.y_test.dtype == np.int64
    assert ds.x.shape == (len(ds.y), features) and ds.x_test.shape == (len(ds.y_test), features)
    assert len(ds.x) + len(ds.x_test) == samples
    assert ds.num_features == features == len(ds.features)
    assert ds.num_classes == classes == ds.num_outputs == len(ds.classes)
    assert ds.task == "classification" and ds.name == name
    assert ds.image_shape == ((8, 8) if name == "digits" else None)
    assert all(isinstance(c, str) for c in ds.classes)
    meta = json.loads(json.dumps(ds.to_meta()))
    assert meta == ds.to_meta()
    assert meta["train_samples"] == len(ds.x) and meta["test_samples"] == len(ds.x_test)
    assert meta["knobs"]["seed"] == 0 and meta["knobs"]["test"] == 0.2
    assert name in repr(ds) and f"{len(ds.x)} train" in repr(ds)
    with pytest.raises(ValueError):
        ds.x[0, 0] = 1.0  # a value: read-only


@pytest.mark.parametrize("name", SMALL)
def test_same_seed_same_data_other_seed_other_data(name):
    knobs = SMALL[name][0]
    a, b = (datasets.get_dataset(name, seed=3, **knobs) for _ in range(2))
    c = datasets.get_dataset(name, seed=4, **knobs)
    for key in ("x", "y", "x_test", "y_test"):
        assert np.array_equal(getattr(a, key), getattr(b, key))
    assert not np.array_equal(a.x, c.x)


def test_one_knob_never_changes_what_another_drew():
    plain = datasets.gaussians(samples=200, seed=5)
    noisy = datasets.gaussians(samples=200, seed=5, random_labels=0.5)
    assert np.array_equal(plain.x, noisy.x) and np.array_equal(plain.y_test, noisy.y_test)
    assert not np.array_equal(plain.y, noisy.y)


def test_moons_and_circles_lie_on_their_curves():
    moons = _raw("moons", samples=200, noise=0.0)
    x, y = moons.x.astype(np.float64), moons.y
    np.testing.assert_allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1, x[y == 1, 1] - 0.5), 1.0, atol=1e-5)
    circles = _raw("circles", samples=200, noise=0.0, factor=0.3)
    radius = np.hypot(circles.x[:, 0], circles.x[:, 1])
    np.testing.assert_allclose(radius, np.where(circles.y == 0, 1.0, 0.3), atol=1e-5)


def test_xor_labels_are_the_sign_of_the_product():
    ds = _raw("xor", samples=400)
    assert np.array_equal(ds.y, (ds.x[:, 0] * ds.x[:, 1] > 0).astype(np.int64))
    assert np.abs(ds.x).min() >= 0.05 and np.abs(ds.x).max() <= 1.0


def test_spiral_has_one_arm_per_class():
    ds = _raw("spiral", samples=500, classes=5, test=0.0)
    x, y = ds.x.astype(np.float64), ds.y
    r = np.hypot(x[:, 0], x[:, 1])
    # angle measured as the generator states it: 3.5 pi r + 2 pi c / k (mod 2 pi)
    expected = np.mod(3.5 * np.pi * r + 2 * np.pi * y / 5, 2 * np.pi)
    angle = np.mod(np.arctan2(x[:, 0], x[:, 1]), 2 * np.pi)
    gap = np.abs(np.angle(np.exp(1j * (angle - expected))))
    assert gap[r > 1e-3].max() < 1e-3
    assert np.array_equal(np.bincount(y), [100] * 5)


def test_gauss_blobs_sit_at_their_centres():
    ds = _raw("gauss", samples=20000, test=0.0)
    np.testing.assert_allclose(ds.x[ds.y == 0].mean(axis=0), [-1, -1], atol=0.03)
    np.testing.assert_allclose(ds.x[ds.y == 1].mean(axis=0), [1, 1], atol=0.03)
    np.testing.assert_allclose(ds.x[ds.y == 1].std(axis=0), [0.5, 0.5], atol=0.03)


@pytest.mark.parametrize("separation", [None, 1.0])
def test_gaussians_means_are_one_over_i_apart(separation):
    ds = _raw("gaussians", dims=6, separation=separation, samples=20000, test=0.0)
    gap = ds.x[ds.y == 1].mean(axis=0) - ds.x[ds.y == 0].mean(axis=0)
    want = 1.0 / np.arange(1, 7) if separation is None else np.ones(6)
    np.testing.assert_allclose(gap, want, atol=0.06)  # 4 standard errors
    np.testing.assert_allclose(ds.x[ds.y == 0].std(axis=0), 1.0, atol=0.05)
    assert ds.features == tuple(f"x{i}" for i in range(1, 7))
    assert ds.knobs["dims"] == 6 and ds.knobs["separation"] == separation


def test_alternating_is_sixteen_points_of_alternating_class():
    ds = _raw("alternating", test=0.0)
    order = np.argsort(ds.x[:, 0])
    np.testing.assert_allclose(ds.x[order, 0], np.linspace(-1, 1, 16), atol=1e-7)
    assert np.array_equal(ds.y[order], np.arange(16) % 2)
    assert ds.knobs["points"] == 16


def test_digits_are_sklearns_digits():
    ds = _raw("digits")
    bunch = load_digits()
    assert len(ds.x) + len(ds.x_test) == 1797 and ds.classes == tuple("0123456789")
    assert np.array_equal(np.bincount(np.concatenate([ds.y, ds.y_test])),
                          np.bincount(bunch.target))
    assert np.array_equal(_rows(np.vstack([ds.x, ds.x_test])), _rows(bunch.data))
    assert ds.image_shape == (8, 8) and ds.features[9] == "pixel_1_1"
    small = datasets.digits(200, seed=1)
    assert len(small.x) + len(small.x_test) == 200
    assert datasets.digits(300, pca=10).image_shape is None


def test_split_is_a_stratified_partition():
    ds = _raw("alternating", points=40, test=0.25)
    both = np.concatenate([ds.x[:, 0], ds.x_test[:, 0]])
    np.testing.assert_allclose(np.sort(both), np.linspace(-1, 1, 40), atol=1e-7)
    assert np.array_equal(np.bincount(ds.y_test), [5, 5])
    spiral = datasets.spiral(600, classes=3)
    assert np.array_equal(np.bincount(spiral.y_test), [40, 40, 40])
    x = np.arange(100.0)
    y = np.array(["a"] * 30 + ["b"] * 70)
    mixed = datasets.from_arrays(x, y, test=0.2)
    assert np.array_equal(np.bincount(mixed.y_test), [6, 14])  # each class gives 20%


@pytest.mark.parametrize("ratio, counts", [(4, [400, 100]), (7, [400, 57]), (1, [400, 400])])
def test_imbalance_cuts_the_minority_of_the_training_split(ratio, counts):
    balanced = _raw("gaussians", samples=1000)
    ds = _raw("gaussians", samples=1000, imbalance=ratio)
    assert np.array_equal(np.bincount(ds.y), counts)
    assert np.array_equal(np.bincount(ds.y_test), [100, 100])  # the test split stays balanced
    assert np.array_equal(ds.x_test, balanced.x_test)
    # the kept samples are training samples of the balanced set
    kept = {tuple(r) for r in ds.x}
    assert kept <= {tuple(r) for r in balanced.x}


def test_imbalance_with_three_classes_keeps_the_first_as_majority():
    ds = datasets.spiral(900, classes=3, imbalance=3)
    assert np.array_equal(np.bincount(ds.y), [240, 80, 80])


def test_oversample_resamples_the_minority_up_to_balance():
    cut = _raw("gaussians", samples=1000, imbalance=4)
    ds = _raw("gaussians", samples=1000, imbalance=4, oversample=True)
    assert np.array_equal(np.bincount(ds.y), [400, 400])
    assert np.array_equal(_rows(ds.x[ds.y == 0]), _rows(cut.x[cut.y == 0]))
    minority = ds.x[ds.y == 1]
    assert len(np.unique(minority, axis=0)) <= 100
    assert {tuple(r) for r in minority} <= {tuple(r) for r in cut.x[cut.y == 1]}


def test_random_labels_agreement_is_one_minus_f_plus_f_over_k():
    plain = datasets.spiral(20000, classes=5, test=0.0)
    noisy = datasets.spiral(20000, classes=5, test=0.0, random_labels=0.5)
    assert np.array_equal(plain.x, noisy.x)
    agreement = np.mean(plain.y == noisy.y)
    assert abs(agreement - (1 - 0.5 + 0.5 / 5)) < 0.015


def test_random_labels_replace_exactly_round_f_n_labels():
    # 1,000 classes: a replaced label almost never draws its own class again
    y = np.arange(2000) % 1000
    plain = datasets.from_arrays(np.arange(2000.0), y, test=0.0)
    noisy = datasets.from_arrays(np.arange(2000.0), y, test=0.0, random_labels=0.25)
    changed = np.sum(plain.y != noisy.y)
    assert 500 - 5 <= changed <= 500


def test_dummy_dims_add_small_features_and_rotate():
    base = _raw("gaussians", dims=10, samples=200)
    ds = _raw("gaussians", dims=10, samples=200, dummy_dims=5)
    assert ds.x.shape == (160, 15) and ds.x_test.shape == (40, 15)
    assert ds.features == tuple(f"rot{i}" for i in range(1, 16))
    # a rotation keeps lengths: |x_rot|^2 = |x|^2 + |dummy|^2, dummy std 0.01 x mean std
    extra = np.sum(ds.x.astype(np.float64) ** 2, 1) - np.sum(base.x.astype(np.float64) ** 2, 1)
    scale = 0.01 * np.mean(np.std(base.x, axis=0))
    assert extra.min() > -1e-4
    assert abs(extra.mean() / (5 * scale**2) - 1) < 0.2
    assert ds.x[:, 10:].std() > 0.1  # the rotation mixed the signal into the dummy columns


def test_pca_equals_sklearn_on_the_training_split():
    raw = _raw("gaussians", dims=12, samples=300, dummy_dims=4)
    ds = _raw("gaussians", dims=12, samples=300, dummy_dims=4, pca=3)
    pca = PCA(3).fit(raw.x.astype(np.float64))
    want, want_test = pca.transform(raw.x), pca.transform(raw.x_test)
    signs = np.sign(np.sum(ds.x * want, axis=0))  # components are defined up to sign
    np.testing.assert_allclose(ds.x, want * signs, atol=1e-4)
    np.testing.assert_allclose(ds.x_test, want_test * signs, atol=1e-4)
    assert ds.features == ("pc1", "pc2", "pc3")


def test_standardize_is_fitted_on_the_training_split():
    raw = _raw("digits", samples=500)
    ds = datasets.digits(500)
    scaler = StandardScaler().fit(raw.x.astype(np.float64))
    np.testing.assert_allclose(ds.x, scaler.transform(raw.x), atol=1e-4)
    np.testing.assert_allclose(ds.x_test, scaler.transform(raw.x_test), atol=1e-4)
    moons = datasets.moons(300)
    np.testing.assert_allclose(moons.x.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(moons.x.std(axis=0), 1, atol=1e-5)


def test_from_arrays_regression():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 3)), rng.normal(size=(50, 2))
    ds = datasets.from_arrays(x, y, name="mine")
    assert ds.task == "regression" and ds.classes is None and ds.num_classes is None
    assert ds.y.dtype == np.float32 and ds.y.shape == (40, 2) and ds.num_outputs == 2
    assert ds.features == ("x1", "x2", "x3") and ds.to_meta()["classes"] is None
    assert "regression" in repr(ds)
    with pytest.raises(ValueError, match="`imbalance` applies to classification only"):
        datasets.from_arrays(x, y, imbalance=2)


def test_from_arrays_with_a_ready_test_split_and_named_classes():
    x, x_test = np.arange(20.0).reshape(10, 2), np.arange(6.0).reshape(3, 2)
    ds = datasets.from_arrays(x, ["no", "yes"] * 5, x_test=x_test, y_test=["yes"] * 3,
                              classes=["yes", "no"], standardize=False)
    assert ds.classes == ("yes", "no") and np.array_equal(ds.y_test, [0, 0, 0])
    assert np.array_equal(ds.x_test, x_test) and ds.knobs["test"] is None
    assert np.array_equal(_rows(ds.x), x)
    with pytest.raises(ValueError, match="`test` cannot be combined"):
        datasets.from_arrays(x, [0, 1] * 5, x_test=x_test, y_test=[0, 1, 0], test=0.3)


def _write(path, text):
    path.write_text(text)
    return path


def test_csv_round_trip_with_string_labels(tmp_path):
    rng = np.random.default_rng(1)
    x = np.round(rng.normal(size=(30, 2)), 3)
    labels = np.array(["virginica", "setosa", "versicolor"])[np.arange(30) % 3]
    body = "\n".join(f"{a},{s},{b}" for (a, b), s in zip(x, labels))
    path = _write(tmp_path / "iris.csv", f"width,species,length\n{body}\n\n")
    ds = datasets.from_csv(path, label="species", test=0.0, standardize=False)
    assert ds.classes == ("setosa", "versicolor", "virginica") and ds.name == "iris"
    assert ds.features == ("width", "length") and ds.knobs["label"] == "species"
    assert np.array_equal(_rows(ds.x), _rows(x.astype(np.float32)))
    back = {tuple(r): ds.classes[c] for r, c in zip(ds.x, ds.y)}
    assert all(back[tuple(r)] == s for r, s in zip(x.astype(np.float32), labels))
    same = datasets.from_arrays(x, labels, features=["width", "length"], name="iris",
                                test=0.0, standardize=False)
    assert np.array_equal(ds.x, same.x) and np.array_equal(ds.y, same.y)


def test_csv_integer_labels_classify_and_float_labels_regress(tmp_path):
    path = _write(tmp_path / "d.csv", "a,c,r\n" + "\n".join(
        f"{i},{i % 2},{i / 3}" for i in range(10)))
    assert datasets.from_csv(path, label="c", test=0.0).classes == ("0", "1")
    assert datasets.from_csv(path, label="r", features=["a"], test=0.0).task == "regression"
    forced = datasets.from_csv(path, label="c", task="regression", test=0.0, standardize=False)
    assert forced.task == "regression" and forced.y.dtype == np.float32
    assert datasets.from_csv(path, label="r", features=["a"], task="classification",
                             test=0.0).num_classes == 10
    with pytest.raises(ValueError, match="unknown `task` 'sorting'"):
        datasets.from_csv(path, label="c", task="sorting")


def test_csv_string_labels_cannot_regress(tmp_path):
    path = _write(tmp_path / "s.csv", "a,label\n1,x\n2,y\n")
    with pytest.raises(ValueError, match="column 'label' is not numeric .line 2 holds 'x'"):
        datasets.from_csv(path, label="label", task="regression")


BAD_CSV = [
    ("a,b,label\n1,2,x\n3,4,y\n", {"label": "kind"}, "`label` 'kind' is not a column"),
    ("a,b,label\n1,2,x\n3,oops,y\n", {"label": "label"}, "column 'b' is not numeric .line 3"),
    ("a,b,label\n1,2,x\n3,nan,y\n", {"label": "label"}, "missing value at line 3, column 'b'"),
    ("a,b,label\n1,2,x\n3,inf,y\n", {"label": "label"}, "'inf' at line 3"),
    ("a,b,label\n1,2,x\n3,,y\n", {"label": "label"}, "missing value at line 3, column 'b'"),
    ("a,b,label\n1,2,x\n3,4, \n", {"label": "label"}, "missing value at line 3, column 'label'"),
    ("a,b,label\n1,2,x\n3,4,x\n", {"label": "label"}, "one class only"),
    ("a,b,label\n1,2,x\n3,4,y\n5,6,z\n", {"label": "label"}, "leaves no test samples"),
    ("a,b,label\n1,2\n", {"label": "label"}, "line 2 has 2 fields"),
    ("a,b,label\n", {"label": "label"}, "no data rows"),
    ("", {"label": "label"}, "is empty"),
    ("a,b,label\n1,2,x\n3,4,y\n", {"label": "label", "features": ["z"]}, "`features`"),
]


@pytest.mark.parametrize("text, kwargs, message", BAD_CSV)
def test_bad_csv_is_one_line_naming_the_problem(tmp_path, text, kwargs, message):
    path = _write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=message) as err:
        datasets.from_csv(path, **kwargs)
    assert "\n" not in str(err.value)


def test_missing_csv_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path`"):
        datasets.from_csv(tmp_path / "nope.csv", label="y")


BAD_ARGS = [
    ("moons", {"samples": 1}, "`samples`"),
    ("moons", {"samples": 2.5}, "`samples`"),
    ("moons", {"noise": -1}, "`noise`"),
    ("moons", {"test": 1.0}, "`test`"),
    ("moons", {"imbalance": 0.5}, "`imbalance`"),
    ("moons", {"oversample": "yes"}, "`oversample`"),
    ("moons", {"random_labels": 1.5}, "`random_labels`"),
    ("moons", {"dummy_dims": -1}, "`dummy_dims`"),
    ("moons", {"pca": 0}, "`pca`"),
    ("moons", {"pca": 3}, "`pca`=3 must be at most"),
    ("moons", {"standardize": None}, "`standardize`"),
    ("moons", {"seed": -1}, "`seed`"),
    ("moons", {"dims": 3}, "`dims` is not an argument of moons"),
    ("circles", {"factor": 1.0}, "`factor`"),
    ("spiral", {"classes": 1}, "`classes`"),
    ("gaussians", {"dims": 0}, "`dims`"),
    ("gaussians", {"separation": 0}, "`separation`"),
    ("alternating", {"samples": 16}, "`samples` is not an argument of alternating"),
    ("digits", {"samples": 5000}, "`samples`"),
    ("nope", {}, "unknown dataset 'nope'; choose one of moons"),
]


@pytest.mark.parametrize("name, knobs, message", BAD_ARGS)
def test_bad_arguments_are_one_line_value_errors(name, knobs, message):
    with pytest.raises(ValueError, match=message) as err:
        datasets.get_dataset(name, **knobs)
    assert "\n" not in str(err.value)


def test_bad_arrays():
    with pytest.raises(ValueError, match="fewer samples .3. than classes .5."):
        datasets.from_arrays(np.zeros((3, 2)), [0, 1, 2], classes=list("abcde"), test=0.0)
    with pytest.raises(ValueError, match="`x` holds NaN"):
        datasets.from_arrays([[0.0], [np.inf]], [0, 1])
    with pytest.raises(ValueError, match="`y` must have one entry per sample"):
        datasets.from_arrays(np.zeros((4, 2)), [0, 1])
    with pytest.raises(ValueError, match="`features` must name the 2 columns"):
        Dataset(np.zeros((2, 2)), [0, 1], np.zeros((0, 2)), [], ("a", "b"), ("f",))


def test_importing_datasets_does_not_load_torch():
    code = "import sys, swarm.datasets; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
