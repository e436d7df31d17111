"""The kernels of the decisions, the recorder and the finite-state check
(sim.model.kernels.decisions and .recording) give the numpy path's bits on states the
scenarios do not reach: zero, negative, huge, infinite and NaN values, -0.0, tensions at 0
and 1, leadership changed or not, mechanisms switched off, a recorder limited to some series."""

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import assert_same_world, same_bits

from sim.actors import BLOC_IDX, RIVAL_IDX
from sim.errors import ScenarioError
from sim.model.kernels import kernel, python_kernels
from sim.model.kernels.recording import DERIVED_SERIES
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.model.randomness import N_NORMAL, N_UNIFORM, Month
from sim.model.recording import SERIES, SERIES_BY_NAME, Field, Recorder
from sim.results.outcomes import OUTCOME_SERIES
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, -1e300, np.inf, -np.inf, np.nan])
SEEDS = st.integers(0, 2**32 - 1)
REFERENCE_ARRAYS = ("tension", "sanctions", "access", "trade_rest", "ties_rest")
REFERENCE_FLOATS = ("dialogue_progress", "provocation_rate", "energy_need")


@pytest.fixture(scope="module")
def model():
    """A baseline model of 9 replicates, a few months in; its state is swapped per test."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        replicates=9, horizon_months=12
    )
    model = AllianceModel(scenario)
    for _ in range(4):
        model.step()
    return model


def perturb(rng: np.random.Generator, a: np.ndarray, share: float = 0.2) -> np.ndarray:
    """A copy with, at random, special values (0, -0, +-1, tiny, huge, inf, NaN), values in
    [0, 1] with both ends, noise, or unchanged, in a share of its entries."""
    a = np.array(a, dtype=float)
    mask = rng.random(a.shape) < share
    mode = rng.integers(5)
    if mode == 0:
        a[mask] = rng.choice(SPECIAL, size=int(mask.sum()))
    elif mode == 1:
        a[mask] = rng.choice([0.0, 1.0, 0.25, 0.999], size=int(mask.sum()))
    elif mode == 2:
        a[mask] = rng.normal(0.0, 10.0, int(mask.sum()))
    elif mode == 3:
        a *= rng.lognormal(0.0, 1.0, a.shape)
    return a


def perturbed_state(rng: np.random.Generator, model: AllianceModel, share: float = 0.2):
    """Copies of the model's world, parameters and reference, every float array perturbed;
    leadership changed at random; this month's shocks."""
    w = copy.deepcopy(model.world)
    for name, value in vars(w).items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            setattr(w, name, perturb(rng, value, share))
    w.leader_changed = rng.random(w.replicates) < 0.5
    p = model.params
    params = Params({name: perturb(rng, getattr(p, name), share) for name in p.names()})
    ref = model.reference
    changes = {name: perturb(rng, getattr(ref, name), share) for name in REFERENCE_ARRAYS}
    for name in REFERENCE_FLOATS:
        changes[name] = float(rng.choice([getattr(ref, name), 0.0, 1.0, -0.5, 1e300, np.nan]))
    normals = rng.normal(size=(w.replicates, 3, N_NORMAL))
    normals[:, 1] = perturb(rng, normals[:, 1], 0.05)
    month = Month(normals[:, 1], rng.random((w.replicates, 3, N_UNIFORM))[:, 1])
    return w, params, dataclasses.replace(ref, **changes), month


def decide_both_ways(model, state, switches=None):
    """Every agent decides, in the model's order, on a copy of the state: numpy, then the
    kernels; the two worlds after."""
    world, params, ref, month = state
    saved = (model.world, model.params, model.reference, model.shocks_now, model._switches)
    out = []
    try:
        for kernels in (False, True):
            model.world = copy.deepcopy(world)
            model.world.kernels = kernels
            model.params = copy.deepcopy(params)
            model.reference, model.shocks_now = ref, month
            model._switches = {**saved[4], **(switches or {})}
            with np.errstate(all="ignore"):
                model.agents.do("decide")
            out.append(model.world)
    finally:
        model.world, model.params, model.reference, model.shocks_now, model._switches = saved
    return out


@settings(max_examples=60, deadline=None)
@given(SEEDS, st.sampled_from([0.05, 0.2, 0.6]))
def test_decisions_match_numpy(model, seed, share):
    numpy_world, kernel_world = decide_both_ways(
        model, perturbed_state(np.random.default_rng(seed), model, share)
    )
    assert_same_world(numpy_world, kernel_world)


@settings(max_examples=20, deadline=None)
@given(SEEDS, st.booleans(), st.booleans(), st.booleans())
def test_decisions_match_numpy_with_mechanisms_off(model, seed, alignment, talks, provocations):
    switches = {
        "china_alignment": alignment,
        "us_dprk_talks": talks,
        "provocations": provocations,
    }
    state = perturbed_state(np.random.default_rng(seed), model)
    numpy_world, kernel_world = decide_both_ways(model, state, switches)
    assert_same_world(numpy_world, kernel_world)


