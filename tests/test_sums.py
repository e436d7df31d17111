"""The compiled means and sums of the derived measures give numpy's bits (sim.model.sums):
numpy's order of addition, signed zeros included, for any number of replicates."""

import numpy as np
import pytest

from sim.actors import BLOC_IDX, DPRK, PENINSULA_IDX, RIVAL_IDX, SANCTIONER_IDX
from sim.model.sums import block_sums, means_over_middle, picked_means


def bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values).view(np.int64)


def awkward(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values whose sum depends on the order of addition (magnitudes 1e-9 to 1e9, both
    signs), a third of them signed zeros."""
    values = rng.random(shape) * 10.0 ** rng.integers(-9, 9, shape) * rng.choice([-1, 1], shape)
    zeros = rng.random(shape) < 0.33
    values[zeros] = np.where(rng.random(shape) < 0.5, 0.0, -0.0)[zeros]
    return values


@pytest.mark.parametrize("replicates", [1, 2, 5, 2000])
def test_compiled_sums_are_numpys_bits(replicates):
    rng = np.random.default_rng(replicates)
    tension, trade = awkward(rng, (replicates, 7, 7)), awkward(rng, (replicates, 2, 7))
    sanctions = awkward(rng, (replicates, 4, 2))
    bloc, rivals = np.array(BLOC_IDX), np.array(RIVAL_IDX)
    sanctioners, members = np.array(SANCTIONER_IDX), np.arange(2)

    assert np.array_equal(bits(means_over_middle(sanctions)), bits(sanctions.mean(axis=1)))
    assert np.array_equal(
        bits(picked_means(tension, DPRK, np.array(PENINSULA_IDX))),
        bits(tension[:, DPRK, PENINSULA_IDX].mean(axis=1)),
    )
    dyads = tension[:, BLOC_IDX][:, :, RIVAL_IDX].reshape(replicates, -1)
    assert np.array_equal(bits(block_sums(tension, bloc, rivals)), bits(dyads.sum(axis=1)))
    with_west = trade[:, :, SANCTIONER_IDX].reshape(replicates, -1)
    assert np.array_equal(
        bits(block_sums(trade, members, sanctioners)), bits(with_west.sum(axis=1))
    )


def test_a_block_of_signed_zeros_sums_to_positive_zero_as_in_numpy():
    zeros = np.full((3, 7, 7), -0.0)
    sums = block_sums(zeros, np.array(BLOC_IDX), np.array(RIVAL_IDX))
    assert not np.signbit(sums).any()
    assert not np.signbit(means_over_middle(np.full((3, 4, 2), -0.0))).any()
