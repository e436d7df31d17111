"""The command line, `alliance-sim <command> ...`: its grammar and each command (see
`alliance-sim --help`)."""

import argparse
import difflib
import math
import os
import re
import select
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sim.calendar import month_of
from sim.errors import (
    Interrupted,
    ScenarioError,
    UserError,
    forget_stop_request,
    require_extra,
    stop_requested,
)
from sim.execution import budget
from sim.execution.settings import DEFAULT_CHUNK, JobSettings
from sim.files import check_writable_folder
from sim.provenance import utc_now
from sim.scenario.posterior import PRIORS, ensemble_text
from sim.scenario.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd  # only to annotate: the command line loads pandas when it runs

    from sim.results.comparison import Comparison
    from sim.results.run_result import RunResult

EXAMPLES = {
    "run": "example:\n  alliance-sim run scenarios/us_buildup.yaml --replicates 500 --seed 7",
    "compare": "examples:\n  alliance-sim compare scenarios/baseline.yaml "
    "scenarios/sanctions_isolation.yaml --replicates 400\n"
    "  alliance-sim compare scenarios/baseline.yaml --set russia.commitment=0.3 "
    "--from 2027-01 --after-present",
    "sweep": "example:\n  alliance-sim sweep scenarios/sweeps/drivers_lhs.yaml --workers 2",
    "validate": "example:\n  alliance-sim validate scenarios/*.yaml",
    "hindcast": "example:\n  alliance-sim hindcast scenarios/history.yaml "
    "--observations observations/history.yaml --replicates 400",
    "condition": "example:\n  alliance-sim condition scenarios/history_uncertain.yaml "
    "--observations observations/history.yaml --draws 4000 --accept 0.05\n"
    "  alliance-sim condition scenarios/history_uncertain.yaml "
    "--observations observations/history.yaml --method smc --until 2025-12",
    "uncertainty": "example:\n  alliance-sim uncertainty scenarios/history_uncertain.yaml "
    "--sets 60 --shocks 30",
}

PROG = "alliance-sim"
"""The command line's name in help and hints; `python run.py` and `python -m sim` are the same."""

MAIN_FIGURE = "dashboard.png"
"""The figure a run names last, to open first (sim.plots.runs.save_all draws it)."""

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
        self.exit(2, f"error: {line} ({self.prog} --help lists the options)\n")


def _scenario_options(
    parser: argparse.ArgumentParser, many: bool = False, scale: bool = False
) -> argparse.ArgumentParser:
    """The scenario file(s) and the options every running command takes; with `scale`, the
    options of chunked and distributed jobs."""
    if many:
        parser.add_argument("scenarios", type=Path, nargs="+", help="scenario YAML files")
    else:
        parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument(
        "--replicates", type=_replicates, metavar="N", help="replicates (default: the file's)"
    )
    parser.add_argument("--seed", type=_seed, metavar="S", help="random seed (default: the file's)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        metavar="DIR",
        help="results folder (default: results/)",
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
            metavar="N",
            help="local worker processes (default: one per CPU for sweeps and large runs)",
        )
        where.add_argument(
            "--scheduler", metavar="ADDRESS", help="address of a Dask distributed scheduler"
        )
        parser.add_argument(
            "--chunk-size",
            type=_chunk,
            default=DEFAULT_CHUNK,
            metavar="C",
            help=f"runs per chunk (default {DEFAULT_CHUNK})",
        )
        parser.add_argument(
            "--resume", type=Path, metavar="DIR", help="folder of an interrupted job to finish"
        )
    return parser


def _load(path: Path, args: argparse.Namespace) -> Scenario:
    scenario = _ensemble_chosen(load_scenario(path), args)
    if getattr(args, "set_changes", None) is not None:
        scenario = _changed(scenario, args)
    return scenario.with_overrides(replicates=args.replicates, seed=args.seed)


