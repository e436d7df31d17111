"""The DPRK's troops for Russia's war: the deployment's size and its losses are uncertain
across replicates by their declared spreads, and each replicate keeps its own draw."""

from pathlib import Path

import numpy as np
import pytest
from support import QUIET

from sim import load_scenario, run

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history.yaml"


def troops(changes: dict) -> tuple[np.ndarray, np.ndarray]:
    """Troops deployed and killed so far in September 2025 (month 15), one per replicate, in
    the observed history with every other shock off."""
    scenario = load_scenario(HISTORY).with_params({**QUIET, **changes}, replicates=400)
    result = run(scenario, progress=False)
    return result.series("troops")[15], result.series("troop_deaths")[15]


def test_without_the_spreads_every_replicate_deploys_and_loses_alike():
    """Alike up to the provocations, the one shock QUIET keeps (through the pact's capacity)."""
    deployed, killed = troops({})
    assert np.log(deployed).std() < 0.005 and np.log(killed).std() < 0.005
    assert killed.min() > 1000


@pytest.mark.parametrize(("spread", "deployment", "losses"), [(0.1, 0.1, 0.0), (0.2, 0.0, 0.2)])
def test_the_spread_of_deployment_and_losses_is_their_declared_sd_of_log(
    spread, deployment, losses
):
    """A multiplier of the deployment's target moves the stock and its deaths alike; one of
    the loss rate moves the deaths (and the stock a little, by the dead)."""
    deployed, killed = troops(
        {"world.troop_uncertainty": deployment, "world.loss_uncertainty": losses}
    )
    quiet_killed = troops({})[1]
    assert np.log(killed).std() == pytest.approx(spread, rel=0.15)
    assert np.median(killed) == pytest.approx(quiet_killed[0], rel=0.05)
    if deployment:
        assert np.log(deployed).std() == pytest.approx(deployment, rel=0.15)
    else:
        assert np.log(deployed).std() < 0.2 * losses
        assert np.corrcoef(deployed, killed)[0, 1] < 0  # more killed, fewer left
