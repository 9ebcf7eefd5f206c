"""The training spec: every argument of ``swarm.train`` checked once, at the boundary.

Each bad value is a ``ValueError`` naming the argument, the value received and
what is allowed; the engine below trusts what it gets.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields
from typing import Any, Callable

import numpy as np

from swarm._files import human_bytes
from swarm.targets import Target, get_target, target_grid

__all__ = ["Spec", "make_spec", "parse_domain", "parse_memory", "memory_note"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass
class Spec:
    """A checked training request. ``lr``/``momentum`` are floats or per-bee arrays.

    Exactly one of ``target`` (a 1-D function on ``points`` grid points over
    ``domain``) and ``dataset`` (a ``swarm.datasets.Dataset``; ``points`` is then
    its number of training samples) is set. ``width``, ``depth``, ``activation``
    and ``init`` describe the built-in MLP and are None with a custom ``model``.
    """

    target: Target | None
    bees: int
    epochs: int
    width: int | None
    depth: int | None
    activation: str | None
    optimizer: str
    lr: Any
    momentum: Any
    nesterov: bool
    loss: str
    domain: tuple[float, float] | None
    points: int
    init: str | None
    l1: float
    l2: float
    batch_size: int | None
    record_every: int
    seed: int
    device: Any  # torch.device
    progress: bool
    model: Callable | None = None
    bee_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dataset: Any = None
    task: str = "target"  # or "classification", "regression" (a dataset's)
    inputs: int = 1
    outputs: int = 1
    keep_predictions: bool = True
    params_per_bee: int = 0
    memory: int = 0  # the recording's memory budget in bytes
    memory_info: dict = field(default_factory=dict)  # budget, estimates, why record_every
    bias_init: str | None = None  # None: the init's own biases; "zeros"; "same" (as weights)
    penalty: str = "sum"  # l1/l2 over all weights, or "layer_mean": each layer's mean
    record_steps: bool = False  # keep the gradient norm of every optimizer step

    @property
    def piecewise_linear(self) -> bool:
        """Whether each bee is a piecewise-linear function of its inputs (built-in MLP only)."""
        from swarm._facts import PIECEWISE_LINEAR

        return self.model is None and self.activation in PIECEWISE_LINEAR

    @property
    def step_samples(self) -> int:
        """Samples in one optimizer step: every training point (full batch) or a minibatch."""
        full = self.batch_size is None or self.batch_size >= self.points
        return self.points if full else self.batch_size

    def record_epochs(self) -> np.ndarray:
        """The epochs kept: every ``record_every``-th, and always the last one."""
        kept = np.arange(0, self.epochs, self.record_every)
        return kept if kept[-1] == self.epochs - 1 else np.append(kept, self.epochs - 1)

    def to_meta(self) -> dict:
        """The spec as plain JSON-able values, for a Recording's ``meta``."""
        skip = ("target", "model", "bee_ids", "dataset", "params_per_bee", "memory_info")
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out.update(device=str(self.device), piecewise_linear=self.piecewise_linear,
                   model=None if self.model is None else getattr(self.model, "__name__", "custom"))
        if self.target is not None:
            out.update(target=self.target.name, domain=list(self.domain))
        else:
            del out["domain"], out["points"]
            out.update(target=None, dataset=self.dataset.name, samples=self.points)
        for key in ("lr", "momentum"):
            if isinstance(out[key], np.ndarray):
                out[key] = out[key].tolist()
        if not np.array_equal(self.bee_ids, np.arange(self.bees)):
            out["bee_ids"] = self.bee_ids.tolist()
        return out


def _positive_int(name: str, value, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}")
    return int(value)


def _number(name: str, value, *, low: float, high: float = math.inf, low_open: bool = False,
            bees: int | None = None):
    """A float in range, or (when ``bees`` is given) a per-bee array of them."""
    rule = f"{'>' if low_open else '>='} {low:g}" + (f" and < {high:g}" if high < math.inf else "")
    if np.ndim(value) > (0 if bees is None else 1):
        allowed = "a number" if bees is None else f"a number or {bees} values (one per bee)"
        raise ValueError(f"`{name}` must be {allowed} {rule}, got an array of shape "
                         f"{np.shape(value)}")
    if bees is not None and np.ndim(value) == 1:
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape != (bees,):
            raise ValueError(f"`{name}` given per bee must have {bees} values, got {arr.shape[0]}")
        for v in arr:
            _number(name, float(v), low=low, high=high, low_open=low_open)
        return arr
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number {rule}, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number) or number >= high \
            or number < low or (low_open and number == low):
        raise ValueError(f"`{name}` must be a number {rule}, got {value!r}")
    return number


