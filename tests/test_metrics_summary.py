"""summary(): headline numbers a report can print, JSON-able, diverged bees left out."""
import json
import warnings

import numpy as np
import pytest

from swarm.metrics import (breakpoint_alignment, effective_rank, format_summary, summary,
                           weight_complexity)
from swarm.testing import random_walk


def _with_a_diverged_bee():
    rec = random_walk(4, 5, width=3, depth=2, step=0.05, seed=1)
    arrays = dict(rec)
    for key in ("loss", "layer1.weight"):
        arrays[key] = arrays[key].copy()
        arrays[key][2, 3:] = np.nan
    arrays["diverged"] = np.array([False, False, True, False])
    arrays["diverged_at"] = np.array([-1, -1, 3, -1])
    return type(rec)(arrays, rec.meta)


def test_summary_leaves_the_diverged_bee_out_and_is_strict_json():
    rec = _with_a_diverged_bee()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = summary(rec)
    json.dumps(out, allow_nan=False)
    kept = [0, 1, 3]
    final = rec["loss"][kept, -1].astype(np.float64)
    assert out["bees"] == 4 and out["epochs"] == 5 and out["last_epoch"] == 4
    assert out["diverged"] == 1 and out["first_divergence_epoch"] == 3
    assert out["final_loss"]["median"] == pytest.approx(np.median(final))
    assert out["final_loss"]["min"] == pytest.approx(final.min())
    rank = effective_rank(rec.weights(1)[kept][:, [0, -1]]).mean(0)
    np.testing.assert_allclose(out["effective_rank"]["layer1"], rank)
    gz = weight_complexity(rec.bees(kept), [0, 4], compressor="gzip").mean(0)
    np.testing.assert_allclose(out["gzip_complexity"], gz)
    assert out["breakpoint_alignment"] == breakpoint_alignment(rec)


def test_smooth_activations_have_no_alignment():
    out = summary(random_walk(2, 3, width=3, depth=1, activation="tanh"))
    assert out["breakpoint_alignment"] is None
    assert "kinks at turning points" not in format_summary(out)


def test_format_summary_prints_one_line_per_item():
    text = format_summary(summary(_with_a_diverged_bee()))
    names = ["bees", "final loss", "diverged", "kinks at turning points", "effective rank",
             "gzip complexity"]
    lines = text.splitlines()
    assert [line.split("  ")[0].strip() for line in lines] == names
    assert "first at epoch 3" in text and "layer1" in text


def test_every_bee_diverged():
    rec = _with_a_diverged_bee()
    arrays = dict(rec)
    arrays["diverged"] = np.ones(4, dtype=bool)
    out = summary(type(rec)(arrays, rec.meta))
    assert out["final_loss"] is None and out["gzip_complexity"] == [None, None]
    assert "every bee diverged" in format_summary(out)


def test_keys_compute_only_what_is_asked_for_with_the_same_values():
    rec = _with_a_diverged_bee()
    full = summary(rec)
    for key in full:
        assert summary(rec, keys=[key]) == {key: full[key]}
    assert summary(rec, keys="breakpoint_alignment") == {"breakpoint_alignment":
                                                          breakpoint_alignment(rec)}
    assert summary(rec, keys=["diverged", "bees"]) == {"bees": 4, "diverged": 1}  # summary's order
    assert summary(rec, keys=["accuracy"]) == {}  # no accuracy in a 1-D target's recording
    with pytest.raises(ValueError, match="'kinks'"):
        summary(rec, keys=["bees", "kinks"])
