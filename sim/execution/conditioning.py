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

With a time split (`until`), the held-out observations are forecast three ways: under the
prior; on the accepted parameter sets with fresh shocks (what a run `--conditioned-on` the
posterior does); and by the accepted runs themselves continued past the split, each on the
shocks it was accepted with (`continued`, `held_out_filtered`): the joint posterior of the
parameters and the state at the split (where trade, deployments and losses stand), ABC
filtering in the sense of Jasra, Singh, Martin & McCoy (2012, Statistics and Computing 22).
The accepted runs were chosen on observations up to the split only and their later shocks are
independent draws, so continuing them is a fair forecast. A state that follows a random walk
(trade with China) is learned only this way: fresh shocks forget where it stood.

Distance: the mean over observations of ((x_r - y) / s)^2, x_r the replicate's model value
(sim.results.hindcast.observed_ensemble), y the observed value, s its half-range
(high - low) / 2 when given, else 10 % of |y| (at least 0.01): a normalised squared error,
so a miss by an observation's own uncertainty counts 1 whatever its unit.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.execution.executors import make_executor
from sim.execution.series_runs import SeriesRunner
from sim.execution.smc import Generation, smc_posterior
from sim.execution.uncertainty import check_sets_budget, parameter_draws, run_parameter_sets
from sim.results.hindcast import Hindcast, observed_ensemble, read_observation_file
from sim.results.run_result import RunResult
from sim.scenario.observations import Event, Observation, ObservationFile
from sim.scenario.posterior import MAX_ACCEPTED_BYTES, MAX_SIDECAR_BYTES, parse_sets, prior_of
from sim.scenario.scenario import Scenario
from sim.scenario.schema import UncertainSpec
from sim.scenario.yaml_source import read_json_object, read_text

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


@dataclass(frozen=True)
class Split:
    """An observation file cut at a month: the values to condition on (periods ending by
    `until`) and those held out to score the conditioning out of sample (values and events
    after it)."""

    conditioning: list[Observation]
    held_out: list[Observation]
    held_out_events: list[Event]
    until: str | None


def last_month(observation: Observation) -> str:
    """The month an observation's period ends: "2025" -> "2025-12", "2025-04" as it is."""
    return f"{observation.period}-12" if observation.is_year else observation.period


def split_at(file: ObservationFile, until: str | None) -> Split:
    """Observations whose period ends by `until` ("2025-12") to condition on, the later ones
    and the events after `until` held out; with no `until`, everything conditions and
    nothing is held out. Raises UserError when nothing is left to condition on."""
    if until is None:
        return Split(list(file.observations), [], [], None)
    kept = [o for o in file.observations if last_month(o) <= until]
    if not kept:
        raise UserError(
            file.path,
            None,
            "--until",
            f"no observation's period ends by {until}: nothing to condition on",
        )
    held = [o for o in file.observations if last_month(o) > until]
    return Split(kept, held, [e for e in file.events if e.by > until], until)


@dataclass
class Conditioning:
    """A conditioning's outcome: the prior draws with their distances, the accepted sets,
    the hindcasts before (the prior ensemble) and after (a run on the accepted sets), and,
    with a time split, both scored on the held-out observations."""

    prior: pd.DataFrame  # one row per draw: the parameters and `distance`
    accepted: pd.DataFrame  # the accepted rows
    before: Hindcast
    after: Hindcast
    tolerance: float
    method: str = "ABC rejection (sim.execution.conditioning)"
    split: Split | None = None
    held_out_before: Hindcast | None = None
    held_out_after: Hindcast | None = None
    held_out_filtered: Hindcast | None = None
    generations: list[Generation] = field(default_factory=list)

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

    def held_out_text(self) -> str:
        """The out-of-sample result in a line: held-out mean CRPS (+- its Monte Carlo standard
        error) under the prior, on the posterior's parameters and by the accepted runs
        continued, and whether the conditioned forecast beats the prior beyond that error."""
        if self.split is None or self.split.until is None:
            return ""
        forecasts = (self.held_out_before, self.held_out_after, self.held_out_filtered)
        if any(h is None for h in forecasts):
            return f"Held out after {self.split.until}: no observation to score"
        (prior, prior_se), (params, params_se), (runs, runs_se) = (
            (h.score.mean_crps, h.mean_crps_error) for h in forecasts
        )
        margin = 2 * np.hypot(prior_se, runs_se)
        verdict = (
            "better"
            if runs < prior - margin
            else "worse"
            if runs > prior + margin
            else "no different beyond Monte Carlo error"
        )
        return (
            f"Held out after {self.split.until}: {self.held_out_before.score.n} observation(s), "
            f"mean CRPS {prior:.4g} +- {prior_se:.2g} under the prior, {params:.4g} +- "
            f"{params_se:.2g} on the posterior's parameters with fresh shocks, {runs:.4g} +- "
            f"{runs_se:.2g} by the accepted runs continued past the split: conditioned "
            f"forecast {verdict} (+- one standard error; a difference counts beyond two)"
        )


