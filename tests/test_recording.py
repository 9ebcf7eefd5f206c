"""Recordings: save/load without pickle, damaged files, slicing, tables."""
import json

import numpy as np
import pytest

import swarm
from swarm.recording import Recording


@pytest.fixture(scope="module")
def rec():
    return swarm.train("sin", bees=5, epochs=12, width=4, depth=2, points=15, progress=False)


def test_save_and_load_round_trip_bit_identical(rec, tmp_path):
    path = rec.save(tmp_path / "run.npz")
    back = swarm.load(path)
    assert set(back) == set(rec)
    for key in rec:
        assert back[key].dtype == rec[key].dtype
        np.testing.assert_array_equal(back[key], rec[key])
    assert back.meta == json.loads(json.dumps(rec.meta))
    assert back.meta["spec"]["target"] == "sin"
    assert list(tmp_path.iterdir()) == [tmp_path / "run.npz"]  # no temporary left behind


def test_saved_file_has_no_pickled_objects(rec, tmp_path):
    path = rec.save(tmp_path / "run.npz")
    with np.load(path, allow_pickle=False) as data:
        for name in data.files:
            assert data[name].dtype != object


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        swarm.load(tmp_path / "nope.npz")


def test_truncated_file(rec, tmp_path):
    path = rec.save(tmp_path / "run.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="run.npz"):
        swarm.load(path)


@pytest.mark.parametrize("content", [b"hello, not a zip", b""])
def test_foreign_file(tmp_path, content):
    path = tmp_path / "notes.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="notes.npz"):
        swarm.load(path)


@pytest.mark.parametrize("content", [b"hello, not a zip", b"", b"\x93NUMPY not a zip either"])
def test_a_file_that_is_not_npz_never_suggests_pickle(tmp_path, content):
    path = tmp_path / "notes.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="'.*notes.npz' is not a swarm recording") as info:
        swarm.load(path)
    assert "pickle" not in str(info.value)


def test_a_folder_is_not_a_recording(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        swarm.load(tmp_path)


def test_an_npz_with_a_header_but_missing_arrays_names_the_file(tmp_path):
    path = tmp_path / "part.npz"
    np.savez(path, __format__=np.array("swarm.recording"), __version__=np.array(1),
             __meta__=np.array("{}"), x=np.zeros(2))
    with pytest.raises(ValueError, match="part.npz' is not a whole swarm recording"):
        swarm.load(path)


def test_foreign_npz(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, a=np.arange(3))
    with pytest.raises(ValueError, match="not a swarm recording"):
        swarm.load(path)


def test_pickled_npz_is_refused_not_loaded(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, __format__=np.array("swarm.recording"), __version__=np.array(1),
             __meta__=np.array([{"a": 1}], dtype=object), x=np.zeros(2))
    with pytest.raises(ValueError, match="evil.npz") as info:
        swarm.load(path)
    assert "allow_pickle" not in str(info.value)


def test_newer_version_is_refused(rec, tmp_path):
    path = tmp_path / "new.npz"
    arrays = dict(rec)
    np.savez(path, __format__=np.array("swarm.recording"), __version__=np.array(99),
             __meta__=np.array("{}"), **arrays)
    with pytest.raises(ValueError, match="newer"):
        swarm.load(path)


def test_save_where_no_file_can_be_created_is_a_clear_error(rec):
    with pytest.raises(ValueError, match="cannot write '/proc/run.npz'"):
        rec.save("/proc/run.npz")


def test_save_to_a_missing_folder_is_a_clear_error(rec, tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        rec.save(tmp_path / "no" / "run.npz")


def test_slicing_bees_and_epochs(rec):
    two = rec.bees([1, 3])
    assert two.num_bees == 2
    np.testing.assert_array_equal(two["ypred"], rec["ypred"][[1, 3]])
    np.testing.assert_array_equal(two.x, rec.x)
    thin = rec.epochs(every=5)
    assert thin.epoch.tolist() == [0, 5, 10, 11]
    np.testing.assert_array_equal(thin.weights(1), rec.weights(1)[:, [0, 5, 10, 11]])
    assert thin["diverged"].shape == (5,)
    with pytest.raises(ValueError, match="bees"):
        rec.bees([7])


def test_to_frame_is_a_long_table(rec):
    frame = rec.to_frame("loss")
    assert len(frame) == 5 * 12
    assert list(frame.columns) == ["bee", "epoch", "loss"]
    row = frame[(frame.bee == 2) & (frame.epoch == 7)]
    assert row["loss"].item() == pytest.approx(float(rec["loss"][2, 7]))
    wide = rec.to_frame("layer1.weight")
    assert len(wide) == 5 * 12 * 4 * 4


def test_recording_needs_core_arrays():
    with pytest.raises(ValueError, match="needs the array 'y'"):
        Recording({"x": np.zeros(2)}, {})


def test_saved_files_get_ordinary_permissions(rec, tmp_path):
    import os

    umask = os.umask(0)
    os.umask(umask)
    path = rec.save(tmp_path / "run.npz")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
