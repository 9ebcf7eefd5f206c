"""The Recording: what a swarm run keeps, per bee and per recorded epoch.

A Recording is a read-only mapping of named numpy arrays plus ``meta`` (a
JSON-able dict). Arrays other than ``x``, ``y`` and ``epoch`` lead with the bee
dimension; per-epoch ones lead with ``[bee, epoch]``:

- ``ypred``  float32 [bee, epoch, point]
- ``loss``, ``grad_norm``  float32 [bee, epoch]
- ``layer{k}.weight`` float32 [bee, epoch, out, in], ``layer{k}.bias`` [bee, epoch, out]
- ``x``, ``y`` float32 [point]; ``epoch`` int64 [epoch] (the epochs kept)
- ``diverged`` bool [bee]; ``diverged_at`` int64 [bee] (-1 for bees that did not)

Entry e is the network as the forward pass of epoch ``epoch[e]`` saw it.
Files are ``.npz`` written atomically and read without pickle.
"""
from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from swarm._files import atomic_path

__all__ = ["Recording", "load", "FORMAT", "FORMAT_VERSION"]

FORMAT = "swarm.recording"
FORMAT_VERSION = 1
_SHARED = ("x", "y", "epoch")  # not per bee
_LAYER = re.compile(r"^layer(\d+)\.(weight|bias)$")


class Recording(Mapping):
    """Named arrays shaped [bee, epoch, ...] and the run's ``meta``."""

    def __init__(self, arrays: Mapping[str, np.ndarray], meta: Mapping | None = None):
        self._arrays = {k: np.asarray(v) for k, v in arrays.items()}
        for key in ("x", "y", "ypred", "loss", "epoch"):
            if key not in self._arrays:
                raise ValueError(f"a Recording needs the array {key!r}")
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
        return self._arrays["ypred"].shape[0]

    @property
    def num_epochs(self) -> int:
        """How many epochs were recorded (not how many were trained)."""
        return self._arrays["ypred"].shape[1]

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
    def activation(self) -> str | None:
        return self.meta.get("spec", {}).get("activation")

    @property
    def live_by_epoch(self) -> np.ndarray:
        """bool [bee, epoch]: the bee had not diverged yet at that recorded epoch.

        A bee that diverged at epoch ``diverged_at`` is frozen from then on;
        views show it until that epoch and leave it out after.
        """
        at = np.asarray(self._arrays["diverged_at"])[:, None]
        return ~np.asarray(self.diverged, bool)[:, None] | (np.asarray(self.epoch)[None, :] < at)

    # Slicing
    def bees(self, index) -> "Recording":
        """A Recording of the chosen bees (an index array, slice or boolean mask)."""
        index = _as_index(index, self.num_bees, "bees")
        arrays = {k: (v if k in _SHARED else v[index]) for k, v in self._arrays.items()}
        return Recording(arrays, self.meta)

    def epochs(self, index=None, *, every: int | None = None) -> "Recording":
        """A Recording keeping every ``every``-th recorded epoch (the last always kept), or ``index``."""
        if every is not None:
            if int(every) < 1:
                raise ValueError(f"`every` must be a positive integer, got {every!r}")
            index = np.arange(0, self.num_epochs, int(every))
            if index[-1] != self.num_epochs - 1:
                index = np.append(index, self.num_epochs - 1)
        index = _as_index(index, self.num_epochs, "epochs")
        arrays = {}
        for key, value in self._arrays.items():
            if key == "epoch":
                arrays[key] = value[index]
            elif key in _SHARED or value.ndim < 2 or value.shape[1] != self.num_epochs:
                arrays[key] = value
            else:
                arrays[key] = value[:, index]
        return Recording(arrays, self.meta)

    # Disk
    def save(self, path) -> Path:
        """Write an ``.npz`` atomically (temporary name, then rename); no pickle inside."""
        path = Path(path)
        header = {"__format__": np.array(FORMAT), "__version__": np.array(FORMAT_VERSION),
                  "__meta__": np.array(json.dumps(self.meta, default=_json_default))}
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **header, **self._arrays)
        return path

    def to_frame(self, key: str = "loss"):
        """A long pandas table of one per-epoch array: columns bee, epoch, [dims...], value."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("Recording.to_frame needs pandas: pip install pandas") from None
        value = self[key]
        if value.ndim < 2 or key in _SHARED:
            raise ValueError(f"`key` must name a per-epoch array such as 'loss', got {key!r}")
        grids = np.meshgrid(*[np.arange(n) for n in value.shape], indexing="ij")
        names = ["bee", "epoch"] + [f"dim{i}" for i in range(value.ndim - 2)]
        columns = {n: g.ravel() for n, g in zip(names, grids)}
        columns["epoch"] = self.epoch[columns["epoch"]]
        columns[key] = value.ravel()
        return pd.DataFrame(columns)

    def _repr_html_(self) -> str:
        """A summary table when a notebook displays the recording."""
        from swarm.notebook import recording_html

        return recording_html(self)

    def __repr__(self) -> str:
        spec = self.meta.get("spec", {})
        return (f"Recording({self.num_bees} bees x {self.num_epochs} epochs, "
                f"target={spec.get('target')!r}, layers={self.num_layers}, "
                f"diverged={int(self.diverged.sum())})")


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
    if not path.is_file():
        raise FileNotFoundError(f"no recording at {str(path)!r}")
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
        raise ValueError(f"{str(path)!r} is damaged or not a swarm recording ({err})") from None
    return Recording(arrays, meta)
