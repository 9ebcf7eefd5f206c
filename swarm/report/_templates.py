"""The report templates (``templates/`` beside this module), rendered with Jinja2.

HTML templates autoescape everything they insert; the Markdown template
escapes table cells with the ``cell`` filter.
"""
from __future__ import annotations

import functools

import jinja2

__all__ = ["render"]


def _cell(text) -> str:
    """Text safe inside a Markdown table cell: no line breaks, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


@functools.lru_cache(maxsize=None)
def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("swarm.report", "templates"),
                             autoescape=autoescape, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters["cell"] = _cell
    return env


def render(name: str, **context) -> str:
    """Render ``templates/<name>``; ``.html.j2`` templates are autoescaped."""
    return _environment(name.endswith(".html.j2")).get_template(name).render(**context)
