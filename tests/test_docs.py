"""Every command and code block the README and ``swarm-animate --help`` show runs as written
(at small sizes where the text allows), so no documented example can rot."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import swarm
from swarm.cli import build_parser, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# appended to each command, so it runs in a second; argparse keeps the last value of a flag
TINY_VIDEO = ["--fps", "5", "--duration", "1", "--size", "160x90", "--jobs", "1", "--quiet"]
TINY_TRAINING = ["--bees", "5", "--epochs", "5"]
NOT_RUN = ("python3 -m venv", ". .venv/bin/activate", "pip install", "python -m pytest")


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def readme_commands() -> list[str]:
    """The swarm-animate commands of the README's bash blocks, in order."""
    found = []
    for block in blocks("bash"):
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("swarm-animate"):
                    found.append(part)
                else:  # set-up steps only: a new kind of line must be added here or run
                    assert not part or part.startswith(NOT_RUN), part
    return found


def help_commands() -> list[str]:
    text = build_parser().format_help()
    return [line.strip() for line in text.split("examples:", 1)[1].splitlines()
            if line.strip().startswith("swarm-animate")]


def run_commands(commands, folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    write_user_files(folder)
    for command in commands:
        argv = shlex.split(command, comments=True)[1:]
        tiny = TINY_VIDEO if "--from" in argv else TINY_TRAINING + TINY_VIDEO
        code = main(argv + tiny)
        assert code == 0, f"`{command}` exited with {code}"
        outputs = [argv[argv.index(flag) + 1] for flag in ("-o", "--save", "--report",
                                                           "--poster") if flag in argv]
        for name in outputs or [f"{Path(argv[0]).stem}.mp4"]:  # TARGET.mp4: sin, moons, iris
            assert (folder / name).stat().st_size > 0, f"`{command}` did not write {name}"


def test_the_readme_shows_commands_and_help_examples():
    assert len(readme_commands()) >= 5 and len(help_commands()) >= 5
    assert any("--domain -2:2" in c for c in readme_commands() + help_commands())


def test_every_command_in_the_readme_runs(tmp_path, monkeypatch):
    run_commands(readme_commands(), tmp_path, monkeypatch)


def test_every_example_in_help_runs(tmp_path, monkeypatch):
    run_commands(help_commands(), tmp_path, monkeypatch)


def test_help_runs(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0 and "examples:" in capsys.readouterr().out


def write_user_files(folder: Path) -> None:
    """The files README examples read: ``iris.csv``, shipped at the repository root (so the
    examples run as written from there), copied beside the outputs."""
    import shutil

    shutil.copy(Path(__file__).resolve().parent.parent / "iris.csv", folder / "iris.csv")


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_every_python_block_in_the_readme_runs(index, tmp_path, monkeypatch):
    """As written, with swarms and videos made tiny (the calls keep their own arguments)."""
    train, animate = swarm.train, swarm.animate

    def tiny_train(*args, **kwargs):
        return train(*args, **{**kwargs, "bees": 5, "epochs": 5, "progress": False})

    def tiny_animate(*args, **kwargs):
        return animate(*args, **{"fps": 5, "duration": 1, "size": (160, 90), "jobs": 1,
                                 "progress": False, **kwargs})

    monkeypatch.setattr(swarm, "train", tiny_train)
    monkeypatch.setattr(swarm, "animate", tiny_animate)
    monkeypatch.chdir(tmp_path)
    write_user_files(tmp_path)
    exec(compile(blocks("python")[index], f"README python block {index}", "exec"), {})
    assert any(tmp_path.iterdir())