def _choice(name: str, value, choices) -> str:
    key = str(value).lower()
    if key not in choices:
        raise ValueError(f"unknown `{name}` {value!r}; choose one of {', '.join(choices)}")
    return key


def parse_domain(domain) -> tuple[float, float]:
    """``(lo, hi)`` from a pair or a ``"LO:HI"`` string; ``lo < hi``, both finite."""
    if isinstance(domain, str):
        parts = domain.split(":")
        try:
            lo, hi = (float(eval_free(p)) for p in parts) if len(parts) == 2 else (None, None)
        except ValueError:
            lo = hi = None
    else:
        try:
            lo, hi = (float(v) for v in domain)
        except (TypeError, ValueError):
            lo = hi = None
    if lo is None or not (abs(lo) < _FLOAT32_MAX and abs(hi) < _FLOAT32_MAX
                          and np.float32(lo) < np.float32(hi)):
        raise ValueError(f"`domain` must be LO:HI with finite LO < HI (float32: |x| < 3.4e38), "
                         f"got {domain!r}")
    return lo, hi


def eval_free(text: str) -> float:
    """A number from text such as ``-3*pi`` or ``2.5``, through the target parser (no eval)."""
    from swarm.targets import parse_expression

    value = np.asarray(parse_expression(text)(np.full(1, np.nan)), dtype=np.float64)  # no x
    if value.size != 1:
        raise ValueError(text)
    return float(value.ravel()[0])


def resolve_device(device):
    """``auto`` is CUDA when present, else CPU; an unavailable device is a ValueError."""
    import torch

    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"`device` must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"`device` {device!r} asked for CUDA, which is not available here")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(f"`device` {device!r}: this machine has {torch.cuda.device_count()} "
                         f"CUDA device(s), cuda:0 to cuda:{torch.cuda.device_count() - 1}")
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"`device` must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}")
    return dev


PENALTIES = ("sum", "layer_mean")  # how l1/l2 reach each layer's weights: see engine._regularise
_MLP_DEFAULTS = {"activation": "relu", "init": "default"}  # width, depth: default_settings


def default_settings(dataset=None) -> dict:
    """The default training settings of ``dataset`` (a Dataset, or None for a 1-D target):
    ``swarm.datasets.training_defaults`` of its name."""
    from swarm.datasets import training_defaults

    return training_defaults(None if dataset is None else dataset.name)


def resolve_data(target, data=None):
    """(Target, None) for a 1-D target; (None, Dataset) for a dataset given by name (built
    with the knobs in ``data``), as a ``swarm.datasets.Dataset``, or as arrays ``(x, y)``."""
    from swarm import datasets

    if data is not None and not isinstance(data, dict):
        raise ValueError(f"`data` must be a dict of dataset knobs such as "
                         f"{{'samples': 500, 'noise': 0.2}}, got {data!r}")
    if isinstance(target, datasets.Dataset):
        dataset = target
    elif isinstance(target, tuple):
        if len(target) != 2:
            raise ValueError(f"arrays to train on must be a pair `(x, y)`, got {len(target)} items")
        dataset = datasets.from_arrays(*target, **(data or {}))
        data = None
    elif isinstance(target, str) and target.strip().lower() in datasets.DATASETS:
        dataset = datasets.get_dataset(target.strip().lower(), **(data or {}))
        data = None
    else:
        dataset = None
    if data is not None:
        raise ValueError(f"`data` holds knobs for a dataset given by name or arrays, not for "
                         f"{target!r}; got data={data!r}")
    return (get_target(target), None) if dataset is None else (None, dataset)


def _shape(dataset) -> dict:
    """task, inputs, outputs and points (training samples) of a dataset."""
    outputs = dataset.num_classes or (1 if dataset.y.ndim == 1 else dataset.y.shape[1])
    return {"task": dataset.task, "inputs": int(dataset.x.shape[1]), "outputs": int(outputs),
            "points": int(dataset.x.shape[0])}


def knobs_in_data(fn):
    """``fn`` (``swarm.train``, ``make_spec``) refusing a dataset knob passed as its own
    argument with a ``ValueError`` that says where it goes: ``data={'samples': 1000}``.

    Any other unknown argument stays Python's ``TypeError``.
    """
    import functools
    import inspect

    takes = set(inspect.signature(fn).parameters)

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        unknown = [k for k in kwargs if k not in takes]
        if unknown:  # only a call that would fail anyway pays for the knobs' names
            from swarm import datasets
            from swarm.datasets._knobs import DEFAULTS, own_arguments

            knobs = set(DEFAULTS).union(*(own_arguments(b) for b in datasets.DATASETS.values()))
            stray = [k for k in unknown if k in knobs]
        if unknown and stray:
            given = ", ".join(f"{k!r}: {kwargs[k]!r}" for k in stray)
            raise ValueError(f"`{stray[0]}` is a dataset knob: dataset knobs go in "
                             f"data={{...}}, here data={{{given}}}")
        return fn(*args, **kwargs)

    return checked


