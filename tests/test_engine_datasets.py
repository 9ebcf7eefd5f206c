"""The engine on datasets: each bee against a plain torch.nn + torch.optim loop, the losses,
the recording's arrays, seeding, custom models and the checks at the door."""
import numpy as np
import pytest
import torch
from torch import nn

import swarm
from swarm import _random, datasets
from helpers import plain_net, plain_optimizer

MOONS = dict(data={"samples": 60, "noise": 0.2}, progress=False)
PLAIN_LOSSES = {"cross_entropy": nn.CrossEntropyLoss(), "hinge": nn.MultiMarginLoss(),
                "mse": nn.MSELoss(), "l1": nn.L1Loss(),
                "fourth": lambda out, t: ((out - t) ** 4).mean(),
                "constant": lambda out, t: out.sum() * 0.0}


def plain_dataset_loop(rec, bee: int, optimizer: str, epochs: int):
    """Bee ``bee`` trained alone from its recorded start, replaying its minibatch order.

    Returns its weights at the start of every epoch: [epoch][parameter] arrays."""
    spec = rec.meta["spec"]
    net = plain_net(rec, bee)
    opt = plain_optimizer(optimizer, net.parameters(), spec["lr"], spec["momentum"])
    x, y = torch.tensor(rec.x), torch.tensor(rec.y)
    loss_fn = PLAIN_LOSSES[spec["loss"]]
    if spec["loss"] not in ("cross_entropy", "hinge"):
        y = nn.functional.one_hot(y, spec["outputs"]).float()
    samples, size = len(x), spec["batch_size"] or len(x)
    weights = []
    for epoch in range(epochs):
        weights.append([p.detach().numpy().copy() for p in net.parameters()])
        order = np.arange(samples) if size >= samples else np.argsort(
            _random.uniform(spec["seed"], [bee], (1 << 20) + epoch, samples)[0], kind="stable")
        for start in range(0, samples, size):
            idx = torch.tensor(order[start:start + size])
            opt.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
    return weights


def assert_bee_matches(rec, bee, optimizer, epochs, atol=1e-5):
    weights = plain_dataset_loop(rec, bee, optimizer, epochs)
    for e in range(epochs):
        for k in rec.layer_indices:
            np.testing.assert_allclose(rec.weights(k)[bee, e], weights[e][2 * k], atol=atol,
                                       err_msg=f"epoch {e} layer {k}")
            np.testing.assert_allclose(rec.biases(k)[bee, e], weights[e][2 * k + 1], atol=atol)


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.05), ("adam", 0.01)])
@pytest.mark.parametrize("depth", [1, 3])
@pytest.mark.parametrize("batch_size", [None, 16])
def test_each_moons_bee_matches_a_plain_torch_loop(optimizer, lr, depth, batch_size):
    rec = swarm.train("moons", bees=3, epochs=50, width=6, depth=depth, optimizer=optimizer,
                      lr=lr, batch_size=batch_size, seed=2, **MOONS)
    assert rec.meta["spec"]["loss"] == "cross_entropy" and not rec.diverged.any()
    for bee in (0, 2):
        assert_bee_matches(rec, bee, optimizer, 50)


@pytest.mark.parametrize("loss", ["hinge", "mse", "l1", "fourth", "constant"])
def test_each_classification_loss_trains_as_a_plain_loop(loss):
    rec = swarm.train("spiral", bees=2, epochs=15, width=5, depth=2, loss=loss, lr=0.05,
                      optimizer="sgd",
                      data={"samples": 45}, progress=False)
    assert rec["layer2.weight"].shape[2] == 3  # one output per class
    assert_bee_matches(rec, 1, "sgd", 15)


def test_constant_loss_leaves_weights_alone_but_l2_still_shrinks_them():
    rec = swarm.train("moons", bees=2, epochs=5, loss="constant", **MOONS)
    np.testing.assert_array_equal(rec.weights(0)[:, 0], rec.weights(0)[:, -1])
    assert (rec["loss"] == 0).all()
    shrunk = swarm.train("moons", bees=2, epochs=5, loss="constant", l2=0.1, **MOONS)
    assert np.abs(shrunk.weights(0)[:, -1]).sum() < np.abs(shrunk.weights(0)[:, 0]).sum()


