"""Every shipped what-if of the baseline, run on common random numbers, as one Markdown page:
each outcome's share with its 95 % Wilson interval, the continuous measures with their 95 %
intervals, and each what-if's paired difference to the baseline in the main series.

    python -m sim.results.scenario_table [--replicates 400] [--seed 11]
        [--out docs/outcomes_by_scenario.md] [--counterfactual]

The what-ifs are the baseline and the scenario files that extend it directly
(`extends: baseline.yaml`): those in scenarios/ branch from the present and their outcomes
are judged over the future after it (outcomes.window: after_present); with
--counterfactual, those in scenarios/counterfactual/, which rewrite the observed history,
judged over the whole run from June 2024. All run with the same seed and replicate ids, so
replicate r of each sees the same shocks and a difference between two scenarios' replicate r
is the scenario's effect on that future (paired comparison).
"""

import argparse
import datetime as dt
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.errors import UserError
from sim.model.model import AllianceModel
from sim.model.recording import SERIES_BY_NAME
from sim.results.comparison import paired_difference_interval
from sim.results.forced import forced_outcomes
from sim.results.outcomes import Z95, wilson_interval
from sim.results.run_result import RunResult
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.scenario import Scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASELINE = "baseline.yaml"
COUNTERFACTUALS = SCENARIOS / "counterfactual"
"""The June 2024 counterfactuals: the same what-ifs, rewriting the observed history."""
WINDOW_MONTHS = 60
"""The main series are compared as their mean over the last five years of a run."""

MAIN_SERIES: tuple[tuple[str, str | None], ...] = (
    *(("spending", actor) for actor in SERIES_BY_NAME["spending"].columns),
    ("peninsula_tension", None),
    ("isolation_index", None),
    ("lifeline_index", None),
    ("dprk_revenue", None),
    ("munitions", None),
    ("commitment", "dprk"),
    ("commitment", "russia"),
    ("support", "russia"),
)
"""(series, column) compared against the baseline."""


@dataclass(frozen=True)
class ScenarioRun:
    """What the page needs of one scenario's run: its outcome table (one row per replicate),
    the window means of the main series (one value per replicate) and its forced outcomes."""

    name: str
    months: int
    outcomes: pd.DataFrame
    window_means: dict[str, np.ndarray]
    forced: frozenset[str]
    outcome_window: str = ""


def what_ifs(folder: Path = SCENARIOS, baseline: Path | None = None) -> list[Path]:
    """The baseline (`folder`'s baseline.yaml unless given), then the scenario files in
    `folder` extending it directly, by name."""
    baseline = baseline or folder / BASELINE
    found = [p for p in sorted(folder.glob("*.yaml")) if _extends(p, baseline)]
    return [baseline, *found]


def _extends(path: Path, baseline: Path) -> bool:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise UserError(path, line, "", "not a valid YAML file") from None
    target = doc.get("extends") if isinstance(doc, dict) else None
    return isinstance(target, str) and (path.parent / target).resolve() == baseline.resolve()


def series_label(series: str, column: str | None) -> str:
    return f"{series}.{column}" if column else series


def summarise(result: RunResult) -> ScenarioRun:
    """Keep a run's outcomes and the last WINDOW_MONTHS months' mean of each main series."""
    window = min(WINDOW_MONTHS, result.arrays["spending"].shape[0])
    means = {
        series_label(series, column): result.series(series, column)[-window:].mean(axis=0)
        for series, column in MAIN_SERIES
    }
    return ScenarioRun(
        result.scenario.name,
        result.scenario.spec.horizon_months,
        result.outcomes,
        means,
        frozenset(forced_outcomes(result.scenario)),
        result.scenario.outcome_window,
    )


def run_scenario(scenario: Scenario) -> RunResult:
    """Run a scenario to its horizon (sim.execution.runner.run, without its progress bar and
    memory check: the results layer may not import the execution layer)."""
    model = AllianceModel(scenario)
    while model.running:
        model.step()
    return RunResult(scenario, model.replicate_ids, model.release())


