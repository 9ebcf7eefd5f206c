"""The dataset panels (boundary, units, accuracy, filters), the dataset defaults and their rules."""
from functools import lru_cache

import numpy as np
import pytest

import swarm
from swarm.animation import choose_panels, default_layout, default_panels
from swarm.panels import PANELS, AccuracyPanel, BoundaryPanel, FiltersPanel, SpecOnly, UnitsPanel
from swarm.panels._plane import key_frames
from swarm.panels.boundary import vote_colors
from swarm.render.compose import Scene, render_frame
from render_helpers import CountingWriter, tiny


@lru_cache(maxsize=None)
def moons(activation="relu"):
    return swarm.train("moons", data={"samples": 80, "seed": 1}, bees=6, epochs=8, width=6,
                       activation=activation, lr=0.1, seed=2, progress=False)


@lru_cache(maxsize=None)
def digits():
    return swarm.train("digits", data={"samples": 200}, bees=3, epochs=3, width=8, lr=0.05,
                       batch_size=64, progress=False)


@lru_cache(maxsize=None)
def gaussians():
    return swarm.train("gaussians", data={"samples": 80, "dims": 4}, bees=3, epochs=3, width=4,
                       progress=False)


def test_defaults_per_kind_of_run():
    assert default_panels(moons()) == ["boundary", "units", "accuracy", "weights", "loss"]
    assert default_panels(moons("tanh")) == ["boundary", "accuracy", "weights", "loss"]
    assert default_panels(digits()) == ["accuracy", "filters", "weights", "rank", "loss"]
    assert default_panels(gaussians())[:1] == ["accuracy"] and "filters" not in default_panels(gaussians())
    assert default_panels(tiny())[0] == "line"
    assert callable(default_layout(default_panels(moons())))
    assert callable(default_layout(default_panels(digits())))


def test_applies_rules_say_why():
    assert "2-D dataset" in BoundaryPanel.applies(digits())
    assert "target" in BoundaryPanel.applies(tiny())
    assert "piecewise-linear" in UnitsPanel.applies(moons("tanh"))
    assert "not images" in FiltersPanel.applies(moons())
    assert "accuracy" in AccuracyPanel.applies(tiny())
    spec = dict(moons().meta["spec"])
    assert BoundaryPanel.applies(SpecOnly(spec)) is None
    assert "custom model" in BoundaryPanel.applies(SpecOnly(dict(spec, model="cnn")))
    assert AccuracyPanel.applies(SpecOnly(dict(spec, task="regression"))) is not None
    with pytest.raises(ValueError, match="`panels`: 'filters' does not apply"):
        choose_panels(moons(), "boundary,filters")
    assert {"boundary", "units", "accuracy", "filters"} <= set(PANELS)


def test_accuracy_bands_are_numpy_quantiles():
    rec = moons()
    panel = AccuracyPanel(rec, tracked=[0])
    for split, key in (("train", "accuracy"), ("test", "test_accuracy")):
        q10, q50, q90 = panel.bands[split]
        np.testing.assert_allclose(q50, np.median(rec[key][rec.live], axis=0))
        np.testing.assert_allclose(q10, np.percentile(rec[key][rec.live], 10, axis=0))
        np.testing.assert_allclose(q90, np.percentile(rec[key][rec.live], 90, axis=0))
    assert panel.gap == pytest.approx(panel.bands["train"][1][-1] - panel.bands["test"][1][-1])


def test_vote_colors_white_at_a_tie_and_the_class_colour_when_unanimous():
    votes = np.array([[5, 10, 0], [5, 0, 10]])  # [class, pixel]
    rgb = vote_colors(votes, ["#0000ff", "#ff8000"])
    np.testing.assert_allclose(rgb[0], 255)
    assert rgb[1, 2] > rgb[1, 0]  # unanimous class 0: blue
    assert rgb[2, 0] > rgb[2, 2]  # unanimous class 1: orange


def test_key_frames_cover_first_and_last():
    assert list(key_frames(5, 40)) == [0, 1, 2, 3, 4]
    keys = key_frames(400, 40)
    assert keys[0] == 0 and keys[-1] == 399 and len(keys) == 40
    with pytest.raises(ValueError, match="`keys`"):
        key_frames(10, 1)


def test_boundary_frames_move_and_draw_the_points():
    rec = moons()
    panel = BoundaryPanel(rec, size=16, keys=4)
    scene = Scene([panel], size=(360, 300))
    first, last = render_frame(scene, [0]), render_frame(scene, [rec.num_epochs - 1])
    assert (first != last).any()
    half = render_frame(scene, [1])  # between key frames: blended, neither end
    assert half.shape == first.shape


def test_tiny_dataset_videos_count_their_frames(tmp_path):
    for rec in (moons(), digits()):
        CountingWriter.instances.clear()
        swarm.animate(rec, tmp_path / "out.mp4", fps=10, duration=1.2, size=(640, 360), jobs=1,
                      progress=False, writer=CountingWriter)
        assert sum(w.frames for w in CountingWriter.instances) == 12
        assert not (tmp_path / "out.mp4").exists()  # the fake writer writes nothing


def test_regression_on_n_d_data_shows_predictions_loss_weights_rank():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    rec = swarm.train((x, x.sum(1)), bees=3, epochs=3, width=4, depth=2, progress=False)
    assert rec.task == "regression"
    assert default_panels(rec) == ["predictions", "loss", "weights", "rank"]
    assert "regression" in BoundaryPanel.applies(rec)


def test_the_command_refuses_a_panel_that_does_not_apply_before_training(tmp_path, capsys):
    from swarm.cli import main

    out = tmp_path / "moons.mp4"
    assert main(["moons", "--bees", "3", "--panels", "boundary,filters", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'filters' does not apply" in err and "not images" in err and "Traceback" not in err
    assert "training" not in err and not out.exists()
    assert main(["sin", "--bees", "3", "--panels", "units", "-o", str(out)]) == 2
    assert "2-D dataset" in capsys.readouterr().err
