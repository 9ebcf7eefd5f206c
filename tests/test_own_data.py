"""A user's own data: the task guess and its override, regression targets standardized,
tab- and other-delimited files, missing cells, an index column without a header, and the
README's iris example run from the repository root. Every file is written here."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import swarm
from swarm import datasets
from swarm.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--bees", "2", "--epochs", "3", "--size", "96x64", "--fps", "5", "--duration", "0.4",
        "--jobs", "1"]


def _iris_table():
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True)
    table = iris.frame.rename(columns={"target": "species"})
    table["species"] = iris.target_names[iris.target]
    return table


def _diabetes_table(whole: bool = False):
    """scikit-learn's diabetes data in its original units; ``whole``: the target as ints."""
    from sklearn.datasets import load_diabetes

    table = load_diabetes(as_frame=True, scaled=False).frame
    if whole:
        table["target"] = table["target"].astype(int)
    return table


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- the task: guessed from the labels, doubtful guesses said in one line, --task overrides

def test_integer_labels_with_many_classes_warn_in_one_line(tmp_path, caplog):
    path = tmp_path / "diabetes.csv"
    _diabetes_table(whole=True).to_csv(path, index=False)
    k = _diabetes_table(whole=True)["target"].nunique()
    with caplog.at_level(logging.WARNING, logger="swarm"):
        ds = datasets.from_csv(path, label="target", test=0.0)
    assert ds.task == "classification" and ds.num_classes == k == 214
    assert _warnings(caplog) == ["214 classes from 442 rows: pass task='regression' if this "
                                 "is a quantity"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="swarm"):
        forced = datasets.from_csv(path, label="target", task="regression")
    assert forced.task == "regression" and _warnings(caplog) == []


def test_few_samples_per_class_warn_and_plain_classes_do_not(caplog):
    x = np.arange(40.0)[:, None]
    with caplog.at_level(logging.WARNING, logger="swarm"):
        datasets.from_arrays(x, np.arange(40) % 10, test=0.0)  # 4 per class: doubtful
        assert _warnings(caplog) == ["10 classes from 40 rows: pass task='regression' if this "
                                     "is a quantity"]
        caplog.clear()
        datasets.from_arrays(x, np.arange(40) % 8, test=0.0)  # 5 per class: fine
        datasets.from_arrays(x, np.array(list("ab") * 20), test=0.0)  # strings: classes
        datasets.from_arrays(x, np.linspace(0, 1, 40), test=0.0)  # a quantity
    assert _warnings(caplog) == []


def test_whole_float_labels_with_few_values_warn(caplog):
    x = np.arange(30.0)[:, None]
    with caplog.at_level(logging.WARNING, logger="swarm"):
        ds = datasets.from_arrays(x, (np.arange(30) % 3).astype(float), test=0.0)
    assert ds.task == "regression"
    assert _warnings(caplog) == ["float labels with 3 whole values only (0, 1, 2): pass "
                                 "task='classification' if they are classes"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="swarm"):
        ds = datasets.from_arrays(x, (np.arange(30) % 3).astype(float), test=0.0,
                                  task="classification")
    assert ds.classes == ("0.0", "1.0", "2.0") and _warnings(caplog) == []


def test_the_command_takes_task_and_says_the_warning_in_flag_words(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    _diabetes_table(whole=True).to_csv("diabetes.csv", index=False)
    with caplog.at_level(logging.WARNING, logger="swarm"):
        assert main(["diabetes.csv", "--label", "target", "--test", "0", "--save", "c.npz",
                     "--quiet", *TINY]) == 0
    assert _warnings(caplog) == ["214 classes from 442 rows: pass --task regression if this is "
                                 "a quantity"]
    assert swarm.load("c.npz").task == "classification"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="swarm"):
        assert main(["diabetes.csv", "--label", "target", "--task", "regression", "--save",
                     "r.npz", "--quiet", *TINY]) == 0
    assert _warnings(caplog) == [] and swarm.load("r.npz").task == "regression"


def test_int_column_vector_labels_are_accepted_like_a_vector():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 2)), np.arange(30) % 3
    flat = datasets.from_arrays(x, y)
    column = datasets.from_arrays(x, y[:, None])
    assert column.task == "classification" and column.classes == ("0", "1", "2")
    for key in ("x", "y", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(flat, key), getattr(column, key))
    a = swarm.train((x, y), bees=2, epochs=2, progress=False)
    b = swarm.train((x, y[:, None]), bees=2, epochs=2, progress=False)
    np.testing.assert_array_equal(a["loss"], b["loss"])


# --- regression targets standardized like the features -----------------------------------

