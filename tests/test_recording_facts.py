"""What a Recording answers about itself without torch: live bees, layers, piecewise
linearity, the run's one-line description; honest slices; minimal recordings."""
import numpy as np
import pytest
import torch
from render_helpers import CountingWriter, tiny

import swarm
from swarm import metrics
from swarm.animation import _panel_modules, cannot_show, default_panels, describe
from swarm.recording import Recording


def _minimal(with_ypred: bool = True) -> Recording:
    x = np.linspace(-1, 1, 9, dtype=np.float32)
    arrays = {"x": x, "y": np.sin(x), "loss": np.linspace(1, 0.1, 12, dtype=np.float32).reshape(3, 4),
              "epoch": np.arange(4)}
    if with_ypred:
        arrays["ypred"] = np.zeros((3, 4, 9), np.float32)
    return Recording(arrays)


def test_live_is_the_bees_that_did_not_diverge():
    rec = tiny()
    arrays = dict(rec)
    arrays["diverged"] = np.array([False, True, False, False, True, False])
    np.testing.assert_array_equal(Recording(arrays, rec.meta).live, [1, 0, 1, 1, 0, 1])


def test_matrix_layers_are_the_weights_at_least_two_by_two():
    assert tiny().matrix_layers == []  # 1 -> 4 -> 1: a column and a row
    assert tiny(depth=2).matrix_layers == [1]  # 4 x 4 in the middle


@pytest.mark.parametrize("spec, expected", [
    ({"activation": "relu"}, True), ({"activation": "abs"}, True), ({"activation": "tanh"}, False),
    ({"activation": "relu", "model": "Net"}, False),  # old custom-model recordings
    ({"activation": "tanh", "piecewise_linear": True}, True),  # the fact written at training wins
    ({}, False)])
def test_piecewise_linear_from_the_spec_or_the_activation_name(spec, expected):
    rec = _minimal()
    assert Recording(dict(rec), {"spec": spec}).piecewise_linear is expected


def test_task_and_classes_default_to_a_one_d_target():
    rec = _minimal()
    assert rec.task == "target" and rec.classes is None
    labelled = Recording(dict(rec), {"spec": {"task": "classification"},
                                     "dataset": {"name": "moons", "classes": ["a", "b"]}})
    assert labelled.task == "classification" and labelled.classes == ("a", "b")
    assert labelled.describe().startswith("moons  ·  3 bees")


def test_describe_names_the_run():
    rec = tiny(depth=2)
    assert rec.describe() == ("sin  ·  6 bees  ·  width 4  ·  depth 2  ·  relu  ·  sgd lr 0.02  ·  "
                              "12 epochs")


def test_a_per_bee_lr_shows_as_its_range():
    rec = swarm.train("sin", bees=30, epochs=3, width=3, points=11, lr=np.linspace(0.001, 0.08, 30),
                      progress=False)
    text = rec.describe()
    assert "lr 0.001–0.08 (per bee)" in text and "0.0965" not in text and len(text) < 120


def test_a_custom_model_is_described_as_what_was_trained():
    def net():
        return torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))

    rec = swarm.train("sin", bees=3, epochs=2, points=11, model=net, progress=False)
    text = rec.describe()
    assert "model net (49 parameters)" in text  # 16 + 16 + 16 + 1
    assert "width" not in text and "depth" not in text and "relu" not in text
    assert not rec.piecewise_linear and "breakpoints" not in default_panels(rec)


def test_a_slice_describes_its_own_bees():
    rec = swarm.train("sin", bees=6, epochs=3, width=3, points=11, lr=[0.01, 0.02, 0.03, 0.04, 0.05, 50.0],
                      progress=False)
    assert rec.diverged[5] and "1 diverged" in rec.describe()
    part = rec.bees([0, 1, 2])
    assert part.meta["spec"]["bees"] == 3 and part.meta["diverged"] == 0
    assert part.meta["spec"]["lr"] == [0.01, 0.02, 0.03]
    assert "lr 0.01–0.03 (per bee)" in part.describe() and "diverged" not in part.describe()
    assert rec.meta["spec"]["lr"][5] == 50.0  # the whole swarm's meta is untouched
    assert "bee_ids" not in part.meta["spec"]  # bees 0, 1, 2 are the first three: no ids needed
    assert rec.bees([4, 5]).meta["spec"]["bee_ids"] == [4, 5]