@knobs_in_data
def make_spec(target="sin", *, bees=100, epochs=None, width=None, depth=None, activation=None,
              optimizer=None, lr=None, momentum=0.9, nesterov=False, loss=None, domain=None,
              points=None, init=None, l1=0.0, l2=0.0, batch_size=None, record_every=None,
              seed=0, device="auto", progress=True, model=None, bee_ids=None, data=None,
              keep_predictions=None, memory=None, bias_init=None, penalty="sum",
              record_steps=False) -> Spec:
    """Check every argument of ``swarm.train`` and return a Spec.

    ``record_every=None`` records every epoch, or the fewest epochs apart that
    keep the recording within ``memory`` (bytes or a size such as ``"4GiB"``;
    default: half the memory available now). ``epochs``, ``width``, ``depth``,
    ``optimizer``, ``lr`` and ``batch_size`` left None take the dataset's own
    defaults (``swarm.datasets.training_defaults``; a 1-D target's: 400, 20, 1, sgd,
    0.01, full batch).
    """
    target, dataset = resolve_data(target, data)
    own = default_settings(dataset)
    epochs, optimizer, lr = (own[k] if v is None else v for k, v in
                             (("epochs", epochs), ("optimizer", optimizer), ("lr", lr)))
    if batch_size is None:
        batch_size = own["batch_size"]
    bees = _positive_int("bees", bees)
    if bee_ids is None:
        bee_ids = np.arange(bees)
    else:
        bee_ids = np.asarray(bee_ids)
        if bee_ids.shape != (bees,) or bee_ids.dtype.kind not in "iu" or (bee_ids < 0).any():
            raise ValueError(f"`bee_ids` must be {bees} non-negative integers, got {bee_ids!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"`seed` must be an integer, got {seed!r}")
    # checks that need no torch first: a typing mistake is reported at once
    if dataset is None:
        shape = {"task": "target", "inputs": 1, "outputs": 1,
                 "points": _positive_int("points", 101 if points is None else points)}
        domain = target.domain if domain is None else parse_domain(domain)
        if shape["points"] < 2:
            raise ValueError(f"`points` must be at least 2, got {points!r}")
        target_grid(target, domain, shape["points"])  # finite everywhere, before any work
    else:
        for name, value in (("points", points), ("domain", domain)):
            if value is not None:
                raise ValueError(f"`{name}` applies to 1-D targets; a dataset's size and range "
                                 f"are its knobs (data={{'samples': ...}}), got {name}={value!r}")
        shape = _shape(dataset)
    plain = dict(
        epochs=_positive_int("epochs", epochs),
        lr=_number("lr", lr, low=0.0, low_open=True, bees=bees),
        momentum=_number("momentum", momentum, low=0.0, high=1.0, bees=bees),
        nesterov=bool(nesterov), domain=domain,
        l1=_number("l1", l1, low=0.0), l2=_number("l2", l2, low=0.0),
        batch_size=_positive_int("batch_size", batch_size, allow_none=True),
        record_every=_positive_int("record_every", record_every, allow_none=True) or 1)
    mlp = {"width": width, "depth": depth, "activation": activation, "init": init,
           "bias_init": bias_init}
    if model is not None:
        given = {k: v for k, v in mlp.items() if v is not None}
        if given:
            raise ValueError(f"`{next(iter(given))}` describes the built-in MLP and does not apply "
                             f"with `model`; got {given}")
    else:
        mlp = {k: {**_MLP_DEFAULTS, **own}.get(k) if v is None else v for k, v in mlp.items()}
        mlp.update(width=_positive_int("width", mlp["width"]),
                   depth=_positive_int("depth", mlp["depth"]))
    from swarm._model import activations as _act, losses as _losses, mlp as _mlp, nets as _nets
    from swarm._optim import OPTIMIZERS  # the checks below need torch

    if model is None:
        mlp["activation"] = _choice("activation", mlp["activation"], _act.ACTIVATIONS)
        _mlp.check_init(mlp["init"])
        mlp["bias_init"] = _mlp.check_bias_init(mlp["bias_init"])
    default_loss = "cross_entropy" if shape["task"] == "classification" else "mse"
    spec = Spec(
        target=target, bees=bees, **mlp, **plain,
        optimizer=_choice("optimizer", optimizer, OPTIMIZERS),
        loss=_choice("loss", default_loss if loss is None else loss,
                     _losses.names_for(shape["task"])),
        seed=int(seed), device=resolve_device(device), progress=bool(progress), model=model,
        bee_ids=bee_ids, dataset=dataset, **shape,
        keep_predictions=dataset is None if keep_predictions is None else bool(keep_predictions),
        penalty=_choice("penalty", penalty, PENALTIES), record_steps=bool(record_steps))
    if spec.nesterov and spec.optimizer != "sgd":
        raise ValueError("`nesterov` applies to optimizer='sgd' only")
    if spec.nesterov and np.any(np.asarray(spec.momentum) == 0):
        raise ValueError("`nesterov` needs a `momentum` above 0")
    spec.params_per_bee = _nets.check_factory(model, spec.inputs, spec.outputs) \
        if model is not None else sum(i * o + o for i, o in _mlp.layer_sizes(
            spec.width, spec.depth, spec.inputs, spec.outputs))
    _fit_memory(spec, memory, explicit_every=record_every is not None)
    return spec


def recorded_floats_per_bee(spec: Spec) -> int:
    """Floats kept per bee per recorded epoch (predictions, loss, grad norm, parameters;
    on a dataset also test loss, and train and test accuracy for classification)."""
    predictions = spec.points * spec.outputs if spec.keep_predictions else 0
    scores = 2 if spec.task == "target" else (5 if spec.task == "classification" else 3)
    return predictions + scores + spec.params_per_bee


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 10**3, "kib": 2**10, "m": 2**20, "mb": 10**6,
          "mib": 2**20, "g": 2**30, "gb": 10**9, "gib": 2**30, "t": 2**40, "tb": 10**12,
          "tib": 2**40}


