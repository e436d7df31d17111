"""Compile and cache the month's rules once, at set-up: `python -m sim.model.warmup`.

`make run` and `make test` run it after installing, so a user's first run loads cached
machine code instead of compiling (a minute or two, once per machine, CPU target and numba
build); `make test` also runs it with NUMBA_CPU_NAME=generic for its generic-CPU golden test,
and numba keeps the two builds side by side. It does nothing when the month is cached for the
CPU numba targets; else it runs a few months of the default scenario (every parameter at its
default) with one event of every kind, for one replicate and for several (the two array
layouts the rules are compiled for), with a shared and a per-replicate parameter.
"""

import sys
import time

import numpy as np

from sim.model.mechanisms.cache import cache_folder, cached, prepare, target
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
    prepare()  # says that the rules are about to be compiled, and where they are cached
    scenario = scenario_from_json('{"name": "warmup"}')
    if cached():
        # the compiled streams (sim.model.streams) are cached beside the model, not with the
        # month: building a model compiles them if they are not
        AllianceModel(scenario.with_params(horizon_months=1), replicate_ids=np.arange(1))
        print(f"the model's rules are compiled for {target()} already ({cache_folder()})")
        return 0
    every_path(scenario)
    print(f"compiled and cached in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
