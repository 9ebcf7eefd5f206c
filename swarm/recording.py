"""The Recording: what a swarm run keeps, per bee and per recorded epoch.

A Recording is a read-only mapping of named numpy arrays plus ``meta`` (a
JSON-able dict). Arrays other than ``x``, ``y`` and ``epoch`` lead with the bee
dimension; per-epoch ones lead with ``[bee, epoch]``:

- ``ypred``  float32 [bee, epoch, point] (optional)
- ``loss``, ``grad_norm``  float32 [bee, epoch] (``loss`` required: it sets the bee and epoch counts)
- ``layer{k}.weight`` float32 [bee, epoch, out, in], ``layer{k}.bias`` [bee, epoch, out]
- ``x``, ``y`` [point] or [sample, feature]; ``epoch`` int64 [epoch] (the epochs kept)
- on a dataset: ``x`` float32 [sample, feature], ``y`` [sample] (int64 labels or float
  targets), ``x_test``, ``y_test``; ``test_loss``, ``accuracy``, ``test_accuracy``
  [bee, epoch]; ``ypred`` [bee, epoch, sample, out] only when asked for
- ``diverged`` bool [bee]; ``diverged_at`` int64 [bee] (-1 for bees that did not)

Entry e is the network as the forward pass of epoch ``epoch[e]`` saw it.
Files are ``.npz`` written atomically and read without pickle.

This is the ground floor: it imports nothing from swarm but the file helpers
and a torch-free table of facts, and answers the questions every layer asks
(which bees are live, which layers are matrices, whether the network is
piecewise linear, the run's one-line description).
"""
from __future__ import annotations

import errno
import html
import json
import re
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from swarm._facts import PIECEWISE_LINEAR
from swarm._files import atomic_path, check_writable, human_bytes, plural

__all__ = ["Recording", "load", "FORMAT", "FORMAT_VERSION"]

FORMAT = "swarm.recording"
FORMAT_VERSION = 1
_SHARED = ("x", "y", "epoch", "x_test", "y_test", "step_epoch")  # not per bee
_PER_STEP = ("step_grad_norm", "step_epoch")  # [bee, step] or [step]: every step, not per epoch
_REQUIRED = ("x", "y", "loss", "epoch")
_PER_BEE_SPEC = ("lr", "momentum")  # spec entries that may hold one value per bee
DEFAULT_COMPRESS = False  # stored: the only choice faster than training (bench/save_speed.py)
_LAYER = re.compile(r"^layer(\d+)\.(weight|bias)$")


