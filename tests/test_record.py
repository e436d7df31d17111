"""The compiled recorder (sim/model/mechanisms/record.py) writes what each series means, with
numpy's bits: the derived measures are numpy's reductions of the state, in numpy's order of
addition, signed zeros included."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.actors import BLOC_IDX, CHINA, DPRK, PENINSULA_IDX, RIVAL_IDX, SANCTIONER_IDX, USA
from sim.model.mechanisms.record import block_sum
from sim.model.model import AllianceModel
from sim.scenario.scenario import scenario_from_json


def bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64).view(np.int64)


def awkward(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values whose sum depends on the order of addition (magnitudes 1e-9 to 1e9, both
    signs), a third of them signed zeros."""
    values = rng.random(shape) * 10.0 ** rng.integers(-9, 9, shape) * rng.choice([-1, 1], shape)
    zeros = rng.random(shape) < 0.33
    values[zeros] = np.where(rng.random(shape) < 0.5, 0.0, -0.0)[zeros]
    return values


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.lists(st.integers(0, 6), min_size=1, max_size=4),
    columns=st.lists(st.integers(0, 6), min_size=1, max_size=7),
)
def test_a_block_sum_is_numpys_sum_of_the_gathered_block(seed, rows, columns):
    values = awkward(np.random.default_rng(seed), (3, 7, 7))
    expected = values[:, rows][:, :, columns].reshape(3, -1).sum(axis=1)
    got = [block_sum(values, r, tuple(rows), tuple(columns)) for r in range(3)]
    assert np.array_equal(bits(got), bits(expected))


def test_a_block_of_signed_zeros_sums_to_positive_zero_as_in_numpy():
    zeros = np.full((1, 7, 7), -0.0)
    assert not np.signbit(block_sum(zeros, 0, tuple(BLOC_IDX), tuple(RIVAL_IDX)))
    assert not np.signbit(block_sum(zeros, 0, (0,), (1, 2)))


@pytest.fixture(scope="module")
def ran() -> AllianceModel:
    model = AllianceModel(scenario_from_json('{"name": "recorded", "replicates": 5, "seed": 3}'))
    for _ in range(4):
        model.step()
    return model


def test_each_derived_series_is_its_definition_of_the_state_with_numpys_bits(ran):
    w, ref, last = ran.world, ran.reference, ran.recorder.arrays
    coalition = [ref.trade[:, SANCTIONER_IDX].sum(), ref.ties[:, SANCTIONER_IDX].sum()]
    expected = {
        "burden": w.spending / w.gdp,
        "sanctions_on": w.sanctions.mean(axis=1),
        "trade_access": w.access / ref.access,
        "trade_china": w.trade[:, :, CHINA],
        "energy_shortfall": np.maximum(0.0, 1.0 - w.energy_supply / ref.energy_need),
        "peninsula_tension": w.tension[:, DPRK, PENINSULA_IDX].mean(axis=1),
        "bloc_tension": w.tension[:, BLOC_IDX][:, :, RIVAL_IDX].reshape(5, -1).mean(axis=1),
        "us_china_tension": w.tension[:, USA, CHINA],
        "isolation_index": 0.5
        * (
            w.trade[:, :, SANCTIONER_IDX].reshape(5, -1).sum(axis=1) / coalition[0]
            + w.ties[:, :, SANCTIONER_IDX].reshape(5, -1).sum(axis=1) / coalition[1]
        ),
        "lifeline_index": (w.access / ref.access).mean(axis=1),
        "leader_changed": w.leader_changed.astype(float),
        "spending_plan": w.plan,
        "exercises": w.exercise_intensity,
    }
    for name, values in expected.items():
        recorded = last[name][4]  # the month just run
        assert np.array_equal(bits(recorded), bits(values.reshape(recorded.shape))), name


def test_every_plain_series_is_the_state_array_of_its_name(ran):
    for name, recorded in ran.recorder.arrays.items():
        state = getattr(ran.world, name, None)
        if state is not None:
            assert np.array_equal(recorded[4], state.reshape(recorded.shape[1:])), name


def test_a_run_recording_some_series_records_the_same_numbers_as_one_recording_all(ran):
    scenario = ran.sim_scenario
    some = AllianceModel(scenario, record=("isolation_index", "clashes", "spending"))
    for _ in range(4):
        some.step()
    assert set(some.recorder.arrays) == {"isolation_index", "clashes", "spending"}
    assert some.recorder.values.shape[2] == 1 + 1 + 7
    for name, values in some.recorder.arrays.items():
        assert np.array_equal(values[:5], ran.recorder.arrays[name][:5]), name
