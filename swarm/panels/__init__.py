"""Panels: animated views of a recording, one module each, found by name in ``PANELS``.

Each panel class takes ``(rec, tracked=...)`` and follows the protocol in
:mod:`swarm.panels.base` (``num_frames``, ``plot_init(ax)``, ``draw(canvas, frame)``).
"""
from swarm.panels.accuracy import AccuracyPanel
from swarm.panels.base import Panel, SpecOnly, TRACK_COLORS, pick_tracked, split_axes, track_color
from swarm.panels.boundary import BoundaryPanel
from swarm.panels.breakpoints import BreakpointsPanel
from swarm.panels.filters import FiltersPanel
from swarm.panels.line import LinePanel
from swarm.panels.loss import LossPanel
from swarm.panels.predictions import PredictionsPanel
from swarm.panels.rank import RankPanel
from swarm.panels.units import UnitsPanel
from swarm.panels.weights import WeightsPanel

PANELS: dict[str, type] = {
    "line": LinePanel,
    "breakpoints": BreakpointsPanel,
    "weights": WeightsPanel,
    "rank": RankPanel,
    "loss": LossPanel,
    "boundary": BoundaryPanel,
    "units": UnitsPanel,
    "accuracy": AccuracyPanel,
    "filters": FiltersPanel,
    "predictions": PredictionsPanel,
}


def get_panel(name: str) -> type:
    """The panel class called ``name``; a ``ValueError`` lists the valid names."""
    key = str(name).strip().lower()
    if key not in PANELS:
        raise ValueError(f"unknown panel {name!r}; choose from {', '.join(PANELS)}")
    return PANELS[key]


__all__ = ["PANELS", "get_panel", "Panel", "SpecOnly", "split_axes", "pick_tracked", "track_color",
           "TRACK_COLORS", "LinePanel", "BreakpointsPanel", "WeightsPanel", "RankPanel", "LossPanel",
           "BoundaryPanel", "UnitsPanel", "AccuracyPanel",
           "FiltersPanel", "PredictionsPanel"]