def _ensemble_chosen(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """The scenario from the priors with --priors, or when --conditioned-on names the sets."""
    if getattr(args, "priors", False) or getattr(args, "conditioned_on", None) is not None:
        return scenario.with_params(ensemble=PRIORS)
    return scenario


def _print_ensemble(scenario: Scenario, args: argparse.Namespace) -> None:
    """One line naming the parameter sets the replicates start from; one more, a warning, when
    the shipped posterior no longer matches the files it was conditioned on."""
    if getattr(args, "conditioned_on", None) is not None:
        return  # _conditioned says it
    ensemble = scenario.ensemble
    print(f"Ensemble: {ensemble_text(ensemble)}")
    if ensemble is None:
        return
    from sim.execution.posterior import stale_warning

    if (warning := stale_warning(ensemble)) is not None:
        print(_printable(warning), file=sys.stderr)


def _print_shares(summary: "pd.DataFrame", scenario: Scenario | None = None) -> None:
    """Each outcome's share with its interval; ' [forced]' after an outcome the scenario's
    events decide (sim.results.forced)."""
    from sim.results.forced import FORCED_NOTE, forced_outcomes

    forced = forced_outcomes(scenario) if scenario is not None else {}
    table = summary.assign(
        outcome=[o + (" [forced]" if o in forced else "") for o in summary["outcome"]],
        share=(summary["share"] * 100).map("{:5.1f} %".format),
        interval=[
            f"{lo * 100:4.1f}-{hi * 100:5.1f} %"
            for lo, hi in zip(summary["ci_low"], summary["ci_high"], strict=True)
        ],
    )[["outcome", "share", "interval", "meaning"]]
    print(table.to_string(index=False))
    if forced:
        print(f"[forced]: {FORCED_NOTE}, so certain or impossible by construction.")


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
    hostile key, path or CSV column name cannot drive the terminal)."""
    return "error: " + _printable(" ".join(str(error).splitlines()))


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
            f"ok: {_printable(str(path))} (scenario '{scenario.name}', "
            f"{scenario.spec.replicates} replicates, {scenario.spec.horizon_months} months, "
            f"hash {scenario.hash})"
        )
    return status


def run_command(args: argparse.Namespace, command: list[str]) -> int:
    check_writable_folder(args.out)
    started = utc_now()
    scenario = _load(args.scenario, args)
    replicates = scenario.spec.replicates
    months, substeps = scenario.spec.horizon_months, scenario.spec.substeps
    large = replicates > min(SERIES_LIMIT, budget.series_replicates(months))
    chunked = (
        (large and args.conditioned_on is None)  # a conditioned run is held in memory
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
    )
    _print_ensemble(scenario, args)
    sys.stdout.flush()
    from sim.execution.runner import run
    from sim.workflows import run_chunked, write_run

    if args.conditioned_on is not None:  # runs conditioned on history (issue 8)
        if chunked:
            raise UserError("--conditioned-on", None, "", "a conditioned run is not chunked")
        result = _conditioned(scenario, args.conditioned_on, args.allow_large)
        folder = plotted = write_run(result, args.out, command, started, plots=not args.no_plots)
        _print_shares(result.summary(), scenario)
    elif not chunked:
        result = run(scenario, allow_large=args.allow_large)
        folder = plotted = write_run(result, args.out, command, started, plots=not args.no_plots)
        _print_shares(result.summary(), scenario)
    else:
        folder, summary, plotted = run_chunked(
            scenario, _job_settings(args, command), started, plots=not args.no_plots
        )
        _print_shares(summary, scenario)
        print(f"Series and plots of the first replicates: {plotted}")
    print(f"Results: {folder}")
    if (figure := plotted / "plots" / MAIN_FIGURE).is_file():
        print(f"Open first: {figure}")
    return 0


def _print_paired(comparison: "Comparison") -> None:
    """Each scenario against the first: outcomes as paired differences, then key series."""
    from pandas import DataFrame

    from sim.model.recording import SERIES_BY_NAME
    from sim.plots.common import series_title
    from sim.plots.labels import (
        NO_DIFFERENCE,
        outcome_label,
        p_text,
        points_text,
        share_interval_text,
    )
    from sim.results.comparison import headline_candidates
    from sim.results.forced import FORCED_NOTE

    table = comparison.paired_outcomes()
    series = comparison.paired_summary()
    first = comparison.names[0]
    for name in comparison.names[1:]:
        part = table[table["scenario"] == name]
        n = int(part["replicates"].iloc[0]) if len(part) else 0
        print(f"\n'{name}' against '{first}', the same {n:,} futures:")
        rows = []
        for _, row in part.iterrows():
            difference, low, high = points_text(row["difference"], row["ci_low"], row["ci_high"])
            rows.append(
                {
                    "outcome": outcome_label(row["outcome"])
                    + (" [forced]" if row["forced"] else ""),
                    first: share_interval_text(
                        row["share_a"], row["share_a_low"], row["share_a_high"]
                    ),
                    name: share_interval_text(
                        row["share_b"], row["share_b_low"], row["share_b_high"]
                    ),
                    "difference (points)": f"{difference} ({low} to {high})"
                    + (" *" if row["differs"] else ""),
                    "futures gained / lost": f"{row['b_not_a']} / {row['a_not_b']}",
                    "exact McNemar": p_text(row["p_value"]),
                }
            )
        print(DataFrame(rows).to_string(index=False))
        print(
            "  share (a-b): its 95 % Wilson interval; difference: share in B minus share in A, "
            "95 % interval for\n  paired data (Newcombe 1998), * where it excludes 0 (beyond "
            "Monte Carlo error); gained / lost:\n  futures with the outcome under B but not A, "
            f"and under A but not B; [forced]: {FORCED_NOTE}."
        )
        sizes = [
            f"{outcome_label(r.outcome)} {points_text(r.difference, r.ci_low, r.ci_high)[0]} points"
            for r in headline_candidates(part).itertuples()
        ]
        print(
            f"Beyond Monte Carlo error, largest first: {', '.join(sizes)}"
            if sizes
            else NO_DIFFERENCE
        )
        print(f"Key series at the end (mean of the final months), '{name}' minus '{first}':")
        for _, row in series[series["scenario"] == name].iterrows():
            title = series_title(row["variable"], row["actor"] or None)
            print(
                f"  {title}: {row['mean_difference']:+.3g} (95 % CI {row['ci_low']:+.3g} to "
                f"{row['ci_high']:+.3g}) {SERIES_BY_NAME[row['variable']].unit}; higher under B in "
                f"{row['share_higher'] * 100:.0f} % of futures"
            )


def compare_command(args: argparse.Namespace, command: list[str]) -> int:
    from sim.execution.compare import compare, comparison_estimate
    from sim.workflows import write_comparison

    check_writable_folder(args.out)
    if len(args.scenarios) + bool(args.set_changes) < 2:
        raise UserError(
            args.scenarios[0],
            None,
            "compare",
            "give two or more scenario files to compare, or one with --set "
            "(run a single one with alliance-sim run FILE)",
        )
    started = utc_now()
    scenarios = [_ensemble_chosen(load_scenario(path), args) for path in args.scenarios]
    if args.after_present:
        scenarios = [_after_present(scenario) for scenario in scenarios]
    if args.set_changes or args.from_ is not None:
        first = scenarios[0]
        scenarios.append(_changed(first, args).with_params(name=f"{first.name}_changed"[:100]))
    spec = scenarios[0].spec
    estimate = comparison_estimate(scenarios, args.replicates)
    budget.check(estimate, args.allow_large, str(args.scenarios[0]))
    print(
        f"{len(scenarios)} scenarios: {estimate.runs // len(scenarios):,} replicates x "
        f"{spec.horizon_months} months each, seed "
        f"{spec.seed if args.seed is None else args.seed} (estimate: {estimate.text()})",
        flush=True,
    )
    comparison = compare(scenarios, args.replicates, args.seed, allow_large=args.allow_large)
    folder = write_comparison(comparison, args.out, command, started, plots=not args.no_plots)
    base = comparison.results[0]
    print(
        f"{len(scenarios)} scenarios, {base.replicates:,} replicates each, seed "
        f"{base.scenario.spec.seed} (common random numbers); share of replicates (95 % CI; "
        "forced: decided by the scenario's events):"
    )
    distinct = _distinct_ensembles(scenarios)
    for scenario in distinct:
        _print_ensemble(scenario, args)
    if len(distinct) > 1:
        print(
            "note: the scenarios start from different ensembles, so their histories differ "
            "too (--priors runs them all from the priors)"
        )
    print(comparison.outcome_wide().to_string())
    if len(comparison.results) > 1:
        _print_paired(comparison)
    print(f"Results: {folder}")
    return 0


def _distinct_ensembles(scenarios: list[Scenario]) -> list[Scenario]:
    """One scenario per ensemble among them (the first that has it): one line each."""
    seen: dict[str, Scenario] = {}
    for scenario in scenarios:
        seen.setdefault(scenario.spec.ensemble, scenario)
    return list(seen.values())


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
            "this scenario has no 'sweep:' block (see docs/exploring.md, Sweep parameters)",
        )
    require_extra("sweep", "a sweep")
    print(
        f"Sweep '{scenario.name}': {spec.design} design over "
        f"{', '.join(spec.parameters)}; {scenario.spec.replicates} replicates a point",
    )
    _print_ensemble(scenario, args)
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


# --- hindcast (issue 8) -------------------------------------------------------------------


def hindcast_command(args: argparse.Namespace, command: list[str]) -> int:
    """Run a scenario, score it against an observation file, write and print the table."""
    from sim.execution.hindcast import hindcast
    from sim.workflows import write_hindcast

    started = utc_now()
    scenario = _load(args.scenario, args)
    estimate = _checked_estimate(args, scenario, scenario.spec.replicates)
    print(
        f"Hindcast '{scenario.name}': {scenario.spec.replicates:,} replicates x "
        f"{scenario.spec.horizon_months} months, seed {scenario.spec.seed}, against "
        f"{_printable(str(args.observations))} (estimate: {estimate.text()})",
    )
    _print_ensemble(scenario, args)
    sys.stdout.flush()
    if args.conditioned_on is not None:
        from sim.results.hindcast import Hindcast, read_observation_file

        file = read_observation_file(args.observations, scenario.spec.horizon_months)
        result = _conditioned(scenario, args.conditioned_on, args.allow_large)
        h = Hindcast.of_file(result, file)
        print(f"On the accepted parameter sets of {_printable(str(args.conditioned_on))}")
    else:
        h = hindcast(scenario, args.observations, allow_large=args.allow_large)
    folder = write_hindcast(h, args.out, command, started, plots=not args.no_plots)
    print(hindcast_table_text(h.table))
    print(h.summary_text())
    print(f"Results: {folder}")
    return 0


def hindcast_table_text(table: "pd.DataFrame") -> str:
    """The hindcast table as printed: growth in per cent, levels in their units; PIT and the
    80 % band allowing for the observation's stated uncertainty, then for the model alone."""
    rows = []
    for _, row in table.iterrows():
        pct = row["measure"] == "growth"

        def show(value: float, pct: bool = pct) -> str:
            if pct:
                return f"{value * 100:+.1f} %"
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"

        rows.append(
            {
                "series": row["series"],
                "actor": row["actor"],
                "period": row["period"],
                "measure": row["measure"],
                "observed": show(row["observed"]),
                "model 10 %": show(row["q10"]),
                "median": show(row["q50"]),
                "90 %": show(row["q90"]),
                "PIT": f"{row['pit']:.2f}",
                "in 80 %": "yes" if row["inside_80"] else "no",
                "PIT model": f"{row['pit_model']:.2f}",
                "in model 80 %": "yes" if row["inside_80_model"] else "no",
                "CRPS": f"{row['crps'] * 100:.2f} pt" if pct else show(row["crps"]),
            }
        )
    from pandas import DataFrame

    return DataFrame(rows).to_string(index=False)


