"""alliance-sim: the regional effects of the 2024 Russia-DPRK pact, as an agent-based model.

In a notebook:

    from sim import load_scenario, run, dashboard
    scenario = load_scenario("scenarios/baseline.yaml").with_params({"russia.commitment": 0.3})
    result = run(scenario, replicates=500)
    result.summary()          # outcome shares with 95 % intervals
    dashboard(result)         # the plots run.py writes

    comparison = compare([scenario, load_scenario("scenarios/us_buildup.yaml")])
    comparison.outcome_wide(); compare_fans(comparison)
"""

from sim.compare import Comparison, compare
from sim.model import AllianceModel
from sim.outcome_settings import OutcomeSettings
from sim.plots import dashboard, fan_charts, outcome_shares
from sim.plots_explore import (
    compare_differences,
    compare_fans,
    compare_outcomes,
    sensitivity_bars,
    sweep_heatmaps,
)
from sim.results import RunResult, series_catalog
from sim.run_folder import load_run
from sim.runner import run
from sim.scenario import Scenario, load_scenario
from sim.sweep import SweepResult, run_sweep
from sim.yaml_source import ScenarioError

__all__ = [
    "AllianceModel",
    "Comparison",
    "OutcomeSettings",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "compare",
    "compare_differences",
    "compare_fans",
    "compare_outcomes",
    "dashboard",
    "fan_charts",
    "load_run",
    "load_scenario",
    "outcome_shares",
    "run",
    "run_sweep",
    "sensitivity_bars",
    "series_catalog",
    "sweep_heatmaps",
]
