"""swarm.datasets.mnist / fashion_mnist: IDX and .npz files written here by hand, no download."""
import gzip
import struct
import subprocess
import sys

import numpy as np
import pytest

from swarm import datasets
from swarm.datasets import _mnist

RNG = np.random.default_rng(7)
# tiny stand-ins for the real files: 20 training and 10 test images of 28x28, labels 0..9
X_TRAIN = RNG.integers(0, 256, (20, 28, 28), dtype=np.uint8)
Y_TRAIN = np.arange(20) % 10
X_TEST = RNG.integers(0, 256, (10, 28, 28), dtype=np.uint8)
Y_TEST = np.arange(10)[::-1].copy()
NAMES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
ARRAYS = {"x_train": X_TRAIN, "y_train": Y_TRAIN, "x_test": X_TEST, "y_test": Y_TEST}


def idx_bytes(values, code=0x08, fmt="B") -> bytes:
    """An IDX file's bytes, packed by hand with struct (independent of the reader)."""
    values = np.asarray(values)
    head = struct.pack(">BBBB", 0, 0, code, values.ndim)
    head += b"".join(struct.pack(">I", n) for n in values.shape)
    return head + struct.pack(f">{values.size}{fmt}", *values.ravel().tolist())


def write_idx(folder, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in NAMES.items():
        raw = idx_bytes(ARRAYS[key])
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return folder


@pytest.fixture(autouse=True)
def no_download(monkeypatch, tmp_path):
    """No test may reach the network, and none may read a real cache."""
    def refuse(name, data_home):
        raise OSError("offline (test)")
    monkeypatch.setattr(_mnist, "_fetch", refuse)
    monkeypatch.setenv("SWARM_DATA", str(tmp_path / "cache"))


@pytest.mark.parametrize("code, fmt, values", [
    (0x08, "B", np.array([[0, 1, 255], [7, 8, 9]])),
    (0x09, "b", np.array([-128, 0, 127])),
    (0x0B, "h", np.array([[-300], [300]])),
    (0x0C, "i", np.array([1, -70000, 2**31 - 1])),
    (0x0D, "f", np.array([0.5, -1.25])),
    (0x0E, "d", np.array([[1e-300, 3.0]])),
])
def test_read_idx_every_type_code(tmp_path, code, fmt, values):
    path = tmp_path / "a.idx"
    path.write_bytes(idx_bytes(values, code, fmt))
    got = _mnist.read_idx(path)
    assert got.shape == values.shape
    np.testing.assert_array_equal(got, values)
    gz = tmp_path / "a.idx.gz"
    gz.write_bytes(gzip.compress(idx_bytes(values, code, fmt)))
    np.testing.assert_array_equal(_mnist.read_idx(gz), values)


@pytest.mark.parametrize("raw, message", [
    (b"", "not an IDX file"),
    (b"\x01\x00\x08\x01", "not an IDX file"),             # magic must start with two zeros
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "not an IDX file"),  # unknown type code
    (b"\x00\x00\x08\x02\x00\x00\x00\x02", "header cut short"),
    (idx_bytes(np.arange(6).reshape(2, 3))[:-1], "needs 18 bytes"),
    (idx_bytes(np.arange(6).reshape(2, 3)) + b"\0", "needs 18 bytes"),
    (b"\x1f\x8b\x08garbage", "damaged gzip"),
])
def test_damaged_idx_files_are_one_line_errors(tmp_path, raw, message):
    path = tmp_path / "bad"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=message) as err:
        _mnist.read_idx(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_from_a_folder_of_idx_files(tmp_path, gz):
    folder = write_idx(tmp_path / "m", gz=gz)
    ds = datasets.mnist(folder, standardize=False)
    np.testing.assert_array_equal(ds.x, X_TRAIN.reshape(20, 784).astype(np.float32))
    np.testing.assert_array_equal(ds.y, Y_TRAIN)
    np.testing.assert_array_equal(ds.x_test, X_TEST.reshape(10, 784).astype(np.float32))
    np.testing.assert_array_equal(ds.y_test, Y_TEST)
    assert ds.image_shape == (28, 28) and ds.classes == tuple("0123456789")
    assert ds.features[0] == "pixel_0_0" and ds.features[-1] == "pixel_27_27"
    assert ds.name == "mnist" and ds.knobs["path"] == str(folder) and ds.knobs["test"] is None


def test_mnist_npz_keras_layout_and_a_file_path(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, **ARRAYS)
    for where in (tmp_path, path):
        ds = datasets.mnist(where, standardize=False)
        np.testing.assert_array_equal(ds.x_test.reshape(-1, 28, 28), X_TEST)
        np.testing.assert_array_equal(ds.y, Y_TRAIN)


def test_fashion_mnist_reads_the_same_files_and_names_its_classes(tmp_path):
    ds = datasets.fashion_mnist(write_idx(tmp_path / "f"), standardize=False)
    assert ds.name == "fashion_mnist" and ds.classes[0] == "T-shirt/top"
    assert ds.classes[9] == "Ankle boot" and len(ds.classes) == 10
    np.testing.assert_array_equal(ds.y_test, Y_TEST)


def test_samples_pick_a_seeded_subset_and_knobs_apply(tmp_path):
    folder = write_idx(tmp_path / "m")
    a = datasets.mnist(folder, samples=12, test_samples=10, seed=3, standardize=False)
    b = datasets.mnist(folder, samples=12, test_samples=10, seed=3, standardize=False)
    np.testing.assert_array_equal(a.x, b.x)
    assert len(a.x) == 12 and len(a.x_test) == 10
    # every picked row is one of the training images with its own label
    full = X_TRAIN.reshape(20, 784).astype(np.float32)
    rows = [int(np.flatnonzero((full == row).all(axis=1))[0]) for row in a.x]
    assert len(set(rows)) == 12
    np.testing.assert_array_equal(a.y, Y_TRAIN[rows])
    std = datasets.mnist(folder, random_labels=1.0, seed=1)
    assert abs(float(std.x.mean())) < 1e-5  # standardized on the training split
    assert std.knobs["random_labels"] == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"test": 0.3}, "own test split"),
    ({"samples": 21}, "`samples` must be an integer >= 10 and <= 20"),
    ({"test_samples": 3}, "`test_samples`"),
    ({"colour": 1}, "`colour` is not an argument of mnist"),
])
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.mnist(write_idx(tmp_path / "m"), **kwargs)