def _checked_estimate(args: argparse.Namespace, scenario: Scenario, runs: int) -> budget.Estimate:
    """The estimate of `runs` runs whose series are held in memory (hindcast, condition,
    uncertainty), checked against the budget (ResourceError unless --allow-large)."""
    spec = scenario.spec
    estimate = budget.parameter_sets_estimate(runs, spec.horizon_months, spec.substeps)
    budget.check(estimate, args.allow_large, str(args.scenario))
    return estimate


def _conditioned(scenario: Scenario, folder: Path, allow_large: bool) -> "RunResult":
    from sim.execution.conditioning import read_posterior, run_conditioned

    posterior = read_posterior(folder)
    print(
        f"Conditioned on {_printable(str(folder))}: {len(posterior.sets):,} accepted parameter sets"
    )
    result = run_conditioned(scenario, posterior.sets, allow_large=allow_large)
    result.conditioned_on = posterior.record()
    return result


def condition_command(args: argparse.Namespace, command: list[str]) -> int:
    """ABC (rejection or SMC) of a scenario's uncertain parameters against observations."""
    from sim.execution.conditioning import condition, condition_smc
    from sim.workflows import write_conditioning

    started = utc_now()
    scenario = _load(args.scenario, args)
    observations = _printable(str(args.observations))
    until = f", up to {args.until} (later ones held out)" if args.until else ""
    n = scenario.spec.replicates
    if args.method == "smc":
        estimate = _checked_estimate(args, scenario, args.population + 2 * n)
        print(
            f"Conditioning '{scenario.name}' on {observations}{until}: ABC-SMC, "
            f"{args.population:,} particles, at most {args.generations} generations "
            f"(estimate of a round and the hindcasts: {estimate.text()})",
            flush=True,
        )
        c = condition_smc(
            scenario,
            args.observations,
            args.population,
            args.generations,
            until=args.until,
            allow_large=args.allow_large,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    else:
        estimate = _checked_estimate(args, scenario, args.draws + 2 * n)
        print(
            f"Conditioning '{scenario.name}' on {observations}{until}: "
            f"{args.draws:,} prior draws, keeping the closest {args.accept:.0%} "
            f"(estimate: {estimate.text()})",
            flush=True,
        )
        c = condition(
            scenario,
            args.observations,
            draws=args.draws,
            accept=args.accept,
            until=args.until,
            allow_large=args.allow_large,
            workers=args.workers,
            scheduler=args.scheduler,
        )
    folder = write_conditioning(c, args.out, command, started, plots=not args.no_plots)
    print(c.intervals().round(4).to_string(index=False))
    for g in c.generations:
        print(
            f"Generation {g.t}: tolerance {g.epsilon:.4g}, {g.particles} particles from "
            f"{g.simulations:,} simulations, effective sample size {g.effective:.1f}"
        )
    print(f"Before: {c.before.summary_text()}")
    print(f"After:  {c.after.summary_text()}")
    if c.held_out_text():
        print(c.held_out_text())
    print(f"Results: {folder}  (run any scenario on them with --conditioned-on {folder})")
    return 0


def uncertainty_command(args: argparse.Namespace, command: list[str]) -> int:
    """Variance of each outcome from parameters versus shocks (law of total variance)."""
    from sim.execution.uncertainty import variance_decomposition
    from sim.files import staged_folder
    from sim.results.writers import new_run_folder
    from sim.scenario.uncertain import assumption_ranges

    started = utc_now()
    scenario = _load(args.scenario, args)
    if args.default_ranges:
        declared = scenario.spec.model_dump(exclude_none=True).get("uncertain") or {}
        scenario = scenario.with_params(uncertain=assumption_ranges() | declared)
    n = len(scenario.spec.uncertain or {})
    estimate = _checked_estimate(args, scenario, args.sets * args.shocks)
    print(
        f"'{scenario.name}': {args.sets} parameter sets (of {n} uncertain parameters) x "
        f"{args.shocks} shock streams (estimate: {estimate.text()})",
        flush=True,
    )
    table = variance_decomposition(scenario, args.sets, args.shocks, args.allow_large)
    print(table.round(4).to_string(index=False))
    final = new_run_folder(args.out, scenario.name, started, f"uncertainty-{scenario.hash[:8]}")
    check_writable_folder(args.out)
    with staged_folder(final) as staging:
        table.to_csv(staging.path / "variance.csv", index=False)
    print(f"Results: {staging.final}")
    return 0


def validate_command(args: argparse.Namespace, command: list[str]) -> int:
    return validate_files(args.files)


# --- the grammar: `alliance-sim <command> ...` ----------------------------------------------


def _conditioned_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """--conditioned-on DIR, or --priors: the parameter sets the replicates start from."""
    chosen = parser.add_mutually_exclusive_group()
    _priors_option(chosen)
    chosen.add_argument(
        "--conditioned-on",
        type=Path,
        metavar="DIR",
        help="run on the accepted parameter sets of a `condition` folder (replicate r: set "
        "r mod n)",
    )
    return parser


def _priors_option[P: (argparse.ArgumentParser, argparse._MutuallyExclusiveGroup)](
    parser: P,
) -> P:
    parser.add_argument(
        "--priors",
        action="store_true",
        help="run from the priors (each parameter its value or its `uncertain:` draw) instead of "
        "the scenario's `ensemble:` (the baseline and the what-ifs: the shipped posterior, "
        "conditioned on the observed history)",
    )
    return parser


def _observations_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--observations",
        type=Path,
        required=True,
        metavar="FILE",
        help="observation file (observations/*.yaml)",
    )
    return parser


