"""Jupyter display: a Recording's summary table, videos as embedded players, ``show``.

Nothing here imports IPython: Jupyter calls ``_repr_html_`` on whatever a cell
returns, so plain objects with that method display themselves.
"""
from __future__ import annotations

import html
from pathlib import Path

from swarm.recording import Recording
from swarm.report import _context, _media
from swarm.report._templates import render

__all__ = ["recording_html", "Video", "HTML", "show", "explorer"]

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".svg": "image/svg+xml"}


class HTML:
    """A piece of HTML that a notebook displays (``_repr_html_``); ``str()`` gives the markup."""

    def __init__(self, markup: str):
        self.markup = str(markup)

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"HTML({len(self.markup):,} characters)"


def recording_html(rec: Recording, *, figures: bool = False) -> str:
    """A Recording as HTML: a heading, its headline numbers and its spec (and the figures).

    This is what ``Recording._repr_html_`` shows in a notebook.
    """
    rec = _context.check_recording(rec)
    ctx = _context.page(rec, None)
    ctx["figures"] = [dict(f, src=_media.data_uri(f["png"], _media.PNG))
                      for f in (_context.drawn_figures(rec) if figures else [])]
    ctx["heading"] = (f"Recording: {rec.num_bees:,} bees × {rec.num_epochs:,} recorded epochs"
                      f", {int(rec.diverged.sum()):,} diverged")
    return render("summary.html.j2", **ctx)


class Video:
    """A rendered video (.mp4, .webm or .gif) shown as a player in a notebook.

    ``embed=True`` puts the file in the notebook as a data URI (it plays
    anywhere, offline, and survives moving the notebook); ``embed=False``
    refers to ``path`` relative to the notebook. ``width``: CSS pixels or None
    (the cell's width).
    """

    def __init__(self, path, *, embed: bool = True, width: int | None = None):
        self.path = _media.check_videos([path], "path")[0]
        if width is not None and (isinstance(width, bool) or not isinstance(width, int)
                                  or width < 1):
            raise ValueError(f"`width` must be a positive number of pixels or None, got {width!r}")
        self.embed = bool(embed)
        self.width = width

    @property
    def mime(self) -> str:
        return _media.VIDEO_TYPES[self.path.suffix.lower()]

    def _repr_html_(self) -> str:
        src = (_media.data_uri(self.path.read_bytes(), self.mime) if self.embed
               else self.path.as_posix())
        v = {"src": src, "mime": self.mime, "name": self.path.name, "poster": ""}
        return render("video.html.j2", v=v, width=self.width)

    def __repr__(self) -> str:
        return f"Video({str(self.path)!r}, embed={self.embed})"


def show(obj, **kwargs):
    """Something a notebook displays for ``obj``.

    - a Recording: its summary table and static figures (``figures=False`` to skip them);
      ``explore=True``: the explorer (:func:`swarm.explore`) inline instead;
    - a video path (.mp4, .webm, .gif) or a :class:`Video`: an embedded player
      (keyword arguments go to :class:`Video`);
    - an image path (.png, .jpg, .svg) or a matplotlib Figure: the image, embedded.
    """
    if isinstance(obj, Recording):
        unknown = set(kwargs) - {"figures", "explore"}
        if unknown:
            raise ValueError(f"show(Recording) takes only `figures` and `explore`, got "
                             f"{sorted(unknown)}")
        if kwargs.get("explore"):
            return explorer(obj)
        return HTML(recording_html(obj, figures=kwargs.get("figures", True)))
    if isinstance(obj, Video):
        return obj
    if isinstance(obj, (str, Path)):
        suffix = Path(obj).suffix.lower()
        if suffix in _media.VIDEO_TYPES:
            _media.check_videos([obj], "obj")
            return Video(obj, **kwargs)
        if suffix in IMAGE_TYPES and Path(obj).is_file():
            return _image(Path(obj).read_bytes(), IMAGE_TYPES[suffix], Path(obj).name)
    if hasattr(obj, "savefig"):
        from swarm.figures import to_png

        return _image(to_png(obj), _media.PNG, "figure")
    raise ValueError(f"`obj` must be a Recording, a Video, a matplotlib Figure, or the path of "
                     f"an existing {', '.join(list(_media.VIDEO_TYPES) + list(IMAGE_TYPES))} "
                     f"file, got {obj!r}")


def explorer(rec: Recording) -> HTML:
    """The explorer page of ``rec`` in a frame of the notebook (its own document, so its
    scripts and styles stay apart from the notebook's)."""
    from swarm.report._html import explorer_frame

    markup, height = explorer_frame(rec)
    return HTML(render("_explore.html.j2", explorer=markup, height=height))


def _image(data: bytes, mime: str, alt: str) -> HTML:
    return HTML(f'<img src="{_media.data_uri(data, mime)}" alt="{html.escape(alt)}" '
                f'style="max-width:100%;height:auto">')
