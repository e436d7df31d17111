"""Where and how a chunked job runs; light enough for the command line to build without
loading the model."""

from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHUNK = 2000
"""Runs per chunk of a chunked job (a sweep or a large ensemble)."""


@dataclass(frozen=True)
class JobSettings:
    """How a sweep or a large ensemble runs: results under `root`, on `workers` local
    processes or the Dask `scheduler`, in chunks of `chunk_size` runs; `resume` names the
    folder of an interrupted job to finish; `command` is recorded in its manifest;
    `progress` forces the progress bar on or off (None: on a terminal only); `allow_large`
    runs a job beyond the resource budget (sim.execution.budget)."""

    root: Path = Path("results")
    workers: int = 1
    scheduler: str | None = None
    chunk_size: int = DEFAULT_CHUNK
    resume: Path | None = None
    command: tuple[str, ...] = ()
    progress: bool | None = None
    allow_large: bool = False
