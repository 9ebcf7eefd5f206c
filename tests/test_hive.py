"""swarm.hive: a sweep of optimiser settings as one batched engine call."""
import numpy as np
import pytest

from swarm.engine import train
from swarm.hive import hive

SPEC = {"target": "sin", "bees": 3, "epochs": 6, "width": 4, "points": 17, "progress": False}


def test_lr_momentum_sweep_is_one_call_equal_to_separate_swarms():
    out = hive({"lr": [0.01, 0.03], "momentum": [0.0, 0.9]}, seed=4, **SPEC)
    assert [p for p, _ in out] == [{"lr": 0.01, "momentum": 0.0}, {"lr": 0.01, "momentum": 0.9},
                                   {"lr": 0.03, "momentum": 0.0}, {"lr": 0.03, "momentum": 0.9}]
    for params, rec in out:
        assert rec.num_bees == 3 and rec.meta["hive"]["engine_calls"] == 1
        assert rec.meta["spec"]["lr"] == params["lr"] and rec.meta["spec"]["bees"] == 3
        # the same swarm alone, with per-bee hyperparameters as the hive passes them: identical
        per_bee = {k: np.full(3, v) for k, v in params.items()}
        alone = train(seed=4, **SPEC, **per_bee)
        for key in alone:
            np.testing.assert_array_equal(rec[key], alone[key], err_msg=key)
        # and as plain floats: equal up to float32 rounding of the per-bee learning rate
        plain = train(seed=4, **SPEC, **params)
        np.testing.assert_allclose(rec["ypred"], plain["ypred"], rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(rec["layer0.weight"][:, 0], plain["layer0.weight"][:, 0])


def test_other_arguments_split_the_sweep_into_calls():
    sweep = [{"seed": 1, "lr": 0.02}, {"seed": 2, "lr": 0.02}, {"seed": 1, "lr": 0.05}]
    out = hive(sweep, **SPEC)
    assert [p for p, _ in out] == sweep
    assert {rec.meta["hive"]["engine_calls"] for _, rec in out} == {2}
    assert [rec.meta["hive"]["swarm_in_call"] for _, rec in out] == [0, 0, 1]
    for params, rec in out:
        alone = train(**SPEC, seed=params["seed"], lr=np.full(3, params["lr"]))
        np.testing.assert_array_equal(rec["ypred"], alone["ypred"])
    # swarms with the same seed start from the same weights; other seeds do not
    w = [rec["layer0.weight"][:, 0] for _, rec in out]
    np.testing.assert_array_equal(w[0], w[2])
    assert not np.array_equal(w[0], w[1])


def test_divergence_is_logged_per_swarm(caplog):
    out = hive({"lr": [0.001, 0.05, 3.0]}, **{**SPEC, "bees": 4, "epochs": 40})
    counts = [int(rec.diverged.sum()) for _, rec in out]
    assert counts[0] == 0 and counts[2] == 4  # lr 3 blows up every bee
    said = [r.getMessage() for r in caplog.records if "diverged" in r.getMessage()]
    want = [f"lr={p['lr']}: {n} of 4 bees diverged" for (p, _), n in zip(out, counts) if n]
    assert len(said) == len(want)
    for message, part in zip(said, want):
        assert part in message
    assert not any("of 12 bees" in m for m in said)  # never the whole engine call


@pytest.mark.parametrize("sweep,match", [
    ([], "empty"),
    ("lr", "`sweep`"),
    ([{"lr": 0.1}, 3], r"`sweep\[1\]`"),
    ({"no_such": [1]}, "`no_such`"),
    ({"bee_ids": [[0, 1, 2]]}, "`bee_ids`"),
    ({"epochs": [2]}, "also given"),
])
def test_bad_sweeps(sweep, match):
    with pytest.raises(ValueError, match=match):
        hive(sweep, **SPEC)


def test_bad_bees():
    with pytest.raises(ValueError, match="`bees`"):
        hive({"lr": [0.1]}, **{**SPEC, "bees": 0})
