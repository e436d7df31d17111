"""The runs of a large job on disk: `runs/part-NNNNNN.parquet`, one outcome row per run.

A job (sim.execution.jobs) writes each chunk of runs as one part as soon as it completes;
these functions read them back, one part at a time where they can, so memory stays bounded
whatever the job's size.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results.outcomes import share_table
from sim.scenario.outcome_settings import OUTCOMES


def part_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.parquet"


def part_files(folder: Path) -> list[Path]:
    return sorted((folder / "runs").glob("part-*.parquet"))


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All runs of a finished job, in run order."""
    return pd.concat(
        [pd.read_parquet(p, columns=columns) for p in part_files(folder)], ignore_index=True
    )


def point_shares(
    folder: Path,
    names: Sequence[str],
    values: np.ndarray,
    outcomes: tuple[str, ...] = tuple(OUTCOMES),
) -> pd.DataFrame:
    """Share of runs with each outcome at each design point (values: (P, D) of the swept
    parameters `names`), read one part at a time."""
    hits = np.zeros((len(values), len(outcomes)))
    counts = np.zeros(len(values))
    for part in part_files(folder):
        table = pd.read_parquet(part, columns=["point", *outcomes])
        grouped = table.groupby("point")
        index = grouped.size().index.to_numpy()
        counts[index] += grouped.size().to_numpy()
        hits[index] += grouped[list(outcomes)].sum().to_numpy()
    shares = pd.DataFrame(hits / counts[:, None], columns=list(outcomes))
    shares.insert(0, "point", np.arange(len(values)))
    for d, name in enumerate(names):
        shares.insert(1 + d, name, values[:, d])
    shares.insert(1 + len(names), "runs", counts.astype(int))
    return shares


def overall_summary(
    shares: pd.DataFrame, outcomes: tuple[str, ...] = tuple(OUTCOMES)
) -> pd.DataFrame:
    """Share of all runs with each outcome, with 95 % Wilson intervals."""
    runs = shares["runs"]
    hits = {name: round(float((shares[name] * runs).sum())) for name in outcomes}
    return share_table(hits, int(runs.sum()), count="runs")
