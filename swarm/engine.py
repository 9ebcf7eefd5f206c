"""Batched training of a whole swarm: all bees in one set of tensor ops per step.

``fly`` is the engine as a generator (stream, stop early, watch live); ``train``
collects what it yields into a Recording. Bee i starts from weights that depend
only on (seed, i). A bee whose loss or gradient stops being finite is frozen at
its last finite state and flagged; the others go on.
"""
from __future__ import annotations

import itertools
import logging
import platform
import time
from typing import Iterator

import numpy as np
import torch
from tqdm import tqdm  # plain bars: no widget warnings in notebooks

from swarm._feed import Feed, accuracy, make_feed, minibatches
from swarm._model import losses as _losses
from swarm._model.nets import FuncNet, FusedMLP, parameter_names
from swarm._optim import make_optimizer
from swarm._spec import Spec, knobs_in_data, make_spec, memory_note
from swarm._threads import idle_core_threads
from swarm.recording import Recording
from swarm.targets import target_grid

__all__ = ["fly", "train"]

log = logging.getLogger("swarm")
_NOT_PER_EPOCH = ("epoch", "diverged", "diverged_at", "step_grad_norm")


def _grad_norm(grads) -> torch.Tensor:
    """Per-bee L2 norm over all parameters' gradients, [bee] (two dispatches, not one per tensor)."""
    flat = torch.cat([g.reshape(g.shape[0], -1) for g in grads], dim=1)
    return torch.linalg.vector_norm(flat, dim=1)


def _regularise(spec: Spec, net, grads) -> None:
    """Add the L1/L2 penalty gradients on weights (not biases) in place.

    ``penalty="sum"``: l1 * sum|W| + l2 * sum W^2 over all weights. ``"layer_mean"``
    (seed 002's code): l1 * mean|W| + l2 * mean W^2 of each layer's weight matrix,
    so each layer's gradient is divided by its number of weights.
    """
    for name, p, g in zip(net.names, net.params, grads):
        if name.endswith("weight"):
            scale = 1.0 if spec.penalty == "sum" else 1.0 / p[0].numel()
            if spec.l1:
                g.add_(torch.sign(p), alpha=spec.l1 * scale)
            if spec.l2:
                g.add_(p, alpha=2 * spec.l2 * scale)


def _per_bee(value, device):
    return torch.as_tensor(value, dtype=torch.float32, device=device) \
        if isinstance(value, np.ndarray) else value


def _make_net(spec: Spec, engine: str):
    if spec.model is not None or engine == "func":
        return FuncNet(spec, spec.model)
    return FusedMLP(spec)


def fly(target="sin", *, engine: str = "auto", **kwargs) -> Iterator[dict]:
    """Train a swarm, yielding its state at every recorded epoch.

    Takes the arguments of :func:`train`. Each yield is a dict of numpy arrays:
    ``epoch`` (int), ``ypred`` float32 [bee, point] (a dataset's [bee, sample, out],
    only with ``keep_predictions``), ``loss`` and ``grad_norm`` [bee] (a dataset's
    also ``test_loss``, and ``accuracy``/``test_accuracy`` for classification),
    ``layer{k}.weight`` [bee, out, in], ``layer{k}.bias`` [bee, out], ``diverged``
    bool [bee] and ``diverged_at`` int [bee] (-1: not diverged) — the network as
    that epoch's forward pass saw it. With ``record_steps`` also ``step_grad_norm``
    float32 [bee, step]: the (penalised) gradient norm of every optimizer step
    taken since the previous yield, this epoch's steps included.
    """
    spec = kwargs.pop("_spec", None) or make_spec(target, **kwargs)
    if engine not in ("auto", "fused", "func"):
        raise ValueError(f"unknown `engine` {engine!r}; choose auto, fused or func")
    feed = make_feed(spec)
    net = _make_net(spec, engine)
    opt = make_optimizer(spec.optimizer, net.params, _per_bee(spec.lr, spec.device),
                         _per_bee(spec.momentum, spec.device), spec.nesterov)
    if note := memory_note(spec.memory_info):
        log.warning("%s", note)
    bar = tqdm(range(spec.epochs), desc="training", unit="epoch", disable=not spec.progress,
               leave=False)
    with idle_core_threads(spec.device, 1 if net.maps_cores(spec.step_samples) else None):
        yield from _epochs(spec, net, opt, bar, feed)


