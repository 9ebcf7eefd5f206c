"""Shared pieces for the report and notebook tests: an HTML checker and real little media files."""
from __future__ import annotations

import base64
import struct
from html.parser import HTMLParser
from pathlib import Path

import imageio_ffmpeg
import numpy as np


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
URL_ATTRS = {"src", "href", "poster", "srcset", "data", "action", "background"}


class Page(HTMLParser):
    """Parses a page, recording every element, its attributes, and nesting errors."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.elements, self.doctype, self.styles = [], [], [], None, []
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)

    def all(self, tag):
        return [attrs for t, attrs in self.elements if t == tag]

    def urls(self):
        return [v for _, attrs in self.elements for k, v in attrs.items() if k in URL_ATTRS]


def decode(uri: str, mime: str) -> bytes:
    head, payload = uri.split(",", 1)
    assert head == f"data:{mime};base64"
    return base64.b64decode(payload)


def well_formed(markup: str) -> Page:
    """The parsed markup, after checking every element is closed in order."""
    page = Page(markup)
    assert not page.errors and not page.stack, (page.errors, page.stack)
    return page


def read_page(path: Path) -> Page:
    page = well_formed(path.read_text(encoding="utf-8"))
    assert page.doctype.lower() == "doctype html"
    return page


def make_mp4(path, frames: int = 30, size=(160, 96), fps: int = 30):
    """A real H.264 yuv420p +faststart MP4: a white bar moving across a blue ramp."""
    w, h = size
    writer = imageio_ffmpeg.write_frames(str(path), size, fps=fps, codec="libx264",
                                         macro_block_size=2, ffmpeg_log_level="error",
                                         output_params=["-movflags", "+faststart"])
    writer.send(None)
    for i in range(frames):
        img = np.zeros((h, w, 3), np.uint8)
        img[..., 2] = np.linspace(0, 255, w, dtype=np.uint8)[None]
        x = i * (w - 8) // max(frames - 1, 1)
        img[:, x:x + 8] = 255
        writer.send(img.tobytes())
    writer.close()
    return path


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])
