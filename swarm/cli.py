"""The ``swarm-animate`` command: train a swarm (or load one) and render its video.

A user's mistake ends in one line on stderr and exit code 2, with nothing
written, found before any work (and before torch is imported, for everything
that does not need it). The outputs appear together at the end or not at all:
Ctrl-C or SIGTERM at any stage ends in one true line and exit code 130 or 143,
with no output, temporary file or child process left behind.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path

import numpy as np

PROG = "swarm-animate"
VIDEO_SUFFIXES = (".mp4", ".webm", ".gif")
REPORT_SUFFIXES = (".html", ".htm", ".md")

EXAMPLES = """\
examples:
  swarm-animate sin --bees 500                  # sin.mp4: fits, kinks, weights and loss
  swarm-animate "sin(3*x) + 0.5*x" --domain -2:2 -o wave.mp4
  swarm-animate piecewise --depth 3 --width 8 --epochs 2000 --panels line,breakpoints,rank
  swarm-animate sin --save run.npz -o sin.webm  # keep the recording, VP9 video
  swarm-animate --from run.npz -o again.gif      # re-render without training
  swarm-animate sin --report report.html         # video plus a self-contained report
  swarm-animate moons                           # a dataset with its own defaults (table below)
  swarm-animate moons --samples 1000 --noise 0.3 --imbalance 5 --random-labels 0.2
  swarm-animate digits --bees 100 --width 64 --lr 0.003  # any flag overrides a default
  swarm-animate iris.csv --label species --pca 2  # your own data: a CSV with a header row
