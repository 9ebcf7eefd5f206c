"""The two ways the engine evaluates a whole swarm: the fused built-in MLP and
torch.func over any ``nn.Module``. Both give (ypred, loss, grads) per bee.

Inputs and targets come in the layouts of :mod:`swarm._model.mlp` and
:mod:`swarm._model.losses`: a 1-D target's ``x`` [point] or [bee, point]; a
dataset's [1 or bee, feature, sample]. A leading 1 means shared by all bees.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

from swarm import _random
from swarm._threads import cores, map_cores
from swarm._model import activations as _act, losses as _losses, mlp as _mlp

__all__ = ["FusedMLP", "FuncNet", "builtin_module", "check_factory"]

Tensor = torch.Tensor
_CHUNK_FLOATS = 1 << 20  # [bee, unit, point] floats per chunk on CPU (4 MB: stays in cache)


class FusedMLP:
    """The built-in MLP, forward and backward written out over stacked parameters."""

    engine = "fused"

    def __init__(self, spec):
        self.act = _act.get(spec.activation)
        self.loss = _losses.get(spec.loss)
        sizes = _mlp.layer_sizes(spec.width, spec.depth, spec.inputs, spec.outputs)
        self.params = _mlp.init_params(sizes, spec.bee_ids, spec.seed, spec.init,
                                       device=spec.device, bias_init=spec.bias_init)
        self.names = [f"layer{k}.{kind}" for k in range(len(sizes)) for kind in ("weight", "bias")]
        self.width, self.flat = spec.width, spec.task == "target"
        self.chunk = max(64, _CHUNK_FLOATS // (spec.width * spec.points))
        # two-class cross-entropy: the loss and the last layer's backward from one gradient row
        self.pair = self.loss.pair is not None and spec.outputs == 2 and not self.flat
        self.compiled = _compiled_step_pays(spec, sizes)

    def _chunk(self, samples: int) -> int:
        """Bees per chunk: 4 MB per [bee, unit, sample] tensor of a batch of ``samples``. Measured
        per bee (issue 23, load 17-32 on 2 cores, best of 15-40): digits' minibatches of 64
        ran 1.6-2.8x faster in one chunk of 200-256 bees than in chunks of 128 (the rule's
        1 MB before), its full-batch evaluation alike in chunks of 8 to 32, moons
        2-16-16-2 alike in chunks of 16 to 64. A swarm of one chunk is not split to give
        every core one: sin's 500 x 1-20-1 took 0.73 s so against 0.61 s (its epochs are
        too short for the threads' hand-offs), digits' minibatches gained 6%."""
        return self.chunk if self.flat else max(8, _CHUNK_FLOATS // (self.width * max(1, samples)))

    def maps_cores(self, samples: int) -> bool:
        """Whether a step on ``samples`` samples shares its bees out over the cores
        (:func:`swarm._threads.map_cores`): torch's own threads should then be one, as the
        pool's threads would only spin-wait beside them (moons' 500 bees on 2 cores: 1.8
        s with one, 3.0 s with two)."""
        if self.params[0].device.type != "cpu":
            return False
        if self.compiled and samples >= _COMPILED_SAMPLES:
            return True
        return self.params[0].shape[0] > self._chunk(samples)

    def evaluate(self, x: Tensor, y: Tensor):
        if self.compiled and x.shape[-1] >= _COMPILED_SAMPLES:
            return self._evaluate_compiled(x, y)
        n, chunk = self.params[0].shape[0], self._chunk(x.shape[-1])
        if n <= chunk or self.params[0].device.type != "cpu":
            return self._evaluate(self.params, x, y)
        # bees are independent: a chunk at a time keeps [bee, unit, point] in cache, and
        # the chunks share the cores out (each one thread: no barrier inside the many small ops)
        ypred = self._outputs(x)
        parts = map_cores(lambda i: self._evaluate([p[i:i + chunk] for p in self.params],
                                                   _rows(x, n, i, chunk), _rows(y, n, i, chunk),
                                                   ypred[i:i + chunk]),
                          range(0, n, chunk))
        _, loss, grads = zip(*parts)
        return self._shaped(ypred), torch.cat(loss), [torch.cat(g) for g in zip(*grads)]

    def _evaluate_compiled(self, x: Tensor, y: Tensor):
        """:meth:`evaluate` by :func:`swarm._model._kernel.step`."""
        from swarm._model import _kernel

        ypred, loss = self._outputs(x), torch.empty(self.params[0].shape[0])
        grads = [torch.empty_like(p) for p in self.params]
        self._compiled_runs(_kernel.step, x.contiguous().numpy(), y.contiguous().numpy(),
                            ypred.numpy(), loss.numpy(), *_layers(grads))
        return ypred, loss, grads

    def _compiled_runs(self, kernel, *arrays) -> None:
        """``kernel(weights, biases, *arrays, start, stop)`` on runs of bees shared out over
        the cores (the kernels release the GIL), four runs a core so that uneven runs even
        out."""
        n = self.params[0].shape[0]
        run = -(-n // (4 * cores()))
        weights, biases = _layers(self.params)
        map_cores(lambda start: kernel(weights, biases, *arrays, start, min(n, start + run)),
                  range(0, n, run))

    def _outputs(self, x: Tensor) -> Tensor:
        """The whole swarm's last-layer outputs [bee, out, sample] for the chunks to fill."""
        weight = self.params[-2]
        return torch.empty((weight.shape[0], weight.shape[1], x.shape[-1]), dtype=weight.dtype,
                           device=weight.device)

    def _shaped(self, outputs: Tensor) -> Tensor:
        """:meth:`_outputs` as the predictions: a 1-D target's [bee, point]."""
        return outputs[:, 0] if self.flat else outputs

    def _evaluate(self, params, x: Tensor, y: Tensor, out: Tensor | None = None):
        ypred, cache = _mlp.forward(params, x, self.act, keep=True, out=out)
        loss, dypred = (self.loss.pair if self.pair else self.loss.value_and_grad)(ypred, y)
        return ypred, loss, _mlp.backward(params, cache, dypred, self.act, self.pair)

    def predict(self, x: Tensor) -> Tensor:
        if self.compiled and x.shape[-1] >= _COMPILED_SAMPLES:
            from swarm._model import _kernel

            pred = self._outputs(x)
            self._compiled_runs(_kernel.predict, x.contiguous().numpy(), pred.numpy())
            return pred
        n, chunk = self.params[0].shape[0], self._chunk(x.shape[-1])
        if n <= chunk or self.params[0].device.type != "cpu":
            return _mlp.forward(self.params, x, self.act)
        pred = self._outputs(x)
        map_cores(lambda i: _mlp.forward([p[i:i + chunk] for p in self.params],
                                         _rows(x, n, i, chunk), self.act, out=pred[i:i + chunk]),
                  range(0, n, chunk))
        return self._shaped(pred)


