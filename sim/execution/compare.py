"""Comparing scenarios: run each on the same seed, replicates and horizon (common random
numbers); the result is a sim.results.comparison.Comparison."""

from collections.abc import Sequence

from sim.errors import ScenarioError, UserError
from sim.execution import budget
from sim.execution.runner import as_scenario, run, whole_number
from sim.results.comparison import Comparison
from sim.scenario.scenario import Scenario


def compare(
    scenarios: Sequence[Scenario],
    replicates: int | None = None,
    seed: int | None = None,
    progress: bool | None = None,
    allow_large: bool = False,
) -> Comparison:
    """Run each scenario (or scenario file) with the same seed and replicates (the first
    scenario's by default). Two or more are needed; a comparison whose runs would not fit in
    the memory budget is refused (sim.execution.budget) unless allow_large."""
    if isinstance(scenarios, str | bytes) or not isinstance(scenarios, Sequence):
        raise TypeError(
            "compare() expects a list of Scenarios or scenario files, "
            f"got {type(scenarios).__name__}"
        )
    if len(scenarios) < 2:
        raise UserError(
            "compare()", None, "", "give two or more scenarios to compare (run one with run())"
        )
    scenarios = [as_scenario(s, "compare") for s in scenarios]
    replicates = whole_number(replicates, "replicates", "compare")
    seed = whole_number(seed, "seed", "compare")
    first = scenarios[0].spec
    horizons = {s.spec.horizon_months for s in scenarios}
    if len(horizons) > 1:
        names = ", ".join(f"{s.name}: {s.spec.horizon_months}" for s in scenarios)
        raise ScenarioError(
            scenarios[-1].path or scenarios[-1].name,
            None,
            "horizon_months",
            f"scenarios compared must share their horizon ({names})",
        )
    replicates = replicates if replicates is not None else first.replicates
    seed = seed if seed is not None else first.seed
    budget.check(comparison_estimate(scenarios, replicates), allow_large, "compare()")
    return Comparison(
        [
            run(s, replicates=replicates, seed=seed, progress=progress, allow_large=allow_large)
            for s in scenarios
        ]
    )


def comparison_estimate(
    scenarios: Sequence[Scenario], replicates: int | None = None
) -> budget.Estimate:
    """The job of comparing `scenarios`, `replicates` runs each (the first scenario's by
    default): every run's series held in memory together, not written as a table."""
    first = scenarios[0].spec
    runs = (replicates if replicates is not None else first.replicates) * len(scenarios)
    substeps = max(s.spec.substeps for s in scenarios)
    return budget.parameter_sets_estimate(runs, first.horizon_months, substeps)
