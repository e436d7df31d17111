"""The tension kernels (sim.model.kernels.tension) give the numpy path's bits, mechanism by
mechanism, on states the scenarios do not reach: tensions at 0, 1 and outside, NaN, -0.0,
infinities, zero and negative rates, months with no clash at all and months with many.

Each case copies a model's state, perturbs it, runs the mechanism once with w.kernels False
(the numpy reference) and once True, and compares every World array bit for bit (NaN where
NaN, the sign of zeros included). The kernels run compiled and, to pin the Python source
the compiler reads, uncompiled.
"""

import copy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import assert_same_world, same_bits

from sim.actors import (
    BLOC,
    BLOC_IDX,
    DPRK,
    N_ACTORS,
    PENINSULA_IDX,
    RIVAL_IDX,
    RIVALS,
    RUSSIA,
    USA,
)
from sim.calendar import DT
from sim.model import kernels
from sim.model.mechanisms import escalation
from sim.model.model import AllianceModel
from sim.model.randomness import N_NORMAL, N_UNIFORM, UNIFORM_SLICES, Month
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]
R = 16
HEALTH = [HealthCheck.function_scoped_fixture]
SPECIALS = (0.0, -0.0, 1.0, 0.5, 2.0, -1.0, 1e300, -1e300, np.inf, np.nan)

WORLD_ARRAYS = (
    "tension",
    "provocation_rate",
    "dialogue_progress",
    "capability",
    "plan",
    "spending_trend",
    "commitment",
    "capacity",
    "us_buildup",
    "clashes",
)

PARAMS = (
    "exercises",
    "exercise_tension",
    "provocation_size",
    "dialogue_setback",
    "provocation_rate",
    "threat_response",
    "dialogue_effect",
    "buildup_tension",
    "trade_tension",
    "trade_pressure",
    "tension_decay",
    "tension_noise",
    "tension_sensitivity",
    "reactivity",
    "clash_hazard",
    "clash_floor",
    "clash_slope",
    "clash_tension",
    "escalation_race",
    "escalation_base",
)


@pytest.fixture(scope="module")
def state():
    """A baseline model (numpy path) six months in: its World, Params and Reference."""
    kernels.set_kernels("numpy")
    try:
        scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
        model = AllianceModel(scenario.with_params(replicates=R, horizon_months=12))
        for _ in range(6):
            model.step()
    finally:
        kernels.set_kernels(None)
    return model.world, model.params, model.reference


@pytest.fixture(params=["compiled", "python"])
def kernel_source(request, monkeypatch):
    """The compiled kernels, or their plain Python source run uncompiled."""
    if request.param == "python":
        source = kernels.python_kernels()
        monkeypatch.setattr(escalation, "kernel", lambda name: source[name])
    return request.param


def scatter(rng, array, specials, share):
    """Put special values at a share of an array's entries (in place)."""
    if share == 0 or not specials:
        return
    flat = array.reshape(-1)
    where = rng.random(flat.shape) < share
    flat[where] = rng.choice(np.asarray(specials), size=int(where.sum()))


def perturbed(state, seed, specials, share, shift=0.0, jitter=False):
    """A deep copy of the state with special values scattered over the arrays the tension
    mechanisms read (after scaling each entry by a random factor in [0.5, 1.5) if jitter,
    so that every rounding shows), and a month of shocks (strided views, as the model's
    are)."""
    w, p, ref = copy.deepcopy(state)
    rng = np.random.default_rng(seed)
    w.tension += shift * rng.standard_normal(w.tension.shape)
    arrays = [getattr(w, name) for name in WORLD_ARRAYS]
    if jitter or (share and specials):  # the parameters get their own arrays to change
        arrays += [p.writable(n) for n in PARAMS]  # (untouched, they stay shared)
    for array in arrays:
        if jitter:
            array *= rng.uniform(0.5, 1.5, array.shape)
        scatter(rng, array, specials, share)
    uniforms = rng.random((R, 3, N_UNIFORM))
    uniforms[rng.random(uniforms.shape) < share] = 0.0
    uniforms[rng.random(uniforms.shape) < share] = np.nextafter(1.0, 0.0)
    shocks = Month(rng.standard_normal((R, 3, N_NORMAL))[:, 1], uniforms[:, 1])
    return w, p, ref, shocks


