"""Targets: the 1-D functions a swarm learns, by name or as a typed expression.

Expressions are parsed with :mod:`ast` and evaluated by walking a whitelisted
tree, never passed to ``eval``: a user may type ``"sin(3*x) + 0.5*x"`` but
``"__import__('os')"`` is refused before anything runs.
"""
from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Target", "get_target", "TARGETS", "parse_expression", "target_grid"]


@dataclass(frozen=True)
class Target:
    """A named 1-D function with the domain it is usually shown on."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    domain: tuple[float, float]
    expression: str | None = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.fn(np.asarray(x, dtype=np.float64)), dtype=np.float64)


def _piecewise(x):
    """Seed 000's 0/1 steps: 0 below -2, 1 on [-2,-1), 0 on [-1,0), 1 on [0,2), 0 above."""
    return (((x >= -2) & (x < -1)) | ((x >= 0) & (x < 2))).astype(np.float64)


def _sinc(x):
    """sin(x)/x with the limit 1 at 0 (Mathematica's Sinc, as seed 000 uses)."""
    return np.sinc(x / np.pi)


def _poly(x):
    """Seed 002's quartic, polynomial([0,-2,1,1,-2]) in ascending powers."""
    return -2 * x + x**2 + x**3 - 2 * x**4


_PI3 = 3 * math.pi
TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("sin", np.sin, (-_PI3, _PI3)),
        Target("cos", np.cos, (-_PI3, _PI3)),
        Target("sinc", _sinc, (-32.0, 32.0)),
        Target("piecewise", _piecewise, (-3.0, 3.0)),
        Target("abs", np.abs, (-1.0, 1.0)),
        Target("sin12", lambda x: np.sin(12 * x), (-1.0, 1.0)),
        Target("poly", _poly, (-1.0, 1.0)),
        Target("step", lambda x: (x >= 0).astype(np.float64), (-1.0, 1.0)),
        Target("relu", lambda x: np.maximum(x, 0.0), (-1.0, 1.0)),
    ]
}

_FUNCTIONS: dict[str, Callable] = {
    name: getattr(np, name)
    for name in ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
                 "tanh", "exp", "log", "log2", "log10", "sqrt", "abs", "sign",
                 "floor", "ceil", "round"]
}
_FUNCTIONS.update(asin=np.arcsin, acos=np.arccos, atan=np.arctan, ln=np.log,
                  sinc=_sinc, relu=lambda v: np.maximum(v, 0.0),
                  heaviside=lambda v: (v >= 0).astype(np.float64))
_CONSTANTS = {"pi": math.pi, "e": math.e}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_MAX_EXPONENT = 100.0
_MAX_LENGTH = 500


def parse_expression(text: str) -> Callable[[np.ndarray], np.ndarray]:
    """Parse an expression in ``x`` into a numpy function, refusing anything unsafe.

    Allowed: numbers, ``x``, ``pi``, ``e``, ``+ - * / **``, unary minus and the
    functions in ``_FUNCTIONS``. Exponents must be constants of at most 100 in size.
    Raises ``ValueError`` naming what was refused.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"`target` expression must be a non-empty string, got {text!r}")
    if len(text) > _MAX_LENGTH:
        raise ValueError(f"`target` expression is longer than {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ValueError(f"`target` expression {text!r} is malformed: {err.msg}") from None
    _check(tree.body, text)
    return lambda x: _evaluate_quietly(tree.body, np.asarray(x, dtype=np.float64))


def _evaluate_quietly(node: ast.AST, x: np.ndarray):
    """Evaluate in float64 throughout: 0/0, overflow and log(-1) give nan or inf, never an error."""
    with np.errstate(all="ignore"):
        return _evaluate(node, x)


def _check(node: ast.AST, text: str) -> None:
    """Walk the tree once up front so nothing unsafe is ever evaluated."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"`target` expression {text!r}: only numbers are allowed as constants, "
                             f"got {node.value!r}")
    elif isinstance(node, ast.Name):
        if node.id != "x" and node.id not in _CONSTANTS:
            raise ValueError(f"`target` expression {text!r}: unknown name {node.id!r}; "
                             f"use x, pi, e or a function ({', '.join(sorted(_FUNCTIONS))})")
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, text)
        _check(node.right, text)
        if isinstance(node.op, ast.Pow):
            exponent = _constant_value(node.right)
            if exponent is None or abs(exponent) > _MAX_EXPONENT:
                raise ValueError(f"`target` expression {text!r}: exponents must be numbers of at "
                                 f"most {_MAX_EXPONENT:g} in size")
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, text)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            shown = ast.unparse(node.func)
            raise ValueError(f"`target` expression {text!r}: {shown!r} is not an allowed function; "
                             f"allowed: {', '.join(sorted(_FUNCTIONS))}")
        if len(node.args) != 1 or node.keywords:
            raise ValueError(f"`target` expression {text!r}: {node.func.id}() takes one argument")
        _check(node.args[0], text)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        raise ValueError(f"`target` expression {text!r}: ^ is not a power here; write ** "
                         f"(e.g. {text.replace('^', '**')!r})")
    else:
        raise ValueError(f"`target` expression {text!r}: {type(node).__name__} is not allowed "
                         "(only numbers, x, pi, e, + - * / ** and whitelisted functions)")