def parse_memory(memory) -> int | None:
    """Bytes from a number of bytes or a size such as ``"4GiB"``/``"500MB"``; None stays None."""
    if memory is None:
        return None
    rule = f"`memory` must be a number of bytes or a size such as '4GiB' or '500MB', got {memory!r}"
    if isinstance(memory, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]*)\s*", memory)
        if not m or m.group(2).lower() not in _UNITS:
            raise ValueError(rule)
        value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    elif isinstance(memory, (int, float, np.integer, np.floating)) and not isinstance(memory, bool):
        value = float(memory)
    else:
        raise ValueError(rule)
    if not math.isfinite(value) or value < 1:
        raise ValueError(rule)
    return int(value)


def _kept(epochs: int, every: int) -> int:
    """How many epochs ``record_every=every`` keeps (see :meth:`Spec.record_epochs`)."""
    return -(-epochs // every) + (1 if (epochs - 1) % every else 0)


def _smallest_every(epochs: int, per_epoch: int, budget: int) -> int | None:
    """The smallest ``record_every`` whose recording fits ``budget`` bytes, or None."""
    fits = budget // per_epoch  # the most recorded epochs that fit
    if fits < _kept(epochs, epochs):
        return None
    every = max(1, -(-epochs // fits))  # below this even ceil(epochs / every) is too many
    while _kept(epochs, every) > fits:
        every += 1
    return every


def _fit_memory(spec: Spec, memory, explicit_every: bool) -> None:
    """Keep the recording within its memory budget (half the available memory unless
    ``memory`` says): pick ``record_every`` when it was not given; refuse otherwise."""
    budget = parse_memory(memory)
    available = _available_bytes()
    source = "given as `memory`" if budget is not None else \
        f"half the {human_bytes(available)} available; `memory` sets it"
    budget = budget if budget is not None else available // 2
    per_epoch = 4 * spec.bees * recorded_floats_per_bee(spec)
    smallest = _smallest_every(spec.epochs, per_epoch, budget)
    every = spec.record_every if explicit_every or smallest is None else smallest
    needed = per_epoch * _kept(spec.epochs, every)
    if needed > budget:
        size = "fewer `points`" if spec.dataset is None else "fewer samples"
        fix = (f"fewer `bees`, {size} or a smaller network" if smallest is None else
               f"`record_every` of at least {smallest}, fewer `bees` or fewer `epochs`")
        raise ValueError(f"the recording would need about {human_bytes(needed)} ({spec.bees} "
                         f"bees x {_kept(spec.epochs, every)} recorded epochs) but its memory "
                         f"budget is {human_bytes(budget)} ({source}); use {fix}")
    spec.record_every, spec.memory = every, budget
    spec.memory_info = {"budget": budget, "needed": needed, "every_epoch": per_epoch * spec.epochs,
                        "record_every": every, "raised": every > 1 and not explicit_every}


def memory_note(info: dict) -> str | None:
    """The line saying ``record_every`` was raised to fit the budget, or None when it was not."""
    if not info.get("raised"):
        return None
    return (f"recording one epoch in {info['record_every']} to stay within the memory budget "
            f"of {human_bytes(info['budget'])} (every epoch would need "
            f"{human_bytes(info['every_epoch'])}); "
            "set `record_every` or `memory` to choose")
