"""The explorer in a real browser: Debian's chromium, headless, driven by Playwright (issue 22).

Each page is opened from disk (file://) with no other request and nothing logged; every
view redraws when the epoch moves; hovering a bee's curve (its screen position computed
here from the recording) selects it and highlights it in the other views; clicks pin;
the URL hash reopens the same view. Screenshots go to $SWARM_SCREENSHOTS when set.
Timings are bench/explore_speed.py's, never asserted here.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np
import pytest

import swarm
from swarm.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)

READY = """() => new Promise((done, fail) => {  // first frame drawn, then the weights decoded
  const wait = () => (window.swarmExplorer ? window.swarmExplorer.complete.then(() => done(true), fail)
                      : setTimeout(wait, 10));
  wait();
})"""
PIXELS = """() => Object.fromEntries([...document.querySelectorAll('canvas[data-view]')]
  .map((c) => [c.dataset.view, c.toDataURL()]))"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True,
            viewport={"width": 1366, "height": 900})
        yield context
        context.close()


@pytest.fixture(scope="module")
def recs():
    return {"sin": swarm.train("sin", bees=16, epochs=24, width=6, progress=False, seed=1),
            "moons": swarm.train("moons", data={"samples": 120}, bees=10, epochs=20, width=8,
                                 depth=2, lr=0.1, progress=False),
            "digits": swarm.train("digits", data={"samples": 200}, bees=4, epochs=6, width=8,
                                  progress=False)}


@pytest.fixture(scope="module")
def pages(recs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorer")
    return {name: swarm.explore(rec, folder / f"{name}.html") for name, rec in recs.items()}


def open_page(browser, path: Path, hash: str = ""):
    page = browser.new_page()
    problems, requests = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri() + hash, wait_until="load")
    assert page.evaluate(READY)
    return page, problems, requests


