"""Enacted budgets are data: in their years spending is what was enacted, exactly, in every
replicate; after the last one the budget grows on from it without a jump; they bind only runs
of the real past (not a counterfactual, not years after a change began); a gap in the years
is refused with the file, line and key."""

from pathlib import Path

import numpy as np
import pytest

from sim.actors import INDEX
from sim.calendar import month_of
from sim.errors import ScenarioError
from sim.execution.runner import run
from sim.scenario.initial import initial_state
from sim.scenario.scenario import load_scenario

JAPAN_2025, JAPAN_2026, ROK_2025 = 0.06, 0.09, -0.01


def _scenario(tmp_path: Path, years: str, extra: str = "") -> Path:
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
        f"{extra}"
    )
    return path


JAPAN_YEARS = (
    f"      - {{year: 2025, real_growth: {JAPAN_2025}, source: test}}\n"
    f"      - {{year: 2026, real_growth: {JAPAN_2026}, source: test}}\n"
)


@pytest.fixture(scope="module")
def spending(tmp_path_factory) -> np.ndarray:
    """Spending (months + 1, R, N) of the pact as signed with enacted budgets for Japan
    (2025, 2026) and South Korea (2025)."""
    path = _scenario(tmp_path_factory.mktemp("enacted"), JAPAN_YEARS)
    return run(load_scenario(path), progress=False).arrays["spending"]


def _year(spending: np.ndarray, year: int, actor: str) -> np.ndarray:
    months = [month_of(f"{year}-{m:02d}") for m in range(1, 13)]
    return spending[months, :, INDEX[actor]]


def test_spending_is_the_enacted_budget_in_every_month_of_its_year(spending):
    start = spending[0, :, INDEX["japan"]]
    assert np.allclose(_year(spending, 2025, "japan"), start * (1 + JAPAN_2025), rtol=1e-12)
    both = start * (1 + JAPAN_2025) * (1 + JAPAN_2026)
    assert np.allclose(_year(spending, 2026, "japan"), both, rtol=1e-12)
    rok = spending[0, :, INDEX["rok"]] * (1 + ROK_2025)
    assert np.allclose(_year(spending, 2025, "rok"), rok, rtol=1e-12)


def test_after_the_last_enacted_year_the_budget_grows_on_without_a_jump(spending):
    for actor, last in (("japan", 2026), ("rok", 2025)):
        december = spending[month_of(f"{last}-12"), :, INDEX[actor]]
        january = spending[month_of(f"{last + 1}-01"), :, INDEX[actor]]
        assert np.all(np.abs(january / december - 1) < 0.03)  # a month's shock, no step
        # and the year after grows at about its plan, not back to the 2024 course
        after = _year(spending, last + 1, actor).mean(axis=0)
        assert np.all(after > 0.97 * december)


def test_actors_without_enacted_budgets_keep_their_shocks(spending):
    china = _year(spending, 2025, "china")
    assert np.all(np.ptp(china, axis=0) > 0)  # its months differ in each replicate: shocks act


def test_a_gap_in_the_enacted_years_is_refused_with_its_line(tmp_path):
    gap = (
        f"      - {{year: 2025, real_growth: {JAPAN_2025}, source: test}}\n"
        f"      - {{year: 2027, real_growth: {JAPAN_2026}, source: test}}\n"
    )
    path = _scenario(tmp_path, gap)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "enacted.yaml:9" in message
    assert "actors.japan.enacted_budgets[1].year" in message
    assert "expected 2026" in message and "got 2027" in message


def test_an_enacted_budget_needs_its_source(tmp_path):
    path = _scenario(tmp_path, "      - {year: 2025, real_growth: 0.05}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "source" in str(caught.value)


def _years_binding(path: Path, **top) -> int:
    return initial_state(load_scenario(path).with_params(**top)).enacted_budgets.shape[0]


def test_enacted_budgets_bind_only_the_real_past(tmp_path):
    path = _scenario(tmp_path, JAPAN_YEARS)
    assert _years_binding(path) == 2
    assert _years_binding(path, counterfactual=True) == 0  # a different past decides its own
    change = tmp_path / "change.yaml"
    for start, kept in (("2025-06", 1), ("2025-01", 0), ("2027-01", 2)):
        change.write_text(
            "extends: enacted.yaml\ncounterfactual: true\n"
            f"changes:\n  - {{from: {start}, set: {{usa.buildup: 0.5}}}}\n"
        )
        assert _years_binding(change) == kept, start
