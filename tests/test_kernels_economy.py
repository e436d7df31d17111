"""The economy kernels (sim.model.kernels.economy) give the numpy path's bits, mechanism by
mechanism: sanctions, trade, isolation, output, support, leadership change, on states the
scenarios reach and on edge cases they do not (zeros, NaN, tensions at 0 and 1, huge values)."""

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import same_bits

from sim.model import kernels
from sim.model.mechanisms import domestic, sanctions
from sim.model.model import AllianceModel
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]

MECHANISMS = {
    "impose_sanctions": lambda w, p, ref, s: sanctions.impose_sanctions(w, p),
    "move_trade": lambda w, p, ref, s: sanctions.move_trade(w, p, ref, evasion_on=True),
    "move_trade_no_evasion": lambda w, p, ref, s: sanctions.move_trade(w, p, ref, False),
    "diplomatic_isolation": lambda w, p, ref, s: sanctions.diplomatic_isolation(w, p, ref),
    "grow_economies": lambda w, p, ref, s: domestic.grow_economies(w, p, ref, s),
    "domestic_support": lambda w, p, ref, s: domestic.domestic_support(w, p, ref),
    "leadership_change": lambda w, p, ref, s: domestic.leadership_change(w, p, ref, s),
}

WORLD_FIELDS = [
    "sanctions",
    "sanction_target",
    "tension",
    "trade",
    "ties",
    "rerouted_abroad",
    "trade_outside",
    "access",
    "china_alignment",
    "china_engagement",
    "trade_expansion",
    "isolation_effort",
    "potential_gdp",
    "gdp",
    "capacity",
    "implementation",
    "war_intensity",
    "energy_supply",
    "dprk_revenue",
    "hardship",
    "support",
]
PARAM_FIELDS = [
    "sanction_speed",
    "sanction_tension",
    "sanction_bite",
    "secondary_bite",
    "evasion",
    "evasion_tolerance",
    "third_country_channel",
    "coalition_trade",
    "coalition_ties",
    "trade_adjustment",
    "ties_adjustment",
    "infrastructure",
    "war_drag",
    "gdp_noise",
    "criticality",
    "energy_elasticity",
    "revenue_to_military",
    "war_strain",
    "rally",
    "hardship_sensitivity",
    "support_ceiling",
    "support_recovery",
    "leadership_hazard",
]
SHOCK_FIELDS = ("normals", "uniforms")

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.3, 1e-9, 1e-300, 1e300, -1e300, math.nan, math.inf]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.floats(-2.0, 2.0),
    st.floats(0.0, 1.0),
    st.floats(allow_nan=True, allow_infinity=True),
)
EDITS = st.lists(
    st.tuples(
        st.sampled_from(WORLD_FIELDS + PARAM_FIELDS + list(SHOCK_FIELDS)),
        st.integers(0, 10**6),
        VALUES,
    ),
    max_size=25,
)


@pytest.fixture(scope="module")
def states():
    """Model states after 0 and 20 months of a scenario with sanctions, isolation, evasion
    and shocks everywhere (numpy path)."""
    kernels.set_kernels("numpy")
    try:
        out = []
        for name, months in (("sanctions_isolation", 20), ("leadership_change", 0)):
            scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
            model = AllianceModel(scenario.with_params(horizon_months=24), np.arange(32))
            for _ in range(months):
                model.step()
            out.append((model.world, model.params, model.reference, model.shocks.month(3)))
        return out
    finally:
        kernels.set_kernels(None)


def _apply(state, edits):
    w, p, ref, shocks = copy.deepcopy(state)
    for field, index, value in edits:
        if field in WORLD_FIELDS:
            array = getattr(w, field)
        elif field in PARAM_FIELDS:
            array = p.writable(field)  # its own array (a shared one is read-only)
        else:
            array = getattr(shocks, field)
        if field == "uniforms":
            value = abs(value) % 1.0 if math.isfinite(value) else 0.5
        array.reshape(-1)[index % array.size] = value
    return w, p, ref, shocks


def _run(state, mechanism, compiled):
    w, p, ref, shocks = copy.deepcopy(state)
    w.kernels = compiled
    with np.errstate(all="ignore"):
        MECHANISMS[mechanism](w, p, ref, shocks)
    return w


