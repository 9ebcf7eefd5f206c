"""The HTML report in a real browser: Debian's chromium, headless, driven by Playwright.

The page is opened from disk (file://); the video must load (readyState 4), last as
long as the file, play and seek; every image must decode; nothing may log an error;
and the page must fit a phone's width. Screenshots at laptop and phone sizes are
saved (to $SWARM_SCREENSHOTS when set, else the test's temporary folder).
Skipped, with the reason, when chromium or Playwright is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_helpers import make_mp4, png_size

import swarm
from swarm import report
from swarm.report import _media

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
FPS = 25

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield context
        context.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Two reports of one run (the video embedded, and linked beside the page), and one of a
    dataset swarm (its vote map, accuracy and confusion figures)."""
    folder = tmp_path_factory.mktemp("reports")
    (folder / "clips").mkdir()
    clip = make_mp4(folder / "clips" / "swarm.mp4", frames=50, size=(320, 180), fps=FPS)
    rec = swarm.train("sin", bees=12, epochs=20, width=6, depth=2, progress=False)
    moons = swarm.train("moons", data={"samples": 100}, bees=8, epochs=10, width=8, progress=False)
    return {"embedded": report.write_report(rec, folder / "embedded.html", [clip]),
            "linked": report.write_report(rec, folder / "linked.html", [clip],
                                          embed_limit_mb=0, figures=False),
            "dataset": report.write_report(moons, folder / "dataset.html", [clip]),
            "seconds": _media.video_seconds(clip)}


def screenshots_dir(tmp_path) -> Path:
    out = Path(os.environ.get("SWARM_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def open_page(browser, path: Path, size: tuple[int, int]):
    page = browser.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:80]}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


@pytest.mark.parametrize("which, figures", [("embedded", 4), ("linked", 0), ("dataset", 5)])
def test_report_plays_offline_in_chromium(browser, pages, which, figures, tmp_path):
    page, problems = open_page(browser, pages[which], SIZES["laptop"])
    page.wait_for_function("document.querySelector('video').readyState === 4", timeout=20_000)
    duration = page.evaluate("document.querySelector('video').duration")
    assert duration == pytest.approx(pages["seconds"], abs=1.5 / FPS)
    # plays: time moves forward
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("document.querySelector('video').currentTime > 0.2", timeout=10_000)
    assert not page.evaluate("document.querySelector('video').paused")
    # seeks: to the middle, and the frame there is ready
    target = round(duration / 2, 2)
    page.evaluate("""t => new Promise(done => { const v = document.querySelector('video');
        v.pause(); v.addEventListener('seeked', () => done(), {once: true}); v.currentTime = t; })""",
                  target)
    assert page.evaluate("document.querySelector('video').currentTime") == pytest.approx(target,
                                                                                       abs=0.05)
    assert page.evaluate("document.querySelector('video').readyState") >= 2
    images = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth])")
    assert len(images) == figures and all(done and width > 0 for done, width in images), images
    poster = page.evaluate("document.querySelector('video').poster")
    assert poster.startswith("data:image/png")
    shot = screenshots_dir(tmp_path) / f"report-{which}-laptop.png"
    page.screenshot(path=str(shot), full_page=True)
    assert png_size(shot.read_bytes())[0] == SIZES["laptop"][0]
    page.close()
    assert problems == []


@pytest.mark.parametrize("which", ["embedded", "dataset"])
def test_report_fits_a_phone_screen(browser, pages, which, tmp_path):
    page, problems = open_page(browser, pages[which], SIZES["phone"])
    page.wait_for_function("document.querySelector('video').readyState === 4", timeout=20_000)
    # nothing wider than the screen: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"][0]
    widths = page.evaluate("[...document.querySelectorAll('img, video, table')]"
                           ".map(e => e.getBoundingClientRect().right)")
    assert max(widths) <= SIZES["phone"][0]
    shot = screenshots_dir(tmp_path) / f"report-{which}-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert png_size(shot.read_bytes())[0] == SIZES["phone"][0]
    page.close()
    assert problems == []