"""


def defaults_table() -> str:
    """The epilog's table of each dataset's default training settings (any flag overrides)."""
    from swarm.datasets import TRAINING_DEFAULTS, training_defaults

    rows = [(name, training_defaults(name)) for name in TRAINING_DEFAULTS]
    rows.append(("1-D target, CSV", training_defaults(None)))
    head = f"  {'':16}{'bees':>5} {'width x depth':>14}  {'optimizer':9} {'lr':>5} " \
           f"{'epochs':>6}  {'batch':5}  time axis"
    lines = ["defaults per dataset (used when the flag is not given):", head]
    for name, d in rows:
        lines.append(f"  {name:16}{d['bees']:>5} {d['width']:>9} x {d['depth']:<2}  "
                     f"{d['optimizer']:9} {d['lr']:>5g} {d['epochs']:>6}  "
                     f"{d['batch_size'] or 'all':<5}  {d['time_axis']}")
    return "\n".join(lines) + "\n"


class UserError(Exception):
    """A mistake in the command line: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not usage + message
        raise UserError(message)

    def format_help(self):
        """The help, its panels' list read only now: a run imports matplotlib while it trains."""
        for group in self._action_groups:
            if group.title == "video" and group.description is None:
                group.description = _panels_help()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
                description="Train a swarm of small networks on a 1-D target or a dataset and "
                            "render a video of it learning.",
                epilog=EXAMPLES + "\n" + defaults_table())
    p.add_argument("target", nargs="?",
                   help="a 1-D target: a name (sin, cos, sinc, piecewise, abs, sin12, poly, step, "
                        "relu) or an expression in x such as 'sin(3*x) + 0.5*x'; a dataset: "
                        "moons, circles, xor, spiral, gauss, gaussians, alternating, digits; or "
                        "the path of a data file, .csv, .tsv or .txt (name its label column "
                        "with --label)")
    t = p.add_argument_group("training")
    own = " (default %s; a dataset's own: see the table below)"
    t.add_argument("--bees", type=int, default=None, help="networks in the swarm" + own % 500)
    t.add_argument("--epochs", type=int, default=None, help="training epochs" + own % 400)
    t.add_argument("--width", type=int, default=None, help="units per hidden layer" + own % 20)
    t.add_argument("--depth", type=int, default=None, help="hidden layers" + own % 1)
    t.add_argument("--activation", default="relu",
                   help="relu, leaky_relu, tanh, sigmoid, gelu, softplus, sin, square, sign, "
                        "identity, abs or xtanh (default relu)")
    t.add_argument("--optimizer", default=None, help="sgd, adam or rmsprop" + own % "sgd")
    t.add_argument("--lr", type=float, default=None, help="learning rate" + own % 0.01)
    t.add_argument("--momentum", type=float, default=0.9, help="momentum / Adam beta1 (0.9)")
    t.add_argument("--nesterov", action="store_true", help="Nesterov momentum (sgd only)")
    t.add_argument("--loss", default=None,
                   help="mse, l1 or huber (default mse); on a classification cross_entropy "
                        "(default), mse, l1, fourth, hinge or constant")
    t.add_argument("--init", default="default",
                   help="default, xavier, normal:STD, zeros or ones (default: torch's)")
    t.add_argument("--bias-init", default=None,
                   help="zeros, or same: biases drawn as the weights are, TensorFlow's way "
                        "(default: the init's own)")
    t.add_argument("--l1", type=float, default=0.0, help="L1 penalty on weights (default 0)")
    t.add_argument("--l2", type=float, default=0.0, help="L2 penalty on weights (default 0)")
    t.add_argument("--penalty", default="sum",
                   help="sum (over all weights, default) or layer_mean (each layer's mean "
                        "|w| or w^2, seed 002's)")
    t.add_argument("--batch-size", type=int, default=None, help="minibatch size" + own %
                   "every point in one batch")
    t.add_argument("--domain", metavar="LO:HI", help="x range, e.g. -pi:pi (default: the target's)")
    t.add_argument("--points", type=int, default=None,
                   help="training points of a 1-D target (default 101; alternating's 16)")
    t.add_argument("--seed", type=int, default=0, help="swarm seed (default 0)")
    t.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    t.add_argument("--record-every", type=int, default=None, metavar="N",
                   help="record every N-th epoch (default: every epoch, or the fewest apart "
                        "that fit --memory)")
    t.add_argument("--memory", default=None, metavar="SIZE",
                   help="memory the recording may use, e.g. 4GiB or 500MB (default: half the "
                        "memory available)")
    d = p.add_argument_group(
        "datasets", "knobs of the dataset TARGET names (each one's own default when not given)")
    d.add_argument("--samples", type=int, metavar="N", help="samples drawn (moons 500, spiral 600, digits "
                   "all 1,797, ...)")
    d.add_argument("--noise", type=float, metavar="STD", help="std of Gaussian noise added to the points")
    d.add_argument("--test", type=float, metavar="FRACTION",
                   help="held-out fraction, class by class (default 0.2)")
    d.add_argument("--imbalance", type=float, metavar="RATIO",
                   help="majority:minority ratio of the training split (default 1)")
    d.add_argument("--oversample", action="store_true",
                   help="resample smaller training classes with replacement up to the largest")
    d.add_argument("--random-labels", type=float, metavar="FRACTION",
                   help="fraction of training labels replaced at random (default 0)")
    d.add_argument("--dummy-dims", type=int, metavar="N",
                   help="add N low-variance noise features, then rotate all features at random")
    d.add_argument("--dummy-scale", type=float, metavar="STD",
                   help="the dummy features' std, relative to the real features' mean std "
                        "(default 0.01)")
    d.add_argument("--dummy-noise", choices=("normal", "uniform"),
                   help="the dummy features' distribution (default normal)")
    d.add_argument("--pca", type=int, metavar="K",
                   help="project onto the training split's first K principal components")
    d.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=None,
                   help="scale each feature to mean 0, std 1 on the training split (default on)")
    d.add_argument("--dims", type=int, metavar="N", help="gaussians: dimensions (default 12)")
    d.add_argument("--separation", type=float, metavar="GAP",
                   help="gaussians: means this far apart in every dimension (default 1/i in "
                        "dimension i)")
    d.add_argument("--covariance", choices=("identity", "seed"),
                   help="gaussians: the classes' shared covariance: identity (default) or seed "
                        "002's random c^T c, c = scale x U[0,1) drawn from --data-seed")
    d.add_argument("--covariance-scale", type=float, metavar="SCALE",
                   help="gaussians: the scale of --covariance seed's c (default 1)")
    d.add_argument("--classes", type=int, metavar="K", help="spiral: arms, one class each (default 3)")
    d.add_argument("--factor", type=float, metavar="R", help="circles: the inner circle's radius (default 0.5)")
    d.add_argument("--data-seed", type=int, metavar="SEED",
                   help="the data's own seed (default 0), apart from the swarm's --seed")
    d.add_argument("--label", metavar="COLUMN", help="a CSV's label column (needed with a CSV)")
    d.add_argument("--features", metavar="A,B,...",
                   help="a CSV's feature columns (default: every column but the label and "
                        "any without a header)")
    d.add_argument("--task", choices=("classification", "regression"),
                   help="a CSV's task, overriding the guess from its labels (strings and "
                        "integers classify, other numbers regress)")
    d.add_argument("--sep", metavar="CHAR",
                   help="a CSV's delimiter, e.g. ';' or '\\t' (default: tab for .tsv, "
                        "else detected)")
    v = p.add_argument_group("video")  # its description, the panels, when help is shown
    v.add_argument("--panels", default=None, metavar="A,B,...",
                   help="comma-separated panels, shown in the order given (default: those of "
                        "the run's kind that apply)")
    v.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    v.add_argument("--duration", type=float, default=None, help="video length in seconds "
                   "(default 10-15, one frame per recorded epoch when that fits)")
    v.add_argument("--size", default="1280x720", metavar="WxH", help="frame size (1280x720)")
    v.add_argument("--log-time", action=argparse.BooleanOptionalAction, default=None,
                   help="space frames logarithmically in epochs (early epochs change most; "
                        "default: the dataset's own time axis, linear for a 1-D target)")
    v.add_argument("-o", "--output", metavar="PATH",
                   help="video file: .mp4, .webm or .gif (default TARGET.mp4)")
    v.add_argument("--poster", metavar="PNG", help="also write a poster frame")
    v.add_argument("--jobs", type=int, default=None, help="render processes (default: all cores)")
    io = p.add_argument_group("recordings and reports")
    io.add_argument("--save", metavar="REC.npz", help="also save the recording")
    io.add_argument("--from", dest="source", metavar="REC.npz",
                    help="re-render a saved recording instead of training")
    io.add_argument("--report", metavar="PATH", help="also write a report (.html or .md)")
    io.add_argument("--explore", metavar="PAGE.html",
                    help="also write the explorer: one offline page to scrub epochs and pin bees")
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    p.data = list(d._group_actions)  # what applies to a dataset
    p.training = [*t._group_actions, *p.data]  # what cannot apply to --from
    return p


