"""Axes keyword calls (``set_title="..."``) and hooks: checked when a panel is built, applied in plot_init."""
from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes

__all__ = ["check_axes_calls", "apply_axes_calls", "check_hooks"]


def check_axes_calls(calls: Mapping) -> dict:
    """``calls`` {Axes method name: argument} as a dict; an unknown name fails now, not at render."""
    for name, value in calls.items():
        if name.startswith("_") or not callable(getattr(Axes, name, None)):
            raise ValueError(f"`{name}={value!r}` does not name a matplotlib Axes method; use Axes "
                             "methods such as set_title=, set_xlim=, set_ylabel=")
    return dict(calls)


def apply_axes_calls(ax, calls: Mapping) -> None:
    """Call ``ax.<name>(value)``: a tuple is spread as positional arguments, a dict as keywords."""
    for name, value in calls.items():
        method = getattr(ax, name)
        try:
            if isinstance(value, tuple):
                method(*value)
            elif isinstance(value, Mapping):
                method(**value)
            else:
                method(value)
        except Exception as err:
            raise ValueError(f"`{name}={value!r}` failed on the axes: {type(err).__name__}: {err}") from err


def check_hooks(hook) -> tuple:
    """``hook`` (one callable or a list of them) as a tuple of callables."""
    hooks = (hook,) if callable(hook) else hook
    try:
        hooks = tuple(hooks)
    except TypeError:
        hooks = (hooks,)
    bad = [h for h in hooks if not callable(h)]
    if bad:
        raise ValueError(f"`hook` must be a callable or a list of callables taking the Axes, got {bad[0]!r}")
    return hooks
