/* One canvas per view: a Plot maps data to pixels, draws its axes into a cached background,
   and each frame paints the background and then what moves. Colours live here too. */
"use strict";

const SwarmCanvas = (() => {
  const PINS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                "#17becf"];
  const HOVER = "#111111";
  const INK = "#333333";
  const FAINT = "#8a8a8a";
  const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const MARGIN = { left: 46, right: 10, top: 8, bottom: 26 };

  function viridis(t) {
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    const x = t * (VIRIDIS.length - 1), i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
    const a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return `rgb(${a[0] + (b[0] - a[0]) * f | 0},${a[1] + (b[1] - a[1]) * f | 0},${a[2] + (b[2] - a[2]) * f | 0})`;
  }

  function hexRgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  }

  /* ticks on a log10 axis [lo, hi] (values are exponents): decades, or 1-2-5 within one */
  function logTicks(lo, hi) {
    const out = [];
    for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
      for (const m of hi - lo > 2.5 ? [1] : [1, 2, 5]) {
        const v = d + Math.log10(m);
        if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
      }
    }
    return out.length >= 2 ? out : niceTicks(lo, hi, 3);
  }

  function short(v) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    return a >= 1e4 || a < 1e-2 ? v.toExponential(0) : String(+v.toPrecision(3));
  }

  class Plot {
    /* `card`: the element to fill; `height`: CSS pixels; x/y: [lo, hi] data ranges */
    constructor(card, { height = 220, x = [0, 1], y = [0, 1], margin = {} } = {}) {
      this.canvas = document.createElement("canvas");
      card.appendChild(this.canvas);
      this.dpr = window.devicePixelRatio || 1;
      this.width = Math.max(200, Math.floor((card.clientWidth || 436) - 16));
      this.height = height;
      this.canvas.width = Math.round(this.width * this.dpr);
      this.canvas.height = Math.round(this.height * this.dpr);
      this.canvas.style.width = this.width + "px";
      this.canvas.style.height = this.height + "px";
      this.ctx = this.canvas.getContext("2d");
      this.ctx.scale(this.dpr, this.dpr);
      this.m = Object.assign({}, MARGIN, margin);
      this.pw = this.width - this.m.left - this.m.right;
      this.ph = this.height - this.m.top - this.m.bottom;
      this.x = x;
      this.y = y;
      this.background = null;
    }
    px(v) { return this.m.left + (v - this.x[0]) / (this.x[1] - this.x[0]) * this.pw; }
    py(v) { return this.m.top + (this.y[1] - v) / (this.y[1] - this.y[0]) * this.ph; }
    dataX(px) { return this.x[0] + (px - this.m.left) / this.pw * (this.x[1] - this.x[0]); }
    dataY(py) { return this.y[1] - (py - this.m.top) / this.ph * (this.y[1] - this.y[0]); }
    inside(px, py) {
      return px >= this.m.left && px <= this.m.left + this.pw && py >= this.m.top && py <= this.m.top + this.ph;
    }
    /* draw the static layer once with paint(ctx), axes on top; kept as a bitmap */
    cacheBackground(paint, { xlabel = "", ylabel = "", xfmt = short, yfmt = short, xticks, yticks } = {}) {
      const off = document.createElement("canvas");
      off.width = this.canvas.width;
      off.height = this.canvas.height;
      const ctx = off.getContext("2d");
      ctx.scale(this.dpr, this.dpr);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, this.width, this.height);
      if (paint) paint(ctx);
      this.axes(ctx, { xlabel, ylabel, xfmt, yfmt, xticks, yticks });
      this.background = off;
    }
    axes(ctx, { xlabel, ylabel, xfmt, yfmt, xticks, yticks }) {
      const { left, top } = this.m;
      ctx.strokeStyle = "#bbbbbb";
      ctx.lineWidth = 1;
      ctx.strokeRect(left + 0.5, top + 0.5, this.pw, this.ph);
      ctx.fillStyle = INK;
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      for (const t of xticks || niceTicks(this.x[0], this.x[1], Math.max(2, this.pw / 70))) {
        const p = this.px(t);
        ctx.fillRect(p, top + this.ph, 1, 3);
        ctx.fillText(xfmt(t), p, top + this.ph + 4);
      }
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      for (const t of yticks || niceTicks(this.y[0], this.y[1], Math.max(2, this.ph / 40))) {
        const p = this.py(t);
        ctx.fillRect(left - 3, p, 3, 1);
        ctx.fillText(yfmt(t), left - 5, p);
      }
      ctx.fillStyle = FAINT;
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      if (xlabel) ctx.fillText(xlabel, left + this.pw - 2, top + this.ph - 2);
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      if (ylabel) ctx.fillText(ylabel, left + 4, top + 3);
    }
    /* start a frame: the background bitmap, clipped drawing inside the plot area after */
    begin() {
      const ctx = this.ctx;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      if (this.background) ctx.drawImage(this.background, 0, 0);
      else { ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, this.canvas.width, this.canvas.height); }
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      ctx.save();
      ctx.beginPath();
      ctx.rect(this.m.left, this.m.top, this.pw, this.ph);
      ctx.clip();
      return ctx;
    }
    end() { this.ctx.restore(); }
    vline(v, color = "#e45756") {
      const ctx = this.ctx, p = Math.round(this.px(v)) + 0.5;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(p, this.m.top);
      ctx.lineTo(p, this.m.top + this.ph);
      ctx.stroke();
    }
    /* a polyline through (xs[i], value(i)) skipping NaN */
    line(ctx, n, xAt, yAt, color, width = 1.5, dash = []) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i++) {
        const y = yAt(i);
        if (!Number.isFinite(y)) { pen = false; continue; }
        const px = this.px(xAt(i)), py = this.py(y);
        if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    /* the client position of a mouse event in this canvas's CSS pixels */
    local(event) {
      const r = this.canvas.getBoundingClientRect();
      return [event.clientX - r.left, event.clientY - r.top];
    }
  }

  return { Plot, PINS, HOVER, INK, FAINT, viridis, hexRgb, short, niceTicks, logTicks };
})();
