"""Rendering: recordings and panels to video, fast.

Stages, each a module of plain functions or one small class:
``raster`` (curves -> per-pixel counts), ``shade`` (counts -> colours),
``canvas`` (a panel's pixel box with painting helpers), ``compose`` (layout,
static background once, frames in parallel chunks), ``writer`` (ffmpeg),
``clock`` (epochs -> frames). :func:`animate` ties them together.
"""
from swarm.render.animate import DEFAULT_PANELS, animate, default_panels
from swarm.render.canvas import Canvas, Pane
from swarm.render.clock import frame_epochs, num_frames
from swarm.render.compose import Scene, frame_schedule, render, render_frame
from swarm.render.probe import probe
from swarm.render.shade import DensityShader
from swarm.render.writer import FORMATS, VideoWriter, join_pieces

__all__ = ["animate", "DEFAULT_PANELS", "default_panels", "Scene", "render", "render_frame",
           "frame_schedule", "frame_epochs", "num_frames", "Canvas", "Pane", "DensityShader",
           "VideoWriter", "join_pieces", "probe", "FORMATS"]
