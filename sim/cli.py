"""Command line: run, compare and sweep scenarios, or validate scenario files (see README)."""

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sim.errors import Interrupted, UserError
from sim.execution import budget
from sim.execution.settings import DEFAULT_CHUNK, JobSettings
from sim.files import check_writable_folder
from sim.provenance import utc_now
from sim.scenario.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd  # only to annotate: the command line loads pandas when it runs

USAGE = """\
python run.py SCENARIO.yaml [--replicates N] [--seed S] [--out DIR] [--no-plots]
                            [--workers N | --scheduler ADDRESS] [--chunk-size C] [--resume DIR]
python run.py compare A.yaml B.yaml ... [--replicates N] [--seed S] [--out DIR] [--no-plots]
python run.py sweep SCENARIO.yaml [--replicates N] [--seed S] [--out DIR] [--no-plots]
                                  [--workers N | --scheduler ADDRESS] [--chunk-size C]
                                  [--resume DIR]
python run.py validate FILE.yaml [FILE.yaml ...]"""

SERIES_LIMIT = 5000
"""Above this many replicates, or more than fit in memory with their series
(sim.execution.budget.series_replicates), or with --workers / --scheduler, a run streams its
outcomes to disk chunk by chunk and keeps series and plots for a sample
(sim.workflows.run_chunked)."""


def _whole(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from {low:,} to {high:,}, got {text!r}"
        )
    return value


def _replicates(text: str) -> int:
    return _whole(text, 1, 10_000_000)


def _seed(text: str) -> int:
    return _whole(text, 0, 2**63 - 1)


def _workers(text: str) -> int:
    return _whole(text, 1, 1024)


