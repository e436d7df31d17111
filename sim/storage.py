"""Writing a run to disk: a new folder per run, written whole or not at all.

results/<scenario>/<run id>/ holds series.parquet (tidy), arrays.npz (the N-d arrays),
outcomes.csv (one row per replicate), summary.csv, manifest.json and the PNG plots. The
folder is written under a hidden temporary name and renamed into place only when complete,
so a failed run leaves nothing half-written, and an existing run folder is never touched.
"""

import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.results import RunResult, series_catalog
from sim.run_folder import tidy_series

if TYPE_CHECKING:
    from sim.compare import Comparison

PACKAGES = ("alliance-sim", "mesa", "numpy", "pandas", "matplotlib", "pydantic", "pyyaml",
            "pyarrow", "tqdm")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def manifest(result: RunResult, command: list[str], started: datetime) -> dict:
    """What was run, with what, and when: enough to rerun it."""
    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "scenario_files": [str(p) for p in scenario.sources],
        "seed": scenario.spec.seed,
        "replicates": result.replicates,
        "horizon_months": scenario.spec.horizon_months,
        "start_month": str(result.dates[0].date()),
        "resolved_scenario": scenario.resolved(),
        "command": command,
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "versions": package_versions(),
        "series": series_catalog().to_dict(orient="records"),
    }


def new_run_folder(root: Path, scenario_name: str, started: datetime, tag: str) -> Path:
    """A run folder name not yet taken: <UTC time>-<tag>, with -2, -3 ... if needed."""
    base = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{tag}"
    parent = root / scenario_name
    candidate, n = parent / base, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{base}-{n}"
    return candidate


def write_run(result: RunResult, root: Path, command: list[str], started: datetime,
              plots: bool = True, into: Path | None = None) -> Path:
    """Write the run into a new folder under root/<scenario>/ (or into the new folder `into`)
    and return the folder."""
    from sim.plots import save_all  # matplotlib only when plotting

    final = into or new_run_folder(root, result.scenario.name, started,
                                   result.scenario.hash[:8])
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".{final.name}.partial-{os.getpid()}"
    temporary.mkdir()
    try:
        tidy_series(result).to_parquet(temporary / "series.parquet", index=False)
        np.savez_compressed(temporary / "arrays.npz", replicate=result.replicate_ids,
                            dates=result.dates.strftime("%Y-%m").to_numpy(dtype=str),
                            **result.arrays)
        result.outcomes.to_csv(temporary / "outcomes.csv", index=False)
        result.summary().to_csv(temporary / "summary.csv", index=False)
        if plots:
            save_all(result, temporary / "plots")
        (temporary / "manifest.json").write_text(
            json.dumps(manifest(result, command, started), indent=2) + "\n", encoding="utf-8")
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return final




def write_comparison(comparison: "Comparison", root: Path, command: list[str],
                     started: datetime, plots: bool = True) -> Path:
    """Write a comparison into a new folder under root/compare/ and return the folder."""
    from sim.plots_explore import save_comparison_plots

    tag = "-vs-".join(comparison.names)[:80]
    final = new_run_folder(root, "compare", started, tag)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".{final.name}.partial-{os.getpid()}"
    temporary.mkdir()
    try:
        comparison.outcome_table().to_csv(temporary / "outcomes.csv", index=False)
        comparison.paired_differences().to_csv(temporary / "paired_differences.csv",
                                               index=False)
        comparison.paired_summary().to_csv(temporary / "paired_summary.csv", index=False)
        if plots:
            save_comparison_plots(comparison, temporary)
        base = comparison.results[0]
        record = {
            "kind": "compare",
            "scenarios": [{"name": name, "hash": r.scenario.hash,
                           "files": [str(p) for p in r.scenario.sources],
                           "resolved_scenario": r.scenario.resolved()}
                          for name, r in zip(comparison.names, comparison.results, strict=True)],
            "seed": base.scenario.spec.seed, "replicates": base.replicates,
            "horizon_months": base.scenario.spec.horizon_months, "command": command,
            "started_utc": started.isoformat(timespec="seconds"),
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": _git_commit(), "versions": package_versions(),
        }
        (temporary / "manifest.json").write_text(json.dumps(record, indent=2) + "\n",
                                                 encoding="utf-8")
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return final
