"""Running scenarios: all replicates of a scenario in one batched model."""

from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from sim.errors import UserError
from sim.execution import budget
from sim.model.model import AllianceModel
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario, load_scenario

PROGRESS_THRESHOLD = 200_000
"""Replicate-months above which a run shows a progress bar (on a terminal)."""


def as_scenario(scenario: Any, caller: str = "run") -> Scenario:
    """A Scenario, or the path of a scenario file loaded as one; TypeError otherwise."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    raise TypeError(
        f"{caller}() expects a Scenario or the path of a .yaml file, got {type(scenario).__name__}"
    )


def whole_number(value: Any, name: str, caller: str = "run") -> int | None:
    """None, or a whole number (Python or NumPy) as an int; TypeError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(
            f"{caller}(): {name} expects a whole number, got {value!r} ({type(value).__name__})"
        )
    return int(value)


def replicate_list(ids: Any, caller: str = "run") -> np.ndarray | None:
    """None, or a non-empty list of distinct replicate numbers 0 .. 2**63 - 1 as an array."""
    if ids is None:
        return None
    where = f"{caller}()"
    try:
        array = np.asarray(ids)
    except (TypeError, ValueError):
        array = np.asarray([None])
    expected = "a non-empty list of distinct whole numbers from 0 (replicate numbers)"
    if array.ndim != 1 or len(array) == 0:
        raise UserError(where, None, "replicate_ids", f"expected {expected}, got {ids!r:.60}")
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise UserError(where, None, "replicate_ids", f"expected {expected}, got {ids!r:.60}")
    if array.min() < 0 or len(np.unique(array)) != len(array):
        raise UserError(where, None, "replicate_ids", f"expected {expected}, got {ids!r:.60}")
    return array.astype(np.int64)


def run(
    scenario: Scenario | str | Path,
    replicates: int | None = None,
    seed: int | None = None,
    replicate_ids: np.ndarray | None = None,
    progress: bool | None = None,
    allow_large: bool = False,
) -> RunResult:
    """Run a scenario (or the scenario file at a path) and return its recorded series.

    replicates / seed override the scenario's. replicate_ids runs a subset (replicate r is the
    same path in any batch). progress: True / False forces the progress bar; None shows it
    for long runs on a terminal. A run whose series would not fit in the memory budget is
    refused (sim.execution.budget) unless allow_large.
    """
    scenario = as_scenario(scenario).with_overrides(
        replicates=whole_number(replicates, "replicates"), seed=whole_number(seed, "seed")
    )
    replicate_ids = replicate_list(replicate_ids)
    count = scenario.spec.replicates if replicate_ids is None else len(replicate_ids)
    estimate = budget.in_memory_estimate(
        count, scenario.spec.horizon_months, tidy=False, substeps=scenario.spec.substeps
    )
    budget.check(estimate, allow_large, f"run({scenario.name})")
    model = AllianceModel(scenario, replicate_ids=replicate_ids)
    work = len(model.replicate_ids) * model.months
    if progress is None:  # tqdm's disable=None: shown on a terminal only
        disable = None if work >= PROGRESS_THRESHOLD else True
    else:
        disable = not progress
    with tqdm(
        total=model.months, unit="month", desc=scenario.name, leave=False, disable=disable
    ) as bar:
        while model.running:
            model.step()
            bar.update()
    return RunResult(scenario, model.replicate_ids, model.release())
