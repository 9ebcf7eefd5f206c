"""Which compressor ranks networks as gzip level 9 does, and how fast is it?

``weight_complexity`` compresses every (bee, epoch) network; gzip's (zlib's)
level 9 is the definition (seed 000) and the cost. A faster compressor may
replace it only if it orders the networks the same way. For several recordings
(sin and moons trained and as random walks, digits trained) this prints, for each
candidate, the microseconds per network (one thread, best of two rounds on the
same networks; gzip 9 timed in the same rounds, so "x" is the ratio on this
machine now) and Spearman's rho against gzip 9: over all networks, over the bees
at each of 8 epochs (lowest), and over the epochs of each bee (median and
lowest); "same" is the fraction of networks whose size is exactly gzip 9's.
Candidates whose package is absent are skipped (zlib-ng is a dependency; isal
and deflate (libdeflate) are not).

    python bench/complexity_ranking.py        # about 3 minutes of one core
"""
from __future__ import annotations

import os
import time
import warnings
import zlib

import numpy as np
from scipy.stats import spearmanr

import swarm
from swarm.testing import random_walk


def candidates() -> dict:
    out = {f"gzip {lv}": (lambda lv: lambda b: len(zlib.compress(b, lv, 31)))(lv)
           for lv in (9, 1, 6, 8)}
    try:
        from zlib_ng import zlib_ng
        out.update({f"zlib-ng {lv}": (lambda lv: lambda b: len(zlib_ng.compress(b, lv, 31)))(lv)
                    for lv in (9, 6, 1)})
    except ImportError:
        pass
    try:
        from isal import isal_zlib
        out.update({f"isal {lv}": (lambda lv: lambda b: len(isal_zlib.compress(b, lv, 31)))(lv)
                    for lv in (3, 0)})
    except ImportError:
        pass
    try:
        import deflate
        out["libdeflate 9"] = lambda b: len(deflate.gzip_compress(b, 9))
    except ImportError:
        pass
    return out


def recordings():
    train = dict(progress=False)
    yield "sin trained 100 x 200", swarm.train("sin", bees=100, epochs=200, width=8, depth=3,
                                                lr=0.01, **train)
    yield "sin random walk 100 x 200", random_walk(100, 200, width=8, depth=3, step=0.01)
    yield "moons trained 60 x 150", swarm.train("moons", bees=60, epochs=150, width=16, depth=2,
                                                 lr=0.1, **train)
    yield "digits trained 30 x 10", swarm.train("digits", bees=30, epochs=10, width=32, **train)


def networks(rec) -> list[bytes]:
    parts = [rec.weights(k).reshape(rec.num_bees, rec.num_epochs, -1) for k in rec.layer_indices]
    return [r.tobytes() for r in np.concatenate(parts, -1).astype("<f8").reshape(
        rec.num_bees * rec.num_epochs, -1)]


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    cands = candidates()
    for name, rec in recordings():
        blobs = networks(rec)
        print(f"\n{name} ({len(blobs[0]) // 8} weights per network)")
        print(f"{'compressor':<13} {'us/net':>7} {'x':>5} {'rho all':>8} {'bees min':>8} "
              f"{'epochs median':>13} {'min':>7} {'same':>6}")
        seconds, sizes = {}, {}
        for _ in range(2):
            for c, f in cands.items():
                start = time.perf_counter()
                sizes[c] = np.array([f(b) for b in blobs], float).reshape(rec.num_bees, -1)
                seconds[c] = min(seconds.get(c, np.inf), time.perf_counter() - start)
        ref = sizes["gzip 9"]
        eps = np.unique(np.linspace(1, ref.shape[1] - 1, 8).astype(int))
        for c in cands:
            v = sizes[c]
            with warnings.catch_warnings():  # a bee whose sizes never change: NaN, left out
                warnings.simplefilter("ignore")
                bees = [spearmanr(ref[:, e], v[:, e])[0] for e in eps]
                epochs = np.array([spearmanr(ref[b], v[b])[0] for b in range(ref.shape[0])])
            overall = spearmanr(ref.ravel(), v.ravel())[0]
            print(f"{c:<13} {seconds[c] / len(blobs) * 1e6:7.1f} "
                  f"{seconds['gzip 9'] / seconds[c]:5.2f} {overall:8.4f} {np.nanmin(bees):8.4f} {np.nanmedian(epochs):13.4f} {np.nanmin(epochs):7.4f} "
                  f"{np.mean(v == ref):6.3f}", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