def both(state_tuple, call):
    """Run `call(w, p, ref)` on two copies, numpy then kernels; the worlds and results."""
    out = []
    for use in (False, True):
        w, p, ref = copy.deepcopy(state_tuple)
        w.kernels = use
        with np.errstate(all="ignore"):
            result = call(w, p, ref)
        out.append((w, p, result))
    return out


def check(state_tuple, call):
    (w0, p0, r0), (w1, p1, r1) = both(state_tuple, call)
    assert_same_world(w0, w1)
    for name in p0.names():
        assert same_bits(getattr(p0, name), getattr(p1, name)), name
    if r0 is not None:
        assert same_bits(r0, r1), "result"
    return w0


MECHANISMS = {
    "joint_exercises": lambda s: lambda w, p, ref: escalation.joint_exercises(w, p),
    "provocations": lambda s: lambda w, p, ref: escalation.provocations(w, p, s),
    "dprk_provocation_rate": lambda s: escalation.dprk_provocation_rate,
    "us_force_buildup": lambda s: lambda w, p, ref: escalation.us_force_buildup(w, p),
    "us_china_rivalry": lambda s: lambda w, p, ref: escalation.us_china_rivalry(w, p),
    "tension_dynamics": lambda s: lambda w, p, ref: escalation.tension_dynamics(w, p, ref, s),
    "armed_clashes": lambda s: lambda w, p, ref: escalation.armed_clashes(w, p, ref, s, 0.05),
}

special_sets = st.sets(st.sampled_from(range(len(SPECIALS)))).map(
    lambda picked: [SPECIALS[i] for i in sorted(picked)]
)


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    specials=special_sets,
    share=st.sampled_from([0.0, 0.05, 0.3]),
    shift=st.sampled_from([0.0, 0.5]),
    jitter=st.booleans(),
)
def test_mechanism_kernels_match_numpy(
    state, kernel_source, mechanism, seed, specials, share, shift, jitter
):
    w, p, ref, shocks = perturbed(state, seed, specials, share, shift, jitter)
    check((w, p, ref), MECHANISMS[mechanism](shocks))


def test_the_model_state_as_it_is(state, kernel_source):
    """No perturbation: the baseline's own state and shocks, every mechanism."""
    for make in MECHANISMS.values():
        w, p, ref, shocks = perturbed(state, 1, [], 0.0)
        check((w, p, ref), make(shocks))


@pytest.mark.parametrize(
    "hazard",
    [0.0, 1e6],
    ids=["no clash anywhere", "clashes everywhere"],
)
@pytest.mark.parametrize("tension", [-0.0, 1.5, -0.25, np.nan])
def test_armed_clashes_all_or_nothing(state, kernel_source, hazard, tension):
    """No clash in any replicate leaves every dyad as it is (apply_clashes returns at once),
    even a tension outside [0, 1]; clashes everywhere add clash_tension to each, escalate and
    call partners in."""
    w, p, ref, shocks = perturbed(state, 7, [], 0.0)
    p.set("clash_hazard", hazard)
    p.set("clash_floor", 0.0 if hazard == 0.0 else 1.0)
    w.tension[::2, BLOC_IDX[0], USA] = tension
    w.spending_trend[1::3] = 1.0  # an arms race in some replicates
    w.commitment[::4] = [1.0, 0.0]
    result = check((w, p, ref), lambda w, p, ref: escalation.armed_clashes(w, p, ref, shocks, 0.05))
    if hazard == 0.0:
        assert same_bits(result.tension, w.tension)
        assert same_bits(result.clashes, w.clashes)
    else:  # the odd replicates keep their tension finite: every dyad clashes
        assert (result.clashes - w.clashes)[1::2].min() == len(BLOC) * len(RIVALS)
        assert result.wars.sum() > 0 and result.reciprocity.sum() > 0