def assert_paths_agree(state, mechanism):
    reference = _run(state, mechanism, compiled=False)
    compiled = _run(state, mechanism, compiled=True)
    for name, values in vars(reference).items():
        if isinstance(values, np.ndarray):
            other = getattr(compiled, name)
            assert values.shape == other.shape, (mechanism, name)
            assert same_bits(values, other), (mechanism, name)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
def test_kernel_equals_numpy_on_model_states(states, mechanism):
    for state in states:
        assert_paths_agree(state, mechanism)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS, which=st.integers(0, 1))
def test_kernel_equals_numpy_on_edited_states(states, mechanism, edits, which):
    assert_paths_agree(_apply(states[which], edits), mechanism)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), spread=st.sampled_from([0.01, 0.5, 3.0]))
def test_kernel_equals_numpy_on_scattered_states(states, mechanism, seed, spread):
    """Every value read moved by a random factor (tensions anywhere in [0, 1]): the rounding
    of each operation meets many different operands."""
    rng = np.random.default_rng(seed)
    w, p, ref, shocks = copy.deepcopy(states[seed % 2])
    for owner, fields in ((w, WORLD_FIELDS), (p, PARAM_FIELDS)):
        for field in fields:
            array = owner.writable(field) if owner is p else getattr(owner, field)
            array *= np.exp(spread * rng.standard_normal(array.shape))
    w.tension[:] = rng.uniform(0.0, 1.0, w.tension.shape)
    w.support[:] = rng.uniform(0.0, 1.0, w.support.shape)
    shocks.uniforms[:] = rng.uniform(0.0, 1.0, shocks.uniforms.shape)
    assert_paths_agree((w, p, ref, shocks), mechanism)


@pytest.mark.parametrize("mechanism", list(MECHANISMS))
@pytest.mark.parametrize("value", [0.0, 1.0, math.nan, 1e300])
def test_kernel_equals_numpy_on_uniform_states(states, mechanism, value):
    """Every state and parameter the mechanisms read set to one value at once: tensions at
    0 and 1, zero trade and support, NaN everywhere, huge values."""
    w, p, ref, shocks = copy.deepcopy(states[0])
    for field in WORLD_FIELDS:
        getattr(w, field)[...] = value
    for field in PARAM_FIELDS:
        p.set(field, value)  # one value for all: stays stored once
    assert_paths_agree((w, p, ref, shocks), mechanism)


def test_sanctions_tighten_tension_to_one_and_loosen_to_zero(states):
    """Tightening pushes tensions past 1, relaxing leaves them: the clip on both paths."""
    w, p, ref, shocks = copy.deepcopy(states[0])
    w.tension[:] = 0.999
    w.sanctions[:] = 0.0
    w.sanction_target[:] = 1.0
    w.sanction_target[::2] = -1.0
    p.set("sanction_tension", 50.0)
    assert_paths_agree((w, p, ref, shocks), "impose_sanctions")
    after = _run((w, p, ref, shocks), "impose_sanctions", compiled=True)
    assert (after.tension[1::2, 2, 0] == 1.0).all()


def test_leadership_changes_happen_alike(states):
    """A hazard high enough that about half the replicates change leader this month."""
    w, p, ref, shocks = copy.deepcopy(states[1])
    p.set("leadership_hazard", 8.0)
    reference = _run((w, p, ref, shocks), "leadership_change", compiled=False)
    assert 0 < reference.leader_changed.sum() < len(reference.leader_changed)
    assert_paths_agree((w, p, ref, shocks), "leadership_change")


def test_support_at_zero_push_with_nan_ceiling(states):
    """Push exactly 0 takes the fall (np.where's push > 0): a NaN ceiling must not leak in."""
    w, p, ref, shocks = copy.deepcopy(states[0])
    p.set("rally", 0.0)
    p.set("hardship_sensitivity", 0.0)
    p.writable("support_ceiling")[::2] = math.nan
    assert_paths_agree((w, p, ref, shocks), "domestic_support")
    after = _run((w, p, ref, shocks), "domestic_support", compiled=True)
    assert np.isfinite(after.support).all()