def _hindcast_size(scenario: Scenario, runs: int, replicates: int | None, allow_large: bool) -> int:
    """The replicates of the hindcasts (default: the scenario's), once the scenario is known
    to declare `uncertain:` and `runs` more runs plus both hindcasts fit the budget."""
    if not scenario.spec.uncertain:
        raise UserError(
            scenario.path or "scenario",
            None,
            "uncertain",
            "conditioning needs an 'uncertain:' block: the parameters to narrow",
        )
    n = replicates or scenario.spec.replicates
    check_sets_budget(scenario, runs + 2 * n, allow_large, f"condition({scenario.name})")
    return n


def _observation_file(
    scenario: Scenario, observations: str | Path | list[Observation] | ObservationFile
) -> ObservationFile:
    if isinstance(observations, str | Path):
        return read_observation_file(observations, scenario.spec.horizon_months)
    if isinstance(observations, ObservationFile):
        return observations
    return ObservationFile(Path("observations"), list(observations), "")


@contextmanager
def _runner(file: ObservationFile, workers: int, scheduler: str | None) -> Iterator[SeriesRunner]:
    """A SeriesRunner of the series the file's observations and events read: in this process
    for one worker, else on `workers` local processes or the Dask cluster at `scheduler`."""
    series = {o.series for o in file.observations} | {e.series for e in file.events}
    if workers == 1 and scheduler is None:
        yield SeriesRunner(series)
        return
    with make_executor(workers, scheduler) as pool:
        yield SeriesRunner(series, pool)


def condition(
    scenario: Scenario,
    observations: str | Path | list[Observation] | ObservationFile,
    draws: int = 2000,
    accept: float = 0.1,
    replicates: int | None = None,
    until: str | None = None,
    allow_large: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
) -> Conditioning:
    """ABC rejection of the scenario's `uncertain:` parameters against the observations.

    draws: prior draws (replicates 0 .. draws - 1 of the scenario's seed); accept: the share
    kept (the closest); replicates: of the hindcast after conditioning (default: the
    scenario's), run on the accepted sets with fresh shocks; until: condition only on
    observations whose period ends by this month ("2025-12") and score the later ones. The
    draws and both hindcasts beyond the resource budget are refused before anything runs,
    unless allow_large. workers / scheduler: where the runs go (sim.execution.series_runs;
    the same results on any).
    """
    n = _hindcast_size(scenario, draws, replicates, allow_large)
    file = _observation_file(scenario, observations)
    split = split_at(file, until)
    with _runner(file, workers, scheduler) as runs:
        prior_run = runs(scenario, np.arange(draws), allow_large=allow_large)
        prior = parameter_draws(scenario, prior_run.replicate_ids)
        prior["distance"] = distances(prior_run.arrays, split.conditioning)
        del prior_run  # its series are no longer needed: the hindcasts below reuse the memory
        keep = max(1, round(accept * draws))
        accepted = prior.nsmallest(keep, "distance")
        tolerance = float(accepted["distance"].max())
        return _scored(scenario, split, prior, accepted, tolerance, n, allow_large, runs)


def condition_smc(
    scenario: Scenario,
    observations: str | Path | list[Observation] | ObservationFile,
    population: int = 200,
    generations: int = 5,
    replicates: int | None = None,
    until: str | None = None,
    allow_large: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
) -> Conditioning:
    """ABC-SMC (sim.execution.smc, pyabc) of the scenario's `uncertain:` parameters.

    population: particles a generation; generations: at most this many; the posterior is
    the last generation resampled by weight (`population` sets). `prior` holds the prior
    ensemble's draws with their distances; replicates, until, allow_large, workers and
    scheduler as for `condition` (the budget: a round of `population` runs and both
    hindcasts).
    """
    n = _hindcast_size(scenario, population, replicates, allow_large)
    file = _observation_file(scenario, observations)
    split = split_at(file, until)
    scales = [scale_of(o) for o in split.conditioning]
    with _runner(file, workers, scheduler) as runs:
        posterior = smc_posterior(
            scenario, split.conditioning, scales, population, generations, runs=runs
        )
        c = _scored(
            scenario,
            split,
            None,
            posterior.sets,
            posterior.generations[-1].epsilon,
            n,
            allow_large,
            runs,
        )
    c.method = "ABC-SMC (pyabc.ABCSMC, sim.execution.smc)"
    c.generations = posterior.generations
    return c


def _scored(
    scenario: Scenario,
    split: Split,
    prior: pd.DataFrame | None,
    accepted: pd.DataFrame,
    tolerance: float,
    n: int,
    allow_large: bool,
    runs: SeriesRunner,
) -> Conditioning:
    """Hindcasts of n replicates before (each replicate its own prior draw) and after (the
    accepted sets, fresh shocks), on the conditioning observations and, with a split, the
    held-out ones."""
    prior_run = runs(scenario, np.arange(n), allow_large=allow_large)
    after_run = runs(scenario, np.arange(n), _cycled(accepted, n), allow_large)
    if prior is None:
        prior = parameter_draws(scenario, prior_run.replicate_ids)
        prior["distance"] = distances(prior_run.arrays, split.conditioning)
    c = Conditioning(
        prior,
        accepted,
        Hindcast(prior_run, split.conditioning),
        Hindcast(after_run, split.conditioning),
        tolerance,
        split=split,
    )
    if split.held_out:
        events = split.held_out_events
        c.held_out_before = Hindcast(prior_run, split.held_out, events=events)
        c.held_out_after = Hindcast(after_run, split.held_out, events=events)
        c.held_out_filtered = Hindcast(
            continued(scenario, accepted, allow_large, runs), split.held_out, events=events
        )
    return c


