"""Comparing scenarios: run each on the same seed, replicates and horizon (common random
numbers); the result is a sim.results.comparison.Comparison."""

from collections.abc import Sequence

from sim.errors import ScenarioError
from sim.execution.runner import run
from sim.results.comparison import Comparison
from sim.scenario.scenario import Scenario


def compare(
    scenarios: Sequence[Scenario],
    replicates: int | None = None,
    seed: int | None = None,
    progress: bool | None = None,
) -> Comparison:
    """Run each scenario with the same seed and replicates (the first scenario's by default)."""
    if not scenarios:
        raise ScenarioError("<compare>", None, "", "give at least one scenario")
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
    return Comparison(
        [run(s, replicates=replicates, seed=seed, progress=progress) for s in scenarios]
    )