#: The compiled step (:mod:`swarm._model._kernel`) and where it is faster than the eager
#: one (issue 23, one thread, per call): from 128 samples a call (moons' 1,000 on
#: 2-16-16-2: 2.1x; minibatches of 64: 1.0x) and up to 32 inputs a layer (2-32-32-2:
#: 1.3x; 2-64-64-2: 1.0x; digits' 64-32-10: 0.6-0.8x, MKL's products with 64 inputs
#: being better than ours); and for a run of at least this many multiply-adds
#: (bees x samples x the layers' weights x epochs), which repays loading numba (~0.3 s).
_COMPILED_SAMPLES = 128
_COMPILED_FAN_IN = 32
_COMPILED_FROM = 2_000_000_000


def _compiled_step_pays(spec, sizes) -> bool:
    """Whether this swarm trains by :mod:`swarm._model._kernel`: a narrow ReLU classifier
    under cross-entropy on CPU, with enough work to repay loading it."""
    if (spec.activation, spec.loss, spec.task) != ("relu", "cross_entropy", "classification") \
            or torch.device(spec.device).type != "cpu" \
            or max(n_in for n_in, _ in sizes) > _COMPILED_FAN_IN:
        return False
    macs = sum(n_in * n_out for n_in, n_out in sizes)
    return spec.bees * spec.points * macs * spec.epochs >= _COMPILED_FROM


def _layers(params: list[Tensor]) -> tuple[tuple, tuple]:
    """The stacked [W0, b0, W1, b1, ...] as numpy (weights, biases) tuples: the kernels'
    arguments (one compiled version per depth)."""
    return tuple(p.numpy() for p in params[0::2]), tuple(p.numpy() for p in params[1::2])


def _rows(t: Tensor, bees: int, start: int, size: int) -> Tensor:
    """Bees start..start+size of a per-bee tensor; a shared one (no bee axis, or 1) as it is."""
    return t[start:start + size] if t.dim() > 1 and t.shape[0] == bees else t


