"""The seed toolkit's helper modules: networks, activations, regimes, registry, util, io."""
import json

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

import swarm.io as sio
from swarm import activations, core, networks, regimes, registry, util


# networks ------------------------------------------------------------------

@pytest.mark.parametrize("depth", [1, 3])
def test_flat_net_layout_and_shapes(depth):
    net = networks.flat_net(depth, 4, activation=nn.Tanh)
    assert isinstance(net, nn.Sequential) and len(net) == 2 * depth + 1
    linears = [m for m in net if isinstance(m, nn.Linear)]
    sizes = [(m.in_features, m.out_features) for m in linears]
    assert sizes == [(1, 4)] + [(4, 4)] * (depth - 1) + [(4, 1)]
    assert all(isinstance(net[i], nn.Tanh) for i in range(1, 2 * depth, 2))
    weight, bias, *_ = net.parameters()
    assert weight.shape == (4, 1) and bias.shape == (4,)
    x = torch.linspace(-1, 1, 9)
    y = net(x)
    assert y.shape == (9,)
    expected = x[:, None]
    for layer in net:
        expected = layer(expected)
    torch.testing.assert_close(y, expected[:, 0])
    loss = nn.MSELoss()(y, torch.sin(x))
    loss.backward()
    assert weight.grad is not None


@pytest.mark.parametrize("activation", ["relu", "xtanh", activations.xTanH, nn.ReLU(),
                                        "LeakyReLU"])
def test_flat_net_activation_forms(activation):
    net = networks.flat_net(2, 3, activation=activation)
    assert isinstance(net[1], nn.Module) and net[1] is not net[3]


@pytest.mark.parametrize("kw", [{"hidden_depth": 0}, {"hidden_depth": 1.5}, {"width": 0},
                                {"activation": "nope"}, {"activation": 3}])
def test_flat_net_bad_arguments(kw):
    args = {"hidden_depth": 1, "width": 2, **kw}
    with pytest.raises(ValueError, match=f"`{next(iter(kw))}`"):
        networks.flat_net(**args)


def test_activations():
    x = torch.linspace(-3, 3, 7)
    torch.testing.assert_close(activations.xTanH()(x), x - torch.tanh(x))
    assert activations.ReLU is nn.ReLU and activations.Tanh is nn.Tanh


# regimes -------------------------------------------------------------------

def test_default_train_is_seed_001s_loop():
    x = torch.linspace(-2, 2, 11)
    y = torch.sin(x)
    torch.manual_seed(4)
    got = list(regimes.default_train(x, y, hidden=1, width=3, num_epochs=5, lr=0.05))
    torch.manual_seed(4)
    net = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for ypred, loss in got:
        opt.zero_grad()
        expected = net(x[:, None])[:, 0]
        expected_loss = ((expected - y) ** 2).mean()
        expected_loss.backward()
        opt.step()
        torch.testing.assert_close(ypred, expected.detach())
        assert loss == pytest.approx(expected_loss.item(), rel=1e-6)


def test_make_bee_runs_in_swarm_train():
    x = torch.linspace(-2, 2, 11)
    bee = regimes.make_bee("default_train", x, torch.sin(x), width=3, num_epochs=4)
    res = core.swarm_train(bee, num_bees=2, seed=1, fields="ypred,loss", progress=False)
    assert res["ypred"].shape == (2, 4, 11) and res["loss"].shape == (2, 4)
    overridden = core.swarm_train(bee, {"num_epochs": 2}, num_bees=2, seed=1, progress=False)
    np.testing.assert_array_equal(overridden["V1"], res["ypred"][:, :2])


# registry ------------------------------------------------------------------

@pytest.mark.parametrize("getter,name,expected", [
    (registry.get_activation, "relu", nn.ReLU),
    (registry.get_activation, "xTanH", activations.xTanH),
    (registry.get_activation, "SiLU", nn.SiLU),
    (registry.get_network, "flat_net", networks.flat_net),
    (registry.get_regime, "default_train", regimes.default_train),
    (registry.get_torch_nn, "MSELoss", nn.MSELoss),
    (registry.get_torch_nn, "mse_loss", nn.MSELoss),
    (registry.get_torch_optim, "sgd", torch.optim.SGD),
    (registry.get_torch_optim, "Adam", torch.optim.Adam),
])
def test_registry_names(getter, name, expected):
    assert getter(name) is expected
    assert getter(expected) is expected  # callables pass through


@pytest.mark.parametrize("getter", [registry.get_activation, registry.get_network,
                                    registry.get_regime, registry.get_torch_nn,
                                    registry.get_torch_optim])
def test_registry_unknown_names_list_choices(getter):
    with pytest.raises(ValueError, match="choose one of"):
        getter("no-such-thing")
    with pytest.raises(ValueError, match="name or a callable"):
        getter(3)


# util ----------------------------------------------------------------------

def _seed(seed):
    """Seed both global generators by hand, as the seed toolkit did."""
    torch.manual_seed(seed)
    np.random.seed(seed)


def _draw():
    return torch.rand(2), np.random.rand(2)


