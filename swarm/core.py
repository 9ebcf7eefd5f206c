"""The seed toolkit's generator protocol: a user's own trainer, run once per bee.

A *bee trainer* is a generator function; ``bee_trainer(**bee_params)`` trains
one network and yields once per epoch, a tuple of values (tensors, arrays,
floats, strings) or a dict of named values. :func:`swarm_train` runs it for
every bee and stacks what it yielded into arrays shaped [bee, epoch, *dims].

Bee 0 runs with ``torch.manual_seed(seed)`` and ``np.random.seed(seed)`` (as
the seed toolkit seeded its swarm); bee i > 0 is seeded from (seed, i) alone,
so a swarm gives the same arrays run one bee after another or in parallel
(``n_jobs``, through joblib with whatever backend ``joblib.parallel_config``
picks, dask included). The global generators are restored after each bee.

A *batched* trainer (``batched=True``, e.g. :func:`swarm.fly`) trains the whole
swarm at once and yields [bee, ...] arrays per epoch; it ends in the same arrays.
"""
from __future__ import annotations

import inspect
import logging
import secrets
import threading
from collections.abc import Mapping

import joblib
import numpy as np
import torch
from tqdm import tqdm  # plain bars: no widget warnings in notebooks

from swarm._random import bee_seed
from swarm._sweep import check_params, make_combo_paramsets, make_sweep_paramsets, merge_dicts
from swarm.util import check_seed, seed_as

__all__ = ["SwarmResults", "condense", "swarm_train", "hive_trainer",
           "make_sweep_paramsets", "make_combo_paramsets", "bee_seeds"]

log = logging.getLogger(__name__)


class SwarmResults(dict):
    """field name -> array [bee, epoch, *dims]; ``seed`` is the swarm seed that was used."""

    seed: int | None = None


def condense(items) -> np.ndarray:
    """Stack tensors (grad or not, any device), arrays, floats or strings into one array.

    ``items`` [n] of equal shapes S -> array [n, *S]; the copies own their memory.
    """
    arrays = [_to_numpy(v) for v in items]
    if not arrays:
        return np.empty(0)
    try:
        return np.stack(arrays)
    except ValueError:
        shapes = sorted({a.shape for a in arrays})
        raise ValueError(f"`items` must all have the same shape to condense, got {shapes}") from None


def _to_numpy(value) -> np.ndarray:
    """A private numpy copy: later in-place changes to the source do not leak in."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    return np.array(value)


def bee_seeds(seed: int, num_bees: int) -> list[int]:
    """Bee 0 gets ``seed`` itself (as the seed toolkit's first bee); bee i > 0 one from (seed, i)."""
    return [seed] + [bee_seed(seed, i) for i in range(1, num_bees)]


def _parse_fields(fields):
    if fields is None:
        return None
    names = fields.split(",") if isinstance(fields, str) else list(fields)
    names = [str(n).strip() for n in names]
    if not names or "" in names or len(set(names)) != len(names):
        raise ValueError(f"`fields` must be distinct non-empty names such as 'ypred,weights', "
                         f"got {fields!r}")
    return names


def _epoch_fields(item, fields) -> dict:
    """One yield as {name: array}: a dict by its keys (``fields`` selects), a tuple by
    position (named by ``fields`` or V1..Vn), anything else as one value."""
    if isinstance(item, Mapping):
        names = list(item) if fields is None else fields
        missing = [n for n in names if n not in item]
        if missing:
            raise ValueError(f"`fields` {missing} are not among the yielded keys {list(item)}")
        return {n: _to_numpy(item[n]) for n in names}
    values = item if isinstance(item, tuple) else (item,)
    names = fields or [f"V{i + 1}" for i in range(len(values))]
    if len(names) != len(values):
        raise ValueError(f"`fields` names {len(names)} values ({','.join(names)}) but the "
                         f"trainer yields {len(values)} per epoch")
    return {n: _to_numpy(v) for n, v in zip(names, values)}


# Trainers draw from the process-wide torch/numpy generators, so two bees run in
# threads of one process (joblib's threading backend, an in-process dask cluster)
# would interleave their draws. One bee at a time per process keeps every bee's
# numbers those of its own seed; process-based backends still run in parallel.
_GLOBAL_RNG = threading.RLock()  # re-entrant: a trainer may run a swarm itself


def _collect(trainer, params: dict, seed, fields) -> dict:
    """Run one generator under ``seed``: {name: array [epoch, *dims]}."""
    with _GLOBAL_RNG, seed_as(seed):
        epochs = [_epoch_fields(item, fields) for item in trainer(**params)]
    if not epochs:
        raise ValueError(f"`bee_trainer` {_name(trainer)} yielded nothing; it must yield once "
                         "per epoch")
    return {n: condense([e[n] for e in epochs]) for n in epochs[0]}


def _run_batched(trainer, params: dict, seed, fields, num_bees) -> dict:
    """A batched trainer's yields [bee, ...] per epoch -> {name: array [bee, epoch, ...]}.

    Per-swarm scalars (such as fly's ``epoch``) are repeated for every bee.
    """
    columns = _collect(trainer, params, seed, fields)
    sizes = sorted({a.shape[1] for a in columns.values() if a.ndim > 1})
    if len(sizes) != 1 or (num_bees is not None and sizes[0] != num_bees):
        expected = "" if num_bees is None else f" with {num_bees} bees"
        raise ValueError(f"a batched `bee_trainer` must yield [bee, ...] arrays{expected}; "
                         f"got bee counts {sizes}")
    bees = sizes[0]
    out = {}
    for name, value in columns.items():
        if value.ndim == 1:
            value = np.broadcast_to(value[:, None], (value.shape[0], bees))
        out[name] = np.ascontiguousarray(np.moveaxis(value, 0, 1))
    return out


def _stack_bees(per_bee: list[dict]) -> dict:
    try:
        return {n: condense([bee[n] for bee in per_bee]) for n in per_bee[0]}
    except ValueError as err:
        raise ValueError(f"the bees yielded differently shaped values (did some stop after "
                         f"fewer epochs?): {err}") from None


def _accepts(fn, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _batched_params(trainer, params: dict, num_bees: int, seed: int, progress: bool):
    """``params`` plus bees/seed/progress where the trainer takes them and the user did not
    set them, so ``swarm_train(swarm.fly, {"target": "sin"}, num_bees=100, batched=True)``
    trains 100 bees. Returns (params, the bee count to expect or None)."""
    extra = {k: v for k, v in (("bees", num_bees), ("seed", seed), ("progress", progress))
             if k not in params and _accepts(trainer, k)}
    return {**params, **extra}, (num_bees if "bees" in extra else None)


def _check_common(bee_trainer, num_bees, seed, fields, n_jobs, trainer_arg="bee_trainer"):
    if not callable(bee_trainer):
        raise ValueError(f"`{trainer_arg}` must be a generator function, got {bee_trainer!r}")
    if isinstance(num_bees, bool) or not isinstance(num_bees, (int, np.integer)) or num_bees < 1:
        raise ValueError(f"`num_bees` must be a positive integer, got {num_bees!r}")
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int)
                               or n_jobs == 0):
        raise ValueError(f"`n_jobs` must be None or a non-zero integer (-1: all cores), "
                         f"got {n_jobs!r}")
    seed = check_seed(seed)
    if seed is None:
        seed = secrets.randbits(32)
        log.info("no seed given; drew seed %d (pass seed=%d to repeat this run)", seed, seed)
    return int(num_bees), seed, _parse_fields(fields)