def _constant_value(node: ast.AST) -> float | None:
    """The value of a constant or negated constant, else None."""
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        inner = _constant_value(node.operand)
        return None if inner is None else _UNARY[type(node.op)](inner)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    return None


def _evaluate(node: ast.AST, x: np.ndarray):
    if isinstance(node, ast.Constant):
        return np.float64(node.value)
    if isinstance(node, ast.Name):
        return x if node.id == "x" else np.float64(_CONSTANTS[node.id])
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, x), _evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, x))
    return _FUNCTIONS[node.func.id](_evaluate(node.args[0], x))


def get_target(target: str | Target | Callable) -> Target:
    """A Target from a name in TARGETS, an expression in ``x``, a Target, or a callable.

    Callables get the domain [-1, 1] unless wrapped in a Target.
    """
    if isinstance(target, Target):
        return target
    if callable(target):
        return Target(getattr(target, "__name__", "custom"), target, (-1.0, 1.0))
    if not isinstance(target, str):
        raise ValueError(f"`target` must be a name or an expression in x, got {target!r}")
    name = target.strip()
    if name in TARGETS:
        return TARGETS[name]
    if name.isidentifier() and name != "x" and name not in _CONSTANTS:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)} "
                         "or type an expression in x such as 'sin(3*x) + 0.5*x'")
    fn = parse_expression(name)
    with np.errstate(all="ignore"):
        values = np.asarray(fn(np.linspace(-1, 1, 5)), dtype=np.float64)
    if values.shape not in [(), (5,)]:
        raise ValueError(f"`target` expression {name!r} does not give one value per x")
    return Target(name, lambda x: np.broadcast_to(fn(x), np.shape(x)), (-1.0, 1.0), expression=name)


def target_grid(target: Target, domain: tuple[float, float] | None = None,
                points: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """The evenly spaced training grid: x [point] and y [point] as float32.

    Raises ``ValueError`` when the target is not finite somewhere on the grid.
    """
    lo, hi = target.domain if domain is None else domain
    x = np.linspace(lo, hi, points)
    y = target(x)
    if not np.all(np.isfinite(y)):
        bad = x[~np.isfinite(y)][0]
        raise ValueError(f"target {target.name!r} is not finite at x={bad:g} on the domain "
                         f"{lo:g}:{hi:g}; choose another `domain`")
    with np.errstate(over="ignore"):
        x32, y32 = x.astype(np.float32), y.astype(np.float32)
    if not np.all(np.isfinite(y32)):
        at = np.flatnonzero(~np.isfinite(y32))[0]
        raise ValueError(f"target {target.name!r} is {y[at]:.3g} at x={x[at]:g}, beyond float32 "
                         f"(about 3.4e38), on the domain {lo:g}:{hi:g}; choose another `domain`")
    return x32, y32
