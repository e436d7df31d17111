"""The data file: every number has a source and a year, and the model starts from it."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import load_scenario, run
from sim.actors import ACTORS
from sim.scenario.data import DATA_FILE, SAFE_LOADER, load_data
from sim.scenario.parameters import MECHANISMS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_every_number_in_the_data_file_has_a_source_a_year_and_a_unit():
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    for section, entries in raw.items():
        for key, entry in entries.items():
            where = f"{section}.{key}"
            assert set(entry) <= {"value", "unit", "year", "source", "note"}, where
            assert isinstance(entry["value"], int | float), where
            assert isinstance(entry["year"], int) and 2000 <= entry["year"] <= 2026, where
            assert len(entry["source"]) > 10 and entry["unit"], where


def test_dprk_figures_are_flagged_as_estimates():
    data = load_data()
    for section in ("military_spending", "gdp", "gdp_growth"):
        assert "ESTIMATE" in data[section]["dprk"].note


@pytest.fixture(scope="module")
def baseline():
    return run(load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=3), progress=False)


def test_the_run_starts_from_the_2024_data(baseline):
    data = load_data()
    start = baseline.arrays["spending"][0, 0]
    np.testing.assert_allclose(start, [data["military_spending"][a].value for a in ACTORS])
    assert baseline.series("munitions")[0, 0] == data["transfers"]["munitions_rounds"].value
    energy = data["energy"]
    assert baseline.series("energy_supply")[0, 0] == pytest.approx(
        energy["non_russian_supply"].value
        + energy["china_crude"].value
        + data["transfers"]["oil_to_dprk"].value
    )
    assert str(baseline.dates[0].date()) == "2024-06-01"


def test_budgets_follow_their_plans_when_nothing_departs_from_2024():
    """With only the budget plans and the arms build-up on and no noise, each budget grows at
    its planned real rate (plan_growth) for its plan_years, else at its economy's trend."""
    changes = {f"mechanisms.{m}": m in ("arms_buildup", "budget_plans") for m in MECHANISMS}
    changes |= {f"{a}.spending_noise": 0.0 for a in ACTORS}
    scenario = load_scenario(SCENARIOS / "pact_as_signed.yaml").with_params(
        changes, replicates=1, horizon_months=12
    )
    spending = run(scenario, progress=False).arrays["spending"][:, 0]
    data = load_data()
    plans = {a: scenario.param(a, "plan_growth") for a in ACTORS}
    years = {a: scenario.param(a, "plan_years") for a in ACTORS}
    trend = {a: data["gdp_growth"][a].value for a in ACTORS}
    for i, actor in enumerate(ACTORS):
        plan, within = plans[actor], min(1.0, years[actor])
        rate = trend[actor] if plan is None else plan
        expected = (1 + rate) ** within * (1 + trend[actor]) ** (1.0 - within)
        assert spending[12, i] / spending[0, i] == pytest.approx(expected, rel=1e-9), actor
    assert plans["japan"] > trend["japan"] and plans["usa"] is None


def test_the_data_file_reads_the_same_through_libyaml_and_pyyaml():
    text = DATA_FILE.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=SAFE_LOADER) == yaml.safe_load(text)
