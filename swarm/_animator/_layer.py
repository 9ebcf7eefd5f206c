"""Show panels' moving parts on a user's own matplotlib figure (``animate``, ``hive_plot``).

The video path never comes here: the compositor paints frames itself. For a
figure the user holds, the static figure is drawn once with Agg, each panel
paints its frame into its Axes' pixel box with the same numpy ``draw`` the
video uses, and the painted box is shown in the Axes as an image (a
``BboxImage`` pinned to the box, so it follows the Axes when the figure is
redrawn at the same size and dpi).
"""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import BboxImage
from matplotlib.transforms import Bbox, TransformedBbox

from swarm.render.canvas import Canvas, Pane

__all__ = ["paint_on_axes"]


def _static_pixels(fig) -> np.ndarray:
    """The figure drawn by Agg at its own dpi: uint8 RGBA [height, width, 4]; its canvas is left as it was."""
    canvas = fig.canvas
    agg = FigureCanvasAgg(fig)
    try:
        agg.draw()
        return np.array(agg.buffer_rgba())
    finally:
        fig.set_canvas(canvas)


def _overlay(ax, pane: Pane, height: int, old):
    """The image artist pinned to ``pane``'s box in ``ax`` (``old`` reused when given)."""
    corners = np.array([[pane.left, height - pane.top - pane.height],
                        [pane.left + pane.width, height - pane.top]], dtype=np.float64)
    box = TransformedBbox(Bbox(ax.transAxes.inverted().transform(corners)), ax.transAxes)
    if old is not None and old.axes is ax:
        old.bbox = box
        return old
    image = BboxImage(box, origin="upper", interpolation="nearest", zorder=4)
    image.set_in_layout(False)
    ax.add_artist(image)
    return image


def paint_on_axes(panels, frames, axes, overlays) -> list:
    """Paint ``panels[i]`` at data frame ``frames[i]`` over ``axes[i]`` (one figure); returns the images.

    ``overlays[i]`` is the panel's image from a previous call (or None); it is
    hidden while the static figure is drawn, then shows the new pixels.
    """
    fig = axes[0].figure
    for image in overlays:
        if image is not None:
            image.set_visible(False)
    pixels = _static_pixels(fig)
    height = pixels.shape[0]
    images = []
    for panel, frame, ax, old in zip(panels, frames, axes, overlays):
        pane = Pane.from_axes(ax, height)
        canvas = Canvas(pane)
        painted = pixels.copy()
        canvas.begin(painted)
        try:
            panel.draw(canvas, int(frame))
        finally:
            canvas.end()
        box = painted[pane.top:pane.top + pane.height, pane.left:pane.left + pane.width, :3]
        image = _overlay(ax, pane, height, old)
        image.set_data(np.ascontiguousarray(box))
        image.set_visible(True)
        images.append(image)
    return images
