"""The losses by name: one table of values and gradients for every path.

The fused engine calls ``value_and_grad``; torch.func and the metrics call
``value`` (autograd gives its gradient, and tests check the two agree).
Predictions lead with the bee axis: a 1-D target's [bee, point], a dataset's
[bee, out, sample]. Targets broadcast against them with a leading axis of 1 or
bee: float values in the predictions' layout, or, for a loss with
``labels=True``, int64 class labels [1 or bee, sample] against logits
[bee, class, sample]. Every loss is a mean over all but the bee axis (over
samples only for the label losses), as torch.nn's ``reduction="mean"``; the
value is float [bee].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

__all__ = ["Loss", "LOSSES", "get", "names_for", "target_rows", "sample_last", "accuracy"]

Tensor = torch.Tensor


@dataclass(frozen=True)
class Loss:
    """``value(pred, target) -> [bee]``; ``value_and_grad`` also gives dloss/dpred."""

    name: str
    value: Callable[[Tensor, Tensor], Tensor]
    value_and_grad: Callable[[Tensor, Tensor], tuple[Tensor, Tensor]]
    tasks: tuple[str, ...]
    labels: bool = False  # targets are class labels, not float values


def _dims(t: Tensor) -> tuple[int, ...]:
    return tuple(range(1, t.dim()))


def _count(t: Tensor) -> int:
    return t[0].numel()


def _mse(pred, target):
    r = pred - target
    return (r * r).mean(_dims(r))


def _mse_grad(pred, target):
    r = pred - target
    return (r * r).mean(_dims(r)), r * (2.0 * (1.0 / _count(r)))


def _l1(pred, target):
    return (pred - target).abs().mean(_dims(pred))


def _l1_grad(pred, target):
    r = pred - target
    return r.abs().mean(_dims(r)), torch.sign(r) * (1.0 / _count(r))


def _huber(pred, target):  # delta 1, as torch.nn.HuberLoss
    return torch.nn.functional.huber_loss(pred, target.expand_as(pred),
                                          reduction="none").mean(_dims(pred))


def _huber_grad(pred, target):
    r = pred - target
    a = r.abs()
    value = torch.where(a < 1, 0.5 * r * r, a - 0.5).mean(_dims(r))
    return value, r.clamp(-1.0, 1.0) * (1.0 / _count(r))


def _fourth(pred, target):
    r = pred - target
    return (r * r).square().mean(_dims(r))


def _fourth_grad(pred, target):
    r = pred - target
    r2 = r * r
    return r2.square().mean(_dims(r)), r2 * r * (4.0 / _count(r))


def _index(logits: Tensor, labels: Tensor) -> Tensor:
    """Labels [1 or bee, sample] as a gather index [bee, 1, sample] into logits."""
    return labels.unsqueeze(1).expand(logits.shape[0], 1, labels.shape[-1])


def _picked(logits: Tensor, labels: Tensor) -> Tensor:
    """logits[bee, label[s], s]: [bee, 1, sample]."""
    return logits.gather(1, _index(logits, labels))


def _cross_entropy(logits, labels):  # torch.nn.CrossEntropyLoss on [class, sample] logits
    lse = torch.logsumexp(logits, 1)
    return (lse - _picked(logits, labels)[:, 0]).mean(-1)


def _cross_entropy_grad(logits, labels):
    """(softmax - one_hot) / samples. A one-hot mask [1 or bee, class, sample] in place of
    gather and scatter: the same numbers (adding zeros is exact), ~25% faster on moons'
    chunks. Only logits further apart than float32's range (a log-probability of -inf,
    times 0) give NaN where the gather gave a number: the engine freezes such a bee."""
    onehot = torch.nn.functional.one_hot(labels, logits.shape[1]).transpose(1, 2)
    onehot = onehot.to(logits.dtype)
    log_p = torch.log_softmax(logits, 1)
    loss = -(log_p * onehot).sum(1).mean(-1)
    return loss, log_p.exp_().sub_(onehot).mul_(1.0 / logits.shape[-1])


def _margins(logits, labels):
    """max(0, 1 - z_label + z_i) for i != label (0 at the label): [bee, class, sample]."""
    index = _index(logits, labels)
    m = (1.0 - logits.gather(1, index) + logits).clamp_min(0.0)
    return m.scatter(1, index, 0.0), index


def _hinge(logits, labels):  # torch.nn.MultiMarginLoss (p=1, margin=1)
    m, _ = _margins(logits, labels)
    return m.sum(1).mean(-1) / logits.shape[1]


def _hinge_grad(logits, labels):
    m, index = _margins(logits, labels)
    value = m.sum(1).mean(-1) / logits.shape[1]
    active = (m > 0).to(logits.dtype)
    grad = active.scatter(1, index, -active.sum(1, keepdim=True))
    return value, grad.mul_(1.0 / (logits.shape[1] * logits.shape[-1]))


def _constant(pred, target):  # seed 002's negative control: no gradient from the data
    return (pred * 0).sum(_dims(pred))


def _constant_grad(pred, target):
    return _constant(pred, target), torch.zeros_like(pred)


_REGRESSION = ("target", "regression", "classification")
LOSSES: dict[str, Loss] = {loss.name: loss for loss in [
    Loss("mse", _mse, _mse_grad, _REGRESSION),
    Loss("l1", _l1, _l1_grad, _REGRESSION),
    Loss("huber", _huber, _huber_grad, ("target", "regression")),
    Loss("cross_entropy", _cross_entropy, _cross_entropy_grad, ("classification",), True),
    Loss("fourth", _fourth, _fourth_grad, ("classification", "regression")),
    Loss("hinge", _hinge, _hinge_grad, ("classification",), True),
    Loss("constant", _constant, _constant_grad, ("classification", "regression")),
]}


def names_for(task: str) -> tuple[str, ...]:
    """The loss names a task (``target``, ``classification``, ``regression``) accepts."""
    return tuple(name for name, loss in LOSSES.items() if task in loss.tasks)


def get(name: str) -> Loss:
    return LOSSES[name]


def target_rows(loss: Loss, y: Tensor, task: str, outputs: int) -> Tensor:
    """A dataset's ``y`` sample-first as ``loss`` takes it: class labels [sample], or float
    values [sample, out] (one-hot labels for an elementwise loss on classification)."""
    if task == "classification" and not loss.labels:
        return torch.nn.functional.one_hot(y, outputs).to(torch.float32)
    return y.reshape(len(y), -1) if task == "regression" else y


def sample_last(rows: Tensor) -> Tensor:
    """Sample-first data ([sample] or [sample, n]) in the shared layout the nets and losses
    take: [1, sample] or [1, n, sample]."""
    return (rows if rows.dim() == 1 else rows.T).contiguous().unsqueeze(0)


def accuracy(logits: Tensor, labels: Tensor) -> Tensor:
    """Share of samples whose largest logit is the label, as ``argmax`` decides (the first
    of tied logits): logits [bee, class, sample], labels [1 or bee, sample] -> [bee]."""
    top = logits.amax(1)  # argmax over the class axis is ~10x slower on CPU than amax
    picked = logits.gather(1, labels.unsqueeze(1).expand(logits.shape[0], 1, -1))[:, 0]
    if bool(((logits == top.unsqueeze(1)).sum(1) > 1).any()):  # ties (say, zero weights)
        return (logits.transpose(1, 2).contiguous().argmax(-1) == labels).float().mean(-1)
    return (picked >= top).float().mean(-1)
