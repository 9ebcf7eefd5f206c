"""Notebook display: Recording summaries, embedded video players, ``show``, and a real
notebook executed by a Jupyter kernel (nbclient)."""
from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from report_helpers import well_formed

from swarm import notebook
from swarm.figures import loss_curves


def test_recording_html_is_a_summary_table(rec):
    page = well_formed(notebook.recording_html(rec))
    assert [a.get("class") for a in page.all("table")] == ["swarm-table", "swarm-table"]
    markup = notebook.recording_html(rec)
    assert "Recording: 8 bees × 12 recorded epochs, 0 diverged" in markup
    assert "<th scope=\"row\">bees</th><td>8</td>" in markup
    assert not page.all("img")


def test_video_embeds_the_file_or_refers_to_it(clip):
    (video,) = well_formed(notebook.Video(clip)._repr_html_()).all("video")
    assert base64.b64decode(video["src"].split(",", 1)[1]) == clip.read_bytes()
    (linked,) = well_formed(notebook.Video(clip, embed=False, width=320)._repr_html_()).all("video")
    assert linked["src"] == clip.as_posix() and "width:320px" in linked["style"]


def test_gif_is_an_image(tmp_path):
    gif = tmp_path / "a.gif"
    gif.write_bytes(b"GIF89a")
    (img,) = well_formed(notebook.Video(gif)._repr_html_()).all("img")
    assert img["src"] == "data:image/gif;base64," + base64.b64encode(b"GIF89a").decode()


def test_show_picks_a_display_for_each_kind_of_thing(rec, clip, tmp_path):
    shown = notebook.show(rec)
    imgs = well_formed(shown._repr_html_()).all("img")
    assert len(imgs) == 3 and all(i["src"].startswith("data:image/png") for i in imgs)
    assert len(well_formed(notebook.show(rec, figures=False)._repr_html_()).all("img")) == 0
    assert isinstance(notebook.show(clip), notebook.Video)
    assert notebook.show(str(clip), embed=False).embed is False
    png = tmp_path / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert well_formed(notebook.show(png)._repr_html_()).all("img")[0]["src"].startswith(
        "data:image/png")
    assert well_formed(notebook.show(loss_curves(rec))._repr_html_()).all("img")


@pytest.mark.parametrize("bad, match", [(42, "`obj` must be"), ("nothing.txt", "`obj` must be")])
def test_show_rejects_what_it_cannot_display(bad, match):
    with pytest.raises(ValueError, match=match):
        notebook.show(bad)


def test_video_arguments_are_checked(clip, tmp_path):
    with pytest.raises(ValueError, match="`width` must be a positive"):
        notebook.Video(clip, width=0)
    with pytest.raises(ValueError, match="`path`: no file at .*none.mp4"):
        notebook.Video(tmp_path / "none.mp4")
    with pytest.raises(ValueError, match="`obj`: no file at 'nope.mp4'"):
        notebook.show("nope.mp4")


def test_a_real_notebook_displays_the_recording_and_the_video(clip):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    cells = [
        "import swarm\nfrom swarm import notebook\n"
        "rec = swarm.train('sin', bees=4, epochs=5, width=3, progress=False)",
        "rec",
        "notebook.show(rec, figures=False)",
        f"notebook.Video({str(clip)!r})",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(clip.parent)}}).execute()
    html = [[o["data"].get("text/html", "") for o in cell.outputs if "data" in o]
            for cell in nb.cells]
    assert "Recording: 4 bees × 5 recorded epochs" in html[1][0]
    assert "Recording: 4 bees × 5 recorded epochs" in html[2][0]
    video = re.search(r'<video[^>]* src="data:video/mp4;base64,([^"]+)"', html[3][0])
    assert base64.b64decode(video.group(1)) == clip.read_bytes()
    assert np.all([not o.get("output_type") == "error" for c in nb.cells for o in c.outputs])
