"""The two ways the engine evaluates a whole swarm: the fused built-in MLP and
torch.func over any ``nn.Module``. Both give (ypred, loss, grads) per bee."""
from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

from swarm import _random
from swarm._model import activations as _act, losses as _losses, mlp as _mlp

__all__ = ["FusedMLP", "FuncNet", "builtin_module"]

Tensor = torch.Tensor
_CHUNK_FLOATS = 1 << 20  # [bee, unit, point] floats per chunk on CPU (4 MB: stays in cache)


class FusedMLP:
    """The built-in MLP, forward and backward written out over stacked parameters."""

    engine = "fused"

    def __init__(self, spec):
        self.act = _act.get(spec.activation)
        self.loss = _losses.get(spec.loss)
        sizes = _mlp.layer_sizes(spec.width, spec.depth)
        self.params = _mlp.init_params(sizes, spec.bee_ids, spec.seed, spec.init,
                                       device=spec.device)
        self.names = [f"layer{k}.{kind}" for k in range(len(sizes)) for kind in ("weight", "bias")]
        self.chunk = max(64, _CHUNK_FLOATS // (spec.width * spec.points))

    def evaluate(self, x: Tensor, y: Tensor):
        n = self.params[0].shape[0]
        if n <= self.chunk or self.params[0].device.type != "cpu":
            return self._evaluate(self.params, x, y)
        # bees are independent: a chunk at a time keeps [bee, unit, point] in cache
        parts = [self._evaluate([p[i:i + self.chunk] for p in self.params],
                                x if x.dim() == 1 else x[i:i + self.chunk],
                                y if y.dim() == 1 else y[i:i + self.chunk])
                 for i in range(0, n, self.chunk)]
        ypred, loss, grads = zip(*parts)
        return torch.cat(ypred), torch.cat(loss), [torch.cat(g) for g in zip(*grads)]

    def _evaluate(self, params, x: Tensor, y: Tensor):
        ypred, cache = _mlp.forward(params, x, self.act, keep=True)
        loss, dypred = self.loss.value_and_grad(ypred, y)
        return ypred, loss, _mlp.backward(params, cache, dypred, self.act)

    def predict(self, x: Tensor) -> Tensor:
        return _mlp.forward(self.params, x, self.act)


def builtin_module(spec) -> nn.Module:
    """The built-in MLP as a plain ``nn.Sequential`` mapping [point, 1] to [point, 1]."""
    layers: list[nn.Module] = []
    for k, (n_in, n_out) in enumerate(_mlp.layer_sizes(spec.width, spec.depth)):
        if k:
            layers.append(_act.get(spec.activation).module())
        layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


class FuncNet:
    """Any module factory, stacked with torch.func and trained with vmap(grad).

    Bee i's module is built under ``torch.manual_seed(bee_seed(seed, i))``; for the
    built-in MLP (``factory=None``) the fused engine's initial weights are loaded so
    both paths start identically.
    """

    engine = "func"

    def __init__(self, spec, factory=None):
        self.loss = _losses.get(spec.loss)
        modules = []
        for bee in spec.bee_ids:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(_random.bee_seed(spec.seed, int(bee)))
                modules.append((factory or (lambda: builtin_module(spec)))())
        if factory is None:
            for i, module in enumerate(modules):
                init = _mlp.init_params(_mlp.layer_sizes(spec.width, spec.depth),
                                        spec.bee_ids[i:i + 1], spec.seed, spec.init)
                with torch.no_grad():
                    for p, value in zip(module.parameters(), init):
                        p.copy_(value[0])
        for m in modules:
            m.to(spec.device)
        params, buffers = stack_module_state(modules)
        self.base = modules[0].to("meta")
        self.names = _recording_names(self.base, list(params))
        self.keys = list(params)
        self.params = [params[k].detach() for k in self.keys]
        self.buffers = buffers

        def bee_loss(p, b, x, y):
            out = functional_call(self.base, (dict(zip(self.keys, p)), b), (x.unsqueeze(-1),))
            ypred = out.reshape(x.shape[-1])
            return self.loss.value(ypred[None], y[None])[0], ypred

        self._step = vmap(grad_and_value(bee_loss, has_aux=True), in_dims=(0, 0, None, None))
        self._step_per_bee = vmap(grad_and_value(bee_loss, has_aux=True), in_dims=(0, 0, 0, 0))
        self._predict = vmap(lambda p, b, x: bee_loss(p, b, x, x)[1], in_dims=(0, 0, None))

    def evaluate(self, x: Tensor, y: Tensor):
        step = self._step if x.dim() == 1 else self._step_per_bee
        grads, (loss, ypred) = step(self.params, self.buffers, x, y)
        return ypred, loss, list(grads)

    def predict(self, x: Tensor) -> Tensor:
        return self._predict(self.params, self.buffers, x)


def _recording_names(module: nn.Module, keys: list[str]) -> list[str]:
    """``layer{k}.weight``/``.bias`` for the k-th nn.Linear in module order; others ``param.NAME``."""
    rename = {}
    linears = [name for name, m in module.named_modules() if isinstance(m, nn.Linear)]
    for k, name in enumerate(linears):
        prefix = f"{name}." if name else ""
        rename[f"{prefix}weight"] = f"layer{k}.weight"
        rename[f"{prefix}bias"] = f"layer{k}.bias"
    return [rename.get(key, f"param.{key}") for key in keys]