@pytest.mark.parametrize("depth", [1, 2])
def test_fused_path_equals_torch_func_path_on_a_dataset(depth):
    kw = dict(bees=3, epochs=12, width=5, depth=depth, batch_size=20, keep_predictions=True,
              **MOONS)
    fused = swarm.train("moons", engine="fused", **kw)
    func = swarm.train("moons", engine="func", **kw)
    for key in fused:
        np.testing.assert_allclose(fused[key], func[key], atol=2e-5, rtol=1e-4, err_msg=key)


def test_recording_of_a_dataset_swarm():
    ds = datasets.moons(50, noise=0.2, seed=4)
    rec = swarm.train(ds, bees=3, epochs=6, width=4, depth=2, record_every=2, progress=False)
    assert "ypred" not in rec
    np.testing.assert_array_equal(rec.x, ds.x)
    np.testing.assert_array_equal(rec["y_test"], ds.y_test)
    assert rec.epoch.tolist() == [0, 2, 4, 5]
    for key in ("loss", "test_loss", "accuracy", "test_accuracy", "grad_norm"):
        assert rec[key].shape == (3, 4), key
    assert rec.weights(0).shape == (3, 4, 4, 2) and rec.weights(2).shape == (3, 4, 2, 4)
    spec = rec.meta["spec"]
    assert (spec["task"], spec["inputs"], spec["outputs"]) == ("classification", 2, 2)
    assert spec["piecewise_linear"] is True and rec.meta["dataset"] == ds.to_meta()
    # the recorded scores are those of the recorded weights, recomputed by plain torch
    for bee in range(3):
        net = plain_net(rec, bee)  # epoch-0 weights
        with torch.no_grad():
            out = net(torch.tensor(ds.x))
            test = net(torch.tensor(ds.x_test))
        y, y_test = torch.tensor(ds.y), torch.tensor(ds.y_test)
        assert np.isclose(rec["loss"][bee, 0], nn.functional.cross_entropy(out, y), atol=1e-6)
        assert np.isclose(rec["test_loss"][bee, 0], nn.functional.cross_entropy(test, y_test),
                          atol=1e-6)
        assert rec["accuracy"][bee, 0] == (out.argmax(1) == y).float().mean()
        assert rec["test_accuracy"][bee, 0] == (test.argmax(1) == y_test).float().mean()


def test_predictions_are_kept_on_request():
    rec = swarm.train("moons", bees=2, epochs=3, width=4, keep_predictions=True, **MOONS)
    assert rec["ypred"].shape == (2, 3, 48, 2)
    with torch.no_grad():
        out = plain_net(rec, 1)(torch.tensor(rec.x))
    np.testing.assert_allclose(rec["ypred"][1, 0], out, atol=1e-6)


def test_arrays_int_labels_classify_and_floats_regress():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    rec = swarm.train((x, (x[:, 0] > 0).astype(int)), bees=2, epochs=3, progress=False)
    assert rec.meta["spec"]["task"] == "classification" and rec.meta["spec"]["outputs"] == 2
    y = np.stack([x.sum(1), x[:, 0] * x[:, 1]], 1)
    rec = swarm.train((x, y), bees=2, epochs=40, width=16, lr=0.05, progress=False)
    spec = rec.meta["spec"]
    assert (spec["task"], spec["outputs"], spec["loss"]) == ("regression", 2, "mse")
    assert "accuracy" not in rec and rec["test_loss"].shape == (2, 40)
    assert rec["loss"][:, -1].max() < rec["loss"][:, 0].min()
    # the recorded loss is torch's MSE of the recorded weights on the (standardised) data
    with torch.no_grad():
        out = plain_net(rec, 0)(torch.tensor(rec.x))
    assert np.isclose(rec["loss"][0, 0], nn.functional.mse_loss(out, torch.tensor(rec.y)),
                      rtol=1e-5)


