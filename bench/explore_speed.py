"""The explorer against its budgets, 500 bees x 400 epochs (issue 22), in one run.

For each recording (``sin`` defaults; ``moons`` width 16, depth 2, lr 0.1): the time to
write the page against the time to render the default video of the same recording
(``swarm.animate``, all cores) and their ratio; the file's size; then in headless
Chromium (Debian's, via Playwright) opened from disk: the time to the first frame
(navigation start to ``swarmExplorer.ready``), the scrub rate (every epoch in turn, one
per animation frame, each drawing every view: frames/s, and the drawing time per epoch
alone), and the hover time (a mousemove over a bee's curve in the fits, or its dot on
the bee map, to every view redrawn with it highlighted).

    python bench/explore_speed.py [--from-sin SIN.npz] [--from-moons MOONS.npz] [--no-video]
                                  [--screenshots animations]

``--screenshots DIR`` also saves the README's pictures: each page at three epochs with
its median bee pinned (``explorer_<name>_<epoch>.png``, 256-colour PNGs).

Budgets: file <= 25 MB, first frame <= 3 s, scrubbing >= 30 frames/s, hover <= 50 ms,
writing <= rendering the video.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import swarm

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNS = {"sin": dict(target="sin", bees=500, epochs=400),
        "moons": dict(target="moons", bees=500, epochs=400, width=16, depth=2, lr=0.1)}

SCRUB = """async () => {
  const ex = window.swarmExplorer, n = ex.epochs.length;
  let draw = 0;
  const t0 = performance.now();
  await new Promise((done) => {
    let i = 0;
    const tick = () => {
      const s = performance.now();
      ex.setEpoch(i);
      draw += performance.now() - s;
      if (++i < n) requestAnimationFrame(tick); else requestAnimationFrame(done);
    };
    requestAnimationFrame(tick);
  });
  return {fps: n / ((performance.now() - t0) / 1000), draw_ms: draw / n};
}"""

READY = """() => new Promise((done) => {  // polled: the page's CSP allows no string eval
  const wait = () => (window.swarmExplorer ? window.swarmExplorer.ready.then(() => done(performance.now()))
                      : setTimeout(wait, 5));
  wait();
})"""

HOVER = """([view, x, y]) => {
  const canvas = document.querySelector(`canvas[data-view="${view}"]`);
  const r = canvas.getBoundingClientRect();
  const t0 = performance.now();
  canvas.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + x, clientY: r.top + y, bubbles: true}));
  return {ms: performance.now() - t0, selected: window.swarmExplorer.state().selected};
}"""


def open_time(browser, path: Path) -> tuple[float, float, object]:
    """Seconds from navigation start to the first frame, and to the weights decoded too."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="commit")
    ms = page.evaluate(READY)
    done = page.evaluate("window.swarmExplorer.complete.then(() => window.swarmExplorer.timings.complete)")
    return ms / 1000, done / 1000, page


def isolated_bee(page, rec, view: str) -> tuple[float, float, int]:
    """Canvas coordinates (CSS px) and id of the bee farthest from every other bee at the last
    epoch: on its curve in the fits (at the grid point where it is most alone), or its dot
    on the bee map. The page's own geometry maps data to pixels; the choice is numpy's."""
    import numpy as np

    g = page.evaluate(f"window.swarmExplorer.geometry('{view}')")
    rect = page.evaluate(f"(() => {{ const r = document.querySelector('canvas[data-view=\"{view}\"]')"
                         ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY]; })()")
    e = rec.num_epochs - 1
    live = np.flatnonzero(rec.live)
    sx, sy = g["width"] / (g["x"][1] - g["x"][0]), g["height"] / (g["y"][1] - g["y"][0])
    if view == "fits":
        ys = np.asarray(rec["ypred"][live, e], np.float64).reshape(len(live), -1) * sy  # [bee, point]
        inside = (ys > g["y"][0] * sy) & (ys < g["y"][1] * sy)
        gaps = np.sort(np.abs(ys[:, None, :] - ys[None, :, :]), axis=1)[:, 1, :]  # [bee, point]
        gaps[:, :2] = gaps[:, -2:] = 0  # not at the plot's edges
        gaps[~inside] = 0
        b, i = np.unravel_index(np.argmax(gaps), gaps.shape)
        x, y = float(rec.x.ravel()[i]), float(rec["ypred"][live[b], e].ravel()[i])
    else:
        px = np.log10(np.asarray(rec["loss"][live, e], np.float64)) * sx
        other = rec["test_accuracy"][live, e] if "test_accuracy" in rec else \
            np.log10(rec["loss"][live, 0])
        py = np.asarray(other, np.float64) * sy
        d = np.hypot(px[:, None] - px[None], py[:, None] - py[None])
        np.fill_diagonal(d, np.inf)
        b = int(np.argmax(d.min(1)))
        x, y = px[b] / sx, py[b] / sy
    cx = g["left"] - rect[0] + (x - g["x"][0]) * sx
    cy = g["top"] - rect[1] + (g["y"][1] - y) * sy
    return cx, cy, int(live[b])


