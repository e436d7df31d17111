"""Drawing a scenario's uncertain parameters (`uncertain:`) per replicate.

Replicate r's draws come from its own stream: the static standard normals z in the slots
STATIC_LAYOUT reserves (sim.model.randomness), one slot per declared parameter in sorted
path order. Each z becomes u = Phi(z), uniform on (0, 1), and u the parameter's value through
the inverse CDF of its distribution, so a replicate has the same parameters in any batch, and
two scenarios declaring the same block give replicate r the same parameters.
"""

from collections.abc import Mapping

import numpy as np

from sim.model.params import Params
from sim.scenario.paths import key_path
from sim.scenario.posterior import Ensemble
from sim.scenario.scenario import Scenario
from sim.scenario.schema import UncertainSpec
from sim.scenario.uncertain import uncertain_paths


def quantile(u: UncertainSpec, q: np.ndarray) -> np.ndarray:
    """Values of the distribution at probabilities q (its inverse CDF)."""
    width = u.high - u.low
    if u.dist == "uniform":
        return u.low + width * q
    if u.dist == "triangular":
        c = ((u.mode if u.mode is not None else u.low) - u.low) / width
        return triangular_ppf(q, c, u.low, width)
    from scipy import stats  # loaded only here: 0.5 s, which a run's budgets do without

    if u.dist == "normal":
        mean = u.mean if u.mean is not None else 0.5 * (u.low + u.high)
        sd = u.sd or width
        a, b = (u.low - mean) / sd, (u.high - mean) / sd
        return stats.truncnorm.ppf(q, a, b, loc=mean, scale=sd)
    return u.low + width * stats.beta.ppf(q, u.a, u.b)


def triangular_ppf(q: np.ndarray, c: float, loc: float, scale: float) -> np.ndarray:
    """scipy.stats.triang.ppf(q, c, loc, scale) for q in [0, 1] and c in [0, 1]: the same
    arithmetic, so the same bits (tests/test_uncertain.py), without loading scipy.stats."""
    return np.where(q < c, np.sqrt(c * q), 1 - np.sqrt((1 - c) * (1 - q))) * scale + loc


def draw_uncertain(
    uncertain: Mapping[str, UncertainSpec], normals: np.ndarray
) -> dict[str, np.ndarray]:
    """Each declared parameter's value per replicate, from the replicates' static normals
    (R, MAX_UNCERTAIN)."""
    from scipy import special  # loaded on first use, as in quantile

    out = {}
    for slot, path in enumerate(uncertain_paths(uncertain)):
        q = np.clip(special.ndtr(normals[:, slot]), 1e-12, 1 - 1e-12)
        out[path] = np.clip(quantile(uncertain[path], q), uncertain[path].low, uncertain[path].high)
    return out


def apply_uncertain(
    params: Params, uncertain: Mapping[str, UncertainSpec], normals: np.ndarray
) -> dict[str, np.ndarray]:
    """Set the drawn values into the parameter arrays (one value per replicate); return them."""
    draws = draw_uncertain(uncertain, normals)
    for path, values in draws.items():
        params.set_path(path, values)
    return draws


def apply_ensemble(params: Params, scenario: Scenario, replicate_ids: np.ndarray) -> None:
    """Set the scenario's conditioned parameter sets (`ensemble:`) into the parameter arrays
    made from it (Params.from_scenario): replicate r takes set r mod N
    (sim.scenario.posterior), except where the scenario sets the parameter on purpose
    (set_on_purpose): a change made on purpose wins over the history's fit. Nothing for
    `ensemble: priors`."""
    ensemble = scenario.ensemble
    if ensemble is None:
        return
    for path, values in ensemble.rows(replicate_ids).items():
        if not set_on_purpose(scenario, path, params.get_path(path), ensemble):
            params.set_path(path, values)


def set_on_purpose(scenario: Scenario, path: str, value: np.ndarray, ensemble: Ensemble) -> bool:
    """Whether the scenario gives parameter `path` a value of its own: one other than the
    posterior's `base` (its value in the scenario conditioned), or the base value itself
    written by a file the posterior was not conditioned on (a what-if restating it) or by
    with_params (a notebook's or the explorer's setting)."""
    if not np.all(value == ensemble.base[path]):
        return True
    written = scenario.provenance.get(tuple(key_path(path)))
    return written is not None and written[0].resolve() not in ensemble.sources
