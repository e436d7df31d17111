"""The runs of a large job on disk: `runs/part-NNNNNN.parquet`, one outcome row per run.

A job (sim.execution.jobs) writes each chunk of runs as one part as soon as it completes, then
its record `runs/part-NNNNNN.json` (the runs it holds, its row count and SHA-256), both
atomically: a part counts as done only when its record matches it, so a truncated, damaged or
foreign part is run again on resume, never read. These functions read parts back one at a
time where they can, so memory stays bounded whatever the job's size.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.files import write_atomically, write_text_atomically
from sim.results.outcomes import share_table
from sim.scenario.outcome_settings import OUTCOMES

PART_NAME = re.compile(r"part-(\d{6})\.(parquet|json)")


def part_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.parquet"


def record_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.json"


def part_files(folder: Path) -> list[Path]:
    return sorted((folder / "runs").glob("part-*.parquet"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_part(folder: Path, index: int, start: int, stop: int, table: pd.DataFrame) -> None:
    """Write a chunk's runs, then the record that vouches for them."""
    if len(table) != stop - start:
        raise RuntimeError(f"chunk {index} returned {len(table)} runs, not {stop - start}")
    digest: dict[str, str] = {}

    def write(tmp: Path) -> None:
        table.to_parquet(tmp, index=False)
        digest["sha256"] = _sha256(tmp)

    write_atomically(part_path(folder, index), write)
    record = {"start": start, "stop": stop, "rows": stop - start, "sha256": digest["sha256"]}
    write_text_atomically(record_path(folder, index), json.dumps(record) + "\n")


def part_is_complete(folder: Path, index: int, start: int, stop: int) -> bool:
    """Whether part `index` holds exactly runs [start, stop), as its record says, unchanged."""
    part, record = part_path(folder, index), record_path(folder, index)
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        return (
            isinstance(saved, dict)
            and saved.get("start") == start
            and saved.get("stop") == stop
            and saved.get("rows") == stop - start
            and part.is_file()
            and saved.get("sha256") == _sha256(part)
        )
    except (OSError, ValueError):
        return False


def discard_part(folder: Path, index: int) -> None:
    record_path(folder, index).unlink(missing_ok=True)
    part_path(folder, index).unlink(missing_ok=True)


def stray_parts(folder: Path, count: int) -> list[Path]:
    """Files in runs/ that are no part 0 .. count - 1 of the job (nor a temporary)."""
    stray = []
    for path in sorted((folder / "runs").iterdir()) if (folder / "runs").is_dir() else []:
        if path.name.startswith("."):
            continue
        match = PART_NAME.fullmatch(path.name)
        if match is None or int(match.group(1)) >= count:
            stray.append(path)
    return stray


def recorded_runs(folder: Path) -> int:
    """Runs the parts' records vouch for."""
    total = 0
    for path in sorted((folder / "runs").glob("part-*.json")):
        total += int(json.loads(path.read_text(encoding="utf-8")).get("rows", 0))
    return total


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
    with np.errstate(invalid="ignore", divide="ignore"):
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
    hits = {name: round(float((shares[name] * runs).fillna(0).sum())) for name in outcomes}
    return share_table(hits, int(runs.sum()), count="runs")
