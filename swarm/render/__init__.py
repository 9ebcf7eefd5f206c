"""Rendering: recordings and panels to video, fast.

Stages, each a module of plain functions or one small class:
``raster`` (curves -> per-pixel counts), ``shade`` (counts -> colours),
``canvas`` (a panel's pixel box with painting helpers), ``compose`` (layout,
static background once, frames in parallel chunks), ``workers`` (the process
pool and clean interruption), ``writer`` (ffmpeg), ``yuv`` (RGBX -> I420 for it),
``clock`` (epochs -> frames). The renderer knows panels only by their
protocol (``num_frames``, ``plot_init(ax)``, ``draw(canvas, frame)``) and imports
no panel; :func:`swarm.animate` (in ``swarm.animation``, above both) ties them
together and is re-exported here lazily.
"""
import importlib

from swarm.render.canvas import Canvas, Pane
from swarm.render.clock import frame_epochs, num_frames
from swarm.render.compose import Scene, frame_schedule, render, render_frame
from swarm.render.probe import probe
from swarm.render.shade import DensityShader
from swarm.render.workers import stop_workers, warm_up
from swarm.render.writer import FORMATS, VideoWriter, join_pieces

__all__ = ["animate", "DEFAULT_PANELS", "default_panels", "Scene", "render", "render_frame",
           "frame_schedule", "frame_epochs", "num_frames", "warm_up", "stop_workers", "Canvas", "Pane",
           "DensityShader", "VideoWriter", "join_pieces", "probe", "FORMATS"]

_FROM_ANIMATE = ("animate", "DEFAULT_PANELS", "default_panels")  # in swarm.animation


def __getattr__(name):
    """``animate`` and friends, for old imports: they live above render, in ``swarm.animation``."""
    if name in _FROM_ANIMATE:
        return getattr(importlib.import_module("swarm.animation"), name)
    raise AttributeError(f"module 'swarm.render' has no attribute {name!r}")