def test_data_does_not_depend_on_the_swarm_seed_and_bees_do():
    a = swarm.train("moons", bees=3, epochs=2, seed=1, **MOONS)
    b = swarm.train("moons", bees=3, epochs=2, seed=2, **MOONS)
    for key in ("x", "y", "x_test", "y_test"):
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a.weights(0), b.weights(0))
    c = swarm.train("moons", bees=3, epochs=2, seed=1, data={"samples": 60, "noise": 0.2,
                                                             "seed": 9}, progress=False)
    assert not np.array_equal(a.x, c.x)
    np.testing.assert_array_equal(a.weights(0)[:, 0], c.weights(0)[:, 0])


@pytest.mark.parametrize("batch_size", [None, 10])
def test_bee_i_does_not_depend_on_swarm_size_on_a_dataset(batch_size):
    small = swarm.train("moons", bees=2, epochs=5, batch_size=batch_size, **MOONS)
    large = swarm.train("moons", bees=12, epochs=5, batch_size=batch_size, **MOONS)
    for key in ("loss", "grad_norm", "test_loss", "layer0.weight", "layer1.bias"):
        np.testing.assert_array_equal(small[key], large[key][:2], err_msg=key)


def test_per_bee_lr_divergence_and_inits_on_a_dataset():
    lr = np.array([0.05, 0.05, 1e4])
    rec = swarm.train("moons", bees=3, epochs=20, lr=lr, init="normal:3", loss="mse",
                      activation="tanh", l1=0.001, **MOONS)
    assert rec.diverged.tolist() == [False, False, True]
    assert np.isfinite(rec.weights(1)).all()
    one = swarm.train("moons", bees=1, epochs=20, lr=0.05, init="normal:3", loss="mse",
                      activation="tanh", l1=0.001, **MOONS)
    np.testing.assert_allclose(rec.weights(1)[:1], one.weights(1), atol=1e-6)


def test_digits_reaches_ninety_percent_median_test_accuracy():
    rec = swarm.train("digits", bees=8, epochs=20, width=32, optimizer="adam", lr=0.01,
                      batch_size=64, progress=False)
    assert rec.weights(0).shape[2:] == (32, 64) and rec.weights(1).shape[2:] == (10, 32)
    assert np.median(rec["test_accuracy"][:, -1]) > 0.9


def test_a_small_cnn_on_digits_through_torch_func():
    def cnn():
        return nn.Sequential(nn.Unflatten(1, (1, 8, 8)), nn.Conv2d(1, 4, 3), nn.ReLU(),
                             nn.Flatten(), nn.Linear(4 * 6 * 6, 10))

    rec = swarm.train("digits", bees=3, epochs=4, model=cnn, optimizer="adam", lr=0.01,
                      batch_size=128, data={"samples": 400}, progress=False)
    spec = rec.meta["spec"]
    assert rec.meta["engine"] == "func" and spec["piecewise_linear"] is False
    assert spec["width"] is None and spec["activation"] is None
    assert rec["param.1.weight"].shape == (3, 4, 4, 1, 3, 3)
    assert rec.weights(0).shape == (3, 4, 10, 144)
    assert (rec["test_accuracy"][:, -1] > rec["test_accuracy"][:, 0]).all()


BAD_MODELS = [
    (nn.Linear(2, 2), "factory"),
    (lambda: "not a module", "torch.nn.Module"),
    (lambda: nn.ReLU(), "no parameters"),
    (lambda: nn.Linear(2, 3), r"\[sample, 2\].*\[2, 3\]"),
    (lambda: nn.Linear(5, 2), "failed"),
]


@pytest.mark.parametrize("model,message", BAD_MODELS)
def test_bad_models_are_one_line_value_errors(model, message):
    with pytest.raises(ValueError, match=f"`model`.*{message}"):
        swarm.train("moons", bees=2, epochs=1, model=model, **MOONS)


