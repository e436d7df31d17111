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

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.errors import UserError
from sim.execution.runner import run
from sim.execution.uncertainty import check_sets_budget, parameter_draws, run_parameter_sets
from sim.results.hindcast import Hindcast, load_observations, observed_ensemble
from sim.results.run_result import RunResult
from sim.scenario.observations import Observation
from sim.scenario.paths import PathError, parse
from sim.scenario.scenario import Scenario
from sim.scenario.schema import UncertainSpec
from sim.scenario.uncertain import MAX_UNCERTAIN
from sim.scenario.yaml_source import read_text

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
    """The accepted parameter sets saved in a conditioning folder (accepted.csv), checked."""
    return read_posterior(folder).sets


MAX_ACCEPTED_BYTES = 16 * 2**20
"""Largest accepted.csv read (about 60,000 sets of a dozen parameters; 2,000 draws keeping
10 % write 200)."""

MAX_MANIFEST_BYTES = 4 * 2**20
"""Largest conditioning manifest.json read (a few kB in practice)."""


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
    sets = _parse_sets(path, text.removeprefix("\ufeff"), prior)  # a spreadsheet's BOM
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Posterior(folder, sets, digest, conditioning)


def _conditioning_manifest(
    folder: Path,
) -> tuple[dict[str, Any] | None, dict[str, UncertainSpec] | None]:
    """The folder's manifest.json, if any, as (what identifies the conditioning, its prior)."""
    path = folder / "manifest.json"
    if not path.exists():
        return None, None
    text = read_text(path, MAX_MANIFEST_BYTES, noun="a manifest.json")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(path, error.lineno, "", f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict) or record.get("kind") != "conditioning":
        raise UserError(path, None, "kind", "expected the manifest of a `condition` folder")
    uncertain = (record.get("resolved_scenario") or {}).get("uncertain") or {}
    try:
        prior = {str(k): UncertainSpec.model_validate(v) for k, v in uncertain.items()}
    except (AttributeError, ValidationError):
        raise UserError(path, None, "resolved_scenario.uncertain", "not a prior") from None
    identity = {
        "scenario": record.get("scenario"),
        "scenario_hash": record.get("scenario_hash"),
        "manifest_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    return identity, prior


def _parse_sets(path: Path, text: str, prior: dict[str, UncertainSpec] | None) -> pd.DataFrame:
    """The parameter columns of accepted.csv as floats, each value checked row by row."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
        paths = _check_header(path, header, prior)
        bounds = {name: _bounds(name, prior) for name in paths}
        index = [header.index(name) for name in paths]
        rows = []
        for row in reader:
            if len(row) != len(header):
                raise UserError(
                    path, reader.line_num, "", f"expected {len(header)} fields, found {len(row)}"
                )
            rows.append(
                [
                    _value(path, reader.line_num, n, row[i], bounds[n])
                    for n, i in zip(paths, index, strict=True)
                ]
            )
    except csv.Error as error:
        raise UserError(path, reader.line_num, "", f"not a CSV table ({error})") from None
    if not rows:
        raise UserError(path, 2, "", "expected at least one accepted parameter set, found none")
    return pd.DataFrame(rows, columns=paths, dtype=float)


def _check_header(
    path: Path, header: list[str], prior: dict[str, UncertainSpec] | None
) -> list[str]:
    """The parameter paths of the header (all but `replicate` and `distance`)."""
    if len(set(header)) != len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise UserError(path, 1, twice, "a column named twice")
    paths = [h for h in header if h not in ("replicate", "distance")]
    if not 1 <= len(paths) <= MAX_UNCERTAIN:
        raise UserError(
            path, 1, "", f"expected 1 to {MAX_UNCERTAIN} parameter columns, found {len(paths)}"
        )
    for name in paths:
        try:
            parse(name)
        except PathError as error:
            raise UserError(path, 1, name, f"not a parameter: {error}") from None
    if prior is not None and set(paths) != set(prior):
        raise UserError(
            path,
            1,
            "",
            f"expected the columns of the conditioning's prior ({', '.join(sorted(prior))}), "
            f"found {', '.join(paths)}",
        )
    return paths


def _bounds(name: str, prior: dict[str, UncertainSpec] | None) -> tuple[float, float, str]:
    """(low, high, as text) a parameter's value must lie in: its declared range, narrowed to
    the conditioning's prior when known."""
    declared = parse(name).param
    if prior is None:
        return declared.low, declared.high, declared.range_text
    low, high = max(declared.low, prior[name].low), min(declared.high, prior[name].high)
    return (
        low,
        high,
        f"{low:g} to {high:g} (the conditioning's prior; declared {declared.range_text})",
    )


def _value(path: Path, line: int, name: str, text: str, bounds: tuple[float, float, str]) -> float:
    """One value: a finite number inside its bounds, or UserError at its line and column."""
    low, high, allowed = bounds
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise UserError(path, line, name, f"expected a number from {allowed}, got {text!r}")
    return value
