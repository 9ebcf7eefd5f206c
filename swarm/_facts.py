"""Facts about the built-in networks that every floor may ask, without torch.

The one list of the piecewise-linear activations: the Recording answers
``rec.piecewise_linear`` for old recordings from it, and the activation table
(which needs torch) agrees with it.
"""
from __future__ import annotations

__all__ = ["PIECEWISE_LINEAR"]

#: Activations whose MLP is piecewise linear in its input (exact breakpoints exist).
PIECEWISE_LINEAR = frozenset({"relu", "leaky_relu", "identity", "abs"})
