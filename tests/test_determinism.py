"""Same scenario and seed, same results bit for bit, whatever the batch a replicate is in."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import load_scenario, run
from sim.model.model import AllianceModel

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
R = 24


@pytest.fixture(scope="module")
def sanctions():
    return load_scenario(SCENARIOS / "sanctions_isolation.yaml").with_params(
        replicates=R, horizon_months=60
    )


@pytest.fixture(scope="module")
def batch(sanctions):
    return run(sanctions, progress=False)


def assert_same(full, part, ids):
    for name, values in full.arrays.items():
        assert np.array_equal(values[:, ids], part.arrays[name]), name
    expected = full.outcomes.iloc[ids].reset_index(drop=True)
    assert expected.equals(part.outcomes.reset_index(drop=True))


def test_same_scenario_and_seed_give_identical_results(sanctions, batch):
    again = run(sanctions, progress=False)
    assert_same(batch, again, list(range(R)))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ids=st.lists(st.integers(0, R - 1), min_size=1, max_size=5, unique=True))
def test_a_replicate_is_the_same_in_any_batch(sanctions, batch, ids):
    part = run(sanctions, replicate_ids=np.array(ids), progress=False)
    assert_same(batch, part, ids)


def test_a_different_seed_gives_different_paths(sanctions, batch):
    other = run(sanctions, seed=sanctions.spec.seed + 1, progress=False)
    assert not np.array_equal(other.arrays["spending"], batch.arrays["spending"])


def test_scenarios_with_the_same_seed_share_their_shocks():
    """Common random numbers: a policy change does not change the noise a replicate sees."""
    base = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=8)
    variant = load_scenario(SCENARIOS / "us_buildup.yaml").with_params(replicates=8)
    a, b = AllianceModel(base), AllianceModel(variant)
    assert np.array_equal(a.shocks.normals, b.shocks.normals)
    assert np.array_equal(a.shocks.uniforms, b.shocks.uniforms)


def test_mesas_shared_generators_refuse_to_draw():
    """A draw from model.rng / model.random (or a shuffled activation) would tie a replicate's
    path to its batch; the model refuses them and names the per-replicate streams."""
    model = AllianceModel(load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=2))
    for draw in (
        lambda: model.rng.random(),
        lambda: model.random.random(),
        lambda: model.agents.shuffle_do("decide"),
    ):
        with pytest.raises(RuntimeError, match="per-replicate streams"):
            draw()
    model.step()  # the model itself never touches them
