"""Large runs: chunks of runs on a concurrent.futures executor, streamed to Parquet.

A Job is a scenario and, for a sweep, a design: run `row` is design point row // M with
replicate row % M (M replicates per point). A chunk is a range of rows run as one batched
model whose parameters vary along the replicate axis; its outcomes (one row per run) are
written to `runs/part-NNNNNN.parquet` as soon as it completes, atomically, so memory stays
bounded and an interrupted job resumes from the chunks already on disk. Replicate r draws the
same stream at every point (common random numbers across the design) and in any chunk: the
results are bit-identical for any chunk size and any number of workers.

Executors (all concurrent.futures): a thread for one worker, local processes for several
(`--workers N`), or a Dask distributed cluster (`--scheduler ADDRESS`, through
`distributed.Client.get_executor()`). Swapping the executor changes no model code.
"""

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.model import AllianceModel
from sim.outcomes import OUTCOMES, outcome_table, wilson_interval
from sim.param_arrays import Params
from sim.scenario import Scenario, scenario_from_json
from sim.series import OUTCOME_SERIES

DEFAULT_CHUNK = 2000


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
        return cls(_to_json(scenario), names, np.asarray(values, dtype=float),
                   scenario.spec.replicates)

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
    model = AllianceModel(scenario, replicate_ids=replicate, params=params,
                          record=OUTCOME_SERIES)
    while model.running:
        model.step()
    table = outcome_table(model.release(), scenario.spec.outcomes, replicate)
    table.insert(0, "run", rows)
    table.insert(1, "point", point)
    for d, name in enumerate(job.names):
        table.insert(2 + d, name, job.values[point, d])
    return table


class Pool(NamedTuple):
    """An executor and how many chunks it runs at once."""

    executor: Executor
    slots: int


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Pool]:
    """A concurrent.futures executor: Dask at `scheduler`, else `workers` local processes
    (a thread when workers is 1, so a small job pays no process start-up)."""
    if scheduler is not None:
        from distributed import Client

        with Client(scheduler) as client:
            yield Pool(client.get_executor(), max(1, sum(client.nthreads().values())))
    elif workers > 1:
        # forkserver: workers fork from a clean process, never from this (threaded) one
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods
                                              else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["sim.batch"])  # import the model once
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield Pool(pool, workers)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            yield Pool(pool, 1)


def part_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.parquet"


def chunks(runs: int, size: int) -> list[tuple[int, int, int]]:
    """(index, start, stop) of each chunk."""
    return [(i, start, min(start + size, runs)) for i, start in enumerate(range(0, runs, size))]


def execute(job: Job, folder: Path, executor: Executor, chunk_size: int = DEFAULT_CHUNK,
            in_flight: int = 4, progress: bool | None = None) -> int:
    """Run every chunk of `job` not yet on disk under `folder`; return the chunks run.

    Chunks are submitted `in_flight` at a time and written as they complete, so memory holds
    a few chunks whatever the job's size.
    """
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    todo = [c for c in chunks(job.runs, chunk_size) if not part_path(folder, c[0]).exists()]
    done_runs = job.runs - sum(stop - start for _, start, stop in todo)
    pending: dict[Future, tuple[int, int, int]] = {}
    queue = iter(todo)
    with tqdm(total=job.runs, initial=done_runs, unit="run", desc="runs", smoothing=0.1,
              disable=None if progress is None else not progress) as bar:
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
                _write_atomically(future.result(), part_path(folder, index))
                bar.update(stop - start)
    return len(todo)


def _write_atomically(table: pd.DataFrame, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    table.to_parquet(temporary, index=False)
    temporary.replace(path)


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All runs of a finished job, in run order."""
    parts = sorted((folder / "runs").glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)


def point_shares(folder: Path, job: Job, outcomes: tuple[str, ...] = tuple(OUTCOMES)
                 ) -> pd.DataFrame:
    """Share of runs with each outcome at each design point, read one chunk at a time."""
    hits = np.zeros((len(job.values), len(outcomes)))
    counts = np.zeros(len(job.values))
    for part in sorted((folder / "runs").glob("part-*.parquet")):
        table = pd.read_parquet(part, columns=["point", *outcomes])
        grouped = table.groupby("point")
        index = grouped.size().index.to_numpy()
        counts[index] += grouped.size().to_numpy()
        hits[index] += grouped[list(outcomes)].sum().to_numpy()
    shares = pd.DataFrame(hits / counts[:, None], columns=list(outcomes))
    shares.insert(0, "point", np.arange(len(job.values)))
    for d, name in enumerate(job.names):
        shares.insert(1 + d, name, job.values[:, d])
    shares.insert(1 + len(job.names), "runs", counts.astype(int))
    return shares


def overall_summary(shares: pd.DataFrame, outcomes: tuple[str, ...] = tuple(OUTCOMES)
                    ) -> pd.DataFrame:
    """Share of all runs with each outcome, with 95 % Wilson intervals."""
    n = int(shares["runs"].sum())
    rows = []
    for name in outcomes:
        hits = round(float((shares[name] * shares["runs"]).sum()))
        low, high = wilson_interval(hits, n)
        rows.append({"outcome": name, "share": hits / n, "ci_low": low, "ci_high": high,
                     "runs": n, "meaning": OUTCOMES[name]})
    return pd.DataFrame(rows)
