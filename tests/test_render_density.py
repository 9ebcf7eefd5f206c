"""The compiled density (swarm.render._density) against the numpy path it replaces, bit for bit."""
import subprocess
import sys

import numpy as np
import pytest

from swarm.render import canvas as canvas_module
from swarm.render.canvas import Canvas
from swarm.render.shade import DensityShader
from test_render_canvas import pane_of


class NumpyShader(DensityShader):
    """The default shades; a subclass, so Canvas.density takes the numpy path."""


def _draw(shader, x, ys, total=None):
    _, pane, height = pane_of()
    frame = np.full((height, 320, 4), 255, np.uint8)
    frame[..., 3] = 7  # the X byte: the table's shades write their own, as paint does
    canvas = Canvas(pane)
    canvas.begin(frame)
    counts = canvas.density(x, ys, total=total, shader=shader)
    return counts, frame, canvas.touched


@pytest.mark.parametrize("points, flipped", [(9, False), (300, False), (300, True), (41, True)])
def test_compiled_density_paints_the_numpy_paths_counts_and_pixels(points, flipped, monkeypatch):
    monkeypatch.setattr(canvas_module, "_COMPILED_FROM", 0)  # compiled for any size here
    rng = np.random.default_rng(points)
    x = np.linspace(-2.3, 2.2, points)  # past the box on the left: columns clipped
    if flipped:
        x = x[::-1]
    ys = np.cumsum(rng.normal(0, 0.4, (120, points)), axis=1) + rng.uniform(-1.5, 3.5, (120, 1))
    ys[:4] = 5.0  # wholly above the box (-1, 3): counted on its top row
    ys[4:8] = -4.0  # wholly below: nowhere
    for total in (None, 30):  # counts past the table's end take its darkest shade
        want = _draw(NumpyShader(), x, ys, total)
        got = _draw(None, x, ys, total)
        assert got[0].dtype == want[0].dtype == np.int32
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
        assert got[2] == want[2]  # the same touched rows


def test_compiled_density_of_curves_all_above_the_box_paints_nothing(monkeypatch):
    monkeypatch.setattr(canvas_module, "_COMPILED_FROM", 0)
    x = np.linspace(-2, 2, 9)
    counts, frame, touched = _draw(None, x, np.full((70, 9), 4.0))
    assert counts.sum() == 0 and (frame[..., :3] == 255).all() and touched == []
    want = _draw(NumpyShader(), x, np.full((70, 9), 4.0))
    assert want[2] == touched


def test_column_vertices_list_each_columns_inner_vertices():
    from swarm.render import raster

    x = np.array([0.0, 0.5, 0.7, 1.0, 2.4, 2.6, 5.0])
    plan = raster.column_plan(x, 8)
    vertices, start = plan.by_column
    got = {c: list(vertices[start[c]:start[c + 1]]) for c in range(plan.num_cols)}
    assert got == {0: [1, 2], 1: [], 2: [4, 5], 3: [], 4: []}  # x = 1.0 is an edge, not inside


def test_small_densities_stay_in_numpy_and_large_ones_load_the_compiled_path(tmp_path):
    """The first video's line panel (500 curves x ~670 columns) never loads numba."""
    code = ("import sys, numpy as np\n"
            "sys.path.insert(0, %r)\n"
            "from test_render_density import _draw\n"
            "x = np.linspace(-2, 2, 50)\n"
            "_draw(None, x, np.random.default_rng(0).uniform(-1, 3, (500, 50)))\n"
            "print('numba' in sys.modules)\n"
            "_draw(None, x, np.random.default_rng(0).uniform(-1, 3, (2000, 50)))\n"
            "print('numba' in sys.modules)\n") % str(__import__("pathlib").Path(__file__).parent)
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]  # 500 x ~250 columns, then 2,000 x ~250
