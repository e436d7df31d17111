"""The budget rules (sim.model.mechanisms.budgets) keep their bounds and push the way
Richardson's equation says: the ceiling holds (NaN kept, not hidden), relative shocks leave
zero spending at zero, more reactivity to a rival raises spending, sub-steps converge, a
missing plan follows the economy's trend and 2024's state has capability factor 1; Russia's
war level moves the EU's and the US's reaction, not the Pacific allies'; joint exercises
scale the DPRK's capability, not Russia's."""

import copy
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.actors import BLOC_IDX, DPRK, EU, JAPAN, N_ACTORS, ROK, RUSSIA, USA
from sim.calendar import DT
from sim.model.mechanisms import budgets
from sim.model.model import AllianceModel
from sim.model.randomness import SPENDING_SHOCKS, Month
from sim.scenario.scenario import load_scenario
from tests.support import copied_state as state

pytestmark = pytest.mark.rules  # `make test` runs these uncompiled (pyproject markers)

ROOT = Path(__file__).resolve().parents[1]
R = 8


def new_model(months: int = 0) -> AllianceModel:
    model = AllianceModel(
        load_scenario(ROOT / "scenarios" / "pact_as_signed.yaml").with_params(replicates=R)
    )
    for _ in range(months):
        model.step()
    return model


@pytest.fixture(scope="module")
def started(started_model):
    """The pact as signed, R replicates, a few months in (copy before changing it)."""
    return started_model(R, months=4)


def quiet(model) -> Month:
    """The model's month of shocks with the spending shocks at zero."""
    s = model.shocks_now
    normals = s.normals.copy()
    normals[:, SPENDING_SHOCKS : SPENDING_SHOCKS + N_ACTORS] = 0.0
    return Month(normals, s.uniforms.copy())


def buildup(w, p, ref, s, month, substeps=1, plans=True):
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(w.replicates):
        budgets.arms_buildup(r, a, pa, ra, s, month, substeps, plans, budgets.scratch())


VALUES = st.one_of(
    st.floats(-1e6, 1e6),
    st.sampled_from([0.0, -0.0, np.inf, -np.inf, np.nan]),
)


@settings(max_examples=40, deadline=None)
@given(spending=VALUES, burden=st.floats(0.0, 1.0), gdp=st.floats(0.0, 1e5))
def test_budget_ceiling_keeps_spending_between_zero_and_the_burden(started, spending, burden, gdp):
    w, p, _ = state(started)
    w.spending[:, DPRK] = spending
    w.gdp[:, DPRK] = gdp
    p.writable("max_burden")[:, DPRK] = burden
    a, pa = w.arrays(), p.arrays()
    for r in range(R):
        budgets.budget_ceiling(r, a, pa)
    kept = w.spending[:, DPRK]
    if np.isnan(spending):  # a NaN state is caught by the model's check, not hidden
        assert np.isnan(kept).all()
    else:
        assert np.all(kept >= 0.0) and not np.signbit(kept).any()
        assert np.all(kept <= burden * gdp)
    assert np.array_equal(w.capability, w.spending * w.capability_factor, equal_nan=True)


def test_zero_spending_stays_zero_under_relative_shocks(started):
    """Nothing drives the budgets (no plans, reaction, grievance or levels): the shocks,
    however large, are relative and leave zero at zero; the growth trend decays."""
    w, p, ref = state(started)
    for name in ("spending", "plan", "committed"):
        getattr(w, name)[:] = 0.0
    for name in ("reactivity", "grievance"):
        p.writable(name)[:] = 0.0
    w.us_buildup[:] = ref.buildup
    w.war_intensity[:], w.war_demand[:], w.russia_presence[:] = 1.0, 1.0, 1.0
    w.dprk_revenue[:] = ref.dprk_revenue
    trend = w.spending_trend.copy()
    s = started.shocks_now
    normals = s.normals.copy()
    normals[:, SPENDING_SHOCKS : SPENDING_SHOCKS + N_ACTORS] = 5.0
    buildup(w, p, ref, Month(normals, s.uniforms), 5, plans=False)
    assert np.all(w.spending == 0.0) and np.all(w.capability == 0.0)
    assert np.array_equal(w.spending_trend, trend + DT * (0.0 - trend))


def test_more_reactivity_to_a_rival_raises_spending(started):
    w, p, ref = state(started)
    more_w, more_p = copy.deepcopy(w), copy.deepcopy(p)
    more_p.writable("reactivity")[:, ROK, DPRK] *= 2.0
    s = quiet(started)
    buildup(w, p, ref, s, 5, plans=False)
    buildup(more_w, more_p, ref, s, 5, plans=False)
    assert np.all(more_w.spending[:, ROK] > w.spending[:, ROK])
    others = [j for j in range(N_ACTORS) if j != ROK]
    assert np.array_equal(more_w.spending[:, others], w.spending[:, others])


def test_substeps_converge_to_the_continuous_path(started):
    """Euler's error shrinks about in proportion to the step (first order)."""
    paths = {}
    for substeps in (1, 2, 4, 8, 256):
        w, p, ref = state(started)
        for month in range(5, 17):
            buildup(w, p, ref, quiet(started), month, substeps)
        paths[substeps] = w.spending.copy()
    errors = [np.abs(paths[n] - paths[256]).max() for n in (1, 2, 4, 8)]
    assert errors[0] > 0.0
    for coarse, fine in itertools.pairwise(errors):
        assert 0.3 * coarse < fine < 0.7 * coarse


