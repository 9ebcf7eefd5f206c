"""What the page shows, from a Recording: plain JSON-able dicts of packed arrays (``_pack``).

One function per view family; :func:`page_data` picks the ones the recording allows,
as the video's default panels do. Precision kept (``_pack`` codes):

- loss: log10, 16 bits over the run's range, every bee, every recorded epoch;
- accuracy (train, test): 16 bits over [0, 1], every bee and epoch;
- fits (1-D): each bee's prediction at every grid point and epoch, 8 bits over the
  view's y range (values beyond it sit on its edge; 1/254 of the range);
- band and median curves, histograms, vote maps: computed here from the full-precision
  recording, per epoch (vote maps at up to ``VOTE_KEYS`` key epochs, blended between);
- weights and biases: ``WEIGHT_LEVELS`` levels per layer over its range (10 bits), at every
  recorded epoch while bees x epochs x parameters stays within ``WEIGHT_VALUES``, else
  at evenly spread key epochs (the page shows the last one at or before the epoch); the
  page computes a bee's kinks, decision boundary and filters from them.
"""
from __future__ import annotations

import numpy as np

from swarm.explorer._pack import pack
from swarm.recording import Recording

__all__ = ["page_data", "WEIGHT_VALUES", "VOTE_KEYS", "key_positions"]

WEIGHT_VALUES = 36_000_000  # bees x kept epochs x parameters at most (~8 MB in the page)
WEIGHT_LEVELS = 1024
VOTE_KEYS = 40  # vote maps computed (as the video's boundary panel)
VOTE_SIZE = 64  # vote map pixels per axis
HIST_BINS = 60
BAND = (10, 50, 90)


def key_positions(num_epochs: int, keys: int) -> np.ndarray:
    """At most ``keys`` evenly spread epoch positions, first and last included: int64 [key]."""
    return np.unique(np.rint(np.linspace(0, num_epochs - 1, max(2, min(num_epochs, keys))))
                     ).astype(np.int64)


def _rounded(a, digits: int = 5) -> list:
    """A float array as a nested list with NaN as None (JSON has no NaN)."""
    a = np.round(np.asarray(a, np.float64), digits)
    return np.where(np.isfinite(a), a, None).tolist()


def _band(values: np.ndarray, live: np.ndarray) -> list:
    """The 10/50/90% quantiles [3, epoch] of ``values`` [bee, epoch] over the live bees."""
    v = np.where(live & np.isfinite(values), values, np.nan)
    out = np.full((len(BAND), v.shape[1]), np.nan)
    ok = np.isfinite(v).any(0)
    if ok.any():
        out[:, ok] = np.nanpercentile(v[:, ok], BAND, axis=0)
    return _rounded(out)


def _log_loss(rec: Recording, key: str = "loss") -> np.ndarray:
    loss = np.asarray(rec[key], np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.where(np.isfinite(loss) & (loss > 0), loss, np.nan))


def common(rec: Recording) -> dict:
    """Loss curves (log10), their band, each bee's final loss and diverged epoch; the order
    of bees by final loss (best first; diverged bees last)."""
    live = rec.live_by_epoch
    log = _log_loss(rec)
    final = np.asarray(rec["loss"], np.float64)[:, -1]
    rank = np.where(rec.live & np.isfinite(final), final, np.inf)
    order = np.argsort(rank, kind="stable")
    good = int(np.isfinite(rank).sum())
    at = np.asarray(rec["diverged_at"], np.int64)
    out = {"bees": rec.num_bees, "epochs": np.asarray(rec.epoch).astype(int).tolist(),
           "loss": pack(log, 16, delta=True), "loss_band": _band(log, live),
           "final_loss": _rounded(final, 7), "diverged_at": at.tolist(),
           "order": order[:good].astype(int).tolist()}
    for key in ("accuracy", "test_accuracy"):
        if key in rec:
            acc = np.asarray(rec[key], np.float64)
            out[key] = pack(acc, 16, lo=0.0, hi=1.0, delta=True)
            out[key + "_band"] = _band(acc, live)
            out["final_" + key] = _rounded(acc[:, -1], 4)
    return out


