"""The seed toolkit's animator, drawn by swarm's fast renderer.

    ls = animator.LineSwarm.standard(x, y, res["ypred"][::10], set_xlim=(-10, 10))
    hist = animator.HistogramSwarm.from_swarm(bw, 100, set_title="- Biases/Weights")
    animator.swarm_animate([ls, hist], "weight_distr.mp4")

Each class is a panel (:class:`swarm.panels.base.Panel`): matplotlib draws its
static parts once (``plot_init``), numpy paints each frame (``draw``), and
frames stream to ffmpeg in parallel chunks. Keyword arguments naming Axes
methods (``set_title=``, ``set_xlim=``) are checked when a panel is built and
applied in ``plot_init``; ``hook`` callables get the Axes after that.
``animate(frame)`` shows a frame on a figure the user holds.
"""
from swarm._animator.hist import HistogramSwarm
from swarm._animator.hive import hive_animate, hive_plot
from swarm._animator.line import LineSwarm
from swarm._animator.video import make_animation, swarm_animate

__all__ = ["LineSwarm", "HistogramSwarm", "swarm_animate", "make_animation", "hive_plot",
           "hive_animate"]
