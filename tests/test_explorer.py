"""The explorer's data and files (issue 22), checked against numpy on tiny swarms.

The page itself is driven in Chromium by tests/test_explorer_browser.py.
"""
from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

import swarm
from swarm.cli import main
from swarm.explorer import _data, explore, explore_html
from swarm.explorer._pack import pack, unpack
from swarm.report import notebook, write_report


@pytest.fixture(scope="module")
def sin():
    return swarm.train("sin", bees=12, epochs=15, width=6, progress=False, seed=3)


@pytest.fixture(scope="module")
def moons():
    return swarm.train("moons", data={"samples": 80}, bees=6, epochs=12, width=5, depth=2,
                       lr=0.1, progress=False)


def page_json(markup: str) -> dict:
    text = re.search(r'<script type="application/json" id="swarm-data">(.*?)</script>', markup,
                     re.S).group(1)
    return json.loads(text)


def live_by_epoch(rec) -> np.ndarray:
    """bool [bee, epoch], from diverged_at alone."""
    at = rec["diverged_at"]
    return np.array([[at[b] < 0 or rec.epoch[e] < at[b] for e in range(rec.num_epochs)]
                     for b in range(rec.num_bees)])


@pytest.mark.parametrize("bits, levels", [(8, None), (16, None), (16, 1024)])
@pytest.mark.parametrize("delta", [False, True])
def test_pack_keeps_each_value_within_half_a_step(bits, levels, delta):
    v = np.random.default_rng(0).normal(size=(4, 9, 3)).astype(np.float32)
    v[1, 2, 0], v[0, 0, 0], v[3, 8, 2] = np.nan, np.inf, -np.inf
    p = pack(v, bits, delta=delta, levels=levels)
    back = unpack(p)
    ok = np.isfinite(v)
    assert back.shape == v.shape and np.isnan(back[~ok]).all() and np.isfinite(back[ok]).all()
    assert np.abs(back[ok] - v[ok]).max() <= p["step"] * 0.5001
    assert p["step"] == pytest.approx((v[ok].max() - v[ok].min()) / ((levels or 2 ** bits - 1) - 1))
    assert p["lo"] == pytest.approx(v[ok].min()) and p["hi"] == pytest.approx(v[ok].max())


def test_pack_clips_to_the_range_it_is_given():
    p = pack(np.array([[-5.0, 0.25, 9.0]]), 8, lo=0.0, hi=1.0)
    assert unpack(p)[0] == pytest.approx([0.0, 0.25, 1.0], abs=p["step"] / 2)


