"""Sweeps and large ensembles: design, chunked execution and analysis, in a job folder.

A job's folder holds manifest.json (status "running" while a process writes it, then
"complete"; "interrupted" or "failed" with the command that resumes it) and
runs/part-*.parquet (one row per run, written chunk by chunk, each vouched for by its record)
and, when complete, the analysis. Re-running with `resume=` the folder of an interrupted job
runs only the chunks missing and gives the same results as an uninterrupted run. A process
writing a job folder holds its lock: a second one is refused. The job's size is estimated and
checked against the budget before anything is built or run (sim.execution.budget).
"""

import contextlib
import json
import shlex
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from sim.errors import Interrupted, ScenarioError, UserError
from sim.execution import budget
from sim.execution.designs import build_design
from sim.execution.executors import make_executor
from sim.execution.jobs import Job, chunks, execute
from sim.execution.settings import JobSettings
from sim.files import lock_folder, make_new_folder, remove_if_empty, write_text_atomically
from sim.provenance import manifest, stamp, utc_now
from sim.results.analysis import discover, sensitivity
from sim.results.parts import overall_summary, point_shares, record_path
from sim.results.sweep_result import SweepResult
from sim.results.writers import inside, new_run_folder
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.scenario import Scenario


def start_folder(
    scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings
) -> Path:
    """A new job folder with its manifest, or the folder of an interrupted job to resume."""
    return open_folder(scenario, kind, job, settings, options)[0]


def open_folder(
    scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings
) -> tuple[Path, list[Path]]:
    """A new job folder with its manifest, or the folder of an interrupted job to resume;
    with the folders created for it (removed again if the job fails before any result)."""
    resume = options.resume
    if resume is not None:
        manifest_path = resume / "manifest.json"
        if not manifest_path.is_file():
            raise UserError(resume, None, "--resume", "no manifest.json: not a job folder")
        try:
            record = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserError(
                resume, None, "--resume", "manifest.json is not readable: not a job folder"
            ) from None
        if not isinstance(record, dict):
            raise UserError(resume, None, "--resume", "manifest.json is not a job's manifest")
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
        return resume, []
    started = utc_now()
    final = new_run_folder(options.root, scenario.name, started, f"{kind}-{scenario.hash[:8]}")
    folder, created = make_new_folder(final)
    inside(options.root, folder)
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
    return folder, created


def _write_manifest(folder: Path, record: dict) -> None:
    write_text_atomically(folder / "manifest.json", json.dumps(record, indent=2) + "\n")


def _update_manifest(folder: Path, changes: dict) -> None:
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    _write_manifest(folder, record | changes)


def finish_folder(folder: Path, extra: dict) -> None:
    """Mark a job folder complete: its results are all written."""
    _update_manifest(folder, {"status": "complete", "finished_utc": stamp(utc_now()), **extra})


def resume_command(options: JobSettings, folder: Path) -> str:
    """The command that finishes an interrupted job in `folder`."""
    command = list(options.command)
    if not command:
        return f"run_sweep(..., resume=Path({str(folder)!r})) or alliance-sim ... --resume {folder}"
    if "--resume" in command:
        at = command.index("--resume")
        del command[at : at + 2]
    return shlex.join([*command, "--resume", str(folder)])


def run_job(scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings) -> Path:
    """Run `job` into its folder (new, or the one to resume), on the executor the options
    name, holding the folder's lock. If it stops early, the manifest says so (status
    "interrupted" or "failed") with the command that resumes it, or, if nothing was written
    yet, the new folder is removed. KeyboardInterrupt becomes Interrupted (SIGINT)."""
    chunk_size = settings["chunk_size"]
    with make_executor(options.workers, options.scheduler) as pool:
        folder, created = open_folder(scenario, kind, job, settings, options)
        try:
            with lock_folder(folder):
                execute(
                    job,
                    folder,
                    pool.executor,
                    chunk_size,
                    in_flight=2 * max(pool.slots, 2),
                    progress=options.progress,
                )
        except BaseException as exc:
            stop = exc
            if isinstance(exc, KeyboardInterrupt):
                stop = Interrupted(signal.SIGINT, "SIGINT")
            elif isinstance(exc, ScenarioError) and exc.path == "<scenario>":
                # raised by a worker, which has the scenario but not its files: locate it
                path, line = scenario.provenance.get(
                    (exc.key.split(".")[0],), (scenario.path or scenario.name, None)
                )
                stop = ScenarioError(path, line, exc.key, exc.message)
            _record_stop(folder, created, stop, options, job, chunk_size)
            if stop is not exc:
                raise stop from None
            raise
    return folder


