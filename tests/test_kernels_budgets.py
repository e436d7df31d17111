"""The budget kernels (sim.model.kernels.budgets) give the numpy path's bits, mechanism by
mechanism, on states the scenarios do not reach: zero, negative, huge and NaN spending,
NaN and infinite plans, tensions at 0 and 1, several sub-steps, budget plans off."""

import copy
import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import assert_same_world

from sim.model.mechanisms import escalation
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.model.randomness import N_NORMAL, N_UNIFORM, Month
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, -1e300, np.inf, -np.inf, np.nan])
SEEDS = st.integers(0, 2**32 - 1)


@pytest.fixture(scope="module")
def start():
    """A baseline model of 9 replicates, a few months in."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        replicates=9, horizon_months=12
    )
    model = AllianceModel(scenario)
    for _ in range(4):
        model.step()
    return model.world, model.params, model.reference


def perturb(rng: np.random.Generator, a: np.ndarray, share: float = 0.15) -> np.ndarray:
    """A copy with, at random, special values (0, -0, +-1, tiny, huge, inf, NaN), scaled
    entries or noise in a share of its entries, or unchanged."""
    a = np.array(a, dtype=float)
    mask = rng.random(a.shape) < share
    mode = rng.integers(4)
    if mode == 0:
        a[mask] = rng.choice(SPECIAL, size=int(mask.sum()))
    elif mode == 1:
        a *= rng.lognormal(0.0, 1.0, a.shape)
    elif mode == 2:
        a[mask] = rng.normal(0.0, 10.0, int(mask.sum()))
    return a


def perturbed(rng, world, params, ref, world_names=(), param_names=(), ref_names=()):
    """Copies of the state with the named arrays perturbed."""
    w = copy.deepcopy(world)
    for name in world_names:
        setattr(w, name, perturb(rng, getattr(w, name)))
    arrays = {name: getattr(params, name).copy() for name in params.names()}
    for name in param_names:
        arrays[name] = perturb(rng, arrays[name])
    changes = {}
    for name in ref_names:
        value = getattr(ref, name)
        changes[name] = perturb(rng, value) if isinstance(value, np.ndarray) else value
    if "buildup" in ref_names:
        changes["buildup"] = float(rng.choice([0.0, 0.3, 1.0, 1e300, np.nan]))
    if "exercise_intensity" in ref_names:
        changes["exercise_intensity"] = float(rng.choice([0.0, 0.4, 1.0, -1.0, np.nan]))
    return w, Params(arrays), dataclasses.replace(ref, **changes)


def shocks(rng: np.random.Generator, replicates: int, special: bool = True) -> Month:
    """A month's shocks as the model passes them: views into a larger array."""
    normals = rng.normal(size=(replicates, 3, N_NORMAL))
    if special:
        normals[:, 1] = perturb(rng, normals[:, 1], 0.05)
    return Month(normals[:, 1], rng.random((replicates, 3, N_UNIFORM))[:, 1])


def both_paths(mechanism, world, *args):
    """The mechanism on two copies of the world, numpy then kernels; both worlds and results."""
    out = []
    for kernels in (False, True):
        w = copy.deepcopy(world)
        w.kernels = kernels
        with np.errstate(all="ignore"):
            result = mechanism(w, *args)
        out.append((w, result))
    (a, _), (b, _) = out
    assert_same_world(a, b)
    return a, b


CAPABILITY = dict(
    world_names=("spending", "capability_factor", "tech", "cyber", "exercise_intensity"),
    param_names=("cyber_weight", "exercise_boost"),
    ref_names=("tech", "cyber", "exercise_intensity"),
)

BUILDUP = dict(
    world_names=(
        "spending",
        "plan",
        "committed",
        "spending_trend",
        "capability_factor",
        "us_buildup",
        "war_intensity",
        "war_demand",
        "dprk_revenue",
        "russia_presence",
    ),
    param_names=(
        "plan_growth",
        "plan_years",
        "budget_adjustment",
        "buildup_cost",
        "war_share",
        "revenue_to_military",
        "presence_threat",
        "tension_sensitivity",
        "reactivity",
        "reassurance",
        "fatigue",
        "grievance",
        "spending_noise",
    ),
    ref_names=("spending", "tension", "gdp_trend", "buildup", "dprk_revenue"),
)


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_update_capability_kernel_is_bit_identical(start, seed):
    rng = np.random.default_rng(seed)
    w, p, ref = perturbed(rng, *start, **CAPABILITY)
    both_paths(escalation.update_capability, w, p, ref)


