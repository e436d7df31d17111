"""Runs conditioned on history: ABC rejection over a scenario's uncertain parameters.

Approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont, Zhang &
Balding 2002): draw N parameter sets from the `uncertain:` block (the prior), run each once
(replicate r draws set r and its own shocks: one batched run), measure each replicate's
distance to the observations, and keep the `accept` share closest. The kept sets are a sample
of the parameters given the observations, to the tolerance the share implies.

Why rejection: one batched run of N replicates is the whole computation (N = 2,000 over the
30-month history takes seconds); it needs no emulator and no extra dependency, and with a
dozen observations and a handful of parameters it is adequate. Sequential Monte Carlo (pyabc)
would narrow a tolerance over rounds and suits many parameters; history matching with an
emulator suits expensive models, which this is not.

Distance: the mean over observations of ((x_r - y) / s)^2, x_r the replicate's model value
(sim.results.hindcast.observed_ensemble), y the observed value, s its half-range
(high - low) / 2 when given, else 10 % of |y| (at least 0.01): a normalised squared error,
so a miss by an observation's own uncertainty counts 1 whatever its unit.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.execution.runner import run
from sim.execution.uncertainty import check_sets_budget, parameter_draws, run_parameter_sets
from sim.results.hindcast import Hindcast, load_observations, observed_ensemble
from sim.results.run_result import RunResult
from sim.scenario.observations import Observation
from sim.scenario.scenario import Scenario

ACCEPTED_FILE = "accepted.csv"


def scale_of(observation: Observation) -> float:
    low, high = observation.low, observation.high
    if low is not None and high is not None and high > low:
        return (high - low) / 2
    return max(0.1 * abs(observation.value), 0.01)


def distances(arrays: dict[str, np.ndarray], observations: list[Observation]) -> np.ndarray:
    """Each replicate's normalised squared error, mean over observations, shape (R,)."""
    errors = []
    for obs in observations:
        x = observed_ensemble(arrays, obs)
        errors.append(((x - obs.value) / scale_of(obs)) ** 2)
    total = np.mean(errors, axis=0)
    return np.where(np.isfinite(total), total, np.inf)


@dataclass
class Conditioning:
    """ABC rejection's outcome: the prior draws with their distances, the accepted sets,
    and the hindcasts before (the prior ensemble) and after (a run on the accepted sets)."""

    prior: pd.DataFrame  # one row per draw: the parameters and `distance`
    accepted: pd.DataFrame  # the accepted rows
    before: Hindcast
    after: Hindcast
    tolerance: float

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.prior.columns if c != "distance"]

    def intervals(self, q: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
        """Prior and posterior median and 90 % interval of each parameter."""
        rows = []
        for path in self.parameters:
            prior, post = self.prior[path], self.accepted[path]
            rows.append(
                {
                    "parameter": path,
                    "prior_low": prior.quantile(q[0]),
                    "prior_median": prior.median(),
                    "prior_high": prior.quantile(q[1]),
                    "posterior_low": post.quantile(q[0]),
                    "posterior_median": post.median(),
                    "posterior_high": post.quantile(q[1]),
                }
            )
        return pd.DataFrame(rows)


def condition(
    scenario: Scenario,
    observations: str | Path | list[Observation],
    draws: int = 2000,
    accept: float = 0.1,
    replicates: int | None = None,
    allow_large: bool = False,
) -> Conditioning:
    """ABC rejection of the scenario's `uncertain:` parameters against the observations.

    draws: prior draws (replicates 0 .. draws - 1 of the scenario's seed); accept: the share
    kept (the closest); replicates: of the hindcast after conditioning (default: the
    scenario's), run on the accepted sets with fresh shocks. The draws and both hindcasts
    beyond the resource budget are refused before anything runs, unless allow_large.
    """
    if not scenario.spec.uncertain:
        raise UserError(
            scenario.path or "scenario",
            None,
            "uncertain",
            "conditioning needs an 'uncertain:' block: the parameters to narrow",
        )
    n = replicates or scenario.spec.replicates
    check_sets_budget(scenario, draws + 2 * n, allow_large, f"condition({scenario.name})")
    if isinstance(observations, str | Path):
        observations = load_observations(observations, scenario.spec.horizon_months)
    observations = list(observations)
    prior_run = run(scenario, replicates=draws, progress=False, allow_large=allow_large)
    prior = parameter_draws(scenario, prior_run.replicate_ids)
    prior["distance"] = distances(prior_run.arrays, observations)
    del prior_run  # its series are no longer needed: the hindcasts below reuse the memory
    keep = max(1, round(accept * draws))
    accepted = prior.nsmallest(keep, "distance")
    before = Hindcast(
        run(scenario, replicates=n, progress=False, allow_large=allow_large), observations
    )  # the prior: each replicate its own draw
    after = Hindcast(run_conditioned(scenario, accepted, n, allow_large), observations)
    return Conditioning(prior, accepted, before, after, float(accepted["distance"].max()))


def run_conditioned(
    scenario: Scenario,
    accepted: pd.DataFrame,
    replicates: int | None = None,
    allow_large: bool = False,
) -> RunResult:
    """Run a scenario on accepted parameter sets: replicate r takes set r mod n (in the order
    saved) and its own shocks; refused beyond the resource budget unless allow_large."""
    n = replicates or scenario.spec.replicates
    sets = accepted.drop(columns=["distance"], errors="ignore").reset_index(drop=True)
    check_sets_budget(scenario, n, allow_large, f"run_conditioned({scenario.name})")
    rows = sets.iloc[np.arange(n) % len(sets)].reset_index(drop=True)
    return run_parameter_sets(
        scenario.with_overrides(replicates=n), rows, np.arange(n), allow_large
    )


def read_accepted(folder: Path) -> pd.DataFrame:
    """The accepted parameter sets saved in a conditioning folder (accepted.csv)."""
    path = Path(folder) / ACCEPTED_FILE
    if not path.is_file():
        raise UserError(folder, None, "", f"no {ACCEPTED_FILE} here: not a conditioning folder")
    table = pd.read_csv(path)
    return table.drop(columns=["replicate"], errors="ignore")
