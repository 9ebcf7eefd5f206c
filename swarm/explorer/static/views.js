/* The linked views. Each is made by make(card, app) and returns {plot, draw(state), pick?}:
   draw paints the frame at state.epoch with the highlighted bees (app.marked(state):
   pins in their colours, then the hovered bee in black); pick(x, y, state) names the bee
   under a point of the canvas (or null). */
"use strict";

const SwarmViews = (() => {
  const { Plot, INK, hexRgb, short, logTicks } = SwarmCanvas;
  const DENSITY = [31, 78, 156];  // the fits' density colour
  const pow10 = (v) => { const p = Math.pow(10, v); return short(p); };

  /* the nearest bee to pixel row py among values(bee) (pixels), within `reach` */
  function nearest(app, e, rowOf, py, reach = 12) {
    let best = null, dist = reach;
    for (let b = 0; b < app.bees; b++) {
      if (!app.live(b, e)) continue;
      const r = rowOf(b);
      if (Number.isFinite(r) && Math.abs(r - py) < dist) { dist = Math.abs(r - py); best = b; }
    }
    return best;
  }

  /* position of the recorded epoch nearest to epoch number v */
  function positionOf(app, v) {
    const ep = app.data.epochs;
    let lo = 0, hi = ep.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (ep[mid] < v) lo = mid + 1; else hi = mid; }
    return lo > 0 && v - ep[lo - 1] < ep[lo] - v ? lo - 1 : lo;
  }

  function epochAxis(app) {
    const ep = app.data.epochs;
    return [ep[0], Math.max(ep[ep.length - 1], ep[0] + 1)];
  }

  /* 1-D: the density of every bee's fit, the target, the median, the marked bees */
  function fits(card, app) {
    const F = app.data.fits, P = F.x.length, E = app.E;
    const plot = new Plot(card, { height: 260, x: [F.x[0], F.x[P - 1]], y: F.view });
    plot.cacheBackground(null, { xlabel: "x", ylabel: "fits" });
    const w = Math.round(plot.pw), h = Math.round(plot.ph);
    const counts = new Uint16Array(w * h), image = new ImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);  // one RGBA word per pixel
    const layer = document.createElement("canvas");
    layer.width = w; layer.height = h;
    const lctx = layer.getContext("2d");
    const pred = F.pred, top = pred.top, lo = pred.lo, step = pred.step;
    const rowScale = (h - 1) / (F.view[1] - F.view[0]);
    const at = (b, e) => (b * E + e) * P;
    const valueAt = (b, e, t) => {  // the bee's prediction at fractional grid position t
      const i = Math.min(P - 2, Math.floor(t)), f = t - i, base = at(b, e);
      const q0 = pred.codes[base + i], q1 = pred.codes[base + i + 1];
      if (q0 === top || q1 === top) return NaN;
      return lo + (q0 + (q1 - q0) * f) * step;
    };
    /* colour of a pixel crossed by n curves of `live`: a table, log-scaled, white at 0 */
    const shades = new Uint32Array(app.bees * 2 + 2);
    let shadesFor = -1;
    function shadeTable(live) {
      const norm = 1 / Math.log1p(Math.max(1, live) * 0.25), little = new Uint8Array(4);
      const word = new Uint32Array(little.buffer);
      for (let n = 0; n < shades.length; n++) {
        const level = n > 0 ? Math.min(1, Math.pow(Math.log1p(n) * norm, 0.7) * 0.92 + 0.08) : 0;
        for (let ch = 0; ch < 3; ch++) little[ch] = 255 - (255 - DENSITY[ch]) * level;
        little[3] = 255;
        shades[n] = word[0];
      }
      shadesFor = live;
    }
    const cell = new Int32Array(w), frac = new Float64Array(w);
    for (let c = 0; c < w; c++) {
      const t = c / (w - 1) * (P - 1);
      cell[c] = Math.min(P - 2, Math.floor(t));
      frac[c] = t - cell[c];
    }
    const rows = new Int32Array(w);
    /* each live bee's curve drawn as one-pixel-wide columns, counted per pixel */
    function density(e) {
      counts.fill(0);
      let live = 0;
      const codes = pred.codes, shift = (F.view[1] - lo) * rowScale, scale = step * rowScale;
      for (let b = 0; b < app.bees; b++) {
        if (!app.live(b, e)) continue;
        live++;
        const base = at(b, e);
        for (let c = 0; c < w; c++) {
          const q0 = codes[base + cell[c]], q1 = codes[base + cell[c] + 1];
          rows[c] = q0 === top || q1 === top ? -1 : Math.round(shift - (q0 + (q1 - q0) * frac[c]) * scale);
        }
        let prev = -1;
        for (let c = 0; c < w; c++) {
          const r = rows[c];
          if (r < 0) { prev = -1; continue; }
          const from = prev < 0 ? r : prev;
          const a = Math.max(0, Math.min(r, from)), z = Math.min(h - 1, Math.max(r, from));
          for (let y = a; y <= z; y++) counts[y * w + c]++;
          prev = r;
        }
      }
      if (live !== shadesFor) shadeTable(live);
      const last = shades.length - 1;
      for (let i = 0; i < w * h; i++) pixels[i] = shades[Math.min(last, counts[i])];
      lctx.putImageData(image, 0, 0);
    }
    function draw(st) {
      const e = st.epoch, ctx = plot.begin();
      density(e);
      ctx.drawImage(layer, plot.m.left, plot.m.top, plot.pw, plot.ph);
      plot.line(ctx, P, (i) => F.x[i], (i) => F.y[i], "#e8912d", 2, [6, 4]);
      plot.line(ctx, P, (i) => F.x[i], (i) => F.median.value(e * P + i), INK, 1.6);
      for (const [b, color, width] of app.marked(st)) {
        plot.line(ctx, P, (i) => F.x[i], (i) => pred.value(at(b, e) + i), color, width);
      }
      plot.end();
    }
    function pick(px, py, st) {
      if (!plot.inside(px, py)) return null;
      const t = Math.max(0, Math.min(P - 1, (plot.dataX(px) - F.x[0]) / (F.x[P - 1] - F.x[0]) * (P - 1)));
      return nearest(app, st.epoch, (b) => plot.py(valueAt(b, st.epoch, t)), py);
    }
    return { plot, draw, pick, title: "fits: density of all bees, target (dashed), median (dark)" };
  }

  /* every bee's curve of `q` [bee, epoch] faint, its 10-90% band and median, the epoch marked */
  function curves(card, app, { q, bands, y, ylabel, yfmt, yticks, faint = true, title }) {
    const E = app.E, ep = app.data.epochs;
    const plot = new Plot(card, { height: 220, x: epochAxis(app), y });
    plot.cacheBackground((ctx) => {
      if (faint) {
        ctx.globalAlpha = Math.min(0.25, 12 / app.bees);
        for (let b = 0; b < app.bees; b++) plot.line(ctx, E, (i) => ep[i], (i) => q.value(b * E + i), "#4c72b0", 1);
        ctx.globalAlpha = 1;
      }
      for (const [band, color] of bands) {
        ctx.fillStyle = color + "40";
        ctx.beginPath();
        for (let i = 0; i < E; i++) ctx.lineTo(plot.px(ep[i]), plot.py(band[2][i] ?? NaN));
        for (let i = E - 1; i >= 0; i--) ctx.lineTo(plot.px(ep[i]), plot.py(band[0][i] ?? NaN));
        ctx.fill();
        plot.line(ctx, E, (i) => ep[i], (i) => band[1][i] ?? NaN, color, 1.8);
      }
    }, { xlabel: "epoch", ylabel, yfmt, yticks });
    function draw(st) {
      const ctx = plot.begin();
      plot.vline(ep[st.epoch]);
      for (const [b, color, width] of app.marked(st)) {
        plot.line(ctx, E, (i) => ep[i], (i) => q.value(b * E + i), color, width);
        const v = q.value(b * E + st.epoch);
        if (Number.isFinite(v)) {
          ctx.fillStyle = color;
          ctx.beginPath();
          ctx.arc(plot.px(ep[st.epoch]), plot.py(v), 3.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      plot.end();
    }
    function pick(px, py) {
      if (!plot.inside(px, py)) return null;
      const e = positionOf(app, plot.dataX(px));
      return nearest(app, e, (b) => plot.py(q.value(b * E + e)), py, 8);
    }
    return { plot, draw, pick, title };
  }

  function loss(card, app) {
    const L = app.data.loss;
    return curves(card, app, { q: L, bands: [[app.data.loss_band, "#4c72b0"]], y: [L.lo, L.hi],
      ylabel: "loss (log)", yfmt: pow10, yticks: logTicks(L.lo, L.hi), title: "loss: every bee, 10–90% band, median" });
  }

  function accuracy(card, app) {
    const bands = [[app.data.accuracy_band, "#8c8c8c"]];
    if (app.data.test_accuracy_band) bands.push([app.data.test_accuracy_band, "#2a9d8f"]);
    const q = app.data.test_accuracy || app.data.accuracy;
    return curves(card, app, { q, bands, y: [0, 1.02], ylabel: "accuracy", faint: false,
      yfmt: (v) => Math.round(v * 100) + "%",
      title: "accuracy: train (grey) and test (green), 10–90% and median; marked bees: test" });
  }

  /* bars of a histogram [epoch, bin] at the epoch, ticks at the marked bees' values */
  function histogram(card, app, { hist, edges, xlabel, title, ticks }) {
    const bins = hist.shape[1];
    const plot = new Plot(card, { height: 170, x: edges, y: [0, 1.05], margin: { left: 14 } });
    plot.cacheBackground(null, { xlabel, yticks: [] });
    const wBin = (edges[1] - edges[0]) / bins;
    function draw(st) {
      const ctx = plot.begin(), e = st.epoch;
      ctx.fillStyle = "#7f9cc9";
      for (let i = 0; i < bins; i++) {
        const v = hist.value(e * bins + i);
        if (!(v > 0)) continue;
        const x0 = plot.px(edges[0] + i * wBin), x1 = plot.px(edges[0] + (i + 1) * wBin);
        const y0 = plot.py(v);
        ctx.fillRect(x0, y0, Math.max(1, x1 - x0 - 0.5), plot.m.top + plot.ph - y0);
      }
      const marked = app.marked(st);
      marked.forEach(([b, color], row) => {
        ctx.fillStyle = color;
        for (const v of ticks(b, e)) ctx.fillRect(plot.px(v) - 1, plot.m.top + 2 + 7 * row, 2, 9);
      });
      plot.end();
    }
    return { plot, draw, title };
  }

  function breakpoints(card, app) {
    const B = app.data.fits.breakpoints, W = app.data.weights, F = app.data.fits;
    const cache = new Map();
    const ticks = (b, e) => {
      if (!SwarmNet.ready(W)) return [];
      const k = SwarmNet.keyAt(W, e), key = b * 1e6 + k;
      if (!cache.has(key)) {
        cache.set(key, SwarmNet.kinks(SwarmNet.params(W, b, k), W.activation, F.x[0], F.x[F.x.length - 1]));
      }
      return cache.get(key);
    };
    return histogram(card, app, { hist: B.hist, edges: B.edges, xlabel: "x", ticks,
      title: "breakpoints: where the fits bend (marked bees: their own kinks)" });
  }

  function layerWeights(card, app, L) {
    const W = app.data.weights, K = W.keys.length, n = L.out * L.in;
    const ticks = (b, e) => {
      if (!SwarmNet.ready(W)) return [];
      const k = SwarmNet.keyAt(W, e), out = [];
      for (let i = 0; i < n; i++) out.push(L.w.value((b * K + k) * n + i));
      return out;
    };
    return histogram(card, app, { hist: L.hist, edges: L.edges, xlabel: "weight", ticks,
      title: `${L.name} weights (${L.out}×${L.in}), all bees; ticks: the marked bees'` });
  }

  /* one dot per bee: loss now against (1-D) start loss or (classification) test accuracy */
  function beeMap(card, app) {
    const D = app.data, E = app.E, L = D.loss;
    const acc = D.test_accuracy || D.accuracy;
    const yOf = acc ? (b, e) => acc.value(b * E + e) : (b) => L.value(b * E);
    const plot = new Plot(card, { height: 260, x: [L.lo, L.hi], y: acc ? [0, 1.02] : [L.lo, L.hi] });
    plot.cacheBackground(null, { xlabel: "loss now (log)", ylabel: acc ? "test accuracy now" : "loss at the start (log)",
      xfmt: pow10, yfmt: acc ? (v) => Math.round(v * 100) + "%" : pow10,
      xticks: logTicks(L.lo, L.hi), yticks: acc ? undefined : logTicks(L.lo, L.hi) });
    const where = (b, e) => [plot.px(L.value(b * E + e)), plot.py(yOf(b, e))];
    function draw(st) {
      const ctx = plot.begin(), e = st.epoch, colour = app.colouring(st.colour);
      for (let b = 0; b < app.bees; b++) {
        const [x, y] = where(b, e);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (!app.live(b, e)) {
          ctx.strokeStyle = "#c0392b";
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(x - 3, y - 3); ctx.lineTo(x + 3, y + 3); ctx.moveTo(x + 3, y - 3); ctx.lineTo(x - 3, y + 3);
          ctx.stroke();
          continue;
        }
        ctx.fillStyle = colour(b);
        ctx.fillRect(x - 2, y - 2, 4, 4);
      }
      for (const [b, color, width] of app.marked(st)) {
        const [x, y] = where(b, e);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        ctx.strokeStyle = color;
        ctx.lineWidth = width;
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, 2 * Math.PI);
        ctx.stroke();
      }
      plot.end();
    }
    function pick(px, py, st) {
      if (!plot.inside(px, py)) return null;
      let best = null, dist = 10;
      for (let b = 0; b < app.bees; b++) {
        const [x, y] = where(b, st.epoch);
        const d = Math.hypot(x - px, y - py);
        if (d < dist) { dist = d; best = b; }
      }
      return best;
    }
    return { plot, draw, pick, title: "bee map: one dot per bee (× diverged)" };
  }

  /* 2-D classification: the vote map at the epoch (blended between key epochs), the data,
     and each marked bee's own decision boundary from its weights */
  function plane(card, app) {
    const V = app.data.plane, W = app.data.weights, [cols, rows] = V.size;
    const K = V.keys.length, C = V.classes.length, ex = V.extent;
    const side = Math.min(card.clientWidth || 420, 420);
    const plot = new Plot(card, { height: Math.round(side * 0.85), x: [ex[0], ex[1]], y: [ex[2], ex[3]] });
    const colors = V.colors.map(hexRgb);
    const dot = (ctx, x, y, c, hollow) => {
      ctx.beginPath();
      ctx.arc(plot.px(x), plot.py(y), 2.6, 0, 2 * Math.PI);
      if (hollow) { ctx.strokeStyle = V.colors[c]; ctx.lineWidth = 1.2; ctx.stroke(); return; }
      ctx.fillStyle = V.colors[c];
      ctx.fill();
      ctx.strokeStyle = "rgba(0,0,0,0.55)";
      ctx.lineWidth = 0.6;
      ctx.stroke();
    };
    plot.cacheBackground(null, { xlabel: "x₁", ylabel: "x₂" });
    const image = new ImageData(cols, rows), layer = document.createElement("canvas");
    layer.width = cols; layer.height = rows;
    const lctx = layer.getContext("2d");
    const share = new Float32Array(C);
    function votes(e) {
      let k = 0;
      while (k < K - 1 && V.keys[k + 1] <= e) k++;
      const k1 = Math.min(K - 1, k + 1);
      const f = k1 === k ? 0 : Math.max(0, Math.min(1, (e - V.keys[k]) / (V.keys[k1] - V.keys[k])));
      const px = image.data, q = V.votes;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          let win = 0, total = 0;
          for (let j = 0; j < C; j++) {
            const a = q.value(((k * C + j) * rows + r) * cols + c), b = q.value(((k1 * C + j) * rows + r) * cols + c);
            share[j] = a + (b - a) * f;
            total += share[j];
            if (share[j] > share[win]) win = j;
          }
          const strength = total > 0 ? Math.max(0, Math.min(1, (share[win] / total - 1 / C) / (1 - 1 / C))) * 0.62 : 0;
          const i = 4 * ((rows - 1 - r) * cols + c);  // row 0 is the lowest x2
          for (let ch = 0; ch < 3; ch++) px[i + ch] = 255 - (255 - colors[win][ch]) * strength;
          px[i + 3] = 255;
        }
      }
      lctx.putImageData(image, 0, 0);
    }
    const cache = new Map(), BR = 96;
    function boundary(b, e) {
      const k = SwarmNet.keyAt(W, e), key = b * 1e6 + k;
      if (!cache.has(key)) {
        if (cache.size > 256) cache.clear();
        cache.set(key, SwarmNet.classes(SwarmNet.params(W, b, k), W.activation, ex, BR, BR));
      }
      return cache.get(key);
    }
    function draw(st) {
      const ctx = plot.begin(), e = st.epoch;
      votes(e);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(layer, plot.m.left, plot.m.top, plot.pw, plot.ph);
      for (const [name, hollow] of [["train", false], ["test", true]]) {
        const P = V.points[name];
        if (P) for (let i = 0; i < P.label.length; i++) dot(ctx, P.x[i][0], P.x[i][1], P.label[i], hollow);
      }
      const cw = plot.pw / (BR - 1), ch = plot.ph / (BR - 1);
      for (const [b, color] of SwarmNet.ready(W) ? app.marked(st) : []) {
        const pred = boundary(b, e);
        ctx.fillStyle = color;
        for (let r = 0; r < BR; r++) {
          for (let c = 0; c < BR; c++) {
            const p = pred[r * BR + c];
            if ((c + 1 < BR && pred[r * BR + c + 1] !== p) || (r + 1 < BR && pred[(r + 1) * BR + c] !== p)) {
              ctx.fillRect(plot.m.left + (c + 0.5) * cw - 1.2, plot.m.top + plot.ph - (r + 0.5) * ch - 1.2, 2.4, 2.4);
            }
          }
        }
      }
      plot.end();
    }
    return { plot, draw, title: "vote map: share of bees per class; points: train (filled), test (hollow); lines: the marked bees' own boundaries" };
  }

  /* image datasets: the marked bees' (else the best bee's) first-layer filters, a row each */
  function filters(card, app) {
    const W = app.data.weights, L = W.layers[0], K = W.keys.length, [ih, iw] = app.data.image_shape;
    const ROWS = 3, label = 16, gap = 3;
    const plot = new Plot(card, { height: 190, margin: { left: 6, right: 6, bottom: 6, top: 6 } });
    const units = Math.min(L.out, 12), tile = Math.min(40, Math.floor(plot.pw / units) - gap);
    plot.cacheBackground(null, { xticks: [], yticks: [] });
    const image = new ImageData(iw, ih), layer = document.createElement("canvas");
    layer.width = iw; layer.height = ih;
    const lctx = layer.getContext("2d");
    const rowHeight = Math.floor((plot.ph - 2) / ROWS);
    function draw(st) {
      const ctx = plot.begin();
      if (!SwarmNet.ready(W)) { plot.end(); return; }
      const scale = Math.max(Math.abs(L.w.lo), Math.abs(L.w.hi)) * 0.5 || 1;
      let marked = app.marked(st).slice(-ROWS);
      if (!marked.length) marked = [[app.data.order[0] ?? 0, INK]];
      const k = SwarmNet.keyAt(W, st.epoch), n = L.out * L.in;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textBaseline = "top";
      ctx.imageSmoothingEnabled = false;
      marked.forEach(([b, color], row) => {
        const y0 = plot.m.top + row * rowHeight;
        ctx.fillStyle = color;
        ctx.fillText(`bee ${b} at epoch ${app.data.epochs[W.keys[k]]}`, plot.m.left, y0 + 1);
        for (let u = 0; u < units; u++) {
          for (let p = 0; p < ih * iw; p++) {
            const v = Math.max(-1, Math.min(1, L.w.value((b * K + k) * n + u * L.in + p) / scale)) || 0;
            const i = 4 * p;
            image.data[i] = v > 0 ? 255 : 255 * (1 + v);
            image.data[i + 1] = 255 * (1 - Math.abs(v));
            image.data[i + 2] = v < 0 ? 255 : 255 * (1 - v);
            image.data[i + 3] = 255;
          }
          lctx.putImageData(image, 0, 0);
          const size = Math.min(tile, rowHeight - label - 2);
          ctx.drawImage(layer, plot.m.left + u * (size + gap), y0 + label, size, size);
        }
      });
      plot.end();
    }
    return { plot, draw, title: "filters: first-layer weights of the marked bees (else the best) as images; blue −, red +" };
  }

  /* the views this recording allows, in page order: [name, make] */
  function forData(D) {
    const out = [];
    if (D.fits) out.push(["fits", fits]);
    if (D.plane) out.push(["plane", plane]);
    out.push(["loss", loss]);
    if (D.accuracy) out.push(["accuracy", accuracy]);
    out.push(["beemap", beeMap]);
    if (D.fits && D.fits.breakpoints) out.push(["breakpoints", breakpoints]);
    if (D.image_shape) out.push(["filters", filters]);
    if (D.weights) D.weights.layers.forEach((L, i) => out.push([`weights${i}`, (card, app) => layerWeights(card, app, L)]));
    return out;
  }

  return { forData };
})();
