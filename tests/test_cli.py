"""swarm-animate: a user's mistakes are one line on stderr, exit 2, nothing written."""
import subprocess
import sys

import numpy as np
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
    # a target that is not finite on its domain: the library's message, before any work
    (["1/x"], "target '1/x' is not finite at x=0 on the domain -1:1; choose another --domain"),
    (["log(-1 - x*x)"], "'log(-1 - x*x)' is not finite at x=-1"),
    (["exp(1000 + x)"], "'exp(1000 + x)' is not finite"),
    (["0/0 + x"], "'0/0 + x' is not finite"),
    (["exp(exp(exp(1000)))"], "'exp(exp(exp(1000)))' is not finite"),
    (["sin(x)/x", "--domain", "-1:1"], "not finite at x=0"),
    (["exp(100*x)"], "'exp(100*x)' is 1.22e+39 at x=0.9, beyond float32"),
    (["sin", "--domain", "0:1e39"], "--domain must be LO:HI with finite LO < HI (float32"),
    (["sin", "--domain", "1:1.00000001"], "--domain must be LO:HI"),
    ([""], "TARGET expression must be a non-empty string"),
    (["   "], "TARGET expression must be a non-empty string"),
    (["x^2"], "write ** (e.g. 'x**2')"),
    (["-bees", "3"], "unrecognized arguments: -bees"),
    # outputs where no file can be created
    (["sin", "-o", "/proc/out.mp4"], "cannot write '/proc/out.mp4'"),
    (["sin", "--save", "/proc/run.npz"], "cannot write '/proc/run.npz'"),
    (["sin", "--report", "/proc/report.html"], "cannot write '/proc/report.html'"),
    (["sin", "--poster", "/proc/poster.png"], "cannot write '/proc/poster.png'"),
    (["sin", "-o", "."], "must end in"),
    (["sin", "--poster", "p.jpg"], "--poster 'p.jpg' must end in .png"),
    # every flag
    (["sin", "--domain"], "expected one argument"),
    (["sin", "--domain", "-pi:x"], "--domain must be LO:HI"),
    (["sin", "--domain", "1:1"], "--domain"),
    (["sin", "--points", "1"], "--points must be at least 2"),
    (["sin", "--lr", "nan"], "--lr must be a number > 0"),
    (["sin", "--lr", "inf"], "--lr"),
    (["sin", "--momentum", "1"], "--momentum"),
    (["sin", "--loss", "hinge"], "hinge"),
    (["sin", "--depth", "0"], "--depth"),
    (["sin", "--device", "tpu"], "--device must be"),
    (["sin", "--device", "meta"], "--device must be"),
    (["sin", "--seed", "one"], "--seed"),
    (["sin", "--duration", "0"], "--duration"),
    (["sin", "--jobs", "0"], "--jobs"),
    (["sin", "--size", "8x8"], "--size"),
    (["sin", "--fps", "1000"], "--fps"),
    (["sin", "--panels", ","], "--panels is empty; choose from line"),
    (["sin", "--from", "run.npz"], "either a TARGET or --from"),
    # the flags the memory advice and the datasets issue name
    (["sin", "--init", "normal"], "--init 'normal': write normal:STD"),
    (["sin", "--init", "normalx"], "unknown --init 'normalx'"),
    (["sin", "--init", "he"], "normal:STD"),
    (["sin", "--record-every", "0"], "--record-every must be a positive integer"),
    (["sin", "--batch-size", "0"], "--batch-size must be a positive integer"),
    (["sin", "--l1", "-1"], "--l1 must be a number >= 0"),
    (["sin", "--l2", "x"], "--l2"),
    (["sin", "--nesterov", "--optimizer", "adam"], "--nesterov applies to --optimizer sgd only"),
    (["sin", "--nesterov", "--momentum", "0"], "--nesterov needs a --momentum above 0"),
    (["sin", "--bees", "100000", "--epochs", "100000", "--width", "100", "--record-every", "1"], "--record-every "),
    # a panel that does not apply, before any training
    (["sin", "--activation", "tanh", "--panels", "breakpoints"],
     "--panels: 'breakpoints' does not apply to this run: breakpoints are defined for "
     "piecewise-linear activations"),
    (["sin", "--panels", "line,rank"], "'rank' does not apply to this run: it needs a layer of "
                                       "at least 2x2"),
]


