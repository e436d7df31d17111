"""The compiled cooperation and response kernels (sim.model.kernels.cooperation) give the
numpy path's bits, mechanism by mechanism, on states the scenarios do not reach: zeros,
negative and huge values, NaN, tensions at 0 and 1, a zero 2024 reference.

Each case takes a short run's World, Params and Reference, overwrites the arrays the
mechanism reads with drawn values, and runs the mechanism on two copies, one with the
numpy path and one with the kernels; every World array must come out bit for bit equal.
"""

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import assert_same_world

from sim.model import kernels
from sim.model.kernels import cooperation as cooperation_kernels
from sim.model.mechanisms import cooperation, responses
from sim.model.model import AllianceModel
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]
R = 6

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-9, 1e6, -1e6, 1e300, np.nan, np.inf]

COOPERATION_SWITCHES = (
    "technology_transfer",
    "cyber_sharing",
    "munitions_for_war",
    "cyber_revenue",
    "energy_aid",
    "trade_expansion",
    "china_dialogue",
)

RESPONSE_SWITCHES = ("us_dprk_talks", "russia_presence", "eu_security")


@pytest.fixture(scope="module")
def state():
    """World, Params and Reference after three months of the baseline (numpy path)."""
    kernels.set_kernels("numpy")
    try:
        scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(horizon_months=3)
        model = AllianceModel(scenario, replicate_ids=np.arange(R))
        for _ in range(3):
            model.step()
    finally:
        kernels.set_kernels(None)
    return model.world, model.params, model.reference


# what each mechanism reads: World arrays and parameters (drawn whole), Reference fields
WORLD_READS = {
    "pact": ("hardship", "commitment", "sanctions", "capacity", "implementation"),
    "cooperate": (
        "tech",
        "cyber",
        "troops",
        "capacity",
        "implementation",
        "transfer_draw",
        "war_intensity",
        "war_demand",
        "munitions",
        "munitions_stock",
        "troop_deaths",
        "trade_expansion",
        "tension",
        "dialogue_progress",
        "dialogue_effort",
    ),
    "respond": (
        "tension",
        "talks_progress",
        "us_engagement",
        "capacity",
        "war_intensity",
        "provocations",
        "provocation_rate",
        "sanction_target",
        "us_buildup",
        "russia_presence",
        "eu_support",
    ),
    "engagement": ("us_engagement", "provocation_rate", "tension", "capacity"),
}
PARAM_READS = {
    "pact": ("strain_limit", "logistics_drag", "implementation_lag"),
    "cooperate": (
        "tech_transfer",
        "combat_learning",
        "cyber_sharing",
        "munitions",
        "munitions_capacity",
        "troop_losses",
        "troops",
        "deployment_speed",
        "munitions_price",
        "cyber_revenue",
        "energy_aid",
        "trade_expansion",
        "dialogue_speed",
    ),
    "respond": (
        "talks_speed",
        "pact_leverage",
        "talks_decay",
        "dialogue_setback",
        "talks_moratorium",
        "talks_relief",
        "talks_restraint",
        "pacific_presence",
        "presence_war",
        "presence_speed",
        "presence_tension",
        "ukraine_support",
        "security_response",
        "budget_adjustment",
        "support_demand",
        "support_tension",
    ),
    "engagement": (
        "engagement_speed",
        "talks_engagement",
        "provocation_aversion",
        "ally_alarm",
        "pact_hardening",
    ),
}
REFERENCE_READS = (
    "cooperation",
    "sanctions",
    "cyber",
    "energy_non_russian",
    "talks_progress",
    "tension",
    "eu_support",
    "provocation_rate",
)


@st.composite
def varied(draw, state, group):
    """A copy of the state whose arrays `group` reads are drawn: full-precision values in a
    plain range (tensions in [0, 1], provocations as counts, the reference in [0, 1]), maybe
    rescaled, a share of them replaced by edge cases (NaN, infinities, zeros, huge values)."""
    w, p, ref = copy.deepcopy(state)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    edge_share = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 1.0]))
    tension_edges = draw(st.sampled_from([0.0, 0.3, 1.0]))
    scaled = draw(st.booleans())  # each array at its own scale, 1e-6 to 100

    def array(shape, low=-1.0, high=2.0, edges=EDGES, share=edge_share):
        scale = 10.0 ** rng.integers(-6, 3) if scaled else 1.0
        values = np.array(rng.uniform(low, high, shape) * scale)
        mask = rng.random(shape) < share
        values[mask] = rng.choice(edges, size=shape)[mask]
        return values

    for name in WORLD_READS[group]:
        old = getattr(w, name)
        if name == "provocations":
            new = rng.integers(0, 12, old.shape).astype(np.float64)
        elif name == "tension":
            new = array(old.shape, 0.0, 1.0, [0.0, 1.0], tension_edges)
        else:
            new = array(old.shape)
        setattr(w, name, new)
    for name in PARAM_READS[group]:
        p.set(name, array(getattr(p, name).shape))
    changes = {}
    for name in REFERENCE_READS:
        old = getattr(ref, name)
        if draw(st.booleans()):
            new = array(np.shape(old), 0.0, 1.0)
            changes[name] = float(new) if np.ndim(old) == 0 else new
    return w, p, dataclasses.replace(ref, **changes)


def both_paths(w, p, ref, call):
    """The World after `call(w, p, ref)` on the numpy path and with the kernels, and what
    the call returned on each."""
    out = []
    for use in (False, True):
        wc, pc, rc = copy.deepcopy((w, p, ref))
        wc.kernels = use
        with np.errstate(all="ignore"):
            returned = call(wc, pc, rc)
        out.append((wc, returned))
    return out


def switches(names):
    return st.fixed_dictionaries({name: st.booleans() for name in names})


