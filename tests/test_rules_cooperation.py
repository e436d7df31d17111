"""The cooperation and response rules (sim.model.mechanisms.cooperation, .responses), one
replicate at a time: shares stay in [0, 1] whatever they are given, stocks never go
negative, a NaN stays NaN, transfers scale with the pact's capacity, talks progress falls
with tension, and choose_engagement is one rule whether a compiled rule or Python calls it.
"""

import copy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.actors import BLOC_DPRK, DPRK, PENINSULA_IDX
from sim.model.mechanisms import cooperation, responses
from sim.model.mechanisms.compiled import rule
from tests.support import copied_state as state

pytestmark = pytest.mark.rules  # `make test` runs these uncompiled (pyproject markers)

ROOT = Path(__file__).resolve().parents[1]
R = 8
WILD = st.floats(-1e3, 1e3, allow_nan=False) | st.sampled_from([0.0, -0.0, 1.0, 2.0, -1.0])


@pytest.fixture(scope="module")
def model(started_model):
    """The pact as signed after three months, R replicates (copy before changing it)."""
    return started_model(R, months=3)


def values(draw, n=R):
    return np.array(draw(st.lists(WILD, min_size=n, max_size=n)))


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_shares_stay_between_0_and_1(model, data):
    """Cooperation, implementation, dialogue and talks progress stay in [0, 1] from any
    inputs: hardship, commitment, sanctions, capacity, tension, engagement out of range."""
    w, p, ref = state(model)
    draw = data.draw
    w.hardship[:] = values(draw, 2 * R).reshape(R, 2)
    w.commitment[:] = np.abs(values(draw, 2 * R).reshape(R, 2)) % 1.0
    w.sanctions[:] = values(draw, 8 * R).reshape(w.sanctions.shape)
    w.implementation[:] = np.abs(values(draw)) % 1.0
    w.us_engagement[:] = values(draw)
    w.dialogue_effort[:] = values(draw)
    w.provocations[:] = np.abs(values(draw)) % 10.0
    p.set("strain_limit", values(draw))
    p.set("logistics_drag", values(draw))
    p.set("talks_speed", np.abs(values(draw)))
    p.set("dialogue_speed", np.abs(values(draw)))
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        cooperation.pact_cooperation(r, wa, pa, ra)
        responses.pact_implementation(r, wa, pa, ra)
        responses.us_dprk_talks(r, wa, pa)
        cooperation.china_dialogue(r, wa, pa)
    for share in (w.cooperation, w.implementation, w.talks_progress, w.dialogue_progress):
        assert ((share >= 0.0) & (share <= 1.0)).all(), share


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_the_munitions_stock_and_troops_never_go_negative(model, data):
    w, p, _ = state(model)
    draw = data.draw
    w.munitions_stock[:] = np.abs(values(draw)) * draw(st.sampled_from([0.0, 1e-3, 1.0]))
    w.capacity[:] = np.abs(values(draw))
    w.war_intensity[:] = np.abs(values(draw))
    w.troops[:] = np.abs(values(draw))
    p.set("deployment_speed", np.abs(values(draw)), actor="dprk")
    wa, pa = w.arrays(), p.arrays()
    for _ in range(12):
        for r in range(R):
            cooperation.munitions_for_war(r, wa, pa, model.shocks.month(1))
            assert w.munitions_stock[r] >= 0.0
            assert w.troops[r] >= 0.0
            assert w.troop_deaths[r] >= 0.0


def test_an_empty_stock_delivers_no_more_than_production(model):
    w, p, _ = state(model)
    w.munitions_stock[:] = 0.0
    w.capacity[:] = 5.0  # the war wants far more than the DPRK makes
    wa, pa = w.arrays(), p.arrays()
    for r in range(R):
        cooperation.munitions_for_war(r, wa, pa, model.shocks.month(1))
    assert np.array_equal(w.munitions, p.munitions_capacity[:, DPRK])


def test_transfers_scale_with_capacity(model):
    """Technology, cyber, energy aid and trade expansion gain in proportion to capacity."""
    gains = []
    for capacity in (0.5, 1.0, 2.0):
        w, p, ref = state(model)
        w.capacity[:] = capacity
        w.troops[:] = 0.0  # no combat learning
        before = w.tech[:, BLOC_DPRK].copy(), w.cyber[:, 1].copy(), w.trade_expansion.copy()
        wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
        for r in range(R):
            cooperation.technology_transfer(r, wa, pa)
            cooperation.cyber_sharing(r, wa, pa)
            cooperation.energy_aid(r, wa, pa, ra)
            cooperation.trade_expansion(r, wa, pa)
        gains.append(
            np.stack(
                [
                    w.tech[:, BLOC_DPRK] - before[0],
                    w.cyber[:, 1] - before[1],
                    w.energy_supply - ref.energy_non_russian,
                    w.trade_expansion / before[2] - 1.0,
                ]
            )
        )
    assert (gains[1] > 0.0).all()
    assert np.allclose(gains[0], 0.5 * gains[1], rtol=1e-9)
    assert np.allclose(gains[2], 2.0 * gains[1], rtol=1e-9)


