"""A user's own data as a Dataset: a CSV file with a header row (``from_csv``)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from swarm.datasets._arrays import build
from swarm.datasets._dataset import Dataset
from swarm.datasets._knobs import KNOBS_DOC

__all__ = ["from_csv"]


def _read(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the data rows (blank lines skipped, every row as wide as the header) and
    each row's line number in the file."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        lines = [(n, row) for n, row in enumerate(csv.reader(handle), start=1) if row]
    if not lines:
        raise ValueError(f"`path` {str(path)!r} is empty; a CSV needs a header row and data")
    header = [name.strip() for name in lines[0][1]]
    for n, row in lines[1:]:
        if len(row) != len(header):
            raise ValueError(f"{path}: line {n} has {len(row)} fields but the header has "
                             f"{len(header)}")
    return header, [row for _, row in lines[1:]], [n for n, _ in lines[1:]]


def _numbers(path: Path, column: str, cells: list[str], lines: list[int]) -> np.ndarray:
    """One column as finite float64, or a ``ValueError`` naming the first bad cell."""
    values = np.empty(len(cells))
    for row, cell in enumerate(cells):
        try:
            values[row] = float(cell)
        except ValueError:
            raise ValueError(f"{path}: column {column!r} is not numeric (line {lines[row]} "
                             f"holds {cell!r}); choose numeric columns with `features`") from None
        if not math.isfinite(values[row]):
            raise ValueError(f"{path}: column {column!r} holds {cell.strip()!r} at line "
                             f"{lines[row]}; NaN and infinite values are not allowed")
    return values


def _labels(path: Path, column: str, cells: list[str], lines: list[int],
            task: str | None) -> np.ndarray:
    """The label column: ints (or floats) when every cell is one, else the strings."""
    cells = [c.strip() for c in cells]
    if "" in cells:
        raise ValueError(f"{path}: label column {column!r} is empty at line "
                         f"{lines[cells.index('')]}")
    if task == "classification" or not all(_parses(float, c) for c in cells):
        if task == "regression":
            _numbers(path, column, cells, lines)  # raises, naming the first non-number
        return np.array(cells)
    if task is None and all(_parses(int, c) for c in cells):
        return np.array([int(c) for c in cells], dtype=np.int64)
    return _numbers(path, column, cells, lines)


def _parses(kind, cell: str) -> bool:
    """Whether ``kind(cell)`` (``int`` or ``float``) accepts the cell."""
    try:
        kind(cell)
    except ValueError:
        return False
    return True


def from_csv(path, *, label: str, features=None, name: str | None = None,
             task: str | None = None, seed: int = 0, **knobs) -> Dataset:
    """A Dataset from a CSV file with a header row; ``label`` names the label column.

    The other columns (or the ``features`` named) must be numbers, finite, in every
    row. String or integer labels mean classification, the distinct labels sorted as
    ``classes``; other numbers mean regression (force either with ``task``). The name
    defaults to the file's stem. A missing file is a ``FileNotFoundError``; a missing
    label column, non-numeric features, NaN or infinite values, one class only or fewer
    samples than classes are each a one-line ``ValueError``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file")
    if not isinstance(label, str):
        raise ValueError(f"`label` must be a column name, got {label!r}")
    header, rows, lines = _read(path)
    if label not in header:
        raise ValueError(f"`label` {label!r} is not a column of {path}; columns: "
                         f"{', '.join(header)}")
    names = [h for h in header if h != label] if features is None else [str(f) for f in features]
    missing = [f for f in names if f not in header or f == label]
    if missing or not names:
        raise ValueError(f"`features` {missing or names} are not feature columns of {path}; "
                         f"columns: {', '.join(header)}")
    if not rows:
        raise ValueError(f"`path` {str(path)!r} has a header but no data rows")
    columns = {h: [row[i] for row in rows] for i, h in enumerate(header)}
    x = np.stack([_numbers(path, f, columns[f], lines) for f in names], axis=1)
    y = _labels(path, label, columns[label], lines, task)
    return build(x, y, name=path.stem if name is None else name, features=names, task=task,
                 seed=seed, knobs=knobs, owner="from_csv",
                 recorded={"path": str(path), "label": label})


from_csv.__doc__ = from_csv.__doc__.rstrip() + "\n" + KNOBS_DOC