def test_regression_targets_are_standardized_on_the_training_split():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 3))
    y = np.stack([300 + 50 * x[:, 0], -2 + 0.1 * x[:, 1]], axis=1)
    ds = datasets.from_arrays(x, y, seed=3)
    raw = datasets.from_arrays(x, y, seed=3, standardize=False)  # the same split, unscaled
    mean, std = raw.y.astype(np.float64).mean(0), raw.y.astype(np.float64).std(0)
    np.testing.assert_allclose(ds.y_mean, mean, rtol=1e-6)
    np.testing.assert_allclose(ds.y_std, std, rtol=1e-6)
    np.testing.assert_allclose(ds.y, (raw.y - mean) / std, atol=1e-5)
    np.testing.assert_allclose(ds.y_test, (raw.y_test - mean) / std, atol=1e-5)
    np.testing.assert_allclose(ds.y.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(ds.y.std(0), 1, atol=1e-5)
    meta = ds.to_meta()
    np.testing.assert_allclose(meta["y_mean"], mean) and np.testing.assert_allclose(meta["y_std"], std)
    assert ds.loss_units == "standardized" and raw.loss_units == "original"
    assert raw.y_mean is None and raw.to_meta()["y_std"] is None
    assert datasets.moons(100).to_meta()["y_mean"] is None  # classes are never scaled


def test_diabetes_as_a_csv_trains_with_defaults_without_a_bee_diverging(tmp_path):
    path = tmp_path / "diabetes.csv"
    _diabetes_table().to_csv(path, index=False)
    ds = datasets.from_csv(path, label="target")
    rec = swarm.train(ds, bees=8, epochs=60, progress=False)  # default width, lr, optimizer
    assert not rec.diverged.any() and np.all(rec["loss"][:, -1] < rec["loss"][:, 0])
    assert rec.meta["dataset"]["y_std"] == pytest.approx(float(ds.y_std))
    assert rec.loss_units == "standardized"
    # the witness: the same run on the targets in their original units diverges
    raw = datasets.from_csv(path, label="target", standardize=False)
    unscaled = datasets.from_arrays(ds.x, raw.y, x_test=ds.x_test, y_test=raw.y_test,
                                    standardize=False)
    assert unscaled.loss_units == "original"
    assert swarm.train(unscaled, bees=8, epochs=60, progress=False).diverged.all()


def test_summary_and_report_say_the_loss_units(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _diabetes_table().to_csv("diabetes.csv", index=False)
    assert main(["diabetes.csv", "--label", "target", "--report", "r.md", *TINY]) == 0
    out = capsys.readouterr().out
    assert "final train loss (standardized targets) 10/50/90%" in out
    assert "final test loss (standardized targets) 10/50/90%" in out
    report = Path("r.md").read_text()
    assert "loss units" in report and "standardized targets" in report
    assert main(["diabetes.csv", "--label", "target", "--no-standardize", "--lr", "1e-7",
                 "-o", "raw.mp4", "--report", "raw.md", *TINY]) == 0
    assert "final train loss (original targets)" in capsys.readouterr().out
    assert "original targets" in Path("raw.md").read_text()


# --- delimiters, suffixes, missing cells, unnamed columns ----------------------------------

def _rows(n=12):
    rng = np.random.default_rng(0)
    return [(f"{a:.3f}", f"{b:.3f}", "ab"[i % 2]) for i, (a, b) in
            enumerate(rng.normal(size=(n, 2)))]


@pytest.mark.parametrize("name,sep,given", [
    ("data.tsv", "\t", None), ("data.csv", ";", None), ("data.txt", "|", None),
    ("data.csv", "\t", None), ("data.txt", ";", ";"), ("data.csv", "\t", "\\t"),
])
def test_delimiters_are_detected_or_given(tmp_path, name, sep, given):
    rows = _rows()
    (tmp_path / name).write_text("\n".join(sep.join(r) for r in [("a", "b", "kind"), *rows]))
    comma = tmp_path / "same.csv"
    comma.write_text("\n".join(",".join(r) for r in [("a", "b", "kind"), *rows]))
    ds = datasets.from_csv(tmp_path / name, label="kind", sep=given)
    expected = datasets.from_csv(comma, label="kind")
    assert ds.features == ("a", "b") and ds.classes == ("a", "b")
    np.testing.assert_array_equal(ds.x, expected.x)
    np.testing.assert_array_equal(ds.y, expected.y)


def test_a_wrong_or_bad_sep_is_one_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a;b;kind\n1;2;x\n3;4;y\n")
    with pytest.raises(ValueError, match="`label` 'kind' is not a column of .*; columns: a;b;kind; "
                                         "one column only: is `sep` another delimiter"):
        datasets.from_csv(path, label="kind", sep=",")
    with pytest.raises(ValueError, match="`sep` must be one character"):
        datasets.from_csv(path, label="kind", sep=";;")


def test_the_command_reads_a_tsv_and_takes_sep(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rows = _rows(20)
    Path("d.tsv").write_text("\n".join("\t".join(r) for r in [("a", "b", "kind"), *rows]))
    Path("d.txt").write_text("\n".join(" ".join(r) for r in [("a", "b", "kind"), *rows]))
    assert main(["d.tsv", "--label", "kind", "--save", "t.npz", "--quiet", *TINY]) == 0
    assert main(["d.txt", "--label", "kind", "--sep", " ", "--save", "s.npz", "--quiet",
                 *TINY]) == 0
    a, b = swarm.load("t.npz"), swarm.load("s.npz")
    assert a.meta["dataset"]["features"] == b.meta["dataset"]["features"] == ["a", "b"]
    np.testing.assert_array_equal(a["x"], b["x"])
    assert main(["d.tsv", "--label", "kind", "--sep", ";;", "--quiet", *TINY]) == 2
    assert "--sep must be one character" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["missing.tsv", "sin.csv", "x.txt", "exp(x).tsv"])
def test_a_data_file_suffix_is_never_an_expression(target, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([target, "--label", "y", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"TARGET {target!r} is not a file" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cell", ["", "NA", "nan", "N/A", "null", " "])
def test_a_missing_cell_is_named_by_line_and_column(cell, tmp_path, monkeypatch, capsys):
    table = _iris_table()
    text = table.to_csv(index=False).splitlines()
    fields = text[6].split(",")  # line 7 of the file: the sixth sample
    fields[1] = cell
    text[6] = ",".join(fields)
    path = tmp_path / "iris.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(ValueError, match=r"missing value at line 7, column 'sepal width \(cm\)'"):
        datasets.from_csv(path, label="species")
    monkeypatch.chdir(tmp_path)
    assert main(["iris.csv", "--label", "species", "--quiet", *TINY]) == 2
    err = capsys.readouterr().err
    assert "missing value at line 7, column 'sepal width (cm)'" in err and err.count("\n") == 1


def test_a_missing_label_is_named_too(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,kind\n1,2,x\n3,4,NA\n")
    with pytest.raises(ValueError, match="missing value at line 3, column 'kind'"):
        datasets.from_csv(path, label="kind")


def test_an_index_column_without_a_header_is_left_out_with_a_note(tmp_path, caplog):
    table = _iris_table()
    path = tmp_path / "iris.csv"
    table.to_csv(path)  # pandas writes its index first, under an empty header
    with caplog.at_level(logging.WARNING, logger="swarm"):
        ds = datasets.from_csv(path, label="species")
    plain = datasets.from_csv(_plain(tmp_path, table), label="species")
    assert ds.features == plain.features == tuple(table.columns[:4])
    np.testing.assert_array_equal(ds.x, plain.x)
    notes = _warnings(caplog)
    assert len(notes) == 1 and "\n" not in notes[0]
    assert "column 1 has no header" in notes[0] and "'Unnamed: 0'" in notes[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="swarm"):
        kept = datasets.from_csv(path, label="species", standardize=False,
                                 features=["Unnamed: 0", "petal width (cm)"])
    assert _warnings(caplog) == [] and kept.features == ("Unnamed: 0", "petal width (cm)")
    back = datasets.from_csv(path, label="species", standardize=False, test=0.0,
                             features=["Unnamed: 0"])
    assert sorted(back.x[:, 0].tolist()) == list(range(150))


def _plain(folder, table):
    path = folder / "plain.csv"
    table.to_csv(path, index=False)
    return path


def test_the_command_notes_the_index_column_in_one_line_and_keeps_it_with_features(tmp_path):
    import subprocess
    import sys

    _iris_table().to_csv(tmp_path / "iris.csv")
    run = [sys.executable, "-m", "swarm.cli", "iris.csv", "--label", "species", *TINY]
    first = subprocess.run(run + ["--save", "a.npz"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    note = [line for line in first.stderr.splitlines() if line.startswith("swarm-animate:")]
    assert note == ["swarm-animate: iris.csv: column 1 has no header (a row index?) and is left "
                    "out; name it in --features ('Unnamed: 0') to keep it"]
    assert "Unnamed: 0" not in swarm.load(tmp_path / "a.npz").meta["dataset"]["features"]
    kept = subprocess.run(run + ["--features", "Unnamed: 0,sepal length (cm)", "--save", "b.npz",
                                 "--quiet"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert kept.returncode == 0 and kept.stderr == "", kept.stderr
    assert swarm.load(tmp_path / "b.npz").meta["dataset"]["features"] == \
        ["Unnamed: 0", "sepal length (cm)"]


# --- the README's iris example, from the repository root ----------------------------------

def test_the_shipped_iris_csv_is_fishers_iris():
    import pandas as pd

    shipped = pd.read_csv(ROOT / "iris.csv")
    expected = _iris_table()
    assert list(shipped.columns) == list(expected.columns)
    np.testing.assert_allclose(shipped.iloc[:, :4].to_numpy(), expected.iloc[:, :4].to_numpy())
    assert shipped["species"].tolist() == expected["species"].tolist()


def test_the_readme_iris_command_and_call_run_from_the_repository_root(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    assert "swarm-animate iris.csv --label species" in readme
    assert 'from_csv("iris.csv", label="species")' in readme
    monkeypatch.chdir(ROOT)
    ds = datasets.from_csv("iris.csv", label="species")
    assert ds.classes == ("setosa", "versicolor", "virginica") and ds.num_features == 4
    out = tmp_path / "iris.mp4"
    assert main(["iris.csv", "--label", "species", "-o", str(out), "--quiet", *TINY]) == 0
    assert out.stat().st_size > 0
