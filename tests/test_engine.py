"""The batched engine against one-bee torch loops, seeds, divergence and arguments."""
import numpy as np
import pytest
import torch

import swarm
from helpers import plain_loop

TINY = dict(bees=4, epochs=50, points=21, progress=False)


@pytest.mark.parametrize("optimizer", ["sgd", "nesterov", "adam", "rmsprop"])
@pytest.mark.parametrize("depth", [1, 3])
def test_each_bee_matches_a_plain_torch_loop(optimizer, depth):
    lr = 0.01 if optimizer in ("sgd", "nesterov") else 0.003
    rec = swarm.train("sin", width=6, depth=depth, lr=lr, seed=3,
                      optimizer="sgd" if optimizer == "nesterov" else optimizer,
                      nesterov=optimizer == "nesterov", **TINY)
    for bee in (0, 3):
        preds, weights = plain_loop(rec, bee, optimizer, 50)
        np.testing.assert_allclose(rec["ypred"][bee], preds, atol=1e-5, rtol=1e-5)
        for k in rec.layer_indices:
            np.testing.assert_allclose(rec.weights(k)[bee, -1], weights[-1][2 * k], atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu", "xtanh", "abs", "sigmoid",
                                        "softplus", "sin", "square", "leaky_relu", "identity"])
@pytest.mark.parametrize("loss,depth", [("mse", 1), ("huber", 2)])
def test_activations_and_losses_match_a_plain_loop(activation, loss, depth):
    rec = swarm.train("cos", domain=(-2, 2), width=5, depth=depth, activation=activation,
                      loss=loss, lr=0.005, **TINY)
    assert not rec.diverged.any()
    preds, _ = plain_loop(rec, 1, "sgd", 50)
    np.testing.assert_allclose(rec["ypred"][1], preds, atol=1e-5, rtol=1e-5)


def test_l1_loss_matches_a_plain_loop():
    rec = swarm.train("abs", width=5, loss="l1", **TINY)
    preds, _ = plain_loop(rec, 2, "sgd", 50)
    np.testing.assert_allclose(rec["ypred"][2], preds, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("depth", [1, 2])
def test_fused_path_equals_torch_func_path(depth):
    fused = swarm.train("sin12", width=7, depth=depth, engine="fused", **TINY)
    func = swarm.train("sin12", width=7, depth=depth, engine="func", **TINY)
    assert fused.meta["engine"] == "fused" and func.meta["engine"] == "func"
    for key in fused:
        np.testing.assert_allclose(fused[key], func[key], atol=2e-5, rtol=1e-4, err_msg=key)


def test_same_seed_gives_identical_arrays_and_another_seed_does_not():
    a = swarm.train("sin", seed=5, **TINY)
    b = swarm.train("sin", seed=5, **TINY)
    c = swarm.train("sin", seed=6, **TINY)
    for key in a:
        assert np.array_equal(a[key], b[key]), key
    assert not np.array_equal(a["layer0.weight"], c["layer0.weight"])


@pytest.mark.parametrize("batch_size", [None, 8])
def test_bee_i_does_not_depend_on_swarm_size(batch_size):
    small = swarm.train("sin", seed=1, bees=3, epochs=20, points=21, batch_size=batch_size,
                        progress=False)
    large = swarm.train("sin", seed=1, bees=9, epochs=20, points=21, batch_size=batch_size,
                        progress=False)
    for key in ("ypred", "loss", "layer0.weight", "layer1.bias"):
        np.testing.assert_array_equal(small[key], large[key][:3])


def test_minibatches_match_a_plain_loop_over_the_same_order():
    from swarm import _random
    from helpers import plain_net

    rec = swarm.train("sin", seed=2, bees=2, epochs=6, points=10, batch_size=4, lr=0.02,
                      domain=(-2, 2), progress=False)
    assert not rec.diverged.any()
    bee = 1
    net = plain_net(rec, bee)
    opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
    x, y = torch.from_numpy(rec.x), torch.from_numpy(rec.y)
    for epoch in range(6):
        np.testing.assert_allclose(net(x[:, None])[:, 0].detach(), rec["ypred"][bee, epoch],
                                   atol=1e-5)
        order = np.argsort(_random.uniform(2, [bee], (1 << 20) + epoch, 10)[0], kind="stable")
        for start in range(0, 10, 4):
            idx = torch.from_numpy(order[start:start + 4])
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(x[idx, None])[:, 0], y[idx]).backward()
            opt.step()


def test_divergence_is_flagged_and_frozen_without_raising():
    rec = swarm.train("sin", bees=6, epochs=40, lr=100.0, progress=False)
    assert rec.diverged.all()
    assert (rec["diverged_at"] >= 0).all()
    assert rec.meta["diverged"] == 6
    last = rec.weights(0)[:, -1]
    assert np.isfinite(last).all()  # frozen at the last finite weights
    np.testing.assert_array_equal(rec.weights(0)[:, -2], last)


