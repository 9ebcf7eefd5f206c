"""The smaller things a new user hit: report words (which split, the memory budget, confusion
labels inside the picture), reprs and plurals, to_xarray's class names, to_frame's axis
names, dataset knobs passed to train, misspelt knobs, effective_rank on a Recording, and
messages in the command's own words."""
from __future__ import annotations

import re

import numpy as np
import pytest

import swarm
from swarm import datasets, figures, metrics
from swarm.cli import main
from swarm.report import _context


@pytest.fixture(scope="module")
def moons_rec():
    return swarm.train("moons", bees=3, epochs=4, width=5, progress=False, memory="11GiB",
                       keep_predictions=True, data={"samples": 60})


# --- reports ---------------------------------------------------------------------------

def test_report_rows_say_the_budget_the_split_and_train_or_test(moons_rec):
    spec = dict(_context.spec_rows(moons_rec))
    assert spec["memory"] == "budget 11.0 GiB"
    assert spec["training samples"] == "48" and "samples" not in spec
    numbers = dict(_context.headline_rows(moons_rec))
    assert "final train loss, median" in numbers and "final loss, median" not in numbers
    final = np.median(moons_rec["accuracy"][:, -1])
    assert numbers["train accuracy · median"] == _context.fmt(float(final))
    assert "test accuracy · median" in numbers and "train − test accuracy · median" in numbers
    assert not any(name.startswith(("accuracy", "samples")) for name in numbers)


def test_a_one_d_targets_report_keeps_plain_loss_words():
    rec = swarm.train("sin", bees=2, epochs=3, progress=False, memory="300MiB")
    numbers = dict(_context.headline_rows(rec))
    assert "final loss, median" in numbers and "loss units" not in numbers
    assert dict(_context.spec_rows(rec))["memory"] == "budget 300.0 MiB"


@pytest.mark.parametrize("names", [
    ("setosa", "versicolor", "virginica"),
    ("Iris-versicolor-with-a-long-name", "a very long class name indeed", "short"),
    tuple(f"class number {i}" for i in range(8)),
])
def test_confusion_labels_lie_inside_the_figure(names):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rng = np.random.default_rng(0)
    k = len(names)
    x = rng.normal(size=(20 * k, 2))
    y = np.array(names)[np.arange(20 * k) % k]
    rec = swarm.train(datasets.from_arrays(x, y), bees=2, epochs=2, progress=False)
    fig = figures.confusion(rec)
    renderer = FigureCanvasAgg(fig).get_renderer()
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)
        assert box.x0 >= 0 and box.y0 >= 0, (names, box)
        assert box.x1 <= fig.bbox.width + 1 and box.y1 <= fig.bbox.height + 1, (names, box)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == sorted(names)


# --- reprs, plurals, xarray, frames --------------------------------------------------------

def test_dataset_repr_names_the_dataset_and_counts_in_plurals():
    text = repr(datasets.moons(100))
    assert text.startswith("Dataset('moons': 2 classes, 2 features, 80 train / 20 test samples;")
    one = repr(datasets.from_arrays(np.arange(10.0), np.arange(10.0), name="line", test=0.1))
    assert one.startswith("Dataset('line': regression, 1 output (standardized targets), "
                          "1 feature, 9 train / 1 test sample;")


@pytest.mark.parametrize("count,noun,text", [
    (1, "bee", "1 bee"), (2, "bee", "2 bees"), (0, "class", "0 classes"), (1, "class", "1 class"),
    (3, "recorded epoch", "3 recorded epochs"), (1500, "test sample", "1,500 test samples")])
def test_plural(count, noun, text):
    from swarm._files import plural

    assert plural(count, noun) == text


def test_recording_repr_names_the_dataset_and_counts_in_plurals(moons_rec):
    assert repr(moons_rec) == ("Recording(dataset='moons', 3 bees x 4 recorded epochs, "
                               "2 layers, 0 diverged)")
    one = moons_rec.bees([0]).epochs([3])
    assert repr(one) == "Recording(dataset='moons', 1 bee x 1 recorded epoch, 2 layers, 0 diverged)"
    assert "1 bee ×" in one._repr_html_() and "1 bee  ·" in one.describe()
    sin = swarm.train("sin", bees=2, epochs=2, progress=False)
    assert repr(sin).startswith("Recording(target='sin', 2 bees x 2 recorded epochs")


def test_to_xarray_has_the_class_names(moons_rec):
    ds = moons_rec.to_xarray()
    assert ds["class"].values.tolist() == ["0", "1"]
    assert ds["ypred"].dims == ("bee", "epoch", "sample", "class")
    np.testing.assert_array_equal(ds["ypred"].sel({"class": "1"}).values,
                                  moons_rec["ypred"][..., 1])


