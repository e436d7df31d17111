"""Sweeps and large ensembles: design, chunked execution, analysis, and their folders.

A job's folder holds manifest.json (status "running" until the end, then "complete"),
runs/part-*.parquet (one row per run, written chunk by chunk) and, when complete, the
analysis. Re-running with `resume=` the folder of an interrupted job runs only the chunks
missing and gives the same results as an uninterrupted run.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.batch import (
    DEFAULT_CHUNK,
    Job,
    execute,
    make_executor,
    overall_summary,
    point_shares,
    read_runs,
)
from sim.outcomes import OUTCOMES
from sim.scenario import Scenario
from sim.storage import new_run_folder, package_versions
from sim.yaml_source import ScenarioError

if TYPE_CHECKING:
    from sim.analysis import Box
    from sim.design import Design


@dataclass
class SweepResult:
    """A finished sweep: per-point outcome shares and what drives them."""

    scenario: Scenario
    design: "Design"
    folder: Path
    shares: pd.DataFrame  # one row per design point
    summary: pd.DataFrame  # share of all runs with each outcome
    sensitivity: pd.DataFrame
    boxes: dict[str, "Box | None"] = field(default_factory=dict)

    def runs(self) -> pd.DataFrame:
        """One row per run (read from the folder)."""
        return read_runs(self.folder)

    def discoveries(self) -> list[str]:
        bounds = dict(zip(self.design.names, self.design.bounds, strict=True))
        return [box.describe(bounds) for box in self.boxes.values() if box is not None]


def start_folder(root: Path, scenario: Scenario, kind: str, job: Job, settings: dict,
                 command: list[str], resume: Path | None) -> Path:
    """A new job folder with its manifest, or the folder of an interrupted job to resume."""
    if resume is not None:
        manifest_path = resume / "manifest.json"
        if not manifest_path.is_file():
            raise ScenarioError(resume, None, "--resume", "no manifest.json: not a job folder")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("job_key") != job.key or manifest.get("settings") != settings:
            raise ScenarioError(resume, None, "--resume", "this folder holds another job (its "
                                "scenario, design or chunk size differs); start a new one")
        if manifest.get("status") == "complete":
            raise ScenarioError(resume, None, "--resume", "this job is already complete; "
                                "its results are in the folder")
        return resume
    started = datetime.now(UTC)
    folder = new_run_folder(root, scenario.name, started, f"{kind}-{scenario.hash[:8]}")
    folder.mkdir(parents=True)
    manifest = {
        "kind": kind, "status": "running", "scenario": scenario.name,
        "scenario_hash": scenario.hash, "job_key": job.key, "settings": settings,
        "runs": job.runs, "points": len(job.values), "replicates_per_point": job.replicates,
        "seed": scenario.spec.seed, "resolved_scenario": scenario.resolved(),
        "command": command, "started_utc": started.isoformat(timespec="seconds"),
        "versions": package_versions(),
    }
    _write_manifest(folder, manifest)
    return folder


def _write_manifest(folder: Path, manifest: dict) -> None:
    temporary = folder / ".manifest.json.tmp"
    temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    temporary.replace(folder / "manifest.json")


def finish_folder(folder: Path, extra: dict) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest |= {"status": "complete",
                 "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"), **extra}
    _write_manifest(folder, manifest)


def run_job(job: Job, folder: Path, workers: int, scheduler: str | None, chunk_size: int,
            progress: bool | None) -> None:
    with make_executor(workers, scheduler) as pool:
        execute(job, folder, pool.executor, chunk_size, in_flight=2 * max(pool.slots, 2),
                progress=progress)


def run_sweep(scenario: Scenario, root: Path = Path("results"), workers: int = 1,
              scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK,
              resume: Path | None = None, command: list[str] | None = None,
              progress: bool | None = None, plots: bool = True) -> SweepResult:
    """Run the scenario's `sweep:` block and analyse it; write everything under root."""
    from sim.analysis import discover, sensitivity  # SciPy, SALib and the EMA Workbench
    from sim.design import build_design  # load slowly: only sweeps need them

    sweep = scenario.spec.sweep
    if sweep is None:
        raise ScenarioError(scenario.path or "<scenario>", None, "sweep",
                            "this scenario has no 'sweep:' block")
    design = build_design(sweep, scenario.spec.seed)
    job = Job.sweep(scenario, design.names, design.values)
    settings = {"chunk_size": chunk_size, "design": sweep.model_dump(mode="json")}
    folder = start_folder(root, scenario, "sweep", job, settings, command or [], resume)
    run_job(job, folder, workers, scheduler, chunk_size, progress)

    outcomes = list(sweep.outcomes or OUTCOMES)
    shares = point_shares(folder, job)
    summary = overall_summary(shares)
    indices = sensitivity(design, shares, outcomes, seed=scenario.spec.seed % 2**32)
    boxes = {name: discover(design, shares, name, sweep.min_coverage) for name in outcomes}
    result = SweepResult(scenario, design, folder, shares, summary, indices, boxes)

    pd.DataFrame(design.values, columns=list(design.names)).rename_axis("point").to_csv(
        folder / "design.csv")
    shares.to_csv(folder / "points.csv", index=False)
    summary.to_csv(folder / "summary.csv", index=False)
    indices.to_csv(folder / "sensitivity.csv", index=False)
    _boxes_table(result).to_csv(folder / "discovery.csv", index=False)
    (folder / "discovery.txt").write_text("\n".join(result.discoveries()) + "\n",
                                          encoding="utf-8")
    if plots:
        from sim.plots_explore import save_sweep_plots

        save_sweep_plots(result, folder)
    finish_folder(folder, {"design_points": len(design.values)})
    return result


def _boxes_table(result: SweepResult) -> pd.DataFrame:
    rows = []
    for name, box in result.boxes.items():
        if box is None:
            continue
        for parameter, (low, high) in box.limits.items():
            rows.append({"outcome": name, "parameter": parameter, "low": low, "high": high,
                         "coverage": box.coverage, "density": box.density, "mass": box.mass,
                         "base_rate": box.base_rate})
    return pd.DataFrame(rows, columns=["outcome", "parameter", "low", "high", "coverage",
                                       "density", "mass", "base_rate"])


def run_ensemble(scenario: Scenario, root: Path = Path("results"), workers: int = 1,
                 scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK,
                 resume: Path | None = None, command: list[str] | None = None,
                 progress: bool | None = None) -> tuple[Path, pd.DataFrame]:
    """All replicates of a scenario, chunked and streamed to disk; returns (folder, summary)."""
    job = Job.ensemble(scenario)
    settings = {"chunk_size": chunk_size}
    folder = start_folder(root, scenario, "ensemble", job, settings, command or [], resume)
    run_job(job, folder, workers, scheduler, chunk_size, progress)
    summary = overall_summary(point_shares(folder, job))
    summary.to_csv(folder / "summary.csv", index=False)
    finish_folder(folder, {})
    return folder, summary
