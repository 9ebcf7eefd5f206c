"""The seed toolkit's animator, drawn by swarm's fast renderer.

    ls = animator.LineSwarm.standard(x, y, res["ypred"][::10], set_xlim=(-10, 10))
    hist = animator.HistogramSwarm.from_swarm(bw, 100, set_title="- Biases/Weights")
    animator.swarm_animate([ls, hist], "weight_distr.mp4")

Each class is a panel (:class:`swarm.panels.base.Panel`): matplotlib draws its
static parts once (``plot_init``), numpy paints each frame (``draw``), and
frames stream to ffmpeg in parallel chunks. Keyword arguments naming Axes
methods (``set_title=``, ``set_xlim=``) are checked when a panel is built and
applied in ``plot_init``; ``hook`` callables get the Axes after that.
``animate(frame)`` shows a frame on a figure the user holds. The seed toolkit's
hook helpers are here too: ``validate_ax_kwargs(**kw)`` checks Axes method
names, ``kwargs_hook(**kw)`` makes a hook that calls them, ``apply_hook(ax, hook)``
runs one hook or a list of them.
"""
from swarm._animator._axes import apply_axes_calls, check_axes_calls, check_hooks
from swarm._animator.hist import HistogramSwarm
from swarm._animator.hive import hive_animate, hive_plot
from swarm._animator.line import LineSwarm
from swarm._animator.video import make_animation, swarm_animate

__all__ = ["LineSwarm", "HistogramSwarm", "swarm_animate", "make_animation", "hive_plot",
           "hive_animate", "validate_ax_kwargs", "kwargs_hook", "apply_hook"]


def validate_ax_kwargs(**kwargs) -> None:
    """Raise ``ValueError`` now when a keyword does not name a matplotlib Axes method."""
    check_axes_calls(kwargs)


def kwargs_hook(**kwargs):
    """A hook calling ``ax.<name>(value)`` for each keyword (``set_title="..."``), checked now."""
    calls = check_axes_calls(kwargs)
    return lambda ax: apply_axes_calls(ax, calls)


def apply_hook(ax, hook) -> None:
    """Call ``hook(ax)``, or each hook of a list in turn; ``None`` or ``[]`` does nothing."""
    for h in check_hooks(hook or ()):
        h(ax)
