"""Choosing the explorer's tools (issue 22): our canvas page against Bokeh and Plotly, one run.

The same two views of a 500-bee x 400-epoch ``sin`` swarm (every bee's fit at the
scrubbed epoch; every bee's loss curve with the epoch marked) and an epoch slider, built
three ways, each as one offline HTML file:

- ours: ``swarm.explore`` (all its views; canvas, packed typed arrays);
- Bokeh standalone HTML (``file_html`` with inline BokehJS): WebGL ``multi_line`` for the
  fits and the loss curves, a ``Slider`` whose ``CustomJS`` swaps the fits' ``ys`` from
  one embedded float32 array [bee, epoch, point];
- Plotly (``to_html`` with inline plotly.js): 500 fit traces + 500 loss traces and one
  frame per epoch (``Plotly.animate`` on the slider). Plotly writes every frame's traces;
  it is built on every ``--plotly-every``-th epoch and its size and writing time are scaled
  to all 400 (each frame holds the same amount of data).

Printed per tool: writing time, file size, time to the first drawn frame in headless
Chromium, and the scrub rate (one epoch per animation frame, over every epoch or the
first 15 s). Budgets: <= 25 MB,
<= 3 s, >= 30 frames/s. Bokeh and Plotly are needed only here (pip install bokeh plotly).

    python bench/explore_tools.py [--from SIN.npz] [--plotly-every 10]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import swarm

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

# each tool: how the page says its first frame is drawn, and how to move to epoch position i
WAIT = {
    "ours": "() => window.swarmExplorer && window.swarmExplorer.ready.then(() => true)",
    "bokeh": "() => !!(window.Bokeh && Bokeh.index && Object.keys(Bokeh.index).length"
             " && document.querySelector('.bk-Figure, .bk-Column'))",
    "plotly": "() => !!(window.Plotly && document.querySelector('.plotly-graph-div')"
              " && document.querySelector('.plotly-graph-div')._fullLayout)",
}
STEP = {
    "ours": "(i) => window.swarmExplorer.setEpoch(i)",
    "bokeh": "(i) => { const s = Bokeh.documents[0].get_model_by_name('epoch'); s.value = i; }",
    "plotly": "(i) => { const d = document.querySelector('.plotly-graph-div');"
              " return Plotly.animate(d, [String(i)], {mode: 'immediate', frame: {duration: 0,"
              " redraw: true}, transition: {duration: 0}}); }",
}
OPEN = """async () => {  // the wait and step functions are put in by Python: no eval under CSP
  const ready = WAIT;
  while (!(await ready())) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => requestAnimationFrame(() => r()));
  return performance.now();
}"""
SCRUB = """async (frames) => {  // every epoch in turn, or as many as 15 s allow
  const go = STEP;
  const t0 = performance.now();
  let i = 0;
  for (; i < frames && performance.now() - t0 < 15000; i++) {
    await go(i);
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return i / ((performance.now() - t0) / 1000);
}"""


def bokeh_page(rec, path: Path) -> None:
    from bokeh.embed import file_html
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, CustomJS, Slider, Span
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    pred = np.asarray(rec["ypred"], np.float32)  # [bee, epoch, point]
    bees, epochs, _ = pred.shape
    x = np.asarray(rec.x, np.float32)
    fits = ColumnDataSource({"xs": [x] * bees, "ys": list(pred[:, -1])})
    every = ColumnDataSource({"pred": [pred.ravel()]})  # one flat float32 array, base64 in the file
    f1 = figure(width=600, height=300, output_backend="webgl", title="fits")
    f1.multi_line("xs", "ys", source=fits, line_alpha=0.08)
    loss = np.asarray(rec["loss"], np.float32)
    f2 = figure(width=600, height=250, output_backend="webgl", y_axis_type="log", title="loss")
    f2.multi_line([np.asarray(rec.epoch, np.float32)] * bees, list(loss), line_alpha=0.05)
    mark = Span(location=int(rec.epoch[-1]), dimension="height", line_color="red")
    f2.add_layout(mark)
    slider = Slider(start=0, end=epochs - 1, value=epochs - 1, step=1, name="epoch", title="epoch")
    slider.js_on_change("value", CustomJS(args=dict(fits=fits, every=every, mark=mark,
                                                    epochs=epochs, points=len(x)), code="""
        const e = cb_obj.value, p = every.data.pred[0], ys = [];
        for (let b = 0; b < fits.data.ys.length; b++) {
          const at = (b * epochs + e) * points;
          ys.push(p.subarray(at, at + points));
        }
        fits.data = {xs: fits.data.xs, ys};
        mark.location = e;
    """))
    path.write_text(file_html(column(slider, f1, f2), INLINE, "bokeh"), encoding="utf-8")


def plotly_page(rec, path: Path, every: int) -> int:
    """The page with one frame per ``every``-th epoch; returns how many frames it holds."""
    import plotly.graph_objects as go

    pred = np.asarray(rec["ypred"], np.float32)
    bees = pred.shape[0]
    x = np.asarray(rec.x, np.float32)
    ep = np.asarray(rec.epoch, np.float32)
    loss = np.asarray(rec["loss"], np.float32)
    kept = list(range(0, pred.shape[1], every))
    line = {"width": 1, "color": "rgba(31,78,156,0.08)"}
    traces = [go.Scattergl(x=x, y=pred[b, -1], mode="lines", line=line, xaxis="x", yaxis="y",
                           showlegend=False) for b in range(bees)]
    traces += [go.Scattergl(x=ep, y=loss[b], mode="lines", line=line, xaxis="x2", yaxis="y2",
                            showlegend=False) for b in range(bees)]
    frames = [go.Frame(name=str(i), data=[go.Scattergl(x=x, y=pred[b, e]) for b in range(bees)],
                       traces=list(range(bees))) for i, e in enumerate(kept)]
    fig = go.Figure(data=traces, frames=frames)
    fig.update_layout(width=700, height=600, yaxis={"domain": [0.55, 1]},
                      xaxis2={"anchor": "y2"}, yaxis2={"domain": [0, 0.45], "type": "log"},
                      sliders=[{"steps": [{"method": "animate", "label": str(int(ep[e])),
                                           "args": [[str(i)], {"mode": "immediate"}]}
                                          for i, e in enumerate(kept)]}])
    path.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    return len(kept)


def measure(browser, tool: str, path: Path, frames: int) -> tuple[float, float]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="commit")
    first = page.evaluate(OPEN.replace("WAIT", WAIT[tool])) / 1000
    fps = page.evaluate(SCRUB.replace("STEP", STEP[tool]), frames)
    page.close()
    return first, fps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="source")
    ap.add_argument("--plotly-every", type=int, default=10)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    rec = swarm.load(args.source) if args.source else swarm.train("sin", bees=500, epochs=400,
                                                                  progress=False)
    epochs = rec.num_epochs
    print(f"sin, {rec.num_bees} bees x {epochs} epochs; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        # no --disable-gpu here: Bokeh's WebGL path needs a GL context (SwiftShader headless)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS[:2] + FLAGS[3:],
                                    headless=True)
        rows = []
        for tool in ("ours", "bokeh", "plotly"):
            path = Path(tmp) / f"{tool}.html"
            t0 = time.perf_counter()
            scale, frames = 1.0, epochs
            if tool == "ours":
                swarm.explore(rec, path)
            elif tool == "bokeh":
                bokeh_page(rec, path)
            else:
                frames = plotly_page(rec, path, args.plotly_every)
                scale = epochs / frames
            write = (time.perf_counter() - t0) * scale
            size = path.stat().st_size / 1e6 * scale
            first, fps = measure(browser, tool, path, frames)
            note = f" (built with {frames} frames, size and writing scaled x{scale:.0f})" \
                if scale != 1 else ""
            rows.append(f"{tool:7s} write {write:6.1f} s  file {size:7.1f} MB  first frame "
                        f"{first:5.2f} s  scrub {fps:5.1f} frames/s{note}")
            print(rows[-1], flush=True)
        browser.close()


if __name__ == "__main__":
    main()