def _change_options(parser: argparse.ArgumentParser, what: str) -> argparse.ArgumentParser:
    """`--set PATH=VALUE` (repeatable) and `--from YYYY-MM`: with_params(changes, from_)."""
    parser.add_argument(
        "--set",
        dest="set_changes",
        action="append",
        type=_setting,
        default=[],
        metavar="PATH=VALUE",
        help=f"change a parameter ({what}; repeat for more), e.g. russia.commitment=0.3",
    )
    parser.add_argument(
        "--from",
        dest="from_",
        type=_month,
        metavar="YYYY-MM",
        help="the --set changes act from this month on (after the present, the last observed "
        "month; every month before it is the scenario's own); without it they act from June 2024",
    )
    parser.add_argument(
        "--after-present",
        action="store_true",
        help="judge outcomes over the months after the present only (outcomes.window: "
        "after_present); default: the whole run from June 2024",
    )
    return parser


def _setting(text: str) -> tuple[str, float]:
    path, equals, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not equals or not path or not math.isfinite(number):
        raise argparse.ArgumentTypeError(
            f"expected PATH=NUMBER such as russia.commitment=0.3, got {text!r}"
        )
    return path, number


def _month(text: str) -> str:
    try:
        month_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, got {text!r}") from None
    return text


def _until(text: str) -> str:
    """--until: a month written YYYY-MM (compared as text with observation periods)."""
    if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, got {text!r}")
    return text


