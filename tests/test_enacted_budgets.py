"""Enacted budgets are data: in its year an enacted budget is the actor's budget plan, in
every replicate and month; spending is that plan plus the model's reactions and level changes
(a what-if's levers act on top of what was decided); after the last enacted year the plan
grows on from it without a jump; a gap in the years is refused with the file, line and key."""

from pathlib import Path

import numpy as np
import pytest
from support import QUIET

from sim.actors import INDEX
from sim.calendar import month_of
from sim.errors import ScenarioError
from sim.execution.runner import run
from sim.scenario.scenario import load_scenario

JAPAN_2025, JAPAN_2026, ROK_2025 = 0.06, 0.09, -0.01
JAPAN_YEARS = (
    f"      - {{year: 2025, real_growth: {JAPAN_2025}, source: test}}\n"
    f"      - {{year: 2026, real_growth: {JAPAN_2026}, source: test}}\n"
)


def _scenario(tmp_path: Path, years: str) -> Path:
    path = tmp_path / "enacted.yaml"
    path.write_text(
        "extends: alliance-sim:pact_as_signed.yaml\n"
        "name: enacted\n"
        "replicates: 12\n"
        "horizon_months: 48\n"
        "actors:\n"
        "  japan:\n"
        "    enacted_budgets:\n"
        f"{years}"
        "  rok:\n"
        "    enacted_budgets:\n"
        f"      - {{year: 2025, real_growth: {ROK_2025}, source: test}}\n"
    )
    return path


@pytest.fixture(scope="module")
def enacted(tmp_path_factory) -> Path:
    return _scenario(tmp_path_factory.mktemp("enacted"), JAPAN_YEARS)


@pytest.fixture(scope="module")
def arrays(enacted) -> dict[str, np.ndarray]:
    """The pact as signed with enacted budgets for Japan (2025, 2026) and South Korea (2025),
    no shocks but the DPRK's provocations."""
    return run(load_scenario(enacted).with_params(QUIET), progress=False).arrays


def _year(series: np.ndarray, year: int, actor: str) -> np.ndarray:
    months = [month_of(f"{year}-{m:02d}") for m in range(1, 13)]
    return series[months, :, INDEX[actor]]


def test_the_plan_is_the_enacted_budget_in_every_month_of_its_year(arrays):
    plan, start = arrays["spending_plan"], arrays["spending"][0, :, INDEX["japan"]]
    assert np.allclose(_year(plan, 2025, "japan"), start * (1 + JAPAN_2025), rtol=1e-12)
    both = start * (1 + JAPAN_2025) * (1 + JAPAN_2026)
    assert np.allclose(_year(plan, 2026, "japan"), both, rtol=1e-12)
    rok = arrays["spending"][0, :, INDEX["rok"]] * (1 + ROK_2025)
    assert np.allclose(_year(plan, 2025, "rok"), rok, rtol=1e-12)


def test_spending_is_the_enacted_budget_give_or_take_the_models_reactions(arrays):
    spending, plan = arrays["spending"], arrays["spending_plan"]
    for year, actor in ((2025, "japan"), (2026, "japan"), (2025, "rok")):
        mean, enacted = _year(spending, year, actor).mean(0), _year(plan, year, actor)[0]
        assert np.all(np.abs(mean / enacted - 1) < 0.03), (year, actor)


def test_after_the_last_enacted_year_the_plan_grows_on_without_a_jump(arrays):
    plan = arrays["spending_plan"]
    for actor, last in (("japan", 2026), ("rok", 2025)):
        december = plan[month_of(f"{last}-12"), :, INDEX[actor]]
        january = plan[month_of(f"{last + 1}-01"), :, INDEX[actor]]
        assert np.all((january > december) & (january < 1.01 * december))  # a month's growth


def test_a_what_ifs_lever_acts_on_top_of_the_enacted_budget(enacted):
    scenario = load_scenario(enacted).with_params({**QUIET, "usa.buildup": 0.7})
    built = run(scenario, progress=False).arrays
    plain = run(load_scenario(enacted).with_params(QUIET), progress=False).arrays
    japan = INDEX["japan"]
    assert np.array_equal(built["spending_plan"][:, :, japan], plain["spending_plan"][:, :, japan])
    usa = month_of("2025-06"), slice(None), INDEX["usa"]
    assert np.all(built["spending"][usa] > plain["spending"][usa])


def test_a_gap_in_the_enacted_years_is_refused_with_its_line(tmp_path):
    gap = (
        f"      - {{year: 2025, real_growth: {JAPAN_2025}, source: test}}\n"
        f"      - {{year: 2027, real_growth: {JAPAN_2026}, source: test}}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_scenario(tmp_path, gap))
    message = str(caught.value)
    assert "enacted.yaml:9" in message
    assert "actors.japan.enacted_budgets[1].year" in message
    assert "expected 2026" in message and "got 2027" in message


def test_an_enacted_budget_needs_its_source(tmp_path):
    path = _scenario(tmp_path, "      - {year: 2025, real_growth: 0.05}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "source" in str(caught.value)


JAPAN_RANGE = (0.02, 0.06, 0.08)  # low, stated, high


@pytest.fixture(scope="module")
def ranged(tmp_path_factory) -> dict[str, np.ndarray]:
    """As `arrays`, Japan's 2025 budget given with a range, 400 replicates."""
    low, stated, high = JAPAN_RANGE
    years = f"      - {{year: 2025, real_growth: {stated}, low: {low}, high: {high}, source: t}}\n"
    path = _scenario(tmp_path_factory.mktemp("ranged"), years)
    return run(load_scenario(path).with_params(QUIET), replicates=400, progress=False).arrays


def test_a_stated_range_spreads_the_enacted_budget_over_it_as_a_triangle(ranged):
    low, stated, high = JAPAN_RANGE
    start = ranged["spending"][0, :, INDEX["japan"]]
    growth = _year(ranged["spending_plan"], 2025, "japan") / start - 1  # (12, R)
    assert np.allclose(growth, growth[0], rtol=1e-12)  # one draw for the whole year
    drawn = growth[0]
    assert low <= drawn.min() and drawn.max() <= high
    assert drawn.min() < low + 0.01 and drawn.max() > high - 0.01  # the range is used
    mean, se = drawn.mean(), drawn.std() / np.sqrt(len(drawn))
    assert abs(mean - (low + stated + high) / 3) < 3.5 * se  # the triangle's mean
    below = np.mean(drawn < stated)  # the triangle's CDF at its mode
    assert below == pytest.approx((stated - low) / (high - low), abs=0.07)
    rok = _year(ranged["spending_plan"], 2025, "rok") / ranged["spending"][0, :, INDEX["rok"]]
    assert np.allclose(rok, 1 + ROK_2025, rtol=1e-12)  # no range: the figure as stated


@pytest.mark.parametrize(
    ("bounds", "key", "expected"),
    [
        ("low: 0.01, ", "actors.japan.enacted_budgets[0].high", "low and high together"),
        ("low: 0.07, high: 0.09, ", "actors.japan.enacted_budgets[0].low", "low <= real_growth"),
    ],
)
def test_a_range_must_come_whole_and_bracket_the_figure(tmp_path, bounds, key, expected):
    years = f"      - {{year: 2025, real_growth: {JAPAN_2025}, {bounds}source: test}}\n"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_scenario(tmp_path, years))
    message = str(caught.value)
    assert "enacted.yaml:8" in message and key in message and expected in message