def weights(rec: Recording) -> dict | None:
    """Every layer's weights and biases at the kept epochs, and each layer's histogram at
    every epoch (over the live bees, edges shared by all epochs). None without layers."""
    from swarm.metrics import weight_density

    layers = rec.layer_indices
    spec = rec.meta.get("spec") or {}
    if not layers or spec.get("model"):
        return None
    params = sum(int(np.prod(rec.weights(k).shape[2:])) + int(np.prod(rec.biases(k).shape[2:]))
                 for k in layers)
    keys = key_positions(rec.num_epochs, WEIGHT_VALUES // max(1, rec.num_bees * params))
    out = {"keys": keys.tolist(), "activation": rec.activation or "relu", "layers": []}
    for k in layers:
        w, b = np.asarray(rec.weights(k))[:, keys], np.asarray(rec.biases(k))[:, keys]
        counts, edges = weight_density(rec, k, HIST_BINS)
        top = max(1, int(counts.max()))
        out["layers"].append({"name": f"layer {k}", "out": int(w.shape[2]), "in": int(w.shape[3]),
                              "w": pack(w, 16, delta=True, levels=WEIGHT_LEVELS),
                              "b": pack(b, 16, delta=True, levels=WEIGHT_LEVELS),
                              "hist": pack(counts / top, 8, lo=0.0, hi=1.0, delta=True),
                              "edges": [float(edges[0]), float(edges[-1])]})
    return out


def fits(rec: Recording) -> dict:
    """1-D target: the grid, the target, every bee's prediction (8 bits over the view), the
    median prediction of the live bees per epoch, and the breakpoint histogram."""
    x, y = np.asarray(rec.x, np.float64).ravel(), np.asarray(rec.y, np.float64).ravel()
    span = float(y.max() - y.min()) or 1.0
    lo, hi = float(y.min()) - 0.35 * span, float(y.max()) + 0.35 * span
    pred = np.asarray(rec["ypred"], np.float64)
    pred = pred.reshape(pred.shape[:2] + (-1,))  # [bee, epoch, point]
    live = rec.live_by_epoch
    med = np.full(pred.shape[1:], np.nan)
    for e in range(pred.shape[1]):
        if live[:, e].any():
            med[e] = np.median(pred[live[:, e], e], axis=0)
    out = {"x": _rounded(x), "y": _rounded(y), "view": [lo, hi],
           "pred": pack(np.clip(pred, lo, hi), 8, lo=lo, hi=hi, delta=True),
           "median": pack(med, 16, lo=lo, hi=hi)}
    if rec.piecewise_linear and rec.layer_indices:
        from swarm.metrics import breakpoint_histogram

        counts, edges = breakpoint_histogram(rec, HIST_BINS)
        top = max(1, int(counts.max()))
        out["breakpoints"] = {"hist": pack(counts / top, 8, lo=0.0, hi=1.0, delta=True),
                              "edges": [float(edges[0]), float(edges[-1])]}
    return out


def plane(rec: Recording) -> dict:
    """2-D classification: vote shares at key epochs (8 bits of each class's share), the
    training and test points, the class colours."""
    from swarm.metrics.decision import decision_maps
    from swarm.panels._plane import class_colors

    keys = key_positions(rec.num_epochs, VOTE_KEYS)
    maps = decision_maps(rec, keys, size=VOTE_SIZE)
    share = maps["votes"] / np.maximum(maps["bees"], 1)[:, None, None, None]
    classes = rec.classes or tuple(str(c) for c in range(maps["votes"].shape[1]))
    pts = {}
    for name, xs, ys in (("train", rec.x, rec.y), ("test", rec.get("x_test"), rec.get("y_test"))):
        if xs is not None and len(xs):
            pts[name] = {"x": _rounded(np.asarray(xs)[:, :2], 4),
                         "label": np.asarray(ys).astype(int).tolist()}
    xs, ys = maps["xs"], maps["ys"]
    return {"keys": keys.tolist(), "votes": pack(share, 8, lo=0.0, hi=1.0),
            "extent": [float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])],
            "size": [len(xs), len(ys)], "classes": list(classes),
            "colors": class_colors(len(classes)), "points": pts}


def page_data(rec: Recording) -> dict:
    """Everything the page needs: ``kind`` ("target", "classification", "regression"),
    the common arrays, and the views the recording allows."""
    from swarm.panels._plane import two_inputs

    data = {"kind": rec.task, **common(rec)}
    data["weights"] = weights(rec)
    if rec.task == "target" and "ypred" in rec:
        data["fits"] = fits(rec)
    if rec.task == "classification" and data["weights"] and two_inputs(rec) is None:
        data["plane"] = plane(rec)
    shape = (rec.meta.get("dataset") or {}).get("image_shape")
    if shape is not None and data["weights"] and \
            data["weights"]["layers"][0]["in"] == int(np.prod(shape)):
        data["image_shape"] = [int(n) for n in shape]
    return data
