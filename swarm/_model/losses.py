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
    # two classes: (value [bee], dloss/dlogit1 [bee, 1, sample]), dloss/dlogit0 being its negative
    pair: Callable[[Tensor, Tensor], tuple[Tensor, Tensor]] | None = None


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


def _onehot(logits: Tensor, labels: Tensor) -> Tensor:
    """Labels [1 or bee, sample] as a contiguous float mask [1 or bee, class, sample] (a
    transposed ``one_hot`` made every product with it 4x slower)."""
    classes = torch.arange(logits.shape[1], device=labels.device)[:, None]  # [class, 1]
    return (labels.unsqueeze(1) == classes).to(logits.dtype)


def _shifted(logits: Tensor) -> Tensor:
    """logits minus their largest class: every exp is at most 1. [bee, class, sample]."""
    return logits - logits.amax(1, keepdim=True)


def _cross_entropy(logits, labels):  # torch.nn.CrossEntropyLoss on [class, sample] logits
    if logits.shape[1] == 2:  # a third of the passes (a test split's loss every epoch)
        return torch.nn.functional.logsigmoid(_margin(logits, labels)[0])[:, 0].mean(-1).neg_()
    z = _shifted(logits)
    return (z.exp().sum(1).log_() - (z * _onehot(logits, labels)).sum(1)).mean(-1)


def _cross_entropy_grad(logits, labels):
    """(softmax - one_hot) / samples, and the loss from the same exponentials: one exp per
    logit (log_softmax and then exp took two; 25-35% faster on moons' and digits' chunks).
    Labels shared by the bees take a one-hot mask ([1, class, sample], small) in place of
    gather and scatter (an expanded index is slow to gather by); each bee's own labels
    (minibatches) a gather and a scatter of the label's -1, two passes fewer over [bee,
    class, sample] (digits' [200, 10, 64]: 568 -> 377 us). The loss is log(sum exp z) - z_label
    with z = logits - max: finite while the logits lie within float32's range of each other
    (beyond it the loss is inf and the engine freezes the bee)."""
    z = _shifted(logits)
    e = z.exp()
    total = e.sum(1, keepdim=True)  # [bee, 1, sample], at least 1
    inv = 1.0 / logits.shape[-1]
    if labels.shape[0] > 1:  # each bee's own labels (minibatches): gather and scatter
        index = _index(logits, labels)
        loss = (total.log() - z.gather(1, index))[:, 0].mean(-1)
        grad = e.mul_(total.reciprocal_().mul_(inv))
        return loss, grad.scatter_add_(1, index, torch.full(index.shape, -inv, dtype=e.dtype,
                                                            device=e.device))
    onehot = _onehot(logits, labels)
    loss = (total[:, 0].log() - (z * onehot).sum(1)).mean(-1)
    return loss, e.div_(total).sub_(onehot).mul_(inv)


def _margin(logits, labels) -> tuple[Tensor, Tensor]:
    """Two classes' margin (z1 - z0) * sign [bee, 1, sample], sign +1 for label 1 and -1 for
    label 0 [1 or bee, 1, sample]: cross-entropy is -log sigmoid(margin)."""
    sign = (labels.unsqueeze(1) == 1).to(logits.dtype).mul_(2).sub_(1)
    return torch.sub(logits[:, 1:], logits[:, :1]).mul_(sign), sign


def _cross_entropy_pair(logits, labels):
    """Two classes' cross-entropy from the margin m = (z1 - z0) * (+1 for label 1, -1 for
    label 0): the loss is -log sigmoid(m) and dloss/dz1 = -dloss/dz0 = (sigmoid(z1 - z0) -
    [label is 1]) / samples, which torch's log_sigmoid gives in two passes over [bee,
    sample] from one exp. The model's last layer then needs one gradient row, not two
    (``mlp.backward(pair=True)``). Logits [bee, 2, sample], labels [1 or bee, sample] ->
    (loss [bee], grad [bee, 1, sample]); the same values as :func:`_cross_entropy_grad`'s
    to float rounding (its class-0 row is minus its class-1 row only in exact arithmetic).
    A margin beyond float32's range gives the loss inf (wrong side) or 0 (right side)."""
    margin, sign = _margin(logits, labels)
    value, buffer = torch.ops.aten.log_sigmoid_forward(margin)
    grad = torch.ops.aten.log_sigmoid_backward(sign.mul_(-1.0 / logits.shape[-1]).expand_as(margin),
                                               margin, buffer)
    return value[:, 0].mean(-1).neg_(), grad


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
    Loss("cross_entropy", _cross_entropy, _cross_entropy_grad, ("classification",), True,
         _cross_entropy_pair),
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
    of tied logits; a sample with a NaN logit counts as wrong): logits [bee, class,
    sample], labels [1 or bee, sample] -> [bee]. argmax over the class axis is ~10x
    slower on CPU than these few passes. Two classes with every logit finite (one sum
    says so): a hit is (z1 > z0) == (label is 1), one comparison and a count (moons'
    500 x 1,000: 1.7 -> 0.8 ms); otherwise two comparisons, a NaN failing both. More
    classes: a hit is the label's logit equal to the largest, unless another class ties
    it (digits' [200, 10, 1,438]: 21.6 -> 6.1 ms)."""
    if logits.shape[1] == 2:
        one = torch.gt(logits[:, 1], logits[:, 0])
        if bool(torch.isfinite(logits.sum())):
            return one.eq_(labels == 1).sum(-1) / logits.shape[-1]
        zero = logits[:, 0] >= logits[:, 1]
        return torch.where(labels == 1, one, zero).float().mean(-1)
    top = logits.amax(1, keepdim=True)  # NaN where a logit is NaN: then no hit
    hit = torch.eq(top, logits.gather(1, _index(logits, labels)))[:, 0]  # [bee, sample]
    tied = torch.eq(logits, top).sum(1, dtype=torch.int32) > 1
    if bool((tied & hit).any()):  # a tie for the top (a dead swarm's equal logits): the
        return _first_top(logits, top, labels)  # first of the tied decides, as argmax
    return hit.sum(-1) / logits.shape[-1]


def _first_top(logits: Tensor, top: Tensor, labels: Tensor) -> Tensor:
    """:func:`accuracy` where logits tie for the top: the first class holding it is the
    answer (one pass more than a plain hit, and a float product: 3-4x slower)."""
    classes = logits.shape[1]
    rank = torch.arange(classes, 0, -1, device=logits.device, dtype=logits.dtype)[:, None]
    first = classes - ((logits == top) * rank).amax(1)  # the first class holding the top
    return (first == labels).float().mean(-1)