def clash_chance(w, p, ref):
    """armed_clashes' chance of a clash per dyad, (R, 2 * n_rivals), as numpy computes it."""
    dyads = w.tension[:, BLOC_IDX][:, :, RIVAL_IDX]
    dyads_2024 = ref.tension[BLOC_IDX][:, RIVAL_IDX]
    base = p.clash_hazard[:, None, None] * (ref.clash_rates + p.clash_floor[:, None, None])
    rate = base * np.exp(p.clash_slope[:, None, None] * (dyads - dyads_2024))
    return (-np.expm1(-rate * DT)).reshape(R, -1)


@settings(max_examples=25, deadline=None, suppress_health_check=HEALTH)
@given(seed=st.integers(0, 2**32 - 1))
def test_clash_chance_to_the_last_bit(state, kernel_source, seed):
    """Uniforms exactly at numpy's clash chance (no clash: u < chance fails) or one step
    below it (a clash): a chance one ulp off in the kernels would flip a clash."""
    w, p, ref, shocks = perturbed(state, seed, [], 0.0, shift=0.3, jitter=True)
    p.set("clash_hazard", 50.0 * p.clash_hazard)
    w.clashes[:] = 0.0
    chance = clash_chance(w, p, ref)
    below = np.random.default_rng(seed).random(chance.shape) < 0.5
    u = np.where(below, np.nextafter(chance, 0.0), chance)
    shocks.uniforms[:, UNIFORM_SLICES["clash"]] = u
    result = check((w, p, ref), lambda w, p, ref: escalation.armed_clashes(w, p, ref, shocks, 0.05))
    assert (result.clashes == (below & (chance > 0)).sum(axis=1)).all()


@settings(max_examples=25, deadline=None, suppress_health_check=HEALTH)
@given(seed=st.integers(0, 2**32 - 1), events=st.integers(0, 6))
def test_provocation_counts_to_the_last_bit(state, kernel_source, seed, events):
    """Uniforms exactly at _poisson's cumulative probability of `events` events (so that
    count = events + 1) or one step below (count = events): a cumulative one ulp off in the
    kernels would change a count."""
    w, p, ref, shocks = perturbed(state, seed, [], 0.0, jitter=True)
    rng = np.random.default_rng(seed)
    rate = w.provocation_rate = rng.uniform(0.0, 4.0, R)
    term = np.exp(-rate)
    cumulative, previous = term.copy(), np.zeros(R)
    for k in range(1, events + 1):
        term = term * rate / k
        previous, cumulative = cumulative, cumulative + term
    below = rng.random(R) < 0.5
    u = np.where(below, np.nextafter(cumulative, 0.0), cumulative)
    shocks.uniforms[:, UNIFORM_SLICES["provocation_count"]] = u[:, None]
    result = check((w, p, ref), lambda w, p, ref: escalation.provocations(w, p, shocks))
    following = cumulative + term * rate / (events + 1)
    fits = (previous < cumulative) & (cumulative < following)  # strict steps around u
    assert (result.provocations[fits] == np.where(below, events, events + 1)[fits]).all()


def test_one_clash_makes_every_dyad_clip(state, kernel_source):
    """A single clash anywhere: every replicate's bloc-rival dyads pass through the clip."""
    w, p, ref, shocks = perturbed(state, 3, [], 0.0)
    p.set("clash_hazard", 0.0)
    p.set("clash_floor", 0.0)
    p.writable("clash_hazard")[5] = 1e6
    w.tension[:, RUSSIA, USA] = 1.5
    w.tension[:, USA, RUSSIA] = -0.0
    result = check((w, p, ref), lambda w, p, ref: escalation.armed_clashes(w, p, ref, shocks, 0.05))
    assert (result.tension[:, RUSSIA, USA] == 1.0).all()


