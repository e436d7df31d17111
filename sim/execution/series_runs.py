"""Batched runs that keep only the series a computation reads, split over the project's
workers (local processes or a Dask cluster, sim.execution.executors).

Conditioning runs thousands of replicates to read a handful of series at a few dates (the
observations' and events' series). A SeriesRunner runs them in chunks of replicate ids, each
chunk one batched model recording only those series, and joins the chunks along the
replicate axis. Replicate r is the same path in any batch (its own shock stream), so the
joined arrays are the single batched run's, bit for bit, whatever the chunking or the number
of workers.
"""

from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.execution.executors import Pool
from sim.execution.uncertainty import check_sets_budget, run_parameter_sets
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario, scenario_from_json

CHUNK = 2_000
"""Replicates a chunk runs as one batched model (as a chunked job's default chunk)."""

POLL = 1.0
"""Seconds between the pool's `alive` checks while no chunk completes (a Dask cluster that
lost its workers stops the computation with one message, never a silent wait)."""


@dataclass(frozen=True)
class SeriesChunk:
    """What a worker is sent: the scenario (resolved, as JSON), the replicate ids, their
    parameter sets (one row per id; no columns: the scenario's own draws) and the series."""

    scenario_json: str
    ids: np.ndarray
    sets: pd.DataFrame
    series: tuple[str, ...]


def run_series_chunk(chunk: SeriesChunk) -> dict[str, np.ndarray]:
    """Run a chunk (in a worker) as one batched model; its recorded series."""
    scenario = scenario_from_json(chunk.scenario_json)
    return batch_series(scenario, chunk.ids, chunk.sets, chunk.series)


def batch_series(
    scenario: Scenario, ids: np.ndarray, sets: pd.DataFrame, series: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Replicates `ids` on `sets` as one batched model, recording `series` only, each
    (months + 1, len(ids), width); the budget is the caller's to check."""
    batch = scenario.with_overrides(replicates=len(ids))
    return run_parameter_sets(batch, sets, ids, True, record=series).arrays


class SeriesRunner:
    """Runs replicate ids of a scenario (on given parameter sets, or each its own draws) and
    returns a RunResult holding `series` only: in this process when `pool` is None, else in
    chunks on the pool's workers (at most `chunk` ids each, and at least one chunk a worker
    slot, so that a round of 200 particles keeps two workers busy too)."""

    def __init__(self, series: Iterable[str], pool: Pool | None = None, chunk: int = CHUNK):
        self.series = tuple(sorted(set(series)))
        self.pool, self.chunk = pool, chunk

    def __call__(
        self,
        scenario: Scenario,
        ids: np.ndarray,
        sets: pd.DataFrame | None = None,
        allow_large: bool = False,
    ) -> RunResult:
        ids = np.asarray(ids)
        sets = pd.DataFrame(index=range(len(ids))) if sets is None else sets
        sets = sets.reset_index(drop=True)
        check_sets_budget(scenario, len(ids), allow_large, f"condition({scenario.name})")
        size = self._chunk_size(len(ids))
        starts = range(0, len(ids), size)
        if self.pool is None or len(starts) == 1:
            return RunResult(scenario, ids, batch_series(scenario, ids, sets, self.series))
        text = scenario.spec.model_dump_json()
        futures = [
            self.pool.executor.submit(
                run_series_chunk,
                SeriesChunk(
                    text,
                    ids[start : start + size],
                    sets.iloc[start : start + size].reset_index(drop=True),
                    self.series,
                ),
            )
            for start in starts
        ]
        parts = gathered(self.pool, futures)
        arrays = {name: np.concatenate([p[name] for p in parts], axis=1) for name in self.series}
        return RunResult(scenario, ids, arrays)

    def _chunk_size(self, runs: int) -> int:
        slots = 1 if self.pool is None else self.pool.slots
        return max(1, min(self.chunk, -(-runs // slots)))


def gathered(pool: Pool, futures: list[Future]) -> list[dict[str, np.ndarray]]:
    """The chunks' results in order; the pool's `alive` is checked while none completes, and a
    chunk's error is raised as it arrives."""
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
        if not finished:
            pool.alive()
        for future in finished:
            future.result()
    return [future.result() for future in futures]
