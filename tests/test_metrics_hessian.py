"""The written-out loss Hessian against autograd's, entry by entry, for every activation and loss.

The reference differentiates one bee's plain loop (``W @ a + b``, the activation's
``fn``, the loss's ``value``) twice with ``torch.autograd.functional.hessian``.
"""
import math

import numpy as np
import pytest
import torch

import swarm
from swarm import metrics
from swarm._model import activations as _act, losses as _losses
from swarm.metrics import _hessian

TOL = 1e-10  # of the largest |entry|


def _params(dims, bees, seed):
    gen = torch.Generator().manual_seed(seed)
    out = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        out += [torch.randn(bees, n_out, n_in, generator=gen, dtype=torch.float64) / n_in ** 0.5,
                torch.randn(bees, n_out, generator=gen, dtype=torch.float64) * 0.5]
    return out


def _data(dims, samples, loss, task, seed):
    """x, y in the model layer's layouts: a 1-D target's [point]; a dataset's
    [1, feature, sample] with labels [1, sample] or values [1, out, sample]."""
    gen = torch.Generator().manual_seed(seed + 1)
    if task == "target":
        return (torch.randn(samples, generator=gen, dtype=torch.float64),
                torch.randn(samples, generator=gen, dtype=torch.float64))
    x = torch.randn(1, dims[0], samples, generator=gen, dtype=torch.float64)
    if loss.labels:
        return x, torch.randint(0, dims[-1], (1, samples), generator=gen)
    return x, torch.randn(1, dims[-1], samples, generator=gen, dtype=torch.float64)


def _autograd_hessian(params, bee, x, y, act, loss):
    """Bee ``bee``'s Hessian [P, P] and loss by autograd on a plain loop over its layers."""
    shapes = [p.shape[1:] for p in params]
    sizes = [math.prod(s) for s in shapes]

    def value(flat):
        ps = [piece.reshape(s) for piece, s in zip(flat.split(sizes), shapes)]
        a = x.reshape(1, -1) if x.dim() == 1 else x[0]  # [in, sample]
        for k in range(0, len(ps), 2):
            a = ps[k] @ a + ps[k + 1][:, None]
            if k < len(ps) - 2:
                a = act.fn(a)
        return loss.value(a[None, 0] if x.dim() == 1 else a[None], y)[0]

    flat = torch.cat([p[bee].reshape(-1) for p in params])
    return torch.autograd.functional.hessian(value, flat), float(value(flat))


