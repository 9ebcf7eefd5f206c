"""Weight trajectories across swarms and the way to a zero gradient (seed 004, HW1-2).

``shared_weight_pca``: one PCA basis fitted on the weights of several
recordings at once (the swarms of a hive), so their trajectories can be drawn
in one plane. ``zero_gradient``: every bee continues from one of its recorded
epochs, now minimising the squared norm of its loss gradient, and the points
reached come back as a one-epoch Recording that ``minimal_ratio`` reads.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from swarm._model import losses as _losses, mlp as _mlp
from swarm.metrics import _common
from swarm.metrics.landscape import _data
from swarm.metrics.weights import WeightPCA, weight_pca
from swarm.recording import Recording

__all__ = ["shared_weight_pca", "zero_gradient"]


def shared_weight_pca(recs, layer=None, components: int = 2, *,
                      biases: bool = False) -> list[WeightPCA]:
    """:func:`weight_pca` of several recordings in one basis fitted on all of them.

    ``recs``: Recordings with the same layer shapes and the same number of
    recorded epochs (the swarms of a hive). The basis is fitted on every
    recording's non-diverged bees' finite points. Returns one WeightPCA per
    recording, in order: its trajectories float64 [bee, epoch, component] and
    the shared ``explained``, ``components`` and ``mean``.
    """
    recs = list(recs) if isinstance(recs, (list, tuple)) else [recs]
    if not recs:
        raise ValueError("`recs` is empty; give at least one Recording")
    for i, rec in enumerate(recs):
        _common.check_recording(rec)
        if rec.num_epochs != recs[0].num_epochs:
            raise ValueError(f"`recs[{i}]` has {rec.num_epochs} recorded epochs, `recs[0]` "
                             f"{recs[0].num_epochs}; a shared PCA needs the same epochs")
    first = [a.shape[2:] for a in _common.layer_arrays(recs[0], layer, biases=biases)]
    for i, rec in enumerate(recs[1:], 1):
        shapes = [a.shape[2:] for a in _common.layer_arrays(rec, layer, biases=biases)]
        if shapes != first:
            raise ValueError(f"`recs[{i}]` has layers of sizes {shapes}, `recs[0]` {first}; "
                             "a shared PCA needs the same network")
    arrays = {"x": recs[0].x, "y": recs[0].y, "epoch": recs[0].epoch,
              "loss": np.concatenate([r["loss"] for r in recs]),
              "diverged": np.concatenate([r.diverged for r in recs])}
    for k in recs[0].layer_indices:
        for name in (f"layer{k}.weight", f"layer{k}.bias"):
            arrays[name] = np.concatenate([r[name] for r in recs])
    pca = weight_pca(Recording(arrays), layer, components, biases=biases)
    cuts = np.cumsum([r.num_bees for r in recs])[:-1]
    return [pca._replace(trajectories=t) for t in np.split(pca.trajectories, cuts)]


def zero_gradient(rec, start=-1, steps: int = 1000, *, lr: float = 1e-3) -> Recording:
    """Each bee continues from recorded epoch ``start`` minimising |d loss / d weights|^2.

    ``start``: one position in the recorded epochs for all bees, or one per bee
    (int [bee]). The data loss (no l1/l2 penalty) on the recording's training
    data, in float64, with Adam at ``lr`` for ``steps`` full-batch steps; each
    bee's loss depends on its own weights only, so one summed objective gives
    every bee its own gradient. Returns a Recording of one epoch (the start
    epoch's number is in ``meta["zero_gradient"]``): the weights reached,
    ``loss`` and ``grad_norm`` [bee, 1] there, and the recording's data and meta.
    Needs the built-in MLP.
    """
    rec = _common.check_recording(rec)
    act = _common.activation(rec)
    where = np.atleast_1d(np.asarray(start))
    if where.dtype.kind not in "iu" or where.ndim != 1 or where.size not in (1, rec.num_bees) \
            or not ((-rec.num_epochs <= where) & (where < rec.num_epochs)).all():
        raise ValueError(f"`start` must be one position in the {rec.num_epochs} recorded epochs "
                         f"or one per bee ({rec.num_bees}), got {start!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"`steps` must be a non-negative integer, got {steps!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < math.inf:
        raise ValueError(f"`lr` must be a positive number, got {lr!r}")
    where = np.broadcast_to(where % rec.num_epochs, (rec.num_bees,))
    bees = np.arange(rec.num_bees)
    params = [torch.tensor(a[bees, where], dtype=torch.float64, requires_grad=True)
              for k in rec.layer_indices for a in (rec.weights(k), rec.biases(k))]
    x, y, loss_name = _data(rec)
    loss_fn = _losses.get(loss_name).value
    opt = torch.optim.Adam(params, lr=lr)  # elementwise: each bee gets its own update
    for _ in range(int(steps)):
        loss = loss_fn(_mlp.forward(params, x, act), y)
        grads = torch.autograd.grad(loss.sum(), params, create_graph=True)
        opt.zero_grad()
        sum(g.pow(2).sum() for g in grads).backward()
        opt.step()
    params = [p.detach().requires_grad_(True) for p in params]
    loss = loss_fn(_mlp.forward(params, x, act), y)
    grads = torch.autograd.grad(loss.sum(), params)
    norm = torch.cat([g.reshape(g.shape[0], -1) for g in grads], 1).norm(dim=1)
    arrays = {k: rec[k] for k in ("x", "y", "x_test", "y_test") if k in rec}
    arrays.update(epoch=rec.epoch[-1:], loss=loss.detach().numpy()[:, None],
                  grad_norm=norm.numpy()[:, None])
    for k, w, b in zip(rec.layer_indices, params[0::2], params[1::2]):
        arrays[f"layer{k}.weight"] = w.detach().numpy()[:, None]
        arrays[f"layer{k}.bias"] = b.detach().numpy()[:, None]
    meta = {**rec.meta, "zero_gradient": {"start_epoch": rec.epoch[where].tolist(),
                                          "steps": int(steps), "lr": float(lr)}}
    return Recording(arrays, meta)
