"""What every results folder records about how it was made: command, times, code, libraries.

One builder for every manifest (runs, comparisons, ensembles, sweeps), so that each says the
same things: the command line, start and end time, the git commit of the code, and the
version of every library that shaped the result.
"""

import json
import math
import platform
import subprocess
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "alliance-sim",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "pydantic",
    "pyyaml",
    "pyarrow",
    "tqdm",
    "SALib",
    "ema_workbench",
    "dask",
    "distributed",
)
"""Libraries whose version a manifest records: those that compute, read or write results."""


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@cache
def git_commit() -> str | None:
    """The commit of the code that ran, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def manifest(
    kind: str,
    command: list[str],
    started: datetime,
    finished: datetime | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A manifest: what kind of result, its own fields, and how it was made."""
    record: dict[str, Any] = {
        "kind": kind,
        **fields,
        "command": command,
        "started_utc": stamp(started),
    }
    if finished is not None:
        record["finished_utc"] = stamp(finished)
    record |= {"git_commit": git_commit(), "versions": package_versions()}
    return record


def json_text(record: dict[str, Any]) -> str:
    """A manifest as JSON text that stays valid JSON: a number that is not finite (a score
    with no finite value to average, a tolerance of an ensemble that left every observation)
    is written as null, the manifests' documented missing value, never as NaN or Infinity."""
    return json.dumps(_finite(record), indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