def test_to_frame_names_a_weights_axes_out_and_in(moons_rec):
    frame = moons_rec.to_frame("layer0.weight")
    assert list(frame.columns) == ["bee", "epoch", "out", "in", "layer0.weight"]
    w = moons_rec.weights(0)  # [bee, epoch, out, in]
    assert len(frame) == w.size
    for row in frame.sample(10, random_state=0).itertuples(index=False):
        bee, epoch, out, inp, value = row
        e = int(np.flatnonzero(moons_rec.epoch == epoch)[0])
        assert value == w[bee, e, out, inp]
    assert list(moons_rec.to_frame("layer1.bias").columns) == ["bee", "epoch", "out",
                                                               "layer1.bias"]


# --- the Python API ---------------------------------------------------------------------

@pytest.mark.parametrize("knobs", [{"samples": 1000}, {"noise": 0.3}, {"imbalance": 5},
                                   {"pca": 2, "samples": 100}])
def test_a_dataset_knob_given_to_train_says_it_goes_in_data(knobs):
    with pytest.raises(ValueError, match=r"dataset knobs go in data=\{\.\.\.\}, here data=\{") \
            as err:
        swarm.train("moons", bees=2, epochs=2, progress=False, **knobs)
    assert repr(knobs)[1:-1] in str(err.value)
    with pytest.raises(ValueError, match="dataset knobs go in data="):
        next(swarm.fly("moons", bees=2, epochs=2, progress=False, **knobs))
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        swarm.train("moons", colour="red")


@pytest.mark.parametrize("name,knobs,own,close", [
    ("moons", {"noize": 0.2}, "moons takes samples, noise, seed", "noise"),
    ("circles", {"factr": 0.3}, "circles takes samples, noise, factor, seed", "factor"),
    ("gaussians", {"separaton": 1},
     "gaussians takes dims, separation, covariance, covariance_scale, samples, noise, seed",
     "separation"),
    ("moons", {"dummy_dim": 3}, "moons takes samples, noise, seed", "dummy_dims"),
])
def test_a_misspelt_knob_lists_the_datasets_own_knobs(name, knobs, own, close):
    with pytest.raises(ValueError) as err:
        datasets.get_dataset(name, **knobs)
    text = str(err.value)
    assert own in text and f"did you mean `{close}`?" in text
    assert "the knobs every dataset takes: test, imbalance" in text and "\n" not in text
    with pytest.raises(ValueError, match=re.escape(own)):
        swarm.train(name, bees=2, epochs=2, progress=False, data=knobs)


def test_a_misspelt_csv_knob_lists_from_csvs_arguments(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,kind\n" + "\n".join(f"{i},{'xy'[i % 2]}" for i in range(10)))
    with pytest.raises(ValueError, match="from_csv takes path, label, features, name, task, sep, "
                                         "seed; .*did you mean|did you mean `label`"):
        datasets.from_csv(path, label="kind", lable="kind")


def test_effective_rank_works_on_a_recording(moons_rec):
    ranks = metrics.effective_rank(moons_rec)
    assert list(ranks) == ["layer0", "layer1"]
    for k in (0, 1):
        w = moons_rec.weights(k).astype(np.float64)
        s = np.linalg.svd(w, compute_uv=False)  # [bee, epoch, min(out, in)]
        p = s / s.sum(-1, keepdims=True)
        expected = np.exp(-np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0), -1))
        assert ranks[f"layer{k}"].shape == w.shape[:2]
        np.testing.assert_allclose(ranks[f"layer{k}"], expected, rtol=1e-6)


# --- messages in the command's words ------------------------------------------------------

def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("swarm-animate: error:"), err
    return err


def test_messages_show_flags_as_typed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["moons", "--pca", "5", "--quiet"]) == 2
    err = _error(capsys)
    assert "--pca 5 must be at most the number of features (2)" in err and "--pca=" not in err


def test_memory_advice_names_only_flags_that_apply_and_no_word_twice(tmp_path, monkeypatch,
                                                                     capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["moons", "--memory", "1KB", "--record-every", "1", "--quiet"]) == 2
    err = _error(capsys)
    assert "--points" not in err and "fewer samples" in err and "(--" not in err
    assert main(["sin", "--memory", "1KB", "--record-every", "1", "--quiet"]) == 2
    err = _error(capsys)
    assert "fewer --points" in err and "(--" not in err
    assert main(["sin", "--memory", "1KB", "--quiet"]) == 2
    err = _error(capsys)
    assert not re.search(r"(--[\w-]+) \(\1\)", err) and "--memory" in err


def test_the_summarys_memory_note_is_in_flag_words_once(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["sin", "--bees", "2", "--epochs", "60", "--memory", "20KB", "--size", "96x64",
                 "--fps", "5", "--duration", "0.4", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    note = next(line for line in out.splitlines() if line.startswith("recording one epoch in"))
    assert note.endswith("set --record-every or --memory to choose"), note
    assert "`" not in note and "(--" not in note