def test_loss_accuracy_and_order_match_the_recording(moons):
    d = _data.page_data(moons)
    log = np.log10(moons["loss"].astype(np.float64))
    loss = unpack(d["loss"])
    assert np.abs(loss - log).max() <= d["loss"]["step"] / 2 + 1e-6
    acc = unpack(d["test_accuracy"])
    assert np.abs(acc - moons["test_accuracy"]).max() <= d["test_accuracy"]["step"] / 2 + 1e-6
    live = live_by_epoch(moons)
    for e in (0, moons.num_epochs // 2, -1):
        values = moons["accuracy"][live[:, e], e]
        assert d["accuracy_band"][1][e] == pytest.approx(np.percentile(values, 50), abs=1e-5)
        assert d["accuracy_band"][0][e] == pytest.approx(np.percentile(values, 10), abs=1e-5)
    final = [float(v) for v in moons["loss"][:, -1]]
    assert d["order"] == sorted(range(moons.num_bees), key=lambda b: (final[b], b))
    assert d["epochs"] == moons.epoch.tolist() and d["bees"] == moons.num_bees


def test_fits_and_median_match_the_predictions(sin):
    f = _data.page_data(sin)["fits"]
    lo, hi = f["view"]
    pred = unpack(f["pred"])
    assert np.abs(pred - np.clip(sin["ypred"], lo, hi)).max() <= f["pred"]["step"] / 2 + 1e-6
    live = live_by_epoch(sin)
    med = unpack(f["median"])
    for e in range(sin.num_epochs):
        expect = np.median(sin["ypred"][live[:, e], e], axis=0)
        assert np.abs(med[e] - np.clip(expect, lo, hi)).max() <= f["median"]["step"] / 2 + 1e-6


def test_the_breakpoint_histogram_is_where_units_bend_the_output(sin):
    """One hidden relu layer: each unit bends the output at -b/w (if it reaches the output)."""
    f = _data.page_data(sin)["fits"]
    hist = unpack(f["breakpoints"]["hist"])  # [epoch, bin], share of the largest bar
    lo, hi = f["breakpoints"]["edges"]
    e = sin.num_epochs - 1
    w, b = sin.weights(0)[:, e, :, 0].astype(np.float64), sin.biases(0)[:, e].astype(np.float64)
    out = sin.weights(1)[:, e, 0, :]
    points = [-b[i, u] / w[i, u] for i in range(sin.num_bees) for u in range(w.shape[1])
              if w[i, u] != 0 and out[i, u] != 0 and lo < -b[i, u] / w[i, u] < hi]
    counts, _ = np.histogram(points, bins=hist.shape[1], range=(lo, hi))
    assert counts.sum() > 0
    top = counts.max() / hist[e].max()  # the page keeps shares of the run's largest bar
    assert np.abs(hist[e] * top - counts).max() <= 1.0 + top / 254 * 2, (hist[e] * top, counts)


def test_weights_and_their_histograms(sin, monkeypatch):
    w = _data.page_data(sin)["weights"]
    assert w["keys"] == list(range(sin.num_epochs)) and w["activation"] == "relu"
    for k, layer in zip(sin.layer_indices, w["layers"]):
        back = unpack(layer["w"])
        assert np.abs(back - sin.weights(k)).max() <= layer["w"]["step"] / 2 + 1e-6
        hist = unpack(layer["hist"])  # [epoch, bin]: counts over the run's largest count
        counts = np.array([np.histogram(sin.weights(k)[:, e].ravel(), bins=hist.shape[1],
                                        range=tuple(layer["edges"]))[0]
                           for e in range(sin.num_epochs)])
        top = counts.max()
        assert np.abs(hist * top - counts).max() <= 1 + top / 254 / 2
    # over the budget: evenly spread key epochs, first and last kept, within the budget
    params = sum(sin.weights(k)[0, 0].size + sin.biases(k)[0, 0].size for k in sin.layer_indices)
    monkeypatch.setattr(_data, "WEIGHT_VALUES", sin.num_bees * params * 4)
    keys = _data.page_data(sin)["weights"]["keys"]
    assert keys[0] == 0 and keys[-1] == sin.num_epochs - 1 and len(keys) == 4
    assert np.ptp(np.diff(keys)) <= 1


def _relu_classes(rec, bee: int, e: int, points: np.ndarray) -> np.ndarray:
    a = points
    for i, k in enumerate(rec.layer_indices):
        a = a @ rec.weights(k)[bee, e].T.astype(np.float64) + rec.biases(k)[bee, e]
        if i < rec.num_layers - 1:
            a = np.maximum(a, 0)
    return (a[:, 0] > 0).astype(int) if a.shape[1] == 1 else a.argmax(1)


def test_the_vote_map_is_the_share_of_bees_per_class(moons):
    p = _data.page_data(moons)["plane"]
    votes = unpack(p["votes"])  # [key, class, row, col]
    x0, x1, y0, y1 = p["extent"]
    cols, rows = p["size"]
    gx, gy = np.meshgrid(np.linspace(x0, x1, cols), np.linspace(y0, y1, rows))
    grid = np.stack([gx.ravel(), gy.ravel()], 1)
    for k, e in enumerate(p["keys"]):
        classes = np.array([_relu_classes(moons, b, e, grid) for b in range(moons.num_bees)])
        share = (classes == 1).mean(0).reshape(rows, cols)
        assert np.abs(votes[k, 1] - share).mean() < 0.01  # float32 vs float64 at the edges
    assert p["points"]["train"]["label"] == moons.y.astype(int).tolist()
    assert len(p["points"]["test"]["x"]) == len(moons["x_test"])


def test_explore_writes_one_offline_page(sin, tmp_path):
    path = explore(sin, tmp_path / "run.html")
    markup = path.read_text()
    assert list(tmp_path.iterdir()) == [path]
    assert not re.search(r'\b(src|href)\s*=\s*"(?!data:|#)', markup)  # nothing fetched
    assert "http://" not in markup.replace("http://www.w3.org", "") and "https://" not in markup
    assert "window.swarmExplorer" in markup and 'type="range"' in markup
    d = page_json(markup)
    assert d["kind"] == "target" and "fits" in d and d["title"].startswith("A swarm of 12 bees")


@pytest.mark.parametrize("bad, needle", [("run.txt", "must end in .html"),
                                          ("missing/run.html", "does not exist")])
def test_explore_refuses_a_bad_path_and_writes_nothing(sin, tmp_path, bad, needle):
    with pytest.raises((ValueError, FileNotFoundError), match=needle):
        explore(sin, tmp_path / bad)
    assert list(tmp_path.iterdir()) == []


def test_a_report_embeds_the_explorer(moons, tmp_path):
    page = write_report(moons, tmp_path / "r.html", figures=False, explore=True).read_text()
    frame = re.search(r'<iframe class="swarm-explorer"[^>]*srcdoc="([^"]*)"', page)
    assert frame and page_json(html.unescape(frame.group(1)))["kind"] == "classification"
    assert "swarm-explorer" not in write_report(moons, tmp_path / "plain.html",
                                                figures=False).read_text()
    md = write_report(moons, tmp_path / "r.md", figures=False, explore=True).read_text()
    assert "(r_files/explore.html)" in md and (tmp_path / "r_files" / "explore.html").is_file()
    with pytest.raises(ValueError, match="explore"):
        write_report(moons, tmp_path / "x.html", explore="yes")


def test_show_puts_the_explorer_in_a_notebook(moons):
    shown = notebook.show(moons, explore=True)._repr_html_()
    assert shown.startswith('<iframe class="swarm-explorer"') and "swarm-data" in html.unescape(shown)
    with pytest.raises(ValueError, match="explore"):
        notebook.show(moons, colour="red")


def test_the_command_writes_the_explorer(sin, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sin.save(tmp_path / "run.npz")
    small = ["--size", "320x180", "--fps", "5", "--duration", "1", "--jobs", "1"]
    assert main(["--from", "run.npz", "-o", "again.gif", "--explore", "run.html", *small]) == 0
    assert "explore: run.html" in capsys.readouterr().out
    assert page_json((tmp_path / "run.html").read_text())["bees"] == 12
    assert main(["--from", "run.npz", "--explore", "run.txt", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--explore 'run.txt' must end in .html" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.gif", "run.html", "run.npz"]