def _changed(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """The scenario with the command line's --set changes, from --from if given."""
    if args.from_ is not None and not args.set_changes:
        raise UserError("--from", None, "", "dates the --set changes: give --set PATH=VALUE")
    if args.after_present:
        scenario = _after_present(scenario)
    if not args.set_changes:
        return scenario
    try:
        return scenario.with_params(dict(args.set_changes), from_=args.from_)
    except ScenarioError as error:  # name the option, not with_params()
        option = "--from" if error.key.endswith(".from") else "--set"
        setting = error.key.partition(".set.")[2] or error.key.partition("actors.")[2]
        raise UserError(option, None, setting, error.message) from None


def _after_present(scenario: Scenario) -> Scenario:
    try:
        return scenario.with_params({"outcomes.window": "after_present"})
    except ScenarioError as error:
        raise UserError("--after-present", None, "", error.message) from None


def _run_options(parser: argparse.ArgumentParser) -> None:
    _change_options(
        _conditioned_option(_scenario_options(parser, scale=True)), "in the scenario run"
    )


def _compare_options(parser: argparse.ArgumentParser) -> None:
    _change_options(
        _priors_option(_scenario_options(parser, many=True)),
        "compared as one more scenario: the first file, changed",
    )


def _sweep_options(parser: argparse.ArgumentParser) -> None:
    _priors_option(_scenario_options(parser, scale=True))


def _validate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", type=Path, nargs="+", help="scenario YAML files")


def _hindcast_options(parser: argparse.ArgumentParser) -> None:
    _conditioned_option(_observations_option(_scenario_options(parser)))


def _condition_options(parser: argparse.ArgumentParser) -> None:
    _observations_option(_scenario_options(parser))
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="local worker processes for the runs (default 1; the results are the same)",
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="address of a Dask distributed scheduler"
    )
    parser.add_argument(
        "--draws", type=_replicates, default=2000, metavar="N", help="prior draws (2000)"
    )
    parser.add_argument("--accept", type=float, default=0.1, metavar="A", help="share kept (0.1)")
    parser.add_argument(
        "--method",
        choices=("rejection", "smc"),
        default="rejection",
        help="rejection (--draws, --accept) or smc: pyabc's ABC-SMC (--population, "
        "--generations; needs the 'smc' extra)",
    )
    parser.add_argument(
        "--population", type=_replicates, default=200, metavar="N", help="SMC particles (200)"
    )
    parser.add_argument(
        "--generations", type=_replicates, default=5, metavar="G", help="SMC generations (5)"
    )
    parser.add_argument(
        "--until",
        type=_until,
        metavar="YYYY-MM",
        help="condition only on observations whose period ends by this month and score the "
        "later ones (values and events) out of sample",
    )