def _check(dims, act_name, loss_name, task, *, bees=3, samples=9, seed=0):
    act, loss = _act.get(act_name), _losses.get(loss_name)
    params = _params(dims, bees, seed)
    x, y = _data(dims, samples, loss, task, seed)
    hess, value = _hessian.hessians(params, x, y, act, loss)
    size = sum(p[0].numel() for p in params)
    assert hess.shape == (bees, size, size)
    for bee in range(bees):
        ref, ref_value = _autograd_hessian(params, bee, x, y, act, loss)
        scale = max(float(ref.abs().max()), 1e-300)
        np.testing.assert_allclose(hess[bee].numpy(), ref.numpy(), rtol=0, atol=TOL * scale)
        assert float(value[bee]) == pytest.approx(ref_value, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("act_name", list(_act.ACTIVATIONS))
@pytest.mark.parametrize("dims", [[1, 3, 1], [1, 4, 2, 1], [1, 2, 5, 3, 1], [1, 3, 4, 2, 5, 1]])
def test_every_activation_at_depth_1_to_4_with_rectangular_layers(act_name, dims):
    _check(dims, act_name, "mse", "target")


@pytest.fixture(params=[True, False], ids=["gradient-rows", "layer-pairs"])
def route(request, monkeypatch):
    """The loss's curvature both ways: as a Gram of per-sample gradient rows, and
    carried down the layer pairs (which one runs by default depends on the shapes)."""
    monkeypatch.setattr(_hessian, "_by_rows", lambda weights: request.param)
    return request.param


@pytest.mark.parametrize("loss_name, task", [
    (name, task) for name, loss in _losses.LOSSES.items() for task in loss.tasks])
def test_every_loss_on_every_task_it_takes(loss_name, task, route):
    dims = [1, 4, 3, 1] if task == "target" else [3, 4, 5, 4]  # several outputs on datasets
    _check(dims, "tanh", loss_name, task, seed=5)
    _check(dims, "relu", loss_name, task, seed=6)


def test_relu_kinks_take_autograds_zero_slope():
    """A unit whose pre-activation is exactly 0 on every sample: relu'(0) = 0 as autograd says."""
    act, loss = _act.get("relu"), _losses.get("mse")
    params = _params([1, 3, 3, 1], 2, 7)
    params[0][:, 1], params[1][:, 1] = 0.0, 0.0
    x, y = _data([1, 3, 3, 1], 8, loss, "target", 7)
    hess, _ = _hessian.hessians(params, x, y, act, loss)
    for bee in range(2):
        ref, _ = _autograd_hessian(params, bee, x, y, act, loss)
        np.testing.assert_allclose(hess[bee], ref, rtol=0, atol=TOL * float(ref.abs().max()))


def test_chunks_of_samples_add_up_to_the_whole(monkeypatch, route):
    act, loss = _act.get("softplus"), _losses.get("cross_entropy")
    params = _params([2, 4, 3, 3], 3, 8)
    x, y = _data([2, 4, 3, 3], 17, loss, "classification", 8)
    whole, _ = _hessian.hessians(params, x, y, act, loss)
    monkeypatch.setattr(_hessian, "_BLOCK_VALUES", 100)  # one sample at a time
    assert _hessian.bees_at_once(params, 17) == 1
    parts, _ = _hessian.hessians(params, x, y, act, loss)
    np.testing.assert_allclose(parts, whole, rtol=0, atol=1e-13 * float(whole.abs().max()))


def test_minimal_ratio_on_a_dataset_with_a_non_finite_bee():
    rec = swarm.train("spiral", bees=4, epochs=3, width=5, depth=2, lr=0.1, activation="gelu",
                      data={"samples": 40}, progress=False)
    arrays = dict(rec)
    arrays["layer1.weight"] = arrays["layer1.weight"].copy()
    arrays["layer1.weight"][1, -1, 0, 0] = np.nan
    rec = type(rec)(arrays, rec.meta)
    out = metrics.minimal_ratio(rec)
    assert np.isnan(out.ratio[1]) and np.isnan(out.eigenvalues[1]).all()
    x = torch.tensor(rec.x, dtype=torch.float64).T[None]  # [1, feature, sample]
    y = torch.tensor(rec.y)[None]
    names = [f"layer{k}.{kind}" for k in rec.layer_indices for kind in ("weight", "bias")]
    params = [torch.tensor(rec[n][:, -1], dtype=torch.float64) for n in names]
    for bee in (0, 2, 3):
        ref, value = _autograd_hessian(params, bee, x, y, _act.get("gelu"),
                                       _losses.get("cross_entropy"))
        eig = np.linalg.eigvalsh(ref.numpy())
        np.testing.assert_allclose(out.eigenvalues[bee], eig, rtol=0, atol=TOL * np.abs(eig).max())
        assert out.ratio[bee] == np.mean(eig > 1e-6 * np.abs(eig).max())
        assert out.loss[bee] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("act_name, dims, loss_name, task", [
    ("relu", [1, 4, 3, 1], "mse", "target"),
    ("tanh", [3, 4, 5, 4], "cross_entropy", "classification")])
def test_eigenvalues_from_the_upper_blocks_are_the_full_hessians(act_name, dims, loss_name, task):
    act, loss = _act.get(act_name), _losses.get(loss_name)
    params = _params(dims, 3, 9)
    x, y = _data(dims, 11, loss, task, 9)
    eig, value = _hessian.eigenvalues(params, x, y, act, loss)
    for bee in range(3):
        ref, ref_value = _autograd_hessian(params, bee, x, y, act, loss)
        full = np.linalg.eigvalsh(ref.numpy())
        np.testing.assert_allclose(eig[bee], full, rtol=0, atol=TOL * np.abs(full).max())
        assert float(value[bee]) == pytest.approx(ref_value, rel=1e-12)
