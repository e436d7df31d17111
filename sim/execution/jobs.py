"""Large runs as jobs: chunks of runs on a concurrent.futures executor, streamed to Parquet.

A Job is a scenario and, for a sweep, a design: run `row` is design point row // M with
replicate row % M (M replicates per point). A chunk is a range of rows run as one batched
model whose parameters vary along the replicate axis; its outcomes (one row per run) are
written to `runs/part-NNNNNN.parquet` (sim.results.parts) as soon as it completes,
atomically, so memory stays bounded and an interrupted job resumes from the chunks already
on disk. Replicate r draws the same stream at every point (common random numbers across the
design) and in any chunk: the results are bit-identical for any chunk size and any number of
workers (sim.execution.executors).
"""

import hashlib
import json
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.execution.settings import DEFAULT_CHUNK
from sim.files import write_atomically
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.results.outcomes import OUTCOME_SERIES, outcome_table
from sim.results.parts import part_path
from sim.scenario.scenario import Scenario, scenario_from_json


@dataclass(frozen=True)
class Job:
    """What to run, in a form any worker process can receive: plain data, no model objects."""

    scenario_json: str  # the resolved scenario (ScenarioSpec as JSON)
    names: tuple[str, ...]  # swept parameter paths; empty for a plain ensemble
    values: np.ndarray  # design points (P, D); (1, 0) for a plain ensemble
    replicates: int  # runs per point (M)

    @classmethod
    def ensemble(cls, scenario: Scenario, replicates: int | None = None) -> "Job":
        """All replicates of one scenario."""
        m = replicates if replicates is not None else scenario.spec.replicates
        return cls(_to_json(scenario), (), np.zeros((1, 0)), m)

    @classmethod
    def sweep(cls, scenario: Scenario, names: tuple[str, ...], values: np.ndarray) -> "Job":
        """`scenario.spec.replicates` runs at each design point."""
        return cls(
            _to_json(scenario), names, np.asarray(values, dtype=float), scenario.spec.replicates
        )

    @property
    def runs(self) -> int:
        return len(self.values) * self.replicates

    @property
    def key(self) -> str:
        """Identifies the job's results: resuming checks it."""
        digest = hashlib.sha256(self.scenario_json.encode())
        digest.update(json.dumps([self.names, self.replicates]).encode())
        digest.update(np.ascontiguousarray(self.values).tobytes())
        return digest.hexdigest()[:16]

    def scenario(self) -> Scenario:
        return _scenario(self.scenario_json)


def _to_json(scenario: Scenario) -> str:
    return scenario.spec.model_dump_json()


@lru_cache(maxsize=8)
def _scenario(text: str) -> Scenario:
    return scenario_from_json(text)


def run_rows(job: Job, start: int, stop: int) -> pd.DataFrame:
    """Run rows [start, stop) of a job as one batched model; one outcome row per run."""
    rows = np.arange(start, stop)
    point, replicate = np.divmod(rows, job.replicates)
    scenario = job.scenario()
    params = Params.from_scenario(scenario, len(rows))
    for d, name in enumerate(job.names):
        params.set_path(name, job.values[point, d])
    model = AllianceModel(scenario, replicate_ids=replicate, params=params, record=OUTCOME_SERIES)
    while model.running:
        model.step()
    table = outcome_table(model.release(), scenario.spec.outcomes, replicate)
    table.insert(0, "run", rows)
    table.insert(1, "point", point)
    for d, name in enumerate(job.names):
        table.insert(2 + d, name, job.values[point, d])
    return table


def chunks(runs: int, size: int) -> list[tuple[int, int, int]]:
    """(index, start, stop) of each chunk."""
    return [(i, start, min(start + size, runs)) for i, start in enumerate(range(0, runs, size))]


def execute(
    job: Job,
    folder: Path,
    executor: Executor,
    chunk_size: int = DEFAULT_CHUNK,
    in_flight: int = 4,
    progress: bool | None = None,
) -> int:
    """Run every chunk of `job` not yet on disk under `folder`; return the chunks run.

    Chunks are submitted `in_flight` at a time and written as they complete, so memory holds
    a few chunks whatever the job's size.
    """
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    todo = [c for c in chunks(job.runs, chunk_size) if not part_path(folder, c[0]).exists()]
    done_runs = job.runs - sum(stop - start for _, start, stop in todo)
    pending: dict[Future, tuple[int, int, int]] = {}
    queue = iter(todo)
    with tqdm(
        total=job.runs,
        initial=done_runs,
        unit="run",
        desc="runs",
        smoothing=0.1,
        disable=None if progress is None else not progress,
    ) as bar:
        while True:
            for chunk in queue:
                pending[executor.submit(run_rows, job, chunk[1], chunk[2])] = chunk
                if len(pending) >= in_flight:
                    break
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index, start, stop = pending.pop(future)
                table = future.result()
                write_atomically(
                    part_path(folder, index), lambda tmp, t=table: t.to_parquet(tmp, index=False)
                )
                bar.update(stop - start)
    return len(todo)
