"""Sweeps on datasets: swarm.hive's batched calls and core.swarm_train's generator protocol."""
import joblib
import numpy as np
import pytest
import torch
from torch import nn

import swarm
from swarm import core, datasets
from swarm.hive import hive

SPEC = {"target": "moons", "data": {"samples": 60, "noise": 0.2}, "bees": 3, "epochs": 6,
        "width": 4, "progress": False}
DATA = datasets.moons(60, noise=0.2, seed=3)


def test_lr_momentum_sweep_on_a_dataset_is_one_call_equal_to_separate_swarms():
    out = hive({"lr": [0.01, 0.1], "momentum": [0.0, 0.9]}, seed=4, batch_size=20, **SPEC)
    assert len(out) == 4
    for params, rec in out:
        assert rec.meta["hive"]["engine_calls"] == 1 and rec.num_bees == 3
        assert rec.meta["dataset"]["name"] == "moons"
        alone = swarm.train(seed=4, batch_size=20, **SPEC,
                            **{k: np.full(3, v) for k, v in params.items()})
        for key in alone:
            np.testing.assert_array_equal(rec[key], alone[key], err_msg=key)


def test_a_sweep_over_dataset_knobs_splits_into_calls():
    sweep = [{"data": {"samples": 60}}, {"data": {"samples": 80}}]
    spec = {k: v for k, v in SPEC.items() if k != "data"}
    out = hive(sweep, **spec)
    assert [rec.meta["dataset"]["train_samples"] for _, rec in out] == [48, 64]
    assert {rec.meta["hive"]["engine_calls"] for _, rec in out} == {2}


def dataset_bee(ds, epochs=3, width=4):
    """A user's own one-bee trainer on a Dataset, yielding its loss and first-layer weights."""
    net = nn.Sequential(nn.Linear(ds.x.shape[1], width), nn.ReLU(), nn.Linear(width, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    x, y = torch.tensor(ds.x), torch.tensor(ds.y)
    for _ in range(epochs):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        yield loss.detach(), net[0].weight.detach()


def test_swarm_train_runs_dataset_trainers_in_parallel_with_the_same_numbers():
    kw = dict(num_bees=4, seed=7, fields="loss,weight", progress=False)
    serial = core.swarm_train(dataset_bee, {"ds": DATA}, **kw)
    parallel = core.swarm_train(dataset_bee, {"ds": DATA}, n_jobs=2, **kw)
    assert serial["weight"].shape == (4, 3, 4, 2)
    for name in ("loss", "weight"):
        np.testing.assert_array_equal(serial[name], parallel[name])


def test_swarm_train_on_dask_runs_dataset_trainers():
    distributed = pytest.importorskip("distributed")
    kw = dict(num_bees=3, seed=5, fields="loss,weight", progress=False)
    expected = core.swarm_train(dataset_bee, {"ds": DATA}, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster), joblib.parallel_config(backend="dask"):
        got = core.swarm_train(dataset_bee, {"ds": DATA}, n_jobs=2, **kw)
    for name in ("loss", "weight"):
        np.testing.assert_array_equal(expected[name], got[name])


def test_fly_as_a_batched_trainer_on_a_dataset_equals_train():
    params = {"target": DATA, "epochs": 4, "width": 3}
    res = core.swarm_train(swarm.fly, params, num_bees=3, seed=2, batched=True,
                           fields="loss,test_accuracy,layer0.weight", progress=False)
    rec = swarm.train(bees=3, seed=2, progress=False, **params)
    for name in res:
        np.testing.assert_array_equal(res[name], rec[name])