@pytest.mark.parametrize("name", ["width", "depth", "activation", "init"])
def test_mlp_arguments_are_refused_with_a_model(name):
    value = {"width": 8, "depth": 2, "activation": "tanh", "init": "xavier"}[name]
    with pytest.raises(ValueError, match=f"`{name}`.*`model`"):
        swarm.train("moons", bees=2, epochs=1, model=lambda: nn.Linear(2, 2),
                    **{name: value}, **MOONS)


@pytest.mark.parametrize("kwargs,message", [
    (dict(loss="huber"), "`loss`"), (dict(points=50), "`points`"), (dict(domain=(0, 1)),
                                                                    "`domain`"),
    (dict(data=[1, 2]), "`data`"),
])
def test_bad_dataset_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        swarm.train("moons", bees=2, epochs=1, **{"progress": False, **kwargs})


def test_knobs_for_a_target_are_refused():
    with pytest.raises(ValueError, match="`data`"):
        swarm.train("sin", bees=2, epochs=1, data={"samples": 5}, progress=False)


@pytest.mark.parametrize("optimizer", ["rmsprop", "nesterov"])
def test_rmsprop_and_nesterov_bees_match_plain_loops(optimizer):
    rec = swarm.train("moons", bees=2, epochs=20, width=5, lr=0.01, batch_size=24, seed=5,
                      optimizer="sgd" if optimizer == "nesterov" else optimizer,
                      nesterov=optimizer == "nesterov", **MOONS)
    assert_bee_matches(rec, 1, optimizer, 20)


def _two_outputs():
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


@pytest.mark.parametrize("target,kwargs", [
    ("sin", {}), ("moons", {}), ("moons", {"keep_predictions": True}),
    ("regression", {}), ("regression", {"model": _two_outputs, "keep_predictions": True}),
])
def test_memory_estimate_counts_what_the_recording_keeps(target, kwargs):
    from swarm._spec import make_spec, recorded_floats_per_bee

    if target == "regression":
        x = np.random.default_rng(0).normal(size=(40, 3))
        target = (x, np.stack([x[:, 0], x[:, 1] * x[:, 2]], 1))
    kw = dict(bees=2, epochs=3, progress=False, **kwargs)
    rec = swarm.train(target, **kw)
    kept = sum(v[0, 0].size for k, v in rec.items()
               if k not in ("x", "y", "x_test", "y_test") and v.shape[:2] == (2, 3))
    assert recorded_floats_per_bee(make_spec(target, **kw)) == kept


@pytest.mark.parametrize("batch_size", [None, 20])
def test_large_dataset_swarms_evaluated_in_chunks_give_the_same_numbers(monkeypatch,
                                                                         batch_size):
    import swarm._model.nets

    kw = dict(bees=150, epochs=4, width=6, batch_size=batch_size, keep_predictions=True,
              **MOONS)
    whole = swarm.train("moons", **kw)
    monkeypatch.setattr(swarm._model.nets, "_CHUNK_FLOATS", 1)  # chunks of 8 bees
    chunked = swarm.train("moons", **kw)
    for key in ("loss", "grad_norm", "accuracy", "layer0.weight", "layer1.weight", "ypred",
                "test_loss", "test_accuracy"):  # chunks write their rows of the outputs
        np.testing.assert_array_equal(chunked[key], whole[key], err_msg=key)


@pytest.mark.parametrize("model,message", [
    (nn.Linear(1, 1), "factory"), (lambda: nn.Linear(1, 3), r"\[sample, 1\].*\[2, 3\]"),
    (lambda: nn.Sequential(nn.Tanh()), "no parameters"),
])
def test_bad_models_on_a_one_d_target(model, message):
    with pytest.raises(ValueError, match=f"`model`.*{message}"):
        swarm.train("sin", bees=2, epochs=1, model=model, progress=False)
    with pytest.raises(ValueError, match="`width`.*`model`"):
        swarm.train("sin", bees=2, epochs=1, width=7, model=lambda: nn.Linear(1, 1),
                    progress=False)


