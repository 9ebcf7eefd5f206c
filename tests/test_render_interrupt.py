"""Ctrl-C or a polite kill while preparing or rendering: non-zero exit, no output or
temporary file, no ffmpeg or worker process left running."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from swarm.render.workers import forks

SCRIPT = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import numpy as np
    from swarm.render import Scene, render, frame_schedule

    class Slow:
        num_frames = 400
        def plot_init(self, ax):
            ax.set(xlim=(0, 1), ylim=(0, 1))
        def draw(self, canvas, frame):
            if frame == 5:
                (Path(sys.argv[1]).parent / "started").touch()
            canvas.vline(frame / 400)
            time.sleep(0.02)

    scene = Scene([Slow()], size=(96, 64))
    try:
        render(scene, sys.argv[1], frame_schedule(scene.panels, 400), jobs=int(sys.argv[2]),
               progress=False)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
''')


PREPARING = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import numpy as np
    from swarm import panels
    from swarm.render import animate
    from swarm.recording import Recording

    class Preparing(panels.LinePanel):
        def __init__(self, rec, tracked=()):
            (Path(sys.argv[1]).parent / "started").touch()
            for _ in range(600):  # metrics that take long (a signal caught by another
                time.sleep(0.1)   # thread reaches Python between steps, not inside a sleep)

    panels.PANELS["line"] = Preparing
    rec = Recording({"ypred": np.zeros((3, 4, 5)), "x": np.arange(5.0), "y": np.zeros(5),
                     "epoch": np.arange(4), "loss": np.ones((3, 4))})
    try:
        animate(rec, sys.argv[1], panels="line", jobs=int(sys.argv[2]), progress=False)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
''')


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    parent = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pids) -> set[int]:
    return {p for p in pids if Path(f"/proc/{p}").exists()
            and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("jobs, how, stage", [(2, "SIGTERM", "render"), (2, "SIGINT", "render"),
                                              (2, "SIGTERM", "prepare")])
def test_interrupted_render_leaves_nothing(tmp_path, jobs, how, stage):
    script = tmp_path / "render.py"
    script.write_text(SCRIPT if stage == "render" else PREPARING)
    out = tmp_path / "video" / "out.mp4"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(jobs)],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out.parent / "started").exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the render never started"
        time.sleep(0.05)
    children = descendants(proc.pid)
    while stage == "prepare" and not children and not forks():  # loky workers warm up meanwhile
        assert time.monotonic() < deadline, "no worker was started"
        time.sleep(0.1)
        children = descendants(proc.pid)
    if stage == "render":
        assert any("ffmpeg" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                   for p in alive(children))
    if how == "SIGINT":  # Ctrl-C in a terminal signals the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    else:  # a polite kill signals the main process only
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert "Traceback" not in err and "interrupted" in err
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(children), "ffmpeg or worker processes outlived the render"
    assert sorted(p.name for p in out.parent.iterdir()) == ["started"]