def _assert_same(draws, expected):
    for a, b in zip(draws, expected):
        np.testing.assert_array_equal(a, b)


def test_seed_as_seeds_and_restores():
    _seed(1)
    outer = _draw()
    _seed(1)
    with util.seed_as(5):
        inner = _draw()
    _assert_same(_draw(), outer)
    _seed(5)
    _assert_same(inner, _draw())


def test_seed_as_restores_on_error():
    _seed(2)
    outer = _draw()
    _seed(2)
    with pytest.raises(KeyError):
        with util.seed_as(9):
            _draw()
            raise KeyError("boom")
    _assert_same(_draw(), outer)


def test_seed_as_rejects_bad_seeds():
    with pytest.raises(ValueError, match="`seed`"):
        with util.seed_as(-3):
            pass


@pytest.mark.parametrize("rows,columns", [
    ([["t1", "v1"]], [["t1"], ["v1"]]),
    ([["t1", "v1"], ["t2", "v2"], ["t3", "v3"]], [["t1", "t2", "t3"], ["v1", "v2", "v3"]]),
    ([(1, "a"), (2, "b")], [[1, 2], ["a", "b"]]),
    ([[1, 2, 3]], [[1], [2], [3]]),
    ([], []),
])
def test_transpose_gives_lists_and_is_its_own_inverse(rows, columns):
    assert util.transpose(rows) == columns
    assert all(type(c) is list for c in util.transpose(rows))
    if rows:
        assert util.transpose(util.transpose(rows)) == [list(r) for r in rows]
    assert util.transpose(iter(rows)) == columns  # a generator of rows
    assert util.transpose(tuple(r) for r in rows) == columns
    assert util.transpose(iter(r) for r in rows) == columns  # rows that are iterators


def test_transpose_of_ragged_rows_is_refused():
    with pytest.raises(ValueError, match="same length"):
        util.transpose([(1, 2), (3,)])


def test_merge_dicts():
    assert util.merge_dicts({"a": 1}, {"b": 2}, {}) == {"a": 1, "b": 2}
    with pytest.raises(ValueError, match=r"\['b'\]"):
        util.merge_dicts({"a": 1, "b": 2}, {"b": 3})


@pytest.mark.parametrize("d,rows", [
    ({"b": (1, 2, 3), "c": (4, 5, 6)}, [{"b": 1, "c": 4}, {"b": 2, "c": 5}, {"b": 3, "c": 6}]),
    ({"lr": [0.1, 0.01]}, [{"lr": 0.1}, {"lr": 0.01}]),
    ({"w": np.array([2, 4]), "act": ["relu", "tanh"]},
     [{"w": 2, "act": "relu"}, {"w": 4, "act": "tanh"}]),
    ({"a": [], "b": ()}, []),
])
def test_dict_slicer_zips_a_dict_of_sequences(d, rows):
    out = util.dict_slicer(d)
    assert iter(out) is out  # lazy, like the seed toolkit's generator
    assert list(out) == rows


@pytest.mark.parametrize("bad", [{"a": [1, 2], "b": [1]}, {}, [("a", [1])]])
def test_dict_slicer_refuses_unequal_lengths_at_the_call(bad):
    with pytest.raises(ValueError, match="`d`"):
        util.dict_slicer(bad)


# io ------------------------------------------------------------------------

@pytest.mark.parametrize("shape,levels", [
    ((2, 3), ["bee", "epoch"]),
    ((2, 3, 4), ["bee", "epoch", "ypred"]),
    ((2, 3, 4, 5), ["bee", "epoch", "ypred_0", "ypred_1"]),
    ((2, 1, 2, 3, 2), ["bee", "epoch", "ypred_0", "ypred_1", "ypred_2"]),
])
def test_to_2d_is_a_multiindexed_frame_of_every_element(shape, levels):
    arr = np.random.default_rng(0).random(shape)
    frame = sio.to_2d(arr, "ypred")
    assert list(frame.index.names) == levels
    assert list(frame.columns) == ["ypred_val"] and len(frame) == arr.size
    for idx in np.ndindex(*shape):  # brute force: every element where its index says
        assert frame.loc[idx, "ypred_val"] == arr[idx]
    if len(shape) == 3:
        assert frame.loc[(1, 2, 3)].ypred_val == arr[1, 2, 3]


@pytest.mark.parametrize("bad", [np.zeros(3), np.float32(1.0), [1, 2]])
def test_to_2d_refuses_fewer_than_two_dimensions(bad):
    with pytest.raises(ValueError, match="`arr`"):
        sio.to_2d(bad, "x")


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_write_data_round_trip(tmp_path, suffix):
    res = {"ypred": np.random.rand(2, 3, 4), "loss": np.random.rand(2, 3), "width": 7}
    path = sio.write_data(res, tmp_path / f"run{suffix}")
    table = pd.read_csv(path)
    assert list(table.columns) == ["field", "bee", "epoch", "dim0", "value"]
    assert len(table) == 2 * 3 * 4 + 2 * 3 and set(table["field"]) == {"ypred", "loss"}
    row = table[(table.field == "ypred") & (table.bee == 1) & (table.epoch == 2)
                & (table.dim0 == 3)]
    assert row["value"].item() == pytest.approx(res["ypred"][1, 2, 3])
    assert (table[table.field == "loss"]["dim0"] == -1).all()
    assert [p.name for p in tmp_path.iterdir()] == [f"run{suffix}"]  # no temporary left


