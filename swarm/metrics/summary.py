"""The headline numbers of a recording, as a JSON-able dict and as text.

The CLI and reports print these: how well the swarm fit, how many bees
diverged, whether the kinks found the turning points, and how rank and gzip
complexity moved from the first recorded epoch to the last.
"""
from __future__ import annotations

import logging
import math

import numpy as np

from swarm.metrics import _common
from swarm.metrics.alignment import breakpoint_alignment
from swarm.metrics.complexity import weight_complexity
from swarm.metrics.spectrum import effective_rank

__all__ = ["summary", "format_summary"]

log = logging.getLogger("swarm")
_QUANTILES = {"min": 0.0, "q25": 0.25, "median": 0.5, "q75": 0.75, "max": 1.0}


def summary(rec, keys=None) -> dict:
    """Headline numbers of ``rec``; every number a plain int/float, None when undefined.

    Keys: ``run`` (:meth:`Recording.describe`), ``bees``, ``epochs`` (recorded),
    ``last_epoch``, ``final_loss`` (quantiles over non-diverged bees), ``diverged`` (count),
    ``first_divergence_epoch``, ``breakpoint_alignment`` (None unless the
    activation is piecewise linear and the target known), ``effective_rank``
    ({"layer{k}": [first, last]}, means over non-diverged bees) and
    ``gzip_complexity`` ([first, last], the same mean). A dataset's recording
    adds ``final_test_loss``, and for classification ``accuracy`` and
    ``test_accuracy`` (quantiles at the last recorded epoch) and ``accuracy_gap``
    (quantiles of each bee's train minus test accuracy); the test ones only when it has
    a test split; for regression ``loss_units``
    ("standardized" or "original": the targets' units the losses are in).
    ``keys``: compute only these (of those above; one that does not apply to
    ``rec`` is left out), e.g. the command line prints only the alignment.
    """
    rec = _common.check_recording(rec)
    kept = _common.kept_bees(rec)
    ends = [0, rec.num_epochs - 1]

    def first_divergence():
        diverged_at = np.asarray(rec["diverged_at"])[~kept]
        return int(diverged_at.min()) if diverged_at.size else None

    def gzip():  # two epochs: gzip's exact values are cheap
        if not (kept.any() and rec.num_layers):
            return [None, None]
        sizes = weight_complexity(rec, ends, compressor="gzip")[kept]  # no copy of the recording
        return [_mean(c) for c in sizes.T]

    def accuracy_gap():
        return _quantiles(rec["accuracy"][kept, -1] - rec["test_accuracy"][kept, -1])

    parts = {  # each key's computation, run only when asked for
        "run": rec.describe,
        "bees": lambda: rec.num_bees,
        "epochs": lambda: rec.num_epochs,
        "last_epoch": lambda: int(rec.epoch[-1]) if rec.num_epochs else None,
        "final_loss": lambda: _quantiles(rec["loss"][kept, -1]),
        "diverged": lambda: int((~kept).sum()),
        "first_divergence_epoch": first_divergence,
        "breakpoint_alignment": lambda: _alignment(rec),
        "effective_rank": lambda: {f"layer{k}": [_mean(effective_rank(rec.weights(k)[:, e][kept]))
                                                 for e in ends] for k in rec.layer_indices},
        "gzip_complexity": gzip,
        "loss_units": lambda: rec.loss_units,
        "final_test_loss": lambda: _quantiles(rec["test_loss"][kept, -1]),
        "accuracy": lambda: _quantiles(rec["accuracy"][kept, -1]),
        "test_accuracy": lambda: _quantiles(rec["test_accuracy"][kept, -1]),
        "accuracy_gap": accuracy_gap,
    }
    applies = {"loss_units": bool(rec.loss_units), "final_test_loss": "test_loss" in rec,
               "accuracy": "accuracy" in rec,  # the test ones not with test=0: no test split
               "test_accuracy": "test_accuracy" in rec, "accuracy_gap": "test_accuracy" in rec}
    if keys is None:
        keys = parts
    else:
        keys = [keys] if isinstance(keys, str) else list(keys)
        unknown = [k for k in keys if k not in parts]
        if unknown:
            raise ValueError(f"`keys`: unknown {', '.join(map(repr, unknown))}; choose from "
                             f"{', '.join(parts)}")
    return {k: parts[k]() for k in parts if k in keys and applies.get(k, True)}


def format_summary(d: dict) -> str:
    """One line per item of a :func:`summary` dict, aligned, for terminals and logs."""
    lines = [("bees", f"{d.get('run') or d['bees']} ({d['epochs']} epochs recorded, "
                      f"last {d['last_epoch']})")]
    loss = d.get("final_loss")
    if d.get("loss_units"):
        lines.append(("loss units", f"{d['loss_units']} targets"))
    if loss:
        lines.append(("final loss", f"median {_num(loss['median'])} (q25 {_num(loss['q25'])}, "
                                    f"q75 {_num(loss['q75'])}, min {_num(loss['min'])}, "
                                    f"max {_num(loss['max'])})"))
    else:
        lines.append(("final loss", "none (every bee diverged)"))
    for key, name in (("final_test_loss", "final test loss"), ("accuracy", "train accuracy"),
                      ("test_accuracy", "test accuracy"), ("accuracy_gap", "train - test")):
        if d.get(key):
            q = d[key]
            lines.append((name, f"median {_num(q['median'])} (q25 {_num(q['q25'])}, "
                                f"q75 {_num(q['q75'])})"))
    diverged = f"{d['diverged']}"
    if d.get("first_divergence_epoch") is not None:
        diverged += f" (first at epoch {d['first_divergence_epoch']})"
    lines.append(("diverged", diverged))
    align = d.get("breakpoint_alignment")
    if align and align.get("fraction") is not None:
        lines.append(("kinks at turning points",
                      f"{_num(align['fraction'])} within {_num(align['tolerance'])} vs "
                      f"{_num(align['expected'])} if uniform (x{_num(align['ratio'])}; "
                      f"{align['kinks']} kinks, {align['turning_points']} turning points)"))
    ranks = d.get("effective_rank") or {}
    if ranks:
        lines.append(("effective rank", ", ".join(f"{k} {_num(a)} -> {_num(b)}"
                                                  for k, (a, b) in ranks.items())))
    if any(v is not None for v in d.get("gzip_complexity") or ()):
        first, last = d["gzip_complexity"]
        lines.append(("gzip complexity", f"{_num(first)} -> {_num(last)}"))
    width = max(len(name) for name, _ in lines)
    return "\n".join(f"{name:<{width}}  {text}" for name, text in lines)


def _alignment(rec):
    try:
        return breakpoint_alignment(rec)
    except ValueError as err:  # not piecewise linear, custom model, or no target
        log.debug("summary: no breakpoint alignment (%s)", err)
        return None


def _quantiles(values: np.ndarray):
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    q = np.quantile(values.astype(np.float64), list(_QUANTILES.values()))
    return {name: float(v) for name, v in zip(_QUANTILES, q)}


def _mean(values) -> float | None:
    value = float(_common.masked_mean(np.ravel(values)))
    return value if math.isfinite(value) else None


def _num(value) -> str:
    return "n/a" if value is None else f"{value:.4g}"