def _run(fn, tasks: list, n_jobs, progress: bool, unit: str) -> list:
    """``fn(*task)`` for every task through joblib (backend from the caller's config)."""
    jobs = (joblib.delayed(fn)(*task) for task in tasks)
    results = joblib.Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    return list(tqdm(results, total=len(tasks), unit=unit, disable=not progress, leave=False))


def swarm_train(bee_trainer, bee_params=None, num_bees=50, seed=None, fields=None, *,
                n_jobs=None, batched=False, progress=True) -> SwarmResults:
    """Train a swarm with a user's generator; returns {field: array [bee, epoch, *dims]}.

    ``fields`` names the values of each yield (``"ypred,weights,biases"``; default
    V1..Vn), or selects keys when the trainer yields dicts. ``seed=None`` draws a
    seed, logs it and keeps it in the result's ``.seed``. ``n_jobs`` runs bees in
    parallel through joblib with identical results. ``batched=True``: the trainer
    trains all bees at once and yields [bee, ...] per epoch; it is given
    ``bees=num_bees``, ``seed`` and ``progress`` when it takes them and
    ``bee_params`` does not set them.
    """
    num_bees, seed, names = _check_common(bee_trainer, num_bees, seed, fields, n_jobs)
    params = check_params(bee_params, "bee_params")
    if batched:
        params, expect = _batched_params(bee_trainer, params, num_bees, seed, progress)
        arrays = _run_batched(bee_trainer, params, seed, names, expect)
    else:
        tasks = [(bee_trainer, params, s, names) for s in bee_seeds(seed, num_bees)]
        arrays = _stack_bees(_run(_collect, tasks, n_jobs, progress, "bee"))
    out = SwarmResults(arrays)
    out.seed = seed
    return out


def hive_trainer(bee, param_list, num_bees=50, seed=None, fields=None, *, n_jobs=None,
                 batched=False, progress=True) -> list[dict]:
    """Train one swarm per parameter set; returns, in order, each set merged with its results.

    Every swarm uses the same ``seed`` (drawn once when None), so swarms differ
    only in their parameters. Per-bee trainers spread all (swarm, bee) pairs over
    joblib's workers; batched ones run one swarm per worker. A parameter named
    like a result field is a ``ValueError``.
    """
    num_bees, seed, names = _check_common(bee, num_bees, seed, fields, n_jobs, "bee")
    sets = [check_params(p, f"param_list[{i}]") for i, p in enumerate(param_list)]
    if batched:
        tasks = []
        for params in sets:
            full, expect = _batched_params(bee, params, num_bees, seed, False)
            tasks.append((bee, full, seed, names, expect))
        swarms = _run(_run_batched, tasks, n_jobs, progress, "swarm")
    else:
        seeds = bee_seeds(seed, num_bees)
        tasks = [(bee, params, s, names) for params in sets for s in seeds]
        done = _run(_collect, tasks, n_jobs, progress, "bee")
        swarms = [_stack_bees(done[i:i + num_bees]) for i in range(0, len(done), num_bees)]
    results = []
    for params, arrays in zip(sets, swarms):
        merged = SwarmResults(merge_dicts(params, arrays))
        merged.seed = seed
        results.append(merged)
    return results


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)
