"""swarm-animate: a user's mistakes are one line on stderr, exit 2, nothing written."""
import subprocess
import sys

import pytest

import swarm
from swarm.cli import main

BAD = [
    (["tan2"], "unknown target"),
    (["sin", "--activation", "swish"], "activation"),
    (["sin", "--optimizer", "lbfgs"], "optimizer"),
    (["__import__('os').system('touch PWNED')"], "not an allowed function"),
    (["x.__class__"], "not allowed"),
    (["sin", "--bees", "0"], "bees"),
    (["sin", "--bees", "-3"], "bees"),
    (["sin", "--bees", "many"], "--bees"),
    (["sin", "--epochs", "0"], "epochs"),
    (["sin", "--width", "0"], "width"),
    (["sin", "--lr", "0"], "lr"),
    (["sin", "--lr", "-1"], "lr"),
    (["sin", "--domain", "3:1"], "domain"),
    (["sin", "--domain", "abc"], "domain"),
    (["--from", "missing.npz"], "missing.npz"),
    (["sin", "-o", "/no/such/folder/out.mp4"], "does not exist"),
    (["sin", "-o", "out.avi"], "out.avi"),
    (["sin", "--size", "big"], "--size"),
    (["sin", "--fps", "0"], "--fps"),
    (["sin", "--panels", "line,sparkles"], "sparkles"),
    (["sin", "--save", "run.txt"], "run.txt"),
    (["sin", "--report", "r.pdf"], "r.pdf"),
    ([], "TARGET"),
    (["sin", "--no-such-flag"], "no-such-flag"),
]


@pytest.mark.parametrize("argv,needle", BAD)
def test_user_mistakes_are_one_line_and_exit_2(argv, needle, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(argv + ["--quiet"] if argv else argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("swarm-animate: error:"), err
    assert needle in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_recording(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.npz").write_text("hello")
    assert main(["--from", "notes.npz", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "notes.npz" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.npz"]


def test_the_installed_command_refuses_unsafe_expressions(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "swarm.cli", "__import__('os').system('touch PWNED')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "PWNED").exists()
    assert list(tmp_path.iterdir()) == []


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "swarm-animate sin --bees 500" in out
    for flag in ["--bees", "--epochs", "--width", "--depth", "--activation", "--optimizer", "--lr",
                 "--momentum", "--loss", "--domain", "--points", "--seed", "--device", "--panels",
                 "--fps", "--duration", "--size", "--save", "--from", "--quiet", "--jobs",
                 "--report"]:
        assert flag in out


def test_a_whole_run_then_a_rerender_from_the_recording(tmp_path, monkeypatch, capsys):
    from swarm.render.probe import probe

    monkeypatch.chdir(tmp_path)
    small = ["--size", "320x180", "--fps", "10", "--duration", "1", "--jobs", "1"]
    code = main(["sin", "--bees", "6", "--epochs", "20", "--save", "run.npz", "--report",
                 "run.html", "--poster", "poster.png", *small])
    out = capsys.readouterr().out
    assert code == 0
    assert "bees: 6" in out and "final loss" in out and "sin.mp4" in out and "training" in out
    info = probe(tmp_path / "sin.mp4")
    assert info["codec"] == "h264" and info["frames"] == 10
    rec = swarm.load("run.npz")
    assert rec.num_bees == 6 and rec.meta["wall_time"]["train"] > 0
    assert (tmp_path / "run.html").stat().st_size > 0 and (tmp_path / "poster.png").exists()
    assert main(["--from", "run.npz", "-o", "again.gif", "--quiet", *small]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.gif", "poster.png", "run.html",
                                                          "run.npz", "sin.mp4"]


def test_sigterm_during_training_leaves_nothing(tmp_path):
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "swarm.cli", "sin", "--bees", "5", "--epochs", "1000000",
         "--save", "run.npz", "--quiet"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode != 0
    assert err.count("\n") == 1 and "terminated" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_swarm_that_all_diverges_still_renders_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["sin", "--bees", "4", "--epochs", "10", "--lr", "50", "--size", "320x180",
                 "--fps", "10", "--duration", "1", "--jobs", "1"])
    assert code == 0
    assert "diverged: 4" in capsys.readouterr().out
    assert (tmp_path / "sin.mp4").exists()