def _epochs(spec: Spec, net, opt, bar, feed: Feed) -> Iterator[dict]:
    """The training loop of :func:`fly`: one optimizer step per batch, a state per kept epoch."""
    recorded = set(spec.record_epochs().tolist())
    full_batch = spec.step_samples == spec.points
    frozen = torch.zeros(spec.bees, dtype=torch.bool, device=spec.device)
    any_frozen = False
    diverged_at = np.full(spec.bees, -1, dtype=np.int64)
    saved = [p.clone() for p in net.params]
    step_norms = [] if spec.record_steps else None
    for epoch in bar:
        state = None
        if full_batch or epoch in recorded:
            ypred, loss, grads = net.evaluate(feed.x, feed.y)
            _regularise(spec, net, grads)
            norm = _grad_norm(grads)
            if epoch in recorded:
                state = _state(spec, net, epoch, ypred, loss, norm, frozen, diverged_at)
                if not feed.flat:
                    state.update(_scores(spec, net, feed, ypred))
        steps = [(loss, grads, norm)] if full_batch else \
            (_regularised_step(spec, net, xb, yb) for xb, yb in minibatches(spec, epoch, feed))
        for loss_b, grads_b, norm_b in steps:
            bad = ~torch.isfinite(loss_b + norm_b)  # one check for both
            if any_frozen:
                bad &= ~frozen
            if bool(bad.any()):
                any_frozen = True
                _freeze(bad, frozen, saved, net.params)
                diverged_at[bad.cpu().numpy()] = epoch
                log.info("epoch %d: %d bee(s) diverged and were frozen", epoch, int(bad.sum()))
                if state is not None:
                    state["diverged"], state["diverged_at"] = frozen.cpu().numpy(), diverged_at.copy()
            if step_norms is not None:
                step_norms.append(norm_b)
            opt.step(grads_b)
            if any_frozen:
                for s, p in zip(saved, net.params):
                    p[frozen] = s[frozen]
        if state is not None:
            if step_norms is not None:
                state["step_grad_norm"] = _steps_taken(step_norms)
            yield state


def _regularised_step(spec: Spec, net, x, y):
    """(loss, penalised grads, grad norm) on one minibatch."""
    _, loss, grads = net.evaluate(x, y)
    _regularise(spec, net, grads)
    return loss, grads, _grad_norm(grads)


def _steps_taken(norms: list) -> np.ndarray:
    """The per-step gradient norms gathered since the last yield as float32 [bee, step];
    empties ``norms`` for the next."""
    out = torch.stack(norms, dim=1).cpu().numpy().astype(np.float32, copy=False)
    norms.clear()
    return out


def _freeze(bad, frozen, saved, params) -> None:
    """Mark ``bad`` bees frozen and keep their current (last finite) parameters."""
    frozen |= bad
    for s, p in zip(saved, params):
        s[bad] = p[bad]


def _fresh(t: torch.Tensor) -> np.ndarray:
    """A tensor made anew this epoch as numpy (no copy on CPU: nothing writes to it later)."""
    return t.detach().numpy() if t.device.type == "cpu" else t.detach().cpu().numpy()


def _scores(spec: Spec, net, feed: Feed, pred) -> dict:
    """A dataset's test loss (one forward pass of all bees on x_test) and the train and
    test accuracy of classification, [bee] each; nothing of a test split that has no
    samples (``test=0``): the recording then holds the training split's scores only."""
    out = {}
    if feed.labels is not None:
        out["accuracy"] = _fresh(accuracy(pred, feed.labels))
    if feed.x_test.shape[-1] == 0:  # [1, feature, sample]
        return out
    test = net.predict(feed.x_test)
    out["test_loss"] = _fresh(_losses.get(spec.loss).value(test, feed.y_test))
    if feed.labels is not None:
        out["test_accuracy"] = _fresh(accuracy(test, feed.labels_test))
    return out


