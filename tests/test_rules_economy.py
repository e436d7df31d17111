"""The sanction, trade, economy and domestic rules (sim.model.mechanisms.sanctions and
.domestic), one replicate at a time on a model's state: bounds kept, the direction each
pushes, evasion's rerouting, a leadership change for good, and NaN kept rather than hidden."""

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import load_scenario, run
from sim.actors import BLOC_DPRK, BLOC_IDX, BLOC_RUSSIA, CHINA, DPRK, RUSSIA, SANCTIONER_IDX
from sim.calendar import month_of
from sim.model.mechanisms import domestic, sanctions
from sim.model.model import AllianceModel
from tests.conftest import PACT_AS_SIGNED

pytestmark = pytest.mark.rules  # `make test` runs these uncompiled (pyproject markers)

ROOT = Path(__file__).resolve().parents[1]
R = 8


@pytest.fixture(scope="module")
def model(started_model):
    """The pact as signed in June 2024, R replicates (copy before changing it)."""
    return started_model(R)


def state(model):
    """A fresh copy of the model's June 2024 state, as the rules take it."""
    w = copy.deepcopy(model.world)
    return w, w.arrays(), model.params.arrays(), model.reference.arrays(), model.shocks.month(1)


def each(rule, *args):
    for r in range(R):
        rule(r, *args)


@settings(max_examples=20, deadline=None)
@given(
    start=st.lists(st.floats(0.0, 1.0), min_size=8, max_size=8),
    target=st.lists(st.floats(0.0, 1.0), min_size=8, max_size=8),
)
def test_sanctions_stay_in_bounds_and_move_toward_their_targets(model, start, target):
    _, w, p, _, _ = state(model)
    w.sanctions[:] = np.reshape(start, (4, 2))
    w.sanction_target[:] = np.reshape(target, (4, 2))
    before_gap = w.sanction_target - w.sanctions
    before_tension = w.tension.copy()
    for _ in range(3):
        each(sanctions.impose_sanctions, w, p)
    gap = w.sanction_target - w.sanctions
    assert ((w.sanctions >= 0.0) & (w.sanctions <= 1.0)).all()
    assert (np.abs(gap) <= np.abs(before_gap)).all()
    assert (gap * before_gap >= 0.0).all()  # no overshoot
    assert ((w.tension >= 0.0) & (w.tension <= 1.0)).all()
    assert (w.tension == w.tension.transpose(0, 2, 1)).all()
    # tightening raises the sanctioner's tension with the member; relaxing leaves it
    for k, sanctioner in enumerate(SANCTIONER_IDX):
        for m, member in enumerate(BLOC_IDX):
            now, was = w.tension[:, sanctioner, member], before_tension[:, sanctioner, member]
            if before_gap[0, k, m] > 0.0:
                assert (now >= was).all()
            else:
                assert (now == was).all()


def test_tightening_saturates_tension_at_one():
    m = AllianceModel(load_scenario(PACT_AS_SIGNED).with_params(replicates=R))
    m.params.set("sanction_tension", 50.0)
    w, p = m.world.arrays(), m.params.arrays()
    w.tension[:] = 0.999
    w.sanctions[:] = 0.0
    w.sanction_target[:] = 1.0
    each(sanctions.impose_sanctions, w, p)
    for sanctioner in SANCTIONER_IDX:
        assert (w.tension[:, sanctioner, BLOC_IDX] == 1.0).all()
        assert (w.tension[:, BLOC_IDX, sanctioner] == 1.0).all()


def _trade_after_sanctions(model, evasion_on, months=120):
    _, w, p, ref, s = state(model)
    # one month's shocks, repeated: without noise on trade with China, so it cannot compound
    p = p._replace(china_trade_noise=np.zeros_like(p.china_trade_noise))
    w.sanctions[:] = 1.0  # every sanction above its 2024 level
    for _ in range(months):
        each(sanctions.move_trade, w, p, ref, s, evasion_on)
    return w


