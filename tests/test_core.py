"""swarm.core: the seed toolkit's generator protocol, seeding, sweeps and hives."""
import joblib
import numpy as np
import pytest
import torch

from helpers import seed001_bee_trainer as bee_trainer
from swarm import _random, core


XT = torch.linspace(-3 * np.pi, 3 * np.pi, 21)
PARAMS = {"xt": XT, "yt": torch.sin(XT), "width": 5, "num_epochs": 4}
FIELDS = "ypred,weights,biases"


def hand_bee(seed):
    """One bee by hand, seeded the way the seed toolkit seeded its swarm."""
    torch.manual_seed(seed)
    np.random.seed(seed if seed < 2**32 else [seed % 2**32, seed // 2**32])
    rows = list(bee_trainer(**PARAMS))
    return [np.stack([r[f].detach().numpy() if f == 0 else r[f] for r in rows]) for f in range(3)]


def draws(trainer_seed_unused=None, num_epochs=3):
    """A trainer that only reports the global generators' draws."""
    for _ in range(num_epochs):
        yield torch.rand(2), np.random.rand(2)


def test_seed_001_shapes_and_fields():
    res = core.swarm_train(bee_trainer, PARAMS, num_bees=3, fields=FIELDS, seed=20,
                           progress=False)
    assert list(res) == ["ypred", "weights", "biases"]
    assert res["ypred"].shape == (3, 4, 21) and res["ypred"].dtype == np.float32
    assert res["weights"].shape == res["biases"].shape == (3, 4, 5)
    assert res.seed == 20


def test_bees_are_seeded_from_seed_then_seed_and_index():
    res = core.swarm_train(bee_trainer, PARAMS, num_bees=3, fields=FIELDS, seed=20,
                           progress=False)
    for bee, seed in enumerate([20, _random.bee_seed(20, 1), _random.bee_seed(20, 2)]):
        for name, expected in zip(res, hand_bee(seed)):
            np.testing.assert_array_equal(res[name][bee], expected)
    assert not np.array_equal(res["weights"][0], res["weights"][1])


def test_parallel_gives_the_sequential_arrays():
    kw = dict(num_bees=4, fields=FIELDS, seed=7, progress=False)
    seq = core.swarm_train(bee_trainer, PARAMS, **kw)
    par = core.swarm_train(bee_trainer, PARAMS, n_jobs=2, **kw)
    for name in seq:
        np.testing.assert_array_equal(seq[name], par[name])


def test_outer_random_state_is_untouched():
    torch.manual_seed(123)
    np.random.seed(123)
    expected = torch.rand(3), np.random.rand(3)
    torch.manual_seed(123)
    np.random.seed(123)
    core.swarm_train(draws, num_bees=2, seed=5, progress=False)
    np.testing.assert_array_equal(torch.rand(3), expected[0])
    np.testing.assert_array_equal(np.random.rand(3), expected[1])


def test_seed_none_draws_one_seed_and_records_it():
    first = core.swarm_train(draws, num_bees=2, progress=False)
    assert isinstance(first.seed, int)
    again = core.swarm_train(draws, num_bees=2, seed=first.seed, progress=False)
    np.testing.assert_array_equal(first["V1"], again["V1"])
    np.testing.assert_array_equal(first["V2"], again["V2"])


def test_default_field_names_and_single_values():
    def scalar_bee(num_epochs=3):
        for e in range(num_epochs):
            yield float(e)

    assert list(core.swarm_train(draws, num_bees=1, seed=0, progress=False)) == ["V1", "V2"]
    res = core.swarm_train(scalar_bee, num_bees=2, seed=0, progress=False)
    np.testing.assert_array_equal(res["V1"], [[0, 1, 2], [0, 1, 2]])


def test_dict_yields_are_selected_by_fields():
    def named(num_epochs=2):
        for e in range(num_epochs):
            yield {"a": np.full(3, e), "b": "text", "c": e}

    res = core.swarm_train(named, num_bees=2, seed=0, fields="c,a", progress=False)
    assert list(res) == ["c", "a"] and res["a"].shape == (2, 2, 3)
    with pytest.raises(ValueError, match="not among the yielded keys"):
        core.swarm_train(named, num_bees=1, seed=0, fields="z", progress=False)


@pytest.mark.parametrize("fields", ["ypred,weights", "a,,b", "a,a", ""])
def test_bad_fields(fields):
    with pytest.raises(ValueError, match="fields"):
        core.swarm_train(bee_trainer, PARAMS, num_bees=1, seed=0, fields=fields, progress=False)


@pytest.mark.parametrize("kw", [{"num_bees": 0}, {"num_bees": 2.5}, {"seed": -1},
                                {"seed": "x"}, {"n_jobs": 0}, {"bee_params": [1]}])
def test_bad_arguments(kw):
    name = next(iter(kw))
    with pytest.raises(ValueError, match=f"`{name}`"):
        core.swarm_train(draws, **{"progress": False, **kw})


def test_trainer_errors_propagate():
    bad = {**PARAMS, "yt": torch.full_like(XT, float("nan"))}
    with pytest.raises(RuntimeError, match="NaN loss"):
        core.swarm_train(bee_trainer, bad, num_bees=1, seed=0, progress=False)


def test_condense_mixed_items():
    t = torch.ones(2, requires_grad=True) * 3
    out = core.condense([t, np.array([1.0, 2.0]), [4.0, 5.0]])
    np.testing.assert_array_equal(out, [[3, 3], [1, 2], [4, 5]])
    np.testing.assert_array_equal(core.condense([1.5, 2, 3]), [1.5, 2, 3])
    assert core.condense(["a", "bc"]).tolist() == ["a", "bc"]
    with pytest.raises(ValueError, match="same shape"):
        core.condense([np.ones(2), np.ones(3)])


@pytest.mark.parametrize("items,expected", [
    ([torch.tensor(1.5), torch.tensor(2.5)], np.array([1.5, 2.5])),
    ([torch.tensor([1.5]), torch.tensor([-2.0])], np.array([1.5, -2.0])),
    ([torch.tensor([[3.0]], requires_grad=True) * 2, torch.ones(1, 1)], np.array([6.0, 1.0])),
    ([torch.tensor(3), torch.tensor(4)], np.array([3, 4])),
])
def test_condense_of_one_element_tensors_is_a_1d_array_of_their_values(items, expected):
    out = core.condense(items)
    assert out.shape == (len(items),) and out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("shape", [(2,), (3, 2), (1, 2)])
def test_condense_of_larger_tensors_is_their_stack(shape):
    items = [torch.arange(np.prod(shape), dtype=torch.float32).reshape(shape) + i
             for i in range(3)]
    out = core.condense(items)
    assert out.shape == (3, *shape) and out.dtype == np.float32
    np.testing.assert_array_equal(out, torch.stack(items).numpy())


def test_condense_of_mixed_tensor_sizes_is_a_value_error():
    with pytest.raises(ValueError, match="same shape"):  # torch 2 would say RuntimeError
        core.condense([torch.tensor([1.0]), torch.tensor([1.0, 2.0])])


def test_one_element_tensor_yields_are_kept_as_values_in_swarm_train():
    def trainer(n=3):
        for epoch in range(n):
            yield torch.tensor([epoch * 1.0]), torch.tensor(epoch / 2, requires_grad=True)

    res = core.swarm_train(trainer, num_bees=2, seed=0, fields="ypred,loss", progress=False)
    assert res["ypred"].shape == res["loss"].shape == (2, 3)
    np.testing.assert_array_equal(res["loss"][1], [0.0, 0.5, 1.0])


def test_condense_copies():
    source = np.zeros(2)
    out = core.condense([source])
    source[:] = 1
    assert out.sum() == 0


def test_sweep_order_first_kwarg_slowest():
    sets = core.make_sweep_paramsets({"s": 0}, a=[1, 2], b=["x", "y", "z"])
    assert [(p["a"], p["b"]) for p in sets] == [(1, "x"), (1, "y"), (1, "z"),
                                              (2, "x"), (2, "y"), (2, "z")]
    assert all(p["s"] == 0 for p in sets)
    assert core.make_sweep_paramsets({"s": 0}) == [{"s": 0}]
    with pytest.raises(ValueError, match="appear in more than one"):
        core.make_sweep_paramsets({"a": 0}, a=[1])
    with pytest.raises(ValueError, match="`a`"):
        core.make_sweep_paramsets({}, a="12")


def test_combo_paramsets_zip_then_sweep():
    sets = core.make_combo_paramsets({"s": 0}, {"w": [2, 4], "lr": [0.1, 0.01]}, {},
                                     {"d": [1, 2]}, m=[0.0, 0.9])
    got = [(p["w"], p["lr"], p["d"], p["m"]) for p in sets]
    assert got == [(w, lr, d, m) for w, lr in [(2, 0.1), (4, 0.01)]
                   for d in (1, 2) for m in (0.0, 0.9)]
    with pytest.raises(ValueError, match="equal lengths"):
        core.make_combo_paramsets({}, {"w": [1, 2], "lr": [0.1]})


def test_hive_trainer_carries_parameters_and_swarm_results():
    static = {"xt": XT, "yt": PARAMS["yt"]}
    sets = core.make_combo_paramsets(static, {"num_epochs": [2, 3], "width": [3, 4]})
    hive = core.hive_trainer(bee_trainer, sets, num_bees=2, seed=3, fields=FIELDS,
                             progress=False)
    assert [(h["num_epochs"], h["width"]) for h in hive] == [(2, 3), (3, 4)]
    for params, result in zip(sets, hive):
        alone = core.swarm_train(bee_trainer, params, num_bees=2, seed=3, fields=FIELDS,
                                 progress=False)
        assert result["xt"] is params["xt"] and result.seed == 3
        for name in alone:
            np.testing.assert_array_equal(result[name], alone[name])

    def any_bee(**params):
        yield 1.0

    with pytest.raises(ValueError, match="more than one"):
        core.hive_trainer(any_bee, [{"ypred": 1}], num_bees=1, seed=0, fields="ypred",
                          progress=False)


def batched_trainer(bees, seed, num_epochs=3, scale=1.0):
    """A hand-written batched trainer: all bees' values per epoch, [bee, ...]."""
    start = _random.uniform(seed, np.arange(bees), 0, 2)
    for e in range(num_epochs):
        yield start * scale + e, np.full(bees, e), "tag"


def per_bee_of_batched(bee, seed, num_epochs=3, scale=1.0):
    for e in range(num_epochs):
        yield _random.uniform(seed, [bee], 0, 2)[0] * scale + e, e, "tag"


def test_batched_trainer_ends_in_the_per_bee_arrays():
    res = core.swarm_train(batched_trainer, {"scale": 2.0}, num_bees=4, seed=9,
                           batched=True, fields="v,e,tag", progress=False)
    assert res["v"].shape == (4, 3, 2) and res["e"].shape == res["tag"].shape == (4, 3)
    for bee in range(4):
        rows = list(per_bee_of_batched(bee, 9, scale=2.0))
        np.testing.assert_array_equal(res["v"][bee], [r[0] for r in rows])
        np.testing.assert_array_equal(res["e"][bee], [r[1] for r in rows])
    assert (res["tag"] == "tag").all()
    given = core.swarm_train(batched_trainer, {"bees": 3}, num_bees=4, seed=9, batched=True,
                             progress=False)
    assert given["V1"].shape == (3, 3, 2)  # the user's own `bees` wins over num_bees

    def wrong_count(bees, seed):
        yield np.zeros(bees + 1)

    with pytest.raises(ValueError, match="with 4 bees"):
        core.swarm_train(wrong_count, num_bees=4, seed=0, batched=True, progress=False)
    hive = core.hive_trainer(batched_trainer, [{"scale": 1.0}, {"scale": 2.0}], num_bees=4,
                             seed=9, batched=True, fields="v,e,tag", progress=False)
    np.testing.assert_array_equal(hive[1]["v"], res["v"])


def test_batched_fly_matches_train():
    swarm_engine = pytest.importorskip("swarm.engine")
    spec = {"target": "sin", "epochs": 5, "width": 4, "points": 11}
    res = core.swarm_train(swarm_engine.fly, spec, num_bees=3, seed=2, batched=True,
                           fields="ypred,loss,layer0.weight", progress=False)
    rec = swarm_engine.train(bees=3, seed=2, progress=False, **spec)
    for name in res:
        np.testing.assert_array_equal(res[name], rec[name])


DASK_WORKERS_SEEN = set()


def worker_bee(**params):
    """Seed 001's trainer, noting the dask worker it runs on (module level: shared in-process)."""
    from distributed import get_worker

    try:
        DASK_WORKERS_SEEN.add(get_worker().name)
    except ValueError:  # not on a dask worker
        pass
    yield from bee_trainer(**params)


def test_hive_on_dask_matches_joblib_default():
    distributed = pytest.importorskip("distributed")
    seen = DASK_WORKERS_SEEN

    sets = core.make_sweep_paramsets({"xt": XT, "yt": PARAMS["yt"], "num_epochs": 3},
                                     width=[2, 3])
    kw = dict(num_bees=3, seed=11, fields=FIELDS, progress=False)
    expected = core.hive_trainer(worker_bee, sets, **kw)
    assert not seen
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster), joblib.parallel_config(backend="dask"):
        got = core.hive_trainer(worker_bee, sets, **kw)
    assert seen  # the bees ran on the cluster's workers
    for a, b in zip(expected, got):
        assert a["width"] == b["width"]
        for name in FIELDS.split(","):
            np.testing.assert_array_equal(a[name], b[name])
