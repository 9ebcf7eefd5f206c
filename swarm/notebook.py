"""Jupyter display, for old imports: it lives with the reports, in ``swarm.report.notebook``."""
from swarm.report.notebook import HTML, IMAGE_TYPES, Video, recording_html, show

__all__ = ["recording_html", "Video", "HTML", "show"]
