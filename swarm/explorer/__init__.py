"""The swarm explorer: one self-contained HTML page to scrub epochs and follow any bee.

``swarm.explore(rec, "run.html")`` writes it (atomically); :func:`explore_html` returns
the markup (reports embed it, notebooks show it). The page is the template
``explore.html.j2`` (in ``swarm/report/templates``) with the scripts and styles of
``static/`` and the recording's arrays (:mod:`swarm.explorer._data`) inlined: no
server, no network request. Its code exposes ``window.swarmExplorer``
(``setEpoch(i)``, ``select(bee)``, ``pin(bee)``, ``state()``, ``ready``).
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from swarm._files import atomic_path, check_writable
from swarm.explorer._data import page_data
from swarm.report import _context
from swarm.report._templates import render

__all__ = ["explore", "explore_html", "page_height", "SCRIPTS", "SUFFIXES"]

SUFFIXES = (".html", ".htm")
SCRIPTS = ("data.js", "state.js", "canvas.js", "net.js", "views.js", "explorer.js")  # in load order


def _static(name: str) -> str:
    return (resources.files("swarm.explorer") / "static" / name).read_text(encoding="utf-8")


def _json(value) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    return (json.dumps(value, separators=(",", ":"), allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _title(rec) -> str:
    """The report's title, naming the dataset where there is no target."""
    name = (rec.meta.get("dataset") or {}).get("name")
    text = _context.title(rec)
    return f"{text} learning {name}" if name and " learning " not in text else text


def explore_html(rec, *, title: str | None = None) -> str:
    """The explorer page of ``rec`` as one HTML string (everything inlined)."""
    rec = _context.check_recording(rec)
    if title is not None and not isinstance(title, str):
        raise ValueError(f"`title` must be a string or None, got {title!r}")
    data = page_data(rec)
    data.update(title=title or _title(rec), subtitle=_context.subtitle(rec))
    return render("explore.html.j2", title=data["title"], subtitle=data["subtitle"],
                  style=_static("explorer.css"), scripts=[_static(s) for s in SCRIPTS],
                  data=_json(data))


def explore(rec, path, *, title: str | None = None) -> Path:
    """Write the explorer page of ``rec`` to ``path`` (.html); returns the path.

    The file works offline from disk; a link with the page's ``#hash`` reopens the same
    view (epoch, pinned bees, colouring).
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"`path` must end in {', '.join(SUFFIXES)}, got {str(path)!r}")
    check_writable(path)
    markup = explore_html(rec, title=title)
    with atomic_path(path) as tmp:
        tmp.write_text(markup, encoding="utf-8")
    return path


def page_height(rec) -> int:
    """About how tall the page is (CSS px) two views wide, as in a report's column: the
    height of a frame that embeds it without scrolling inside."""
    views = 3 + rec.num_layers + (rec.task == "classification") + (rec.task == "target")
    return 260 + 320 * ((views + 1) // 2)
