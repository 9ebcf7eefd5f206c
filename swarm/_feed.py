"""What the engine feeds the nets: the training (and test) data as tensors in
the model layer's layouts, and each bee's own minibatches.

A 1-D target gives ``x`` and ``y`` [point] (minibatches [bee, size]). A dataset
gives inputs [1, feature, sample] (minibatches [bee, feature, size]) and targets
as its loss takes them: class labels [1, sample], or float values [1, out,
sample] (one-hot labels for classification with an elementwise loss).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from swarm import _random
from swarm._model import losses as _losses
from swarm._model.losses import accuracy  # noqa: F401 (the engine takes it from here)
from swarm.targets import target_grid

__all__ = ["Feed", "make_feed", "minibatches", "accuracy"]

Tensor = torch.Tensor
_MINIBATCH_STREAM = 1 << 20  # random streams for minibatch order, apart from init's


@dataclass
class Feed:
    """Full-batch ``x``/``y`` as the nets take them; ``x_rows``/``y_rows`` sample-first."""

    x: Tensor
    y: Tensor
    x_rows: Tensor
    y_rows: Tensor
    flat: bool  # a 1-D target
    x_test: Tensor | None = None
    y_test: Tensor | None = None
    labels: Tensor | None = None  # int64 [1, sample]: classification, for accuracy
    labels_test: Tensor | None = None

    def batch(self, idx: Tensor) -> tuple[Tensor, Tensor]:
        """The samples ``idx`` [bee, size] of every bee, in the per-bee layouts."""
        if self.flat:
            return _take(self.x_rows, idx), _take(self.y_rows, idx)
        yb = _take(self.y_rows, idx)
        return _take(self.x_rows, idx).transpose(1, 2), yb if yb.dim() == 2 else yb.transpose(1, 2)


def _take(rows: Tensor, idx: Tensor) -> Tensor:
    """``rows[idx]`` [*idx, ...] (index_select: 3-4x faster than indexing on CPU)."""
    return torch.index_select(rows, 0, idx.reshape(-1)).view(idx.shape + rows.shape[1:])


def make_feed(spec) -> Feed:
    """The spec's data on its device, in the layouts above."""
    dev = spec.device
    if spec.dataset is None:
        x_np, y_np = target_grid(spec.target, spec.domain, spec.points)
        x, y = torch.as_tensor(x_np, device=dev), torch.as_tensor(y_np, device=dev)
        return Feed(x, y, x, y, True)
    ds = spec.dataset
    loss = _losses.get(spec.loss)

    def tensor(a) -> Tensor:  # a copy: the Dataset's arrays are read-only
        return torch.tensor(np.asarray(a), device=dev)

    def rows(y) -> Tensor:
        return _losses.target_rows(loss, tensor(y), spec.task, spec.outputs)

    full = _losses.sample_last
    x_rows, y_rows = tensor(ds.x), rows(ds.y)
    x_test, y_test = tensor(ds.x_test), rows(ds.y_test)
    feed = Feed(full(x_rows), full(y_rows), x_rows, y_rows, False, full(x_test), full(y_test))
    if spec.task == "classification":
        feed.labels, feed.labels_test = tensor(ds.y).unsqueeze(0), tensor(ds.y_test).unsqueeze(0)
    return feed


def minibatches(spec, epoch: int, feed: Feed):
    """Each bee's own shuffled minibatches for this epoch; bee i's order depends only on
    (seed, i, epoch)."""
    keys = _random.uniform(spec.seed, spec.bee_ids, _MINIBATCH_STREAM + epoch, spec.points)
    order = torch.as_tensor(_order(keys), device=feed.x.device)
    for start in range(0, spec.points, spec.batch_size):
        yield feed.batch(order[:, start:start + spec.batch_size])


def _order(keys: np.ndarray) -> np.ndarray:
    """Each row's argsort [bee, n], ties in index order as a stable sort gives them.

    The keys are 53-bit uniforms, so ties almost never happen: numpy's default sort is
    3x faster than the stable one ([200, 1437] digits keys: 5 against 17 ms an epoch)
    and gives the same order wherever the keys differ; rows with a tie take the stable sort.
    """
    order = np.argsort(keys, axis=1)
    ranked = np.take_along_axis(keys, order, axis=1)
    tied = (ranked[:, 1:] == ranked[:, :-1]).any(axis=1)
    if tied.any():
        order[tied] = np.argsort(keys[tied], axis=1, kind="stable")
    return order