def test_only_the_diverging_bees_are_frozen():
    lr = np.array([0.01, 0.01, 100.0])
    rec = swarm.train("sin", bees=3, epochs=30, lr=lr, progress=False)
    assert rec.diverged.tolist() == [False, False, True]
    assert np.isfinite(rec["loss"][:2]).all()
    assert rec["diverged_at"].tolist()[:2] == [-1, -1]


def test_per_bee_hyperparameters_equal_separate_swarms():
    lr = np.array([0.01, 0.003, 0.02])
    mom = np.array([0.9, 0.5, 0.0])
    hive = swarm.train("sin", bees=3, epochs=30, lr=lr, momentum=mom, bee_ids=[0, 0, 0],
                       progress=False)
    for i in range(3):
        one = swarm.train("sin", bees=1, epochs=30, lr=float(lr[i]), momentum=float(mom[i]),
                          progress=False)
        np.testing.assert_allclose(hive["ypred"][i], one["ypred"][0], atol=1e-5, rtol=1e-5)


def test_record_every_keeps_those_epochs_and_the_last():
    full = swarm.train("sin", seed=4, bees=2, epochs=25, progress=False)
    thin = swarm.train("sin", seed=4, bees=2, epochs=25, record_every=10, progress=False)
    assert thin.epoch.tolist() == [0, 10, 20, 24]
    np.testing.assert_array_equal(thin["ypred"], full["ypred"][:, [0, 10, 20, 24]])


def test_recording_shapes_and_entry_zero_is_untrained():
    rec = swarm.train("sin", bees=3, epochs=5, width=4, depth=2, points=11, progress=False)
    assert rec["ypred"].shape == (3, 5, 11) and rec["ypred"].dtype == np.float32
    assert rec["loss"].shape == rec["grad_norm"].shape == (3, 5)
    assert rec.weights(0).shape == (3, 5, 4, 1) and rec.weights(1).shape == (3, 5, 4, 4)
    assert rec.weights(2).shape == (3, 5, 1, 4) and rec.biases(2).shape == (3, 5, 1)
    assert rec.epoch.tolist() == list(range(5))
    # entry 0's loss is the loss of entry 0's predictions
    np.testing.assert_allclose(rec["loss"][:, 0], ((rec["ypred"][:, 0] - rec.y) ** 2).mean(1),
                               rtol=1e-5)


def test_fly_streams_states_and_can_stop_early():
    states = swarm.fly("cos", bees=2, epochs=1000, width=3, progress=False)
    first = next(states)
    assert first["epoch"] == 0 and first["ypred"].shape == (2, 101)
    assert first["layer0.weight"].shape == (2, 3, 1) and first["diverged"].shape == (2,)
    second = next(states)
    assert second["epoch"] == 1
    assert not np.array_equal(first["layer0.weight"], second["layer0.weight"])
    states.close()


def test_custom_model_through_torch_func():
    from torch import nn

    def factory():
        return nn.Sequential(nn.Linear(1, 5), nn.Tanh(), nn.Linear(5, 5), nn.ReLU(),
                             nn.Linear(5, 1))

    rec = swarm.train("sin", model=factory, **TINY)
    assert rec.meta["engine"] == "func"
    assert rec.weights(1).shape == (4, 50, 5, 5)
    assert rec["loss"][:, -1].mean() < rec["loss"][:, 0].mean()
    # bee 0 against a plain loop from the same start
    net = factory()
    with torch.no_grad():
        for p, k in zip(net.parameters(), ["layer0.weight", "layer0.bias", "layer1.weight",
                                           "layer1.bias", "layer2.weight", "layer2.bias"]):
            p.copy_(torch.from_numpy(rec[k][0, 0]))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.from_numpy(rec.x)[:, None], torch.from_numpy(rec.y)
    for epoch in range(50):
        opt.zero_grad()
        pred = net(x)[:, 0]
        np.testing.assert_allclose(pred.detach(), rec["ypred"][0, epoch], atol=1e-5)
        torch.nn.functional.mse_loss(pred, y).backward()
        opt.step()


@pytest.mark.parametrize("init,check", [
    ("zeros", lambda w, b: (w == 0).all() and (b == 0).all()),
    ("ones", lambda w, b: (w == 1).all() and (b == 0).all()),
    ("xavier", lambda w, b: np.abs(w).max() <= np.sqrt(6 / 21) and (b == 0).all()),
    ("normal:0.5", lambda w, b: abs(w.std() - 0.5) < 0.05 and (b == 0).all()),
    ("default", lambda w, b: np.abs(w).max() <= 1 / np.sqrt(20) and np.abs(b).max() <= 1 / np.sqrt(20)),
])
def test_initialisations(init, check):
    rec = swarm.train("sin", bees=50, epochs=1, width=20, depth=2, init=init, progress=False)
    assert check(rec.weights(1)[:, 0], rec.biases(1)[:, 0])