def test_empty_and_unordered_slices_are_refused():
    rec = tiny()
    with pytest.raises(ValueError, match="`index` chooses no bee"):
        rec.bees([])
    with pytest.raises(ValueError, match="`index` chooses no bee"):
        rec.bees(np.zeros(rec.num_bees, bool))
    with pytest.raises(ValueError, match=r"increasing order, got \[10, 5, 0\]"):
        rec.epochs([10, 5, 0])
    with pytest.raises(ValueError, match="increasing"):
        rec.epochs([3, 3])
    np.testing.assert_array_equal(rec.epochs([-2, -1]).epoch, [10, 11])


def test_a_minimal_recording_shows_what_it_can(tmp_path):
    rec = _minimal()
    assert rec.num_bees == 3 and rec.num_epochs == 4 and rec.describe() == "3 bees  ·  4 epochs"
    assert default_panels(rec) == ["line", "loss"]
    out = metrics.summary(rec)
    assert out["effective_rank"] == {} and out["gzip_complexity"] == [None, None]
    assert "gzip" not in metrics.format_summary(out)
    CountingWriter.instances.clear()
    swarm.animate(rec, tmp_path / "a.mp4", fps=5, duration=1, size=(320, 180), jobs=1, progress=False,
                  writer=CountingWriter)
    assert CountingWriter.instances[-1].frames == 5
    swarm.write_report(rec, tmp_path / "r.html")
    assert "Training loss" in (tmp_path / "r.html").read_text()


def test_without_predictions_only_the_loss_is_shown(tmp_path):
    rec = _minimal(with_ypred=False)
    assert default_panels(rec) == ["loss"]
    for name in ("line", "weights", "rank", "breakpoints"):
        assert cannot_show(name, rec)
        with pytest.raises(ValueError, match=f"`panels`: '{name}' does not apply"):
            swarm.animate(rec, tmp_path / "a.mp4", panels=name)
    assert list(tmp_path.iterdir()) == []
    swarm.write_report(rec, tmp_path / "r.html")
    assert "Final fits" not in (tmp_path / "r.html").read_text()


def test_shared_arrays_keep_their_shape_in_slices():
    rec = _minimal()
    arrays = dict(rec, x_test=np.zeros((5, 2), np.float32), y_test=np.zeros(5, np.int64))
    part = Recording(arrays).bees([0, 2]).epochs([1, 3])
    assert part["x_test"].shape == (5, 2) and part["y_test"].shape == (5,)
    assert part["loss"].shape == (2, 2)


def test_the_notebook_table_is_light():
    rec = tiny()
    table = rec._repr_html_()
    assert "Recording: 6 bees × 12 recorded epochs, 0 diverged" in table
    assert "sgd lr 0.02" in table and "float32 [6, 12, 21]" in table
    assert "effective rank" not in table and "<img" not in table


def test_one_description_everywhere(tmp_path):
    rec = tiny(depth=2)
    line = rec.describe()
    assert metrics.summary(rec)["run"] == line
    assert line in metrics.format_summary(metrics.summary(rec))
    swarm.write_report(rec, tmp_path / "r.md")
    assert line in (tmp_path / "r.md").read_text()
    assert describe(rec) == line  # the video's title


def test_render_workers_warm_up_on_the_modules_the_scene_names():
    class Mine:
        num_frames = 1

    assert _panel_modules(["line", "rank", Mine()]) == sorted(
        {"swarm.panels.line", "swarm.panels.rank", __name__})
