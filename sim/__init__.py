"""alliance-sim: the regional effects of the 2024 Russia-DPRK pact, as an agent-based model.

In a notebook:

    from sim import load_scenario, run, dashboard
    scenario = load_scenario("scenarios/baseline.yaml").with_params({"russia.commitment": 0.3})
    result = run(scenario, replicates=500)
    result.summary()          # outcome shares with 95 % intervals
    dashboard(result)         # the plots run.py writes
"""

from sim.model import AllianceModel
from sim.outcome_settings import OutcomeSettings
from sim.plots import dashboard, fan_charts, outcome_shares
from sim.results import RunResult, series_catalog
from sim.runner import run
from sim.scenario import Scenario, load_scenario
from sim.yaml_source import ScenarioError

__all__ = [
    "AllianceModel",
    "OutcomeSettings",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "dashboard",
    "fan_charts",
    "load_scenario",
    "outcome_shares",
    "run",
    "series_catalog",
]