def screenshots(page, name: str, folder: Path) -> None:
    """The page at three epochs (early, middle, last) with the median bee pinned."""
    import io

    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)  # the views are built again for the new width
    page.evaluate("window.swarmExplorer.select(null)")
    page.click("[data-pick=median]")
    last = len(page.evaluate("window.swarmExplorer.epochs")) - 1
    for e in (min(last, 8), last // 4, last):
        page.evaluate(f"window.swarmExplorer.setEpoch({e})")
        png = page.screenshot(full_page=True)
        image = Image.open(io.BytesIO(png)).convert("RGB").quantize(256, dither=Image.Dither.NONE)
        out = folder / f"explorer_{name}_{e:03d}.png"
        image.save(out, optimize=True)
        print(f"  saved {out} ({out.stat().st_size / 1e3:.0f} kB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from-sin")
    ap.add_argument("--from-moons")
    ap.add_argument("--no-video", action="store_true", help="skip rendering the videos")
    ap.add_argument("--screenshots", metavar="DIR", help="save pictures of each page here")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for name, kwargs in RUNS.items():
            source = getattr(args, f"from_{name}")
            if source:
                rec = swarm.load(source)
            else:
                kw = dict(kwargs)
                rec = swarm.train(kw.pop("target"), progress=False, **kw)
            page_path = Path(tmp) / f"{name}.html"
            t0 = time.perf_counter()
            swarm.explore(rec, page_path)
            write_s = time.perf_counter() - t0
            line = f"{name}: {rec.num_bees} bees x {rec.num_epochs} epochs: page written in {write_s:.2f} s"
            if not args.no_video:
                t0 = time.perf_counter()
                swarm.animate(rec, Path(tmp) / f"{name}.mp4", progress=False)
                video_s = time.perf_counter() - t0
                line += f", video rendered in {video_s:.2f} s (page / video = {write_s / video_s:.2f})"
            print(line)
            print(f"  file {page_path.stat().st_size / 1e6:.1f} MB (budget 25)")
            first, complete, page = open_time(browser, page_path)
            print(f"  first frame {first:.2f} s after navigation start (budget 3); weights "
                  f"decoded (bees' own kinks, boundaries) at {complete:.2f} s")
            scrub = page.evaluate(SCRUB)
            print(f"  scrub {scrub['fps']:.0f} frames/s through every epoch (budget 30); "
                  f"drawing every view {scrub['draw_ms']:.1f} ms per epoch")
            view = "fits" if name == "sin" else "beemap"
            x, y, bee = isolated_bee(page, rec, view)
            times = []
            for _ in range(7):  # the median of 7 hovers, each from no bee selected
                page.evaluate("window.swarmExplorer.select(null)")
                hover = page.evaluate(HOVER, [view, x, y])
                times.append(hover["ms"])
            print(f"  hover on the {view} view: bee {hover['selected']} (expected {bee}) "
                  f"highlighted in every view in {sorted(times)[3]:.1f} ms, median of 7 "
                  f"(budget 50)")
            if args.screenshots:
                screenshots(page, name, Path(args.screenshots))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
