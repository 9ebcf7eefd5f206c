"""The engine on a CUDA device: each bee against the plain torch loop and against the same
swarm on the CPU. Skipped where CUDA is missing; ``bench/gpu_check.sh`` runs them on a GPU.

The CPU engine is itself checked against plain loops (test_engine*.py), so agreement with it
to float32 tolerances over tens of epochs is an independent check of the CUDA path.
"""
import numpy as np
import pytest
import torch

import swarm
from test_engine_datasets import assert_bee_matches

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs CUDA (bench/gpu_check.sh runs these on a GPU)")

MOONS = dict(data={"samples": 60, "noise": 0.2}, progress=False)


def assert_same_swarm(a, b, keys, atol=1e-4):
    for key in keys:
        np.testing.assert_allclose(a[key], b[key], atol=atol, rtol=1e-4, err_msg=key)


def test_device_auto_is_cuda_and_the_recording_is_numpy():
    rec = swarm.train("sin", bees=4, epochs=5, progress=False)
    assert rec.meta["spec"]["device"].startswith("cuda")
    assert isinstance(rec["layer0.weight"], np.ndarray) and isinstance(rec["loss"], np.ndarray)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("batch_size", [None, 8])
def test_sin_swarm_on_cuda_matches_the_cpu(optimizer, batch_size):
    kw = dict(bees=6, epochs=40, width=8, depth=2, optimizer=optimizer, batch_size=batch_size,
              lr=0.01 if optimizer == "sgd" else 0.003, seed=4, progress=False)
    gpu, cpu = swarm.train("sin", device="cuda", **kw), swarm.train("sin", device="cpu", **kw)
    assert_same_swarm(gpu, cpu, ("ypred", "loss", "grad_norm", "layer0.weight", "layer2.bias"))


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.05), ("adam", 0.01)])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_each_moons_bee_on_cuda_matches_a_plain_torch_loop(optimizer, lr, batch_size):
    rec = swarm.train("moons", bees=3, epochs=30, width=6, depth=2, optimizer=optimizer, lr=lr,
                      batch_size=batch_size, seed=2, device="cuda", **MOONS)
    for bee in (0, 2):
        assert_bee_matches(rec, bee, optimizer, 30, atol=1e-4)


def test_digits_minibatch_swarm_on_cuda_matches_the_cpu():
    kw = dict(bees=5, epochs=3, width=16, optimizer="adam", lr=0.01, batch_size=64, seed=1,
              progress=False)
    gpu, cpu = swarm.train("digits", device="cuda", **kw), swarm.train("digits", device="cpu", **kw)
    assert_same_swarm(gpu, cpu, ("loss", "test_loss", "accuracy", "layer0.weight",
                                 "layer1.bias"), atol=2e-4)


def test_per_bee_hyperparameters_and_divergence_on_cuda():
    lr = np.array([0.05, 0.05, 1e4])
    kw = dict(bees=3, epochs=20, lr=lr, init="normal:3", loss="mse", activation="tanh",
              l1=0.001, **MOONS)
    gpu, cpu = swarm.train("moons", device="cuda", **kw), swarm.train("moons", device="cpu", **kw)
    assert gpu.diverged.tolist() == cpu.diverged.tolist() == [False, False, True]
    assert gpu["diverged_at"].tolist() == cpu["diverged_at"].tolist()
    np.testing.assert_allclose(gpu.weights(0)[:2], cpu.weights(0)[:2], atol=1e-4, rtol=1e-4)
    assert np.isfinite(gpu.weights(0)[2]).all()  # frozen at its last finite weights


def test_torch_func_path_on_cuda_matches_the_fused_one():
    kw = dict(bees=4, epochs=20, width=7, depth=2, seed=3, device="cuda", progress=False)
    fused = swarm.train("sin12", engine="fused", **kw)
    func = swarm.train("sin12", engine="func", **kw)
    assert_same_swarm(fused, func, ("ypred", "loss", "layer0.weight", "layer1.weight"))


def test_same_seed_same_numbers_on_cuda():
    kw = dict(bees=6, epochs=10, batch_size=16, seed=5, device="cuda", **MOONS)
    a, b = swarm.train("moons", **kw), swarm.train("moons", **kw)
    for key in ("loss", "layer0.weight", "layer1.bias", "accuracy"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
