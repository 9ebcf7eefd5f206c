"""swarm._threads: map_cores keeps order, restores torch's thread count, raises what fails."""
import os
import time

import pytest
import torch

from swarm._threads import cores, idle_core_threads, map_cores


def test_map_cores_keeps_order_and_matches_a_loop():
    chunks = [torch.arange(i, i + 50, dtype=torch.float64).reshape(5, 10) for i in range(9)]
    expected = [torch.linalg.svdvals(c @ c.T) for c in chunks]
    got = map_cores(lambda c: torch.linalg.svdvals(c @ c.T), chunks, workers=3)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        assert torch.equal(a, b)


def test_map_cores_restores_threads_and_raises():
    before = torch.get_num_threads()

    def fail(i):
        if i == 2:
            raise ValueError("item 2")
        return torch.get_num_threads()

    with pytest.raises(ValueError, match="item 2"):
        map_cores(fail, range(4), workers=2)
    assert torch.get_num_threads() == before
    assert map_cores(lambda i: torch.get_num_threads(), range(3)) == [1, 1, 1]
    assert torch.get_num_threads() == before
    assert map_cores(lambda i: i, []) == []


def test_idle_core_threads_restores():
    before = torch.get_num_threads()
    with idle_core_threads():
        assert 1 <= torch.get_num_threads() <= max(before, 1)
    assert torch.get_num_threads() == before
    assert cores() >= 1
    with idle_core_threads("cpu", 1):  # work shared out by map_cores: torch's own pool idle
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_training_holds_torch_to_one_thread_where_chunks_share_the_cores(monkeypatch):
    """A swarm split into chunks of bees (map_cores) trains with one torch thread outside
    the chunks too (a second pool's threads spin-wait beside map_cores's); one chunk keeps
    the threads the idle cores allow."""
    import swarm
    from swarm import engine
    from swarm._model import nets

    seen = []
    real = engine.idle_core_threads
    monkeypatch.setattr(engine, "idle_core_threads",
                        lambda device, most=None: seen.append(most) or real(device, most))
    swarm.train("sin", bees=1200, epochs=1, progress=False)  # 1-20-1 on 101 points: 3 chunks
    swarm.train("sin", bees=20, epochs=1, progress=False)
    swarm.train("digits", bees=20, epochs=1, batch_size=64, progress=False)
    assert seen == [1, None, None]

    def maps(target, samples, **kw):
        return nets.FusedMLP(engine.make_spec(target, **kw)).maps_cores(samples)

    assert maps("moons", 1000, bees=500, width=16, depth=2, epochs=400)  # compiled
    assert maps("digits", 1437, bees=200, width=32, depth=1)  # the full batch: 22-bee chunks
    assert not maps("digits", 64, bees=200, width=32, depth=1)  # a minibatch: one chunk


def test_map_cores_inside_map_cores_runs_in_turn():
    got = map_cores(lambda i: map_cores(lambda j: (i, j), range(3)), range(4))
    assert got == [[(i, j) for j in range(3)] for i in range(4)]


def test_swarm_cores_caps_the_cores(monkeypatch):
    monkeypatch.setenv("SWARM_CORES", "1")
    assert cores() == 1
    monkeypatch.setenv("SWARM_CORES", "not a number")
    assert cores() >= 1
    monkeypatch.delenv("SWARM_CORES")
    assert cores() >= 1


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_gets_a_pool_of_its_own():
    import multiprocessing

    map_cores(lambda i: i, range(4))  # the parent's pool exists
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply_async(_square_sums).get(timeout=60) == [0, 1, 4, 9]


def _square_sums():
    return map_cores(lambda i: int((torch.ones(i) * i).sum()), range(4))


