"""Exact breakpoints against closed forms (depth 1), brute force on a grid, a plain numpy walk."""
import importlib
import subprocess
import sys

import numpy as np
import pytest
import torch

from swarm._model import activations as _act
from swarm.metrics import breakpoint_histogram, breakpoints
from swarm.testing import from_params, random_walk

_bp = importlib.import_module("swarm.metrics.breakpoints")  # the module, not the function
GRID = 400_001  # brute-force resolution over [-3, 3]


def _random_params(rng, bees, width, depth, epochs=1):
    dims = [1] + [width] * depth + [1]
    w = [rng.normal(size=(bees, epochs, o, i)) for i, o in zip(dims[:-1], dims[1:])]
    b = [rng.normal(size=(bees, epochs, o)) for o in dims[1:]]
    return w, b


def _brute_force(rec, bee, activation):
    """Sign changes of every hidden unit's pre-activation, and bends of the output, on a grid."""
    x = np.linspace(-3, 3, GRID)
    act = _act.get(activation).fn
    a = x[None, :]
    crossings, layers = [], rec.layer_indices
    for k in layers:
        w, b = rec.weights(k)[bee, -1].astype(np.float64), rec.biases(k)[bee, -1]
        z = w @ a + b[:, None]
        if k == layers[-1]:
            break
        sign = np.sign(z)
        for unit in range(z.shape[0]):
            cells = np.flatnonzero(sign[unit, 1:] * sign[unit, :-1] < 0)
            crossings.extend(x[cells])
        a = act(torch.as_tensor(z)).numpy()
    second = np.abs(np.diff(z[0], 2))  # output bends: second differences well above rounding
    bends = x[1:-1][second > 1e-9 * max(1.0, np.abs(z[0]).max())]
    return np.sort(crossings), _cluster(bends)


def _cluster(x, gap=1e-4):
    """Grid cells next to each other are one bend."""
    if x.size == 0:
        return x
    starts = np.concatenate([[True], np.diff(x) > gap])
    return x[starts]


def test_depth_one_breakpoints_are_minus_b_over_w():
    w0 = np.array([2.0, -1.0, 0.0, 0.5, 4.0])[None, None, :, None]  # unit 2 has w = 0
    b0 = np.array([1.0, 0.5, 0.3, -3.0, 0.4])[None, None, :]  # unit 3's -b/w = 6 is outside
    w1 = np.array([[1.0, -2.0, 1.0, 1.0, 3.0]])[None, None]
    rec = from_params([w0, w1], [b0, np.zeros((1, 1, 1))], target="x", x=np.linspace(-3, 3, 7))
    expected = np.sort([-1.0 / 2.0, 0.5 / 1.0, -0.4 / 4.0])
    for kind in ("output", "units"):
        np.testing.assert_allclose(breakpoints(rec, kind=kind)[0], expected, rtol=1e-6)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "abs"])
def test_depth_one_random_swarm_matches_closed_form(activation):
    rng = np.random.default_rng(1)
    w, b = _random_params(rng, 6, 7, 1)
    rec = from_params(w, b, activation=activation, target="x", x=np.linspace(-3, 3, 5))
    found = breakpoints(rec)
    for bee in range(6):
        kinks = -b[0][bee, 0] / w[0][bee, 0, :, 0]
        kinks = np.sort(kinks[(kinks > -3) & (kinks < 3)])
        np.testing.assert_allclose(found[bee], kinks.astype(np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "abs"])
@pytest.mark.parametrize("depth", [2, 3])
def test_deep_breakpoints_match_brute_force(activation, depth):
    rng = np.random.default_rng(depth)
    w, b = _random_params(rng, 3, 5, depth)
    rec = from_params(w, b, activation=activation, target="x", x=np.linspace(-3, 3, 5))
    units, output = breakpoints(rec, kind="units"), breakpoints(rec, kind="output")
    for bee in range(3):
        crossings, bends = _brute_force(rec, bee, activation)
        assert abs(units[bee].size - crossings.size) <= 1
        assert abs(output[bee].size - bends.size) <= 1
        # every exact kink sits in a grid cell where brute force saw one
        cell = 2 * 6.0 / (GRID - 1)
        assert np.abs(units[bee][:, None] - crossings[None, :]).min(1).max() <= cell
        assert np.isin(output[bee], units[bee]).all()


