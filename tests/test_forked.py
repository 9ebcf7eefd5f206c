"""swarm._forked: one call in a forked child, its value (a recording's arrays too) or its
exception back in the parent, and no child left behind."""
import os
import signal
import time

import numpy as np
import pytest

import swarm
from swarm._forked import Forked, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="Linux only (fork and memfd)")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_recording_comes_back_equal_and_writable():
    kwargs = dict(bees=7, epochs=5, points=11, seed=3, progress=False)
    with Forked(lambda: (os.getpid(), swarm.train("sin", **kwargs))) as child:
        pid, rec = child.result()
    assert pid != os.getpid()
    same = swarm.train("sin", **kwargs)
    spec = {k: v for k, v in rec.meta["spec"].items() if k != "memory"}  # the budget: memory free now
    assert sorted(rec) == sorted(same) and spec == {k: v for k, v in same.meta["spec"].items()
                                                    if k != "memory"}
    for key in same:
        assert rec[key].dtype == same[key].dtype
        np.testing.assert_array_equal(rec[key], same[key])
    ypred = rec["ypred"]
    ypred[0, 0, 0] = 123.0  # copy-on-write: writable here
    assert ypred[0, 0, 0] == 123.0


def test_arrays_of_every_layout_and_plain_values():
    rng = np.random.default_rng(0)
    big = rng.standard_normal((300, 1001)).astype(np.float32)
    value = {"big": big, "strided": big[::3, ::7], "fortran": np.asfortranarray(big[:5]),
             "ints": np.arange(10, dtype=np.int16), "empty": np.zeros((0, 3)),
             "text": "kinks", "n": 4}
    with Forked(lambda: value) as child:
        got = child.result()
    for key in ("big", "strided", "fortran", "ints", "empty"):
        assert got[key].dtype == value[key].dtype and got[key].shape == value[key].shape
        np.testing.assert_array_equal(got[key], value[key])
        assert got[key].ctypes.data % 64 == 0 or got[key].size == 0 or key == "strided"
    assert got["fortran"].flags.f_contiguous
    assert (got["text"], got["n"]) == ("kinks", 4)


def test_the_childs_exception_is_raised_here():
    def fails():
        raise ValueError("`bees` must be positive")

    with Forked(fails) as child, pytest.raises(ValueError, match="`bees` must be positive"):
        child.result()


def test_an_exception_that_does_not_pickle_still_says_what_it_was():
    class Local(Exception):  # defined in a function: pickle cannot find it by name
        pass

    def fails():
        raise Local("no luck")

    with Forked(fails) as child, pytest.raises(RuntimeError, match="Local: no luck"):
        child.result()


def test_a_child_that_dies_or_is_interrupted():
    with Forked(lambda: os._exit(3)) as child, pytest.raises(ChildProcessError, match="exit code 3"):
        child.result()
    with Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)) as child, \
            pytest.raises(ChildProcessError, match="signal 9"):
        child.result()

    def interrupted():
        raise KeyboardInterrupt

    with Forked(interrupted) as child, pytest.raises(KeyboardInterrupt):
        child.result()


def test_leaving_the_block_early_kills_the_child():
    with pytest.raises(ZeroDivisionError):
        with Forked(lambda: time.sleep(60)) as child:
            pid = child.pid
            1 / 0  # the parent's own error while the child works
    assert _gone(pid)  # killed and reaped: not even a zombie


def test_a_finished_child_is_reaped():
    with Forked(lambda: 5) as child:
        assert child.result() == 5
    for _ in range(200):  # reaped on a thread, not waited for
        if _gone(child.pid):
            break
        time.sleep(0.01)
    assert _gone(child.pid)
