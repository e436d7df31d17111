"""The agents' decision rules (sim.model.mechanisms.decisions) keep their bounds and push the
way the agents' docstrings say: sanction targets in [0, 1] and rising with tension, the US
build-up in [0, 1], China's alignment in [0, 1] and moving toward its target, commitment
falling when support is below the opposition threshold, the DPRK's post-change commitment
after a leadership change (NaN kept, not hidden); an agent's `parameters()` steer the run;
`decide_replicate` decides as the agents do, in their order."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.actors import (
    BLOC_DPRK,
    BLOC_IDX,
    BLOC_RUSSIA,
    CHINA,
    DPRK,
    INDEX,
    ROK,
    RUSSIA,
    SANCTIONERS,
    USA,
)
from sim.model.agents import AGENT_CLASSES
from sim.model.mechanisms import decisions
from sim.model.model import AllianceModel
from sim.model.randomness import ALIGNMENT_SHOCK, Month
from sim.scenario.scenario import load_scenario
from tests.support import copied_state as state

pytestmark = pytest.mark.rules  # `make test` runs these uncompiled (pyproject markers)

ROOT = Path(__file__).resolve().parents[1]
R = 8
VALUES = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, -0.0, 1.0, np.inf, -np.inf]))


def new_model(changes=None, months: int = 0) -> AllianceModel:
    scenario = load_scenario(ROOT / "scenarios" / "pact_as_signed.yaml").with_params(
        changes or {}, replicates=R
    )
    model = AllianceModel(scenario)
    for _ in range(months):
        model.step()
    return model


@pytest.fixture(scope="module")
def started(started_model):
    """The pact as signed, R replicates, a few months in (copy before changing it)."""
    return started_model(R, months=4)


def sanction(w, p, ref, actor):
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    row = SANCTIONERS.index({USA: "usa", ROK: "rok"}[actor])
    for r in range(w.replicates):
        decisions.sanctioner_decide(r, a, pa, ra, actor, row)
    return w.sanction_target[:, row].copy()


@settings(max_examples=40, deadline=None)
@given(tension=VALUES, progress=VALUES, war=VALUES, actor=st.sampled_from([USA, ROK]))
def test_sanction_targets_stay_in_zero_to_one(started, tension, progress, war, actor):
    w, p, ref = state(started)
    w.tension[:, actor, BLOC_IDX] = tension
    w.dialogue_progress[:] = progress
    w.war_intensity[:] = war
    with np.errstate(all="ignore"):
        target = sanction(w, p, ref, actor)
    numbers = target[~np.isnan(target)]
    assert np.all((numbers >= 0.0) & (numbers <= 1.0))
    assert np.array_equal(w.isolation_effort[:, actor], p.isolation_effort[:, actor])


def test_sanction_targets_rise_with_tension_and_keep_nan(started):
    w, p, ref = state(started)
    p.writable("sanction_tightening")[:] = 0.0  # targets near 2024 levels, inside [0, 1]
    calm = sanction(w, p, ref, USA)
    w.tension[:, USA, BLOC_IDX] += 0.1
    tense = sanction(w, p, ref, USA)
    assert np.all(tense >= calm) and np.all(tense[:, BLOC_RUSSIA] > calm[:, BLOC_RUSSIA])
    w.tension[:, USA, DPRK] = np.nan  # a NaN state is caught by the model's check, not hidden
    assert np.isnan(sanction(w, p, ref, USA)[:, BLOC_DPRK]).all()


@settings(max_examples=40, deadline=None)
@given(tension=VALUES, presence=VALUES, buildup=VALUES, response=VALUES)
def test_us_buildup_stays_in_zero_to_one(started, tension, presence, buildup, response):
    w, p, ref = state(started)
    w.tension[:, DPRK, ROK] = tension
    w.russia_presence[:] = presence
    p.writable("buildup")[:, USA] = buildup
    p.writable("buildup_response")[:, USA] = response
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    with np.errstate(all="ignore"):
        for r in range(R):
            decisions.us_buildup_decide(r, a, pa, ra)
    numbers = w.us_buildup[~np.isnan(w.us_buildup)]
    assert np.all((numbers >= 0.0) & (numbers <= 1.0))
    if np.isfinite([tension, presence, buildup, response]).all():
        assert not np.isnan(w.us_buildup).any()


def test_us_buildup_rises_with_peninsula_tension(started):
    w, p, ref = state(started)
    p.writable("buildup")[:, USA] = 0.2
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    levels = []
    for rise in (0.0, 0.2):
        w.tension[:, DPRK, [ROK, USA]] = ref.tension[DPRK, [ROK, USA]] + rise
        for r in range(R):
            decisions.us_buildup_decide(r, a, pa, ra)
        levels.append(w.us_buildup.copy())
    assert np.all(levels[1] > levels[0])


def china(w, p, ref, s, aligning=True):
    a, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(w.replicates):
        decisions.china_decide(r, a, pa, ra, s, aligning)


@settings(max_examples=40, deadline=None)
@given(
    alignment=st.floats(0.0, 1.0),
    bias=VALUES,
    normal=st.one_of(st.floats(-10.0, 10.0), st.sampled_from([np.inf, -np.inf])),
)
def test_china_alignment_stays_in_zero_to_one(started, alignment, bias, normal):
    w, p, ref = state(started)
    w.china_alignment[:] = alignment
    p.writable("coalition_bias")[:, CHINA] = bias
    normals = started.shocks_now.normals.copy()
    normals[:, ALIGNMENT_SHOCK] = normal
    with np.errstate(all="ignore"):
        china(w, p, ref, Month(normals, started.shocks_now.uniforms))
    numbers = w.china_alignment[~np.isnan(w.china_alignment)]
    assert np.all((numbers >= 0.0) & (numbers <= 1.0))
    expected = p.dialogue[:, CHINA] * (1.0 - w.china_alignment)
    assert np.array_equal(w.dialogue_effort, expected, equal_nan=True)


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_china_alignment_moves_toward_its_target(started, target):
    """Without noise, a target at 0 (1) pulls alignment down (up), part of the way."""
    w, p, ref = state(started)
    w.china_alignment[:] = 0.5
    p.writable("alignment_noise")[:, CHINA] = 0.0
    p.writable("coalition_bias")[:, CHINA] = -10.0 if target == 0.0 else 10.0
    china(w, p, ref, started.shocks_now)
    moved = w.china_alignment
    assert np.all(np.abs(moved - target) < 0.5) and np.all(np.abs(moved - 0.5) > 0.0)
    assert np.all((moved > 0.0) & (moved < 1.0))  # at alignment_speed, not all the way


def test_china_without_alignment_keeps_it_and_sets_dialogue(started):
    w, p, ref = state(started)
    before = w.china_alignment.copy(), w.china_engagement.copy()
    china(w, p, ref, started.shocks_now, aligning=False)
    assert np.array_equal(w.china_alignment, before[0])
    assert np.array_equal(w.china_engagement, before[1])
    assert np.array_equal(w.dialogue_effort, p.dialogue[:, CHINA] * (1.0 - before[0]))


def commit(w, p, actor, member):
    a, pa = w.arrays(), p.arrays()
    for r in range(w.replicates):
        decisions.pact_member_decide(r, a, pa, actor, member)
    return w.commitment[:, member].copy()


@pytest.mark.parametrize(("actor", "member"), [(DPRK, BLOC_DPRK), (RUSSIA, BLOC_RUSSIA)])
def test_commitment_falls_when_support_is_below_the_opposition_threshold(started, actor, member):
    w, p, _ = state(started)
    w.leader_changed[:] = False
    threshold, base = p.opposition_threshold[:, actor], p.commitment[:, actor]
    w.support[:, member] = threshold * 2.0
    assert np.array_equal(commit(w, p, actor, member), base)  # backed in full
    w.support[:, member] = threshold * 0.5
    assert np.allclose(commit(w, p, actor, member), base * 0.5)
    w.support[:, member] = np.nan
    assert np.isnan(commit(w, p, actor, member)).all()


def test_a_leadership_change_switches_the_dprk_to_post_change_commitment(started):
    w, p, _ = state(started)
    p.writable("post_change_commitment")[:, DPRK] = 0.123
    p.writable("post_change_commitment")[:, RUSSIA] = 0.123  # read for the DPRK only
    w.support[:] = 1.0
    w.leader_changed[:] = np.arange(R) % 2 == 1
    dprk = commit(w, p, DPRK, BLOC_DPRK)
    assert np.all(dprk[1::2] == 0.123) and np.all(dprk[::2] == p.commitment[::2, DPRK])
    assert np.all(commit(w, p, RUSSIA, BLOC_RUSSIA) == p.commitment[:, RUSSIA])


def test_an_agents_parameters_steer_the_run():
    """A write into an agent's parameter views (a notebook) is what its rule reads next."""
    model = new_model()
    agents = {agent.actor_id: agent for agent in model.agents}
    agents["rok"].parameters()["isolation_effort"][:] = 0.7
    agents["russia"].parameters()["commitment"][:] = 0.0
    agents["china"].parameters()["dialogue"][:] = 0.0
    model.step()
    assert np.all(model.world.isolation_effort[:, ROK] == 0.7)
    assert np.all(model.world.commitment[:, BLOC_RUSSIA] == 0.0)
    assert np.all(model.world.dialogue_effort == 0.0)


def test_decide_replicate_decides_as_the_agents_do(started):
    """Every agent's rule for each replicate, in the agents' order: the compiled month's
    decisions are the agents' own."""
    assert [INDEX[actor] for actor in AGENT_CLASSES] == list(decisions.DECISION_ORDER)
    model = new_model({}, 3)
    model.params.writable("isolation_effort")[:] = 0.3  # China reads what the US decides
    w, p, ref = state(model)
    model.agents.do("decide")
    s, on = model.shocks_now, model.switches
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(w.replicates):
        decisions.decide_replicate(r, wa, pa, ra, s, on, 3, model.settings)
    for name in (
        "sanction_target",
        "isolation_effort",
        "us_buildup",
        "us_engagement",
        "commitment",
    ):
        assert np.array_equal(getattr(w, name), getattr(model.world, name)), name
    for name in ("china_alignment", "china_engagement", "dialogue_effort", "provocation_rate"):
        assert np.array_equal(getattr(w, name), getattr(model.world, name)), name