def builtin_module(spec) -> nn.Module:
    """The built-in MLP as a plain ``nn.Sequential`` mapping [sample, in] to [sample, out]."""
    layers: list[nn.Module] = []
    for k, (n_in, n_out) in enumerate(_mlp.layer_sizes(spec.width, spec.depth, spec.inputs,
                                                       spec.outputs)):
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
                init = _mlp.init_params(_mlp.layer_sizes(spec.width, spec.depth, spec.inputs,
                                                         spec.outputs),
                                        spec.bee_ids[i:i + 1], spec.seed, spec.init,
                                        bias_init=spec.bias_init)
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

        self.flat = spec.task == "target"

        def bee_predict(p, b, x):  # one bee: x [point] or [feature, sample]
            inputs = x.unsqueeze(-1) if self.flat else x.transpose(0, 1)  # [sample, feature]
            out = functional_call(self.base, (dict(zip(self.keys, p)), b), (inputs,))
            return out.reshape(x.shape[-1]) if self.flat else out.transpose(0, 1)

        def bee_loss(p, b, x, y):
            ypred = bee_predict(p, b, x)
            return self.loss.value(ypred[None], y[None])[0], ypred

        self._step = vmap(grad_and_value(bee_loss, has_aux=True), in_dims=(0, 0, None, None))
        self._step_per_bee = vmap(grad_and_value(bee_loss, has_aux=True), in_dims=(0, 0, 0, 0))
        self._predict = vmap(bee_predict, in_dims=(0, 0, None))

    def maps_cores(self, samples: int) -> bool:
        """Never: vmap runs the whole swarm as one batch (torch's own threads share it)."""
        return False

    def _shared(self, x: Tensor) -> bool:
        return x.dim() == 1 if self.flat else x.shape[0] == 1

    def evaluate(self, x: Tensor, y: Tensor):
        if self._shared(x):
            grads, (loss, ypred) = self._step(self.params, self.buffers, *self._one(x, y))
        else:
            grads, (loss, ypred) = self._step_per_bee(self.params, self.buffers, x, y)
        return ypred, loss, list(grads)

    def _one(self, *tensors: Tensor) -> list[Tensor]:
        """Shared tensors without their leading 1 (a 1-D target's have none)."""
        return list(tensors) if self.flat else [t[0] for t in tensors]

    def predict(self, x: Tensor) -> Tensor:
        return self._predict(self.params, self.buffers, *self._one(x))


def _recording_names(module: nn.Module, keys: list[str]) -> list[str]:
    """``layer{k}.weight``/``.bias`` for the k-th nn.Linear in module order; others ``param.NAME``."""
    rename = {}
    linears = [name for name, m in module.named_modules() if isinstance(m, nn.Linear)]
    for k, name in enumerate(linears):
        prefix = f"{name}." if name else ""
        rename[f"{prefix}weight"] = f"layer{k}.weight"
        rename[f"{prefix}bias"] = f"layer{k}.bias"
    return [rename.get(key, f"param.{key}") for key in keys]


def parameter_names(model) -> dict[str, str]:
    """The module's own name of each parameter a custom ``model`` run records, keyed by its
    recording name (``{"layer0.weight": "fc.weight", "param.conv.weight": "conv.weight"}``),
    so panels and reports can say "conv.weight", not "layer 0"."""
    with torch.random.fork_rng(devices=[]):
        module = model()
    keys = [name for name, _ in module.named_parameters()]
    return dict(zip(_recording_names(module, keys), keys))


def check_factory(model, inputs: int, outputs: int) -> int:
    """A ``ValueError`` unless ``model()`` builds a module with parameters that maps
    [sample, inputs] to [sample, outputs]; returns its number of parameters."""
    if isinstance(model, nn.Module) or not callable(model):
        what = f"the module instance {type(model).__name__}(...)" if isinstance(model, nn.Module) \
            else repr(model)
        raise ValueError(f"`model` must be a factory that builds a new torch.nn.Module for each "
                         f"bee (a class or a function), got {what}")
    with torch.random.fork_rng(devices=[]):
        module = model()
        if not isinstance(module, nn.Module):
            raise ValueError(f"`model` must build a torch.nn.Module, but it returned "
                             f"{type(module).__name__}")
        count = sum(p.numel() for p in module.parameters())
        if count == 0:
            raise ValueError(f"`model` builds {type(module).__name__}, which has no parameters "
                             "to train")
        try:
            with torch.no_grad():
                out = module(torch.zeros(2, inputs))
        except Exception as err:  # the user's module: any failure is a mistake to report
            raise ValueError(f"`model` failed on a [sample, {inputs}] input: "
                             f"{type(err).__name__}: {err}") from None
    shape = tuple(getattr(out, "shape", ()))
    if shape != (2, outputs) and not (outputs == 1 and shape == (2,)):
        raise ValueError(f"`model` must map [sample, {inputs}] to [sample, {outputs}], but it "
                         f"gave {list(shape)} for 2 samples")
    if _random_layers(module, inputs):
        raise ValueError(f"`model` builds {type(module).__name__}, whose output changes from call to "
                         "call on the same input (dropout or another random layer): the swarm "
                         "trains all bees in one vmap, which gives no bee its own random stream; "
                         "drop the random layer, or train bees one at a time with "
                         "swarm.core.swarm_train")
    return count


def _random_layers(module: nn.Module, inputs: int) -> bool:
    """Whether ``module`` in training mode answers one input differently under two seeds."""
    module.train()
    x = torch.linspace(-1, 1, 8 * inputs).reshape(8, inputs)
    outs = []
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        for seed in (1, 2):
            torch.manual_seed(seed)
            try:
                outs.append(module(x))
            except Exception:  # failed above on a smaller batch already, or batch-size bound
                return False
    return not torch.equal(outs[0], outs[1])
