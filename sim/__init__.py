"""alliance-sim: the regional effects of the 2024 Russia-DPRK pact, as an agent-based model.

In a notebook:

    from sim import load_scenario, run, dashboard
    scenario = load_scenario("scenarios/baseline.yaml").with_params({"russia.commitment": 0.3})
    result = run(scenario, replicates=500)
    result.summary()          # outcome shares with 95 % intervals
    dashboard(result)         # the plots run.py writes

    comparison = compare([scenario, load_scenario("scenarios/us_buildup.yaml")])
    comparison.outcome_wide(); compare_fans(comparison)

The package's folders are its layers, each importing only those before it (checked by
tests/test_layers.py):

    actors, calendar, errors, files, provenance   shared by all
    scenario/    what to run
    model/       the world and its actors
    results/     what follows from runs
    execution/   how runs are carried out
    plots/       figures from results
    workflows, cli, reference                     what the command line does

`import sim` loads only this file: each name below is imported on first use, so that
`run.py validate` and worker processes do not pay for the model, plots or sweeps they do
not use.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "AllianceModel": "sim.model.model",
    "Comparison": "sim.results.comparison",
    "OutcomeSettings": "sim.scenario.outcome_settings",
    "RunResult": "sim.results.run_result",
    "Scenario": "sim.scenario.scenario",
    "ScenarioError": "sim.errors",
    "SweepResult": "sim.results.sweep_result",
    "UserError": "sim.errors",
    "briefing": "sim.plots.briefing",
    "compare": "sim.execution.compare",
    "compare_differences": "sim.plots.explore",
    "compare_fans": "sim.plots.explore",
    "compare_outcomes": "sim.plots.explore",
    "dashboard": "sim.plots.runs",
    "fan_charts": "sim.plots.runs",
    "Hindcast": "sim.results.hindcast",
    "hindcast": "sim.execution.hindcast",
    "hindcast_plot": "sim.plots.hindcast",
    "load_run": "sim.results.run_folder",
    "load_scenario": "sim.scenario.scenario",
    "outcome_shares": "sim.plots.runs",
    "run": "sim.execution.runner",
    "run_sweep": "sim.workflows",
    "sensitivity_bars": "sim.plots.explore",
    "series_catalog": "sim.results.run_result",
    "sweep_heatmaps": "sim.plots.explore",
}
"""The public API: each name and the module that defines it."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
