"""The compiled ReLU classifier step (``swarm._model._kernel``): against the eager fused
step, plain torch loops, and the rules that decide which swarms take it."""
import subprocess
import sys

import numpy as np
import pytest
import torch

import swarm
from swarm._model import _kernel, activations, losses, mlp, nets
from test_engine_datasets import assert_bee_matches

RELU, CROSS_ENTROPY = activations.get("relu"), losses.get("cross_entropy")


def swarm_of(depth, width, features, classes, bees=4, seed=0):
    params = mlp.init_params(mlp.layer_sizes(width, depth, features, classes),
                             np.arange(bees), seed)
    return [p * 3 for p in params]  # larger weights: many units on both sides of 0


def data(bees, features, classes, samples, per_bee, seed=1):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(bees if per_bee else 1, features, samples, generator=gen)
    y = torch.randint(0, classes, (bees if per_bee else 1, samples), generator=gen)
    return x, y


def compiled_step(params, x, y):
    """(logits, loss, grads) of the compiled step, all bees in one run."""
    bees, classes = params[0].shape[0], params[-1].shape[1]
    logits, loss = np.zeros((bees, classes, x.shape[-1]), np.float32), np.zeros(bees, np.float32)
    grads = [np.zeros_like(p.numpy()) for p in params]
    _kernel.step(tuple(p.numpy() for p in params[0::2]), tuple(p.numpy() for p in params[1::2]),
                 x.numpy(), y.numpy(), logits, loss, tuple(grads[0::2]), tuple(grads[1::2]),
                 0, bees)
    return logits, loss, grads


@pytest.mark.parametrize("depth,width,features,classes", [
    (1, 5, 3, 2), (2, 7, 2, 2), (2, 6, 5, 3), (3, 4, 1, 5)])
@pytest.mark.parametrize("samples,per_bee", [(37, False), (300, False), (300, True)])
def test_the_compiled_step_equals_the_eager_one(depth, width, features, classes, samples,
                                                per_bee):
    """Logits, loss and every gradient as mlp.forward/backward give them (widths not a
    multiple of 4: padded; 300 samples: two blocks, the second partial)."""
    params = swarm_of(depth, width, features, classes)
    x, y = data(4, features, classes, samples, per_bee)
    logits, loss, grads = compiled_step(params, x, y)
    pred, cache = mlp.forward(params, x, RELU, keep=True)
    value, dpred = CROSS_ENTROPY.value_and_grad(pred, y)
    expected = mlp.backward(params, cache, dpred, RELU)
    np.testing.assert_allclose(logits, pred.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(loss, value.numpy(), rtol=1e-5)
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-6)
    out = np.zeros_like(logits)
    _kernel.predict(tuple(p.numpy() for p in params[0::2]),
                    tuple(p.numpy() for p in params[1::2]), x.numpy(), out, 0, 4)
    np.testing.assert_array_equal(out, logits)


def test_gradients_equal_autograd_of_torch_cross_entropy_per_bee():
    """An independent answer: each bee an nn.Sequential, F.cross_entropy, backward()."""
    params = swarm_of(2, 6, 2, 3, bees=3)
    x, y = data(3, 2, 3, 280, per_bee=False)
    _, loss, grads = compiled_step(params, x, y)
    for bee in range(3):
        net = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 6),
                                  torch.nn.ReLU(), torch.nn.Linear(6, 3))
        with torch.no_grad():
            for p, value in zip(net.parameters(), params):
                p.copy_(value[bee])
        plain = torch.nn.functional.cross_entropy(net(x[0].T), y[0])
        plain.backward()
        assert loss[bee] == pytest.approx(plain.item(), rel=1e-5)
        for p, got in zip(net.parameters(), grads):
            np.testing.assert_allclose(got[bee], p.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_a_nan_weight_makes_only_its_bees_loss_nan():
    params = swarm_of(2, 6, 2, 2, bees=3)
    params[2][1, 0, 0] = float("nan")  # bee 1, the second layer
    x, y = data(3, 2, 2, 200, per_bee=False)
    logits, loss, _ = compiled_step(params, x, y)
    assert np.isnan(loss[1]) and np.isfinite(loss[[0, 2]]).all()
    clean = [p[[0, 2]] for p in params]
    _, expected, _ = compiled_step(clean, x, y)
    np.testing.assert_array_equal(loss[[0, 2]], expected)


@pytest.fixture
def compiled(monkeypatch):
    """Every ReLU classifier trains compiled (tiny swarms too); counts the kernel's calls."""
    calls = []
    step = _kernel.step
    monkeypatch.setattr(nets, "_COMPILED_FROM", 0)
    monkeypatch.setattr(_kernel, "step", lambda *a: calls.append(1) or step(*a))
    return calls


MOONS = dict(data={"samples": 400, "noise": 0.2}, progress=False)  # 320 training samples


@pytest.mark.parametrize("optimizer,lr,batch_size", [("sgd", 0.05, None), ("adam", 0.01, None),
                                                     ("sgd", 0.05, 160)])
@pytest.mark.parametrize("depth", [1, 2])
def test_each_moons_bee_trained_compiled_matches_a_plain_torch_loop(compiled, optimizer, lr,
                                                                    batch_size, depth):
    rec = swarm.train("moons", bees=3, epochs=30, width=6, depth=depth, optimizer=optimizer,
                      lr=lr, batch_size=batch_size, seed=2, **MOONS)
    assert compiled and not rec.diverged.any()
    for bee in (0, 2):
        assert_bee_matches(rec, bee, optimizer, 30)


def test_compiled_bees_do_not_depend_on_the_swarm_size_or_the_cores(compiled, monkeypatch):
    kw = dict(epochs=8, width=5, depth=2, lr=0.1, **MOONS)
    small = swarm.train("moons", bees=2, **kw)
    large = swarm.train("moons", bees=9, **kw)
    monkeypatch.setenv("SWARM_CORES", "1")
    one_core = swarm.train("moons", bees=9, **kw)
    assert compiled
    for name in ("layer1.weight", "loss", "accuracy", "test_loss"):
        np.testing.assert_array_equal(small[name], large[name][:2])
        np.testing.assert_array_equal(large[name], one_core[name])


def test_which_swarms_train_compiled():
    """Narrow ReLU classifiers under cross-entropy on CPU with enough work; the rest eager."""
    def pays(target="moons", **kw):
        spec = swarm.engine.make_spec(target, **{"bees": 500, "width": 16, "depth": 2,
                                                 "epochs": 400, **kw})
        return nets.FusedMLP(spec).compiled

    assert pays()
    assert not pays(bees=2, epochs=2)  # too little work to repay numba's load
    assert not pays(activation="tanh")
    assert not pays(loss="mse")
    assert not pays(width=64)  # a 64-input layer: MKL's products are faster
    assert not pays("digits", width=32, depth=1)  # 64 input pixels
    assert not pays("sin")


def test_a_small_dataset_swarm_leaves_numba_unloaded(tmp_path):
    code = ("import sys, swarm\n"
            "swarm.train('moons', bees=3, epochs=3, progress=False)\n"
            "print('numba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]