MECHANISMS = {
    "pact": [
        lambda w, p, ref: cooperation.pact_cooperation(w, p, ref),
        lambda w, p, ref: responses.pact_implementation(w, p, ref),
    ],
    "cooperate": [
        lambda w, p, ref: cooperation.technology_transfer(w, p),
        lambda w, p, ref: cooperation.cyber_sharing(w, p),
        lambda w, p, ref: cooperation.munitions_for_war(w, p),
        lambda w, p, ref: cooperation.dprk_revenue(w, p, ref, cyber_on=True),
        lambda w, p, ref: cooperation.dprk_revenue(w, p, ref, cyber_on=False),
        lambda w, p, ref: cooperation.energy_aid(w, p, ref),
        lambda w, p, ref: cooperation.trade_expansion(w, p),
        lambda w, p, ref: cooperation.china_dialogue(w, p),
    ],
    "respond": [
        lambda w, p, ref: responses.us_dprk_talks(w, p),
        lambda w, p, ref: responses.talks_effects(w, p, ref),
        lambda w, p, ref: responses.russia_presence(w, p),
        lambda w, p, ref: responses.eu_security_response(w, p, ref),
    ],
    "engagement": [lambda w, p, ref: responses.choose_engagement(w, p, ref)],
}
CASES = [(group, k) for group, calls in MECHANISMS.items() for k in range(len(calls))]


@pytest.mark.parametrize(("group", "k"), CASES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_each_mechanism_gives_the_same_bits(state, group, k, data):
    w, p, ref = data.draw(varied(state, group))
    (numpy_world, numpy_out), (kernel_world, kernel_out) = both_paths(
        w, p, ref, MECHANISMS[group][k]
    )
    assert_same_world(numpy_world, kernel_world)
    if numpy_out is not None:
        assert np.array_equal(numpy_out, kernel_out, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_cooperate_is_the_cooperation_steps_in_order(state, data):
    """cooperation.cooperate (one kernel call) = the model's sequence of steps, numpy path."""
    w, p, ref = data.draw(varied(state, "cooperate"))
    on = data.draw(switches(COOPERATION_SWITCHES))

    def sequence(w, p, ref):
        if w.kernels:
            return cooperation.cooperate(w, p, ref, on.__getitem__)
        if on["technology_transfer"]:
            cooperation.technology_transfer(w, p)
        if on["cyber_sharing"]:
            cooperation.cyber_sharing(w, p)
        if on["munitions_for_war"]:
            cooperation.munitions_for_war(w, p)
        cooperation.dprk_revenue(w, p, ref, cyber_on=on["cyber_revenue"])
        if on["energy_aid"]:
            cooperation.energy_aid(w, p, ref)
        if on["trade_expansion"]:
            cooperation.trade_expansion(w, p)
        if on["china_dialogue"]:
            cooperation.china_dialogue(w, p)

    (numpy_world, _), (kernel_world, _) = both_paths(w, p, ref, sequence)
    assert_same_world(numpy_world, kernel_world)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_respond_is_the_responses_in_order(state, data):
    """responses.respond (one kernel call) = the model's sequence of responses, numpy path."""
    w, p, ref = data.draw(varied(state, "respond"))
    on = data.draw(switches(RESPONSE_SWITCHES))

    def sequence(w, p, ref):
        if w.kernels:
            return responses.respond(w, p, ref, on.__getitem__)
        if on["us_dprk_talks"]:
            responses.us_dprk_talks(w, p)
            responses.talks_effects(w, p, ref)
        if on["russia_presence"]:
            responses.russia_presence(w, p)
        if on["eu_security"]:
            responses.eu_security_response(w, p, ref)

    (numpy_world, _), (kernel_world, _) = both_paths(w, p, ref, sequence)
    assert_same_world(numpy_world, kernel_world)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), implementation=st.booleans())
def test_pact_capacity_is_cooperation_then_implementation(state, data, implementation):
    w, p, ref = data.draw(varied(state, "pact"))

    def sequence(w, p, ref):
        if w.kernels:
            return responses.pact_capacity(w, p, ref, implementation)
        cooperation.pact_cooperation(w, p, ref)
        if implementation:
            responses.pact_implementation(w, p, ref)

    (numpy_world, _), (kernel_world, _) = both_paths(w, p, ref, sequence)
    assert_same_world(numpy_world, kernel_world)


@pytest.mark.parametrize("n", [*range(1, 20), 31, 64, 100, 128])
def test_short_sums_follow_numpy(n):
    """The kernels' row sum has numpy's order: left to right below 8, pairwise from 8."""
    rng = np.random.default_rng(n)
    for _ in range(50):
        values = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)
        assert cooperation_kernels._sum(values) == np.sum(values)


def test_the_sanctions_rise_is_summed_pairwise(state):
    """pact_implementation's mean over the (4, 2) sanctions, eight terms: numpy sums them
    pairwise, not left to right, and the kernel follows (these draws tell the two apart)."""
    w, p, ref = copy.deepcopy(state)
    rng = np.random.default_rng(7)
    w.sanctions = rng.random(w.sanctions.shape) * 10.0 ** rng.integers(-8, 1, w.sanctions.shape)
    p.set("logistics_drag", 1.0)
    terms = (w.sanctions - ref.sanctions).reshape(R, -1)
    left_to_right = terms[:, 0].copy()
    for k in range(1, terms.shape[1]):
        left_to_right += terms[:, k]
    assert not np.array_equal(left_to_right / 8, (w.sanctions - ref.sanctions).mean(axis=(1, 2)))
    (numpy_world, _), (kernel_world, _) = both_paths(w, p, ref, responses.pact_implementation)
    assert_same_world(numpy_world, kernel_world)
