"""Saving recordings: streamed into the zip, compression, a full disk refused; to_xarray."""
import errno
import json
import shutil
import sys
import tracemalloc
import zipfile
from collections import namedtuple

import numpy as np
import pytest

import swarm
import swarm.recording
from swarm.recording import Recording


@pytest.fixture(scope="module")
def rec():
    return swarm.train("sin", bees=5, epochs=12, width=4, depth=2, points=15, progress=False)


@pytest.mark.parametrize("compress,kind", [
    (False, zipfile.ZIP_STORED), (0, zipfile.ZIP_STORED), (True, zipfile.ZIP_DEFLATED),
    (1, zipfile.ZIP_DEFLATED), (6, zipfile.ZIP_DEFLATED), (9, zipfile.ZIP_DEFLATED)])
def test_every_compression_round_trips_bit_identical_and_loads_with_numpy(rec, tmp_path,
                                                                          compress, kind):
    path = rec.save(tmp_path / "run.npz", compress=compress)
    back = swarm.load(path)
    assert set(back) == set(rec) and back.meta == json.loads(json.dumps(rec.meta))
    for key in rec:
        assert back[key].dtype == rec[key].dtype
        np.testing.assert_array_equal(back[key], rec[key])
    with np.load(path, allow_pickle=False) as data:  # plain numpy reads it, no pickle
        for key in rec:
            np.testing.assert_array_equal(data[key], rec[key])
    with zipfile.ZipFile(path) as zf:
        assert {i.compress_type for i in zf.infolist()} == {kind}
    assert list(tmp_path.iterdir()) == [path]


def test_compression_makes_the_file_smaller(rec, tmp_path):
    plain = rec.save(tmp_path / "plain.npz", compress=False).stat().st_size
    small = rec.save(tmp_path / "small.npz", compress=True).stat().st_size
    assert small < plain


@pytest.mark.parametrize("bad", [10, -1, "zip", None, 1.5])
def test_bad_compress_values_name_the_argument(rec, tmp_path, bad):
    with pytest.raises(ValueError, match=r"`compress` must be False, True or a zlib level 0-9"):
        rec.save(tmp_path / "run.npz", compress=bad)
    assert list(tmp_path.iterdir()) == []


