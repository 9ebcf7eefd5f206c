"""How long a recording takes to save and load, and how big it is, per compression.

Trains the run of issue 12 once (``swarm-animate piecewise --depth 3 --width 8
--epochs 2000 --bees 300 --save run.npz``; ``--quick`` for a small one), then
saves and loads it with each choice and prints size, times and their ratios to
the training time. Baseline: ``np.savez`` (the save before streaming) and
``np.savez_compressed``. Besides ``Recording.save``'s choices it measures a byte
shuffle (the bytes of each float grouped by position) before zlib level 1,
which ``np.load`` cannot read, to see whether it would earn its own format.

    python bench/save_speed.py [--quick] [--dir /tmp]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np

import swarm


def _shuffle_save(rec, path: Path) -> None:
    """Each array's bytes grouped by position within its item, then zlib level 1."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, value in rec.items():
            value = np.ascontiguousarray(value)
            planes = value.view(np.uint8).reshape(-1, value.itemsize).T.tobytes()
            zf.writestr(f"{name}#{value.dtype.str}#{'x'.join(map(str, value.shape))}",
                        zlib.compress(planes, 1))


def _shuffle_load(path: Path) -> dict:
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name, dtype, shape = info.filename.split("#")
            dtype = np.dtype(dtype)
            shape = tuple(int(n) for n in shape.split("x") if n)
            planes = np.frombuffer(zlib.decompress(zf.read(info)), dtype=np.uint8)
            out[name] = planes.reshape(dtype.itemsize, -1).T.copy().view(dtype).reshape(shape)
    return out


def _variants(rec):
    """name -> (save(path), load(path))"""
    def npz(fn):
        return lambda p: fn(p, **dict(rec))

    def load_npz(p):
        with np.load(p, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    return {
        "np.savez (before)": (npz(np.savez), load_npz),
        "np.savez_compressed": (npz(np.savez_compressed), load_npz),
        "save(compress=False)": (lambda p: rec.save(p, compress=False), swarm.load),
        "save(compress=1)": (lambda p: rec.save(p, compress=1), swarm.load),
        "save(compress=6)": (lambda p: rec.save(p, compress=6), swarm.load),
        "shuffle + zlib 1": (lambda p: _shuffle_save(rec, p), _shuffle_load),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run (seconds)")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where files go (deleted)")
    args = parser.parse_args()
    size = dict(bees=20, epochs=200) if args.quick else dict(bees=300, epochs=2000)
    started = time.perf_counter()
    rec = swarm.train("piecewise", depth=3, width=8, progress=False, seed=0, **size)
    train_s = time.perf_counter() - started
    raw = sum(v.nbytes for v in rec.values())
    print(f"run: piecewise --depth 3 --width 8 --epochs {size['epochs']} --bees {size['bees']}; "
          f"training {train_s:.1f} s; arrays {raw / 2**20:.0f} MiB")
    print(f"{'variant':<22} {'size MiB':>9} {'of raw':>7} {'save s':>7} {'load s':>7} "
          f"{'save/train':>10}")
    for name, (save, load) in _variants(rec).items():
        path = Path(args.dir) / f"swarm_save_speed_{os.getpid()}.npz"
        try:
            t0 = time.perf_counter()
            save(path)
            t1 = time.perf_counter()
            back = load(path)
            t2 = time.perf_counter()
            assert all(np.array_equal(back[k], rec[k]) for k in rec), name
            nbytes = path.stat().st_size
        finally:
            path.unlink(missing_ok=True)
        print(f"{name:<22} {nbytes / 2**20:>9.0f} {nbytes / raw:>7.0%} {t1 - t0:>7.1f} "
              f"{t2 - t1:>7.1f} {(t1 - t0) / train_s:>10.2f}")


if __name__ == "__main__":
    main()