def test_talks_progress_falls_with_tension(model):
    progress = []
    for tension in (0.2, 0.5, 0.8):
        w, p, _ = state(model)
        w.us_engagement[:] = 0.5
        for other in PENINSULA_IDX:
            w.tension[:, DPRK, other] = w.tension[:, other, DPRK] = tension
        wa, pa = w.arrays(), p.arrays()
        for r in range(R):
            responses.us_dprk_talks(r, wa, pa)
        progress.append(w.talks_progress.copy())
    assert (progress[0] > progress[1]).all() and (progress[1] > progress[2]).all()


def test_provocations_set_talks_back(model):
    progress = []
    for count in (0.0, 1.0, 3.0):
        w, p, _ = state(model)
        w.provocations[:] = count
        wa, pa = w.arrays(), p.arrays()
        for r in range(R):
            responses.us_dprk_talks(r, wa, pa)
        progress.append(w.talks_progress.copy())
    assert (progress[0] > progress[1]).all() and (progress[1] > progress[2]).all()


def test_a_nan_is_kept_not_hidden(model):
    """np.minimum / np.clip keep NaN, and so do the rules: the model's finite check sees it."""
    w, p, ref = state(model)
    w.commitment[0, 1] = np.nan
    w.capacity[1] = np.nan
    w.munitions_stock[2] = 0.0
    w.war_demand[2] = np.nan
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    cooperation.pact_cooperation(0, wa, pa, ra)
    responses.pact_implementation(1, wa, pa, ra)
    cooperation.munitions_for_war(2, wa, pa, model.shocks.month(1))
    assert np.isnan(w.cooperation[0]) and np.isnan(w.capacity[0])
    assert np.isnan(w.implementation[1])
    assert np.isnan(w.munitions[2])


def test_responses_keep_tension_symmetric_and_in_range(model):
    w, p, ref = state(model)
    p.set("presence_tension", 50.0)
    p.set("support_tension", 50.0)
    w.russia_presence[:] = np.linspace(-3.0, 3.0, R)
    w.eu_support[:] = np.linspace(0.0, 10.0 * ref.eu_support, R)
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        responses.russia_presence(r, wa, pa)
        responses.eu_security_response(r, wa, pa, ra)
    assert np.array_equal(w.tension, np.swapaxes(w.tension, 1, 2))
    assert ((w.tension >= 0.0) & (w.tension <= 1.0)).all()
    assert (w.war_demand >= 0.0).all()


def test_switched_off_cooperation_changes_only_revenue(model):
    w, p, ref = state(model)
    before = copy.deepcopy(w)
    off = model.switches._replace(
        **{
            name: False
            for name in (
                "technology_transfer",
                "cyber_sharing",
                "munitions_for_war",
                "energy_aid",
                "trade_expansion",
                "china_dialogue",
            )
        }
    )
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(w.replicates):
        cooperation.cooperate_replicate(r, wa, pa, ra, model.shocks_now, off, 4, model.settings)
    for name, array in vars(w).items():
        if isinstance(array, np.ndarray) and name != "dprk_revenue":
            assert np.array_equal(array, getattr(before, name)), name


@rule
def _engagement_from_a_rule(w, p, ref, out):
    for r in range(out.shape[0]):
        out[r] = responses.choose_engagement(r, w, p, ref)


def test_choose_engagement_is_one_rule_for_compiled_and_python_callers_and_leans_to_pressure(
    model,
):
    w, p, ref = state(model)
    w.provocation_rate[:] = np.linspace(0.0, 3.0, R)
    before = w.us_engagement.copy()
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    compiled = np.empty(R)
    _engagement_from_a_rule(wa, pa, ra, compiled)
    per_replicate = np.array([responses.choose_engagement(r, wa, pa, ra) for r in range(R)])
    assert np.array_equal(compiled, per_replicate)
    assert np.array_equal(w.us_engagement, before)  # it returns, the agent writes
    w.provocation_rate[:] += 1.0  # more provocations: toward pressure
    calmer = compiled
    assert all(responses.choose_engagement(r, wa, pa, ra) <= calmer[r] for r in range(R))
