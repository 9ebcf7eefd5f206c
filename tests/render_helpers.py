"""Shared pieces for the render and panel tests: tiny recordings and a frame-counting writer."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

import swarm
from swarm.recording import Recording


@lru_cache(maxsize=None)
def tiny(depth: int = 1, bees: int = 6, epochs: int = 12) -> Recording:
    """A small trained sin swarm (cached; treat as read-only)."""
    return swarm.train("sin", bees=bees, epochs=epochs, width=4, depth=depth, points=21,
                       lr=0.02, progress=False)


def hand_recording(ypred, x=None, y=None, **arrays) -> Recording:
    """A Recording around ``ypred`` [bee, epoch, point] with whatever else is given."""
    ypred = np.asarray(ypred, dtype=np.float32)
    bees, epochs, points = ypred.shape
    x = np.linspace(-1, 1, points, dtype=np.float32) if x is None else np.asarray(x, np.float32)
    y = np.zeros(points, np.float32) if y is None else np.asarray(y, np.float32)
    base = {"ypred": ypred, "x": x, "y": y, "epoch": np.arange(epochs),
            "loss": np.ones((bees, epochs), np.float32)}
    base.update(arrays)
    return Recording(base, {"spec": {"target": "custom", "activation": "relu"}})


class CountingWriter:
    """Stands in for VideoWriter: counts frames and keeps the last one, encodes nothing."""

    instances: list = []

    def __init__(self, path, fps=30, size=(1280, 720), **kwargs):
        self.path, self.fps, self.size, self.kwargs = path, fps, size, kwargs
        self.frames, self.last = 0, None
        CountingWriter.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def write(self, frame, rows=None):
        width, height = self.size
        assert frame.shape[:2] == (height, width) and frame.dtype == np.uint8
        self.frames += 1
        self.last = np.array(frame)