def test_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; put train-images-idx3") as err:
        datasets.mnist(tmp_path / "nowhere")
    assert "\n" not in str(err.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no mnist files in .*empty; put"):
        datasets.mnist(tmp_path / "empty")
    write_idx(tmp_path / "half")
    (tmp_path / "half" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="but not t10k-labels-idx1-ubyte"):
        datasets.mnist(tmp_path / "half")


def test_offline_without_a_cache_fails_in_one_line_naming_the_cache(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        datasets.mnist()
    text = str(err.value)
    assert "\n" not in text and "download failed (OSError)" in text
    assert str(tmp_path / "cache" / "mnist") in text


def test_the_fetch_path_caches_what_it_downloaded(tmp_path, monkeypatch):
    calls = []

    def fake_fetch(name, data_home):  # what _fetch_openml returns, from the tiny arrays
        calls.append((name, data_home))
        return dict(ARRAYS)
    monkeypatch.setattr(_mnist, "_fetch", fake_fetch)
    ds = datasets.fashion_mnist(standardize=False)
    np.testing.assert_array_equal(ds.y, Y_TRAIN)
    cached = tmp_path / "cache" / "fashion_mnist" / "fashion_mnist.npz"
    assert cached.is_file() and calls == [("fashion_mnist", tmp_path / "cache" / "openml")]
    assert not [p for p in cached.parent.iterdir() if p.name.startswith(".")]
    again = datasets.fashion_mnist(standardize=False)  # from the cache: no second fetch
    np.testing.assert_array_equal(again.x, ds.x)
    assert len(calls) == 1


def test_openml_rows_split_sixty_thousand_then_ten_thousand(monkeypatch):
    """The fetcher's own split, with scikit-learn's fetch_openml replaced (no download)."""
    import sklearn.datasets

    class Bunch:
        data = np.tile(np.arange(70000)[:, None] % 256, (1, 784))
        target = np.array([str(i % 10) for i in range(70000)], dtype=object)
    seen = {}

    def fake_openml(**kwargs):
        seen.update(kwargs)
        return Bunch()
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_openml)
    got = _mnist._fetch_openml("mnist", "/tmp/nowhere")
    assert seen["data_id"] == 554 and seen["as_frame"] is False
    assert got["x_train"].shape == (60000, 28, 28) and got["x_test"].shape == (10000, 28, 28)
    assert got["y_test"][0] == 60000 % 10 and got["x_test"][0, 0, 0] == 60000 % 256


def test_a_damaged_npz_is_a_value_error(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable .npz"):
        datasets.mnist(tmp_path)
    np.savez(tmp_path / "x.npz", x_train=X_TRAIN)
    with pytest.raises(ValueError, match="lacks y_train, x_test, y_test"):
        datasets.mnist(tmp_path / "x.npz")
