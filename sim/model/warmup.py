"""Compile and cache the month's rules once, at set-up: `python -m sim.model.warmup`.

`make run` and `make test` run it after installing, so a user's first run loads cached
machine code instead of compiling (about 30-60 s once per machine and numba build). It runs
a few months of the default scenario (every parameter at its default) with one event of
every kind, for one replicate and for several (the two array layouts the rules are compiled
for), with a shared and a per-replicate parameter.
"""

import sys
import time

import numpy as np

from sim.model.mechanisms.compiled import cache_folder, prepare
from sim.model.model import AllianceModel
from sim.scenario.scenario import Scenario, scenario_from_json

EVENTS = [
    {"month": 1, "set": {"ukraine.intensity": 1.1}},
    {"month": 1, "trigger": "provocation"},
    {"month": 2, "trigger": "armed_clash", "between": ["dprk", "rok"]},
    {"month": 2, "trigger": "war", "between": ["russia", "japan"]},
    {"month": 3, "trigger": "leadership_change"},
]


def every_path(scenario: Scenario) -> None:
    """Run what the model can call: R = 1 and R = 3, events, a per-replicate parameter."""
    scenario = scenario.with_params(horizon_months=3, events=EVENTS)
    for replicates in (1, 3):
        model = AllianceModel(scenario, replicate_ids=np.arange(replicates))
        model.params.set_path("world.clash_hazard", np.linspace(0.9, 1.1, replicates))
        for _ in range(3):
            model.step()
        for agent in model.agents:
            agent.decide()


def main() -> int:
    started = time.perf_counter()
    prepare(say=False)
    print(f"compiling the model's rules into {cache_folder()} ...", flush=True)
    every_path(scenario_from_json('{"name": "warmup"}'))
    print(f"compiled and cached in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
