"""The runs of a large job on disk: `runs/part-NNNNNN.parquet`, one outcome row per run.

A job (sim.execution.jobs) writes each chunk of runs as one part as soon as it completes, then
its record `runs/part-NNNNNN.json` (the runs it holds, its row count and SHA-256), both
atomically: a part counts as done only when its record matches it, so a truncated, damaged or
foreign part is run again on resume, never read. These functions read parts back one at a
time where they can, so memory stays bounded whatever the job's size.

Nothing read back is trusted: a record and a job's manifest are read once, from a regular file
of at most MAX_RECORD_BYTES and MAX_JOB_MANIFEST_BYTES, and checked (JSON objects; a record's
fields whole numbers and a SHA-256); one that is not is a UserError naming the file (a job
writes them atomically, so only a hand can make them so). A part is counted only when its
Parquet metadata agrees with its record (rows, columns, decoded size), and its design points
are checked before they index anything.
"""

import hashlib
import json
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import UserError
from sim.files import write_atomically, write_text_atomically
from sim.results.outcomes import share_table
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.yaml_source import read_json_object

PART_NAME = re.compile(r"part-(\d{6})\.(parquet|json)")

MAX_RECORD_BYTES = 4096
"""Largest part record read (a record is about 130 bytes: three numbers and a SHA-256)."""

MAX_JOB_MANIFEST_BYTES = 16 * 2**20
"""Largest job manifest.json read (a sweep's is a few tens of kB: the resolved scenario and
the design's settings, not its points)."""

PART_BYTES_PER_RUN = 2048
"""Most bytes a run's row of a part may take decoded (a few dozen numeric columns); a part
declaring more is run again, never read."""

HAND_CHANGED = "the folder was changed by hand: remove that file or start a new job"


def read_job_manifest(folder: Path) -> dict[str, Any]:
    """A job folder's manifest.json, read once and size-capped; UserError otherwise."""
    return read_json_object(
        folder / "manifest.json", MAX_JOB_MANIFEST_BYTES, "the manifest of a job folder"
    )


def read_record(path: Path) -> dict[str, Any]:
    """A part's record: start, stop and rows whole numbers >= 0 and a SHA-256 in hex;
    UserError naming the file and the field otherwise."""
    record = read_json_object(path, MAX_RECORD_BYTES, "a part's record", HAND_CHANGED)
    for key in ("start", "stop", "rows"):
        value = record.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError(
                path, None, key, f"expected a whole number >= 0, got {value!r:.40}; {HAND_CHANGED}"
            )
    digest = record.get("sha256")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise UserError(path, None, "sha256", f"expected a SHA-256 in hex; {HAND_CHANGED}")
    return record


def part_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.parquet"


def record_path(folder: Path, index: int) -> Path:
    return folder / "runs" / f"part-{index:06d}.json"


def part_files(folder: Path) -> list[Path]:
    return sorted((folder / "runs").glob("part-*.parquet"))


def _sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
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
        with tmp.open("rb") as handle:
            digest["sha256"] = _sha256(handle)

    write_atomically(part_path(folder, index), write)
    record = {"start": start, "stop": stop, "rows": stop - start, "sha256": digest["sha256"]}
    write_text_atomically(record_path(folder, index), json.dumps(record) + "\n")


def part_is_complete(folder: Path, index: int, start: int, stop: int) -> bool:
    """Whether part `index` holds exactly runs [start, stop), as its record says, unchanged
    (its SHA-256 and its Parquet metadata read from one opening of the file). UserError if
    the record is not one (sim.results.parts.read_record)."""
    part, record = part_path(folder, index), record_path(folder, index)
    if not record.exists() and not record.is_symlink():
        return False
    saved = read_record(record)
    if (saved["start"], saved["stop"], saved["rows"]) != (start, stop, stop - start):
        return False
    try:
        fd = os.open(part, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        if saved["sha256"] != _sha256(handle):
            return False
        handle.seek(0)
        return _declares(handle, stop - start)


def _declares(handle: BinaryIO, rows: int) -> bool:
    """Whether a part's Parquet metadata declares `rows` rows, a `point` column and no more
    than PART_BYTES_PER_RUN decoded bytes a row (checked before anything is read)."""
    try:
        metadata = pq.read_metadata(handle)
    except (pa.ArrowException, OSError):
        return False
    declared = sum(
        metadata.row_group(g).column(c).total_uncompressed_size
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    )
    return (
        metadata.num_rows == rows
        and "point" in metadata.schema.names
        and declared <= PART_BYTES_PER_RUN * max(rows, 1)
    )


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
    return sum(read_record(path)["rows"] for path in sorted((folder / "runs").glob("part-*.json")))


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
        if len(index) and not (index.min() >= 0 and index.max() < len(values)):
            outside = f"a design point outside 0 .. {len(values) - 1}"
            raise UserError(part, None, "point", f"{outside}; {HAND_CHANGED}")
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
