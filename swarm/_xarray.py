"""A Recording as an ``xarray.Dataset``: every array with named dimensions, ``meta`` as attributes.

Dimensions: ``bee``, ``epoch`` (coordinate: the epochs kept), ``point`` for a
1-D target's grid or ``sample``/``feature`` (and ``test_sample``) for a
dataset's, ``out`` for a prediction's outputs (``class`` for a classification's,
with the class names as coordinate), and ``layer{k}.out``,
``layer{k}.in`` for layer k's weights and biases (one name per layer: xarray
gives a dimension one length, and the layers' widths differ).
"""
from __future__ import annotations

import json
import re

import numpy as np

__all__ = ["to_xarray", "dims_of"]

_LAYER = re.compile(r"^layer(\d+)\.(weight|bias)$")


def _xarray():
    try:
        import xarray
    except ImportError:
        raise ImportError("Recording.to_xarray needs xarray: pip install 'swarm[xarray]' "
                          "(or pip install xarray)") from None
    return xarray


def dims_of(name: str, value: np.ndarray, num_epochs: int, grid: str,
            classes: int | None = None) -> tuple[str, ...]:
    """The dimension names of array ``name`` of a recording whose inputs are ``grid``
    (``"point"`` or ``"sample"``); a classification's predictions have one output per
    class (``classes`` of them: the ``class`` dimension); axes nothing names become
    ``{name}_dim{i}``."""
    if name == "epoch":
        head = ("epoch",)
    elif name in ("x", "x_test", "y", "y_test"):
        rows = "test_sample" if name.endswith("_test") else grid
        head = (rows, "feature") if name.startswith("x") and grid == "sample" else (rows,)
    elif m := _LAYER.match(name):
        k = m.group(1)
        head = ("bee", "epoch", f"layer{k}.out", f"layer{k}.in")
        head = head if m.group(2) == "weight" else head[:3]
    elif name == "ypred":
        out = "class" if classes and value.shape[-1] == classes else "out"
        head = ("bee", "epoch", grid, out)
    elif value.ndim >= 2 and value.shape[1] == num_epochs:
        head = ("bee", "epoch")
    else:
        head = ("bee",)
    head = head[:value.ndim]
    return head + tuple(f"{name}_dim{i}" for i in range(len(head), value.ndim))


def _attr(value):
    """An attribute value netCDF can hold: numbers and text as they are, the rest as JSON."""
    if isinstance(value, (str, int, float, np.number)) and not isinstance(value, bool):
        return value
    return json.dumps(value, default=str)


def to_xarray(rec):
    """``rec`` as an ``xarray.Dataset`` (see the module docstring for the dimensions)."""
    xr = _xarray()
    grid = "sample" if rec["x"].ndim == 2 else "point"
    classes = rec.classes
    data_vars = {}
    for name, value in rec.items():
        if name == "epoch":
            continue
        data_vars[name] = (dims_of(name, value, rec["epoch"].size, grid,
                                   len(classes) if classes else None), value)
    coords = {"bee": np.arange(rec["loss"].shape[0]), "epoch": rec["epoch"]}
    if classes:  # the class names; y and y_test hold indices along it
        coords["class"] = list(classes)
    features = (rec.meta.get("dataset") or {}).get("features")
    if grid == "sample" and features and len(features) == rec["x"].shape[1]:
        coords["feature"] = list(features)
    attrs = {str(k): _attr(v) for k, v in rec.meta.items()}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
