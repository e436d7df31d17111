"""The members' trade with China carries a random walk sized by china_trade_noise: its log
changes spread by about that much in a year, the mean stays where the model's drivers put it,
and with no noise every replicate trades the same."""

import numpy as np
import pytest

from sim import load_scenario, run
from sim.actors import BLOC
from sim.model.mechanisms import sanctions
from sim.model.randomness import CHINA_TRADE_SHOCKS
from tests.conftest import PACT_AS_SIGNED

R = 600


def _trade_china(noise: dict[str, float]) -> np.ndarray:
    """Trade with China (months + 1, R, 2) of the pact as signed, 36 months."""
    changes = {f"{member}.china_trade_noise": sigma for member, sigma in noise.items()}
    scenario = load_scenario(PACT_AS_SIGNED).with_params(changes, replicates=R, horizon_months=36)
    return run(scenario, progress=False).arrays["trade_china"]


@pytest.fixture(scope="module")
def noisy() -> np.ndarray:
    return _trade_china({"dprk": 0.3, "russia": 0.1})


@pytest.fixture(scope="module")
def quiet() -> np.ndarray:
    return _trade_china({"dprk": 0.0, "russia": 0.0})


@pytest.mark.parametrize(("member", "sigma"), [("dprk", 0.3), ("russia", 0.1)])
def test_a_years_log_change_spreads_by_about_the_noise(noisy, member, sigma):
    m = BLOC.index(member)
    change = np.log(noisy[36, :, m] / noisy[24, :, m])
    # the drivers move trade a little too (the bloc's cooperation, China's alignment)
    assert 0.85 * sigma < change.std() < 1.15 * sigma


def test_without_noise_every_replicate_trades_alike(quiet):
    assert np.ptp(quiet[36, :, BLOC.index("dprk")]) < 1e-9 * quiet[36, 0, BLOC.index("dprk")]


def test_the_noise_keeps_the_mean_where_the_drivers_put_it(noisy, quiet):
    for m in range(len(BLOC)):
        ratio = noisy[36, :, m] / quiet[36, :, m]
        error = ratio.std() / np.sqrt(R)
        assert abs(ratio.mean() - 1.0) < 3.5 * error


def test_the_factor_follows_its_closed_form():
    """With the month's normal at +1 for twelve months, log factor = sigma sqrt(12) dt-weighted:
    12 (sigma / sqrt(12) - sigma^2 / 24) = sigma sqrt(12) - sigma^2 / 2."""
    from sim.model.model import AllianceModel

    sigma = 0.4
    model = AllianceModel(load_scenario(PACT_AS_SIGNED).with_params(replicates=2))
    model.params.set("china_trade_noise", sigma)
    w, p = model.world.arrays(), model.params.arrays()
    s = model.shocks.month(1)
    s.normals[:, CHINA_TRADE_SHOCKS : CHINA_TRADE_SHOCKS + len(BLOC)] = 1.0
    for _ in range(12):
        factor = sanctions.china_trade_factor(0, w, p, s, 0)
    assert factor == pytest.approx(np.exp(sigma * np.sqrt(12) - sigma**2 / 2), rel=1e-12)
