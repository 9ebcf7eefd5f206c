"""Swarm results as tables: long pandas frames, written as CSV or Parquet.

A result array is [bee, epoch, *dims]; its long form has one row per element:
:func:`to_2d` indexes it as the seed toolkit did, :func:`to_long` stacks many
arrays with columns ``field``, ``bee``, ``epoch``, ``dim0``, ``dim1``, ...
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from swarm._files import atomic_path

__all__ = ["to_2d", "to_long", "write_data", "write_data_rel_here", "FORMATS"]

FORMATS = {".csv": "csv", ".csv.gz": "csv.gz", ".parquet": "parquet", ".pq": "parquet"}


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("swarm.io needs pandas: pip install pandas") from None
    return pd


def to_2d(arr, name: str):
    """A long DataFrame of ``arr`` [bee, epoch, *dims], as the seed toolkit makes it.

    One column ``f"{name}_val"``, indexed by a MultiIndex over every axis: levels
    ``bee``, ``epoch``, then ``name`` for a 3-D array or ``name_0``, ``name_1``, ...
    for more; the bee and epoch axes vary slowest. ``df.loc[(1, 2, 3)]`` is
    ``arr[1, 2, 3]``.
    """
    arr = np.asarray(arr)
    if arr.ndim < 2:
        raise ValueError(f"`arr` must be shaped [bee, epoch, ...], got shape {arr.shape}")
    extra = [name] if arr.ndim == 3 else [f"{name}_{i}" for i in range(arr.ndim - 2)]
    return _frame(arr, ["bee", "epoch", *extra], f"{name}_val")


def _frame(arr: np.ndarray, levels: list, column: str):
    """``arr`` as one column indexed by the product of its axes (C order)."""
    pd = _pandas()
    index = pd.MultiIndex.from_product([range(n) for n in arr.shape], names=levels)
    return pd.DataFrame({column: arr.reshape(-1)}, index=index)


def to_long(data):
    """One tidy table from a result dict: columns field, bee, epoch, dim0.., value.

    Entries that are not [bee, epoch, ...] arrays (a hive's parameters, say) are
    skipped; dims an array lacks are -1.
    """
    pd = _pandas()
    if not isinstance(data, Mapping):
        raise ValueError(f"`data` must be a dict of [bee, epoch, ...] arrays, got "
                         f"{type(data).__name__}")
    frames = [_frame(v, ["bee", "epoch"] + [f"dim{i}" for i in range(v.ndim - 2)], "value")
              .reset_index().assign(field=str(k))
              for k, v in data.items() if isinstance(v, np.ndarray) and v.ndim >= 2]
    if not frames:
        raise ValueError("`data` holds no [bee, epoch, ...] arrays to write")
    table = pd.concat(frames, ignore_index=True)
    dims = [c for c in table.columns if c.startswith("dim")]
    table[dims] = table[dims].fillna(-1).astype(np.int64)
    return table[["field", "bee", "epoch", *sorted(dims), "value"]]


def write_data(data, path, name="value"):
    """Write results to ``path``, atomically (a temporary name beside, then rename).

    ``data`` is a DataFrame (written as is), an array [bee, epoch, *dims] (its
    :func:`to_2d` table, column ``f"{name}_val"``) or a dict of such arrays
    (:func:`to_long`).
    The format follows the extension: ``.csv`` or ``.csv.gz``; ``.parquet``/``.pq``
    (needs pyarrow or fastparquet). Index levels become columns.

    The seed toolkit's form ``write_data(destdir, metadata, data_dict)`` (a folder
    first) writes ``metadata.json`` and one ``{field}.csv`` per array (its
    :func:`to_2d` table) into the existing folder ``destdir``.
    """
    if isinstance(data, (str, os.PathLike)) and isinstance(path, Mapping):
        return _write_folder(Path(data), path, name)
    pd = _pandas()
    path = Path(path)
    kind = next((k for end, k in FORMATS.items() if path.name.lower().endswith(end)), None)
    if kind is None:
        raise ValueError(f"`path` {str(path)!r} must end in {', '.join(FORMATS)}")
    if isinstance(data, pd.DataFrame):
        table = data
    elif isinstance(data, Mapping):
        table = to_long(data)
    else:
        table = to_2d(data, name)
    if not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index()
    with atomic_path(path) as tmp:
        if kind.startswith("csv"):
            table.to_csv(tmp, index=False, compression="gzip" if kind == "csv.gz" else None)
        else:
            table.to_parquet(tmp, index=False)
    return path


def _write_folder(destdir: Path, metadata: Mapping, data_dict) -> Path:
    """The seed toolkit's layout: ``metadata.json``, ``{field}.csv`` per [bee, epoch, ...] array."""
    if not isinstance(data_dict, Mapping):
        raise ValueError(f"`data_dict` must be a dict of [bee, epoch, ...] arrays, got "
                         f"{type(data_dict).__name__}")
    if not destdir.is_dir():
        raise ValueError(f"`destdir` {str(destdir)!r} is not an existing folder")
    tables = {str(k): to_2d(v, str(k)) for k, v in data_dict.items()}  # all checked first
    with atomic_path(destdir / "metadata.json") as tmp:
        tmp.write_text(json.dumps(dict(metadata), default=str))
    for field, table in tables.items():
        with atomic_path(destdir / f"{field}.csv") as tmp:
            table.to_csv(tmp)
    return destdir


def write_data_rel_here(name: str, data_dict, metadata=None) -> Path:
    """:func:`write_data` into ``data_out/{name}`` beside the running script (created)."""
    import __main__

    base = Path(getattr(__main__, "__file__", None) or ".").resolve()
    destdir = (base.parent if base.is_file() else base) / "data_out" / name
    destdir.mkdir(parents=True, exist_ok=True)
    return _write_folder(destdir, metadata or {}, data_dict)