def _panels_help() -> str:
    """The panels, one line each, for --help: read from ``swarm.panels.PANELS``."""
    from swarm.panels import PANELS

    width = max(map(len, PANELS))
    lines = [f"  {name:<{width}}  {cls.summary}" for name, cls in PANELS.items()]
    return ("panels (--panels keeps the order given; a first line, boundary, accuracy or predictions\n"
            "leads large on the left, with breakpoints, units or filters under it):\n"
            + "\n".join(lines))


def _split_argv(argv: list[str], parser) -> list[str]:
    """``argv`` made plain for argparse, which reads any token starting with '-' as a flag.

    A value that starts with '-' is joined to its flag (``--domain -2:2`` becomes
    ``--domain=-2:2``; ``-pi:pi`` too), and a target expression that starts with
    '-' (``"-x**2"``) goes after ``--``. A mistyped flag (``-bees``) stays a flag.
    """
    takes_value = {o for a in parser._actions if a.option_strings and a.nargs is None
                   for o in a.option_strings}
    short = {o for a in parser._actions for o in a.option_strings if not o.startswith("--")}

    def flag_like(token: str) -> bool:
        return token.startswith("--") or token[:2] in short or token == "-"

    out, targets, i = [], [], 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return out + argv[i:]
        if token in takes_value and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and not flag_like(argv[i + 1]):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
            continue
        word = token[1:].replace("-", "_")
        if token.startswith("-") and not flag_like(token) and (word == "x" or not word.isidentifier()):
            targets.append(token)  # an expression such as -x**2 or -sin(x)
        else:
            out.append(token)
        i += 1
    return out + (["--", *targets] if targets else [])