def test_l2_shrinks_weights():
    plain = swarm.train("sin", bees=3, epochs=100, progress=False)
    l2 = swarm.train("sin", bees=3, epochs=100, l2=0.05, progress=False)
    assert np.abs(l2.weights(1)[:, -1]).sum() < np.abs(plain.weights(1)[:, -1]).sum()


def test_expression_targets_and_domains():
    rec = swarm.train("sin(3*x) + 0.5*x", domain=(-2, 2), bees=2, epochs=3, points=9,
                      progress=False)
    np.testing.assert_allclose(rec.y, np.sin(3 * rec.x) + 0.5 * rec.x, atol=1e-6)
    assert rec.x[0] == -2 and rec.x[-1] == 2
    rec = swarm.train("sin", domain="-pi:pi", bees=1, epochs=1, progress=False)
    assert np.isclose(rec.x[-1], np.pi)


BAD = [
    ("bees", 0), ("bees", -5), ("bees", 2.5), ("epochs", 0), ("width", 0), ("depth", 0),
    ("activation", "swish"), ("optimizer", "lbfgs"), ("lr", 0), ("lr", -1), ("lr", float("nan")),
    ("momentum", 1.0), ("momentum", -0.1), ("loss", "hinge"), ("domain", (3, 1)),
    ("domain", "abc"), ("points", 1), ("init", "normal:-1"), ("init", "he"),
    ("init", "normal"), ("init", "normalx"), ("init", "normal:"), ("l1", -1),
    ("l2", "x"), ("batch_size", 0), ("record_every", 0), ("seed", "one"), ("device", "tpu"),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_arguments_are_value_errors_naming_them(name, value):
    with pytest.raises(ValueError, match=f"`?{name}`?"):
        swarm.train("sin", **{"bees": 2, "epochs": 2, "progress": False, name: value})


def test_unknown_target_lists_the_names():
    with pytest.raises(ValueError, match="unknown target 'tan2'.*sin"):
        swarm.train("tan2", bees=1, epochs=1)


def test_a_recording_too_big_for_memory_is_refused_up_front():
    with pytest.raises(ValueError, match="record_every"):
        swarm.train("sin", bees=100_000, epochs=100_000, progress=False)


def test_large_swarms_evaluated_in_chunks_give_the_same_numbers(monkeypatch):
    import swarm._model.nets

    whole = swarm.train("sin", bees=150, epochs=8, width=6, progress=False)
    monkeypatch.setattr(swarm._model.nets, "_CHUNK_FLOATS", 1)  # chunks of 64 bees
    chunked = swarm.train("sin", bees=150, epochs=8, width=6, progress=False)
    for key in ("ypred", "loss", "grad_norm", "layer0.weight", "layer1.weight"):
        np.testing.assert_allclose(chunked[key], whole[key], rtol=1e-5, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("init", ["normal", "normalx", "normal:", "normal:abc"])
def test_init_normal_needs_its_std(init):
    with pytest.raises(ValueError, match="`init`.*normal:STD"):
        swarm.train("sin", bees=2, epochs=2, init=init, progress=False)


def test_an_lr_of_the_wrong_shape_names_the_shape_not_the_values():
    with pytest.raises(ValueError) as info:
        swarm.train("sin", bees=3, epochs=2, lr=np.full((3, 4), 0.123456789), progress=False)
    assert "shape (3, 4)" in str(info.value) and "0.1234" not in str(info.value)
    assert "3 values (one per bee)" in str(info.value)


def test_a_target_not_finite_on_its_domain_is_refused_before_training():
    with pytest.raises(ValueError, match="'1/x' is not finite at x=0"):
        swarm.train("1/x", bees=2, epochs=2, progress=False)
    rec = swarm.train("1/x", domain="1:2", bees=2, epochs=2, progress=False)
    np.testing.assert_allclose(rec.y, 1 / rec.x, rtol=1e-6)


def test_spec_mistakes_are_found_before_torch_is_imported():
    import subprocess
    import sys

    code = ("import sys\nfrom swarm._spec import make_spec\n"
            "for kw in ({'bees': 0}, {'target': '1/x'}, {'domain': '-2:x'}, {'lr': -1}):\n"
            "    try:\n        make_spec(**kw)\n    except ValueError:\n        pass\n"
            "    else:\n        raise SystemExit(kw)\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