def test_map_cores_from_other_threads_runs_items_single_threaded():
    import threading

    before = torch.get_num_threads()
    seen = []

    def caller():
        seen.extend(map_cores(lambda i: torch.get_num_threads(), range(6)))

    threads = [threading.Thread(target=caller) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen == [1] * 12 and torch.get_num_threads() == before


def test_swarm_cores_caps_the_render_workers_too(monkeypatch):
    from swarm.render.workers import worker_count

    monkeypatch.setenv("SWARM_CORES", "1")
    assert worker_count(None, 100) == 1 and worker_count(-1, 100) == 1
    assert worker_count(3, 100) == 3  # a number asked for is a number given


def test_idle_cores_over_a_window_of_the_cpu_clock(monkeypatch):
    """Idle cores since a reading of the CPUs' clock: the idle share of the window times the
    CPUs; a window too short to say (or no clock) falls back to cores less the load average."""
    import swarm._cores as cores_module

    cpus = len(os.sched_getaffinity(0))
    monkeypatch.delenv("SWARM_CORES", raising=False)
    monkeypatch.setattr(cores_module.os, "getloadavg", lambda: (0.25, 0.0, 0.0))
    monkeypatch.setattr(cores_module, "cpu_clock", lambda: (1000 + 75 * cpus, 2000 + 100 * cpus))
    assert cores_module.idle_cores(since=(1000, 2000)) == pytest.approx(0.75 * cpus)
    monkeypatch.setattr(cores_module, "cpu_clock", lambda: (1001, 2002))  # 2 ticks: too short
    assert cores_module.idle_cores(since=(1000, 2000)) == cpus - 0.25
    assert cores_module.idle_cores() == cpus - 0.25  # no window: the load average
    monkeypatch.setattr(cores_module, "cpu_clock", lambda: None)  # no clock on this system
    assert cores_module.idle_cores(since=(1000, 2000)) == cpus - 0.25


def test_free_cores_count_this_processs_own_time_idle(monkeypatch):
    """Over the window since free_cores last looked: idle ticks plus this process's own CPU
    time, as a share of the window, times the CPUs; a window too short keeps its start and
    says the load average, as does one longer than 5 minutes."""
    import swarm._cores as cores_module

    cpus, tick = len(os.sched_getaffinity(0)), os.sysconf("SC_CLK_TCK")
    monkeypatch.delenv("SWARM_CORES", raising=False)
    monkeypatch.setattr(cores_module.os, "getloadavg", lambda: (0.25, 0.0, 0.0))
    start = ((1000, 2000), 5.0, 100.0)
    monkeypatch.setattr(cores_module, "_SINCE", start)
    now = [((1000 + 50 * cpus, 2000 + 100 * cpus), 5.0 + 25 * cpus / tick, 101.0)]
    monkeypatch.setattr(cores_module, "_reading", lambda: now[0])
    assert cores_module.free_cores() == pytest.approx(0.75 * cpus)  # half idle, a quarter ours
    assert cores_module._SINCE == now[0]  # the next window starts here
    now[0] = ((now[0][0][0] + 1, now[0][0][1] + 2), now[0][1], 101.01)
    assert cores_module.free_cores() == cpus - 0.25  # 2 ticks: the load average...
    assert cores_module._SINCE[2] == 101.0  # ...and the window stays open
    now[0] = ((5000, 9000 + 100 * cpus), 9.0, 500.0)
    assert cores_module.free_cores() == cpus - 0.25  # over 5 minutes: the load average


def test_free_cores_see_past_this_processs_own_spinning():
    """The real clock (Linux): after spinning, the plain window counts this process busy,
    free_cores counts it idle: about one core more."""
    import swarm._cores as cores_module

    start = cores_module._reading()
    if start[0] is None:
        pytest.skip("no /proc/stat here")
    cores_module._SINCE = start
    until = time.perf_counter() + 0.3
    while time.perf_counter() < until:
        pass
    plain = cores_module.idle_cores(since=start[0])
    assert cores_module.free_cores() >= plain + 0.5


def test_cpu_clock_counts_this_process_busy():
    """The real clock (Linux): a window in which this process spins leaves at most the other
    CPUs idle."""
    from swarm._cores import cpu_clock, idle_cores

    start = cpu_clock()
    if start is None:
        pytest.skip("no /proc/stat here")
    until = time.perf_counter() + 0.3
    while time.perf_counter() < until:
        pass
    idle = idle_cores(since=start)
    assert 0.0 <= idle <= len(os.sched_getaffinity(0)) - 0.5