def test_a_kink_behind_dead_units_is_a_unit_crossing_but_no_bend():
    # u0 = relu(x) bends at 0, u1 = relu(x - 0.5) has no way out; v = relu(u0 - 1) wakes at 1
    w = [np.array([[1.0], [1.0]]), np.array([[1.0, 0.0]]), np.array([[1.0]])]
    b = [np.array([0.0, -0.5]), np.array([-1.0]), np.array([0.0])]
    rec = from_params([a[None, None] for a in w], [a[None, None] for a in b], target="x",
                      x=np.linspace(-2, 2, 9))
    np.testing.assert_allclose(breakpoints(rec, kind="units")[0], [0.0, 0.5, 1.0], atol=1e-12)
    np.testing.assert_allclose(breakpoints(rec)[0], [1.0], atol=1e-12)


def test_identical_units_give_one_kink():
    w = [np.ones((1, 1, 3, 1)), np.ones((1, 1, 1, 3))]
    b = [np.full((1, 1, 3), 0.25), np.zeros((1, 1, 1))]
    rec = from_params(w, b, target="x", x=np.linspace(-1, 1, 5))
    np.testing.assert_allclose(breakpoints(rec)[0], [-0.25])


def test_identity_networks_have_no_breakpoints():
    w, b = _random_params(np.random.default_rng(0), 2, 4, 2)
    rec = from_params(w, b, activation="identity", target="x")
    assert all(k.size == 0 for k in breakpoints(rec))


def test_smooth_activations_are_refused():
    w, b = _random_params(np.random.default_rng(0), 2, 4, 1)
    rec = from_params(w, b, activation="tanh", target="x")
    with pytest.raises(ValueError, match="piecewise-linear"):
        breakpoints(rec)
    with pytest.raises(ValueError, match="piecewise-linear"):
        breakpoint_histogram(rec, 10)


@pytest.mark.parametrize("nets", [None, 1, 2, 3])
def test_histogram_counts_each_bee_until_it_diverged(monkeypatch, nets):
    # nets: networks per batch (None: all 5 bees of an epoch, several epochs per batch;
    # fewer than 5: an epoch's bees split over batches); the batches run on map_cores
    diverged = np.array([False, True, False, False, False])
    rec = random_walk(5, 6, width=4, depth=2, step=0.1, seed=3, diverged=diverged)
    assert rec["diverged_at"][1] == 5  # bee 1 diverged at the last epoch
    by_epoch = [breakpoints(rec, e) for e in range(6)]  # each epoch's 5 bees in one batch
    if nets is not None:
        monkeypatch.setattr(_bp, "_chunk_nets", lambda rec: nets)
    counts, edges = breakpoint_histogram(rec, 12)
    lo, hi = float(rec.x.min()), float(rec.x.max())
    np.testing.assert_allclose(edges, np.linspace(lo, hi, 13))
    assert counts.shape == (6, 12)
    for e in range(6):
        counted = [bee for bee in range(5) if not diverged[bee] or e < 5]
        pooled = np.concatenate([by_epoch[e][bee] for bee in counted])
        np.testing.assert_array_equal(counts[e], np.histogram(pooled, edges)[0])


@pytest.mark.parametrize("nets", [1, 2, 4])
def test_breakpoints_in_batches_are_the_bees_one_at_a_time(monkeypatch, nets):
    w, b = _random_params(np.random.default_rng(7), 9, 5, 3)
    rec = from_params(w, b, target="x", x=np.linspace(-3, 3, 5))
    alone = [breakpoints(from_params([a[i:i + 1] for a in w], [a[i:i + 1] for a in b], target="x",
                                     x=np.linspace(-3, 3, 5)))[0] for i in range(9)]
    monkeypatch.setattr(_bp, "_chunk_nets", lambda rec: nets)
    found = breakpoints(rec)
    assert len(found) == 9
    for got, want in zip(found, alone):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_histogram_takes_epochs_and_edges():
    rec = random_walk(3, 5, width=4, depth=1, seed=4)
    edges = np.linspace(-2, 2, 5)
    counts, out_edges = breakpoint_histogram(rec, edges, epochs=[0, 4])
    full, _ = breakpoint_histogram(rec, edges)
    np.testing.assert_array_equal(counts, full[[0, 4]])
    np.testing.assert_array_equal(out_edges, edges)


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "bends"}, "`kind`"), ({"epoch": 7}, "`epoch`"), ({"epoch": 1.0}, "`epoch`"),
    ({"domain": (1, -1)}, "`domain`"),
])
def test_bad_arguments_name_themselves(kwargs, match):
    rec = random_walk(2, 3, width=3, depth=1)
    with pytest.raises(ValueError, match=match):
        breakpoints(rec, **kwargs)