@contextmanager
def marked_on_stop(folder: Path, options: JobSettings) -> Iterator[None]:
    """Around the work that follows a job's runs (analysis, plots, the sample): if it stops,
    the manifest says so with the command that resumes it (the runs are all on disk, so
    resuming only redoes this work). KeyboardInterrupt becomes Interrupted (SIGINT)."""
    try:
        yield
    except BaseException as exc:
        stop = Interrupted(signal.SIGINT, "SIGINT") if isinstance(exc, KeyboardInterrupt) else exc
        _mark(folder, stop, options)
        if stop is not exc:
            raise stop from None
        raise


def _record_stop(
    folder: Path,
    created: list[Path],
    stop: BaseException,
    options: JobSettings,
    job: Job,
    chunk_size: int,
) -> None:
    done = any(record_path(folder, c[0]).exists() for c in chunks(job.runs, chunk_size))
    if created and not done and not isinstance(stop, Interrupted):
        for path in (folder / "runs", folder):
            for child in path.iterdir() if path.is_dir() else []:
                if child.is_file():
                    child.unlink()
        remove_if_empty([folder / "runs", *created])
        return
    _mark(folder, stop, options)


def _mark(folder: Path, stop: BaseException, options: JobSettings) -> None:
    command = resume_command(options, folder)
    status = "interrupted" if isinstance(stop, Interrupted) else "failed"
    with contextlib.suppress(OSError, ValueError):
        _update_manifest(
            folder,
            {
                "status": status,
                "stopped_utc": stamp(utc_now()),
                "reason": str(stop)[:500] or type(stop).__name__,
                "resume": command,
            },
        )
    if isinstance(stop, Interrupted):
        stop.folder, stop.resume = str(folder), command


def check_budget(estimate: budget.Estimate, options: JobSettings, where: str) -> None:
    budget.check(estimate, options.allow_large, where)


def execute_sweep(scenario: Scenario, options: JobSettings) -> SweepResult:
    """Run the scenario's `sweep:` block, analyse it and write the tables into its job folder
    (left with status "running": the caller adds plots, then calls finish_folder)."""
    sweep = scenario.spec.sweep
    if sweep is None:
        raise UserError(
            scenario.path or "<scenario>", None, "sweep", "this scenario has no 'sweep:' block"
        )
    months = scenario.spec.horizon_months
    workers = 1 if options.scheduler else options.workers
    estimate = budget.sweep_estimate(
        sweep,
        scenario.spec.replicates,
        months,
        workers,
        options.chunk_size,
        scenario.spec.substeps,
    )
    check_budget(estimate, options, str(scenario.path or scenario.name))
    design = build_design(sweep, scenario.spec.seed)
    job = Job.sweep(scenario, design.names, design.values)
    chunk_size = budget.chunk_runs(months, options.chunk_size)
    settings = {"chunk_size": chunk_size, "design": sweep.model_dump(mode="json")}
    folder = run_job(scenario, "sweep", job, settings, options)

    with marked_on_stop(folder, options):
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
        (folder / "discovery.txt").write_text(
            "\n".join(result.discoveries()) + "\n", encoding="utf-8"
        )
    return result


def run_ensemble(
    scenario: Scenario, options: JobSettings, finish: bool = True
) -> tuple[Path, pd.DataFrame]:
    """All replicates of a scenario, chunked and streamed to disk; returns (folder, summary).
    With finish=False the folder is left "running" for the caller to add to and finish."""
    job = Job.ensemble(scenario)
    chunk_size = budget.chunk_runs(scenario.spec.horizon_months, options.chunk_size)
    settings = {"chunk_size": chunk_size}
    folder = run_job(scenario, "ensemble", job, settings, options)
    with marked_on_stop(folder, options):
        summary = overall_summary(point_shares(folder, job.names, job.values))
        summary.to_csv(folder / "summary.csv", index=False)
        if finish:
            finish_folder(folder, {})
    return folder, summary
