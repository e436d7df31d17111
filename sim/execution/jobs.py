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
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.errors import UserError, raise_if_stop_requested
from sim.execution.settings import DEFAULT_CHUNK
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.model.uncertainty import apply_ensemble
from sim.results.outcomes import OUTCOME_SERIES, outcome_table
from sim.results.parts import (
    discard_part,
    part_is_complete,
    part_path,
    record_path,
    recorded_runs,
    stray_parts,
    write_part,
)
from sim.scenario.scenario import Scenario, scenario_from_json

POLL = 1.0
"""Seconds between checks that the executor can still run a job's chunks."""


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
        if (ensemble := self.scenario().ensemble) is not None:  # the sets, not only their name
            digest.update(ensemble.sha256.encode())
        return digest.hexdigest()[:16]

    def scenario(self) -> Scenario:
        return _scenario(self.scenario_json)


def _to_json(scenario: Scenario) -> str:
    return scenario.spec.model_dump_json()


@lru_cache(maxsize=8)
def _scenario(text: str) -> Scenario:
    return scenario_from_json(text)


@dataclass(frozen=True)
class Chunk:
    """Rows [start, stop) of a job with only the design points they need: what a worker is
    sent (a chunk of a 10-million-point design carries its own few points, not the design)."""

    scenario_json: str
    names: tuple[str, ...]
    values: np.ndarray  # design points first_point, first_point + 1, ... (k, D)
    first_point: int
    replicates: int
    start: int
    stop: int


def chunk_of(job: Job, start: int, stop: int) -> Chunk:
    first, last = start // job.replicates, (stop - 1) // job.replicates
    values = np.array(job.values[first : last + 1], copy=True)
    return Chunk(job.scenario_json, job.names, values, first, job.replicates, start, stop)


def run_rows(job: Job, start: int, stop: int) -> pd.DataFrame:
    """Run rows [start, stop) of a job as one batched model; one outcome row per run."""
    return run_chunk(chunk_of(job, start, stop))


def run_chunk(chunk: Chunk) -> pd.DataFrame:
    """Run a chunk as one batched model; one outcome row per run."""
    rows = np.arange(chunk.start, chunk.stop)
    point, replicate = np.divmod(rows, chunk.replicates)
    local = point - chunk.first_point
    scenario = _scenario(chunk.scenario_json)
    params = Params.from_scenario(scenario, len(rows))
    apply_ensemble(params, scenario, replicate)  # a design point's values override its sets
    for d, name in enumerate(chunk.names):
        params.set_path(name, chunk.values[local, d])
    model = AllianceModel(scenario, replicate_ids=replicate, params=params, record=OUTCOME_SERIES)
    while model.running:
        model.step()
    table = outcome_table(
        model.release(), scenario.spec.outcomes, replicate, scenario.outcome_start
    )
    table.insert(0, "run", rows)
    table.insert(1, "point", point)
    for d, name in enumerate(chunk.names):
        table.insert(2 + d, name, chunk.values[local, d])
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
    alive: Callable[[], None] | None = None,
) -> int:
    """Run every chunk of `job` not yet complete under `folder`; return the chunks run.

    A part counts as complete only when its record vouches for it (sim.results.parts); a
    truncated or damaged part is run again; a file in runs/ that is no part of this job is
    refused. Chunks are submitted `in_flight` at a time and written as they complete, so
    memory holds a few chunks whatever the job's size. While no chunk completes, `alive` is
    called every POLL seconds: it raises when the executor can no longer run them (a Dask
    cluster without workers), so a job never waits forever.
    """
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    every = chunks(job.runs, chunk_size)
    stray = stray_parts(folder, len(every))
    if stray:
        raise UserError(
            folder,
            None,
            "--resume",
            f"runs/{stray[0].name} is not a part of this job (it has {len(every)} parts "
            f"of {chunk_size:,} runs); the folder was changed by hand: remove that file or "
            "start a new job",
        )
    todo = []
    for index, start, stop in every:
        if part_is_complete(folder, index, start, stop):
            continue
        if part_path(folder, index).exists() or record_path(folder, index).exists():
            print(
                f"note: runs/{part_path(folder, index).name} is incomplete or damaged; "
                "running its chunk again",
                file=sys.stderr,
            )
            discard_part(folder, index)
        todo.append((index, start, stop))
    done_runs = job.runs - sum(stop - start for _, start, stop in todo)
    pending: dict[Future, tuple[int, int, int]] = {}
    queue = iter(todo)
    try:
        with tqdm(
            total=job.runs,
            initial=done_runs,
            unit="run",
            desc="runs",
            smoothing=0.1,
            disable=None if progress is None else not progress,
        ) as bar:
            while True:
                raise_if_stop_requested()  # a stop whose exception Python dropped (sim.errors)
                for chunk in queue:
                    submitted = executor.submit(run_chunk, chunk_of(job, chunk[1], chunk[2]))
                    pending[submitted] = chunk
                    if len(pending) >= in_flight:
                        break
                if not pending:
                    break
                finished, _ = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
                if not finished and alive is not None:
                    alive()
                for future in finished:
                    index, start, stop = pending.pop(future)
                    write_part(folder, index, start, stop, future.result())
                    bar.update(stop - start)
    finally:
        for future in pending:
            future.cancel()
    if recorded_runs(folder) != job.runs:
        raise RuntimeError(f"{folder}: the parts hold {recorded_runs(folder)} of {job.runs} runs")
    return len(todo)