@pytest.mark.parametrize("bins", [0, [1.0], [0.0, 0.0, 1.0], "ten"])
def test_bad_bins_are_refused(bins):
    rec = random_walk(2, 3, width=3, depth=1)
    with pytest.raises(ValueError, match="`bins`"):
        breakpoint_histogram(rec, bins)


@pytest.mark.parametrize("edges", [np.linspace(-1, 1, 9), np.array([-1.0, -0.3, 0.0, 0.05, 1.0])])
def test_grouped_histogram_is_numpys_histogram_per_group(edges):
    rng = np.random.default_rng(5)
    values = rng.uniform(-1.3, 1.3, size=(12, 7))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[0, :3] = edges[[0, -1, 2]]  # on edges: the last one counts in the last bin
    values[1, :2] = np.nextafter(edges[[0, -1]], [-2, 2])  # just outside: not counted
    rows = rng.integers(0, 4, size=12)
    got = _bp._grouped_histogram(values, rows, 5, edges)
    for r in range(5):
        pooled = values[rows == r].ravel()
        want = np.histogram(pooled[np.isfinite(pooled)], edges)[0]
        np.testing.assert_array_equal(got[r], want)


_MERGE = _bp._MERGE_EPS
_SLOPE = _bp._SLOPE_RTOL


@np.errstate(invalid="ignore")  # a non-finite network's inf - inf
def _numpy_walk(ws, bs, lo, hi, activation, kind):
    """One network's kinks by plain numpy, one layer at a time (the walk's rules, written
    apart from the compiled walk): crossings by interpolation on each piece, all points
    sorted together, a point within _MERGE of the one before dropped, each new piece's
    slope its old piece's times the activation's slope at its middle."""
    act = _act.get(activation)
    fn = lambda v: act.fn(torch.as_tensor(v)).numpy()  # noqa: E731
    t, a, s = np.array([lo, hi]), np.array([[lo], [hi]]), np.ones((1, 1))
    for w, b in zip(ws[:-1], bs[:-1]):
        z, sz = a @ w.T + b, s @ w.T
        r, u = np.nonzero(z[:-1] * z[1:] < 0)
        f = z[r, u] / (z[r, u] - z[r + 1, u])
        new = t[r] + (t[r + 1] - t[r]) * f
        both = np.concatenate([t, new])
        rows = np.concatenate([z, z[r] + f[:, None] * (z[r + 1] - z[r])])
        order = np.argsort(both, kind="stable")
        both, rows = both[order], rows[order]
        keep = np.concatenate([[True], np.diff(both) > _MERGE * (hi - lo)])
        old, t, z = t, both[keep], rows[keep]
        piece = np.clip(np.searchsorted(old, (t[:-1] + t[1:]) / 2) - 1, 0, old.size - 2)
        middle = z[:-1] + z[1:]  # twice the middle's: its sign is the activation's slope's
        slope = {"relu": np.where(middle <= 0, 0.0, 1.0),  # torch's rules, NaN included
                 "leaky_relu": np.where(middle > 0, 1.0, 0.01), "abs": np.sign(middle)}
        s = sz[piece] * slope[activation]
        a = fn(z)
    inside = (t > lo) & (t < hi)
    if kind == "units":
        return t[inside]
    out = s @ ws[-1][0]  # the output's slope on each piece
    bends = np.abs(np.diff(out)) > _SLOPE * np.nan_to_num(np.abs(out)).max()
    return t[1:-1][bends & inside[1:-1]]


