"""Fixtures several test files share."""

from collections.abc import Callable
from typing import Any

import pytest

from sim.model.model import AllianceModel
from sim.scenario.scenario import load_scenario
from tests.support import ROOT

PACT_AS_SIGNED = ROOT / "scenarios" / "pact_as_signed.yaml"
"""June 2024 and the pact as signed, without the observed history: the state the rules'
tests start from."""


@pytest.fixture(scope="session")
def started_model() -> Callable[..., AllianceModel]:
    """`started_model(replicates, months=0, changes=None)`: a model of the pact as signed,
    `months` in, made once per arguments for the whole session. Shared: copy its state
    (support.copied_state) before changing it."""
    made: dict[tuple, AllianceModel] = {}

    def make(replicates: int, months: int = 0, changes: dict[str, Any] | None = None):
        key = (replicates, months, tuple(sorted((changes or {}).items())))
        if key not in made:
            scenario = load_scenario(PACT_AS_SIGNED).with_params(
                changes or {}, replicates=replicates
            )
            model = AllianceModel(scenario)
            for _ in range(months):
                model.step()
            made[key] = model
        return made[key]

    return make


@pytest.fixture(scope="session")
def small_comparison() -> Callable[..., Any]:
    """`small_comparison(names, replicates=4, months=36)`: the scenarios/<name>.yaml files
    compared on a few replicates over a short horizon (enough to draw every figure), made
    once per arguments for the whole session."""
    from sim.execution.compare import compare

    made: dict[tuple, Any] = {}

    def make(names: tuple[str, ...], replicates: int = 4, months: int = 36):
        key = (tuple(names), replicates, months)
        if key not in made:
            scenarios = [
                load_scenario(ROOT / "scenarios" / f"{name}.yaml").with_params(
                    {}, horizon_months=months
                )
                for name in names
            ]
            made[key] = compare(scenarios, replicates=replicates, progress=False)
        return made[key]

    return make
