"""Reports: the HTML page is well formed and self-contained, the size limit falls back to a
linked file, Markdown keeps its files in a folder beside it, and writes are atomic."""
from __future__ import annotations

import logging
import re

import numpy as np
import pytest
from report_helpers import decode, make_mp4, png_size, read_page

import swarm
from swarm import report
from swarm.report import _html, _media

def test_html_is_well_formed_self_contained_and_embeds_the_video(tmp_path, rec, clip):
    out = report.write_report(rec, tmp_path / "r.html", [clip])
    assert out == tmp_path / "r.html"
    page = read_page(out)
    assert [t for t, _ in page.elements[:1]] == ["html"]
    assert all(u.startswith("data:") for u in page.urls()), [u[:40] for u in page.urls()]
    assert not page.all("script") and not page.all("link") and not page.all("iframe")
    css = "".join(page.styles)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    (video,) = page.all("video")
    assert decode(video["src"], "video/mp4") == clip.read_bytes()
    assert png_size(decode(video["poster"], "image/png")) == (160, 96)
    assert {"controls", "muted", "playsinline"} <= set(video)
    assert sorted(tmp_path.iterdir()) == [out]  # nothing beside it


@pytest.mark.parametrize("kwargs, figures", [
    (dict(activation="relu", depth=1), ["fits", "loss", "breakpoints"]),
    (dict(activation="relu", depth=2, width=4), ["fits", "loss", "breakpoints", "rank"]),
    (dict(activation="gelu", depth=1), ["fits", "loss"]),
])
def test_every_figure_the_network_allows_is_embedded(tmp_path, kwargs, figures):
    small = swarm.train("sin", bees=4, epochs=5, progress=False, **kwargs)
    page = read_page(report.write_report(small, tmp_path / "r.html"))
    shown = [a["id"].removeprefix("fig-") for t, a in page.elements
             if t == "figure" and a.get("id", "").startswith("fig-")]
    assert shown == figures
    for img in page.all("img"):
        assert png_size(decode(img["src"], "image/png")) == (int(img["width"]), int(img["height"]))
        assert img["alt"]
    assert not page.all("video")


def test_page_states_the_spec_numbers_versions_and_times(tmp_path, rec):
    rec = swarm.Recording(dict(rec), {**rec.meta, "wall_time": {"train": 1.25, "render": 2.5}})
    text = report.write_report(rec, tmp_path / "r.html", figures=False).read_text()
    assert "<title>A swarm of 8 bees learning sin</title>" in text
    assert "1 → 6 → 1, relu" in text and "sgd (lr 0.01, momentum 0.9)" in text
    assert "train 1.25 s · render 2.50 s · total 3.75 s" in text
    assert f"torch {rec.meta['versions']['torch']}" in text
    median = np.median(rec["loss"][:, -1])
    assert f"<th scope=\"row\">final loss, median</th><td>{median:.4g}</td>" in text
    assert "<th scope=\"row\">diverged bees</th><td>0</td>" in text
    assert "of the 6 turning points; " in text  # sin on [-3 pi, 3 pi]
    assert "<img" not in text


def test_title_is_escaped(tmp_path, rec):
    text = report.write_report(rec, tmp_path / "r.html", title="<b>mine</b> & co",
                               figures=False).read_text()
    assert "<title>&lt;b&gt;mine&lt;/b&gt; &amp; co</title>" in text and "<b>mine" not in text


def test_over_the_limit_the_video_is_copied_beside_and_linked_with_a_warning(
        tmp_path, rec, clip, caplog):
    size_mb = _media.encoded_size(clip.stat().st_size) / _html.MB
    with caplog.at_level(logging.WARNING, logger="swarm.report"):
        out = report.write_report(rec, tmp_path / "r.html", [clip, clip], figures=False,
                                  embed_limit_mb=size_mb * 1.5)
    first, second = read_page(out).all("video")
    assert decode(first["src"], "video/mp4") == clip.read_bytes()
    assert second["src"] == "r_files/swarm.mp4"
    assert (tmp_path / "r_files" / "swarm.mp4").read_bytes() == clip.read_bytes()
    assert second["poster"].startswith("data:image/png")  # the poster stays embedded
    assert "over embed_limit_mb" in caplog.text and "r_files/swarm.mp4" in caplog.text