def test_a_save_that_would_not_fit_on_the_disk_is_refused_first(rec, tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    seen = []

    def tiny_disk(folder):
        seen.append(str(folder))
        return usage(10**6, 10**6 - 1000, 1000)

    monkeypatch.setattr(shutil, "disk_usage", tiny_disk)
    with pytest.raises(ValueError, match=r"cannot save '.*full\.npz': the recording needs up to "
                                         r"[\d.]+ KiB but only 1000 B is free there"):
        rec.save(tmp_path / "full.npz")
    assert seen == [str(tmp_path)] and list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_while_writing_leaves_nothing(rec, tmp_path, monkeypatch):
    calls = []

    def write_array(fh, array):
        calls.append(array.shape)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        fh.write(b"x")

    monkeypatch.setattr(swarm.recording, "_write_npy", write_array)
    with pytest.raises(ValueError, match="run.npz.*disk filled up"):
        rec.save(tmp_path / "run.npz")
    assert list(tmp_path.iterdir()) == []


def test_saving_streams_array_by_array_without_a_second_copy(tmp_path):
    bees, epochs, points = 50, 400, 128  # ypred 10 MiB, stored epoch-major as train() does
    ypred = np.random.default_rng(0).random((epochs, bees, points), dtype=np.float32)
    arrays = {"ypred": ypred.swapaxes(0, 1), "loss": np.ones((bees, epochs), np.float32),
              "x": np.zeros(points, np.float32), "y": np.zeros(points, np.float32),
              "epoch": np.arange(epochs)}
    big = Recording(arrays, {})
    for compress in (False, True):
        tracemalloc.start()
        big.save(tmp_path / "big.npz", compress=compress)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < ypred.nbytes / 2, (compress, peak)
    np.testing.assert_array_equal(swarm.load(tmp_path / "big.npz")["ypred"], arrays["ypred"])


def test_to_xarray_names_dims_and_keeps_meta(rec):
    ds = rec.to_xarray()
    assert ds["ypred"].dims == ("bee", "epoch", "point")
    assert ds["loss"].dims == ds["grad_norm"].dims == ("bee", "epoch")
    assert ds["layer1.weight"].dims == ("bee", "epoch", "layer1.out", "layer1.in")
    assert ds["layer2.bias"].dims == ("bee", "epoch", "layer2.out")
    assert ds["x"].dims == ds["y"].dims == ("point",)
    assert ds["diverged"].dims == ds["diverged_at"].dims == ("bee",)
    assert ds["layer1.weight"].shape == (5, 12, 4, 4)
    np.testing.assert_array_equal(ds["epoch"], rec.epoch)
    np.testing.assert_array_equal(ds["bee"], np.arange(5))
    for key in rec:
        np.testing.assert_array_equal(ds[key].values, rec[key])
    assert float(ds["loss"].sel(bee=3, epoch=7)) == float(rec["loss"][3, 7])
    assert ds.attrs["seed"] == rec.meta["seed"] and ds.attrs["engine"] == rec.meta["engine"]
    assert json.loads(ds.attrs["spec"]) == json.loads(json.dumps(rec.meta["spec"]))


def test_to_xarray_of_a_thinned_recording_labels_the_epochs_kept(rec):
    ds = rec.epochs(every=5).to_xarray()
    assert ds["epoch"].values.tolist() == [0, 5, 10, 11]
    np.testing.assert_array_equal(ds["ypred"].sel(epoch=10).values, rec["ypred"][:, 10])


def test_to_xarray_of_a_dataset_recording():
    bees, epochs, samples, tests, features = 3, 4, 6, 2, 2
    rng = np.random.default_rng(1)
    arrays = {"x": rng.random((samples, features), dtype=np.float32),
              "y": np.arange(samples) % 2, "x_test": rng.random((tests, features)),
              "y_test": np.arange(tests) % 2, "epoch": np.arange(epochs),
              "loss": rng.random((bees, epochs)), "accuracy": rng.random((bees, epochs)),
              "ypred": rng.random((bees, epochs, samples, 2)),
              "layer0.weight": rng.random((bees, epochs, 5, features)),
              "layer0.bias": rng.random((bees, epochs, 5))}
    meta = {"dataset": {"name": "moons", "features": ["x0", "x1"], "image_shape": None},
            "spec": {"task": "classification"}}
    ds = Recording(arrays, meta).to_xarray()
    assert ds["x"].dims == ("sample", "feature") and ds["y"].dims == ("sample",)
    assert ds["x_test"].dims == ("test_sample", "feature") and ds["y_test"].dims == ("test_sample",)
    assert ds["ypred"].dims == ("bee", "epoch", "sample", "out")
    assert ds["accuracy"].dims == ("bee", "epoch")
    assert ds["layer0.weight"].dims == ("bee", "epoch", "layer0.out", "layer0.in")
    assert ds["feature"].values.tolist() == ["x0", "x1"]
    assert json.loads(ds.attrs["dataset"]) == meta["dataset"]


def test_to_xarray_without_xarray_says_how_to_get_it(rec, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(ImportError, match=r"to_xarray needs xarray: pip install"):
        rec.to_xarray()


@pytest.mark.parametrize("shape,order", [((3, 700, 300), "C"), ((1, 2, 400_000), "C"),
                                         ((900_000,), "C"), ((300, 2000), "F"), ((0, 5), "C")])
def test_npy_chunks_are_the_array_in_c_order(tmp_path, shape, order, monkeypatch):
    monkeypatch.setattr(swarm.recording, "_CHUNK_BYTES", 1 << 16)  # many chunks, rows split
    value = np.asarray(np.arange(np.prod(shape), dtype=np.float32).reshape(shape), order=order)
    arrays = {"x": np.zeros(2), "y": np.zeros(2), "loss": np.zeros((1, 1)),
              "ypred": value[..., ::-1], "epoch": np.arange(1)}
    back = swarm.load(Recording(arrays, {}).save(tmp_path / "r.npz"))
    np.testing.assert_array_equal(back["ypred"], value[..., ::-1])