def shot(page, name: str) -> None:
    folder = os.environ.get("SWARM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"explorer-{name}.png"), full_page=True)


def canvas_point(page, view: str, x: float, y: float) -> tuple[float, float]:
    """Page coordinates of data point (x, y) in ``view`` (the page's axes, not its picking)."""
    g = page.evaluate(f"window.swarmExplorer.geometry('{view}')")
    return (g["left"] + (x - g["x"][0]) / (g["x"][1] - g["x"][0]) * g["width"],
            g["top"] + (g["y"][1] - y) / (g["y"][1] - g["y"][0]) * g["height"])


def isolated_curve(rec, e: int) -> tuple[int, float, float]:
    """The (bee, x, y) on the last epoch's fits where one bee is farthest from every other."""
    ys = rec["ypred"][:, e].astype(np.float64)  # [bee, point]
    gaps = np.sort(np.abs(ys[:, None] - ys[None]), axis=1)[:, 1]
    gaps[:, :3] = gaps[:, -3:] = 0
    bee, i = np.unravel_index(np.argmax(gaps), gaps.shape)
    return int(bee), float(rec.x[i]), float(ys[bee, i])


@pytest.mark.parametrize("name, views", [
    ("sin", {"fits", "loss", "beemap", "breakpoints", "weights0", "weights1"}),
    ("moons", {"plane", "loss", "accuracy", "beemap", "weights0", "weights1", "weights2"}),
    ("digits", {"loss", "accuracy", "beemap", "filters", "weights0", "weights1"})])
def test_opens_offline_and_every_view_follows_the_epoch(browser, pages, recs, name, views):
    page, problems, requests = open_page(browser, pages[name])
    assert requests == [pages[name].as_uri()]  # the file itself, nothing else
    assert set(page.evaluate("swarmExplorer.views()")) == views
    last = recs[name].num_epochs - 1
    assert page.evaluate("swarmExplorer.state()") == {"epoch": last, "selected": None,
                                                      "pinned": [], "colour": "final loss"}
    slider = page.locator("input[type=range]")
    assert slider.get_attribute("max") == str(last)
    page.evaluate("swarmExplorer.pin(1)")
    before = page.evaluate(PIXELS)
    page.evaluate("swarmExplorer.setEpoch(2)")
    after = page.evaluate(PIXELS)
    assert slider.input_value() == "2" and page.evaluate("swarmExplorer.state().epoch") == 2
    assert [v for v in views if before[v] == after[v]] == []
    shot(page, f"{name}-epoch2")
    page.close()
    assert problems == []


def test_hovering_a_bees_curve_selects_it_everywhere(browser, pages, recs):
    rec = recs["sin"]
    page, problems, _ = open_page(browser, pages["sin"])
    bee, x, y = isolated_curve(rec, rec.num_epochs - 1)
    before = page.evaluate(PIXELS)
    page.mouse.move(*canvas_point(page, "fits", x, y))
    assert page.evaluate("swarmExplorer.state().selected") == bee
    after = page.evaluate(PIXELS)
    assert [v for v in before if before[v] == after[v]] == []  # every view shows it
    page.mouse.click(*canvas_point(page, "fits", x, y))
    assert page.evaluate("swarmExplorer.state().pinned") == [bee]
    assert f"rec.bees([{bee}])" in page.locator("#pins").inner_text()
    page.mouse.move(2, 2)  # away from every view: no bee hovered
    assert page.evaluate("swarmExplorer.state().selected") is None
    page.close()
    assert problems == []


def test_the_bee_map_and_the_pick_buttons(browser, pages, recs):
    rec = recs["moons"]
    page, problems, _ = open_page(browser, pages["moons"])
    final = rec["loss"][:, -1]
    page.click("[data-pick=best]")
    page.click("[data-pick=worst]")
    assert page.evaluate("swarmExplorer.state().pinned") == [int(np.argmin(final)),
                                                             int(np.argmax(final))]
    # a dot on the bee map: loss now (log) against test accuracy now
    e = rec.num_epochs - 1
    px = np.log10(rec["loss"][:, e]) * 100
    py = rec["test_accuracy"][:, e] * 100
    d = np.hypot(px[:, None] - px[None], py[:, None] - py[None]) + np.eye(rec.num_bees) * 1e9
    bee = int(np.argmax(d.min(1)))
    page.evaluate("swarmExplorer.select(null)")
    page.mouse.move(*canvas_point(page, "beemap", float(np.log10(rec["loss"][bee, e])),
                                  float(rec["test_accuracy"][bee, e])))
    assert page.evaluate("swarmExplorer.state().selected") == bee
    # a pinned bee's own boundary is drawn over the vote map
    plane = page.evaluate(PIXELS)["plane"]
    page.click("#clear")
    page.mouse.move(2, 2)
    assert page.evaluate(PIXELS)["plane"] != plane
    page.close()
    assert problems == []


def test_the_hash_reopens_the_same_view(browser, pages):
    page, problems, _ = open_page(browser, pages["moons"])
    page.evaluate("swarmExplorer.setEpoch(7); swarmExplorer.pin(2); swarmExplorer.pin(5)")
    page.select_option("#colour", "bee id")
    page.evaluate("() => new Promise((done) => setTimeout(done, 400))")  # the epoch's hash waits
    hash_ = page.evaluate("location.hash")
    assert hash_ == "#epoch=7&pinned=2,5&colour=bee%20id"
    state = page.evaluate("swarmExplorer.state()")
    page.close()
    again, more, _ = open_page(browser, pages["moons"], hash_)
    assert again.evaluate("swarmExplorer.state()") == state
    again.close()
    assert problems == [] and more == []


def test_keys_and_buttons_move_the_epoch(browser, pages):
    page, problems, _ = open_page(browser, pages["sin"])
    page.evaluate("swarmExplorer.setEpoch(10)")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("swarmExplorer.state().epoch") == 8
    page.click("#next")
    assert page.evaluate("swarmExplorer.state().epoch") == 9
    page.keyboard.press(" ")  # plays: the epoch moves on by itself
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))")
    page.keyboard.press(" ")
    moved = page.evaluate("swarmExplorer.state().epoch")
    assert moved > 9 and page.locator("#play").inner_text() == "▶"
    page.close()
    assert problems == []


def test_the_report_embeds_a_working_explorer(browser, recs, tmp_path):
    path = write_report(recs["moons"], tmp_path / "report.html", figures=False, explore=True)
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    frame = page.frames[1]
    assert frame.evaluate(READY)
    frame.evaluate("swarmExplorer.setEpoch(3)")
    assert frame.evaluate("swarmExplorer.state().epoch") == 3
    assert "swarm-data" in html.unescape(page.content())
    page.close()
    assert problems == []


def test_a_swarm_that_diverged_opens_too(browser, tmp_path):
    rec = swarm.train("sin", bees=6, epochs=10, lr=50, progress=False)
    assert rec.diverged.all()
    page, problems, requests = open_page(browser, swarm.explore(rec, tmp_path / "div.html"))
    assert page.locator("[data-pick=best]").is_disabled()
    page.evaluate("swarmExplorer.setEpoch(1); swarmExplorer.pin(0)")
    assert "diverged at epoch 2" in page.locator("#pins").inner_text()
    page.close()
    assert problems == [] and len(requests) == 1
