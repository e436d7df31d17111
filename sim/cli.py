"""Command line: run a scenario, or validate scenario files (see README)."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.runner import run
from sim.scenario import load_scenario
from sim.storage import write_run
from sim.yaml_source import ScenarioError

USAGE = """\
python run.py SCENARIO.yaml [--replicates N] [--seed S] [--out DIR] [--no-plots]
python run.py validate FILE.yaml [FILE.yaml ...]"""


def _whole(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from {low:,} to {high:,}, got {text!r}")
    return value


def _replicates(text: str) -> int:
    return _whole(text, 1, 10_000_000)


def _seed(text: str) -> int:
    return _whole(text, 0, 2**63 - 1)


def run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", usage=USAGE,
                                     description="Run a scenario and write its results.")
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--replicates", type=_replicates, help="replicates (default: the file's)")
    parser.add_argument("--seed", type=_seed, help="random seed (default: the file's)")
    parser.add_argument("--out", type=Path, default=Path("results"),
                        help="results folder (default: results/)")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    return parser


def validate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py validate", usage=USAGE,
                                     description="Check scenario files without running them.")
    parser.add_argument("files", type=Path, nargs="+", help="scenario YAML files")
    return parser


def validate_files(files: list[Path]) -> int:
    status = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            status = 2
            continue
        print(f"ok: {path} (scenario '{scenario.name}', {scenario.spec.replicates} replicates, "
              f"{scenario.spec.horizon_months} months, hash {scenario.hash})")
    return status


def run_scenario(args: argparse.Namespace, argv: list[str]) -> int:
    started = datetime.now(UTC)
    try:
        scenario = load_scenario(args.scenario)
        if args.replicates is not None or args.seed is not None:
            top = {k: v for k, v in (("replicates", args.replicates), ("seed", args.seed))
                   if v is not None}
            scenario = scenario.with_params(**top)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = run(scenario)
    folder = write_run(result, args.out, ["python", "run.py", *argv], started,
                       plots=not args.no_plots)
    print(f"Scenario '{scenario.name}': {result.replicates} replicates x "
          f"{scenario.spec.horizon_months} months, seed {scenario.spec.seed}")
    summary = result.summary()
    table = summary.assign(
        share=(summary["share"] * 100).map("{:5.1f} %".format),
        interval=[f"{lo * 100:4.1f}-{hi * 100:5.1f} %" for lo, hi in
                  zip(summary["ci_low"], summary["ci_high"], strict=True)],
    )[["outcome", "share", "interval", "meaning"]]
    print(table.to_string(index=False))
    print(f"Results: {folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["validate"]:
        return validate_files(validate_parser().parse_args(argv[1:]).files)
    return run_scenario(run_parser().parse_args(argv), argv)
