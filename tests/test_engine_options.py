"""Issue 21's engine options against independent answers: bias_init, penalty="layer_mean",
the weight-shared MLP factory and per-step gradient norms (record_steps)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import swarm
from swarm._model.mlp import init_params, layer_sizes
from swarm.networks import SharedMLP, shared_mlp

SIZES = layer_sizes(30, 2, n_in=3, n_out=4)  # 3 -> 30 -> 30 -> 4


# ---- bias_init ---------------------------------------------------------------------------

def test_same_bias_init_is_tensorflows_glorot_on_a_bias_vector():
    """TF's glorot_uniform takes a vector [n]'s fans as (n, n): bound sqrt(6 / 2n)."""
    params = init_params(SIZES, np.arange(200), seed=3, init="xavier", bias_init="same")
    for k, (n_in, n_out) in enumerate(SIZES):
        b = params[2 * k + 1].numpy()
        bound = math.sqrt(6.0 / (n_out + n_out))
        assert np.abs(b).max() <= bound
        assert np.abs(b).max() > 0.95 * bound  # filled out to the bound, not narrower
        assert abs(b.std() - bound / math.sqrt(3)) < 0.05 * bound  # uniform's std
        w = params[2 * k].numpy()
        assert np.abs(w).max() <= math.sqrt(6.0 / (n_in + n_out)) * (1 + 1e-6)


def test_same_bias_init_follows_each_init():
    bees = np.arange(100)
    normal = init_params(SIZES, bees, 1, "normal:0.5", bias_init="same")
    assert abs(normal[1].std().item() - 0.5) < 0.03
    assert not torch.equal(normal[1][:, :1], normal[0][:, :1, 0])  # own draws, not the weights'
    ones = init_params(SIZES, bees, 1, "ones", bias_init="same")
    assert all(torch.all(b == 1) for b in ones[1::2])
    zeros = init_params(SIZES, bees, 1, "zeros", bias_init="same")
    assert all(torch.all(p == 0) for p in zeros)
    default = init_params(SIZES, bees, 1, "default")
    assert all(torch.equal(a, b) for a, b in
               zip(default, init_params(SIZES, bees, 1, "default", bias_init="same")))


def test_zeros_bias_init_zeroes_and_default_is_unchanged():
    bees = np.arange(5)
    zeroed = init_params(SIZES, bees, 2, "default", bias_init="zeros")
    plain = init_params(SIZES, bees, 2, "default")
    assert all(torch.all(b == 0) for b in zeroed[1::2])
    assert all(torch.equal(a, b) for a, b in zip(zeroed[0::2], plain[0::2]))
    assert plain[1].abs().max() > 0  # torch's default keeps its drawn biases
    # the bound of torch's default, U(+-1/sqrt(in)), for comparison
    assert plain[1].abs().max() <= 1 / math.sqrt(3)


def test_train_starts_from_the_same_biases_on_both_engines():
    kw = dict(target="moons", data={"samples": 40}, bees=3, epochs=1, width=5,
              init="xavier", bias_init="same", progress=False, seed=4)
    fused = swarm.train(**kw)
    func = swarm.train(engine="func", **kw)
    expect = init_params(layer_sizes(5, 1, 2, 2), np.arange(3), 4, "xavier", bias_init="same")
    np.testing.assert_array_equal(fused["layer0.bias"][:, 0], expect[1].numpy())
    np.testing.assert_array_equal(func["layer0.bias"][:, 0], expect[1].numpy())
    assert fused.meta["spec"]["bias_init"] == "same"


@pytest.mark.parametrize("kwargs, words", [
    ({"bias_init": "glorot"}, "unknown `bias_init`"),
    ({"bias_init": "same", "model": shared_mlp(3, 1, 2, 2)}, "`bias_init`"),
    ({"penalty": "mean"}, "unknown `penalty`"),
])
def test_bad_options_name_themselves(kwargs, words):
    with pytest.raises(ValueError, match=words):
        swarm.train("moons", bees=2, epochs=1, progress=False, **kwargs)


# ---- penalty="layer_mean" -----------------------------------------------------------------

def _autograd_step(params, x, y, lr, l1, l2, mean):
    """One plain SGD step on mse + penalty, with torch.autograd, for one bee."""
    ps = [p.clone().requires_grad_(True) for p in params]
    h = x[:, None]
    for k in range(0, len(ps), 2):
        h = h @ ps[k].T + ps[k + 1]
        if k < len(ps) - 2:
            h = torch.relu(h)
    loss = ((h[:, 0] - y) ** 2).mean()
    for w in ps[0::2]:
        agg = torch.mean if mean else torch.sum
        loss = loss + l1 * agg(w.abs()) + l2 * agg(w * w)
    loss.backward()
    return [(p - lr * p.grad).detach() for p in ps]


@pytest.mark.parametrize("penalty", ["layer_mean", "sum"])
@pytest.mark.parametrize("l1, l2", [(0.3, 0.0), (0.0, 0.7), (0.2, 0.5)])
def test_penalty_gradient_matches_autograd(penalty, l1, l2):
    rec = swarm.train("sin", bees=3, epochs=2, width=6, depth=2, lr=0.05, momentum=0.0,
                      points=17, l1=l1, l2=l2, penalty=penalty, seed=1, progress=False,
                      engine="fused")
    x = torch.as_tensor(rec.x, dtype=torch.float64)
    y = torch.as_tensor(rec.y, dtype=torch.float64)
    names = [f"layer{k}.{kind}" for k in range(3) for kind in ("weight", "bias")]
    for bee in range(3):
        start = [torch.as_tensor(rec[n][bee, 0], dtype=torch.float64) for n in names]
        after = _autograd_step(start, x, y, 0.05, l1, l2, penalty == "layer_mean")
        for n, want in zip(names, after):
            np.testing.assert_allclose(rec[n][bee, 1], want.numpy(), rtol=1e-5, atol=1e-6)


def test_layer_mean_is_the_sum_divided_per_layer():
    """Penalty only (tiny lr): each layer's step under layer_mean is the sum's over its size."""
    kw = dict(target="sin", bees=2, epochs=2, width=4, depth=2, lr=1e-3, momentum=0.0,
              l2=1.0, seed=2, progress=False)
    total = swarm.train(**kw)
    mean = swarm.train(penalty="layer_mean", **kw)
    plain = swarm.train(**{**kw, "l2": 0.0})
    for k, size in enumerate([4, 16, 4]):
        w = f"layer{k}.weight"
        d_sum = total[w][:, 1] - plain[w][:, 1]
        d_mean = mean[w][:, 1] - plain[w][:, 1]
        np.testing.assert_allclose(d_mean * size, d_sum, rtol=1e-3, atol=1e-7)


def test_default_options_leave_training_bit_identical():
    kw = dict(target="sin", bees=4, epochs=5, width=8, l2=0.01, seed=3, progress=False)
    a = swarm.train(**kw)
    b = swarm.train(bias_init=None, penalty="sum", **kw)
    for key in ("loss", "layer0.weight", "layer1.bias", "ypred"):
        np.testing.assert_array_equal(a[key], b[key])


# ---- the weight-shared MLP ---------------------------------------------------------------

@pytest.mark.parametrize("repeats", [1, 2, 3])
def test_shared_mlp_has_the_seeds_152_parameters_at_every_depth(repeats):
    net = shared_mlp(10, repeats)()
    assert sum(p.numel() for p in net.parameters()) == 152
    assert sum(p.numel() for p in SharedMLP(7, repeats, inputs=3, outputs=4).parameters()) == \
        (3 + 1) * 7 + (7 + 1) * 7 + (7 + 1) * 4


def test_shared_mlp_applies_one_hidden_layer_repeatedly():
    torch.manual_seed(0)
    net = SharedMLP(5, 3, inputs=2, outputs=3)
    x = torch.randn(7, 2)
    h = torch.relu(x @ net.input.weight.T + net.input.bias)
    for _ in range(3):
        h = torch.relu(h @ net.hidden.weight.T + net.hidden.bias)
    torch.testing.assert_close(net(x), h @ net.output.weight.T + net.output.bias)
    bound = math.sqrt(6 / (5 + 5))  # TF's Glorot on a bias [5] and on the 5x5 weight
    assert net.hidden.bias.abs().max() <= bound and net.hidden.weight.abs().max() <= bound


def test_shared_mlp_trains_and_records_the_shared_layer_once():
    x = np.linspace(0, 1 - 1 / 16, 16)[:, None]
    y = np.arange(16) % 2
    rec = swarm.train((x, y), data={"test": 0, "standardize": False}, model=shared_mlp(10, 3),
                      bees=3, epochs=3, optimizer="adam", lr=0.003, progress=False)
    layers = sorted(k for k in rec if k.startswith("layer"))
    assert layers == ["layer0.bias", "layer0.weight", "layer1.bias", "layer1.weight",
                      "layer2.bias", "layer2.weight"]
    assert rec["layer1.weight"].shape == (3, 3, 10, 10)
    assert rec.meta["spec"]["model"] == "shared_mlp_10x3"
    assert rec.meta["engine"] == "func"


def test_shared_mlp_checks_its_arguments():
    with pytest.raises(ValueError, match="repeats"):
        shared_mlp(10, 0)


# ---- per-step gradient norms -------------------------------------------------------------

def test_step_grad_norm_matches_a_plain_loop():
    """Minibatches of 8 of 20 points: 3 steps per epoch; the same norms from a hand loop
    that replays the engine's own parameters step by step (SGD without momentum)."""
    kw = dict(target="sin", bees=2, epochs=3, width=5, lr=0.05, momentum=0.0, points=20,
              batch_size=8, seed=5, progress=False, l2=0.1)
    rec = swarm.train(record_steps=True, **kw)
    assert rec["step_grad_norm"].shape == (2, 9)
    np.testing.assert_array_equal(rec["step_epoch"], np.repeat(np.arange(3), 3))
    from swarm._feed import make_feed, minibatches
    from swarm._spec import make_spec

    spec = make_spec(kw.pop("target"), **kw)
    feed = make_feed(spec)
    names = [f"layer{k}.{kind}" for k in range(2) for kind in ("weight", "bias")]
    params = [torch.as_tensor(rec[n][:, 0], dtype=torch.float64) for n in names]
    expect = []
    for epoch in range(3):
        for xb, yb in minibatches(spec, epoch, feed):
            ps = [p.clone().requires_grad_(True) for p in params]
            xs, ys = xb.double(), yb.double()  # [bee, point]
            h = torch.relu(ps[0] * xs[:, None, :] + ps[1][..., None])  # [bee, unit, point]
            pred = (ps[2] @ h)[:, 0] + ps[3]
            loss = ((pred - ys) ** 2).mean(1).sum() + 0.1 * sum((w * w).sum() for w in ps[0::2])
            grads = torch.autograd.grad(loss, ps)
            expect.append(torch.cat([g.reshape(2, -1) for g in grads], 1).norm(dim=1))
            params = [(p - 0.05 * g).detach() for p, g in zip(params, grads)]
    np.testing.assert_allclose(rec["step_grad_norm"], torch.stack(expect, 1).numpy(), rtol=1e-4)


