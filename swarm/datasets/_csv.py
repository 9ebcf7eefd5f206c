"""A user's own data as a Dataset: a delimited text file with a header row (``from_csv``).

Commas, tabs, semicolons or bars: ``sep`` names the delimiter, else a ``.tsv`` file is
tab-separated and any other is detected from its first lines. Missing cells ("", "NA",
"NaN", ...) are refused by line and column; a column with an empty header (the row
index ``df.to_csv(path)`` writes) is left out unless ``features`` names it.
"""
from __future__ import annotations

import csv
import logging
import math
from pathlib import Path

import numpy as np

from swarm.datasets._arrays import build
from swarm.datasets._dataset import Dataset
from swarm.datasets._knobs import KNOBS_DOC

__all__ = ["from_csv", "DATA_SUFFIXES", "unnamed"]

log = logging.getLogger("swarm")

DATA_SUFFIXES = (".csv", ".tsv", ".txt")  # a TARGET ending so is a file, never an expression
_DELIMITERS = (",", "\t", ";", "|")
_MISSING = {"", "na", "n/a", "nan", "null", "none"}  # compared lower-cased, stripped
_SNIFF_LINES = 20


def unnamed(position: int) -> str:
    """The name of a column with an empty header at 0-based ``position`` (pandas' own)."""
    return f"Unnamed: {position}"


def _delimiter(path: Path, lines: list[str], sep: str | None) -> str:
    """``sep`` checked, or tab for ``.tsv``, or the delimiter that splits the first lines
    into the most fields, the same number on every line (a comma when none does)."""
    if sep is not None:
        sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)
        if not isinstance(sep, str) or len(sep) != 1 or sep in "\"\r\n":
            raise ValueError(f"`sep` must be one character such as ',' or '\\t', got {sep!r}")
        return sep
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = [line for line in lines[:_SNIFF_LINES] if line.strip()]
    best, widest = ",", 1
    for candidate in _DELIMITERS:
        widths = {len(row) for row in csv.reader(sample, delimiter=candidate)}
        if len(widths) == 1 and (width := widths.pop()) > widest:
            best, widest = candidate, width
    return best


def _read(path: Path, sep: str | None):
    """The header, the data rows (blank lines skipped, every row as wide as the header),
    each row's line number in the file and the names given to empty headers."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        text = handle.read().splitlines()
    delimiter = _delimiter(path, text, sep)
    lines = [(n, row) for n, row in enumerate(csv.reader(text, delimiter=delimiter), start=1)
             if any(cell.strip() for cell in row)]
    if not lines:
        raise ValueError(f"`path` {str(path)!r} is empty; a CSV needs a header row and data")
    header = [name.strip() or unnamed(i) for i, name in enumerate(lines[0][1])]
    blank = {unnamed(i) for i, name in enumerate(lines[0][1]) if not name.strip()}
    for n, row in lines[1:]:
        if len(row) != len(header):
            raise ValueError(f"{path}: line {n} has {len(row)} fields but the header has "
                             f"{len(header)} (fields split at {delimiter!r}; `sep` picks "
                             "another delimiter)")
    return header, [row for _, row in lines[1:]], [n for n, _ in lines[1:]], blank


def _check_present(path: Path, column: str, cells: list[str], lines: list[int]) -> None:
    """A ``ValueError`` naming the first missing cell ("", "NA", "NaN", ...) of a column."""
    for row, cell in enumerate(cells):
        if cell.strip().lower() in _MISSING:
            raise ValueError(f"{path}: missing value at line {lines[row]}, column {column!r}; "
                             "fill or drop that row")


def _numbers(path: Path, column: str, cells: list[str], lines: list[int]) -> np.ndarray:
    """One column as finite float64, or a ``ValueError`` naming the first bad cell."""
    _check_present(path, column, cells, lines)
    values = np.empty(len(cells))
    for row, cell in enumerate(cells):
        try:
            values[row] = float(cell)
        except ValueError:
            raise ValueError(f"{path}: column {column!r} is not numeric (line {lines[row]} "
                             f"holds {cell!r}); choose numeric columns with `features`") from None
        if not math.isfinite(values[row]):
            raise ValueError(f"{path}: column {column!r} holds {cell.strip()!r} at line "
                             f"{lines[row]}; infinite values are not allowed")
    return values


def _labels(path: Path, column: str, cells: list[str], lines: list[int],
            task: str | None) -> np.ndarray:
    """The label column: ints (or floats) when every cell is one, else the strings."""
    _check_present(path, column, cells, lines)
    cells = [c.strip() for c in cells]
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


def _feature_names(path: Path, header: list[str], label: str, features, blank: set[str]):
    """The feature columns: ``features`` as given, or every column but the label and those
    with an empty header (each left out with a one-line note)."""
    if features is not None:
        names = [str(f) for f in features]
    else:
        names = [h for h in header if h != label and h not in blank]
        for name in (h for h in header if h in blank and h != label):
            log.warning("%s: column %d has no header (a row index?) and is left out; name it "
                        "in `features` (%r) to keep it", path, header.index(name) + 1, name)
    missing = [f for f in names if f not in header or f == label]
    if missing or not names:
        raise ValueError(f"`features` {missing or names} are not feature columns of {path}; "
                         f"columns: {', '.join(header)}")
    return names


def from_csv(path, *, label: str, features=None, name: str | None = None,
             task: str | None = None, sep: str | None = None, seed: int = 0,
             **knobs) -> Dataset:
    """A Dataset from a delimited text file with a header row; ``label`` names the label column.

    The delimiter is ``sep``, or a tab for ``.tsv``, or detected (comma, tab, semicolon,
    bar). The other columns (or the ``features`` named) must be numbers, present and
    finite in every row; a column with an empty header is named ``'Unnamed: 0'`` (its
    position) and left out unless ``features`` names it. String or integer labels mean
    classification, the distinct labels sorted as ``classes``; other numbers mean
    regression (force either with ``task``; a doubtful guess is logged in one line).
    The name defaults to the file's stem. A missing file is a ``FileNotFoundError``; a
    missing label column, non-numeric features, missing or infinite values, one class
    only or fewer samples than classes are each a one-line ``ValueError``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file")
    if not isinstance(label, str):
        raise ValueError(f"`label` must be a column name, got {label!r}")
    header, rows, lines, blank = _read(path, sep)
    if label not in header:
        hint = "; one column only: is `sep` another delimiter?" if len(header) == 1 else ""
        raise ValueError(f"`label` {label!r} is not a column of {path}; columns: "
                         f"{', '.join(header)}{hint}")
    names = _feature_names(path, header, label, features, blank)
    if not rows:
        raise ValueError(f"`path` {str(path)!r} has a header but no data rows")
    columns = {h: [row[i] for row in rows] for i, h in enumerate(header)}
    x = np.stack([_numbers(path, f, columns[f], lines) for f in names], axis=1)
    y = _labels(path, label, columns[label], lines, task)
    return build(x, y, name=path.stem if name is None else name, features=names, task=task,
                 seed=seed, knobs=knobs, owner=from_csv,
                 recorded={"path": str(path), "label": label})


from_csv.__doc__ = from_csv.__doc__.rstrip() + "\n" + KNOBS_DOC
