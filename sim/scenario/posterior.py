"""Parameter sets conditioned on the observed history, as a scenario's ensemble (`ensemble:`).

A posterior file is a CSV of accepted parameter sets (one row a set, one column a parameter
path, with optional `replicate` and `distance` columns), as `alliance-sim condition` writes
accepted.csv. The shipped one, scenarios/posterior/history.csv, conditions
scenarios/history_uncertain.yaml on observations/history.yaml; its sidecar history.json says
how it was made (command, method, seed, the inputs' SHA-256) and holds the prior, so every
value is checked against it. `python -m sim.execution.posterior` regenerates both.

A scenario with `ensemble: alliance-sim:posterior/history.csv` (the baseline, and the
what-ifs through it) runs replicate r on set r mod N: a replicate's set depends on r alone,
never on the batch, chunk or worker that runs it, and two scenarios compared on the same
replicates start from the same sets. `ensemble: priors` (the default) runs every parameter at
its value or its `uncertain:` draw.
"""

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.errors import UserError
from sim.scenario.paths import PathError, parse
from sim.scenario.schema import UncertainSpec
from sim.scenario.uncertain import MAX_UNCERTAIN
from sim.scenario.yaml_source import read_json_object, read_text

SHIPPED_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The scenarios shipped with the tool (`alliance-sim:` names a file under it)."""

POSTERIORS = SHIPPED_SCENARIOS / "posterior"
"""The shipped posteriors: data beside the scenarios and observations they condition, so a
change to those files and a stale posterior show in the same diff."""

PRIORS = "priors"
"""`ensemble: priors`: no conditioning (the default; history, counterfactuals)."""

SHIPPED_PREFIX = "alliance-sim:"

MAX_ACCEPTED_BYTES = 16 * 2**20
"""Largest accepted-sets file read (about 60,000 sets of a dozen parameters)."""

MAX_SIDECAR_BYTES = 4 * 2**20
"""Largest sidecar (a posterior's .json, a conditioning's manifest.json) read."""


@dataclass(frozen=True, eq=False)
class ParameterSets:
    """Accepted parameter sets as read: the parameter paths and one row of values a set."""

    paths: tuple[str, ...]
    values: np.ndarray  # (sets, parameters)

    def __len__(self) -> int:
        return len(self.values)

    def column(self, path: str) -> np.ndarray:
        return self.values[:, self.paths.index(path)]


@dataclass(frozen=True, eq=False)
class Ensemble:
    """A posterior file read and checked: the sets replicates run on, and how they were made."""

    name: str  # as the scenario writes it: alliance-sim:posterior/history.csv
    file: Path
    sha256: str  # of the CSV as read
    sets: "ParameterSets"
    made: dict[str, Any]  # the sidecar: command, method, seed, the inputs' hashes
    base: dict[str, float]  # each parameter's value in the scenario conditioned, undrawn

    @cached_property
    def sources(self) -> frozenset[Path]:
        """The scenario files the posterior was conditioned on (the sidecar's inputs)."""
        inputs = self.made.get("inputs") or {}
        root = SHIPPED_SCENARIOS.parent
        return frozenset((root / name).resolve() for name in inputs if name.endswith(".yaml"))

    def rows(self, replicate_ids: np.ndarray) -> dict[str, np.ndarray]:
        """Each parameter's value in replicates `replicate_ids`: replicate r takes set r mod N."""
        index = np.asarray(replicate_ids, dtype=np.int64) % len(self.sets)
        return {path: self.sets.values[index, k] for k, path in enumerate(self.sets.paths)}

    def record(self) -> dict[str, Any]:
        """What a manifest says the run started from."""
        return {
            "kind": "posterior",
            "name": self.name,
            "file": str(self.file),
            "sha256": self.sha256,
            "sets": len(self.sets),
            "parameters": list(self.sets.paths),
            "made": self.made,
        }

    def text(self) -> str:
        """The ensemble in one line, as the commands print it."""
        return (
            f"conditioned on the observed history: {len(self.sets):,} parameter sets of "
            f"{self.name} (replicate r takes set r mod {len(self.sets)}; --priors runs from "
            "the priors)"
        )


def posterior_file(name: str) -> Path:
    """The file `ensemble: alliance-sim:posterior/<name>.csv` names; UserError for anything
    else (a path outside the shipped posteriors, another suffix)."""
    expected = f"expected '{PRIORS}' or {SHIPPED_PREFIX}posterior/<name>.csv, got {name!r:.80}"
    if not name.startswith(SHIPPED_PREFIX) or "\x00" in name or len(name) > 200:
        raise UserError("ensemble", None, "", expected)
    path = (SHIPPED_SCENARIOS / name.removeprefix(SHIPPED_PREFIX)).resolve()
    if path.suffix != ".csv" or not path.is_relative_to(POSTERIORS):
        raise UserError("ensemble", None, "", expected)
    return path


def sidecar_of(path: Path) -> Path:
    """The JSON beside a posterior CSV saying how it was made."""
    return path.with_suffix(".json")


PRIORS_TEXT = "from the priors (each parameter its value or its `uncertain:` draw)"


def ensemble_text(ensemble: "Ensemble | None") -> str:
    """The parameter sets a run's replicates start from, in one line (None: the priors)."""
    return PRIORS_TEXT if ensemble is None else ensemble.text()


def load_ensemble(name: str) -> Ensemble:
    """The posterior `name` names, read once per version of the file (cached by size and
    modification time). Raises UserError naming the file, line and column at fault."""
    path = posterior_file(name)
    try:
        info = path.stat()
    except OSError:
        raise UserError(path, None, "", "no such posterior (regenerate: make posterior)") from None
    return _cached(name, path, info.st_mtime_ns, info.st_size)


@cache
def _cached(name: str, path: Path, mtime_ns: int, size: int) -> Ensemble:
    return read_ensemble(name, path)


def read_ensemble(name: str, path: Path) -> Ensemble:
    """A posterior CSV and its sidecar, read and checked (uncached): the sidecar holds a prior,
    and the CSV's columns are its parameters, every value inside its range."""
    made = read_json_object(sidecar_of(path), MAX_SIDECAR_BYTES, "a posterior's sidecar")
    prior = prior_of(sidecar_of(path), made.get("prior"))
    if not prior:
        raise UserError(
            sidecar_of(path), None, "prior", "expected the prior the sets were drawn from"
        )
    base = _base(sidecar_of(path), made.get("base"), prior)
    text = read_text(path, MAX_ACCEPTED_BYTES, noun="a posterior CSV")
    sets = parse_sets(path, text.removeprefix("\ufeff"), prior)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Ensemble(name, path, digest, sets, made, base)


def _base(path: Path, base: Any, prior: dict[str, UncertainSpec]) -> dict[str, float]:
    """The sidecar's `base`: a number for each parameter of the prior."""
    if not isinstance(base, dict) or set(base) != set(prior):
        raise UserError(path, None, "base", "expected a value for each parameter of the prior")
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in base.values()):
        raise UserError(path, None, "base", "expected finite numbers")
    return {str(k): float(v) for k, v in base.items()}


def prior_of(path: Path, uncertain: Any, key: str = "prior") -> dict[str, UncertainSpec]:
    """The prior a posterior was drawn from (an `uncertain:` block as JSON), validated."""
    try:
        return {str(k): UncertainSpec.model_validate(v) for k, v in (uncertain or {}).items()}
    except (AttributeError, ValidationError):
        raise UserError(path, None, key, "not a prior") from None


def parse_sets(path: Path, text: str, prior: dict[str, UncertainSpec] | None) -> ParameterSets:
    """The parameter columns of an accepted-sets CSV, each value checked row by row:
    a header of known parameter paths, each once (with the optional `replicate` and
    `distance`), matching the prior's when one is known; at least one set; every value a finite
    number inside the parameter's declared range and the prior's. UserError names the file,
    line and column."""
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
    return ParameterSets(tuple(paths), np.array(rows, dtype=float))


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
