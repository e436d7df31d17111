"""Hindcast: run a scenario and score it against observed values (sim.results.hindcast)."""

from pathlib import Path

from sim.execution.runner import run
from sim.results.hindcast import Hindcast, read_observation_file
from sim.scenario.observations import Observation
from sim.scenario.scenario import Scenario


def hindcast(
    scenario: Scenario,
    observations: str | Path | list[Observation],
    replicates: int | None = None,
    seed: int | None = None,
    progress: bool | None = False,
    allow_large: bool = False,
) -> Hindcast:
    """Run `scenario` and score it against `observations` (an observation file, or a list).

        from sim import load_scenario, hindcast
        h = hindcast(load_scenario("scenarios/history.yaml"), "observations/history.yaml")
        h.table             # one row per observation: observed, q10/q50/q90, PIT, CRPS
        print(h.summary_text())   # 80 % band coverage k of n, mean CRPS
        hindcast_plot(h)    # fans of the observed series with the observations

    replicates / seed override the scenario's. A file is checked against the run's horizon
    (ObservationError on a bad entry). A run beyond the resource budget is refused
    (sim.execution.budget) unless allow_large.
    """
    scenario = scenario.with_overrides(replicates=replicates, seed=seed)
    if isinstance(observations, str | Path):
        file = read_observation_file(observations, scenario.spec.horizon_months)
        result = run(scenario, progress=progress, allow_large=allow_large)
        return Hindcast.of_file(result, file)
    return Hindcast(run(scenario, progress=progress, allow_large=allow_large), list(observations))