def assert_one_line_error(capsys, needle: str) -> None:
    """stderr holds one line, ``swarm-animate: error: ...`` containing ``needle``, no traceback."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("swarm-animate: error:"), err
    assert needle in err and "Traceback" not in err and "pickle" not in err, err


@pytest.mark.parametrize("argv,needle", BAD)
def test_user_mistakes_are_one_line_and_exit_2(argv, needle, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv + ["--quiet"] if argv else argv) == 2
    assert_one_line_error(capsys, needle)
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
                 "--report", "--record-every", "--batch-size", "--init", "--l1", "--l2",
                 "--nesterov", "--samples", "--noise", "--test", "--imbalance", "--oversample",
                 "--random-labels", "--dummy-dims", "--pca", "--standardize", "--dims",
                 "--separation", "--classes", "--factor", "--data-seed", "--label", "--features"]:
        assert flag in out
    assert "swarm-animate moons   " in out and "swarm-animate digits" in out
    assert ".csv --label species" in out and "datasets:" in out


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


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """Tiny saved recordings: relu (depth 2), tanh, and one of a custom model."""
    import torch

    folder = tmp_path_factory.mktemp("recordings")
    small = dict(bees=2, epochs=3, points=11, width=3, progress=False)
    swarm.train("sin", depth=2, **small).save(folder / "relu.npz")
    swarm.train("sin", activation="tanh", **small).save(folder / "tanh.npz")

    def mynet():
        return torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))

    del small["width"]  # describes the built-in MLP: refused with model=
    swarm.train("sin", model=mynet, **small).save(folder / "custom.npz")
    return folder


def _no_bees(rec):
    """A legal file of zero bees (``rec.bees([])`` refuses to make one)."""
    shared = ("x", "y", "epoch", "x_test", "y_test")
    return swarm.Recording({k: v if k in shared else v[:0] for k, v in rec.items()}, rec.meta)


def _truncated(folder):
    data = (folder / "relu.npz").read_bytes()
    return data[: len(data) // 2]


FROM_BAD = [
    ("folder", ["--from", "folder"], "--from: 'folder' is a folder, not a swarm recording"),
    ("empty.npz", ["--from", "empty.npz"], "'empty.npz' is not a swarm recording"),
    ("notes.txt", ["--from", "notes.txt"], "'notes.txt' is not a swarm recording (not an .npz"),
    ("cut.npz", ["--from", "cut.npz"], "'cut.npz' is damaged or not a swarm recording"),
    ("other.npz", ["--from", "other.npz"], "'other.npz' is not a swarm recording"),
    ("objects.npz", ["--from", "objects.npz"], "objects.npz"),
    ("tanh.npz", ["--from", "tanh.npz", "--panels", "breakpoints"],
     "'breakpoints' does not apply to this run: breakpoints are defined for piecewise-linear "
     "activations (relu, leaky_relu, identity, abs); this run uses 'tanh'"),
    ("custom.npz", ["--from", "custom.npz", "--panels", "line,breakpoints"],
     "'breakpoints' does not apply to this run: this needs the built-in MLP; the run trained the "
     "custom model"),
    ("relu.npz", ["--from", "relu.npz", "--bees", "3", "--epochs", "5", "--activation", "tanh",
                  "--lr", "5"], "--bees, --epochs, --activation, --lr cannot apply to --from"),
    ("relu.npz", ["--from", "relu.npz", "--domain", "-2:2"], "--domain cannot apply to --from"),
    ("relu.npz", ["--from", "relu.npz", "--seed", "0"], "--seed cannot apply"),
    ("relu.npz", ["--from", "relu.npz", "--record-every", "2"], "--record-every cannot apply"),
    ("relu.npz", ["--from", "relu.npz", "-o", "/proc/again.mp4"], "cannot write '/proc/again"),
    ("nobees.npz", ["--from", "nobees.npz"], "has no bees or no epochs to show"),
]


@pytest.mark.parametrize("name,argv,needle", FROM_BAD)
def test_files_the_command_reads_are_checked(name, argv, needle, recordings, tmp_path,
                                              monkeypatch, capsys):
    import shutil

    monkeypatch.chdir(tmp_path)
    made = {"folder": lambda: (tmp_path / "folder").mkdir(),
            "empty.npz": lambda: (tmp_path / name).write_bytes(b""),
            "notes.txt": lambda: (tmp_path / name).write_text("x,y\n1,2\n"),
            "cut.npz": lambda: (tmp_path / name).write_bytes(_truncated(recordings)),
            "other.npz": lambda: np.savez(tmp_path / name, a=np.arange(3)),
            "objects.npz": lambda: np.savez(tmp_path / name, a=np.array([{}], dtype=object)),
            "nobees.npz": lambda: _no_bees(swarm.load(recordings / "relu.npz")).save(tmp_path / name)}
    made.get(name, lambda: shutil.copy(recordings / name, tmp_path / name))()
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(argv + ["--quiet"]) == 2
    assert_one_line_error(capsys, needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("argv,expected", [
    (["sin", "--domain", "-2:2"], ["sin", "--domain=-2:2"]),
    (["--domain", "-pi:pi", "sin"], ["--domain=-pi:pi", "sin"]),
    (["sin", "--lr", "-1"], ["sin", "--lr=-1"]),
    (["-x**2", "--bees", "3"], ["--bees", "3", "--", "-x**2"]),
    (["-x", "--quiet"], ["--quiet", "--", "-x"]),
    (["-bees", "3"], ["-bees", "3"]),  # a mistyped flag stays a flag
    (["sin", "--domain", "--bees"], ["sin", "--domain", "--bees"]),  # argparse says what is missing
    (["sin", "--output", "-x.mp4"], ["sin", "--output=-x.mp4"]),
    (["sin", "-o", "-out.mp4"], ["sin", "-o", "-out.mp4"]),  # -o + "ut.mp4" to argparse: left as is
    (["sin", "--quiet", "-o", "a.mp4"], ["sin", "--quiet", "-o", "a.mp4"]),
    (["--", "-sin(x)"], ["--", "-sin(x)"]),
])
def test_values_and_targets_that_start_with_a_dash(argv, expected):
    from swarm.cli import _split_argv, build_parser

    assert _split_argv(argv, build_parser()) == expected


def test_negative_domains_and_targets_run_as_typed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tiny = ["--bees", "2", "--epochs", "3", "--points", "11", "--fps", "5", "--duration", "0.4",
            "--size", "96x64", "--jobs", "1", "--quiet"]
    assert main(["sin(3*x) + 0.5*x", "--domain", "-2:2", "--save", "a.npz", *tiny]) == 0
    rec = swarm.load("a.npz")
    assert rec.x[0] == -2 and rec.x[-1] == 2
    assert main(["-x**2", "--domain", "-pi:0", "--save", "b.npz", *tiny]) == 0
    rec = swarm.load("b.npz")
    np.testing.assert_allclose(rec.y, -rec.x.astype(np.float64) ** 2, rtol=1e-6)
    assert rec.x[0] == pytest.approx(-np.pi)


def test_the_new_training_flags_reach_the_engine(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["sin", "--bees", "2", "--epochs", "7", "--points", "11", "--record-every", "3",
            "--batch-size", "4", "--init", "normal:0.3", "--l1", "0.01", "--l2", "0.02",
            "--nesterov", "--save", "run.npz", "--fps", "5", "--duration", "0.4", "--size",
            "96x64", "--jobs", "1", "--quiet"]
    assert main(argv) == 0
    rec = swarm.load("run.npz")
    spec = rec.meta["spec"]
    assert (spec["record_every"], spec["batch_size"], spec["init"], spec["l1"], spec["l2"],
            spec["nesterov"]) == (3, 4, "normal:0.3", 0.01, 0.02, True)
    np.testing.assert_array_equal(rec.epoch, [0, 3, 6])
    same = swarm.train("sin", bees=2, epochs=7, points=11, record_every=3, batch_size=4,
                       init="normal:0.3", l1=0.01, l2=0.02, nesterov=True, progress=False)
    np.testing.assert_array_equal(rec["loss"], same["loss"])


def test_a_mistake_is_reported_before_torch_is_imported(tmp_path):
    code = ("import sys\nfrom swarm.cli import main\n"
            "assert main(['sin', '--bees', '0']) == 2\n"
            "assert main(['1/x']) == 2\n"
            "assert main(['sin', '--domain', '-2:x']) == 2\n"
            "assert main(['sin', '-o', '/proc/a.mp4']) == 2\n"
            "assert main(['sin', '--panels', 'sparkles']) == 2\n"
            "assert main(['--from', 'none.npz']) == 2\n"
            "assert main(['moons', '--dims', '3']) == 2\n"
            "assert main(['moons', '--samples', '3']) == 2\n"
            "assert main(['none.csv', '--label', 'y']) == 2\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False" and out.stderr.count("\n") == 9
    assert list(tmp_path.iterdir()) == []


STAGE = '''
import os, sys, time
from pathlib import Path
import swarm, swarm.cli
from swarm import panels
from swarm.recording import Recording

stage, flag = sys.argv[1], Path(sys.argv[2])


def pause():  # the stage is under way: the test signals now
    flag.write_text(str(os.getpid()))  # the process that pauses: a forked child's while it trains
    for _ in range(600):  # a signal reaches Python between steps, not inside one long sleep
        time.sleep(0.1)


def after(function):
    def slow(*args, **kwargs):
        result = function(*args, **kwargs)
        pause()
        return result
    return slow


class Slow(panels.LinePanel):
    def __init__(self, rec, tracked=()):
        super().__init__(rec, tracked)
        if stage == "preparing":
            pause()

    def draw(self, canvas, frame):
        super().draw(canvas, frame)
        if stage == "rendering" and frame == 1:
            pause()


panels.PANELS["line"] = Slow
if stage in ("training", "forked"):
    swarm.train = after(swarm.train)
if stage == "forked":  # as the program runs: training in a forked child (a core idle or not)
    import swarm._cores
    swarm._cores.idle_cores = lambda since=None: 2.0
    sys.argv[1:] = sys.argv[3:]
    swarm.cli.command()
elif stage == "saving":
    Recording.save = after(Recording.save)
elif stage == "reporting":
    import swarm.report
    swarm.report.write_report = after(swarm.report.write_report)
elif stage == "summary":
    swarm.cli._print_summary = after(swarm.cli._print_summary)
sys.exit(swarm.cli.main(sys.argv[3:]))
'''


@pytest.mark.parametrize("stage,how", [
    ("training", "SIGTERM"), ("training", "SIGINT"), ("forked", "SIGTERM"), ("forked", "SIGINT"),
    ("preparing", "SIGTERM"),
    ("rendering", "SIGTERM"), ("rendering", "SIGINT"), ("saving", "SIGTERM"),
    ("reporting", "SIGTERM"), ("reporting", "SIGINT"), ("summary", "SIGTERM")])
def test_an_interrupt_at_any_stage_leaves_none_of_the_outputs(stage, how, tmp_path):
    """All or nothing: every requested output is staged and moved in together at the end."""
    import os
    import signal
    import time

    script, flag, work = tmp_path / "stage.py", tmp_path / "started", tmp_path / "work"
    script.write_text(STAGE)
    work.mkdir()
    argv = ["sin", "--bees", "3", "--epochs", "4", "--points", "11", "--panels", "line,loss",
            "--size", "96x64", "--fps", "5", "--duration", "0.6", "--jobs", "1", "-o", "out.mp4",
            "--poster", "poster.png", "--save", "run.npz", "--report", "report.md"]
    argv += [] if stage == "summary" else ["--quiet"]  # the summary stage prints (and shows bars)
    if stage == "forked":  # the default panels: chosen (imported) while the child trains
        argv[argv.index("--panels"):argv.index("--panels") + 2] = []
    # SIGINT as a terminal has it, even where this run inherited it ignored (a background job)
    proc = subprocess.Popen([sys.executable, str(script), stage, str(flag), *argv], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, restore_signals=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, f"the {stage} stage never started"
        time.sleep(0.05)
    if how == "SIGINT":  # Ctrl-C in a terminal signals the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    reason = "terminated" if how == "SIGTERM" else "interrupted"
    assert proc.returncode == (143 if how == "SIGTERM" else 130)
    assert "Traceback" not in err
    left = sorted(p.name for p in work.iterdir())
    if stage == "summary":  # every output was already in place: the message says so
        assert err.splitlines()[-1] == f"swarm-animate: {reason}; after every output was written"
        assert left == ["out.mp4", "poster.png", "report.md", "report_files", "run.npz"]
    else:
        assert err == f"swarm-animate: {reason}; nothing was written\n"
        assert left == []
    paused = int(flag.read_text())
    assert (paused != proc.pid) == (stage == "forked")
    for _ in range(100):  # the forked child was killed and waited for: gone
        try:
            os.kill(paused, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"process {paused} outlived the command")



def test_the_program_trains_in_a_forked_child_with_the_same_numbers(tmp_path):
    """``swarm-animate`` (``command``) trains in a child while it imports the panels; the
    recording it saves and the summary it prints are those of training here."""
    code = ("import os, sys\nimport swarm, swarm._cores, swarm.cli\n"
            "swarm._cores.idle_cores = lambda since=None: 2.0  # a core idle: it forks\n"
            "train = swarm.train\n"
            "def noted(*a, **k):\n"
            "    open('pid', 'w').write(str(os.getpid()))\n"
            "    return train(*a, **k)\n"
            "swarm.train = noted\n"
            "print(os.getpid())\n"
            "swarm.cli.command()\n")
    argv = ["sin", "--bees", "3", "--epochs", "5", "--points", "11", "--seed", "2", "--fps", "5",
            "--duration", "0.6", "--size", "96x64", "--jobs", "1", "--save", "run.npz"]
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    parent, *summary = done.stdout.splitlines()
    assert int((tmp_path / "pid").read_text()) != int(parent)  # trained in another process
    rec = swarm.load(tmp_path / "run.npz")
    same = swarm.train("sin", bees=3, epochs=5, points=11, seed=2, progress=False)
    for key in same:
        np.testing.assert_array_equal(rec[key], same[key])
    assert summary[0].startswith("sin  ·  3 bees") and "output: sin.mp4" in summary
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pid", "run.npz", "sin.mp4"]
    assert "Traceback" not in done.stderr

def test_an_output_name_with_a_quote_renders_in_parallel(tmp_path, monkeypatch):
    from swarm.render.probe import probe

    monkeypatch.chdir(tmp_path)
    assert main(["sin", "--bees", "2", "--epochs", "3", "--points", "11", "--fps", "5",
                 "--duration", "1", "--size", "64x48", "--jobs", "2", "-o", "it's.mp4",
                 "--quiet"]) == 0
    assert probe(tmp_path / "it's.mp4")["frames"] == 5
    assert [p.name for p in tmp_path.iterdir()] == ["it's.mp4"]


def test_a_reader_that_stops_reading_the_summary_is_no_error(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "swarm.cli", "sin", "--bees", "2", "--epochs", "2", "--points",
         "11", "--fps", "5", "--duration", "0.4", "--size", "64x48", "--jobs", "1"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # like `| head -0`: the summary has nowhere to go
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "Error" not in err
    assert [p.name for p in tmp_path.iterdir()] == ["sin.mp4"]



def test_the_command_ends_with_its_summary_written_to_a_file(tmp_path):
    """``command`` ends the process without the interpreter's teardown: what it printed to a
    file (block-buffered) is all there, the same as ``main`` prints, and the exit code is main's."""
    argv = ["sin", "--bees", "2", "--epochs", "2", "--points", "11", "--fps", "5", "--duration",
            "0.4", "--size", "64x48", "--jobs", "1"]
    with open(tmp_path / "out.txt", "w") as out, open(tmp_path / "err.txt", "w") as err:
        code = subprocess.run([sys.executable, "-m", "swarm.cli", *argv], cwd=tmp_path,
                              stdout=out, stderr=err, timeout=120).returncode
    printed = (tmp_path / "out.txt").read_text()
    assert code == 0, (tmp_path / "err.txt").read_text()
    assert printed.startswith("sin  ·  2 bees") and printed.endswith("output: sin.mp4\n")
    with open(tmp_path / "err.txt", "w") as err:
        code = subprocess.run([sys.executable, "-m", "swarm.cli", "sin", "--bees", "0"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err, timeout=120).returncode
    assert code == 2 and (tmp_path / "err.txt").read_text() == \
        "swarm-animate: error: --bees must be a positive integer, got 0\n"

# --- datasets: TARGET names a dataset or a CSV file (issue 14 section 4) ---

TINY_RUN = ["--bees", "2", "--epochs", "3", "--size", "96x64", "--fps", "5", "--duration", "0.4",
            "--jobs", "1"]


def write_csv(folder, name="data.csv", rows=None):
    """A small CSV of two numeric features and a string label column ``species``."""
    if rows is None:
        rng = np.random.default_rng(0)
        rows = [f"{a:.3f},{b:.3f},{'ab'[i % 2]}" for i, (a, b) in
                enumerate(rng.normal(size=(40, 2)))]
    (folder / name).write_text("\n".join(["a,b,species", *rows]) + "\n")
    return folder / name


# (argv after TARGET, what get_dataset/from_csv take): each flag reaches the dataset
KNOBS = [
    (["moons", "--samples", "60"], {"samples": 60}),
    (["moons", "--noise", "0.3"], {"noise": 0.3}),
    (["moons", "--test", "0.5"], {"test": 0.5}),
    (["moons", "--imbalance", "3"], {"imbalance": 3.0}),
    (["moons", "--imbalance", "3", "--oversample"], {"imbalance": 3.0, "oversample": True}),
    (["moons", "--random-labels", "0.5"], {"random_labels": 0.5}),
    (["moons", "--dummy-dims", "3"], {"dummy_dims": 3}),
    (["gaussians", "--pca", "2"], {"pca": 2}),
    (["moons", "--no-standardize"], {"standardize": False}),
    (["gaussians", "--dims", "5"], {"dims": 5}),
    (["gaussians", "--separation", "2"], {"separation": 2.0}),
    (["spiral", "--classes", "4"], {"classes": 4}),
    (["circles", "--factor", "0.3"], {"factor": 0.3}),
    (["moons", "--data-seed", "7"], {"seed": 7}),
    (["alternating", "--points", "20"], {"points": 20}),
    (["digits", "--samples", "100"], {"samples": 100}),
    (["data.csv", "--label", "species"], {"label": "species"}),
    (["data.csv", "--label", "species", "--features", "b"], {"label": "species", "features": ["b"]}),
    (["data.csv", "--label", "species", "--data-seed", "3", "--test", "0.25"],
     {"label": "species", "seed": 3, "test": 0.25}),
]


@pytest.mark.parametrize("argv,knobs", KNOBS)
def test_each_dataset_flag_reaches_the_dataset(argv, knobs, tmp_path, monkeypatch):
    from swarm import datasets
    from swarm.cli import _dataset, _split_argv, _typed, build_parser

    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path)
    parser = build_parser()
    argv = _split_argv(argv, parser)
    built = _dataset(parser.parse_args(argv), _typed(parser, argv), parser)
    expected = datasets.from_csv("data.csv", **knobs) if argv[0].endswith(".csv") \
        else datasets.get_dataset(argv[0], **knobs)
    assert built.to_meta() == expected.to_meta()
    for key in ("x", "y", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(built, key), getattr(expected, key))
    plain = datasets.from_csv("data.csv", label="species") if argv[0].endswith(".csv") \
        else datasets.get_dataset(argv[0])
    if set(knobs) - {"label"}:  # the flag changed something
        assert built.to_meta() != plain.to_meta()


