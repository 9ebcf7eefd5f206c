"""Parameter sweeps: lists of keyword-argument dicts built from lists of values.

Neutral ground: the engine's ``hive`` and the seed toolkit's ``core`` both build
their sweeps here (the toolkit is a leaf nothing else imports).
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping

__all__ = ["make_sweep_paramsets", "make_combo_paramsets", "merge_dicts", "check_params"]


def merge_dicts(*dicts: Mapping) -> dict:
    """One dict from several; a key found in more than one is a ``ValueError``."""
    merged: dict = {}
    for i, d in enumerate(dicts):
        if not isinstance(d, Mapping):
            raise ValueError(f"`dicts[{i}]` must be a mapping, got {type(d).__name__}")
        overlap = merged.keys() & d.keys()
        if overlap:
            raise ValueError(f"merge_dicts: the key(s) {sorted(map(str, overlap))} appear in "
                             "more than one dict; rename one of them")
        merged.update(d)
    return merged


def check_params(params, name: str) -> dict:
    """``params`` (None or a mapping) as a new dict; anything else is a ``ValueError`` naming ``name``."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise ValueError(f"`{name}` must be a dict of keyword arguments, got {params!r}")
    return dict(params)


def _values(name: str, values) -> list:
    if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise ValueError(f"`{name}` must be a list of values to sweep, got {values!r}")
    return list(values)


def make_sweep_paramsets(static=None, **kwargs) -> list[dict]:
    """Every combination of the ``kwargs`` lists, each merged with ``static``.

    The first keyword varies slowest: ``make_sweep_paramsets({}, a=[1, 2], b=[3, 4])``
    is a1b3, a1b4, a2b3, a2b4.
    """
    static = check_params(static, "static")
    groups = [[{key: v} for v in _values(key, values)] for key, values in kwargs.items()]
    return _product(static, groups)


def make_combo_paramsets(static=None, *combos, **kwargs) -> list[dict]:
    """Like :func:`make_sweep_paramsets`, with ``combos`` of values that move together.

    Each combo dict's lists are zipped (``{"width": [2, 4], "lr": [.1, .01]}`` is
    width 2 with lr .1, then width 4 with lr .01); empty combos are ignored. The
    combos, in order, then the ``kwargs`` sweep form the product, first slowest.
    """
    static = check_params(static, "static")
    groups = []
    for i, combo in enumerate(combos):
        combo = check_params(combo, f"combos[{i}]")
        if not combo:
            continue
        columns = {key: _values(key, values) for key, values in combo.items()}
        if len({len(v) for v in columns.values()}) != 1:
            lengths = {key: len(v) for key, v in columns.items()}
            raise ValueError(f"`combos[{i}]` lists must have equal lengths, got {lengths}")
        groups.append([dict(zip(columns, row)) for row in zip(*columns.values())])
    groups += [[{key: v} for v in _values(key, values)] for key, values in kwargs.items()]
    return _product(static, groups)


def _product(static: dict, groups: list) -> list[dict]:
    return [merge_dicts(static, *choice) for choice in itertools.product(*groups)]
