"""Reports of a swarm run: its video(s), figures and numbers in one page.

``write_report(rec, "report.html", videos=["swarm.mp4"])`` writes one
self-contained HTML file (everything embedded as data URIs, no outside script,
font or link); ``"report.md"`` writes Markdown with a ``report_files/`` folder
beside it. Either is written atomically.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from swarm._files import check_writable
from swarm.report._context import check_recording
from swarm.report._html import write_html
from swarm.report._markdown import write_markdown
from swarm.report._media import check_videos

__all__ = ["write_report", "FORMATS"]

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def write_report(rec, path, videos=(), *, title: str | None = None,
                 embed_limit_mb: float | None = 20, figures: bool = True,
                 explore: bool = False) -> Path:
    """Write a report of ``rec`` to ``path``, HTML or Markdown by its extension; returns the path.

    ``videos``: paths of rendered videos (.mp4, .webm, .gif) to show, in order.
    ``embed_limit_mb``: in HTML, videos are embedded while their base64 text stays
    within this many MiB in total; the others are copied to ``<stem>_files/`` and
    linked, with a logged warning (None: no limit). ``figures``: draw the static
    figures (:mod:`swarm.figures`) the network allows. ``explore``: include the explorer
    (:func:`swarm.explore`): in HTML embedded as a frame, in Markdown as
    ``<stem>_files/explore.html``, linked.
    """
    rec = check_recording(rec)
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"`path` must end in {', '.join(FORMATS)}, got {str(path)!r}")
    check_writable(path)
    videos = check_videos(videos)
    if title is not None and not isinstance(title, str):
        raise ValueError(f"`title` must be a string or None, got {title!r}")
    if embed_limit_mb is not None and (isinstance(embed_limit_mb, bool) or not isinstance(
            embed_limit_mb, (int, float)) or not math.isfinite(embed_limit_mb)
            or embed_limit_mb < 0):
        raise ValueError(f"`embed_limit_mb` must be a number >= 0 (MiB) or None for no limit, "
                         f"got {embed_limit_mb!r}")
    if not isinstance(explore, (bool, np.bool_)):
        raise ValueError(f"`explore` must be True or False, got {explore!r}")
    if kind == "html":
        return write_html(rec, path, videos, title=title, embed_limit_mb=embed_limit_mb,
                          figures=bool(figures), explore=bool(explore))
    return write_markdown(rec, path, videos, title=title, figures=bool(figures),
                          explore=bool(explore))
