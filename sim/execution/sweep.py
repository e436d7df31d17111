"""Sweeps and large ensembles: design, chunked execution and analysis, in a job folder.

A job's folder holds manifest.json (status "running" until the end, then "complete"),
runs/part-*.parquet (one row per run, written chunk by chunk) and, when complete, the
analysis. Re-running with `resume=` the folder of an interrupted job runs only the chunks
missing and gives the same results as an uninterrupted run.
"""

import json
from pathlib import Path

import pandas as pd

from sim.errors import UserError
from sim.execution.designs import build_design
from sim.execution.executors import make_executor
from sim.execution.jobs import Job, execute
from sim.execution.settings import JobSettings
from sim.files import write_text_atomically
from sim.provenance import manifest, stamp, utc_now
from sim.results.analysis import discover, sensitivity
from sim.results.parts import overall_summary, point_shares
from sim.results.sweep_result import SweepResult
from sim.results.writers import new_run_folder
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.scenario import Scenario


def start_folder(
    scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings
) -> Path:
    """A new job folder with its manifest, or the folder of an interrupted job to resume."""
    resume = options.resume
    if resume is not None:
        manifest_path = resume / "manifest.json"
        if not manifest_path.is_file():
            raise UserError(resume, None, "--resume", "no manifest.json: not a job folder")
        record = json.loads(manifest_path.read_text(encoding="utf-8"))
        if record.get("job_key") != job.key or record.get("settings") != settings:
            raise UserError(
                resume,
                None,
                "--resume",
                "this folder holds another job (its "
                "scenario, design or chunk size differs); start a new one",
            )
        if record.get("status") == "complete":
            raise UserError(
                resume,
                None,
                "--resume",
                "this job is already complete; its results are in the folder",
            )
        return resume
    started = utc_now()
    folder = new_run_folder(options.root, scenario.name, started, f"{kind}-{scenario.hash[:8]}")
    folder.mkdir(parents=True)
    record = manifest(
        kind,
        list(options.command),
        started,
        status="running",
        scenario=scenario.name,
        scenario_hash=scenario.hash,
        job_key=job.key,
        settings=settings,
        runs=job.runs,
        points=len(job.values),
        replicates_per_point=job.replicates,
        seed=scenario.spec.seed,
        resolved_scenario=scenario.resolved(),
    )
    _write_manifest(folder, record)
    return folder


def _write_manifest(folder: Path, record: dict) -> None:
    write_text_atomically(folder / "manifest.json", json.dumps(record, indent=2) + "\n")


def finish_folder(folder: Path, extra: dict) -> None:
    """Mark a job folder complete: its results are all written."""
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    record |= {"status": "complete", "finished_utc": stamp(utc_now()), **extra}
    _write_manifest(folder, record)


def run_job(job: Job, folder: Path, options: JobSettings) -> None:
    with make_executor(options.workers, options.scheduler) as pool:
        execute(
            job,
            folder,
            pool.executor,
            options.chunk_size,
            in_flight=2 * max(pool.slots, 2),
            progress=options.progress,
        )


def execute_sweep(scenario: Scenario, options: JobSettings) -> SweepResult:
    """Run the scenario's `sweep:` block, analyse it and write the tables into its job folder
    (left with status "running": the caller adds plots, then calls finish_folder)."""
    sweep = scenario.spec.sweep
    if sweep is None:
        raise UserError(
            scenario.path or "<scenario>", None, "sweep", "this scenario has no 'sweep:' block"
        )
    design = build_design(sweep, scenario.spec.seed)
    job = Job.sweep(scenario, design.names, design.values)
    settings = {"chunk_size": options.chunk_size, "design": sweep.model_dump(mode="json")}
    folder = start_folder(scenario, "sweep", job, settings, options)
    run_job(job, folder, options)

    outcomes = list(sweep.outcomes or OUTCOMES)
    shares = point_shares(folder, job.names, job.values)
    summary = overall_summary(shares)
    indices = sensitivity(design, shares, outcomes, seed=scenario.spec.seed % 2**32)
    boxes = {name: discover(design, shares, name, sweep.min_coverage) for name in outcomes}
    result = SweepResult(scenario, design, folder, shares, summary, indices, boxes)

    pd.DataFrame(design.values, columns=list(design.names)).rename_axis("point").to_csv(
        folder / "design.csv"
    )
    shares.to_csv(folder / "points.csv", index=False)
    summary.to_csv(folder / "summary.csv", index=False)
    indices.to_csv(folder / "sensitivity.csv", index=False)
    result.boxes_table().to_csv(folder / "discovery.csv", index=False)
    (folder / "discovery.txt").write_text("\n".join(result.discoveries()) + "\n", encoding="utf-8")
    return result


def run_ensemble(scenario: Scenario, options: JobSettings) -> tuple[Path, pd.DataFrame]:
    """All replicates of a scenario, chunked and streamed to disk; returns (folder, summary)."""
    job = Job.ensemble(scenario)
    settings = {"chunk_size": options.chunk_size}
    folder = start_folder(scenario, "ensemble", job, settings, options)
    run_job(job, folder, options)
    summary = overall_summary(point_shares(folder, job.names, job.values))
    summary.to_csv(folder / "summary.csv", index=False)
    finish_folder(folder, {})
    return folder, summary