def test_a_missing_plan_keeps_the_2024_burden(started):
    """NaN plan_growth: the plan grows at the economy's trend; an infinite planned growth
    over zero plan years weighs nothing."""
    w, p, ref = state(started)
    growth, years = p.writable("plan_growth"), p.writable("plan_years")
    growth[:] = np.nan
    growth[:, DPRK], years[:, DPRK] = np.inf, 0.0
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        budgets.budget_plan(r, a, pa, ra, 30)
    expected = ref.spending * np.exp(ref.gdp_trend * 30 * DT)
    assert np.allclose(w.plan, expected, rtol=1e-12, atol=0.0)


def planned_growth(started, taper: float, months: range) -> np.ndarray:
    """Japan's planned real growth a year (log) over each month of `months`, replicate 0,
    with plan_growth 6.5 % for 3 years and plan_taper `taper`."""
    w, p, ref = state(started)
    p.writable("plan_growth")[:, JAPAN] = 0.065
    p.writable("plan_years")[:, JAPAN] = 3.0
    p.writable("plan_taper")[:, JAPAN] = taper
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    path = []
    for month in (*months, months[-1] + 1):
        budgets.budget_plan(0, a, pa, ra, month)
        path.append(w.plan[0, JAPAN])
    return np.diff(np.log(path)) / DT


def test_a_plans_growth_fades_into_trend_without_a_cliff(started):
    """plan_taper 2 years: growth is the plan's up to June 2027, then falls by at most a few
    hundredths of its gap to trend a month, and is within 1 % of the gap of trend ten time
    constants on; plan_taper 0 drops it to trend in one month."""
    plan, trend = np.log1p(0.065), started.reference.gdp_trend[JAPAN]
    growth = planned_growth(started, 2.0, range(30, 300))
    assert np.allclose(growth[:6], plan) and growth[-1] == pytest.approx(
        trend, abs=0.01 * (plan - trend)
    )
    assert (np.diff(growth) <= 1e-12).all()
    assert -np.diff(growth).max() < 0.05 * (plan - trend)
    cliff = planned_growth(started, 0.0, range(34, 38))
    assert np.allclose(cliff[:2], plan) and np.allclose(cliff[2:], trend)


def test_capability_factor_is_one_in_2024():
    model = new_model()
    w, p, ref = model.world, model.params, model.reference
    w.spending[:] *= 1.5
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        budgets.update_capability(r, a, pa, ra)
    assert np.all(w.capability_factor[:, BLOC_IDX] == 1.0)
    assert np.array_equal(w.capability, w.spending)


def test_russias_war_level_moves_the_eu_and_the_us_but_not_the_pacific_allies(started):
    """More war spending (budget_levels' war term, `committed`) is a threat in Europe, not in
    the Pacific: South Korea's and Japan's departures do not move, the EU's and the US's rise."""
    w, p, ref = state(started)
    more_w = copy.deepcopy(w)
    more_w.committed[:, RUSSIA] += 50.0  # spent on the war: the same departure from plan
    more_w.spending[:, RUSSIA] += 50.0
    more_w.war_intensity[:] *= 1.5
    p.writable("reactivity")[:, JAPAN, RUSSIA] = 0.05
    p.writable("reactivity")[:, ROK, RUSSIA] = 0.05
    s = quiet(started)
    buildup(w, p, ref, s, 5)
    buildup(more_w, p, ref, s, 5)
    for ally in (ROK, JAPAN):
        assert np.allclose(more_w.spending[:, ally], w.spending[:, ally], rtol=1e-12)
    for reacting in (EU, USA):
        assert np.all(more_w.spending[:, reacting] > w.spending[:, reacting])


def test_joint_exercises_raise_the_dprks_capability_not_russias():
    model = new_model()
    w, p, ref = model.world, model.params, model.reference
    w.exercise_intensity[:] = ref.exercise_intensity + 0.5
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        budgets.update_capability(r, a, pa, ra)
    assert np.all(w.capability_factor[:, DPRK] > 1.0)
    assert np.all(w.capability_factor[:, RUSSIA] == 1.0)


def _drive(w, p, ref) -> np.ndarray:
    """Richardson's coefficients k_ij(t) of every replicate, (R, N, N)."""
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    k = np.empty((R, N_ACTORS, N_ACTORS))
    for r in range(R):
        budgets.richardson_drive(r, a, pa, ra, k[r])
    return k


def test_a_us_build_up_against_russias_presence_relieves_no_reaction_to_the_dprk(started):
    """Reassurance relieves South Korea's and Japan's reaction to the DPRK for a US build-up
    of its own, not for the part that answers Russia's regional presence."""
    w, p, ref = state(started)
    p.writable("presence_pull")[:, USA] = 0.2
    p.writable("reassurance")[:, [ROK, JAPAN]] = 0.3
    before = _drive(w, p, ref)
    against_russia, policy = copy.deepcopy(w), copy.deepcopy(w)
    against_russia.russia_presence[:] += 0.5
    against_russia.us_buildup[:] += 0.2 * 0.5
    policy.us_buildup[:] += 0.2 * 0.5
    for ally in (ROK, JAPAN):
        assert np.array_equal(_drive(against_russia, p, ref)[:, ally, DPRK], before[:, ally, DPRK])
        assert np.all(_drive(policy, p, ref)[:, ally, DPRK] < before[:, ally, DPRK])
