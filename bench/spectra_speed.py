"""Spectra and weight densities, the old way against ours, in one run (issue 23).

The old way is what main did before: ``torch.linalg.svdvals`` of float64 copies
in cache-sized chunks on one thread (the load rule gave one), and
``np.histogram`` per epoch. Ours: eigenvalues of the float64 Gram matrix in
chunks on every core (``swarm.metrics.spectra``, accuracy rule in its module),
and the float32 bit-table count (``swarm.metrics.weight_density``, exact).
Prints wall and CPU seconds of each, the ratio, and the largest differences.
Then ours with LAPACK's eigenvalues (torch) against ours with the compiled ones
(``swarm.metrics._eigen``, used from ``spectrum._COMPILED_FROM`` matrices x k^2;
forced on for every batch here, so that the small default recording shows them too).

    python bench/spectra_speed.py [--from REC.npz]   # default: 500 bees x 400 epochs, 1-8-8-8-1

The deep recording of bench/panel_speed.py (depth 6, width 32, 200 bees, 300
epochs) is the rank and weights panels' case: ``--from`` its saved .npz.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import torch

from swarm.metrics import _common, spectra, spectrum, weight_density
from swarm.metrics.spectrum import effective_rank_of
from _bench import recording, timed  # bench/ is on the path

CHUNK_VALUES = 1 << 18  # as main's spectra


def old_spectra(rec) -> list[np.ndarray]:
    """main's spectra: float64 svdvals in chunks, one thread, non-finite matrices NaN."""
    out = []
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for k in rec.layer_indices:
            w = rec.weights(k)
            flat = w.reshape((-1,) + w.shape[2:])
            step = max(1, CHUNK_VALUES // max(1, flat[0].size))
            parts = []
            for i in range(0, len(flat), step):
                x = torch.as_tensor(np.asarray(flat[i:i + step], dtype=np.float64))
                if 1 in x.shape[-2:]:
                    parts.append(torch.linalg.vector_norm(x, dim=-1 if x.shape[-2] == 1 else -2))
                    continue
                bad = ~torch.isfinite(x).all(-1).all(-1)
                s = torch.linalg.svdvals(torch.where(bad[..., None, None], 0.0, x))
                parts.append(torch.where(bad[..., None], float("nan"), s))
            s = torch.cat(parts).numpy()
            out.append(s.reshape(w.shape[:2] + s.shape[1:]))
    finally:
        torch.set_num_threads(before)
    return out


def old_density(rec, layer, edges) -> np.ndarray:
    """main's weight_density for given edges and no diverged bee: np.histogram per epoch."""
    values = _common.layer_arrays(rec, layer)[0].swapaxes(0, 1)  # [epoch, bee, n]
    return _common.histogram_rows(values, edges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", help="a saved recording")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average at start {os.getloadavg()[0]:.1f}")
    rec = recording(args.source)
    print(f"recording: {rec!r}")

    new, new_wall, new_cpu = timed(lambda: spectra(rec))
    old, old_wall, old_cpu = timed(lambda: old_spectra(rec))
    square = [j for j, s in enumerate(old) if s.shape[-1] > 1]
    ds = max(float(np.nanmax(np.abs(new[j] - old[j]) / old[j][..., :1])) for j in square)
    dr = max(float(np.nanmax(np.abs(effective_rank_of(new[j]) - effective_rank_of(old[j]))
                             / effective_rank_of(old[j]))) for j in square)
    print(f"spectra        old {old_wall:6.2f} s (cpu {old_cpu:6.2f})  ours {new_wall:6.2f} s "
          f"(cpu {new_cpu:6.2f})  ratio {old_wall / new_wall:4.1f}x  max |ds|/s1 {ds:.1e}, "
          f"effective rank rel {dr:.1e}")

    threshold = spectrum._COMPILED_FROM
    try:
        spectrum._COMPILED_FROM = 1 << 62
        lapack, lapack_wall, lapack_cpu = timed(lambda: spectra(rec))
        spectrum._COMPILED_FROM = 0
        _, load_wall, _ = timed(lambda: spectrum._eigvalsh(torch.eye(2, dtype=torch.float64)[None],
                                                           True))  # numba's import, cached code
        compiled, compiled_wall, compiled_cpu = timed(lambda: spectra(rec))
    finally:
        spectrum._COMPILED_FROM = threshold
    ds = max(float(np.nanmax(np.abs(compiled[j] - lapack[j]) / lapack[j][..., :1]))
             for j in square)
    print(f"eigenvalues    LAPACK {lapack_wall:6.2f} s (cpu {lapack_cpu:6.2f})  compiled "
          f"{compiled_wall:6.2f} s (cpu {compiled_cpu:6.2f})  ratio "
          f"{lapack_wall / compiled_wall:4.1f}x  max |ds|/s1 {ds:.1e} (loading numba and the "
          f"compiled code first: {load_wall:.2f} s)")

    old_wall = old_cpu = new_wall = new_cpu = 0.0
    same = True
    for k in rec.layer_indices:
        w = rec.weights(k)
        edges = np.linspace(float(np.min(w)), float(np.max(w)), 61)
        a, wall, cpu = timed(lambda: weight_density(rec, k, edges)[0])
        new_wall, new_cpu = new_wall + wall, new_cpu + cpu
        b, wall, cpu = timed(lambda: old_density(rec, k, edges))
        old_wall, old_cpu = old_wall + wall, old_cpu + cpu
        same &= np.array_equal(a, b)
    print(f"weight_density old {old_wall:6.2f} s (cpu {old_cpu:6.2f})  ours {new_wall:6.2f} s "
          f"(cpu {new_cpu:6.2f})  ratio {old_wall / new_wall:4.1f}x  (60 bins per layer; "
          f"counts equal: {same})")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
