"""Batched hives: many swarms that differ only in optimiser settings, as few engine calls.

A hive sweeping ``lr`` and ``momentum`` of one built-in architecture needs no
loop over swarms: the engine takes one learning rate and momentum per bee, and
``bee_ids`` lets every swarm's bee i start from the same (seed, i) stream as
``swarm.train`` would give it. So the whole sweep trains as one swarm of
``len(sweep) * bees`` bees and is cut back into one Recording per swarm, each
equal to the Recording ``swarm.train(**spec, **params)`` returns.

Any other swept argument (``seed``, ``width``, ...) splits the sweep into
groups with equal values of those arguments, one engine call per group.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import logging
from collections.abc import Mapping

import numpy as np

from swarm._sweep import make_sweep_paramsets
from swarm.engine import train
from swarm.recording import Recording

__all__ = ["hive", "PER_BEE"]

log = logging.getLogger(__name__)

PER_BEE = ("lr", "momentum")  # the arguments the engine takes one value per bee of
_TRAIN_ARGS = inspect.signature(train).parameters


def _paramsets(sweep) -> list[dict]:
    """A list of parameter dicts from a list of dicts or a dict of lists (a full sweep)."""
    if isinstance(sweep, Mapping):
        return make_sweep_paramsets({}, **sweep)
    if isinstance(sweep, (str, bytes)) or not hasattr(sweep, "__iter__"):
        raise ValueError(f"`sweep` must be a list of dicts or a dict of lists, got {sweep!r}")
    sets = list(sweep)
    for i, params in enumerate(sets):
        if not isinstance(params, Mapping):
            raise ValueError(f"`sweep[{i}]` must be a dict of train() arguments, got {params!r}")
    return [dict(p) for p in sets]


def _check(sets: list[dict], spec: dict) -> None:
    if not sets:
        raise ValueError("`sweep` is empty; give at least one parameter set")
    for name in [*spec, *(k for p in sets for k in p)]:
        if name not in _TRAIN_ARGS or name == "bee_ids":
            allowed = ", ".join(k for k in _TRAIN_ARGS if k != "bee_ids")
            raise ValueError(f"`{name}` is not a hive argument; choose from {allowed}")
    for i, params in enumerate(sets):
        overlap = sorted(params.keys() & spec.keys())
        if overlap:
            raise ValueError(f"`sweep[{i}]` sets {overlap}, which are also given as fixed "
                             "arguments; set each in one place")


def _groups(sets: list[dict]) -> list[tuple[dict, list[int]]]:
    """Sweep positions grouped by their values of the arguments that are not per bee."""
    groups: list[tuple[dict, list[int]]] = []
    for i, params in enumerate(sets):
        fixed = {k: v for k, v in params.items() if k not in PER_BEE}
        for key, members in groups:
            if key == fixed:
                members.append(i)
                break
        else:
            groups.append((fixed, [i]))
    return groups


def _default(name: str, spec: dict):
    """The value of ``name`` in ``spec``, else its default (``lr``: the dataset's own)."""
    if name in spec:
        return spec[name]
    if _TRAIN_ARGS[name].default is None:
        from swarm._spec import default_settings, resolve_data

        return default_settings(resolve_data(spec.get("target", "sin"), spec.get("data"))[1])[name]
    return _TRAIN_ARGS[name].default


def hive(sweep, **spec) -> list[tuple[dict, Recording]]:
    """Train one swarm per parameter set in ``sweep``; returns [(params, Recording)] in order.

    ``sweep`` is a list of dicts of ``swarm.train`` arguments, or a dict of
    lists swept as every combination (first key slowest). ``spec`` holds the
    arguments all swarms share (``target``, ``bees`` per swarm, ``epochs``, ...).
    Sets that differ only in ``lr``/``momentum`` train together in one engine
    call; each Recording holds its swarm's ``bees`` bees, [bee, epoch, ...], with
    ``meta["spec"]`` that swarm's own settings and ``meta["hive"]`` its place.
    """
    sets = _paramsets(sweep)
    _check(sets, spec)
    groups = _groups(sets)
    log.info("hive: %d swarms in %d engine call(s)", len(sets), len(groups))
    out: list = [None] * len(sets)
    for fixed, members in groups:
        call = {**spec, **fixed}
        bees = call.pop("bees", _TRAIN_ARGS["bees"].default)
        if isinstance(bees, bool) or not isinstance(bees, (int, np.integer)) or bees < 1:
            raise ValueError(f"`bees` (per swarm) must be a positive integer, got {bees!r}")
        values = {name: np.repeat([sets[i].get(name, _default(name, call)) for i in members],
                                  bees).astype(np.float64) for name in PER_BEE}
        call.update(values)
        with _no_combined_divergence_warning():  # it would count the bees of several swarms
            rec = train(bees=bees * len(members),
                        bee_ids=np.tile(np.arange(bees), len(members)), **call)
        for j, i in enumerate(members):
            out[i] = (sets[i], _swarm_of(rec, j, bees, sets[i], len(groups)))
            _log_divergence(*out[i])
    return out


@contextlib.contextmanager
def _no_combined_divergence_warning():
    """Drop the engine's "k of n bees diverged" warning for one call (hive() says it per swarm)."""
    engine_log = logging.getLogger("swarm")

    def drop(record) -> bool:
        return "bees diverged" not in str(record.msg)

    engine_log.addFilter(drop)
    try:
        yield
    finally:
        engine_log.removeFilter(drop)


def _log_divergence(params: dict, rec: Recording) -> None:
    """Warn about one swarm's diverged bees, naming the swarm by its parameters."""
    count = int(rec.diverged.sum())
    if count:
        first = int(rec["diverged_at"][rec.diverged].min())
        name = ", ".join(f"{k}={_plain(v)}" for k, v in params.items())
        log.warning("hive swarm %s: %d of %d bees diverged (first at epoch %d) and were frozen",
                    name, count, rec.num_bees, first)


def _swarm_of(rec: Recording, j: int, bees: int, params: dict, calls: int) -> Recording:
    """Swarm ``j`` of a hive's engine call as its own Recording and meta."""
    part = rec.bees(np.arange(j * bees, (j + 1) * bees))  # its meta counts its own bees
    meta = copy.deepcopy(part.meta)
    spec = meta.get("spec", {})
    for name in PER_BEE:
        if isinstance(spec.get(name), list):
            spec[name] = spec[name][0]  # one value for the whole swarm
    meta["hive"] = {"params": {k: _plain(v) for k, v in params.items()},
                    "swarm_in_call": j, "engine_calls": calls}
    return Recording(dict(part), meta)


def _plain(value):
    """JSON-able form of a parameter value (numbers and strings as they are)."""
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)