def run_all(
    paths: Sequence[Path],
    replicates: int,
    seed: int,
    horizon_months: int | None = None,
    window: str = "after_present",
) -> list[ScenarioRun]:
    """Run each scenario with the same seed, replicates, horizon (the first scenario's
    unless given) and outcome window (outcomes.window), keeping only what the page needs."""
    scenarios = [load_scenario(path) for path in paths]
    months = horizon_months or scenarios[0].spec.horizon_months
    top = {"replicates": replicates, "seed": seed, "horizon_months": months}
    changes = {"outcomes.window": window}
    return [summarise(run_scenario(s.with_params(changes, **top))) for s in scenarios]


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95 % normal interval (z x standard error); NaNs are dropped."""
    values = values[~np.isnan(values)]
    if len(values) < 2:
        mean = float(values.mean()) if len(values) else float("nan")
        return mean, float("nan"), float("nan")
    mean = float(values.mean())
    half = float(Z95 * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def share_rows(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    """scenario, outcome, share, ci_low, ci_high (95 % Wilson), forced."""
    rows = []
    for run in runs:
        n = len(run.outcomes)
        for outcome in OUTCOMES:
            hits = int(run.outcomes[outcome].sum())
            low, high = wilson_interval(hits, n)
            rows.append(
                {
                    "scenario": run.name,
                    "outcome": outcome,
                    "share": hits / n,
                    "ci_low": low,
                    "ci_high": high,
                    "forced": outcome in run.forced,
                }
            )
    return pd.DataFrame(rows)


def outcome_difference_rows(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    """scenario, outcome, difference, ci_low, ci_high, forced: each scenario's share minus the
    first's (the baseline's), with the 95 % interval for paired binary data (Newcombe 1998,
    sim.results.comparison.paired_difference_interval)."""
    base = runs[0]
    rows = []
    for run in runs:
        for outcome in OUTCOMES:
            ours = run.outcomes[outcome].to_numpy(bool)
            theirs = base.outcomes[outcome].to_numpy(bool)
            cells = (ours & theirs, ours & ~theirs, ~ours & theirs, ~ours & ~theirs)
            low, high = paired_difference_interval(*(int(c.sum()) for c in cells))
            rows.append(
                {
                    "scenario": run.name,
                    "outcome": outcome,
                    "difference": ours.mean() - theirs.mean(),
                    "ci_low": low,
                    "ci_high": high,
                    "forced": outcome in run.forced,
                }
            )
    return pd.DataFrame(rows)


def continuous_measures(outcomes: pd.DataFrame) -> list[str]:
    """The continuous measures of an outcome table shown on the page."""
    pairs = [c for c in outcomes.columns if c.startswith("real_growth_")]
    return ["regional_spending_growth", *pairs, "final_isolation_index", "final_lifeline_index"]


def measure_rows(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    """scenario, measure, mean, ci_low, ci_high (95 % interval of the mean)."""
    rows = []
    for run in runs:
        for measure in continuous_measures(run.outcomes):
            mean, low, high = mean_interval(run.outcomes[measure].to_numpy(float))
            rows.append(
                {
                    "scenario": run.name,
                    "measure": measure,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def difference_rows(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    """scenario, series, mean_difference, ci_low, ci_high: each scenario's window mean minus
    the first's (the baseline's), replicate by replicate, with the 95 % interval of the
    paired mean difference. The first scenario's own rows are its difference to itself."""
    base = runs[0]
    rows = []
    for run in runs:
        for label, values in run.window_means.items():
            mean, low, high = mean_interval(values - base.window_means[label])
            rows.append(
                {
                    "scenario": run.name,
                    "series": label,
                    "mean_difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def _wide(table: pd.DataFrame, row: str, cells: list[str], order: list[str]) -> str:
    """A Markdown table: one row per `row` value, one column per scenario (in `order`)."""
    wide = table.assign(cell=cells).pivot(index=row, columns="scenario", values="cell")
    wide = wide.loc[list(dict.fromkeys(table[row])), order]
    lines = [
        f"| {row} | " + " | ".join(order) + " |",
        "|" + "---|" * (len(order) + 1),
    ]
    lines += [f"| `{name}` | " + " | ".join(values) + " |" for name, values in wide.iterrows()]
    return "\n".join(lines)


def _percent(share: float, low: float, high: float) -> str:
    return f"{share * 100:.1f} ({low * 100:.1f}-{high * 100:.1f})"


def _measure(measure: str, mean: float, low: float, high: float) -> str:
    if measure.startswith(("regional_", "real_growth_")):
        return f"{mean * 100:+.2f} % ({low * 100:+.2f} to {high * 100:+.2f})"
    return f"{mean:.3f} ({low:.3f}-{high:.3f})"


def _signed(value: float) -> str:
    """Three decimals, or two significant digits for a value too small to show in them."""
    return f"{value:+.3f}" if value == 0 or abs(value) >= 0.0005 else f"{value:+.1e}"


def _bold_beyond_error(text: str, low: float, high: float) -> str:
    """Bold when the interval (low, high) excludes 0."""
    return f"**{text}**" if low > 0 or high < 0 else text


def _points(difference: float, low: float, high: float, forced: bool) -> str:
    text = f"{difference * 100:+.1f} ({low * 100:+.1f} to {high * 100:+.1f})"
    return f"{text} forced" if forced else _bold_beyond_error(text, low, high)


def _difference(mean: float, low: float, high: float) -> str:
    text = f"{_signed(mean)} ({_signed(low)} to {_signed(high)})"
    return _bold_beyond_error(text, low, high)


def markdown(runs: Sequence[ScenarioRun], header: str) -> str:
    """The page: header, then the outcome, measure and paired-difference tables."""
    order = [run.name for run in runs]
    shares = share_rows(runs)
    share_cells = [
        _percent(r.share, r.ci_low, r.ci_high) + (" forced" if r.forced else "")
        for r in shares.itertuples()
    ]
    outcome_differences = outcome_difference_rows(runs)
    outcome_difference_cells = [
        _points(r.difference, r.ci_low, r.ci_high, r.forced)
        for r in outcome_differences.itertuples()
    ]
    measures = measure_rows(runs)
    measure_cells = [
        _measure(r.measure, r.mean, r.ci_low, r.ci_high) for r in measures.itertuples()
    ]
    differences = difference_rows(runs)
    difference_cells = [
        _difference(r.mean_difference, r.ci_low, r.ci_high) for r in differences.itertuples()
    ]
    units = "; ".join(
        f"{series_label(s, c)}: {SERIES_BY_NAME[s].unit}"
        for s, c in dict.fromkeys((s, None) for s, _ in MAIN_SERIES)
    )
    return "\n\n".join(
        [
            header,
            "## Outcomes: share of futures, % (95 % Wilson interval)\n\n"
            "`forced`: the scenario's own events make the outcome certain (it is an "
            "input, not a finding). Definitions: sim/scenario/outcome_settings.py (OUTCOMES).",
            _wide(shares, "outcome", share_cells, order),
            "## Outcomes: paired difference to the baseline, percentage points (95 % interval)"
            "\n\nScenario minus baseline, future by future (Newcombe 1998, method 10). **Bold**:"
            " the interval excludes 0 (beyond Monte Carlo error); forced outcomes are never bold.",
            _wide(outcome_differences, "outcome", outcome_difference_cells, order),
            "## Continuous measures: mean (95 % interval of the mean)\n\n"
            "Growth: compound annual real growth of the actors' combined spending over the "
            "run's whole years (constant 2024 US$). Indices: bloc's isolation and lifeline "
            "(2024 = 1), mean of the final window (outcomes.final_window_months, 12 by default).",
            _wide(measures, "measure", measure_cells, order),
            f"## Paired differences to the baseline: mean over the last {WINDOW_MONTHS // 12} "
            "years, scenario minus baseline (95 % interval of the paired mean difference)\n\n"
            "Same replicate ids and seed in every scenario, so each difference is taken "
            "future by future. **Bold**: the interval excludes 0 (beyond Monte Carlo "
            f"error). Units: {units}.",
            _wide(differences, "series", difference_cells, order),
        ]
    )


def header(
    replicates: int, seed: int, out: Path, months: int, options: str = "", window: str = ""
) -> str:
    """The page's header: the command that made it (with any `options` beyond replicates, seed
    and out), seed, replicates, horizon, the outcomes' window, date and machine."""
    command = f"python -m sim.results.scenario_table --replicates {replicates} --seed {seed}"
    command += f" --out {out}{options}"
    machine = f"{platform.node()} ({platform.platform()}, {os.cpu_count()} CPUs)"
    return "\n".join(
        [
            "# Outcomes by scenario",
            "",
            "<!-- Generated tables: `make docs-results` (sim/docgen.py) rewrites them with the "
            "command below; hand-written notes go after the END OF GENERATED TABLES line. -->",
            "",
            f"- Command: `{command}`",
            f"- Seed {seed}, {replicates} replicates (ids 0-{replicates - 1} in every "
            f"scenario), horizon {months} months from June 2024",
            *([f"- Outcomes judged over {window}"] if window else []),
            f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine}",
        ]
    )


GENERATED_END = "<!-- END OF GENERATED TABLES -->"
"""The line after which the page's hand-written notes start; rewriting keeps them."""


def write_page(path: Path, generated: str) -> None:
    """Write the generated part of the page, keeping any hand-written part after GENERATED_END."""
    notes = ""
    if path.exists():
        _, found, rest = path.read_text(encoding="utf-8").partition(GENERATED_END)
        notes = rest if found else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{generated}\n\n{GENERATED_END}{notes or chr(10)}", encoding="utf-8")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.results.scenario_table", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--replicates", type=positive, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=Path("docs/outcomes_by_scenario.md"))
    parser.add_argument(
        "--counterfactual",
        action="store_true",
        help="the June 2024 counterfactuals (scenarios/counterfactual/), judged over the "
        "whole run, instead of the what-ifs from the present",
    )
    parser.add_argument("--scenarios", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--only", type=positive, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--horizon-months", type=positive, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.counterfactual:
            paths = what_ifs(args.scenarios or COUNTERFACTUALS, SCENARIOS / BASELINE)
        else:
            paths = what_ifs(args.scenarios or SCENARIOS)
        window = "whole_run" if args.counterfactual else "after_present"
        runs = run_all(paths[: args.only], args.replicates, args.seed, args.horizon_months, window)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    options = "".join(
        f" --{flag} {value}"
        for flag, value in (("only", args.only), ("horizon-months", args.horizon_months))
        if value is not None
    ) + (" --counterfactual" if args.counterfactual else "")
    top = header(
        args.replicates, args.seed, args.out, runs[0].months, options, runs[0].outcome_window
    )
    page = markdown(runs, top)
    write_page(args.out, page)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