class Recording(Mapping):
    """Named arrays shaped [bee, epoch, ...] and the run's ``meta``."""

    def __init__(self, arrays: Mapping[str, np.ndarray], meta: Mapping | None = None):
        self._arrays = {k: np.asarray(v) for k, v in arrays.items()}
        for key in _REQUIRED:
            if key not in self._arrays:
                raise ValueError(f"a Recording needs the array {key!r}")
        if self._arrays["loss"].ndim != 2:
            raise ValueError(f"a Recording's 'loss' must be [bee, epoch], got shape "
                             f"{self._arrays['loss'].shape}")
        if "diverged" not in self._arrays:
            self._arrays["diverged"] = np.zeros(self.num_bees, dtype=bool)
        if "diverged_at" not in self._arrays:
            self._arrays["diverged_at"] = np.full(self.num_bees, -1, dtype=np.int64)
        self.meta = dict(meta or {})

    # Mapping protocol
    def __getitem__(self, key: str) -> np.ndarray:
        try:
            return self._arrays[key]
        except KeyError:
            raise KeyError(f"{key!r} is not in this recording; it has {', '.join(self)}") from None

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    # Shape facts
    @property
    def num_bees(self) -> int:
        return self._arrays["loss"].shape[0]

    @property
    def num_epochs(self) -> int:
        """How many epochs were recorded (not how many were trained)."""
        return self._arrays["loss"].shape[1]

    @property
    def x(self) -> np.ndarray:
        return self._arrays["x"]

    @property
    def y(self) -> np.ndarray:
        return self._arrays["y"]

    @property
    def epoch(self) -> np.ndarray:
        return self._arrays["epoch"]

    @property
    def diverged(self) -> np.ndarray:
        return self._arrays["diverged"]

    @property
    def live(self) -> np.ndarray:
        """bool [bee]: the bees that did not diverge (the ones aggregates and densities use)."""
        return ~np.asarray(self._arrays["diverged"], dtype=bool)

    @property
    def live_by_epoch(self) -> np.ndarray:
        """bool [bee, epoch]: the bee had not diverged yet at that recorded epoch.

        A bee that diverged at epoch ``diverged_at`` is frozen from then on;
        views show it until that epoch and leave it out after.
        """
        at = np.asarray(self._arrays["diverged_at"])[:, None]
        return ~np.asarray(self.diverged, bool)[:, None] | (np.asarray(self.epoch)[None, :] < at)

    @property
    def num_layers(self) -> int:
        """Number of linear layers recorded as ``layer{k}.weight``."""
        return len(self.layer_indices)

    @property
    def layer_indices(self) -> list[int]:
        return sorted({int(m.group(1)) for k in self if (m := _LAYER.match(k))})

    def weights(self, k: int) -> np.ndarray:
        """Layer k's weights, [bee, epoch, out, in]."""
        return self[f"layer{k}.weight"]

    def biases(self, k: int) -> np.ndarray:
        """Layer k's biases, [bee, epoch, out]."""
        return self[f"layer{k}.bias"]

    @property
    def matrix_layers(self) -> list[int]:
        """The layers whose weight is a matrix (at least 2x2): the ones a rank says something about."""
        return [k for k in self.layer_indices if min(self.weights(k).shape[-2:]) >= 2]

    @property
    def activation(self) -> str | None:
        return self.meta.get("spec", {}).get("activation")

    @property
    def has_test(self) -> bool:
        """Whether the run held out a test split with samples (a dataset run without ``test=0``)."""
        return "x_test" in self._arrays and len(self._arrays["x_test"]) > 0

    @property
    def piecewise_linear(self) -> bool:
        """Whether the trained network is a piecewise-linear MLP (so it has exact breakpoints).

        Written into ``meta["spec"]`` at training time; older recordings answer
        from the activation's name (never for a custom model).
        """
        spec = self.meta.get("spec") or {}
        if spec.get("model"):
            return False
        if "piecewise_linear" in spec:
            return bool(spec["piecewise_linear"])
        return spec.get("activation") in PIECEWISE_LINEAR

    @property
    def task(self) -> str:
        """"target" (a 1-D function), "classification" or "regression"."""
        return str((self.meta.get("spec") or {}).get("task") or "target")

    @property
    def classes(self) -> tuple[str, ...] | None:
        """The class names of a classification dataset, else None."""
        classes = (self.meta.get("dataset") or {}).get("classes")
        return None if classes is None else tuple(str(c) for c in classes)

    @property
    def loss_units(self) -> str | None:
        """A regression dataset's loss units: "standardized" (targets scaled by the training
        split's mean and std, ``meta["dataset"]["y_std"]``) or "original"; else None."""
        if self.task != "regression":
            return None
        return "original" if (self.meta.get("dataset") or {}).get("y_std") is None \
            else "standardized"

    def describe(self) -> str:
        """The run in one line (video title, CLI summary, reports): what was trained, on what, how.

        Read from the recording itself: a slice describes its own bees, a
        custom model is named as such (never by the built-in MLP's knobs), and
        a per-bee ``lr`` shows as its range.
        """
        spec = self.meta.get("spec") or {}
        data = self.meta.get("dataset") or {}
        parts = [str(data.get("name") or spec.get("target") or ""), plural(self.num_bees, "bee")]
        if spec.get("model"):
            params = self.num_parameters
            parts.append(f"model {spec['model']}" + (f" ({params:,} parameters)" if params else ""))
        else:
            for key in ("width", "depth"):
                if key in spec:
                    parts.append(f"{key} {spec[key]}")
            if spec.get("activation"):
                parts.append(str(spec["activation"]))
        if spec.get("optimizer"):
            parts.append(f"{spec['optimizer']} lr {_values(spec['lr'])}" if "lr" in spec
                         else str(spec["optimizer"]))
        if self.num_epochs:
            last = int(self.epoch[-1]) + 1
            parts.append(f"{last:,} epoch" + ("s" if last != 1 else ""))
        if self.diverged.any():
            parts.append(f"{int(self.diverged.sum()):,} diverged")
        return "  ·  ".join(p for p in parts if p)

    @property
    def num_parameters(self) -> int:
        """Trainable numbers per bee among the recorded layers and parameters (0 if none recorded)."""
        return int(sum(np.prod(v.shape[2:], dtype=np.int64) for k, v in self._arrays.items()
                       if (_LAYER.match(k) or k.startswith("param.")) and v.ndim >= 2))

    # Slicing
    def bees(self, index) -> "Recording":
        """A Recording of the chosen bees (an index array, slice or boolean mask)."""
        index = _as_index(index, self.num_bees, "bees")
        if not index.size:
            raise ValueError(f"`index` chooses no bee; a Recording needs at least one of the "
                             f"{self.num_bees} bees")
        arrays = {k: (v if k in _SHARED else v[index]) for k, v in self._arrays.items()}
        return Recording(arrays, _bees_meta(self.meta, index, self.num_bees, arrays["diverged"]))

    def epochs(self, index=None, *, every: int | None = None) -> "Recording":
        """A Recording keeping every ``every``-th recorded epoch (the last always kept), or ``index``."""
        if every is not None:
            if int(every) < 1:
                raise ValueError(f"`every` must be a positive integer, got {every!r}")
            index = np.arange(0, self.num_epochs, int(every))
            if index[-1] != self.num_epochs - 1:
                index = np.append(index, self.num_epochs - 1)
        index = _as_index(index, self.num_epochs, "epochs")
        if not index.size:
            raise ValueError("`index` chooses no epoch; a Recording needs at least one")
        if np.any(np.diff(index % self.num_epochs) <= 0):
            raise ValueError(f"`index` must choose recorded epochs in increasing order, got "
                             f"{_preview(index)}")
        arrays = {}
        for key, value in self._arrays.items():
            if key == "epoch":
                arrays[key] = value[index]
            elif key in _SHARED or key in _PER_STEP or value.ndim < 2 \
                    or value.shape[1] != self.num_epochs:
                arrays[key] = value
            else:
                arrays[key] = value[:, index]
        return Recording(arrays, self.meta)

    # Disk
    def save(self, path, *, compress: bool | int = DEFAULT_COMPRESS) -> Path:
        """Write an ``.npz`` atomically (temporary name, then rename); no pickle inside.

        Arrays stream one by one into the zip: no second copy of the recording is
        made in memory. ``compress`` is False (stored), True (deflate at zlib
        level 1, the fastest) or a zlib level 0-9; every choice loads with
        ``np.load(allow_pickle=False)``. A file that would not fit on its disk is
        refused (``ValueError``) before anything is written.
        """
        path = Path(path)
        level = _compress_level(compress)
        header = {"__format__": np.array(FORMAT), "__version__": np.array(FORMAT_VERSION),
                  "__meta__": np.array(json.dumps(self.meta, default=_json_default))}
        members = {**header, **self._arrays}
        check_writable(path)
        _check_disk(path, members)
        mode = zipfile.ZIP_STORED if level == 0 else zipfile.ZIP_DEFLATED
        try:
            with atomic_path(path) as tmp, \
                    zipfile.ZipFile(tmp, "w", compression=mode,
                                    compresslevel=level or None) as zf:
                for name, value in members.items():
                    with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                        _write_npy(fh, np.asanyarray(value))
        except OSError as err:
            if err.errno != errno.ENOSPC:
                raise
            raise ValueError(f"cannot save {str(path)!r}: the disk filled up while writing "
                             f"({human_bytes(_raw_bytes(members))} uncompressed); free some space "
                             "or save elsewhere") from None
        return path

    def to_xarray(self):
        """The recording as an ``xarray.Dataset``: one variable per array, named dims
        (``bee``, ``epoch``, ``point``, ``out``, ``in``; ``sample``, ``feature`` for
        dataset recordings), coordinates ``epoch`` (the epochs kept) and ``bee``, and
        ``meta`` as attributes (JSON text where a value is not a scalar)."""
        from swarm._xarray import to_xarray

        return to_xarray(self)

    def to_frame(self, key: str = "loss"):
        """A long pandas table of one per-epoch array: columns bee, epoch, one per further
        axis named as in :meth:`to_xarray` (``out``, ``in`` for a weight; ``point`` or
        ``sample``), and the value under ``key``."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("Recording.to_frame needs pandas: pip install pandas") from None
        value = self[key]
        if value.ndim < 2 or key in _SHARED:
            raise ValueError(f"`key` must name a per-epoch array such as 'loss', got {key!r}")
        grids = np.meshgrid(*[np.arange(n) for n in value.shape], indexing="ij")
        from swarm._xarray import dims_of

        grid = "sample" if self.x.ndim == 2 else "point"
        classes = len(self.classes) if self.classes else None
        names = [re.sub(r"^layer\d+\.", "", d)  # a layer's own out, in
                 for d in dims_of(key, value, self.num_epochs, grid, classes)]
        columns = {n: g.ravel() for n, g in zip(names, grids)}
        columns["epoch"] = self.epoch[columns["epoch"]]
        columns[key] = value.ravel()
        return pd.DataFrame(columns)

    def _repr_html_(self) -> str:
        """A light table when a notebook displays the recording: its arrays and spec, no metrics.

        ``swarm.show(rec)`` gives the full summary (headline numbers, figures).
        """
        head = (f"Recording: {plural(self.num_bees, 'bee')} × "
                f"{plural(self.num_epochs, 'recorded epoch')}, {int(self.diverged.sum()):,} diverged")
        rows = [("run", self.describe())]
        rows += [(k, f"{v.dtype} {list(v.shape)}") for k, v in self._arrays.items()]
        rows += [(f"spec · {k}", _values(v) if k in _PER_BEE_SPEC else _short(v))
                 for k, v in (self.meta.get("spec") or {}).items()]
        body = "".join(f"<tr><th scope=\"row\">{html.escape(str(k))}</th>"
                       f"<td>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return (f"<div class=\"swarm-recording\"><strong>{html.escape(head)}</strong>"
                f"<table class=\"swarm-table\">{body}</table></div>")

    def __repr__(self) -> str:
        spec, data = self.meta.get("spec") or {}, self.meta.get("dataset") or {}
        what = f"dataset={data['name']!r}" if data.get("name") else \
            f"target={spec.get('target')!r}"
        return (f"Recording({what}, {plural(self.num_bees, 'bee')} x "
                f"{plural(self.num_epochs, 'recorded epoch')}, "
                f"{plural(self.num_layers, 'layer')}, {int(self.diverged.sum()):,} diverged)")


def _as_index(index, size: int, name: str) -> np.ndarray:
    arr = np.arange(size)[index] if isinstance(index, slice) else np.asarray(index)
    if arr.dtype == bool:
        if arr.shape != (size,):
            raise ValueError(f"`{name}` mask must have length {size}, got shape {arr.shape}")
        return np.flatnonzero(arr)
    arr = np.atleast_1d(arr).astype(np.int64)
    if arr.size and (arr.min() < -size or arr.max() >= size):
        raise ValueError(f"`{name}` index out of range for {size} {name}: {arr.tolist()[:10]}")
    return arr


def _values(value) -> str:
    """A number (or one per bee: shown as their range) as short text, 4 significant digits."""
    if isinstance(value, (list, tuple, np.ndarray)) and np.size(value) > 1 and all(
            isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in np.ravel(value)):
        low, high = float(np.min(value)), float(np.max(value))
        return f"{low:.4g}" if low == high else f"{low:.4g}–{high:.4g} (per bee)"
    if isinstance(value, (list, tuple, np.ndarray)) and np.size(value) == 1:
        value = np.ravel(value)[0]
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _short(value, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _preview(index: np.ndarray) -> str:
    shown = index.tolist()[:10]
    return str(shown)[:-1] + (", ...]" if index.size > 10 else "]")


def _bees_meta(meta: Mapping, index: np.ndarray, num_bees: int, diverged: np.ndarray) -> dict:
    """``meta`` for the bees ``index`` of a swarm of ``num_bees``: its per-bee facts sliced."""
    meta = dict(meta)
    spec = dict(meta.get("spec") or {})
    if spec:
        spec["bees"] = int(index.size)
        for key in _PER_BEE_SPEC:
            if isinstance(spec.get(key), (list, tuple)) and len(spec[key]) == num_bees:
                spec[key] = [spec[key][i] for i in index]
        ids = np.asarray(spec.get("bee_ids", np.arange(num_bees)))[index]
        spec.pop("bee_ids", None)
        if not np.array_equal(ids, np.arange(index.size)):
            spec["bee_ids"] = ids.tolist()
        meta["spec"] = spec
    if "diverged" in meta:
        meta["diverged"] = int(np.sum(diverged))
    return meta


def _compress_level(compress) -> int:
    """0 (stored) or a zlib level 1-9 from ``compress`` (False, True or a level)."""
    if isinstance(compress, bool):
        return _DEFLATE_LEVEL if compress else 0
    if isinstance(compress, (int, np.integer)) and 0 <= compress <= 9:
        return int(compress)
    raise ValueError(f"`compress` must be False, True or a zlib level 0-9, got {compress!r}")


_DEFLATE_LEVEL = 1  # what compress=True means


def _raw_bytes(members: Mapping) -> int:
    """The uncompressed size of an .npz of ``members``: data, .npy headers, zip records."""
    return sum(np.asanyarray(v).nbytes + 256 + len(k) for k, v in members.items()) + 1024


_CHUNK_BYTES = 1 << 20  # arrays are written in C order, about this much at a time


def _write_npy(fh, value: np.ndarray) -> None:
    """``value`` as a ``.npy`` stream in C order, in chunks of leading-axis rows, so a
    strided view (train's [bee, epoch, ...] over epoch-major buffers) is never copied whole."""
    if value.dtype.hasobject:
        raise ValueError(f"cannot save an array of Python objects ({value.dtype})")
    header = {"descr": np.lib.format.dtype_to_descr(value.dtype), "fortran_order": False,
              "shape": value.shape}
    np.lib.format.write_array_header_1_0(fh, header)
    _write_rows(fh, value)


def _write_rows(fh, value: np.ndarray) -> None:
    """The bytes of ``value`` in C order, a chunk of at most about ``_CHUNK_BYTES`` at a time."""
    if value.nbytes <= _CHUNK_BYTES:
        fh.write(memoryview(np.ascontiguousarray(value).reshape(-1).view(np.uint8)))
        return
    step = _CHUNK_BYTES // value[0].nbytes
    for start in range(0, len(value), max(step, 1)):
        _write_rows(fh, value[start:start + step] if step > 1 else value[start])


def _check_disk(path: Path, members: Mapping) -> None:
    """Refuse (``ValueError``) a save whose uncompressed size exceeds the free space."""
    needed = _raw_bytes(members)
    free = shutil.disk_usage(path.parent if str(path.parent) else ".").free
    if needed > free:
        raise ValueError(f"cannot save {str(path)!r}: the recording needs up to "
                         f"{human_bytes(needed)} but only {human_bytes(free)} is free there; "
                         "free some space, save elsewhere, or save fewer bees or epochs "
                         "(rec.bees(...), rec.epochs(every=...))")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def load(path) -> Recording:
    """Read a Recording saved by :meth:`Recording.save`, never unpickling anything.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the
    file when it is truncated, foreign, or from a newer format version.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder, not a swarm recording (.npz)")
    if not path.is_file():
        raise FileNotFoundError(f"no recording at {str(path)!r}")
    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":  # np.load would try it as a pickle and say so
            raise ValueError(f"{str(path)!r} is not a swarm recording (not an .npz file)")
    try:
        with np.load(path, allow_pickle=False) as data:
            names = set(data.files)
            if "__format__" not in names or str(data["__format__"]) != FORMAT:
                raise ValueError(f"{str(path)!r} is not a swarm recording")
            version = int(data["__version__"])
            if version > FORMAT_VERSION:
                raise ValueError(f"{str(path)!r} was written by a newer swarm (format {version}); "
                                 "upgrade swarm to read it")
            meta = json.loads(str(data["__meta__"]))
            arrays = {k: data[k] for k in data.files if not k.startswith("__")}
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, json.JSONDecodeError) as err:
        raise ValueError(f"{str(path)!r} is damaged or not a swarm recording ({err})") from None
    except ValueError as err:
        if "swarm" in str(err):
            raise
        if "pickle" in str(err):  # an object array: never unpickled, and no advice to
            err = "it holds Python objects"  # load it unsafely
        raise ValueError(f"{str(path)!r} is damaged or not a swarm recording ({err})") from None
    try:
        return Recording(arrays, meta)
    except ValueError as err:
        raise ValueError(f"{str(path)!r} is not a whole swarm recording: {err}") from None
