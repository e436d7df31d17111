"""Running scenarios: all replicates of a scenario in one batched model."""

import numpy as np
from tqdm import tqdm

from sim.model.model import AllianceModel
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario

PROGRESS_THRESHOLD = 200_000
"""Replicate-months above which a run shows a progress bar (on a terminal)."""


def run(
    scenario: Scenario,
    replicates: int | None = None,
    seed: int | None = None,
    replicate_ids: np.ndarray | None = None,
    progress: bool | None = None,
) -> RunResult:
    """Run a scenario and return its recorded series.

    replicates / seed override the scenario's. replicate_ids runs a subset (replicate r is the
    same path in any batch). progress: True / False forces the progress bar; None shows it
    for long runs on a terminal.
    """
    scenario = scenario.with_overrides(replicates=replicates, seed=seed)
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
