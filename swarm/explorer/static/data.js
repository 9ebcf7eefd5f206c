/* Decoding the page's data: packed arrays (see swarm/explorer/_pack.py) into typed arrays.
   A packed array {shape, bits, lo, hi, step, delta, data} becomes a Quantized: integer codes
   (Uint8Array or Uint16Array, the top code meaning NaN) read through value(i). */
"use strict";

const SwarmData = (() => {
  function bytesOf(b64) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
    const text = atob(b64), bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  async function inflate(b64) {
    const bytes = bytesOf(b64);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer();
  }

  class Quantized {
    constructor(packed, buffer) {
      this.shape = packed.shape;
      this.lo = packed.lo;
      this.hi = packed.hi;  // the largest value a code stands for
      this.step = packed.step;
      this.top = packed.bits === 8 ? 255 : 65535;
      this.codes = packed.bits === 8 ? new Uint8Array(buffer) : new Uint16Array(buffer);
      if (packed.delta) this.undelta();
    }
    /* codes along axis 1 were stored as differences; typed arrays wrap like the encoder */
    undelta() {
      const [d0, d1] = this.shape;
      const rest = this.shape.slice(2).reduce((a, b) => a * b, 1);
      const c = this.codes;
      for (let b = 0; b < d0; b++) {
        const end = (b + 1) * d1 * rest;
        for (let i = b * d1 * rest + rest; i < end; i++) c[i] += c[i - rest];
      }
    }
    value(i) {
      const q = this.codes[i];
      return q === this.top ? NaN : this.lo + q * this.step;
    }
  }

  async function unpack(packed) {
    return new Quantized(packed, await inflate(packed.data));
  }

  /* every packed dict inside `tree` replaced by its Quantized, in place, all at once;
     those under a key that `later(key)` names are left packed and listed, to decode with
     decodeLater after the first frame (null until then). Returns that list. */
  async function decodeTree(tree, later = () => false) {
    const jobs = [], left = [];
    const walk = (node) => {
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (value && typeof value === "object" && typeof value.data === "string" && value.shape) {
          if (later(key)) { left.push([node, key, value]); node[key] = null; continue; }
          jobs.push(unpack(value).then((q) => { node[key] = q; }));
        } else walk(value);
      }
    };
    walk(tree);
    await Promise.all(jobs);
    return left;
  }

  async function decodeLater(left) {
    await Promise.all(left.map(([node, key, packed]) => unpack(packed).then((q) => { node[key] = q; })));
  }

  function read() {
    return JSON.parse(document.getElementById("swarm-data").textContent);
  }

  return { unpack, decodeTree, decodeLater, read, Quantized };
})();
