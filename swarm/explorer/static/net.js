/* A bee's network from its recorded weights (quantized, at the kept epochs): the forward
   pass of the stacked MLP, for its kinks (1-D), its decision boundary (2-D) and filters. */
"use strict";

const SwarmNet = (() => {
  const ACTIVATIONS = {
    relu: (v) => (v > 0 ? v : 0),
    leaky_relu: (v) => (v > 0 ? v : 0.01 * v),
    abs: (v) => Math.abs(v),
    identity: (v) => v,
    linear: (v) => v,
    tanh: Math.tanh,
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    gelu: (v) => 0.5 * v * (1 + Math.tanh(0.7978845608 * (v + 0.044715 * v * v * v))),
    elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
    softplus: (v) => (v > 20 ? v : Math.log1p(Math.exp(v))),
    silu: (v) => v / (1 + Math.exp(-v)),
    sin: Math.sin,
  };

  /* whether the layers' weights are decoded yet (they come after the first frame) */
  function ready(weights) {
    return !!weights && weights.layers.every((L) => L.w && L.b);
  }

  /* the kept epoch (index into weights.keys) that epoch position e shows: the last <= e */
  function keyAt(weights, e) {
    const keys = weights.keys;
    let lo = 0, hi = keys.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (keys[mid] <= e) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* bee's layers at kept epoch k: [{W Float64Array [out*in], b [out], out, in}] */
  function params(weights, bee, k) {
    const K = weights.keys.length;
    return weights.layers.map((L) => {
      const n = L.out * L.in, W = new Float64Array(n), b = new Float64Array(L.out);
      const wo = (bee * K + k) * n, bo = (bee * K + k) * L.out;
      for (let i = 0; i < n; i++) W[i] = L.w.value(wo + i);
      for (let i = 0; i < L.out; i++) b[i] = L.b.value(bo + i);
      return { W, b, out: L.out, in: L.in };
    });
  }

  /* outputs [point, out] (Float64Array, row-major) for inputs [point, in] */
  function forward(layers, activation, inputs, points) {
    const act = ACTIVATIONS[activation] || ACTIVATIONS.relu;
    let a = inputs;
    layers.forEach((L, l) => {
      const z = new Float64Array(points * L.out), last = l === layers.length - 1;
      for (let p = 0; p < points; p++) {
        for (let o = 0; o < L.out; o++) {
          let s = L.b[o];
          const row = o * L.in, at = p * L.in;
          for (let i = 0; i < L.in; i++) s += L.W[row + i] * a[at + i];
          z[p * L.out + o] = last ? s : act(s);
        }
      }
      a = z;
    });
    return a;
  }

  /* 1-D: x where the output's slope changes, on a grid of `n` points over [lo, hi] */
  function kinks(layers, activation, lo, hi, n = 1200) {
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = lo + (hi - lo) * i / (n - 1);
    const y = forward(layers, activation, xs, n);
    let scale = 0;
    for (let i = 1; i < n; i++) scale = Math.max(scale, Math.abs(y[i] - y[i - 1]));
    const out = [];
    for (let i = 1; i < n - 1; i++) {
      const bend = Math.abs(y[i + 1] - 2 * y[i] + y[i - 1]);
      if (bend > 1e-7 * scale + 1e-12 && !(out.length && xs[i] - out[out.length - 1] < 1.5 * (hi - lo) / n)) out.push(xs[i]);
    }
    return out;
  }

  /* 2-D: each grid cell's predicted class, Uint8Array [row, col] over extent [x0, x1, y0, y1] */
  function classes(layers, activation, extent, cols, rows) {
    const inputs = new Float64Array(cols * rows * 2);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const p = r * cols + c;
        inputs[2 * p] = extent[0] + (extent[1] - extent[0]) * c / (cols - 1);
        inputs[2 * p + 1] = extent[2] + (extent[3] - extent[2]) * r / (rows - 1);
      }
    }
    const outs = layers[layers.length - 1].out, y = forward(layers, activation, inputs, cols * rows);
    const pred = new Uint8Array(cols * rows);
    for (let p = 0; p < cols * rows; p++) {
      if (outs === 1) { pred[p] = y[p] > 0 ? 1 : 0; continue; }
      let best = 0;
      for (let o = 1; o < outs; o++) if (y[p * outs + o] > y[p * outs + best]) best = o;
      pred[p] = best;
    }
    return pred;
  }

  return { ready, keyAt, params, forward, kinks, classes };
})();
