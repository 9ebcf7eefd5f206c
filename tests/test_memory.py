"""The memory budget: record_every picked to fit, explicit ones refused, sizes parsed, CLI flags."""
import logging

import numpy as np
import pytest

import swarm
import swarm._spec
from swarm import cli
from swarm._spec import parse_memory

SMALL = dict(target="sin", bees=3, epochs=50, width=4, depth=2, points=7, progress=False)
FLOATS = 7 + 2 + (4 + 4) + (16 + 4) + (4 + 1)  # ypred, loss + grad_norm, three layers
PER_EPOCH = 4 * 3 * FLOATS  # bytes per recorded epoch of SMALL


def kept(epochs: int, every: int) -> int:
    """Brute force: the epochs a recording keeps (every every-th, and the last)."""
    return len(set(range(0, epochs, every)) | {epochs - 1})


def per_epoch_bytes(rec) -> int:
    return sum(v.nbytes for k, v in rec.items() if v.ndim >= 2) // rec.num_epochs


@pytest.mark.parametrize("text,expected", [
    ("4GiB", 4 * 2**30), ("500MB", 500 * 10**6), ("1.5 KiB", 1536), (" 2g ", 2 * 2**30),
    ("800", 800), ("3tb", 3 * 10**12), (1024, 1024), (2.5e9, 2_500_000_000), (None, None),
])
def test_memory_sizes_are_parsed(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("bad", ["lots", "-1GB", "4 parsecs", "", "1e3GB", 0, -5, True,
                                 float("nan"), [4]])
def test_bad_memory_sizes_name_the_argument(bad):
    with pytest.raises(ValueError, match=r"`memory` must be .*'4GiB'.*got"):
        swarm.train(**{**SMALL, "memory": bad})


def test_every_epoch_is_kept_when_it_fits(caplog):
    with caplog.at_level(logging.INFO, logger="swarm"):
        rec = swarm.train(**SMALL)
    assert rec.epoch.tolist() == list(range(50))
    assert not rec.meta["memory"]["raised"]
    assert not [r for r in caplog.records if "memory budget" in r.getMessage()]
    assert per_epoch_bytes(rec) == PER_EPOCH  # the estimate is what is stored


@pytest.mark.parametrize("fits", [2, 5, 17, 26, 49])
def test_over_budget_the_smallest_record_every_that_fits_is_picked(fits, monkeypatch, caplog):
    budget = PER_EPOCH * fits + PER_EPOCH // 2
    monkeypatch.setattr(swarm._spec, "_available_bytes", lambda: 2 * budget)
    with caplog.at_level(logging.INFO, logger="swarm"):
        rec = swarm.train(**SMALL)
    every = next(e for e in range(1, 51) if kept(50, e) <= fits)  # brute force
    assert rec.meta["memory"]["record_every"] == every == rec.meta["spec"]["record_every"]
    assert rec.epoch.tolist() == sorted(set(range(0, 50, every)) | {49})
    assert rec.num_epochs * per_epoch_bytes(rec) <= budget
    lines = [r.getMessage() for r in caplog.records if r.name == "swarm"]
    notes = [line for line in lines if "memory budget" in line]
    assert len(notes) == 1 and f"one epoch in {every} " in notes[0]
    assert rec.meta["memory"]["raised"] == (every > 1)


def test_memory_argument_sets_the_budget():
    rec = swarm.train(**SMALL, memory=PER_EPOCH * 10)
    assert rec.num_epochs <= 10 and rec.meta["memory"]["budget"] == PER_EPOCH * 10
    assert rec.meta["memory"]["record_every"] == 6  # 5 keeps 11 epochs, 6 keeps 10
    assert swarm.train(**SMALL, memory=f"{PER_EPOCH * 50}B").num_epochs == 50


def test_an_explicit_record_every_that_cannot_fit_is_refused_with_the_fix(monkeypatch):
    monkeypatch.setattr(swarm._spec, "_available_bytes", lambda: 2 * PER_EPOCH * 10)
    with pytest.raises(ValueError, match=r"would need about .* \(3 bees x 26 recorded epochs\) "
                                         r"but its memory budget is .*half the .* available.*"
                                         r"`record_every` of at least 6, "
                                         r"fewer `bees` or fewer `epochs`"):
        swarm.train(**SMALL, record_every=2)
    assert swarm.train(**SMALL, record_every=6).num_epochs == 10


def test_a_swarm_too_big_even_for_two_epochs_asks_for_fewer_bees():
    with pytest.raises(ValueError, match="fewer `bees`"):
        swarm.train(**SMALL, memory=PER_EPOCH)


def test_the_command_prints_the_record_every_it_picked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["sin", "--bees", "3", "--epochs", "50", "--width", "4", "--depth", "2", "--points",
            "7", "--memory", f"{PER_EPOCH * 10}", "--size", "96x64", "--duration", "0.5",
            "--fps", "4", "--jobs", "1", "-o", "out.gif"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "epochs recorded: 10" in out
    assert "recording one epoch in 6 to stay within the memory budget" in out


@pytest.mark.parametrize("argv,needle", [
    (["sin", "--memory", "lots"], "--memory must be"),
    (["sin", "--bees", "3", "--epochs", "50", "--memory", "1KiB"], "fewer --bees"),
    (["sin", "--bees", "3", "--epochs", "50", "--points", "7", "--width", "4", "--depth", "2",
      "--memory", f"{PER_EPOCH * 10}", "--record-every", "2"], "use --record-every of at least 6"),
    (["sin", "--record-every", "0"], "--record-every must be a positive integer"),
])
def test_memory_mistakes_in_the_command_are_one_line_and_exit_2(argv, needle, tmp_path,
                                                                 monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
