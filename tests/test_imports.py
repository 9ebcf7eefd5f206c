"""The house stays one-way: no import cycle in ``swarm`` and none of the forbidden arrows.

Every module's imports are read with ``ast`` (top-level and inside functions), so
an import that would only run later still counts. Importing ``swarm.a.b`` also
runs the packages above it (``swarm/__init__``, ``swarm/a/__init__``), so the
arrows are checked through those too. ``importlib.import_module`` with a string
is not followed: that is how a package re-exports a name from a floor above it
lazily (``swarm.render.animate``), without importing it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import swarm

ROOT = Path(swarm.__file__).parent
SEED_TOOLKIT = ("swarm.core", "swarm.networks", "swarm.animator", "swarm._animator",
                "swarm.activations", "swarm.regimes", "swarm.util", "swarm.io", "swarm.registry")
ENGINE = ("swarm.engine", "swarm.hive", "swarm._model", "swarm._spec", "swarm._optim",
          "swarm._feed")
# the model layer's activations, MLP and losses are the metrics' to use; training is not
ENGINE_INTERNALS = ("swarm.engine", "swarm.hive", "swarm._model.nets", "swarm._spec",
                    "swarm._optim", "swarm._feed")
FLOORS = {  # floor -> what it must never reach
    "swarm.render": ("swarm.panels", "swarm.animation", "swarm.explorer"),
    "swarm.recording": ("swarm.metrics", "swarm.report", "swarm.panels", "swarm.render",
                        "swarm.engine", "swarm.explorer", "torch"),
    "engine": ("swarm.metrics", "swarm.panels", "swarm.render", "swarm.report",
               "swarm.explorer") + SEED_TOOLKIT,
    "swarm.metrics": ("swarm.panels", "swarm.render", "swarm.report", "swarm.explorer"),
    "swarm.panels": ("swarm.explorer", "swarm.animation", "swarm.report"),
    "swarm.explorer": ("swarm.cli", "swarm.animation") + SEED_TOOLKIT,
    "metrics on engine internals": ENGINE_INTERNALS,
    "seed toolkit users": SEED_TOOLKIT,
}
MEMBERS = {"engine": ENGINE, "metrics on engine internals": ("swarm.metrics",),
           "seed toolkit users": ("swarm.recording", "swarm.metrics", "swarm.panels", "swarm.render",
                                  "swarm.report", "swarm.explorer") + ENGINE}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules ``name`` names in its import statements (swarm's, and top-level others')."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _with_parents(target: str) -> set[str]:
    """``target`` and the packages Python runs before it (swarm.a for swarm.a.b)."""
    parts = target.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _reach(start: str, parents: bool = True) -> dict[str, list[str]]:
    """Every module ``start`` imports directly or through others, with one path to each
    (``parents``: counting the packages Python runs on the way)."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        here = todo.pop()
        for target in GRAPH.get(here, ()):
            for step in sorted(_with_parents(target) if parents else {target}):
                if step not in paths:
                    paths[step] = paths[here] + [step]
                    if step in MODULES:
                        todo.append(step)
    return paths


def _inside(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_walk_sees_function_level_imports():
    assert "swarm.metrics" in GRAPH["swarm.panels.breakpoints"]  # imported inside __init__
    assert "swarm.panels" in GRAPH["swarm.animation"] and "torch" in GRAPH["swarm.engine"]


def test_no_import_cycle():
    """No module reaches itself through the modules it names (packages' own __init__ aside)."""
    for name in MODULES:
        for target in GRAPH[name]:
            if target in MODULES and target != name:
                back = _reach(target, parents=False)
                assert name not in back, f"import cycle: {' -> '.join([name] + back[name])}"


def _arrows():
    for floor, banned in FLOORS.items():
        for name in MODULES:
            if _inside(name, MEMBERS.get(floor, (floor,))):
                yield pytest.param(name, banned, id=f"{floor}:{name}")


@pytest.mark.parametrize("name, banned", list(_arrows()))
def test_no_forbidden_arrow(name, banned):
    reached = _reach(name)
    bad = sorted(m for m in reached if _inside(m, banned) and m != name)
    assert not bad, f"{name} must not import {bad[0]}: {' -> '.join(reached[bad[0]])}"


def test_the_explorer_page_code_is_in_static_files():
    """The page's JavaScript lives in swarm/explorer/static, never in Python strings."""
    for path in (ROOT / "explorer").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"function\s*\w*\s*\(|=>\s*\{|addEventListener|getContext", text), path


def test_the_recording_imports_only_the_file_helpers():
    mine = {m for m in GRAPH["swarm.recording"] if m.startswith("swarm")}
    assert mine <= {"swarm._files", "swarm._facts", "swarm._xarray"}, mine  # _xarray: its export
    assert "torch" not in _reach("swarm._facts")