def test_accuracy_follows_argmax_also_on_ties():
    from swarm._feed import accuracy

    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 3, 50, generator=gen)
    logits[:2, 2] = logits[:2, 0]  # bees 0 and 1: classes 0 and 2 tie everywhere
    labels = torch.randint(0, 3, (1, 50), generator=gen)
    expected = (logits.argmax(1) == labels).float().mean(-1)
    torch.testing.assert_close(accuracy(logits, labels), expected)
    rec = swarm.train("spiral", bees=2, epochs=1, init="zeros", data={"samples": 60},
                      progress=False)  # every logit 0: argmax says class 0
    np.testing.assert_allclose(rec["accuracy"][:, 0], np.mean(rec.y == 0))


def test_a_dataset_without_a_test_split_trains_and_records_no_test_scores():
    """``test=0`` (seed 002 trains on all 16 alternating points): train accuracy as usual,
    no test loss or accuracy (there is nothing to score: no NaN to show); the bees match a
    split run's."""
    rec = swarm.train("alternating", data={"test": 0}, bees=3, epochs=4, width=5, depth=2,
                      lr=0.1, optimizer="sgd", progress=False)
    assert rec["x_test"].shape == (0, 1) and not rec.has_test
    assert "test_loss" not in rec and "test_accuracy" not in rec
    assert np.isfinite(rec["accuracy"]).all()
    assert_bee_matches(rec, 2, "sgd", 4)


def test_a_dataset_without_a_test_split_trains_and_scores_nothing_on_it():
    rec = swarm.train("moons", data={"test": 0, "samples": 40}, bees=3, epochs=2, progress=False)
    assert rec["x_test"].shape == (0, 2)
    assert "test_accuracy" not in rec and np.isfinite(rec["accuracy"]).all()


def test_minibatch_order_is_the_stable_argsort_even_with_ties():
    from swarm._feed import _order

    rng = np.random.default_rng(3)
    keys = rng.random((6, 300))
    keys[2, 10:40] = 0.5  # a run of ties in one row
    keys[4, ::3] = keys[4, 0]
    np.testing.assert_array_equal(_order(keys), np.argsort(keys, axis=1, kind="stable"))


def test_chunks_shared_out_to_threads_give_the_numbers_of_one_thread(monkeypatch):
    import swarm._model.nets
    from swarm._threads import map_cores

    monkeypatch.setattr(swarm._model.nets, "_CHUNK_FLOATS", 1)  # many small chunks
    kw = dict(bees=150, epochs=4, width=6, batch_size=None, **MOONS)
    threaded = swarm.train("moons", **kw)
    monkeypatch.setattr(swarm._model.nets, "map_cores",
                        lambda fn, items: map_cores(fn, items, workers=1))
    in_turn = swarm.train("moons", **kw)
    few = swarm.train("moons", **dict(kw, bees=3))  # bee i's numbers do not depend on the others
    for key in ("loss", "test_loss", "grad_norm", "accuracy", "layer0.weight", "layer1.weight"):
        np.testing.assert_array_equal(threaded[key], in_turn[key], err_msg=key)
        np.testing.assert_array_equal(threaded[key][:3], few[key], err_msg=key)


@pytest.mark.parametrize("classes", [3, 4, 6])
def test_accuracy_matches_argmax_with_many_ties_nans_and_infinities(classes):
    """The multi-class hit (the label's logit equal to the largest, the first of tied ones
    deciding) against argmax, on small whole-number logits (ties everywhere) with NaN
    (a wrong sample) and +-inf among them, shared and per-bee labels."""
    from swarm._feed import accuracy

    gen = torch.Generator().manual_seed(classes)
    for trial in range(40):
        logits = torch.randint(-2, 3, (3, classes, 50), generator=gen).float()
        for value, share in ((float("nan"), 0.05 * (trial % 3 == 0)),
                             (float("inf"), 0.05 * (trial % 4 == 0)),
                             (float("-inf"), 0.05 * (trial % 5 == 0))):
            logits[torch.rand(logits.shape, generator=gen) < share] = value
        labels = torch.randint(0, classes, (1 if trial % 2 else 3, 50), generator=gen)
        expected = ((logits.argmax(1) == labels) & ~logits.isnan().any(1)).float().mean(-1)
        torch.testing.assert_close(accuracy(logits, labels), expected)
