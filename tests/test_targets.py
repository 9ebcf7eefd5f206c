"""Targets by name, and the expression parser that must never run user code."""
import numpy as np
import pytest

from swarm.targets import TARGETS, get_target, parse_expression, target_grid


def test_named_targets_have_their_values():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 2.5])
    np.testing.assert_array_equal(get_target("piecewise")(x), [0, 1, 0, 1, 0])
    assert get_target("sinc")(np.array([0.0]))[0] == 1.0
    np.testing.assert_allclose(get_target("sinc")(np.array([np.pi / 2])), [2 / np.pi])
    np.testing.assert_allclose(get_target("poly")(np.array([1.0])), [-2 + 1 + 1 - 2])
    np.testing.assert_allclose(get_target("sin12")(np.array([0.1])), [np.sin(1.2)])
    assert get_target("sin").domain == pytest.approx((-3 * np.pi, 3 * np.pi))
    assert set(TARGETS) >= {"sin", "cos", "sinc", "piecewise", "abs", "sin12", "poly", "step",
                            "relu"}


@pytest.mark.parametrize("text,expected", [
    ("sin(3*x) + 0.5*x", lambda x: np.sin(3 * x) + 0.5 * x),
    ("-x**2 + 2", lambda x: -x**2 + 2),
    ("exp(-x**2) * cos(pi*x)", lambda x: np.exp(-x**2) * np.cos(np.pi * x)),
    ("abs(x) / e", lambda x: np.abs(x) / np.e),
    ("3", lambda x: np.full_like(x, 3.0)),
])
def test_expressions_evaluate(text, expected):
    x = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(get_target(text)(x), expected(x))


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch /tmp/pwned')", "x.__class__", "x.real", "open('f')",
    "eval('1')", "y + 1", "x ** 1000", "x ** x", "(lambda: 1)()", "[x]", "x if x else 1",
    "sin(x, 2)", "sin(x=1)", "'a'", "True", "x[0]", "sin", "1 +", "", "x; x", "np.sin(x)",
])
def test_unsafe_or_malformed_expressions_are_refused(text):
    with pytest.raises(ValueError, match="target"):
        parse_expression(text) if text else get_target(text)


def test_refused_expression_never_runs(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(ValueError):
        get_target(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


def test_unknown_name_lists_the_targets():
    with pytest.raises(ValueError, match="unknown target 'sine'.*piecewise"):
        get_target("sine")


def test_grid_refuses_non_finite_targets():
    with pytest.raises(ValueError, match="not finite"):
        target_grid(get_target("log(x)"), (-1, 1), 11)
    x, y = target_grid(get_target("log(x)"), (1, 2), 11)
    assert x.dtype == np.float32 and y.shape == (11,)


@pytest.mark.parametrize("text", ["1/x", "log(-1 - x*x)", "exp(1000 + x)", "0/0 + x",
                                  "exp(exp(exp(1000)))", "1/0"])
def test_targets_not_finite_on_their_domain_are_refused_without_an_error_of_python(text):
    with np.errstate(all="raise"):  # constants too are numpy floats: 0/0 is nan, not an exception
        target = get_target(text)
        with pytest.raises(ValueError, match=r"is not finite at x=.* choose another `domain`"):
            target_grid(target, (-1, 1), 101)


def test_caret_suggests_the_power_operator():
    with pytest.raises(ValueError, match=r"\^ is not a power here; write \*\* \(e.g. 'x\*\*2 \+ 1'\)"):
        get_target("x^2 + 1")
