/* The view's state in one object, mirrored to the URL hash with one table of keys
   (epoch position, pinned bees, bee map colouring), so a link reopens the same view. */
"use strict";

const SwarmState = (() => {
  const KEYS = {  // hash key -> [read, write]
    epoch: [(s) => parseInt(s, 10), (v) => String(v)],
    pinned: [(s) => s.split(",").filter((t) => t !== "").map((t) => parseInt(t, 10)),
             (v) => v.join(",")],
    colour: [(s) => decodeURIComponent(s), (v) => encodeURIComponent(v)],
  };

  function fromHash(hash) {
    const out = {};
    for (const part of (hash || "").replace(/^#/, "").split("&")) {
      const [key, value] = part.split("=");
      if (key in KEYS && value !== undefined) out[key] = KEYS[key][0](value);
    }
    return out;
  }

  function toHash(state) {
    return "#" + Object.keys(KEYS).map((k) => `${k}=${KEYS[k][1](state[k])}`).join("&");
  }

  function write(state) {
    const hash = toHash(state);
    if (location.hash === hash) return;
    try { history.replaceState(null, "", hash); } catch (e) { /* an about:srcdoc frame */ }
  }

  return { fromHash, toHash, write };
})();
