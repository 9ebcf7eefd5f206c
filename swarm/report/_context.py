"""The words and numbers of a report, as plain rows of text, from a Recording.

Both templates (HTML and Markdown) and the notebook summary read these rows,
so a run is described the same way everywhere.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from swarm._files import human_bytes
from swarm.metrics._common import check_recording
from swarm.recording import Recording

__all__ = ["check_recording", "title", "subtitle", "spec_rows", "dataset_rows", "headline_rows", "versions",
           "wall_time", "fmt", "page", "drawn_figures"]

_SHOWN = ("target", "domain", "points", "bees", "width", "depth", "activation", "model", "init",
          "optimizer", "lr", "momentum", "nesterov", "loss", "l1", "l2", "epochs",
          "record_every", "batch_size", "seed", "device", "progress")


def fmt(value) -> str:
    """A number or small structure as short text: 4 significant digits, pairs as ``a → b``."""
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return str(v)
        if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
            return f"{v:.3g}"
        return f"{v:.4g}"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(v is None or isinstance(v, (int, float, np.number))
                                   for v in value):
            return f"{fmt(value[0])} → {fmt(value[1])}"
        if len(value) > 6 and all(isinstance(v, (int, float, np.number)) for v in value):
            return f"{fmt(min(value))} … {fmt(max(value))} (per bee)"
        return ", ".join(fmt(v) for v in value)
    return str(value)


_NAMES = {"accuracy": "train accuracy", "accuracy_gap": "train − test accuracy",
          "samples": "training samples"}  # keys whose bare names leave the split unsaid


def _label(key: str) -> str:
    return str(key).replace("_", " ")


def _flatten(d: Mapping, prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in d.items():
        name = f"{prefix}{_label(key)}"
        if isinstance(value, Mapping):
            rows += _flatten(value, f"{name} · ")
        else:
            rows.append((name, fmt(value)))
    return rows


def _spec(rec: Recording) -> dict:
    return dict(rec.meta.get("spec") or {})


def _architecture(rec: Recording, spec: dict) -> str | None:
    """``1 → 20 → 1, relu`` from the recorded layer shapes, else from the spec."""
    if spec.get("model"):
        return f"custom model {spec['model']}"
    if rec.num_layers:
        sizes = [rec.weights(rec.layer_indices[0]).shape[-1]]
        sizes += [rec.weights(k).shape[-2] for k in rec.layer_indices]
        arch = " → ".join(str(s) for s in sizes)
    elif "width" in spec:
        arch = " → ".join(["1"] + [str(spec["width"])] * int(spec.get("depth", 1)) + ["1"])
    else:
        return None
    return f"{arch}, {spec['activation']}" if spec.get("activation") else arch


def title(rec: Recording) -> str:
    target = _spec(rec).get("target")
    what = f" learning {target}" if target else ""
    return f"A swarm of {rec.num_bees:,} bees{what}"


def subtitle(rec: Recording) -> str:
    """One line: the run's description (:meth:`Recording.describe`, as in the video) and seed."""
    spec = _spec(rec)
    return rec.describe() + (f"  ·  seed {spec['seed']}" if "seed" in spec else "")


def _optimizer(spec: dict) -> str | None:
    if "optimizer" not in spec:
        return None
    extras = [f"lr {fmt(spec['lr'])}"] if "lr" in spec else []
    if spec.get("momentum") not in (None, 0, 0.0):
        extras.append(f"momentum {fmt(spec['momentum'])}")
    if spec.get("nesterov"):
        extras.append("nesterov")
    return f"{spec['optimizer']} ({', '.join(extras)})" if extras else str(spec["optimizer"])


def spec_rows(rec: Recording) -> list[tuple[str, str]]:
    """The run's spec as (name, text) rows, the main facts first, any other spec keys after."""
    spec = _spec(rec)
    rows = [("bees", fmt(rec.num_bees))]
    if spec.get("target"):
        where = f" on [{fmt(spec['domain'][0])}, {fmt(spec['domain'][1])}]" \
            if spec.get("domain") else ""
        rows.append(("target", f"{spec['target']}{where}, {rec.x.size} points"))
    data_rows = dataset_rows(rec)
    rows += data_rows
    arch = _architecture(rec, spec)
    if arch:
        rows.append(("network", arch + (f", init {spec['init']}" if spec.get("init") else "")))
    if _optimizer(spec):
        rows.append(("optimizer", _optimizer(spec)))
    if spec.get("loss"):
        reg = [f"{k} {fmt(spec[k])}" for k in ("l1", "l2") if spec.get(k)]
        rows.append(("loss", " + ".join([str(spec["loss"])] + reg)))
    if "epochs" in spec:
        every = spec.get("record_every") or 1
        kept = f", {rec.num_epochs:,} recorded" + (f" (every {every})" if every != 1 else "")
        batch = spec.get("batch_size")
        rows.append(("epochs", f"{fmt(spec['epochs'])}{kept}, "
                               f"{'full batch' if not batch else f'batches of {batch}'}"))
    for key in ("seed", "device"):
        if key in spec:
            rows.append((key, fmt(spec[key])))
    if rec.meta.get("engine"):
        rows.append(("engine", str(rec.meta["engine"])))
    for key, value in spec.items():
        if key == "memory" and isinstance(value, (int, float)):
            rows.append(("memory", f"budget {human_bytes(value, digits=1)}"))
        elif key not in _SHOWN and not (data_rows and key == "dataset"):  # said in full above
            rows.append((_label(_NAMES.get(key, key)), fmt(value)))
    return rows


