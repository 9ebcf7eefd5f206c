"""The digits scripts' shared --data option and each script's decision rule, on hand-made numbers."""
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _example(name):
    """Import ``examples/<name>.py`` as a module (the folder is not a package)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def common():
    return _example("_common")


def test_data_option_defaults_to_digits(common, tmp_path):
    args = common.parse_args("x", ["--out", str(tmp_path)], data=True)
    assert args.data == "digits" and args.data_path is None
    ds = common.load_data(args, samples=300, seed=2)
    assert ds.name == "digits" and len(ds.x) + len(ds.x_test) == 300
    with pytest.raises(SystemExit):
        common.parse_args("x", ["--data", "cifar"], data=True)
    assert not hasattr(common.parse_args("x", ["--out", str(tmp_path)]), "data")


def test_data_option_reads_mnist_files_with_the_same_sizes(common, tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
             y_train=np.arange(40) % 10, x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
             y_test=np.arange(20) % 10)
    args = common.parse_args("x", ["--data", "mnist", "--data-path", str(tmp_path), "--out",
                                   str(tmp_path)], data=True)
    ds = common.load_data(args, samples=50)
    assert ds.name == "mnist" and (len(ds.x), len(ds.x_test)) == (40, 10)
    assert ds.num_features == 784 and ds.image_shape == (28, 28)


def test_missing_mnist_is_one_line_and_exit_2(common, tmp_path, capsys):
    args = common.parse_args("x", ["--data", "fashion_mnist", "--data-path",
                                   str(tmp_path / "none"), "--out", str(tmp_path)], data=True)
    with pytest.raises(SystemExit) as code:
        common.load_data(args, samples=50)
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: `path`") and "t10k-images" in err
