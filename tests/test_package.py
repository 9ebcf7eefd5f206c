"""The public surface: every exported name resolves; importing swarm stays light."""
import subprocess
import sys

import pytest

import swarm


@pytest.mark.parametrize("name", swarm.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(swarm, name) is not None


def test_submodules_are_reachable_after_a_plain_import():
    assert callable(swarm.metrics.summary)
    assert callable(swarm.animator.swarm_animate)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        swarm.nope


def test_import_swarm_does_not_load_torch():
    code = "import sys, swarm; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