def _typed(parser, argv: list[str]) -> set[str]:
    """The dests of the flags the user typed (argparse fills only what is not there yet)."""
    untouched = object()
    given = argparse.Namespace(**{a.dest: untouched for a in parser._actions})
    parser.parse_args(argv, namespace=given)
    return {dest for dest, value in vars(given).items() if value is not untouched}


_LIBRARY_NAME = re.compile(r"`(\w+)`(=?)|\b([a-z_]+)='?(\w+)'?")
DATA_NAMES = {"data_seed": "seed"}  # a dataset flag's argument in swarm.datasets, where it differs
GRID = ("domain", "points")  # the flags of a 1-D target's grid
OUTPUTS = ("output", "poster", "save", "report", "explore")  # the files a run may write
PRINTED = ("breakpoint_alignment",)  # what the summary prints of swarm.metrics.summary


def _flag(action) -> str:
    """The long form of a flag (``--output`` for ``-o``)."""
    return next(o for o in action.option_strings if o.startswith("--"))


def _as_flags(message: str, parser, names: dict | None = None) -> str:
    """A library message in the command's words, flags as typed: `bees` -> --bees,
    `pca`=5 and pca=5 -> --pca 5, task='regression' -> --task regression.

    ``names`` maps further library names to the command's (``seed`` -> ``--data-seed``).
    """
    flags = {a.dest: _flag(a) for a in parser._actions if a.option_strings}
    flags.update(target="TARGET", **(names or {}))

    def swap(m):
        name = m.group(1) or m.group(3)
        if name not in flags:
            return m.group(0)
        if m.group(1):
            return flags[name] + (" " if m.group(2) else "")
        return f"{flags[name]} {m.group(4)}"

    return _LIBRARY_NAME.sub(swap, message)