@settings(max_examples=80, deadline=None)
@given(
    seed=SEEDS,
    substeps=st.integers(1, 4),
    plans=st.booleans(),
    month=st.sampled_from([0, 1, 7, 18, 59, 60, 131, 132, 600]),
    tension=st.sampled_from(["as is", "zero", "one", "perturbed", "mixed"]),
)
def test_arms_buildup_kernels_are_bit_identical(start, seed, substeps, plans, month, tension):
    rng = np.random.default_rng(seed)
    w, p, ref = perturbed(rng, *start, **BUILDUP)
    w.month = month
    if tension == "zero":
        w.tension = np.zeros_like(w.tension)
    elif tension == "one":
        w.tension = np.ones_like(w.tension)
    elif tension == "perturbed":
        w.tension = perturb(rng, w.tension)
    elif tension == "mixed":
        w.tension = rng.choice([0.0, 1.0], size=w.tension.shape)
    month_shocks = shocks(rng, w.replicates)
    a, _ = both_paths(escalation.arms_buildup, w, p, ref, month_shocks, substeps, plans)
    assert a.plan is not w.plan and a.spending is not w.spending


def test_arms_buildup_follows_budget_plan_with_infinite_or_missing_growth(start):
    """log1p(nan_to_num(g)) in budget_plan: +inf is the largest float there, NaN the trend."""
    world, params, ref = start
    rng = np.random.default_rng(0)
    for value, month in itertools.product((np.inf, -np.inf, np.nan, -1.0, -2.0, 0.0), (0, 30)):
        w, p, _ = perturbed(rng, world, params, ref)
        p.plan_growth[::2, 1::3] = value
        p.plan_years[1::3] = np.inf
        p.plan_years[2::3] = 0.0  # the plan's growth weighs 0: log1p(+inf) would give NaN
        w.month = month
        a, _ = both_paths(escalation.arms_buildup, w, p, ref, shocks(rng, w.replicates), 2)
        with np.errstate(all="ignore"):
            expected = escalation.budget_plan(w, p, ref)
        assert np.array_equal(a.plan, expected, equal_nan=True)


def test_update_trend_keeps_growth_where_a_budget_is_not_positive(start):
    world, params, ref = start
    w = copy.deepcopy(world)
    w.spending[0] = [0.0, -0.0, -1.0, np.nan, np.inf, 1e-300, 5.0]
    w.spending[1] = 0.0
    p = Params({name: getattr(params, name).copy() for name in params.names()})
    p.spending_noise[:] = 0.0
    p.plan_growth[:2] = np.nan
    both_paths(escalation.arms_buildup, w, p, ref, shocks(np.random.default_rng(1), 9), 1, False)


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_budget_ceiling_kernel_is_bit_identical(start, seed):
    rng = np.random.default_rng(seed)
    w, p, _ = perturbed(
        rng,
        *start,
        world_names=("spending", "gdp", "capability_factor"),
        param_names=("max_burden",),
    )
    both_paths(escalation.budget_ceiling, w, p)


def test_budget_ceiling_keeps_numpys_nan_and_signed_zero_rules(start):
    world, params, _ = start
    w = copy.deepcopy(world)
    p = Params({name: getattr(params, name).copy() for name in params.names()})
    values = [np.nan, -0.0, 0.0, -1.0, 1e300, np.inf, -np.inf]
    ceilings = [np.nan, -0.0, 0.0, -1.0, 1.0, np.inf, -np.inf]
    for r in range(w.replicates):
        w.spending[r] = np.roll(values, r)
        p.max_burden[r] = np.roll(ceilings, 2 * r)
        w.gdp[r] = 1.0
    a, b = both_paths(escalation.budget_ceiling, w, p)
    assert np.array_equal(np.signbit(a.spending), np.signbit(b.spending))


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS)
def test_dprk_threat_kernel_is_bit_identical(start, seed):
    rng = np.random.default_rng(seed)
    w, p, ref = perturbed(
        rng,
        *start,
        world_names=("capability", "tension"),
        param_names=("tension_sensitivity", "reactivity"),
        ref_names=("tension",),
    )
    with np.errstate(all="ignore"):
        expected = escalation.dprk_threat(p, w.capability, w.tension, ref.tension)
        compiled = escalation.dprk_threat(p, w.capability, w.tension, ref.tension, kernels=True)
    assert np.array_equal(expected, compiled, equal_nan=True)


def test_the_month_of_budgets_matches_at_a_realistic_state(start):
    """The mechanisms in the model's order, several months, on an unperturbed state."""
    world, p, ref = start
    rng = np.random.default_rng(3)
    a, b = copy.deepcopy(world), copy.deepcopy(world)
    a.kernels, b.kernels = False, True
    for month in range(5, 40):
        month_shocks = shocks(rng, world.replicates, special=False)
        for w in (a, b):
            w.month = month
            escalation.update_capability(w, p, ref)
            escalation.arms_buildup(w, p, ref, month_shocks, 1 + month % 3)
            escalation.budget_ceiling(w, p)
        assert_same_world(a, b)
    assert np.isfinite(a.spending).all() and a.spending_trend.std() > 0