def _walk_case(activation, dims, bees, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    w = [scale * rng.normal(size=(bees, 1, o, i)) for i, o in zip(dims[:-1], dims[1:])]
    b = [rng.normal(size=(bees, 1, o)) for o in dims[1:]]
    return from_params(w, b, activation=activation, target="x", x=np.linspace(-3, 3, 5))


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "abs"])
@pytest.mark.parametrize("dims", [[1, 8, 8, 8, 1], [1, 3, 70, 2, 1], [1, 40, 40, 2]])
def test_deep_walk_matches_a_plain_numpy_walk(activation, dims):
    # [1, 3, 70, 2, 1]: uneven widths, 70 units crossing many times (buffers grow);
    # [1, 40, 40, 2]: two outputs (the first one's bends, as the torch walk had them)
    rec = _walk_case(activation, dims, 6, seed=len(dims) + dims[1], scale=2.0)
    for kind in ("output", "units"):
        found = breakpoints(rec, kind=kind)
        for bee in range(6):
            ws = [rec.weights(k)[bee, 0].astype(np.float64) for k in rec.layer_indices]
            bs = [rec.biases(k)[bee, 0].astype(np.float64) for k in rec.layer_indices]
            want = _numpy_walk(ws, bs, -3.0, 3.0, activation, kind)
            assert found[bee].size == want.size
            np.testing.assert_allclose(found[bee], want, rtol=0, atol=1e-12)
    assert max(k.size for k in breakpoints(rec, kind="units")) > 64 or dims[1] == 8


def test_deep_walk_gives_the_same_numbers_twice_also_for_non_finite_networks():
    rec = _walk_case("relu", [1, 6, 6, 1], 4, seed=11)
    rec["layer1.weight"][2, 0, 0, 0] = np.nan  # NaN slopes: no bend can be told
    rec["layer0.bias"][3, 0, 1] = np.inf
    for kind in ("output", "units"):
        first, again = breakpoints(rec, kind=kind), breakpoints(rec, kind=kind)
        for bee in range(4):
            np.testing.assert_array_equal(first[bee], again[bee])
            ws = [rec.weights(k)[bee, 0].astype(np.float64) for k in rec.layer_indices]
            bs = [rec.biases(k)[bee, 0].astype(np.float64) for k in rec.layer_indices]
            want = _numpy_walk(ws, bs, -3.0, 3.0, "relu", kind)
            np.testing.assert_allclose(first[bee], want, rtol=0, atol=1e-12)
    assert breakpoints(rec)[2].size == 0 and breakpoints(rec)[0].size > 0


def test_walking_leaves_the_blas_thread_count_as_it_was():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg.cython_blas  # noqa: F401  the BLAS the walk calls

    def counts():
        return [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
                if lib["user_api"] == "blas"]

    before = counts()
    breakpoint_histogram(_walk_case("relu", [1, 6, 6, 1], 3, seed=2), 10)
    assert counts() == before


def test_deep_crossings_a_rounding_apart_are_one_point():
    # two units cross at -0.25, each found by its own interpolation: over (-1.7, 2.9)
    # they round to -0.25 and -0.2500000000000002
    w = [np.array([[1.0], [7.0]]), np.array([[1.0, 1.0]]), np.array([[1.0]])]
    b = [np.array([0.25, 1.75]), np.array([-1.0]), np.array([0.0])]
    rec = from_params([a[None, None] for a in w], [a[None, None] for a in b], target="x",
                      x=np.linspace(-1.7, 2.9, 9))
    found = breakpoints(rec, kind="units", domain=(-1.7, 2.9))[0]
    np.testing.assert_allclose(found, [-0.25, 1 / 8 - 0.25], atol=1e-12)  # 8 (x + 1/4) = 1


def test_one_hidden_layer_and_importing_swarm_leave_numba_unloaded(tmp_path):
    # the compiled walk (numba) loads only for deeper networks: the first video's
    # one-hidden-layer swarm and the CLI's start-up never pay its import
    code = ("import sys, numpy as np, swarm, swarm.cli\n"
            "from swarm.metrics import breakpoint_histogram\n"
            "from swarm.testing import random_walk\n"
            "breakpoint_histogram(random_walk(3, 4, width=5, depth=1, seed=1), 10)\n"
            "print('numba' in sys.modules)\n"
            "breakpoint_histogram(random_walk(3, 4, width=5, depth=2, seed=1), 10)\n"
            "print('numba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