def test_a_dataset_run_records_the_dataset_the_flags_describe(tmp_path, monkeypatch, capsys):
    from swarm import datasets

    monkeypatch.chdir(tmp_path)
    argv = ["moons", "--samples", "80", "--noise", "0.25", "--imbalance", "2", "--data-seed", "4",
            "--seed", "1", "--width", "5", "--save", "run.npz", "--quiet", *TINY_RUN]
    assert main(argv) == 0
    rec = swarm.load("run.npz")
    ds = datasets.moons(80, noise=0.25, imbalance=2, seed=4)
    for key in ("x", "y", "x_test", "y_test"):
        np.testing.assert_array_equal(rec[key], getattr(ds, key))
    assert rec.meta["dataset"] == ds.to_meta() and rec.task == "classification"
    same = swarm.train(ds, bees=2, epochs=3, width=5, seed=1, progress=False)
    np.testing.assert_array_equal(rec["test_accuracy"], same["test_accuracy"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons.mp4", "run.npz"]


NOT_APPLYING = [
    (["moons", "--domain", "-2:2"], "--domain cannot apply to the dataset 'moons', which takes "
                                    "--samples, --noise, --test"),
    (["moons", "--points", "50"], "--points cannot apply to the dataset 'moons'"),
    (["moons", "--dims", "3"], "--dims cannot apply to the dataset 'moons'"),
    (["moons", "--classes", "3", "--factor", "0.2"], "--classes, --factor cannot apply to the "
                                                     "dataset 'moons'"),
    (["moons", "--label", "y"], "--label cannot apply to the dataset 'moons'"),
    (["alternating", "--samples", "10"], "--samples cannot apply to the dataset 'alternating', "
                                         "which takes --points"),
    (["digits", "--dims", "3"], "--dims cannot apply to the dataset 'digits'"),
    (["sin", "--dims", "3"], "--dims cannot apply to the 1-D target 'sin' (dataset flags need"),
    (["sin", "--samples", "100", "--noise", "0.1"], "--samples, --noise cannot apply to the 1-D "
                                                    "target 'sin'"),
    (["sin", "--label", "y"], "--label cannot apply to the 1-D target 'sin'"),
    (["x**2", "--data-seed", "1"], "--data-seed cannot apply to the 1-D target 'x**2'"),
    (["sin", "--no-standardize"], "--standardize cannot apply to the 1-D target"),
    (["sin", "--oversample"], "--oversample cannot apply to the 1-D target"),
    (["data.csv", "--label", "y", "--samples", "10"], "--samples cannot apply to the CSV file "
                                                      "'data.csv', which takes --test"),
    (["data.csv", "--label", "y", "--domain", "0:1"], "--domain cannot apply to the CSV file"),
    (["data.csv"], "the CSV file 'data.csv' needs --label COLUMN"),
    (["--from", "run.npz", "--samples", "10", "--label", "y"],
     "--samples, --label cannot apply to --from run.npz"),
    # the dataset's own checks, in flag words
    (["digits", "--samples", "5"], "--samples must be an integer >= 20 and <= 1797, got 5"),
    (["moons", "--data-seed", "-1"], "--data-seed must be an integer >= 0"),
    (["moons", "--test", "1.5"], "--test must be a number >= 0 and < 1, got 1.5"),
    (["moons", "--noise", "-1"], "--noise must be a number >= 0"),
    (["moons", "--noise", "nan"], "--noise must be a number >= 0"),
    (["moons", "--imbalance", "0.5"], "--imbalance must be a number >= 1"),
    (["moons", "--random-labels", "2"], "--random-labels must be a number >= 0 and <= 1"),
    (["moons", "--dummy-dims", "-1"], "--dummy-dims must be an integer >= 0"),
    (["moons", "--pca", "3"], "--pca 3 must be at most the number of features (2)"),
    (["spiral", "--classes", "1"], "--classes must be an integer >= 2"),
    (["circles", "--factor", "1"], "--factor must be a number > 0 and < 1"),
    (["gaussians", "--dims", "0"], "--dims must be an integer >= 1"),
    (["moons", "--samples", "many"], "argument --samples: invalid int value: 'many'"),
    (["moons", "--samples", "10", "--test", "0.99"], "--test 0.99 leaves none of the 5 samples "
                                                     "of class '0' for training"),
    (["moons", "--loss", "huber"], "unknown --loss 'huber'; choose one of mse, l1, cross_entropy"),
    (["moons", "--panels", "line"], "--panels: 'line' does not apply to this run"),
]


@pytest.mark.parametrize("argv,needle", NOT_APPLYING)
def test_flags_that_cannot_apply_to_the_task_are_refused(argv, needle, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv + ["--quiet"]) == 2
    assert_one_line_error(capsys, needle)
    assert list(tmp_path.iterdir()) == []


BAD_DATA = [
    ("missing.csv", None, "TARGET 'missing.csv' is not a file"),
    ("data.csv", "nope", "--label 'nope' is not a column of data.csv; columns: a, b, species"),
    ("data.csv", ["1,2,x", "3,zz,y"], "data.csv: column 'b' is not numeric (line 3 holds 'zz'); "
                                      "choose numeric columns with --features"),
    ("data.csv", ["1,2,x", "3,nan,y"], "data.csv: missing value at line 3, column 'b'"),
    ("data.csv", ["1,2,x", "NA,4,y"], "data.csv: missing value at line 3, column 'a'"),
    ("data.csv", ["inf,2,x", "3,4,y"], "column 'a' holds 'inf' at line 2; infinite values"),
    ("data.csv", ["1,2,x", "3,4,x", "5,6,x"], "the --label column holds one class only ('x'); a "
                                              "classification needs at least two"),
    # as few samples as classes (a CSV's classes are its labels: never more classes than rows)
    ("data.csv", ["1,2,x", "3,4,y", "5,6,z"], "--test 0.2 of 3 samples leaves no test samples"),
    ("data.csv", ["1,2", "3,4,y"], "data.csv: line 2 has 2 fields but the header has 3"),
    ("data.csv", [], "'data.csv' has a header but no data rows"),
]


@pytest.mark.parametrize("name,rows,needle", BAD_DATA)
def test_bad_data_is_one_line_and_nothing_written(name, rows, needle, tmp_path, monkeypatch,
                                                  capsys):
    monkeypatch.chdir(tmp_path)
    label = "species"
    if isinstance(rows, str):
        label, rows = rows, None
    if name != "missing.csv":
        write_csv(tmp_path, name, rows)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([name, "--label", label, "--save", "run.npz", "--report", "r.html",
                 "--quiet", *TINY_RUN]) == 2
    assert_one_line_error(capsys, needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _accuracy_lines(rec) -> list[str]:
    """The summary's accuracy lines, computed here from the recording's arrays."""
    live = ~rec["diverged"].astype(bool)
    train, test = rec["accuracy"][live, -1], rec["test_accuracy"][live, -1]
    out = []
    for name, v in (("train accuracy", train), ("test accuracy", test),
                    ("train - test accuracy", train - test)):
        q = np.quantile(v, [0.1, 0.5, 0.9])
        out.append(f"{name} 10/50/90%: {q[0]:.3g} / {q[1]:.3g} / {q[2]:.3g}")
    return out


def test_a_tiny_moons_run_prints_accuracy_and_rerenders(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["moons", "--samples", "100", "--bees", "4", "--epochs", "20", "--lr", "0.1",
                 "--save", "run.npz", "--report", "run.html", *TINY_RUN[4:]]) == 0
    out = capsys.readouterr().out
    rec = swarm.load("run.npz")
    assert rec.num_bees == 4 and rec.num_epochs == 20 and rec.x.shape == (80, 2)
    for line in _accuracy_lines(rec):
        assert line in out.splitlines(), out
    assert "final test loss 10/50/90%:" in out and out.splitlines()[0].startswith("moons")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons.mp4", "run.html", "run.npz"]
    assert main(["--from", "run.npz", "-o", "again.mp4", *TINY_RUN[4:]]) == 0
    again = capsys.readouterr().out
    assert _accuracy_lines(rec)[1] in again.splitlines()
    assert (tmp_path / "again.mp4").stat().st_size > 0


def test_a_tiny_csv_run(tmp_path, monkeypatch, capsys):
    from swarm import datasets

    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, "iris like.csv")
    assert main(["iris like.csv", "--label", "species", "--save", "run.npz", "--quiet",
                 *TINY_RUN]) == 0
    rec = swarm.load("run.npz")
    ds = datasets.from_csv("iris like.csv", label="species")
    np.testing.assert_array_equal(rec["x"], ds.x)
    assert rec.classes == ("a", "b") and rec.meta["dataset"]["name"] == "iris like"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iris like.csv", "iris_like.mp4",
                                                          "run.npz"]


def test_a_one_input_dataset_renders_and_reports(tmp_path, monkeypatch):
    """alternating's networks take one input: kinks exist, but no ypred is kept (panel, report)."""
    monkeypatch.chdir(tmp_path)
    assert main(["alternating", "--points", "20", "--report", "r.html", "--quiet",
                 *TINY_RUN]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alternating.mp4", "r.html"]