def dataset_rows(rec: Recording) -> list[tuple[str, str]]:
    """A dataset run's data in full: its name and every knob it was built with, and both split
    sizes (``train 480, test 200``; a run with ``test=0`` says it shows the training split only)."""
    data = rec.meta.get("dataset") or {}
    if not data:
        return []
    knobs = ", ".join(f"{_label(k)} {fmt(v)}" for k, v in (data.get("knobs") or {}).items())
    train, test = data.get("train_samples", len(rec.x)), data.get("test_samples", 0)
    split = f"train {fmt(train)}, test {fmt(test)}" if rec.has_test else \
        f"train {fmt(train)}, no test split (test 0): this report shows the training split only"
    return [("dataset", f"{data.get('name')}: {knobs}" if knobs else str(data.get("name"))),
            ("split", split)]


def versions(rec: Recording) -> str:
    v = rec.meta.get("versions") or {}
    return " · ".join(f"{name} {ver}" for name, ver in v.items())


def wall_time(rec: Recording) -> str:
    """``train 1.2 s · render 3.4 s · total 4.6 s`` from meta["wall_time"] (stage -> seconds)."""
    stages = {k: float(v) for k, v in (rec.meta.get("wall_time") or {}).items()}
    parts = [f"{k} {v:.2f} s" for k, v in stages.items()]
    if len(stages) > 1:
        parts.append(f"total {sum(stages.values()):.2f} s")
    return " · ".join(parts)


def headline_rows(rec: Recording) -> list[tuple[str, str]]:
    """The headline numbers of :func:`swarm.metrics.summary` as (name, text) rows.

    The known keys read as sentences (quantiles, alignment against chance,
    first → last); any other key is listed as it comes.
    """
    from swarm import metrics

    d = dict(metrics.summary(rec))
    for key in ("run", "bees", "epochs", "last_epoch"):  # the subtitle and spec table say these
        d.pop(key, None)
    rows = []
    units = d.pop("loss_units", None)
    if units:
        rows.append(("loss units", f"{units} targets" + (
            " (the training split's mean 0, std 1)" if units == "standardized" else "")))
    if "final_loss" in d:
        loss, name = d.pop("final_loss"), "final train loss" if "final_test_loss" in d \
            else "final loss"
        rows += [(f"{name}, median", fmt(loss["median"])),
                 (f"{name}, middle half", f"{fmt(loss['q25'])} – {fmt(loss['q75'])}"),
                 (f"{name}, range", f"{fmt(loss['min'])} – {fmt(loss['max'])}")] if loss \
            else [(name, "none: every bee diverged")]
    first = d.pop("first_divergence_epoch", None)
    if "diverged" in d:
        rows.append(("diverged bees", fmt(d.pop("diverged"))
                     + (f" (first at epoch {first})" if first is not None else "")))
    align = d.pop("breakpoint_alignment", None)
    if align and align.get("fraction") is not None:
        rows.append(("kinks near turning points",
                     f"{align['fraction']:.1%} of kinks within ±{fmt(align['tolerance'])} of the "
                     f"{align['turning_points']} turning points; {align['expected']:.1%} if "
                     f"spread uniformly (× {fmt(align['ratio'])})"))
    for layer, pair in (d.pop("effective_rank", None) or {}).items():
        rows.append((f"effective rank, {layer.replace('layer', 'layer ')}", fmt(pair)))
    if d.get("gzip_complexity") is not None:
        rows.append(("gzip complexity", fmt(d.pop("gzip_complexity"))))
    named = {_NAMES.get(k, k): v for k, v in d.items() if v is not None}
    return rows + _flatten(named)


def page(rec: Recording, title_text: str | None) -> dict:
    """What every page shows about a run: title, subtitle, numbers, spec, versions, times."""
    from datetime import datetime, timezone

    import swarm

    return {"title": title_text or title(rec), "subtitle": subtitle(rec),
            "numbers": headline_rows(rec), "spec": spec_rows(rec), "versions": versions(rec),
            "wall_time": wall_time(rec), "version": swarm.__version__,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def drawn_figures(rec: Recording) -> list[dict]:
    """The standard figures as PNG: dicts of name, caption, png (bytes), width, height (px)."""
    from swarm import figures

    out = []
    for spec, fig in figures.standard(rec):
        width, height = (fig.get_size_inches() * fig.dpi).round().astype(int)
        out.append({"name": spec.name, "caption": spec.caption_of(rec), "png": figures.to_png(fig),
                    "width": int(width), "height": int(height)})
    return out
