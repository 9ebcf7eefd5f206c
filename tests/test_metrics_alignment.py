"""Turning points of targets, and kinks near them compared with chance."""
import numpy as np
import pytest

from swarm.metrics import breakpoint_alignment, turning_points
from swarm.testing import from_params


def test_turning_points_of_sine_are_the_odd_multiples_of_half_pi():
    expected = np.array([-5, -3, -1, 1, 3, 5]) * np.pi / 2
    np.testing.assert_allclose(turning_points("sin"), expected, atol=1e-6)


def test_turning_points_inside_the_domain_only():
    np.testing.assert_allclose(turning_points("cos", (-3.5, 3.5)), [-np.pi, 0.0, np.pi], atol=1e-6)
    np.testing.assert_allclose(turning_points("x**2 - 0.3*x", (-1, 1)), [0.15], atol=1e-6)
    assert turning_points("x**3", (-1, 1)).size == 0


def test_a_kink_target_and_a_plateau():
    np.testing.assert_allclose(turning_points("abs"), [0.0], atol=1e-9)  # a kink: exact
    # seed 000's steps: each plateau between a rise and a fall turns at its two ends
    np.testing.assert_allclose(turning_points("piecewise"), [-2, -1, 0, 2], atol=1e-3)


def test_bad_domain_is_refused():
    with pytest.raises(ValueError, match="`domain`"):
        turning_points("sin", (1.0, 1.0))


def _depth_one(kinks, target, x):
    """A one-bee depth-1 relu net bending at ``kinks`` (w = 1, b = -kink)."""
    n = len(kinks)
    w = [np.ones((1, 1, n, 1)), np.ones((1, 1, 1, n))]
    b = [-np.asarray(kinks, dtype=np.float64)[None, None], np.zeros((1, 1, 1))]
    return from_params(w, b, target=target, x=x)


def test_alignment_counts_kinks_near_turning_points_against_the_uniform_share():
    x = np.linspace(-1, 1, 21)
    rec = _depth_one([-0.5, 0.01, 0.3, 0.9], "x**2", x)  # one turning point, at 0
    out = breakpoint_alignment(rec, tolerance=0.05)  # within 0.1 of x = 0
    assert out["kinks"] == 4 and out["turning_points"] == 1
    assert out["fraction"] == pytest.approx(0.25)
    assert out["expected"] == pytest.approx(0.2 / 2.0)
    assert out["ratio"] == pytest.approx(2.5)
    assert out["tolerance"] == pytest.approx(0.1)


def test_reach_is_clipped_to_the_domain_and_merged_where_it_overlaps():
    x = np.linspace(-np.pi, np.pi, 41)
    rec = _depth_one([-np.pi / 2 + 0.01, 0.0], "sin", x)
    apart = breakpoint_alignment(rec, tolerance=0.1)  # reach 0.2 pi: two 0.4 pi windows
    assert apart["expected"] == pytest.approx(0.8 / 2.0)
    assert apart["fraction"] == 0.5  # 0 is pi / 2 away from both turning points
    whole = breakpoint_alignment(rec, tolerance=0.3)  # reach 0.6 pi: overlapping, clipped
    assert whole["expected"] == pytest.approx(1.0)
    assert whole["fraction"] == 1.0 and whole["ratio"] == pytest.approx(1.0)


def test_no_kinks_gives_no_fraction():
    rec = _depth_one([5.0], "sin", np.linspace(-1, 1, 5))
    out = breakpoint_alignment(rec)
    assert out["kinks"] == 0 and out["fraction"] is None and out["ratio"] is None


def test_bad_tolerance_is_refused():
    with pytest.raises(ValueError, match="`tolerance`"):
        breakpoint_alignment(_depth_one([0.0], "sin", np.linspace(-1, 1, 5)), tolerance=0)
