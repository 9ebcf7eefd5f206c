"""The Markdown report: ``<stem>.md`` plus ``<stem>_files/`` with the figures, videos and posters.

Videos appear as a ``<video>`` tag whose fallback is the poster image linking
to the file, and a plain link below: code-hosting sites that strip ``<video>``
still show the poster and the link.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from swarm._files import atomic_path
from swarm.recording import Recording
from swarm.report import _context, _media
from swarm.report._templates import render

__all__ = ["write_markdown"]


def write_markdown(rec: Recording, path: Path, videos: list[Path], *, title: str | None,
                   figures: bool, explore: bool = False) -> Path:
    """Write the folder's files, then the ``.md`` atomically; returns ``path``."""
    folder = path.parent / f"{path.stem}_files"
    ctx = _context.page(rec, title)
    drawn = _context.drawn_figures(rec) if figures else []
    if drawn or videos or explore:
        folder.mkdir(exist_ok=True)

    def link(name: str) -> str:
        return quote(f"{folder.name}/{name}")

    ctx["explorer"], ctx["explorer_name"] = "", ""
    if explore:
        from swarm.explorer import explore as write_explorer

        write_explorer(rec, folder / "explore.html")
        ctx["explorer"], ctx["explorer_name"] = link("explore.html"), "explore.html"

    ctx["figures"] = []
    for f in drawn:
        _media.write_bytes(folder / f"{f['name']}.png", f["png"])
        ctx["figures"].append(dict(f, src=link(f"{f['name']}.png")))
    ctx["videos"] = []
    for video, name in zip(videos, _media.file_names(videos)):
        mime = _media.VIDEO_TYPES[video.suffix.lower()]
        _media.copy_beside(video, folder / name)
        v = {"name": video.name, "mime": mime, "src": link(name), "poster": "", "seconds": None}
        if mime != "image/gif":
            poster = f"{Path(name).stem}.poster.png"
            _media.write_bytes(folder / poster, _media.poster_png(video))
            v.update(poster=link(poster), seconds=_media.video_seconds(video))
        ctx["videos"].append(v)
    with atomic_path(path) as tmp:
        tmp.write_text(render("report.md.j2", **ctx), encoding="utf-8")
    return path