def _state(spec: Spec, net, epoch: int, ypred, loss, grad_norm, frozen, diverged_at) -> dict:
    """One recorded epoch as numpy arrays (parameters copied: they change in place later)."""
    out = {"epoch": int(epoch), "loss": _fresh(loss), "grad_norm": _fresh(grad_norm)}
    if spec.keep_predictions:  # a dataset's as [bee, sample, out]
        out["ypred"] = _fresh(ypred if spec.task == "target" else ypred.transpose(1, 2))
    for name, p in zip(net.names, net.params):
        out[name] = _fresh(p).copy()
    out["diverged"] = _fresh(frozen).copy()
    out["diverged_at"] = diverged_at.copy()
    return out


@knobs_in_data
def train(target="sin", *, bees=100, epochs=None, width=None, depth=None, activation=None,
          optimizer=None, lr=None, momentum=0.9, loss=None, domain=None, points=None,
          init=None, l1=0.0, l2=0.0, batch_size=None, record_every=None, seed=0,
          device="auto", progress=True, model=None, nesterov=False, bee_ids=None,
          engine="auto", data=None, keep_predictions=None,
          memory=None, bias_init=None, penalty="sum", record_steps=False) -> Recording:
    """Train ``bees`` networks at once on ``target`` and return their Recording.

    ``target`` is a 1-D target — a name (sin, cos, sinc, piecewise, abs, sin12,
    poly, step, relu) or an expression in x, fitted on ``points`` points over
    ``domain`` — or a dataset: a name from ``swarm.datasets.DATASETS`` (moons,
    digits, ...) built with the knobs in ``data`` (``data={"samples": 500,
    "noise": 0.2, "seed": 1}``), a ``swarm.datasets.Dataset``, or arrays ``(x, y)``
    (int labels: classification; floats: regression).

    ``depth`` hidden layers of ``width`` units (``activation`` relu, ``init``
    default) map the inputs to the outputs (one per class). ``epochs``, ``width``,
    ``depth``, ``optimizer``, ``lr`` and ``batch_size`` not given are the dataset's
    own (``swarm.datasets.training_defaults``; a 1-D target's: 400 epochs, 20 x 1,
    sgd, lr 0.01, every point in one batch; a ``batch_size`` of at least the training
    samples is one full batch).
    ``loss`` defaults to mse (cross_entropy for classification). ``momentum`` is
    SGD's and RMSprop's momentum and Adam's beta1; ``lr`` and ``momentum`` may be
    arrays of one value per bee. ``l1``/``l2`` penalise weights (not biases); the
    recorded ``loss`` is the data loss; ``penalty="layer_mean"`` penalises
    each layer's mean |W| or W^2 instead of the sum over all weights (seed 002's
    code). ``bias_init`` "same" draws the biases as ``init`` draws the weights
    (TensorFlow's way; xavier's bias bound sqrt(3/out)), "zeros" zeroes them
    (default: the init's own). ``model`` is a factory of any
    ``nn.Module`` mapping [sample, feature] to [sample, out] (a 1-D target's
    [point, 1] to [point, 1]), trained through torch.func; the MLP's arguments
    do not apply then. ``engine`` picks the built-in MLP's path: the hand-fused
    one (``auto``/``fused``) or torch.func (``func``).

    Returns a Recording: ``loss`` and ``grad_norm`` [bee, epoch],
    ``layer{k}.weight`` [bee, epoch, out, in], ``layer{k}.bias`` [bee, epoch, out];
    a 1-D target's ``ypred`` float32 [bee, epoch, point]; a dataset's ``x``,
    ``y``, ``x_test``, ``y_test``, ``test_loss``, ``accuracy`` and
    ``test_accuracy`` [bee, epoch] (classification), and ``ypred`` [bee, epoch,
    sample, out] only with ``keep_predictions=True``. ``record_steps=True`` adds
    ``step_grad_norm`` [bee, step], the gradient norm (penalty included) at
    every optimizer step, and ``step_epoch`` int [step], each step's epoch.
    """
    spec = make_spec(target, bees=bees, epochs=epochs, width=width, depth=depth,
                     activation=activation, optimizer=optimizer, lr=lr, momentum=momentum,
                     nesterov=nesterov, loss=loss, domain=domain, points=points, init=init,
                     l1=l1, l2=l2, batch_size=batch_size, record_every=record_every, seed=seed,
                     device=device, progress=progress, model=model, bee_ids=bee_ids, data=data,
                     keep_predictions=keep_predictions, memory=memory, bias_init=bias_init,
                     penalty=penalty, record_steps=record_steps)
    started = time.perf_counter()
    states = fly(_spec=spec, engine=engine)
    first = next(states)
    n_kept = len(spec.record_epochs())
    # filled epoch-major (contiguous writes), handed out as [bee, epoch, ...]
    buffers = {k: np.empty((n_kept,) + v.shape, dtype=np.float32)
               for k, v in first.items() if k not in _NOT_PER_EPOCH}
    epochs_kept = np.empty(n_kept, dtype=np.int64)
    steps = []
    for e, state in enumerate(itertools.chain([first], states)):
        epochs_kept[e] = state["epoch"]
        for k, a in buffers.items():
            a[e] = state[k]
        if spec.record_steps:
            steps.append(state["step_grad_norm"])
    arrays = {k: a.swapaxes(0, 1) for k, a in buffers.items()}  # views: no second copy
    if spec.record_steps:
        arrays.update(_step_arrays(spec, steps))
    seconds = time.perf_counter() - started
    diverged, diverged_at = state["diverged"], state["diverged_at"]
    arrays.update(_data_arrays(spec), epoch=epochs_kept, diverged=diverged,
                  diverged_at=diverged_at)
    meta = {"spec": spec.to_meta(), "seed": spec.seed, "engine": _engine_name(spec, engine),
            "versions": _versions(), "wall_time": {"train": round(seconds, 4)},
            "diverged": int(diverged.sum()), "memory": dict(spec.memory_info)}
    if spec.dataset is not None:
        meta["dataset"] = spec.dataset.to_meta()
    if spec.model is not None:  # the module's own parameter names, for panels and reports
        meta["modules"] = parameter_names(spec.model)
    if diverged.any():
        log.warning("%d of %d bees diverged (first at epoch %d) and were frozen",
                    int(diverged.sum()), spec.bees, int(diverged_at[diverged].min()))
    return Recording(arrays, meta)


def _step_arrays(spec: Spec, steps: list) -> dict:
    """``step_grad_norm`` [bee, step] and ``step_epoch`` int [step] from the yields' pieces."""
    norms = np.concatenate(steps, axis=1)
    per_epoch = norms.shape[1] // spec.epochs  # every epoch takes the same number of steps
    return {"step_grad_norm": norms,
            "step_epoch": np.repeat(np.arange(spec.epochs, dtype=np.int64), per_epoch)}


def _data_arrays(spec: Spec) -> dict:
    """The training data as the Recording keeps it (no bee axis)."""
    if spec.dataset is None:
        x, y = target_grid(spec.target, spec.domain, spec.points)
        return {"x": x, "y": y}
    ds = spec.dataset
    return {"x": ds.x, "y": ds.y, "x_test": ds.x_test, "y_test": ds.y_test}


def _engine_name(spec: Spec, engine: str) -> str:
    return "func" if spec.model is not None or engine == "func" else "fused"


def _versions() -> dict:
    from swarm import __version__

    return {"swarm": __version__, "torch": torch.__version__, "numpy": np.__version__,
            "python": platform.python_version()}
