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


@pytest.mark.parametrize("fit, test, ratio, expected", [
    (1.0, 0.06, 2.1, 1.0),     # fitted, at chance, slower: holds
    (1.0, 0.06, 2.0, 1.0),     # on the edge of x2: holds
    (1.0, 0.06, 1.96, 0.5),    # just under x2: neither
    (0.95, 0.25, 3.0, 0.5),    # tests above 20%: neither
    (0.4, 0.1, 3.0, 0.0),      # not fitted: fails
    (1.0, 0.1, 1.0, 0.0),      # as fast as true labels: fails
    (0.95, 0.1, float("nan"), 0.5),  # true labels never reached 90%: no ratio, nothing decided
])
def test_random_labels_seed_status(fit, test, ratio, expected):
    assert _example("random_labels").seed_status(fit, test, ratio) == expected


def test_random_labels_verdict_needs_every_seed():
    rl, common = _example("random_labels"), _example("_common")
    status = [rl.seed_status(1.0, 0.06, r) for r in (2.09, 1.96, 2.01)]  # the audit's spread
    assert common.seed_verdict(status, 1.0, 0.25) == "unclear"
    assert common.seed_verdict([rl.seed_status(1, 0.06, 2.5)] * 3, 1.0, 0.25) == "holds"
    assert common.seed_verdict([rl.seed_status(0.3, 0.1, 2.5)] * 3, 1.0, 0.25) == "does not hold"