def _uncertainty_options(parser: argparse.ArgumentParser) -> None:
    _scenario_options(parser)
    parser.add_argument(
        "--sets", type=_replicates, default=40, metavar="M", help="parameter sets M (40)"
    )
    parser.add_argument(
        "--shocks", type=_replicates, default=20, metavar="K", help="shock streams K (20)"
    )
    parser.add_argument(
        "--default-ranges",
        action="store_true",
        help="add default ranges for every judgement parameter the file does not declare",
    )


@dataclass(frozen=True)
class Command:
    """A subcommand: what it does in one line, the options it takes, the function it runs."""

    summary: str
    options: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace, list[str]], int]


COMMANDS = {
    "run": Command("Run a scenario and write its results.", _run_options, run_command),
    "compare": Command(
        "Run scenarios on the same seed and compare them.", _compare_options, compare_command
    ),
    "sweep": Command("Run a scenario's sweep block and analyse it.", _sweep_options, sweep_command),
    "validate": Command(
        "Check scenario files without running.", _validate_options, validate_command
    ),
    "hindcast": Command(
        "Run a scenario and score it against observed values.", _hindcast_options, hindcast_command
    ),
    "condition": Command(
        "Fit a scenario's uncertain parameters to observations (ABC).",
        _condition_options,
        condition_command,
    ),
    "uncertainty": Command(
        "Split each outcome's variance into parameters and shocks.",
        _uncertainty_options,
        uncertainty_command,
    ),
}
EXPLORE = "Serve the what-if explorer as a local web page."
"""`explore` has its own parser (sim.explore.serve.main); the grammar only lists it."""

