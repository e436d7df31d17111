"""Outcome functions on hand-made series with known answers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.actors import ACTORS, INDEX
from sim.results.outcomes import (
    annual_growth,
    annual_means,
    arms_race,
    de_escalation,
    isolation,
    longest_joint_run,
    regional_growth,
    wilson_interval,
)
from sim.scenario.outcome_settings import OutcomeSettings

SETTINGS = OutcomeSettings()


def monthly_path(yearly_growth: list[float], start: float = 10.0) -> np.ndarray:
    """A monthly spending rate constant within each year, growing by the given rates."""
    levels = start * np.cumprod([1.0, *(1.0 + g for g in yearly_growth)])
    return np.append(np.repeat(levels, 12), levels[-1])[:, None]  # (months + 1, 1)


def spending(rok_growth: list[float], dprk_growth: list[float]) -> np.ndarray:
    months = 12 * (len(rok_growth) + 1) + 1
    out = np.ones((months, 1, len(ACTORS)))
    out[:, :, INDEX["rok"]] = monthly_path(rok_growth)
    out[:, :, INDEX["dprk"]] = monthly_path(dprk_growth)
    return out


def test_annual_means_average_whole_years_from_june():
    path = np.arange(25.0)[:, None]
    np.testing.assert_array_equal(annual_means(path)[:, 0], [5.5, 17.5])


def test_annual_growth_recovers_the_yearly_rates():
    rates = [0.1, 0.05, -0.02]
    np.testing.assert_allclose(annual_growth(monthly_path(rates))[:, 0], rates)


@pytest.mark.parametrize(
    ("rok", "dprk", "race"),
    [
        ([0.10, 0.09, 0.12, 0.01], [0.085, 0.20, 0.09, 0.00], True),  # three years both >= 8 %
        ([0.10, 0.09, 0.01, 0.12], [0.08, 0.20, 0.09, 0.09], False),  # broken run
        ([0.10, 0.10, 0.10, 0.10], [0.07, 0.07, 0.07, 0.07], False),  # one rival too slow
        ([0.02, 0.10, 0.10, 0.10], [0.00, 0.10, 0.10, 0.10], True),  # the run may start late
    ],
)
def test_arms_race_needs_both_rivals_above_8_percent_for_3_years(rok, dprk, race):
    assert arms_race(spending(rok, dprk), "rok", "dprk", SETTINGS)[0] == race


def test_arms_race_thresholds_are_parameters():
    slow = spending([0.06] * 4, [0.06] * 4)
    assert not arms_race(slow, "rok", "dprk", SETTINGS)[0]
    assert arms_race(slow, "rok", "dprk", SETTINGS.model_copy(update={"arms_race_growth": 0.05}))[0]
    short = spending([0.1, 0.1, 0.0, 0.0], [0.1, 0.1, 0.0, 0.0])
    assert arms_race(short, "rok", "dprk", SETTINGS.model_copy(update={"arms_race_years": 2}))[0]


def test_longest_joint_run_counts_consecutive_years():
    grows = np.array([[1, 0], [1, 1], [0, 1], [1, 1]], dtype=bool)
    np.testing.assert_array_equal(longest_joint_run(grows), [2, 3])


def test_regional_growth_is_the_compound_annual_rate():
    data = spending([0.05] * 4, [0.05] * 4)
    data[:, :, INDEX["japan"]] = monthly_path([0.05] * 4)
    assert regional_growth(data)[0] == pytest.approx(0.05)


def test_isolation_holds_fails_or_never_happens():
    months = 25
    flat = np.ones((months, 1))
    cut = np.linspace(1.0, 0.6, months)[:, None]
    restored = np.linspace(1.0, 1.1, months)[:, None]
    assert [x[0] for x in isolation(cut, cut, SETTINGS)] == [True, False, False]
    assert [x[0] for x in isolation(cut, restored, SETTINGS)] == [False, True, False]
    assert [x[0] for x in isolation(flat, flat, SETTINGS)] == [False, False, True]


@given(
    index=arrays(np.float64, (30, 8), elements=st.floats(0.0, 2.0)),
    lifeline=arrays(np.float64, (30, 8), elements=st.floats(0.0, 2.0)),
)
def test_every_future_is_in_exactly_one_isolation_state(index, lifeline):
    """Held, failed and never isolated partition the futures: the three shares add to 1."""
    states = np.stack(isolation(index, lifeline, SETTINGS))
    np.testing.assert_array_equal(states.sum(axis=0), 1)


def test_de_escalation_needs_lower_tension_and_no_clash():
    tension = np.linspace(0.8, 0.4, 25)[:, None]
    assert de_escalation(tension, np.zeros((25, 1)), SETTINGS)[0]
    war_in_month_12 = (np.arange(25) >= 12).astype(float)[:, None]
    assert not de_escalation(tension, war_in_month_12, SETTINGS)[0]
    war_before_the_window = np.ones((25, 1))  # a window after the present: an earlier war
    assert de_escalation(tension, war_before_the_window, SETTINGS)[0]
    assert not de_escalation(np.full((25, 1), 0.8), np.zeros((25, 1)), SETTINGS)[0]


def test_wilson_interval_matches_the_published_formula():
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 20)[0] == 0.0


def test_no_outcome_setting_steers_the_run():
    """Reporting never steers: every `outcomes:` setting changed at once leaves every recorded
    series bit-identical (the settings judge a run; no rule reads them). Clashes are frequent
    here, so the escalation rule, once tied to the arms-race threshold, is exercised."""
    from sim.execution.runner import run
    from sim.scenario.scenario import load_scenario
    from tests.support import ROOT, same_bits

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        {"world.clash_hazard": 20.0}, horizon_months=48, replicates=40
    )
    changed = base.with_params(
        {
            "outcomes.arms_race_growth": 0.02,
            "outcomes.arms_race_years": 1,
            "outcomes.rival_pairs": [["usa", "china"]],
            "outcomes.isolation_threshold": 0.5,
            "outcomes.lifeline_restored": 0.5,
            "outcomes.final_window_months": 3,
            "outcomes.de_escalation_drop": 0.9,
        }
    )
    assert changed.spec.outcomes != base.spec.outcomes
    first, second = run(base).arrays, run(changed).arrays
    assert first.keys() == second.keys()
    assert first["wars"][-1].sum() > 0  # escalation to war happened
    for name in first:
        assert same_bits(first[name], second[name]), name


def test_a_one_sided_buildup_is_one_rival_growing_fast_while_the_pair_does_not_race():
    from sim.results.outcomes import one_sided_buildup, pair_growth

    alone = spending([0.10, 0.10, 0.10], [0.0, 0.0, 0.0])
    mutual = spending([0.10, 0.10, 0.10], [0.10, 0.10, 0.10])
    calm = spending([0.02, 0.02, 0.02], [0.02, 0.02, 0.02])
    for data, expected in ((alone, True), (mutual, False), (calm, False)):
        growth = pair_growth(data, "rok", "dprk")
        assert one_sided_buildup(*growth, SETTINGS)[0] == expected
    assert arms_race(mutual, "rok", "dprk", SETTINGS)[0]