def test_lost_trade_is_partly_rerouted_with_evasion_and_not_without(model):
    """Russia's trade with the West (the DPRK's is nil already in 2024)."""
    ref = model.reference
    evading = _trade_after_sanctions(model, True)
    caught = _trade_after_sanctions(model, False)
    west = list(SANCTIONER_IDX)
    russia = BLOC_RUSSIA
    # direct trade with the sanctioners falls alike, evasion or not
    assert (evading.trade[:, russia, west] < ref.trade[russia, west]).all()
    assert (evading.trade[:, :, west] == caught.trade[:, :, west]).all()
    # evasion reroutes part of the loss through China and abroad; without it, nothing
    assert (evading.rerouted_abroad[:, russia] > 0.0).all()
    assert (caught.rerouted_abroad == 0.0).all()
    assert (evading.trade[:, russia, CHINA] > caught.trade[:, russia, CHINA]).all()
    assert (evading.access[:, russia] > caught.access[:, russia]).all()
    assert (evading.access[:, russia] < ref.access[russia]).all()  # partly, not wholly
    # access is the member's trade, the rerouted trade and its trade outside the model
    total = evading.trade.sum(axis=2) + evading.rerouted_abroad + evading.trade_outside
    assert np.allclose(evading.access, total, rtol=1e-12)


def test_output_falls_and_hardship_rises_with_lost_trade(model):
    _, w, p, ref, s = state(model)
    _, cut, _, _, _ = state(model)
    cut.access[:] = 0.8 * cut.access  # a fifth of the lifeline lost to sanctions
    each(domestic.grow_economies, w, p, ref, s)
    each(domestic.grow_economies, cut, p, ref, s)
    assert (cut.potential_gdp == w.potential_gdp).all()  # the same trend and shocks
    assert (cut.gdp[:, BLOC_IDX] < w.gdp[:, BLOC_IDX]).all()
    assert (cut.hardship > w.hardship).all()
    others = [i for i in range(w.gdp.shape[1]) if i not in BLOC_IDX]
    assert (cut.gdp[:, others] == w.gdp[:, others]).all()


def test_isolation_cuts_the_wests_ties_and_keeps_them_in_bounds(model):
    _, w, p, ref, _ = state(model)
    w.isolation_effort[:] = 1.0
    west = list(SANCTIONER_IDX)
    previous = w.ties.copy()
    for _ in range(60):
        each(sanctions.diplomatic_isolation, w, p, ref)
        assert (w.ties[:, :, west] <= previous[:, :, west]).all()
        assert ((w.ties >= 0.0) & (w.ties <= 1.0)).all()
        previous = w.ties.copy()
    assert (w.ties[:, :, west] < 0.1 * ref.ties[:, west]).all()


@settings(max_examples=25, deadline=None)
@given(
    tension=st.floats(0.0, 1.0),
    hardship=st.floats(-1.0, 1.0),
    support=st.floats(0.0, 0.89),
    months=st.integers(1, 120),
)
def test_support_stays_in_bounds(model, tension, hardship, support, months):
    _, w, p, ref, _ = state(model)
    w.tension[:] = tension
    w.hardship[:] = hardship
    w.support[:] = support
    for _ in range(months):
        each(domestic.domestic_support, w, p, ref)
        assert ((w.support >= 0.0) & (w.support <= 1.0)).all()


def test_support_rallies_with_tension_and_erodes_with_hardship(model):
    _, calm, p, ref, _ = state(model)
    _, tense, _, _, _ = state(model)
    _, poor, _, _, _ = state(model)
    tense.tension[:] = np.minimum(1.0, tense.tension + 0.2)
    poor.hardship[:] = 0.3
    for w in (calm, tense, poor):
        each(domestic.domestic_support, w, p, ref)
    assert (tense.support > calm.support).all()
    assert (poor.support < calm.support).all()