def continued(
    scenario: Scenario,
    accepted: pd.DataFrame,
    allow_large: bool = False,
    runs: SeriesRunner | None = None,
) -> RunResult:
    """The accepted runs again, each set on the replicate id (shock stream) it was accepted
    with (accepted's index): the same paths to the split, bit for bit, and on past it. runs:
    the runner to use (default: every series, in this process)."""
    sets = accepted.drop(columns=["distance"], errors="ignore").reset_index(drop=True)
    ids = accepted.index.to_numpy()
    if runs is not None:
        return runs(scenario, ids, sets, allow_large)
    return run_parameter_sets(scenario.with_overrides(replicates=len(sets)), sets, ids, allow_large)


def _cycled(accepted: pd.DataFrame, n: int) -> pd.DataFrame:
    """n parameter sets from the accepted ones: replicate r takes set r mod len (in order)."""
    sets = accepted.drop(columns=["distance"], errors="ignore").reset_index(drop=True)
    return sets.iloc[np.arange(n) % len(sets)].reset_index(drop=True)


def run_conditioned(
    scenario: Scenario,
    accepted: pd.DataFrame,
    replicates: int | None = None,
    allow_large: bool = False,
) -> RunResult:
    """Run a scenario on accepted parameter sets: replicate r takes set r mod n (in the order
    saved) and its own shocks; refused beyond the resource budget unless allow_large."""
    n = replicates or scenario.spec.replicates
    check_sets_budget(scenario, n, allow_large, f"run_conditioned({scenario.name})")
    return run_parameter_sets(
        scenario.with_overrides(replicates=n), _cycled(accepted, n), np.arange(n), allow_large
    )


def read_accepted(folder: Path) -> pd.DataFrame:
    """The accepted parameter sets saved in a conditioning folder (accepted.csv), checked."""
    return read_posterior(folder).sets


@dataclass(frozen=True)
class Posterior:
    """Accepted parameter sets read from a conditioning folder and checked against the
    parameter declarations, with what identifies them (for the manifest of a run on them)."""

    folder: Path
    sets: pd.DataFrame  # one row per set, one column per parameter path
    sha256: str  # of accepted.csv as read
    conditioning: dict[str, Any] | None  # the folder's manifest: scenario, hash, command

    def record(self) -> dict[str, Any]:
        """What a conditioned run's manifest says it ran on."""
        return {
            "folder": str(self.folder),
            "file": str(self.folder / ACCEPTED_FILE),
            "sha256": self.sha256,
            "sets": len(self.sets),
            "parameters": list(self.sets.columns),
            "conditioning": self.conditioning,
        }


def read_posterior(folder: Path) -> Posterior:
    """accepted.csv of a conditioning folder, read once and checked: a regular file of at most
    MAX_ACCEPTED_BYTES; a header of known parameter paths, each once (with the optional
    `replicate` and `distance`); at least one set; every value a finite number inside the
    parameter's declared range (and inside the conditioning's prior when the folder's
    manifest declares one). Raises UserError naming the file, line and column."""
    folder = Path(folder)
    path = folder / ACCEPTED_FILE
    if not folder.is_dir():
        raise UserError(folder, None, "--conditioned-on", "expected a `condition` results folder")
    if not path.exists():
        raise UserError(folder, None, "", f"no {ACCEPTED_FILE} here: not a conditioning folder")
    text = read_text(path, MAX_ACCEPTED_BYTES, noun=f"the {ACCEPTED_FILE} of `condition`")
    conditioning, prior = _conditioning_manifest(folder)
    parsed = parse_sets(path, text.removeprefix("\ufeff"), prior)  # a spreadsheet's BOM
    sets = pd.DataFrame(parsed.values, columns=list(parsed.paths))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Posterior(folder, sets, digest, conditioning)


def _conditioning_manifest(
    folder: Path,
) -> tuple[dict[str, Any] | None, dict[str, UncertainSpec] | None]:
    """The folder's manifest.json, if any, as (what identifies the conditioning, its prior)."""
    path = folder / "manifest.json"
    if not path.exists():
        return None, None
    record = read_json_object(path, MAX_SIDECAR_BYTES, "the manifest of a `condition` folder")
    if record.get("kind") != "conditioning":
        raise UserError(path, None, "kind", "expected the manifest of a `condition` folder")
    uncertain = (record.get("resolved_scenario") or {}).get("uncertain")
    prior = prior_of(path, uncertain, "resolved_scenario.uncertain")
    identity = {
        "scenario": record.get("scenario"),
        "scenario_hash": record.get("scenario_hash"),
        "manifest_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    return identity, prior
