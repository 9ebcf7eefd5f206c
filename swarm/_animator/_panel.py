"""What the seed toolkit's plots share: Axes keyword calls, hooks and ``animate(frame)``."""
from __future__ import annotations

import numpy as np

from swarm._animator._axes import apply_axes_calls, check_axes_calls, check_hooks
from swarm._animator._layer import paint_on_axes
from swarm.panels.base import Panel

__all__ = ["SeedPanel", "animate_together", "as_array"]


class SeedPanel(Panel):
    """A panel with the seed toolkit's surface.

    ``axes_kwargs`` name matplotlib Axes methods (``set_title="loss"``,
    ``set_xlim=(-10, 10)``, ``set_xlabel={"xlabel": "x", "fontsize": 12}``);
    they are checked when the panel is built and called in ``plot_init`` after
    the panel's own defaults, so they win. ``hook`` is a list of callables,
    each called as ``hook(ax)`` at the end of ``plot_init``, to add static
    artists (reference lines, annotations) to the panel's Axes.

    Videos use ``plot_init`` and ``draw`` (the fast path). ``animate(frame)``
    is for a figure the user holds (after ``plot_init(ax)`` on it): it shows
    data frame ``frame`` in that Axes and returns the changed artists, so
    ``FuncAnimation(fig, panel.animate, frames=panel.num_frames)`` works too.
    """

    def __init__(self, hook=(), axes_kwargs=None):
        self._hooks = check_hooks(hook)
        self._axes_calls = check_axes_calls(axes_kwargs or {})
        self.frame = 0
        self._ax = self._image = None

    def plot_static(self, ax) -> None:
        """The panel's own static defaults (limits, labels, legend); subclasses override."""

    def plot_init(self, ax):
        """Draw the static parts on ``ax``: defaults, then the Axes keyword calls, then the hooks.

        A failing keyword call is a ValueError naming it.
        """
        self._ax, self._image = ax, None
        self.plot_static(ax)
        apply_axes_calls(ax, self._axes_calls)
        for hook in self._hooks:
            hook(ax)
        return None

    def animate(self, frame) -> list:
        """Show data frame ``frame`` (0 .. num_frames - 1) on the Axes given to ``plot_init``.

        Returns ``[image]``, the artist holding the painted Axes box (uint8 RGB
        [row, col, 3] in ``image.get_array()``).
        """
        return animate_together([self], [frame])

    def _check_frame(self, frame) -> int:
        if (isinstance(frame, bool) or not isinstance(frame, (int, np.integer))
                or not 0 <= frame < self.num_frames):
            raise ValueError(f"`frame` must be an integer in 0..{self.num_frames - 1}, got {frame!r}")
        return int(frame)

    def __getstate__(self):
        """Panels travel to render workers without their Axes, image or hooks (used only in plot_init)."""
        state = dict(self.__dict__)
        state.update(_ax=None, _image=None, _hooks=())
        return state


def animate_together(panels, frames) -> list:
    """``panel.animate(frame)`` for panels of one figure, drawing it once; returns the images."""
    frames = [p._check_frame(f) for p, f in zip(panels, frames)]
    for p in panels:
        if p._ax is None:
            raise ValueError(f"call plot_init(ax) on {type(p).__name__} before animate(frame)")
    images = paint_on_axes(panels, frames, [p._ax for p in panels], [p._image for p in panels])
    for p, f, image in zip(panels, frames, images):
        p.frame, p._image = f, image
    return images


def as_array(value, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    """``value`` (array, list or torch tensor) as a numeric numpy array (not copied when it is one)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "fiu" or array.ndim not in ndims or 0 in array.shape:
        shape = getattr(array, "shape", None)
        raise ValueError(f"`{name}` must be a non-empty numeric array with {' or '.join(map(str, ndims))} "
                         f"dimensions, got {type(value).__name__} of shape {shape}")
    return array