def test_step_grad_norm_full_batch_agrees_with_the_epoch_record():
    rec = swarm.train("sin", bees=3, epochs=6, width=5, record_steps=True, progress=False)
    np.testing.assert_array_equal(rec["step_grad_norm"], rec["grad_norm"])
    sparse = swarm.train("sin", bees=3, epochs=6, width=5, record_steps=True, record_every=4,
                         progress=False)
    np.testing.assert_array_equal(sparse["step_grad_norm"], rec["step_grad_norm"])
    assert sparse.epochs([0, 1])["step_grad_norm"].shape == (3, 6)  # steps stay whole
    assert sparse.bees([1])["step_epoch"].shape == (6,)


def test_step_grad_norm_survives_save_and_load(tmp_path):
    rec = swarm.train("sin", bees=2, epochs=2, width=3, record_steps=True, progress=False)
    back = swarm.load(rec.save(tmp_path / "r.npz"))
    np.testing.assert_array_equal(back["step_grad_norm"], rec["step_grad_norm"])
    assert "step_grad_norm" not in swarm.train("sin", bees=2, epochs=2, width=3, progress=False)


# ---- the CLI -------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, needle", [
    (["sin", "--bias-init", "glorot"], "unknown --bias-init 'glorot'"),
    (["sin", "--penalty", "mean"], "unknown --penalty 'mean'"),
])
def test_cli_bad_options_are_one_line_and_exit_2(argv, needle, tmp_path, monkeypatch, capsys):
    from swarm.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(argv + ["--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_cli_passes_bias_init_and_penalty_to_training(tmp_path, monkeypatch):
    from swarm.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["sin", "--bees", "3", "--epochs", "3", "--init", "xavier", "--bias-init", "same",
                 "--l2", "0.1", "--penalty", "layer_mean", "--save", "run.npz", "--quiet",
                 "--size", "320x180", "--fps", "5", "--duration", "1", "--jobs", "1"]) == 0
    rec = swarm.load("run.npz")
    assert rec.meta["spec"]["bias_init"] == "same" and rec.meta["spec"]["penalty"] == "layer_mean"
    again = swarm.train("sin", bees=3, epochs=3, init="xavier", bias_init="same", l2=0.1,
                        penalty="layer_mean", progress=False)
    np.testing.assert_array_equal(rec["layer0.weight"], again["layer0.weight"])
