"""The ffmpeg writer: real encodes checked with ffmpeg, and nothing left behind on failure."""
import subprocess

import numpy as np
import pytest

from swarm.render.probe import mp4_atoms, probe
from swarm.render.writer import VideoWriter, codec_args, ffmpeg_exe, join_pieces, piece_suffix, save_png
from swarm.render.yuv import I420


def moving_bar(i, size=(48, 32), channels=3):
    width, height = size
    frame = np.full((height, width, channels), 30, np.uint8)
    frame[:, (3 * i) % width] = 255
    return frame


def write(path, frames, size=(48, 32), **kwargs):
    with VideoWriter(path, 30, size, **kwargs) as writer:
        for i in range(frames):
            writer.write(moving_bar(i, size, kwargs.get("channels", 3)))
    return path


@pytest.mark.parametrize("suffix, codec", [(".mp4", "h264"), (".webm", "vp9"), (".gif", "gif")])
def test_each_format_encodes_every_frame(tmp_path, suffix, codec):
    info = probe(write(tmp_path / f"out{suffix}", 17))
    assert info["codec"] == codec and info["frames"] == 17
    assert (info["width"], info["height"]) == (48, 32)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{suffix}"]


def test_mp4_is_browser_ready_and_padded_to_even(tmp_path):
    info = probe(write(tmp_path / "odd.mp4", 5, size=(47, 31), channels=4))
    assert info["pix_fmt"] == "yuv420p" and info["faststart"] is True
    assert (info["width"], info["height"]) == (48, 32)
    atoms = mp4_atoms(tmp_path / "odd.mp4")
    assert atoms.index("moov") < atoms.index("mdat")


def x264_options(path) -> str:
    """The option string x264 writes into every H.264 stream it makes (its SEI message)."""
    data = path.read_bytes()
    start = data.index(b"options: ")
    return data[start:data.index(b"\x00", start)].decode("ascii", "replace")


@pytest.mark.parametrize("preset, tuned", [("veryfast", True), ("faster", False)])
def test_default_preset_runs_the_cheaper_motion_search(tmp_path, preset, tuned):
    # veryfast (the default) with superfast's diamond search and one subpixel pass; other
    # presets exactly as x264 defines them
    options = x264_options(write(tmp_path / "out.mp4", 5, preset=preset))
    assert (" me=dia " in options and " subme=1 " in options) is tuned
    assert ("me=hex" in options) is not tuned
    assert ("-x264-params" in codec_args(".mp4", preset, None)) is tuned


@pytest.mark.parametrize("suffix", [".mp4", ".webm", ".gif"])
def test_pieces_join_without_losing_frames(tmp_path, suffix):
    pieces = [write(tmp_path / f"p{k}{piece_suffix(suffix)}", n, piece_of=suffix)
              for k, n in enumerate([7, 5, 9])]
    info = probe(join_pieces(pieces, tmp_path / f"joined{suffix}", 30))
    assert info["frames"] == 21
    if suffix == ".mp4":
        assert info["faststart"] and info["pix_fmt"] == "yuv420p"


def test_error_inside_the_block_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        with VideoWriter(tmp_path / "out.mp4", 30, (48, 32)) as writer:
            writer.write(moving_bar(0))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_bad_frames_and_arguments_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="`frame` must be uint8 \\[32, 48, 3\\]"):
        with VideoWriter(tmp_path / "out.mp4", 30, (48, 32)) as writer:
            writer.write(np.zeros((32, 48, 3), np.float32))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="unknown output extension '.avi'"):
        VideoWriter(tmp_path / "out.avi")
    with pytest.raises(ValueError, match="`fps`"):
        VideoWriter(tmp_path / "out.mp4", fps=0)
    with pytest.raises(ValueError, match="`size`"):
        VideoWriter(tmp_path / "out.mp4", size=(1, 10))
    with pytest.raises(ValueError, match="does not exist"):
        VideoWriter(tmp_path / "missing" / "out.mp4")


def test_ffmpeg_failure_raises_with_its_message_and_leaves_nothing(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="unknown `preset` 'no-such-preset'"):  # refused first
        write(tmp_path / "out.mp4", 3, preset="no-such-preset")
    from swarm.render import writer

    monkeypatch.setattr(writer, "check_codec", lambda *args: None)  # so ffmpeg gets to refuse it
    with pytest.raises(RuntimeError, match="ffmpeg failed"):
        write(tmp_path / "out.mp4", 3, preset="no-such-preset")
    assert list(tmp_path.iterdir()) == []


def test_poster_png(tmp_path):
    from PIL import Image
    frame = moving_bar(2, channels=4)
    save_png(frame, tmp_path / "poster.png")
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "poster.png")), frame[..., :3])
    with pytest.raises(ValueError, match=".png"):
        save_png(frame, tmp_path / "poster.jpg")


def _decode(path, size) -> np.ndarray:
    """Every frame of ``path`` decoded by ffmpeg: uint8 [frame, height, width, 3]."""
    import subprocess

    from swarm.render.writer import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "pipe:"], capture_output=True, check=True).stdout
    width, height = size
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def block(i, size=(64, 48)):
    """A grey frame with a coloured 16x16 block that moves right by 8 px a frame (codec-friendly)."""
    width, height = size
    frame = np.full((height, width, 3), 60, np.uint8)
    left = (8 * i) % (width - 16)
    frame[16:32, left:left + 16] = (230, 40, 40) if i % 2 else (40, 200, 90)
    return frame


@pytest.mark.parametrize("suffix, tolerance", [(".mp4", 12), (".webm", 12), (".gif", 12)])
def test_decoded_frames_are_the_frames_sent(tmp_path, suffix, tolerance):
    sent = [block(i) for i in range(6)]
    with VideoWriter(tmp_path / f"out{suffix}", 10, (64, 48), crf=10) as writer:
        for frame in sent:
            writer.write(frame)
    back = _decode(tmp_path / f"out{suffix}", (64, 48)).astype(int)
    assert len(back) == len(sent)
    for i, (want, got) in enumerate(zip(sent, back)):
        inside = np.s_[18:30, (8 * i) % 48 + 2:(8 * i) % 48 + 14]  # away from chroma edges
        assert np.abs(got[inside] - want[inside].astype(int)).max() <= tolerance, i
        assert np.abs(got - want).mean() <= 3, i


def decoded_i420(path, width, height):
    """Every frame of ``path`` as ffmpeg decodes it, uint8 [frame, height * 3 // 2, width]."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "yuv420p", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height * 3 // 2, width)


def test_rgbx_frames_reach_x264_as_our_i420_changed_rows_only(tmp_path):
    """Lossless H.264 (crf 0) gives back what x264 was handed: each frame's whole I420
    conversion, though only the rows said to have changed were converted again."""
    rng = np.random.default_rng(5)
    frames = [rng.integers(0, 256, (32, 48, 4), dtype=np.uint8)]
    bands = [None, [(10, 13)], [(10, 13), (30, 32)], []]  # what changed since the frame before
    for rows in bands[1:]:
        frame = frames[-1].copy()
        for start, stop in rows:
            frame[start:stop] = rng.integers(0, 256, (stop - start, 48, 4), dtype=np.uint8)
        frames.append(frame)
    path = tmp_path / "out.mp4"
    with VideoWriter(path, 30, (48, 32), channels=4, crf=0) as writer:
        for frame, rows in zip(frames, bands):
            writer.write(frame, rows)
    assert probe(path)["pix_fmt"] == "yuv420p"
    got = decoded_i420(path, 48, 32)
    want = [I420(48, 32).convert(frame) for frame in frames]
    np.testing.assert_array_equal(got, want)
