"""Each dataset's own default training settings: the table, who reads it, what it reaches.

The accuracy checks train small swarms (few bees, every other setting the dataset's
default); ``bench/dataset_defaults.py`` runs the full defaults end to end.
"""
import math

import numpy as np
import pytest

import swarm
from swarm import datasets
from swarm._spec import make_spec
from swarm.cli import _check_args, _check_run, _split_argv, _typed, build_parser
from swarm.datasets._defaults import BASE, GOALS, TRAINING_DEFAULTS
from swarm.render.clock import frame_epochs, learning_share, learns_on_screen, num_frames

SETTINGS = ("width", "depth", "optimizer", "lr", "epochs", "batch_size")
OLD_1D = {"width": 20, "depth": 1, "optimizer": "sgd", "lr": 0.01, "epochs": 400,
          "batch_size": None}  # the defaults before datasets had their own


def test_every_dataset_has_a_row_and_a_goal():
    assert set(TRAINING_DEFAULTS) == set(datasets.DATASETS) == set(GOALS)
    for name in datasets.DATASETS:
        own = datasets.training_defaults(name)
        assert set(own) == set(BASE) and own["time_axis"] in ("linear", "log")
    assert datasets.training_defaults(None) == datasets.training_defaults("iris") == BASE
    assert {k: BASE[k] for k in OLD_1D} == OLD_1D and BASE["bees"] == 500


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_the_library_uses_the_row_and_any_argument_wins(name):
    own = datasets.training_defaults(name)
    spec = make_spec(name, bees=2, device="cpu")
    assert {k: getattr(spec, k) for k in SETTINGS} == {k: own[k] for k in SETTINGS}
    assert spec.bees == 2 and spec.momentum == 0.9
    given = dict(width=3, depth=2, optimizer="rmsprop", lr=0.07, epochs=9, batch_size=5)
    spec = make_spec(name, bees=2, device="cpu", **given)
    assert {k: getattr(spec, k) for k in SETTINGS} == given
    # a Dataset value of that name gets the same defaults
    spec = make_spec(datasets.get_dataset(name), bees=2, device="cpu")
    assert {k: getattr(spec, k) for k in SETTINGS} == {k: own[k] for k in SETTINGS}


def test_one_d_targets_and_arrays_keep_the_old_defaults_bit_for_bit():
    spec = make_spec("sin", device="cpu")
    assert {k: getattr(spec, k) for k in SETTINGS} == OLD_1D
    plain = swarm.train("sin", bees=3, epochs=30, progress=False)
    old = swarm.train("sin", bees=3, epochs=30, width=20, depth=1, optimizer="sgd", lr=0.01,
                      batch_size=None, progress=False)
    for key in ("loss", "ypred", "layer0.weight"):
        np.testing.assert_array_equal(plain[key], old[key])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    spec = make_spec((x, y), device="cpu")
    assert {k: getattr(spec, k) for k in SETTINGS} == OLD_1D


def _cli_spec(argv):
    parser = build_parser()
    argv = _split_argv(argv, parser)
    args = parser.parse_args(argv)
    typed = _typed(parser, argv)
    plan = _check_args(args, typed, parser)
    _check_run(args, plan, typed, parser)
    return plan["spec"]


@pytest.mark.parametrize("name", ["moons", "digits", "alternating"])
def test_the_command_uses_the_row_and_any_flag_wins(name):
    own = datasets.training_defaults(name)
    spec = _cli_spec([name, "--device", "cpu"])
    assert {k: getattr(spec, k) for k in (*SETTINGS, "bees")} == \
        {k: own[k] for k in (*SETTINGS, "bees")}
    spec = _cli_spec([name, "--device", "cpu", "--bees", "3", "--lr", "0.2", "--epochs", "7",
                      "--width", "4", "--depth", "3", "--optimizer", "sgd", "--batch-size", "8"])
    assert (spec.bees, spec.lr, spec.epochs, spec.width, spec.depth, spec.optimizer,
            spec.batch_size) == (3, 0.2, 7, 4, 3, "sgd", 8)


def test_the_command_keeps_the_old_defaults_on_a_target():
    spec = _cli_spec(["sin", "--device", "cpu"])
    assert {k: getattr(spec, k) for k in SETTINGS} == OLD_1D and spec.bees == 500


def test_help_lists_each_datasets_defaults(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in text.splitlines()
            if line.strip() and line.split()[0] in TRAINING_DEFAULTS}
    assert set(rows) == set(TRAINING_DEFAULTS)
    for name, words in rows.items():
        own = datasets.training_defaults(name)
        assert words[1:] == [str(own["bees"]), str(own["width"]), "x", str(own["depth"]),
                             own["optimizer"], f"{own['lr']:g}", str(own["epochs"]),
                             str(own["batch_size"] or "all"), own["time_axis"]]


def test_the_video_takes_the_datasets_time_axis(monkeypatch, tmp_path):
    from swarm import animation
    from tests.render_helpers import CountingWriter

    seen = []
    original = animation.frame_epochs
    monkeypatch.setattr(animation, "frame_epochs",
                        lambda epochs, frames, axis: seen.append(axis) or original(epochs, frames, axis))
    moons = swarm.train("moons", bees=2, epochs=4, progress=False)
    spiral = swarm.train("spiral", bees=2, epochs=4, progress=False)
    for rec, axis in ((moons, None), (spiral, None), (moons, "linear")):
        swarm.animate(rec, tmp_path / "v.mp4", panels="loss", size=(96, 64), jobs=1,
                      progress=False, time_axis=axis, writer=CountingWriter)
    assert seen == ["log", "linear", "linear"]


def _bayes_split_accuracy() -> tuple[float, float]:
    """The optimal rule's accuracy on the default gaussians' train and test samples: the
    plane x . gap > 0 (identity covariance, equal priors), on the raw features."""
    raw = datasets.gaussians(standardize=False)
    gap = 1.0 / np.arange(1, 13)
    return tuple(float(np.mean((x @ gap > 0) == (y == 1)))
                 for x, y in ((raw.x, raw.y), (raw.x_test, raw.y_test)))


def test_the_bayes_bound_matches_its_closed_form():
    gap = 1.0 / np.arange(1, 13)
    population = 0.5 * (1 + math.erf(np.linalg.norm(gap) / 2 / math.sqrt(2)))
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200_000)
    x = rng.standard_normal((y.size, 12)) + np.where(y == 1, 0.5, -0.5)[:, None] * gap
    assert abs(np.mean((x @ gap > 0) == (y == 1)) - population) < 0.005
    train, test = _bayes_split_accuracy()
    assert abs(train - population) < 0.05 and abs(test - population) < 0.08


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_each_datasets_defaults_learn_and_spend_the_video_learning(name):
    rec = swarm.train(name, bees=6, progress=False)
    train = np.median(rec["accuracy"][:, -1])
    test = np.median(rec["test_accuracy"][:, -1])
    goal = GOALS[name]
    if "below_best" in goal:
        best_train, best_test = _bayes_split_accuracy()
        assert train >= best_train - goal["below_best"]
        assert abs(test - best_test) <= goal["below_best"]
    else:
        assert train >= goal["train"] and test >= goal.get("test", 0.0)
    curve = np.median(rec["accuracy"], axis=0)
    frames = frame_epochs(rec.epoch, num_frames(rec.num_epochs),
                          datasets.training_defaults(name)["time_axis"])
    assert learns_on_screen(learning_share(curve, frames)), learning_share(curve, frames)
