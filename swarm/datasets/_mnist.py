"""MNIST and Fashion-MNIST from files on disk (IDX or ``.npz``), fetched once where online.

Where the files are looked for: ``path`` when given (a folder, or an ``.npz`` file),
else the cache folder ``$SWARM_DATA/<name>`` (default ``~/.cache/swarm/<name>``).
A folder holds either the four standard IDX files (``train-images-idx3-ubyte``,
``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each
gzipped or not) or ``<name>.npz`` with Keras' arrays ``x_train``, ``y_train``, ``x_test``,
``y_test``. With no ``path`` and nothing cached, scikit-learn's ``fetch_openml`` downloads
the data once and it is cached as ``<name>.npz``; offline, the error says where to put
the files.
"""
from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import numpy as np

from swarm.datasets import _checks
from swarm.datasets._dataset import Dataset
from swarm.datasets._knobs import KNOBS_DOC, check_knobs, finish, stream

__all__ = ["mnist", "fashion_mnist", "read_idx", "cache_folder"]

# IDX type codes (the third byte of the magic number) -> big-endian numpy dtype
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_PARTS = {"x_train": ("train-images", 3), "y_train": ("train-labels", 1),
          "x_test": ("t10k-images", 3), "y_test": ("t10k-labels", 1)}
# OpenML copies: 70,000 rows, the 60,000 training images first, then the 10,000 test images
_OPENML = {"mnist": 554, "fashion_mnist": 40996}
_TRAIN = 60000
_CLASSES = {"mnist": tuple(str(c) for c in range(10)),
            "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                              "Shirt", "Sneaker", "Bag", "Ankle boot")}


def cache_folder(name: str) -> Path:
    """Where ``name``'s files are looked for without a ``path``: ``$SWARM_DATA/<name>``,
    else ``$XDG_CACHE_HOME/swarm/<name>``, else ``~/.cache/swarm/<name>``."""
    root = os.environ.get("SWARM_DATA")
    if not root:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swarm"
    return Path(root) / name


def read_idx(path) -> np.ndarray:
    """The array in an IDX file (gzipped or not): e.g. uint8 [image, row, col] or [label].

    Format: two zero bytes, a type code, the number of dimensions, each dimension as a
    big-endian uint32, then the values big-endian. A damaged file is a one-line ValueError.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise ValueError(f"{path}: damaged gzip file ({err})") from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _IDX_TYPES or raw[3] == 0:
        raise ValueError(f"{path}: not an IDX file (its first bytes are {raw[:4].hex() or 'none'})")
    ndim, dtype = raw[3], np.dtype(_IDX_TYPES[raw[2]])
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: IDX header cut short ({len(raw)} bytes)")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", ndim, 4))
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{path}: IDX shape {shape} needs {expected} bytes, the file has "
                         f"{len(raw)}")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _idx_file(folder: Path, stem: str, ndim: int) -> Path | None:
    for sep in ("-", "."):
        for suffix in ("", ".gz"):
            candidate = folder / f"{stem}{sep}idx{ndim}-ubyte{suffix}"
            if candidate.is_file():
                return candidate
    return None


def _read_npz(path: Path) -> dict:
    """The four arrays of an .npz (Keras' ``mnist.npz`` layout), read without pickle."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError(f"{path}: an .npy array, not an .npz of {', '.join(_PARTS)}")
        with npz:
            missing = [k for k in _PARTS if k not in npz.files]
            arrays = {} if missing else {k: npz[k] for k in _PARTS}
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: not a readable .npz file ({type(err).__name__})") from None
    except ValueError as err:
        raise ValueError(str(err) if str(err).startswith(str(path))
                         else f"{path}: not a readable .npz file ({err})") from None
    if missing:
        raise ValueError(f"{path}: an .npz of {', '.join(_PARTS)} is needed; it lacks "
                         f"{', '.join(missing)}")
    return arrays


def _read_folder(name: str, place: Path) -> dict | None:
    """The four arrays from ``place`` (an .npz, or a folder of IDX files or ``<name>.npz``)."""
    if place.is_file():
        return _read_npz(place)
    found = {k: _idx_file(place, stem, n) for k, (stem, n) in _PARTS.items()}
    if all(found.values()):
        return {k: read_idx(p) for k, p in found.items()}
    npz = place / f"{name}.npz"
    if npz.is_file():
        return _read_npz(npz)
    if any(found.values()):
        missing = [f"{stem}-idx{n}-ubyte" for k, (stem, n) in _PARTS.items() if not found[k]]
        raise FileNotFoundError(f"{place} holds some of {name}'s IDX files but not "
                                f"{', '.join(missing)}")
    return None


def _fetch_openml(name: str, data_home: Path) -> dict:
    """Download ``name`` through scikit-learn's ``fetch_openml`` (raises OSError offline)."""
    from sklearn.datasets import fetch_openml

    bunch = fetch_openml(data_id=_OPENML[name], data_home=str(data_home), as_frame=False,
                         parser="liac-arff", n_retries=1)
    x = np.asarray(bunch.data, dtype=np.uint8).reshape(-1, 28, 28)
    y = np.asarray(bunch.target).astype(np.int64)
    return {"x_train": x[:_TRAIN], "y_train": y[:_TRAIN], "x_test": x[_TRAIN:],
            "y_test": y[_TRAIN:]}


_fetch = _fetch_openml  # tests replace this; nothing else downloads


def _save_npz(arrays: dict, path: Path) -> None:
    """Write the cache whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _where_to_put(name: str, folder: Path) -> str:
    return (f"put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            f"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (or {name}.npz) in "
            f"{folder}, or pass path=")


def _arrays(name: str, path) -> dict:
    """The four arrays of ``name``: from ``path``, else the cache, else a download."""
    if path is not None:
        place = Path(path).expanduser()
        if not place.exists():
            raise FileNotFoundError(f"`path` {str(place)!r} does not exist; "
                                    + _where_to_put(name, place))
        arrays = _read_folder(name, place)
        if arrays is None:
            raise FileNotFoundError(f"no {name} files in {place}; " + _where_to_put(name, place))
        return arrays
    folder = cache_folder(name)
    arrays = _read_folder(name, folder) if folder.is_dir() else None
    if arrays is None:
        try:
            arrays = _fetch(name, folder.parent / "openml")
        except Exception as err:  # offline: URLError, socket errors, HTTP errors, ...
            raise FileNotFoundError(f"no {name} files in {folder} and the download failed "
                                    f"({type(err).__name__}); " + _where_to_put(name, folder)) \
                from None
        _save_npz(arrays, folder / f"{name}.npz")
    return arrays


def _checked(name: str, arrays: dict, where: str) -> dict:
    """Images [n, 28, 28] (or [n, 784]) and labels 0..9 [n], as many of each."""
    out = {}
    for split in ("train", "test"):
        x, y = np.asarray(arrays[f"x_{split}"]), np.asarray(arrays[f"y_{split}"])
        if x.ndim == 2:
            x = x.reshape(len(x), 28, 28) if x.shape[1] == 784 else x
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y) or not len(y):
            raise ValueError(f"{where}: {name}'s {split} split must be images [n, rows, cols] "
                             f"and labels [n], got {x.shape} and {y.shape}")
        if y.min() < 0 or y.max() > 9:
            raise ValueError(f"{where}: {name}'s {split} labels must be 0..9, got "
                             f"{y.min()}..{y.max()}")
        out[f"x_{split}"], out[f"y_{split}"] = x, y.astype(np.int64)
    if out["x_train"].shape[1:] != out["x_test"].shape[1:]:
        raise ValueError(f"{where}: {name}'s training and test images differ in size")
    return out


def _pick(n: int, samples, what: str, rng) -> np.ndarray:
    samples = _checks.integer(what, n if samples is None else samples, low=10, high=n)
    return np.arange(n) if samples == n else np.sort(rng.choice(n, samples, replace=False))


def _load(name: str, path, samples, test_samples, noise, seed, knobs) -> Dataset:
    if "test" in knobs:
        raise ValueError(f"{name} comes with its own test split; choose its size with "
                         "`test_samples`, not `test`")
    seed = _checks.seed(seed)
    noise = _checks.number("noise", noise, low=0.0)
    knobs = check_knobs(knobs, name)
    where = str(path) if path is not None else str(cache_folder(name))
    arrays = _checked(name, _arrays(name, path), where)
    rng = stream(seed, "generate")
    train = _pick(len(arrays["y_train"]), samples, "samples", rng)
    test = _pick(len(arrays["y_test"]), test_samples, "test_samples", rng)
    shape = arrays["x_train"].shape[1:]
    x = arrays["x_train"][train].reshape(len(train), -1).astype(np.float64)
    x_test = arrays["x_test"][test].reshape(len(test), -1).astype(np.float64)
    if noise:
        x, x_test = x + rng.normal(0.0, noise, x.shape), x_test + rng.normal(0.0, noise,
                                                                              x_test.shape)
    features = tuple(f"pixel_{r}_{c}" for r in range(shape[0]) for c in range(shape[1]))
    return finish(x, arrays["y_train"][train], x_test=x_test, y_test=arrays["y_test"][test],
                  name=name, classes=_CLASSES[name], features=features, seed=seed,
                  image_shape=shape,
                  knobs={"path": None if path is None else str(path), "samples": len(train),
                         "test_samples": len(test), "noise": noise, **knobs, "test": None})


def mnist(path=None, *, samples: int | None = None, test_samples: int | None = None,
          noise: float = 0.0, seed: int = 0, **knobs) -> Dataset:
    """MNIST's 28x28 handwritten digits, 10 classes "0".."9", with its own test split.

    x float32 [sample, 784], pixel intensities 0..255 before ``standardize`` (features
    ``pixel_<row>_<col>``, ``image_shape`` (28, 28) while the pixels stay pixels).
    ``samples`` / ``test_samples`` pick that many of the 60,000 training / 10,000 test
    images at random (None: all); ``noise`` is the std of Gaussian noise added to the
    pixels. ``path``: a folder of the IDX files or ``mnist.npz``, or that .npz file; None
    looks in :func:`cache_folder` and downloads there once (needs a connection). Missing
    files are a one-line ``FileNotFoundError`` saying where to put them. The ``test``
    knob does not apply (the split is MNIST's own).
    """
    return _load("mnist", path, samples, test_samples, noise, seed, knobs)


def fashion_mnist(path=None, *, samples: int | None = None, test_samples: int | None = None,
                  noise: float = 0.0, seed: int = 0, **knobs) -> Dataset:
    """Zalando's Fashion-MNIST: 28x28 clothing images in 10 classes, MNIST's file format.

    As :func:`mnist` (same files, same arguments; cache ``fashion_mnist``, npz
    ``fashion_mnist.npz``); classes "T-shirt/top", "Trouser", ..., "Ankle boot".
    """
    return _load("fashion_mnist", path, samples, test_samples, noise, seed, knobs)


for _fn in (mnist, fashion_mnist):
    _fn.__doc__ = _fn.__doc__.rstrip() + "\n" + KNOBS_DOC
