"""The HTML report: one self-contained page, videos and figures embedded as data URIs.

Videos that would take the embedded videos past ``embed_limit_mb`` are copied
into a folder beside the page (``<stem>_files/``) and linked, with a warning.
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from swarm._files import atomic_path
from swarm.recording import Recording
from swarm.report import _context, _media
from swarm.report._templates import render

__all__ = ["write_html", "explorer_frame"]

log = logging.getLogger(__name__)
MB = 1024 * 1024


def write_html(rec: Recording, path: Path, videos: list[Path], *, title: str | None,
               embed_limit_mb: float | None, figures: bool, explore: bool = False) -> Path:
    """Write the page atomically; returns ``path``. Arguments are already checked."""
    ctx = _context.page(rec, title)
    ctx["explorer"], ctx["height"] = (explorer_frame(rec) if explore else ("", 0))
    ctx["figures"] = [dict(f, src=_media.data_uri(f["png"], _media.PNG))
                      for f in (_context.drawn_figures(rec) if figures else [])]
    budget = float("inf") if embed_limit_mb is None else embed_limit_mb * MB
    ctx["videos"], used = [], 0
    for video, name in zip(videos, _media.file_names(videos)):
        size = _media.encoded_size(video.stat().st_size)
        embed = used + size <= budget
        used += size if embed else 0
        ctx["videos"].append(_video(video, name, path, embed, embed_limit_mb))
    with atomic_path(path) as tmp:
        tmp.write_text(render("report.html.j2", **ctx), encoding="utf-8")
    return path


def explorer_frame(rec: Recording) -> tuple[str, int]:
    """The explorer page (markup for an iframe's ``srcdoc``) and the frame's height (px)."""
    from swarm.explorer import explore_html, page_height

    return explore_html(rec), page_height(rec)


def _video(video: Path, name: str, page: Path, embed: bool, limit) -> dict:
    """One video's entry; when not embedded, copied as ``name`` into the folder beside."""
    mime = _media.VIDEO_TYPES[video.suffix.lower()]
    v = {"name": video.name, "mime": mime, "linked": not embed,
         "megabytes": video.stat().st_size / MB, "seconds": None, "poster": ""}
    if mime != "image/gif":
        v["seconds"] = _media.video_seconds(video)
        v["poster"] = _media.data_uri(_media.poster_png(video), _media.PNG)
    if embed:
        v["src"] = _media.data_uri(video.read_bytes(), mime)
        return v
    if video.parent.resolve() == page.parent.resolve():
        rel = video.name
    else:
        folder = page.parent / f"{page.stem}_files"
        folder.mkdir(exist_ok=True)
        _media.copy_beside(video, folder / name)
        rel = f"{folder.name}/{name}"
    log.warning("%s (%.1f MB) is over embed_limit_mb=%s: linked as %s instead of embedded; "
                "keep it beside %s", video.name, v["megabytes"], limit, rel, page.name)
    v["src"] = quote(rel)
    return v