DESCRIPTION = "Scenarios of the 2024 Russia-DPRK pact, run as an agent-based model."
EPILOG = f"""\
`{PROG} <command> --help` shows a command's options and an example.
`{PROG} SCENARIO.yaml` is `{PROG} run SCENARIO.yaml`; `python run.py ...` and
`python -m sim ...` take the same commands as `{PROG} ...`."""


class _CommandList(argparse.RawDescriptionHelpFormatter):
    """The top-level help: the commands one line each, without argparse's `{run,...}` line."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(choice) for choice in action._get_subactions())
        return super()._format_action(action)


def grammar() -> tuple[Parser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser (its help lists the commands) and each command's parser."""
    parser = Parser(
        prog=PROG,
        usage=f"{PROG} <command> [options]",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_CommandList,
    )
    commands = parser.add_subparsers(
        title="commands", metavar="<command>", prog=PROG, parser_class=Parser
    )
    for name, command in COMMANDS.items():
        command.options(
            commands.add_parser(
                name,
                help=command.summary,
                description=command.summary,
                epilog=EXAMPLES[name],
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    commands.add_parser("explore", help=EXPLORE, add_help=False)
    return parser, commands.choices


def _command_of(argv: list[str]) -> tuple[str, list[str]] | None:
    """The command argv names and its arguments: `alliance-sim X.yaml ...` (a scenario file or
    an option first) is `alliance-sim run X.yaml ...`. None, with one error line naming the
    closest command, for an unknown word."""
    word = argv[0]
    if word in COMMANDS:
        return word, argv[1:]
    if word.startswith("-") or _names_a_file(word):
        return "run", argv
    known = [*COMMANDS, "explore"]
    closest = difflib.get_close_matches(word, known, n=1)
    hint = f"did you mean {closest[0]!r}?" if closest else f"expected one of {', '.join(known)}"
    print(f"error: unknown command {_printable(repr(word))}; {hint}", file=sys.stderr)
    return None


def _names_a_file(word: str) -> bool:
    path = Path(word)
    return path.suffix.lower() in (".yaml", ".yml") or len(path.parts) > 1 or path.exists()


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None, prog: str = "run.py") -> int:
    """Run the command argv names; `prog` is how it was started, as the manifest records it."""
    argv = sys.argv[1:] if argv is None else argv
    command = [*(["python", prog] if prog.endswith(".py") else [prog]), *argv]
    if argv[:1] == ["explore"]:
        from sim.explore.serve import main as explore

        return explore(argv[1:], prog=f"{PROG} explore")
    parser, parsers = grammar()
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    chosen = _command_of(argv)
    if chosen is None:
        return 2
    name, arguments = chosen
    args = parsers[name].parse_args(arguments)
    previous = _catch_signals()
    try:
        status = COMMANDS[name].handler(args, command)
        sys.stdout.flush()  # a reader gone (`| head`) shows here, not in Python's exit
        return status
    except UserError as error:
        print(_error_line(error), file=sys.stderr)
        return 2
    except (Interrupted, KeyboardInterrupt) as stop:
        return _stopped(stop)
    except Exception as error:  # a bug or the machine (disk full ...): one line, no traceback
        if isinstance(error, BrokenPipeError) and _reader_gone(sys.stdout):
            return _quietly_cut_off()
        if os.environ.get("SIM_DEBUG"):
            raise
        print(
            f"error: {type(error).__name__}: {_printable(' '.join(str(error).splitlines()))[:500]}"
            " (unexpected; SIM_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        _restore_signals(previous)
        forget_stop_request()


SIGPIPE_STATUS = 128 + 13
"""Exit status when the reader of the output went away (`| head`), as a shell's tools give."""


def _reader_gone(stream: Any) -> bool:
    """Has the reader of this pipe closed its end (the write end then polls as an error)?"""
    try:
        poller = select.poll()
        poller.register(stream.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # not a file, or closed: say what it was
        return False


def _quietly_cut_off() -> int:
    """The output's reader left (`alliance-sim run ... | head`): stop without a message, as
    command-line tools do, and keep Python from reporting the unflushed rest at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return SIGPIPE_STATUS


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
INTERRUPTED = tuple(128 + number for number in STOP_SIGNALS)
"""Exit statuses of a run stopped by a signal: 130 (SIGINT), 143 (SIGTERM)."""


def _raise_interrupted(signal_number: int, _frame: Any) -> None:
    for number in STOP_SIGNALS:  # the clean-up that follows runs undisturbed
        signal.signal(number, signal.SIG_IGN)
    raise stop_requested(signal_number, signal.Signals(signal_number).name)


def _catch_signals() -> tuple[dict[int, Any], Any]:
    """SIGINT and SIGTERM raise Interrupted in the main thread (the job then stops its
    workers and marks its folder); returns the handlers and the unraisable-exception hook to
    restore. Where Python drops the handler's exception (a weakref callback, a __del__), it
    is raised again further on (sim.errors.raise_if_stop_requested), so Python's 'Exception
    ignored' report of it is kept off stderr: the command's one line says what happened."""
    if threading.current_thread() is not threading.main_thread():
        return {}, sys.unraisablehook
    hook = sys.unraisablehook

    def unless_a_dropped_stop(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):
            hook(unraisable)

    sys.unraisablehook = unless_a_dropped_stop
    return {number: signal.signal(number, _raise_interrupted) for number in STOP_SIGNALS}, hook


def _restore_signals(previous: tuple[dict[int, Any], Any]) -> None:
    handlers, sys.unraisablehook = previous
    for number, handler in handlers.items():
        signal.signal(number, handler)


def _stopped(stop: BaseException) -> int:
    """One line saying what was stopped and how to continue; exit status 128 + signal."""
    if not isinstance(stop, Interrupted):
        stop = Interrupted(signal.SIGINT, "SIGINT")
    if stop.folder:
        print(
            _printable(
                f"interrupted ({stop.name}): the job in {stop.folder} is marked interrupted; "
                f"continue it with: {stop.resume}"
            ),
            file=sys.stderr,
        )
    else:
        print(f"interrupted ({stop.name}): nothing was written", file=sys.stderr)
    sys.stderr.flush()
    return stop.status