def test_support_at_zero_push_ignores_a_nan_ceiling(model):
    """Push exactly 0 takes the fall: a NaN ceiling must not leak into support."""
    m = AllianceModel(load_scenario(PACT_AS_SIGNED).with_params(replicates=R))
    m.params.set("rally", 0.0)
    m.params.set("hardship_sensitivity", 0.0)
    m.params.writable("support_ceiling")[::2] = math.nan
    w, p, ref = m.world.arrays(), m.params.arrays(), m.reference.arrays()
    each(domestic.domestic_support, w, p, ref)
    assert np.isfinite(w.support).all()


def test_nan_is_kept_not_hidden(model):
    _, w, p, ref, s = state(model)
    w.sanction_target[0, 0, BLOC_DPRK] = math.nan
    w.access[1, BLOC_RUSSIA] = math.nan
    w.trade_expansion[2] = math.nan
    w.tension[3, DPRK, SANCTIONER_IDX[1]] = w.tension[3, SANCTIONER_IDX[1], DPRK] = math.nan
    each(sanctions.impose_sanctions, w, p)
    assert math.isnan(w.sanctions[0, 0, BLOC_DPRK])
    assert math.isnan(w.tension[0, SANCTIONER_IDX[0], DPRK])
    each(domestic.grow_economies, w, p, ref, s)
    assert math.isnan(w.gdp[1, RUSSIA]) and math.isnan(w.hardship[1, BLOC_RUSSIA])
    each(sanctions.move_trade, w, p, ref, s, True)
    assert math.isnan(w.trade[2, BLOC_RUSSIA, DPRK]) and math.isnan(w.access[2, BLOC_RUSSIA])
    each(domestic.domestic_support, w, p, ref)
    assert math.isnan(w.support[3, BLOC_DPRK])


def test_a_leadership_change_happens_once_and_for_good():
    m = AllianceModel(load_scenario(PACT_AS_SIGNED).with_params(replicates=64))
    m.params.set("leadership_hazard", 8.0)  # about half the replicates change this month
    w, p, ref = m.world.arrays(), m.params.arrays(), m.reference.arrays()
    s = m.shocks.month(1)
    for r in range(64):
        domestic.leadership_change(r, w, p, ref, s, 1)
    changed = w.leader_changed.copy()
    assert 0 < changed.sum() < 64
    m.params.set("leadership_hazard", 0.0)  # no hazard: nobody changes, nobody changes back
    p = m.params.arrays()
    for month in range(2, 6):
        for r in range(64):
            domestic.leadership_change(r, w, p, ref, m.shocks.month(month), month)
        assert (w.leader_changed == changed).all()


def test_no_leadership_change_is_drawn_up_to_the_present_and_the_hazard_acts_after_it():
    """The record shows no change up to the scenario's present: the hazard starts after it."""
    m = AllianceModel(
        load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(replicates=64)
    )
    m.params.set("leadership_hazard", 8.0)  # about half the replicates change in a month
    present = int(m.reference.present)
    assert present == month_of("2026-12")
    w, p, ref = m.world.arrays(), m.params.arrays(), m.reference.arrays()
    for month in (1, present):
        for r in range(64):
            domestic.leadership_change(r, w, p, ref, m.shocks.month(month), month)
    assert not w.leader_changed.any()
    for r in range(64):
        domestic.leadership_change(r, w, p, ref, m.shocks.month(present + 1), present + 1)
    assert 0 < w.leader_changed.sum() < 64


def test_leadership_changes_stay_in_a_run():
    result = run(
        load_scenario(ROOT / "scenarios" / "leadership_change.yaml").with_params(
            replicates=16, horizon_months=36
        ),
        progress=False,
    )
    changed = result.series("leader_changed") > 0.5  # (months + 1, replicates)
    assert (changed[1:] >= changed[:-1]).all()
    assert changed[-1].any()