def test_exactly_at_the_limit_the_video_is_embedded(tmp_path, rec, clip):
    size_mb = _media.encoded_size(clip.stat().st_size) / _html.MB
    out = report.write_report(rec, tmp_path / "r.html", [clip], figures=False,
                              embed_limit_mb=size_mb)
    assert read_page(out).all("video")[0]["src"].startswith("data:video/mp4")


def test_a_video_already_beside_the_page_is_linked_by_name_not_copied(tmp_path, rec):
    clip = make_mp4(tmp_path / "my clip.mp4", frames=4)
    out = report.write_report(rec, tmp_path / "r.html", [clip], figures=False, embed_limit_mb=0)
    (video,) = read_page(out).all("video")
    assert video["src"] == "my%20clip.mp4"
    assert not (tmp_path / "r_files").exists()


def test_markdown_keeps_figures_video_and_poster_in_a_folder(tmp_path, rec, clip):
    out = report.write_report(rec, tmp_path / "notes.md", [clip])
    text = out.read_text()
    folder = tmp_path / "notes_files"
    assert sorted(p.name for p in folder.iterdir()) == [
        "breakpoints.png", "fits.png", "loss.png", "swarm.mp4", "swarm.poster.png"]
    assert (folder / "swarm.mp4").read_bytes() == clip.read_bytes()
    assert png_size((folder / "swarm.poster.png").read_bytes()) == (160, 96)
    refs = re.findall(r'(?:src|poster|href)="([^"]+)"|\]\(([^)]+)\)', text)
    refs = {a or b for a, b in refs}
    assert refs == {f"notes_files/{n}" for n in
                    ["breakpoints.png", "fits.png", "loss.png", "swarm.mp4", "swarm.poster.png"]}
    assert '<video src="notes_files/swarm.mp4" poster="notes_files/swarm.poster.png"' in text
    # the fallback inside <video> is the poster linking to the file, for sites that strip <video>
    assert '<a href="notes_files/swarm.mp4"><img src="notes_files/swarm.poster.png"' in text
    assert text.startswith("# A swarm of 8 bees learning sin\n")
    assert "| bees | 8 |" in text


def test_markdown_table_cells_escape_pipes(tmp_path, rec):
    meta = {**rec.meta, "spec": {**rec.meta["spec"], "note": "a|b\nc"}}
    text = report.write_report(swarm.Recording(dict(rec), meta), tmp_path / "r.md",
                               figures=False).read_text()
    assert "| note | a\\|b c |" in text


def test_a_failed_write_leaves_nothing_and_keeps_the_old_page(tmp_path, rec, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("old")

    def broken(*args, **kwargs):
        raise RuntimeError("template failed")

    monkeypatch.setattr(_html, "render", broken)
    with pytest.raises(RuntimeError, match="template failed"):
        report.write_report(rec, out, figures=False)
    assert out.read_text() == "old"
    assert sorted(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("path, kwargs, match", [
    ("r.pdf", {}, "`path` must end in .html"),
    ("missing/r.html", {}, "does not exist"),
    ("r.html", {"videos": ["nope.mp4"]}, "`videos`: no file"),
    ("r.html", {"videos": ["clip.mov"]}, "`videos` must be"),
    ("r.html", {"embed_limit_mb": -1}, "`embed_limit_mb` must be a number >= 0"),
    ("r.html", {"embed_limit_mb": "20"}, "`embed_limit_mb`"),
    ("r.html", {"title": 3}, "`title` must be a string"),
])
def test_bad_arguments_are_value_errors_naming_them(tmp_path, rec, path, kwargs, match):
    if "videos" in kwargs:
        kwargs["videos"] = [tmp_path / v for v in kwargs["videos"]]
        (tmp_path / "clip.mov").write_bytes(b"x")
    with pytest.raises(ValueError, match=match):
        report.write_report(rec, tmp_path / path, **kwargs)


def test_not_a_recording_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="`rec` must be a swarm Recording, got dict"):
        report.write_report({}, tmp_path / "r.html")