def _chunk(text: str) -> int:
    return _whole(text, 1, 1_000_000)


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as the one line every other error is: `error: ...`."""

    def error(self, message: str) -> NoReturn:
        line = " ".join(message.splitlines())
        line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
        self.exit(2, f"error: {line} (python {self.prog} --help lists the options)\n")


def _parser(
    prog: str, description: str, many: bool = False, scale: bool = False
) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, usage=USAGE, description=description)
    if many:
        parser.add_argument("scenarios", type=Path, nargs="+", help="scenario YAML files")
    else:
        parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--replicates", type=_replicates, help="replicates (default: the file's)")
    parser.add_argument("--seed", type=_seed, help="random seed (default: the file's)")
    parser.add_argument(
        "--out", type=Path, default=Path("results"), help="results folder (default: results/)"
    )
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    parser.add_argument(
        "--allow-large",
        action="store_true",
        help="run a job beyond the resource budget (its estimate is printed when refused)",
    )
    if scale:
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--workers",
            type=_workers,
            help="local worker processes (default: one per CPU for sweeps and large runs)",
        )
        where.add_argument("--scheduler", help="address of a Dask distributed scheduler")
        parser.add_argument(
            "--chunk-size",
            type=_chunk,
            default=DEFAULT_CHUNK,
            help=f"runs per chunk (default {DEFAULT_CHUNK})",
        )
        parser.add_argument("--resume", type=Path, help="folder of an interrupted job to finish")
    return parser


def _load(path: Path, args: argparse.Namespace) -> Scenario:
    scenario = load_scenario(path)
    return scenario.with_overrides(replicates=args.replicates, seed=args.seed)


def _print_shares(summary: "pd.DataFrame") -> None:
    table = summary.assign(
        share=(summary["share"] * 100).map("{:5.1f} %".format),
        interval=[
            f"{lo * 100:4.1f}-{hi * 100:5.1f} %"
            for lo, hi in zip(summary["ci_low"], summary["ci_high"], strict=True)
        ],
    )[["outcome", "share", "interval", "meaning"]]
    print(table.to_string(index=False))


def _cpus() -> int:
    return os.cpu_count() or 1


def _job_settings(args: argparse.Namespace, command: list[str]) -> JobSettings:
    return JobSettings(
        args.out,
        args.workers or _cpus(),
        args.scheduler,
        args.chunk_size,
        args.resume,
        tuple(command),
        allow_large=args.allow_large,
    )


def _error_line(error: Exception) -> str:
    """The error as the one line the command line prints (control characters escaped, so a
    hostile key cannot drive the terminal)."""
    text = " ".join(str(error).splitlines())
    return "error: " + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def validate_files(files: list[Path]) -> int:
    status = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except UserError as error:
            print(_error_line(error), file=sys.stderr)
            status = 2
            continue
        print(
            f"ok: {path} (scenario '{scenario.name}', {scenario.spec.replicates} replicates, "
            f"{scenario.spec.horizon_months} months, hash {scenario.hash})"
        )
    return status


def run_command(args: argparse.Namespace, command: list[str]) -> int:
    check_writable_folder(args.out)
    started = utc_now()
    scenario = _load(args.scenario, args)
    replicates = scenario.spec.replicates
    months, substeps = scenario.spec.horizon_months, scenario.spec.substeps
    chunked = (
        replicates > min(SERIES_LIMIT, budget.series_replicates(months))
        or args.workers is not None
        or args.scheduler
        or args.resume is not None
    )
    if chunked:
        sample = budget.sample_replicates(replicates, months)
        workers = 1 if args.scheduler else (args.workers or _cpus())
        estimate = budget.chunked_estimate(
            replicates, months, workers, args.chunk_size, sample=sample, substeps=substeps
        )
    else:
        estimate = budget.in_memory_estimate(replicates, months, substeps=substeps)
    budget.check(estimate, args.allow_large, str(args.scenario))
    print(
        f"Scenario '{scenario.name}': {replicates:,} replicates x "
        f"{months} months, seed {scenario.spec.seed} (estimate: {estimate.text()})",
        flush=True,
    )
    from sim.execution.runner import run
    from sim.workflows import run_chunked, write_run

    if not chunked:
        result = run(scenario, allow_large=args.allow_large)
        folder = write_run(result, args.out, command, started, plots=not args.no_plots)
        _print_shares(result.summary())
    else:
        folder, summary, sample_folder = run_chunked(
            scenario, _job_settings(args, command), started, plots=not args.no_plots
        )
        _print_shares(summary)
        print(f"Series and plots of the first replicates: {sample_folder}")
    print(f"Results: {folder}")
    return 0


def compare_command(args: argparse.Namespace, command: list[str]) -> int:
    from sim.execution.compare import compare
    from sim.workflows import write_comparison

    check_writable_folder(args.out)
    if len(args.scenarios) < 2:
        raise UserError(
            args.scenarios[0],
            None,
            "compare",
            "give two or more scenario files to compare (run a single one with run.py FILE)",
        )
    started = utc_now()
    scenarios = [load_scenario(path) for path in args.scenarios]
    comparison = compare(scenarios, args.replicates, args.seed, allow_large=args.allow_large)
    folder = write_comparison(comparison, args.out, command, started, plots=not args.no_plots)
    base = comparison.results[0]
    print(
        f"{len(scenarios)} scenarios, {base.replicates:,} replicates each, seed "
        f"{base.scenario.spec.seed} (common random numbers); share of replicates (95 % CI):"
    )
    print(comparison.outcome_wide().to_string())
    print(f"Results: {folder}")
    return 0


def sweep_command(args: argparse.Namespace, command: list[str]) -> int:
    check_writable_folder(args.out)
    from sim.workflows import sweep

    scenario = _load(args.scenario, args)
    spec = scenario.spec.sweep
    if spec is None:
        raise UserError(
            args.scenario,
            None,
            "sweep",
            "this scenario has no 'sweep:' block (see the README's sweep section)",
        )
    print(
        f"Sweep '{scenario.name}': {spec.design} design over "
        f"{', '.join(spec.parameters)}; {scenario.spec.replicates} replicates a point",
    )
    workers = 1 if args.scheduler else (args.workers or _cpus())
    estimate = budget.sweep_estimate(
        spec,
        scenario.spec.replicates,
        scenario.spec.horizon_months,
        workers,
        args.chunk_size,
        scenario.spec.substeps,
    )
    print(f"Estimate: {estimate.text()}", flush=True)
    result = sweep(scenario, _job_settings(args, command), plots=not args.no_plots)
    print(f"{len(result.design.values):,} points, {int(result.shares['runs'].sum()):,} runs")
    _print_shares(result.summary)
    for note in result.sensitivity.attrs.get("notes", []):
        print(f"note: {note}")
    if len(result.sensitivity):
        top = (
            result.sensitivity.sort_values("value", ascending=False)
            .groupby("outcome", sort=False)
            .head(1)
        )
        print("Most influential parameter per outcome:")
        print(
            top[["outcome", "parameter", "index", "value", "conf"]].round(3).to_string(index=False)
        )
    print("Scenario discovery (PRIM):")
    print("\n".join(f"  {line}" for line in result.discoveries()) or "  nothing to find")
    print(f"Results: {result.folder}")
    return 0


COMMANDS = {
    "compare": (compare_command, "Run scenarios on the same seed and compare them.", True, False),
    "sweep": (sweep_command, "Run a scenario's sweep block and analyse it.", False, True),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = ["python", "run.py", *argv]
    if argv[:1] == ["validate"]:
        parser = Parser(
            prog="run.py validate", usage=USAGE, description="Check scenario files without running."
        )
        parser.add_argument("files", type=Path, nargs="+", help="scenario YAML files")
        files = parser.parse_args(argv[1:]).files
        try:
            return validate_files(files)
        except Exception as error:  # as below: one line, never a traceback
            if os.environ.get("SIM_DEBUG"):
                raise
            print(f"error: {type(error).__name__}: {error} (unexpected)", file=sys.stderr)
            return 1
    if argv[:1] and argv[0] in COMMANDS:
        handler, description, many, scale = COMMANDS[argv[0]]
        args = _parser(f"run.py {argv[0]}", description, many, scale).parse_args(argv[1:])
    else:
        handler = run_command
        args = _parser("run.py", "Run a scenario and write its results.", scale=True).parse_args(
            argv
        )
    previous = _catch_signals()
    try:
        return handler(args, command)
    except UserError as error:
        print(_error_line(error), file=sys.stderr)
        return 2
    except (Interrupted, KeyboardInterrupt) as stop:
        return _stopped(stop)
    except Exception as error:  # a bug or the machine (disk full ...): one line, no traceback
        if os.environ.get("SIM_DEBUG"):
            raise
        print(
            f"error: {type(error).__name__}: {' '.join(str(error).splitlines())[:500]} "
            "(unexpected; SIM_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        _restore_signals(previous)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
INTERRUPTED = tuple(128 + number for number in STOP_SIGNALS)
"""Exit statuses of a run stopped by a signal: 130 (SIGINT), 143 (SIGTERM)."""


def _raise_interrupted(signal_number: int, _frame: Any) -> None:
    for number in STOP_SIGNALS:  # the clean-up that follows runs undisturbed
        signal.signal(number, signal.SIG_IGN)
    raise Interrupted(signal_number, signal.Signals(signal_number).name)


def _catch_signals() -> dict[int, Any]:
    """SIGINT and SIGTERM raise Interrupted in the main thread (the job then stops its
    workers and marks its folder); returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, _raise_interrupted) for number in STOP_SIGNALS}


def _restore_signals(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)


def _stopped(stop: BaseException) -> int:
    """One line saying what was stopped and how to continue; exit status 128 + signal."""
    if not isinstance(stop, Interrupted):
        stop = Interrupted(signal.SIGINT, "SIGINT")
    if stop.folder:
        print(
            f"interrupted ({stop.name}): the job in {stop.folder} is marked interrupted; "
            f"continue it with: {stop.resume}",
            file=sys.stderr,
        )
    else:
        print(f"interrupted ({stop.name}): nothing was written", file=sys.stderr)
    sys.stderr.flush()
    return stop.status
