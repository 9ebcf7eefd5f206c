"""Minimal ratio, sensitivity and interpolation against closed forms and plain autograd."""
import numpy as np
import pytest
import torch

from swarm.metrics import interpolate, minimal_ratio, sensitivity
from swarm.testing import from_params, random_walk

LOSSES = {"mse": lambda r: (r * r).mean(), "l1": lambda r: r.abs().mean(),
          "huber": lambda r: torch.nn.functional.huber_loss(r, torch.zeros_like(r))}


def _plain_loss(rec, bee, epoch, x=None, flat=None):
    """bee's loss written out by hand: relu hidden layers, a linear output."""
    params = [torch.as_tensor(rec[f"layer{k}.{kind}"][bee, epoch], dtype=torch.float64)
              for k in rec.layer_indices for kind in ("weight", "bias")]
    if flat is not None:
        sizes = [p.numel() for p in params]
        params = [piece.reshape(p.shape) for piece, p in zip(flat.split(sizes), params)]
    a = torch.as_tensor(rec.x, dtype=torch.float64)[None, :] if x is None else x[None, :]
    for k in range(0, len(params), 2):
        a = params[k] @ a + params[k + 1][:, None]
        if k < len(params) - 2:
            a = torch.relu(a)
    return LOSSES[rec.meta["spec"]["loss"]](a[0] - torch.as_tensor(rec.y, dtype=torch.float64))


def test_minimal_ratio_of_a_convex_quadratic_is_one():
    rng = np.random.default_rng(0)
    rec = from_params([rng.normal(size=(3, 2, 1, 1))], [rng.normal(size=(3, 2, 1))], target="x",
                      x=np.linspace(-1, 2, 9))
    out = minimal_ratio(rec)
    np.testing.assert_array_equal(out.ratio, 1.0)
    x = rec.x.astype(np.float64)
    hessian = 2 / x.size * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), x.size]])
    np.testing.assert_allclose(out.eigenvalues, np.tile(np.linalg.eigvalsh(hessian), (3, 1)))
    np.testing.assert_allclose(out.loss, rec["loss"][:, -1], rtol=1e-6)


@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_hessian_eigenvalues_match_plain_autograd_for_each_bee(loss):
    rec = random_walk(3, 2, width=3, depth=2, step=0.2, seed=1, loss=loss)
    out = minimal_ratio(rec, epoch=1)
    for bee in range(3):
        size = sum(rec[f"layer{k}.{kind}"][bee, 1].size for k in rec.layer_indices
                   for kind in ("weight", "bias"))
        flat = torch.cat([torch.as_tensor(rec[f"layer{k}.{kind}"][bee, 1], dtype=torch.float64)
                          .ravel() for k in rec.layer_indices for kind in ("weight", "bias")])
        assert flat.numel() == size
        h = torch.autograd.functional.hessian(lambda v: _plain_loss(rec, bee, 1, flat=v), flat)
        eig = np.linalg.eigvalsh(h.numpy())
        np.testing.assert_allclose(out.eigenvalues[bee], eig, atol=1e-9 * np.abs(eig).max())
        assert out.ratio[bee] == np.mean(eig > 1e-6 * np.abs(eig).max())


def test_bees_in_chunks_on_threads_each_get_their_own_hessian(monkeypatch):
    monkeypatch.setattr("swarm.metrics.landscape._HESSIAN_BEES", 2)  # three chunks of bees
    rec = random_walk(6, 2, width=3, depth=2, step=0.2, seed=4)
    arrays = dict(rec)
    arrays["layer0.bias"] = arrays["layer0.bias"].copy()
    arrays["layer0.bias"][2, -1, 1] = np.nan
    rec = type(rec)(arrays, rec.meta)
    out = minimal_ratio(rec)
    names = [f"layer{k}.{kind}" for k in rec.layer_indices for kind in ("weight", "bias")]
    for bee in range(6):
        if bee == 2:
            assert np.isnan(out.ratio[bee]) and np.isnan(out.eigenvalues[bee]).all()
            continue
        flat = torch.cat([torch.as_tensor(rec[n][bee, -1], dtype=torch.float64).ravel()
                          for n in names])
        h = torch.autograd.functional.hessian(lambda v: _plain_loss(rec, bee, -1, flat=v), flat)
        eig = np.linalg.eigvalsh(h.numpy())
        np.testing.assert_allclose(out.eigenvalues[bee], eig, atol=1e-9 * np.abs(eig).max())
        assert out.loss[bee] == pytest.approx(float(_plain_loss(rec, bee, -1)), rel=1e-12)


def test_bees_with_non_finite_weights_get_nan():
    rec = random_walk(2, 2, width=2, depth=1)
    arrays = dict(rec)
    arrays["layer1.weight"] = arrays["layer1.weight"].copy()
    arrays["layer1.weight"][0, -1] = np.inf
    out = minimal_ratio(type(rec)(arrays, rec.meta))
    assert np.isnan(out.ratio[0]) and np.isnan(out.loss[0]) and np.isfinite(out.ratio[1])


def test_sensitivity_is_the_norm_of_the_loss_gradient_in_the_inputs():
    rec = random_walk(3, 2, width=4, depth=2, step=0.1, seed=2)
    out = sensitivity(rec, epoch=0)
    for bee in range(3):
        x = torch.as_tensor(rec.x, dtype=torch.float64).requires_grad_(True)
        (grad,) = torch.autograd.grad(_plain_loss(rec, bee, 0, x=x), x)
        assert out[bee] == pytest.approx(float(grad.norm()), rel=1e-9)


@pytest.mark.parametrize("loss", ["mse", "l1", "huber"])
def test_interpolation_runs_from_bee_a_to_bee_b(loss):
    rec = random_walk(3, 2, width=4, depth=2, step=0.1, seed=3, loss=loss)
    out = interpolate(rec, 0, 2, [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(out[[0, 2]], rec["loss"][[0, 2], -1], rtol=1e-5)
    names = [f"layer{k}.{kind}" for k in rec.layer_indices for kind in ("weight", "bias")]
    for alpha, value in ((0.5, out[1]), (1.5, out[3])):
        ends = [(rec[n][0, -1].astype(np.float64), rec[n][2, -1].astype(np.float64))
                for n in names]
        mixed = torch.cat([torch.as_tensor((1 - alpha) * a + alpha * b).ravel() for a, b in ends])
        assert value == pytest.approx(float(_plain_loss(rec, 0, -1, flat=mixed)), rel=1e-9)
    assert interpolate(rec, 0, 1).shape == (61,)


@pytest.mark.parametrize("call, match", [
    (lambda r: interpolate(r, 0, 5, [0.5]), "`bee_b`"),
    (lambda r: interpolate(r, 0, 1, [np.nan]), "`alphas`"),
    (lambda r: minimal_ratio(r, rtol=2), "`rtol`"),
    (lambda r: sensitivity(r, epoch=9), "`epoch`"),
])
def test_bad_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call(random_walk(2, 2, width=2, depth=1))