def _check_output(path: str | None, suffixes, what: str) -> Path | None:
    if path is None:
        return None
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UserError(f"{what} {path!r} must end in {', '.join(suffixes)}")
    return out


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text or "")
    if not m or not (16 <= int(m.group(1)) <= 7680 and 16 <= int(m.group(2)) <= 4320):
        raise UserError(f"--size must be WIDTHxHEIGHT between 16x16 and 7680x4320, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:40]
    return slug or "swarm"


def _data_kind(target: str) -> str:
    """What TARGET names: "csv" (a path ending in a data-file suffix, .csv, .tsv or .txt:
    never an expression), "dataset" (a name in ``swarm.datasets.DATASETS``) or "target"
    (a 1-D target)."""
    from swarm.datasets import DATASETS
    from swarm.datasets._csv import DATA_SUFFIXES

    name = target.strip().lower()
    return "csv" if name.endswith(DATA_SUFFIXES) else "dataset" if name in DATASETS \
        else "target"


def _data_flags(parser, kind: str, target: str) -> tuple[list, list]:
    """The dataset flags (and a 1-D target's grid flags) that do and do not apply to the
    dataset TARGET names: each flag whose argument its builder takes (its own arguments and
    the knobs every dataset takes) applies."""
    import inspect

    from swarm import datasets
    from swarm.datasets._knobs import DEFAULTS

    builder = datasets.from_csv if kind == "csv" else datasets.DATASETS[target.strip().lower()]
    takes = set(DEFAULTS) | {p.name for p in inspect.signature(builder).parameters.values()
                             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    flags = [a for a in parser._actions if a in parser.data or a.dest in GRID]
    applies = [a for a in flags if DATA_NAMES.get(a.dest, a.dest) in takes]
    return applies, [a for a in flags if a not in applies]


def _check_applies(args, typed: set[str], parser) -> None:
    """The one rule for typed flags that cannot apply: training and dataset flags with
    --from, dataset flags with a 1-D target, a 1-D target's grid or another dataset's
    knob with a dataset (and a CSV needs --label)."""
    kind = None if args.source is not None else _data_kind(args.target)
    if kind is None:
        wrong = [a for a in parser.training if a.dest in typed]
        where = (f"--from {args.source}: the recording is already trained (train again with a "
                 "TARGET instead)")
    elif kind == "target":
        wrong = [a for a in parser.data if a.dest in typed]
        where = (f"the 1-D target {args.target!r} (dataset flags need TARGET a dataset such as "
                 "moons or digits, or a data file: .csv, .tsv or .txt)")
    else:
        applies, others = _data_flags(parser, kind, args.target)
        wrong = [a for a in others if a.dest in typed]
        where = (f"the {'CSV file' if kind == 'csv' else 'dataset'} {args.target!r}, which takes "
                 + ", ".join(_flag(a) for a in applies))
    if wrong:
        raise UserError(f"{', '.join(_flag(a) for a in wrong)} cannot apply to {where}")
    if kind == "csv" and args.label is None:
        raise UserError(f"the CSV file {args.target!r} needs --label COLUMN, the column of its "
                        "labels")


def _check_args(args, typed: set[str], parser) -> dict:
    """Every flag checked before any work starts, cheapest first; returns what the run needs.

    Flags, sizes and output paths need no torch; the training spec checks its
    numbers, target and domain before it imports torch; panels are checked
    against the spec (or the loaded recording) before any training.
    """
    if args.source is None and args.target is None:
        raise UserError("give a TARGET (e.g. sin) or --from REC.npz")
    if args.source is not None and args.target is not None:
        raise UserError("give either a TARGET or --from REC.npz, not both")
    _check_applies(args, typed, parser)
    if args.fps < 1 or args.fps > 240:
        raise UserError(f"--fps must be between 1 and 240, got {args.fps}")
    if args.duration is not None and not (0 < args.duration <= 3600):
        raise UserError(f"--duration must be a positive number of seconds, got {args.duration}")
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be a positive integer, got {args.jobs}")
    if args.source is not None:
        stem = Path(args.source).stem
    else:
        csv = _data_kind(args.target) == "csv"
        stem = _slug(Path(args.target).stem if csv else args.target)
    return {"size": _size(args.size),
            "output": _check_output(args.output or f"{stem}.mp4", VIDEO_SUFFIXES, "output"),
            "poster": _check_output(args.poster, (".png",), "--poster"),
            "save": _check_output(args.save, (".npz",), "--save"),
            "report": _check_output(args.report, REPORT_SUFFIXES, "--report"),
            "explore": _check_output(args.explore, (".html", ".htm"), "--explore")}


def _dataset(args, typed: set[str], parser):
    """The dataset TARGET names, built with the dataset flags typed; None for a 1-D target.

    Its mistakes (a missing file or column, bad values, a knob out of range) in flag words.
    """
    from swarm import datasets

    kind = _data_kind(args.target)
    if kind == "target":
        return None
    knobs = {DATA_NAMES.get(a.dest, a.dest): getattr(args, a.dest)
             for a in _data_flags(parser, kind, args.target)[0] if a.dest in typed}
    if "features" in knobs:
        knobs["features"] = [f.strip() for f in knobs["features"].split(",") if f.strip()]
    try:
        if kind == "csv":
            return datasets.from_csv(args.target, **knobs)
        return datasets.get_dataset(args.target.strip().lower(), **knobs)
    except (ValueError, FileNotFoundError) as err:
        names = {DATA_NAMES[a.dest]: _flag(a) for a in parser.data if a.dest in DATA_NAMES}
        names.update(path="TARGET", y="the --label column")  # from_csv's arguments
        raise UserError(_as_flags(str(err), parser, names)) from None


def _check_run(args, plan: dict, typed: set[str], parser) -> None:
    """The spec (or the recording) and the panels, into ``plan``; ValueErrors are the user's."""
    from swarm._spec import default_settings, make_spec

    if args.panels is not None:  # unknown names first: that needs no torch
        from swarm.panels import get_panel

        for name in args.panels.split(","):
            if name.strip():
                get_panel(name)
    if args.source is None:
        dataset = _dataset(args, typed, parser)
        plan["spec"] = make_spec(
            args.target if dataset is None else dataset, epochs=args.epochs, width=args.width,
            depth=args.depth,
            bees=default_settings(dataset)["bees"] if args.bees is None else args.bees,
            activation=args.activation, optimizer=args.optimizer, lr=args.lr,
            momentum=args.momentum, nesterov=args.nesterov, loss=args.loss, domain=args.domain,
            points=args.points if dataset is None else None, init=args.init, l1=args.l1, l2=args.l2,
            bias_init=args.bias_init, penalty=args.penalty,
            batch_size=args.batch_size, record_every=args.record_every, memory=args.memory,
            seed=args.seed,
            device=args.device, progress=not args.quiet)
    else:
        import swarm

        try:
            plan["rec"] = swarm.load(args.source)
        except (ValueError, FileNotFoundError) as err:
            raise UserError(f"--from: {err}") from None
    # the default panels (which always apply) are chosen while the swarm trains in a child;
    # panels named by --panels were checked above, importing them: nothing left to overlap
    plan["fork"] = args.panels is None and "spec" in plan and _trains_forked(plan["spec"])
    if plan["fork"]:
        return
    _choose_panels(args, plan)


def _choose_panels(args, plan: dict) -> None:
    """The panels to show, into ``plan``: checked against the spec (before training) or the
    loaded recording; a ValueError says which does not apply and why."""
    from swarm.panels import SpecOnly
    from swarm.animation import choose_panels

    spec = plan.get("spec")
    data = None if spec is None or spec.dataset is None else spec.dataset.to_meta()
    shown = plan["rec"] if "rec" in plan else SpecOnly(spec.to_meta(), data)
    plan["panels"] = choose_panels(shown, args.panels)


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt("terminated")


def run(args, typed: set[str] = frozenset(), parser=None) -> int:
    """One run of the command: check everything, then train, render and write."""
    parser = parser or build_parser()
    words = _FlagWords(parser)
    logging.getLogger("swarm").addFilter(words)  # the library's warnings in flag words
    try:
        return _run(args, typed, parser)
    finally:
        logging.getLogger("swarm").removeFilter(words)


class _FlagWords(logging.Filter):
    """Rewrites the ``swarm`` logger's messages in the command's words (:func:`_as_flags`)."""

    def __init__(self, parser):
        super().__init__()
        self.parser = parser

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _as_flags(record.getMessage(), self.parser), None
        return True


def _run(args, typed: set[str], parser) -> int:
    from swarm._files import Outputs

    plan = {**_check_args(args, typed, parser), "parser": parser}
    try:
        outputs = Outputs(plan[k] for k in OUTPUTS)
    except ValueError as err:
        raise UserError(str(err)) from None
    try:
        try:
            _check_run(args, plan, typed, parser)
        except ValueError as err:
            raise UserError(_as_flags(str(err), parser)) from None
        _work(args, plan, outputs)
    except KeyboardInterrupt as err:
        err.written = outputs.committed  # what main says about it
        raise
    finally:
        outputs.discard()
    return 0


def _work(args, plan: dict, outputs) -> None:
    """Train (or take the loaded recording), render, save, report; then move every output in."""
    timings: dict[str, float] = {}
    if "rec" in plan:
        rec = plan["rec"]
    else:
        started = time.perf_counter()
        rec = _train(plan["spec"], plan.get("fork", False), meanwhile=lambda: _meanwhile(args, plan))
        timings["train"] = time.perf_counter() - started
    from swarm import metrics
    from swarm.animation import animate  # imported already (matplotlib: while training)

    stages: dict[str, float] = {}
    staged = {k: plan[k] and outputs[plan[k]] for k in OUTPUTS}
    animate(rec, staged["output"], panels=plan["panels"], fps=args.fps, duration=args.duration,
            size=plan["size"], jobs=args.jobs, poster=staged["poster"], progress=not args.quiet,
            time_axis=None if args.log_time is None else "log" if args.log_time else "linear",
            timings=stages)
    timings.update(prepare=stages.get("prepare", 0.0), render=stages.get("render", 0.0))
    rec.meta.setdefault("wall_time", {}).update({k: round(v, 3) for k, v in timings.items()})
    if staged["save"]:
        rec.save(staged["save"])
    if staged["report"]:
        from swarm.report import write_report

        write_report(rec, staged["report"], videos=[staged["output"]])
    if staged["explore"]:
        from swarm.explorer import explore

        started = time.perf_counter()
        explore(rec, staged["explore"])
        timings["explore"] = time.perf_counter() - started
    summary = None if args.quiet else metrics.summary(rec, keys=PRINTED)  # only what is printed
    outputs.commit()  # every output appears now, together
    if summary is not None:
        _print_summary(rec, summary, timings, plan)


_FORK_TRAINING = False  # set by `command`: the process is the program's own, nothing else runs in it
_FORK_BYTES = 1 << 30  # a bigger recording trains here: sending it back would cost seconds
_STARTED = None  # set by `command`: the CPUs' clock when the program started (swarm._cores.cpu_clock)
# idle cores beside this process's own (its imports keep one busy until the gate): half a core
# idle while torch imported says the child will find a core of its own
_IDLE_TO_FORK = 0.5


def _trains_forked(spec) -> bool:
    """Whether ``spec``'s swarm trains in a forked child (:func:`_train`): only in the
    program's own process (``command``; ``main`` called from Python trains in the caller's
    process, where its logging and patches are), on Linux, on the CPU, for a recording of
    at most ``_FORK_BYTES``, and while a core is idle: on a busy machine the two
    processes only shared one core (measured at load 2.2-2.9 on 2 cores: 0.2-0.7 s slower).
    Idle means over the program's own start-up so far (``_STARTED``), not the last minute:
    a command run just after another would else never fork on an idle machine."""
    from swarm._cores import cores, idle_cores
    from swarm._forked import can_fork

    needed = spec.memory_info.get("needed")
    return (_FORK_TRAINING and can_fork() and spec.device.type == "cpu" and needed is not None
            and needed <= _FORK_BYTES and cores() > 1
            and idle_cores(since=_STARTED) >= _IDLE_TO_FORK)


def _train(spec, fork: bool = False, meanwhile=lambda: None):
    """The swarm of ``spec`` trained (a Recording); ``meanwhile()`` runs while it trains.

    With ``fork`` (:func:`_trains_forked`), training runs in a child forked now
    (``swarm._forked``) and ``meanwhile`` (importing matplotlib and the panels,
    0.5-0.8 s that held the GIL) runs here on the other core; else one after the other.
    The same numbers either way (the child trains with one torch thread: results do not
    depend on the count).
    """
    import swarm

    def run():
        return swarm.train(spec.target if spec.dataset is None else spec.dataset,
                           **_train_kwargs(spec))

    if not fork:
        rec = run()
        meanwhile()
        return rec
    from swarm._forked import Forked

    with Forked(run) as child:  # an error or interruption here kills the child
        meanwhile()
        return child.result()


def _meanwhile(args, plan: dict) -> None:
    """What the command does while the swarm trains: the default panels chosen (their
    modules, matplotlib with them, imported) when that waited for training."""
    if "panels" not in plan:
        try:
            _choose_panels(args, plan)
        except ValueError as err:
            raise UserError(_as_flags(str(err), plan["parser"])) from None


def _train_kwargs(spec) -> dict:
    keys = ("bees", "epochs", "width", "depth", "activation", "optimizer", "lr", "momentum",
            "nesterov", "loss", "domain", "points", "init", "l1", "l2", "batch_size",
            "seed", "device", "progress", "memory", "bias_init", "penalty")
    out = {k: getattr(spec, k) for k in keys if spec.dataset is None or k not in GRID}
    if not spec.memory_info.get("raised"):  # else train picks it again, and logs why
        out["record_every"] = spec.record_every
    return out


def _print_summary(rec, summary: dict, timings: dict, plan) -> None:
    from swarm._spec import memory_note

    lines = [rec.describe(), f"bees: {rec.num_bees}, epochs recorded: {rec.num_epochs}, "
             f"diverged: {int(rec.diverged.sum())}"]
    if rec.live.any():
        last = {k: rec[k][rec.live, -1] for k in ("loss", "test_loss", "accuracy",
                                                   "test_accuracy") if k in rec}
        if "test_accuracy" in last:
            last["train - test accuracy"] = last["accuracy"] - last["test_accuracy"]
        split = " train" if "test_loss" in last else ""
        units = f" ({rec.loss_units} targets)" if rec.loss_units else ""
        names = {"loss": f"final{split} loss{units}", "test_loss": f"final test loss{units}",
                 "accuracy": "train accuracy", "test_accuracy": "test accuracy"}
        lines += [_quantiles(names.get(k, k), v) for k, v in last.items() if np.isfinite(v).any()]
    else:
        lines.append("final loss: every bee diverged (try a smaller --lr)")
    align = summary.get("breakpoint_alignment")
    if isinstance(align, dict) and None not in (align.get("fraction"), align.get("expected"),
                                                align.get("ratio")):
        lines.append(f"kinks near turning points: {align['fraction']:.0%} "
                     f"(uniform spread: {align['expected']:.0%}, {align['ratio']:.1f}x)")
    names = {"train": "training", "prepare": "preparing panels",
             "render": "rendering + encoding", "explore": "writing the explorer"}
    if note := memory_note(rec.meta.get("memory", {})):
        lines.append(_as_flags(note, plan["parser"]))
    lines.append("time: " + ", ".join(f"{names[k]} {v:.1f} s" for k, v in timings.items()))
    for key in OUTPUTS:
        if plan[key]:
            lines.append(f"{key}: {plan[key]}")
    print("\n".join(lines))


def _quantiles(name: str, values: np.ndarray) -> str:
    """``name 10/50/90%: a / b / c`` over the finite ``values`` [bee]."""
    q = np.quantile(values[np.isfinite(values)], [0.1, 0.5, 0.9])
    return f"{name} 10/50/90%: {q[0]:.3g} / {q[1]:.3g} / {q[2]:.3g}"


def main(argv=None) -> int:
    """Entry point of ``swarm-animate``."""
    parser = build_parser()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        argv = _split_argv(list(sys.argv[1:] if argv is None else argv), parser)
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.ERROR if args.quiet else logging.WARNING,
                            format=f"{PROG}: %(message)s")
        return run(args, _typed(parser, argv), parser)
    except UserError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of the summary stopped reading (| head): all is written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except KeyboardInterrupt as err:
        reason = "terminated" if str(err) == "terminated" else "interrupted"
        done = ("after every output was written" if getattr(err, "written", False)
                else "nothing was written")
        print(f"{PROG}: {reason}; {done}", file=sys.stderr)
        return 143 if reason == "terminated" else 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def command() -> None:
    """The ``swarm-animate`` program (``python -m swarm.cli``): :func:`main`, then the process ends.

    Its own process, so training may run in a forked child (:func:`_train`).

    It ends with ``os._exit`` once the streams and the log are flushed: everything
    is written and every child process is gone by then (main's cleanup ran), and
    the interpreter's own teardown (torch's modules and libraries, every object
    freed one by one) took 0.4-0.7 s of the first video's wall time. ``main``
    itself returns, for callers in Python.
    """
    global _FORK_TRAINING, _STARTED
    from swarm._cores import cpu_clock

    _FORK_TRAINING, _STARTED = True, cpu_clock()
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): what could be written was
            pass
    os._exit(code)


if __name__ == "__main__":
    command()
