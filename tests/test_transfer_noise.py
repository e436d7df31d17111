"""The DPRK's munitions to Russia and its troops' loss rate each carry a random walk of mean 1
(munitions_noise, loss_noise): a year's log change spreads by about that much, the mean stays
where the model's drivers put it, with no noise replicates barely differ, and the factor
follows its closed form."""

import numpy as np
import pytest

from sim import load_scenario, run
from sim.calendar import DT
from sim.model.mechanisms import cooperation
from sim.model.model import AllianceModel
from sim.model.randomness import TRANSFER_SHOCKS
from tests.conftest import PACT_AS_SIGNED
from tests.support import QUIET

R = 600
MUNITIONS_SIGMA, LOSS_SIGMA = 0.3, 0.5
STOCK = {"dprk.munitions_stock": 400.0}  # never runs out in three years: no production cap


def _arrays(munitions: float, losses: float) -> dict[str, np.ndarray]:
    """Munitions, troops and deaths of the pact as signed, 36 months, shocks off but these."""
    changes = {**QUIET, **STOCK, "dprk.munitions_noise": munitions, "dprk.loss_noise": losses}
    scenario = load_scenario(PACT_AS_SIGNED).with_params(changes, replicates=R, horizon_months=36)
    return run(scenario, progress=False).arrays


@pytest.fixture(scope="module")
def noisy() -> dict[str, np.ndarray]:
    return _arrays(MUNITIONS_SIGMA, LOSS_SIGMA)


@pytest.fixture(scope="module")
def quiet() -> dict[str, np.ndarray]:
    return _arrays(0.0, 0.0)


def _loss_rate(arrays: dict[str, np.ndarray], month: int) -> np.ndarray:
    """Each replicate's loss rate in `month` (a year's share of troops killed): the month's
    deaths over the troops at its start."""
    deaths = arrays["troop_deaths"][month, :, 0] - arrays["troop_deaths"][month - 1, :, 0]
    return deaths / (DT * arrays["troops"][month - 1, :, 0])


def test_a_years_log_change_of_munitions_spreads_by_about_the_noise(noisy):
    change = np.log(noisy["munitions"][36, :, 0] / noisy["munitions"][24, :, 0])
    assert 0.85 * MUNITIONS_SIGMA < change.std() < 1.15 * MUNITIONS_SIGMA


def test_a_years_log_change_of_the_loss_rate_spreads_by_about_the_noise(noisy):
    change = np.log(_loss_rate(noisy, 36) / _loss_rate(noisy, 24))
    assert 0.85 * LOSS_SIGMA < change.std() < 1.15 * LOSS_SIGMA


def test_without_noise_a_years_change_barely_differs_between_replicates(quiet):
    """What is left is the drivers' own spread (the provocations, the only shock on)."""
    munitions = np.log(quiet["munitions"][36, :, 0] / quiet["munitions"][24, :, 0])
    losses = np.log(_loss_rate(quiet, 36) / _loss_rate(quiet, 24))
    assert munitions.std() < 0.05 * MUNITIONS_SIGMA
    assert losses.std() < 0.05 * LOSS_SIGMA


def test_the_noise_keeps_the_mean_where_the_drivers_put_it(noisy, quiet):
    ratio = noisy["munitions"][36, :, 0] / quiet["munitions"][36, :, 0]
    assert abs(ratio.mean() - 1.0) < 3.5 * ratio.std() / np.sqrt(R)
    ratio = _loss_rate(noisy, 36) / _loss_rate(quiet, 36)
    assert abs(ratio.mean() - 1.0) < 3.5 * ratio.std() / np.sqrt(R)


def test_the_munitions_factor_follows_its_closed_form():
    """With the month's normal at +1 for twelve months, the factor is exp(sigma sqrt(12) -
    sigma^2 / 2) (twelve steps of sigma sqrt(dt) - sigma^2 dt / 2)."""
    alike = {**STOCK, "world.transfer_uncertainty": 0.0}  # the same multiplier in both
    model = AllianceModel(load_scenario(PACT_AS_SIGNED).with_params(alike, replicates=2))
    model.params.set("munitions_noise", MUNITIONS_SIGMA)
    w, p = model.world.arrays(), model.params.arrays()
    s = model.shocks.month(1)
    s.normals[:, TRANSFER_SHOCKS] = 1.0
    calm = model.params.arrays()._replace(munitions_noise=np.zeros_like(p.munitions_noise))
    cooperation.munitions_for_war(1, w, calm, s)  # replicate 1 never moves its factor
    for _ in range(12):
        cooperation.munitions_for_war(0, w, p, s)
    expected = np.exp(MUNITIONS_SIGMA * np.sqrt(12) - MUNITIONS_SIGMA**2 / 2)
    assert w.munitions[0] / w.munitions[1] == pytest.approx(expected, rel=1e-12)
