"""Swarm results as tables: long pandas frames, written as CSV or Parquet.

A result array is [bee, epoch, *dims]; its long form has one row per element,
indexed by ``bee``, ``epoch`` and ``dim0``, ``dim1``, ... for the extra axes.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from swarm._files import atomic_path

__all__ = ["to_2d", "to_long", "write_data", "FORMATS"]

FORMATS = {".csv": "csv", ".csv.gz": "csv.gz", ".parquet": "parquet", ".pq": "parquet"}


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("swarm.io needs pandas: pip install pandas") from None
    return pd


def to_2d(arr, name: str):
    """A long DataFrame of ``arr`` [bee, epoch, *dims]: one column ``name``, indexed
    by (bee, epoch, dim0, dim1, ...), the bee and epoch axes varying slowest."""
    pd = _pandas()
    arr = np.asarray(arr)
    if arr.ndim < 2:
        raise ValueError(f"`arr` must be shaped [bee, epoch, ...], got shape {arr.shape}")
    levels = ["bee", "epoch"] + [f"dim{i}" for i in range(arr.ndim - 2)]
    index = pd.MultiIndex.from_product([range(n) for n in arr.shape], names=levels)
    return pd.DataFrame({str(name): arr.reshape(-1)}, index=index)


def to_long(data):
    """One tidy table from a result dict: columns field, bee, epoch, dim0.., value.

    Entries that are not [bee, epoch, ...] arrays (a hive's parameters, say) are
    skipped; dims an array lacks are -1.
    """
    pd = _pandas()
    if not isinstance(data, Mapping):
        raise ValueError(f"`data` must be a dict of [bee, epoch, ...] arrays, got "
                         f"{type(data).__name__}")
    frames = [to_2d(v, "value").reset_index().assign(field=str(k))
              for k, v in data.items() if isinstance(v, np.ndarray) and v.ndim >= 2]
    if not frames:
        raise ValueError("`data` holds no [bee, epoch, ...] arrays to write")
    table = pd.concat(frames, ignore_index=True)
    dims = [c for c in table.columns if c.startswith("dim")]
    table[dims] = table[dims].fillna(-1).astype(np.int64)
    return table[["field", "bee", "epoch", *sorted(dims), "value"]]


def write_data(data, path, name: str = "value") -> Path:
    """Write results to ``path``, atomically (a temporary name beside, then rename).

    ``data`` is a DataFrame (written as is), an array [bee, epoch, *dims] (its
    :func:`to_2d` table, column ``name``) or a dict of such arrays (:func:`to_long`).
    The format follows the extension: ``.csv`` or ``.csv.gz``; ``.parquet``/``.pq``
    (needs pyarrow or fastparquet). Index levels become columns.
    """
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