def test_write_data_array_and_frame(tmp_path):
    arr = np.random.rand(2, 3)
    table = pd.read_csv(sio.write_data(arr, tmp_path / "a.csv", name="loss"))
    assert list(table.columns) == ["bee", "epoch", "loss_val"]
    np.testing.assert_allclose(table["loss_val"], arr.ravel())
    frame = pd.DataFrame({"a": [1, 2]})
    assert pd.read_csv(sio.write_data(frame, tmp_path / "f.csv")).equals(frame)


def test_write_data_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    arr = np.random.rand(2, 3)
    path = sio.write_data(arr, tmp_path / "a.parquet", name="loss")
    np.testing.assert_allclose(pd.read_parquet(path)["loss_val"], arr.ravel())


@pytest.mark.parametrize("name", ["out.txt", "out.gz", "out"])
def test_write_data_bad_extension(tmp_path, name):
    with pytest.raises(ValueError, match="`path`"):
        sio.write_data(np.zeros((1, 1)), tmp_path / name)


def test_write_data_in_the_seed_toolkits_folder_form(tmp_path):
    res = {"ypred": np.random.rand(2, 3, 4), "loss": np.random.rand(2, 3)}
    assert sio.write_data(str(tmp_path), {"lr": 0.1, "act": "relu"}, res) == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.csv", "metadata.json",
                                                          "ypred.csv"]
    assert json.loads((tmp_path / "metadata.json").read_text()) == {"lr": 0.1, "act": "relu"}
    ypred = pd.read_csv(tmp_path / "ypred.csv", index_col=[0, 1, 2])
    assert list(ypred.index.names) == ["bee", "epoch", "ypred"]
    assert ypred.loc[(1, 2, 3)].ypred_val == pytest.approx(res["ypred"][1, 2, 3])
    loss = pd.read_csv(tmp_path / "loss.csv")
    assert list(loss.columns) == ["bee", "epoch", "loss_val"]
    with pytest.raises(ValueError, match="`destdir`"):
        sio.write_data(str(tmp_path / "missing"), {}, res)
    (tmp_path / "x").mkdir()
    with pytest.raises(ValueError, match="`arr`"):  # checked before anything is written
        sio.write_data(str(tmp_path / "x"), {}, {"loss": np.zeros((1, 2)), "bad": np.zeros(3)})
    assert list((tmp_path / "x").iterdir()) == []


def test_write_data_rel_here_writes_beside_the_script(tmp_path, monkeypatch):
    import __main__

    monkeypatch.setattr(__main__, "__file__", str(tmp_path / "experiment.py"), raising=False)
    (tmp_path / "experiment.py").write_text("")
    out = sio.write_data_rel_here("run1", {"loss": np.zeros((1, 2))})
    assert out == tmp_path / "data_out" / "run1"
    assert sorted(p.name for p in out.iterdir()) == ["loss.csv", "metadata.json"]


@pytest.mark.parametrize("dicts,keys", [
    (({"a": 1, "b": 2}, {"b": 3, "c": 4}), {"b"}),
    (({"a": 1, "b": 2}, {"b": 3}, {"a": 5}), set()),  # only keys every dict has
    (({"a": 1},), {"a"}),
    ((), set()),
])
def test_key_intersection(dicts, keys):
    assert util.key_intersection(*dicts) == keys


def test_default_train_stops_on_a_nan_loss_like_seed_001():
    x = torch.linspace(-1, 1, 5)
    with pytest.raises(RuntimeError, match="NaN loss"):
        list(regimes.default_train(x, torch.full_like(x, float("nan")), num_epochs=3))


def test_tanh_has_the_seed_toolkits_spelling():
    x = torch.linspace(-2, 2, 7)
    torch.testing.assert_close(activations.TanH()(x), torch.tanh(x))


def test_animator_hook_helpers():
    from matplotlib.figure import Figure

    from swarm import animator

    ax = Figure().add_subplot()
    hook = animator.kwargs_hook(set_title="swarm", set_xlim=(-2, 3))
    seen = []
    animator.apply_hook(ax, [hook, seen.append])
    assert ax.get_title() == "swarm" and ax.get_xlim() == (-2, 3) and seen == [ax]
    animator.apply_hook(ax, None)
    animator.apply_hook(ax, lambda a: seen.append(1))
    assert seen == [ax, 1]
    animator.validate_ax_kwargs(set_ylabel="count")
    for make in (animator.validate_ax_kwargs, animator.kwargs_hook):
        with pytest.raises(ValueError, match="set_colour"):
            make(set_colour="red")
    line = animator.LineSwarm.standard(np.linspace(0, 1, 5), np.zeros(5), np.zeros((2, 3, 5)),
                                       hook=hook)
    assert line.num_frames == 3
