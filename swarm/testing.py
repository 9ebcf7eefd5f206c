"""Synthetic recordings built from given weights, for tests, benchmarks and examples.

``from_params`` wraps hand-chosen weights in a Recording whose ``ypred`` and
``loss`` come from the built-in forward pass; ``random_walk`` makes a swarm
whose weights drift smoothly from a random start, with no training needed.
"""
from __future__ import annotations

import numpy as np
import torch

from swarm._model import activations as _act, losses as _losses, mlp as _mlp
from swarm.recording import Recording
from swarm.targets import get_target

__all__ = ["from_params", "random_walk"]


def from_params(weights, biases, *, activation: str = "relu", target="sin", x=None,
                loss: str = "mse", diverged=None) -> Recording:
    """A Recording of the given weights: ``weights[k]`` [bee, epoch, out, in], ``biases[k]``
    [bee, epoch, out]. ``x`` defaults to 41 points over the target's domain."""
    tgt = get_target(target)
    x = np.linspace(*tgt.domain, 41) if x is None else np.asarray(x)
    x = x.astype(np.float32)
    y = tgt(x).astype(np.float32)
    weights = [np.asarray(w, dtype=np.float32) for w in weights]
    biases = [np.asarray(b, dtype=np.float32) for b in biases]
    bees, epochs = weights[0].shape[:2]
    params = []
    for w, b in zip(weights, biases):
        params += [torch.as_tensor(w.reshape((-1,) + w.shape[2:])),
                   torch.as_tensor(b.reshape((-1,) + b.shape[2:]))]
    with torch.no_grad():
        ypred = _mlp.forward(params, torch.as_tensor(x), _act.get(activation))
        losses = _losses.get(loss).value(ypred, torch.as_tensor(y))
    arrays = {"x": x, "y": y, "epoch": np.arange(epochs),
              "ypred": ypred.numpy().reshape(bees, epochs, -1),
              "loss": losses.numpy().reshape(bees, epochs)}
    for k, (w, b) in enumerate(zip(weights, biases)):
        arrays[f"layer{k}.weight"], arrays[f"layer{k}.bias"] = w, b
    if diverged is not None:
        arrays["diverged"] = np.asarray(diverged, dtype=bool)
        arrays["diverged_at"] = np.where(arrays["diverged"], epochs - 1, -1)
    spec = {"activation": activation, "target": tgt.expression or tgt.name, "loss": loss,
            "width": int(weights[0].shape[2]), "depth": len(weights) - 1,
            "domain": [float(x.min()), float(x.max())]}
    return Recording(arrays, {"spec": spec})


def random_walk(bees: int, epochs: int, *, width: int = 8, depth: int = 3, step: float = 0.01,
                seed: int = 0, **kwargs) -> Recording:
    """A swarm whose weights start as torch.nn.Linear's and take small random steps.

    ``kwargs`` go to :func:`from_params` (activation, target, x, loss, diverged).
    """
    rng = np.random.default_rng(seed)
    dims = [1] + [width] * depth + [1]
    weights, biases = [], []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        for shape, out in (((n_out, n_in), weights), ((n_out,), biases)):
            start = rng.uniform(-1, 1, (bees, 1) + shape) / np.sqrt(n_in)
            walk = np.cumsum(rng.normal(0, step, (bees, epochs - 1) + shape), axis=1)
            out.append(np.concatenate([start, start + walk], axis=1))
    return from_params(weights, biases, **kwargs)