@pytest.mark.parametrize("rate", [0.0, -0.0, 1e-300, 0.7, 25.0, 1e300, np.inf, np.nan, -0.5])
def test_provocation_counts(state, kernel_source, rate):
    """_poisson's inversion: zero and tiny rates, the 30-event cap, NaN and infinite rates,
    and a negative rate (where _poisson's cumulative falls and all replicates step together)."""
    w, p, ref, shocks = perturbed(state, 11, [], 0.0)
    w.provocation_rate[::2] = rate
    result = check((w, p, ref), lambda w, p, ref: escalation.provocations(w, p, shocks))
    if rate == 25.0:
        assert result.provocations[::2].max() > 10


def test_provocation_counts_with_falling_cumulative(state, kernel_source):
    """Negative rates make _poisson's cumulative fall: a replicate above it at one step can
    be below it later, and the loop runs while any replicate is below."""
    w, p, ref, shocks = perturbed(state, 5, [], 0.0)
    w.provocation_rate[:] = np.linspace(-3.0, 4.0, R)
    shocks.uniforms[:, UNIFORM_SLICES["provocation_count"]] = np.linspace(0.0, 0.99, R)[:, None]
    check((w, p, ref), lambda w, p, ref: escalation.provocations(w, p, shocks))


@pytest.mark.parametrize(
    "amount",
    [
        lambda r: 0.25,
        lambda r: np.array([0.1, -2.0, np.nan]),
        lambda r: np.linspace(-1.0, 2.0, r)[:, None],
        lambda r: np.array([[0.3, -0.0, np.inf]]),
        lambda r: np.linspace(-1.0, 2.0, 3 * r).reshape(r, 3),
        lambda r: np.linspace(-1.0, 2.0, 9 * r).reshape(r, 3, 3)[:, 1],  # strided
        lambda r: np.arange(3 * r).reshape(r, 3) % 2 == 0,  # bool
        lambda r: np.arange(3 * r).reshape(r, 3) - 1,  # int
    ],
)
def test_add_tension_broadcasts_as_numpy(state, kernel_source, amount):
    """add_tension (also called by sanctions and responses): every shape of `amount` numpy
    broadcasts to (R, len(others)), contiguous or not, float, bool or int."""
    w, p, ref, _ = perturbed(state, 2, list(SPECIALS), 0.1)
    others = [PENINSULA_IDX[0], USA, N_ACTORS - 1]
    check((w, p, ref), lambda w, p, ref: escalation.add_tension(w, DPRK, others, amount(R)))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), specials=special_sets)
def test_forced_steps_match_numpy(state, kernel_source, seed, specials):
    """The events' forced steps: a provocation (provoke) and clashes with given outcomes
    (apply_clashes), on perturbed states."""
    w, p, ref, _ = perturbed(state, seed, specials, 0.2)
    rng = np.random.default_rng(seed)
    one = np.ones(R)
    check((w, p, ref), lambda w, p, ref: escalation.provoke(w, p, count=one, size=one))
    shape = (R, len(BLOC), len(RIVALS))
    clash, escalate, joins = (rng.random(shape) < 0.5 for _ in range(3))
    check((w, p, ref), lambda w, p, ref: escalation.apply_clashes(w, p, clash, escalate, joins))


def test_whole_runs_with_wild_parameters_match(restore_kernels_mode):
    """Whole runs of every mechanism with clash hazards high enough that clashes, wars and
    reciprocity happen often, and frequent provocations."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        {"world.clash_hazard": 20.0, "world.clash_slope": 6.0, "dprk.provocation_rate": 3.0},
        horizon_months=24,
    )
    out = {}
    for mode in ("numpy", "numba"):
        kernels.set_kernels(mode)
        model = AllianceModel(scenario, replicate_ids=np.arange(24))
        with np.errstate(all="ignore"):
            for _ in range(model.months):
                model.step()
        out[mode] = model.world
    assert_same_world(out["numpy"], out["numba"])
    assert out["numpy"].wars.sum() > 0 and out["numpy"].reciprocity.sum() > 0


@pytest.fixture
def restore_kernels_mode():
    yield
    kernels.set_kernels(None)