def test_decisions_keep_minus_zero_and_nan(model):
    """np.clip, np.maximum(0, x) and np.minimum(1, x) keep -0.0 and NaN; so do the kernels."""
    world, params, ref, month = perturbed_state(np.random.default_rng(1), model, 0.0)
    r = world.replicates
    world.tension[:, :, :] = 0.0
    world.tension[: r // 2] = np.nan
    world.dialogue_progress[:] = np.where(np.arange(r) % 2, -0.0, np.nan)
    world.support[:] = -0.0
    for name in ("sanction_tightening", "buildup", "coalition_bias", "dialogue"):
        getattr(params, name)[:] = -0.0
    numpy_world, kernel_world = decide_both_ways(model, (world, params, ref, month))
    assert_same_world(numpy_world, kernel_world)
    assert np.signbit(kernel_world.commitment).any()


def record_both_ways(model, state, names=None, months=(0, 3)):
    """The recorders of both paths after recording the state at some months."""
    world, _, ref, _ = state
    out = []
    for kernels in (False, True):
        w = copy.deepcopy(world)
        w.kernels = kernels
        recorder = Recorder(max(months), w.replicates, names)
        with np.errstate(all="ignore"):
            for month in months:
                recorder.record(month, w, ref)
        out.append(recorder)
    return out


@settings(max_examples=60, deadline=None)
@given(SEEDS, st.sampled_from([0.0, 0.05, 0.2, 0.6]))
def test_recording_matches_numpy(model, seed, share):
    state = perturbed_state(np.random.default_rng(seed), model, share)
    numpy_rec, kernel_rec = record_both_ways(model, state)
    assert numpy_rec.arrays.keys() == kernel_rec.arrays.keys() == SERIES_BY_NAME.keys()
    for name, values in numpy_rec.arrays.items():
        got = kernel_rec.arrays[name]
        assert got.shape == values.shape and got.dtype == values.dtype, name
        assert same_bits(values[[0, 3]], got[[0, 3]]), name


@settings(max_examples=20, deadline=None)
@given(SEEDS, st.sets(st.sampled_from([s.name for s in SERIES]), min_size=1))
def test_recording_only_the_named_series(model, seed, names):
    state = perturbed_state(np.random.default_rng(seed), model)
    for chosen in (tuple(sorted(names)), tuple(OUTCOME_SERIES)):
        numpy_rec, kernel_rec = record_both_ways(model, state, chosen, months=(1, 2))
        assert set(kernel_rec.arrays) == set(numpy_rec.arrays) == set(chosen)
        for name, values in numpy_rec.arrays.items():
            assert same_bits(values[1:], kernel_rec.arrays[name][1:]), name


def test_every_series_is_copied_or_derived_by_the_kernel():
    """The recorder's kernel covers every series (none falls back to its getter), and its
    bloc tension is the mean of 2 x 4 dyads."""
    copied = {s.name for s in SERIES if isinstance(s.get, Field)}
    assert copied.isdisjoint(DERIVED_SERIES)
    assert copied | set(DERIVED_SERIES) == set(SERIES_BY_NAME)
    assert Recorder(1, 2)._by_getter == []
    assert len(BLOC_IDX) * len(RIVAL_IDX) == 8


def check_finite_error(model, world, kernels):
    """The message of the error _check_finite raises on this world, or None."""
    saved = model.world
    model.world = copy.deepcopy(world)
    model.world.kernels = kernels
    try:
        model._check_finite(5)
    except ScenarioError as error:
        return str(error)
    finally:
        model.world = saved
    return None


@settings(max_examples=60, deadline=None)
@given(SEEDS, st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -0.0, 5e-324]), st.integers(0, 3))
def test_check_finite_raises_the_same_error(model, seed, value, count):
    rng = np.random.default_rng(seed)
    world = copy.deepcopy(model.world)
    floats = [
        n for n, v in vars(world).items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"
    ]
    for _ in range(count):
        array = getattr(world, str(rng.choice(floats)))
        array.reshape(-1)[rng.integers(array.size)] = value
    expected = check_finite_error(model, world, False)
    assert check_finite_error(model, world, True) == expected
    if count and not np.isfinite(value):
        assert expected is not None and "stopped being a finite number" in expected


def test_check_finite_names_the_first_array_and_replicate(model):
    world = copy.deepcopy(model.world)
    world.tension[6, 3, 2] = np.nan
    world.eu_support[4] = np.inf
    world.spending_trend = world.spending_trend.astype(np.float32)  # any float array
    message = check_finite_error(model, world, True)
    assert message == check_finite_error(model, world, False)
    assert "(tension)" in message and f"replicate {model.replicate_ids[6]}" in message
    world.spending_trend[8, 0] = np.float32(np.inf)
    message = check_finite_error(model, world, True)
    assert "(spending_trend)" in message and f"replicate {model.replicate_ids[8]}" in message


def test_first_non_finite_compiled_and_plain():
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=n) for n in (0, 1, 7, 64, 1001)]
    plain = python_kernels()["first_non_finite"]
    assert kernel("first_non_finite")(tuple(arrays)) == plain(tuple(arrays)) == -1
    for value in (np.nan, -np.nan, np.inf, -np.inf):
        for k in (1, 4):
            bad = [a.copy() for a in arrays]
            bad[k][-1] = value
            assert kernel("first_non_finite")(tuple(bad)) == plain(tuple(bad)) == k
    huge = [np.array([np.finfo(float).max, -np.finfo(float).max, 5e-324, -0.0])]
    assert kernel("first_non_finite")(tuple(huge)) == -1
