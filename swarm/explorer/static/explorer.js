/* Wiring: decode the data, build the views, keep one state, redraw every view in the same
   frame when it changes, and expose window.swarmExplorer for scripts and tests. */
"use strict";

(() => {
  const { PINS, HOVER, viridis } = SwarmCanvas;
  const $ = (id) => document.getElementById(id);
  let resolveReady, rejectReady, resolveComplete, rejectComplete;
  const ready = new Promise((ok, fail) => { resolveReady = ok; rejectReady = fail; });
  const complete = new Promise((ok, fail) => { resolveComplete = ok; rejectComplete = fail; });
  const api = { ready, complete };  // complete: the weights are decoded too (bees' own kinks, boundaries, filters)
  window.swarmExplorer = api;

  function colourings(D, E) {
    /* name -> (bee -> value); the bee map colours by one of these */
    const L = D.loss, out = {
      "final loss": (b) => L.value(b * E + E - 1),
      "start loss": (b) => L.value(b * E),
      "loss drop": (b) => L.value(b * E) - L.value(b * E + E - 1),
    };
    if (D.test_accuracy) out["final test accuracy"] = (b) => D.test_accuracy.value(b * E + E - 1);
    if (D.diverged_at.some((v) => v >= 0)) out["diverged epoch"] = (b) => (D.diverged_at[b] >= 0 ? D.diverged_at[b] : NaN);
    out["bee id"] = (b) => b;
    return out;
  }

  function scaleOf(f, bees) {
    let lo = Infinity, hi = -Infinity;
    for (let b = 0; b < bees; b++) { const v = f(b); if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    return hi > lo ? (b) => viridis((f(b) - lo) / (hi - lo)) : () => viridis(0.5);
  }

  async function start() {
    const timings = { start: performance.now() };
    const raw = SwarmData.read();
    timings.parsed = performance.now();
    const D = raw, weightsLeft = await SwarmData.decodeTree(raw, (key) => key === "w" || key === "b");
    timings.decoded = performance.now();
    const E = D.epochs.length, bees = D.bees;
    const quantities = colourings(D, E), scales = {};
    const state = { epoch: E - 1, selected: null, pinned: [], colour: Object.keys(quantities)[0] };
    Object.assign(state, sanitize(SwarmState.fromHash(location.hash)));

    function sanitize(s) {
      const out = {};
      if (Number.isInteger(s.epoch)) out.epoch = Math.max(0, Math.min(E - 1, s.epoch));
      if (Array.isArray(s.pinned)) out.pinned = [...new Set(s.pinned.filter((b) => Number.isInteger(b) && b >= 0 && b < bees))];
      if (s.colour in quantities) out.colour = s.colour;
      return out;
    }

    const app = {
      data: D, E, bees,
      live: (b, e) => D.diverged_at[b] < 0 || D.epochs[e] < D.diverged_at[b],
      /* [bee, colour, line width]: pins in their colours, then the hovered bee */
      marked: (st) => {
        const out = st.pinned.map((b, i) => [b, PINS[i % PINS.length], 2]);
        if (st.selected !== null && !st.pinned.includes(st.selected)) out.push([st.selected, HOVER, 2.2]);
        return out;
      },
      colouring: (name) => (scales[name] = scales[name] || scaleOf(quantities[name], bees)),
    };

    // the views, one card each; built again when the window's width changes their size
    const main = $("views"), views = [];
    function build() {
      main.textContent = "";
      views.length = 0;
      for (const [name, make] of SwarmViews.forData(D)) {
        const card = document.createElement("figure");
        card.className = `card card-${name}`;
        card.dataset.view = name;
        const caption = document.createElement("figcaption");
        card.appendChild(caption);
        main.appendChild(card);
        const view = make(card, app);
        caption.textContent = view.title;
        view.plot.canvas.dataset.view = name;
        views.push(view);
        if (view.pick) hookPicking(view);
      }
    }
    build();
    let width = main.clientWidth, resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        if (main.clientWidth === width) return;
        width = main.clientWidth;
        build();
        draw();
      }, 150);
    });
    timings.views = performance.now();
    const slider = $("epoch"), label = $("epoch-label");
    slider.max = String(E - 1);

    function draw() {
      slider.value = String(state.epoch);
      label.textContent = `epoch ${D.epochs[state.epoch]} (${state.epoch + 1} of ${E} recorded)`;
      for (const v of views) v.draw(state);
    }
    let hashTimer = null;
    function changed({ hashNow = false } = {}) {
      draw();
      clearTimeout(hashTimer);
      if (hashNow) SwarmState.write(state);
      else hashTimer = setTimeout(() => SwarmState.write(state), 300);
    }
    function pinsChanged() {
      showPins();
      changed({ hashNow: true });
    }

    function setEpoch(i) {
      const e = Math.max(0, Math.min(E - 1, Math.round(Number(i))));
      if (!Number.isFinite(e)) throw new Error(`setEpoch needs a number, got ${i}`);
      state.epoch = e;
      changed();
    }
    function checkBee(b) {
      if (b === null || b === undefined) return null;
      if (!Number.isInteger(b) || b < 0 || b >= bees) throw new Error(`no bee ${b}: bees are 0 to ${bees - 1}`);
      return b;
    }
    function select(b) {
      const bee = checkBee(b);
      if (bee === state.selected) return;
      state.selected = bee;
      draw();
    }
    function pin(b) {
      const bee = checkBee(b);
      if (bee === null || state.pinned.includes(bee)) return;
      state.pinned.push(bee);
      pinsChanged();
    }
    function unpin(b) {
      state.pinned = state.pinned.filter((p) => p !== b);
      pinsChanged();
    }

    function hookPicking(view) {
      const canvas = view.plot.canvas;
      canvas.addEventListener("mousemove", (ev) => {
        const [x, y] = view.plot.local(ev);
        const b = view.pick(x, y, state);
        canvas.style.cursor = b === null ? "default" : "pointer";
        select(b);
      });
      canvas.addEventListener("mouseleave", () => select(null));
      canvas.addEventListener("click", (ev) => {
        const [x, y] = view.plot.local(ev);
        const b = view.pick(x, y, state);
        if (b === null) return;
        if (state.pinned.includes(b)) unpin(b); else pin(b);
      });
    }

    // the pins' cards: id, final numbers, diverged epoch, the Python line that selects the bee
    function showPins() {
      const box = $("pins");
      box.textContent = "";
      state.pinned.forEach((b, i) => {
        const div = document.createElement("div");
        div.className = "pin";
        div.style.borderColor = PINS[i % PINS.length];
        const facts = [`final loss ${fmt(D.final_loss[b])}`];
        if (D.final_accuracy) facts.push(`train accuracy ${pct(D.final_accuracy[b])}`);
        if (D.final_test_accuracy) facts.push(`test accuracy ${pct(D.final_test_accuracy[b])}`);
        facts.push(D.diverged_at[b] >= 0 ? `diverged at epoch ${D.diverged_at[b]}` : "did not diverge");
        const head = document.createElement("b");
        head.textContent = `bee ${b}`;
        head.style.color = PINS[i % PINS.length];
        const text = document.createElement("span");
        text.textContent = " · " + facts.join(" · ") + " · ";
        const code = document.createElement("code");
        code.textContent = `rec.bees([${b}])`;
        const close = document.createElement("button");
        close.type = "button";
        close.textContent = "×";
        close.title = "unpin";
        close.addEventListener("click", () => unpin(b));
        div.append(head, text, code, close);
        box.appendChild(div);
      });
    }
    const fmt = (v) => (v === null || v === undefined ? "–" : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(4));
    const pct = (v) => (v === null || v === undefined ? "–" : (100 * v).toFixed(1) + "%");

    // best / median / worst by final loss, among the bees that did not diverge
    document.querySelectorAll("[data-pick]").forEach((button) => {
      const order = D.order, at = { best: 0, median: Math.floor((order.length - 1) / 2), worst: order.length - 1 };
      button.disabled = order.length === 0;
      button.addEventListener("click", () => pin(order[at[button.dataset.pick]]));
    });
    $("clear").addEventListener("click", () => { state.pinned = []; pinsChanged(); });

    const colourBox = $("colour");
    for (const name of Object.keys(quantities)) colourBox.add(new Option(name, name));
    colourBox.value = state.colour;
    colourBox.addEventListener("change", () => { state.colour = colourBox.value; changed({ hashNow: true }); });

    // the scrubber: slider, step buttons, play/pause, keys
    let playing = null;
    slider.addEventListener("input", () => setEpoch(slider.value));
    $("back").addEventListener("click", () => setEpoch(state.epoch - 1));
    $("next").addEventListener("click", () => setEpoch(state.epoch + 1));
    function play() {
      if (playing) { cancelAnimationFrame(playing.frame); playing = null; $("play").textContent = "▶"; return; }
      if (state.epoch >= E - 1) setEpoch(0);
      const perSecond = Math.max(10, E / 8);
      playing = { t0: performance.now(), e0: state.epoch };
      $("play").textContent = "❚❚";
      const tick = (now) => {
        const e = Math.min(E - 1, playing.e0 + Math.floor((now - playing.t0) / 1000 * perSecond));
        if (e !== state.epoch) setEpoch(e);
        if (e >= E - 1) { playing = null; $("play").textContent = "▶"; return; }
        playing.frame = requestAnimationFrame(tick);
      };
      playing.frame = requestAnimationFrame(tick);
    }
    $("play").addEventListener("click", play);
    document.addEventListener("keydown", (ev) => {
      if (ev.target instanceof HTMLSelectElement) return;
      if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
        if (ev.target === slider) return;  // the slider steps by itself
        setEpoch(state.epoch + (ev.key === "ArrowLeft" ? -1 : 1));
        ev.preventDefault();
      } else if (ev.key === " " || ev.key === "Spacebar") {
        play();
        ev.preventDefault();
      }
    });
    window.addEventListener("hashchange", () => {
      Object.assign(state, sanitize(SwarmState.fromHash(location.hash)));
      colourBox.value = state.colour;
      showPins();
      draw();
    });

    Object.assign(api, {
      setEpoch, select, pin, unpin,
      state: () => ({ epoch: state.epoch, selected: state.selected, pinned: [...state.pinned], colour: state.colour }),
      hash: () => SwarmState.toHash(state),
      views: () => views.map((v) => v.plot.canvas.dataset.view),
      /* a view's plot area in page coordinates and its data ranges: {left, top, width, height, x, y} */
      geometry: (name) => {
        const v = views.find((w) => w.plot.canvas.dataset.view === name);
        if (!v) return null;
        const r = v.plot.canvas.getBoundingClientRect(), p = v.plot;
        return { left: r.left + window.scrollX + p.m.left, top: r.top + window.scrollY + p.m.top,
                 width: p.pw, height: p.ph, x: p.x, y: p.y };
      },
      epochs: D.epochs,
    });
    showPins();
    draw();
    timings.drawn = performance.now();
    api.timings = timings;  // ms since navigation start: parsed, decoded, views built, first frame
    SwarmState.write(state);
    return async () => {  // after the first frame: the weights, then the frame again with them
      await SwarmData.decodeLater(weightsLeft);
      draw();
      timings.complete = performance.now();
    };
  }

  const failed = (err) => { console.error(err); rejectReady(err); rejectComplete(err); };
  start().then((rest) => {
    resolveReady(window.swarmExplorer);
    setTimeout(() => rest().then(() => resolveComplete(window.swarmExplorer), failed), 0);
  }, failed);
})();
