"""Media for reports: posters, data URIs."""
from __future__ import annotations

import base64

import pytest
from report_helpers import make_mp4, png_size

from swarm.report import _media


def test_data_uri_round_trips_and_encoded_size_is_its_length():
    data = bytes(range(256)) * 3 + b"xy"
    uri = _media.data_uri(data, "video/mp4")
    head, payload = uri.split(",", 1)
    assert head == "data:video/mp4;base64"
    assert base64.b64decode(payload) == data
    for n in range(0, 10):
        assert _media.encoded_size(n) == len(base64.b64encode(b"a" * n))


def test_poster_is_a_frame_of_the_video(tmp_path):
    video = make_mp4(tmp_path / "v.mp4", frames=20, size=(64, 48), fps=10)
    png = _media.poster_png(video)
    assert png_size(png) == (64, 48)
    assert _media.video_seconds(video) == pytest.approx(2.0, abs=0.11)


@pytest.mark.parametrize("name", ["v.png", "v_poster.png"])
def test_poster_beside_the_video_is_used_as_is(tmp_path, name):
    video = make_mp4(tmp_path / "v.mp4", frames=4)
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\nrender's poster")
    assert _media.poster_png(video).endswith(b"render's poster")


def test_poster_of_a_broken_video_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(ValueError, match="bad.mp4"):
        _media.poster_png(bad)


@pytest.mark.parametrize("videos, match", [(["clip.avi"], "`videos`"), (["missing.mp4"], "no file")])
def test_check_videos_names_the_argument(tmp_path, videos, match):
    (tmp_path / "clip.avi").write_bytes(b"x")
    with pytest.raises(ValueError, match=match):
        _media.check_videos([tmp_path / v for v in videos])


def test_copy_beside_is_a_no_op_onto_itself(tmp_path):
    src = tmp_path / "a.mp4"
    src.write_bytes(b"abc")
    assert _media.copy_beside(src, src) == src and src.read_bytes() == b"abc"
    dest = _media.copy_beside(src, tmp_path / "b.mp4")
    assert dest.read_bytes() == b"abc"


def test_file_names_number_different_files_that_share_a_name(tmp_path):
    a, b, c = tmp_path / "a" / "swarm.mp4", tmp_path / "b" / "swarm.mp4", tmp_path / "c.mp4"
    assert _media.file_names([a, b, a, c]) == ["swarm.mp4", "2-swarm.mp4", "swarm.mp4", "c.mp4"]
