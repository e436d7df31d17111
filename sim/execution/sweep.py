"""Sweeps and large ensembles: design, chunked execution and analysis, in a job folder.

A job's folder holds manifest.json (status "running" while a process writes it, then
"complete"; "interrupted" or "failed" with the command that resumes it) and
runs/part-*.parquet (one row per run, written chunk by chunk, each vouched for by its record)
and, when complete, the analysis. Re-running with `resume=` the folder of an interrupted job
runs only the chunks missing and gives the same results as an uninterrupted run. A process
writing a job folder holds its lock from before it reads or writes the manifest until the
job is complete (its analysis, plots and sample included): a second one is refused. A
resumed folder must lie inside the results folder and hold no symbolic links. The job's
size is estimated and checked against the budget before anything is built or run
(sim.execution.budget).
"""

import contextlib
import os
import shlex
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pandas as pd

from sim.errors import Interrupted, ScenarioError, UserError
from sim.execution import budget
from sim.execution.designs import build_design
from sim.execution.executors import make_executor
from sim.execution.jobs import Job, chunks, execute
from sim.execution.settings import JobSettings
from sim.files import lock_folder, make_new_folder, remove_if_empty, write_text_atomically
from sim.provenance import json_text, manifest, stamp, utc_now
from sim.results.analysis import discover, sensitivity
from sim.results.parts import overall_summary, point_shares, read_job_manifest, record_path
from sim.results.run_result import ensemble_record
from sim.results.sweep_result import SweepResult
from sim.results.writers import inside, new_run_folder
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.scenario import Scenario


def start_folder(
    scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings
) -> Path:
    """A new job folder with its manifest, or the folder of an interrupted job to resume
    (its lock taken and released again: for tests that drive `execute` by hand)."""
    with contextlib.ExitStack() as held:
        return open_folder(scenario, kind, job, settings, options, held)[0]


def open_folder(
    scenario: Scenario,
    kind: str,
    job: Job,
    settings: dict,
    options: JobSettings,
    held: contextlib.ExitStack,
) -> tuple[Path, list[Path]]:
    """A new job folder with its manifest, or the folder of an interrupted job to resume;
    with the folders created for it (removed again if the job fails before any result).
    The folder's lock is taken before anything in it is read or written and stays held
    until `held` closes."""
    resume = options.resume
    if resume is not None:
        check_resumable(resume, options.root)
        held.enter_context(lock_folder(resume))
        _check_resumed_job(resume, job, settings)
        return resume, []
    started = utc_now()
    final = new_run_folder(options.root, scenario.name, started, f"{kind}-{scenario.hash[:8]}")
    folder, created = make_new_folder(final)
    inside(options.root, folder)
    held.enter_context(lock_folder(folder))
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
        ensemble=ensemble_record(scenario),
        resolved_scenario=scenario.resolved(),
    )
    _write_manifest(folder, record)
    return folder, created


def check_resumable(folder: Path, root: Path) -> None:
    """UserError unless `folder` is a job folder (it has a manifest) inside the results
    folder `root`, reached and made of no symbolic links (a link would let a resumed job
    write somewhere else). Nothing is written in a folder refused."""
    flag = "--resume"
    if folder.is_symlink() or not folder.is_dir():
        what = "a symbolic link" if folder.is_symlink() else "not a folder"
        raise UserError(folder, None, flag, f"is {what}; give the job folder itself")
    real_root = root.resolve()
    if not folder.resolve().is_relative_to(real_root) or folder.resolve() == real_root:
        raise UserError(
            folder,
            None,
            flag,
            f"is not inside the results folder {root} (--out, root= in Python); "
            "resume a job with the --out it was started with",
        )
    for step in (folder.absolute(), *folder.absolute().parents):
        if step.resolve() == real_root:
            break
        if step.is_symlink():
            raise UserError(
                folder, None, flag, f"{step} is a symbolic link; give the job folder itself"
            )
    if not (folder / "manifest.json").is_file():  # checked again, under the lock
        raise UserError(folder, None, flag, "no manifest.json: not a job folder")
    for parent, folders, files in os.walk(folder):
        for name in (*folders, *files):
            if (Path(parent) / name).is_symlink():
                raise UserError(
                    folder,
                    None,
                    flag,
                    f"{Path(parent, name).relative_to(folder)} is a symbolic link; a job "
                    "folder holds none (the folder was changed by hand)",
                )


def _check_resumed_job(resume: Path, job: Job, settings: dict) -> None:
    """UserError unless `resume` holds this job, unfinished (read under its lock)."""
    if not (resume / "manifest.json").is_file():
        raise UserError(resume, None, "--resume", "no manifest.json: not a job folder")
    record = read_job_manifest(resume)
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


def _write_manifest(folder: Path, record: dict) -> None:
    write_text_atomically(folder / "manifest.json", json_text(record))


def _update_manifest(folder: Path, changes: dict) -> None:
    _write_manifest(folder, read_job_manifest(folder) | changes)


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


@contextmanager
def run_job(
    scenario: Scenario, kind: str, job: Job, settings: dict, options: JobSettings
) -> Iterator[Path]:
    """Run `job` into its folder (new, or the one to resume), on the executor the options
    name, and yield the folder for the work that follows (analysis, plots, a sample), with
    its lock held from before the manifest is read or written until that work is done: a
    second process cannot resume it meanwhile. If the job or that work stops early, the
    manifest says so (status "interrupted" or "failed") with the command that resumes it, or,
    if nothing was written yet, the new folder is removed. KeyboardInterrupt becomes
    Interrupted (SIGINT)."""
    chunk_size = settings["chunk_size"]
    with contextlib.ExitStack() as held:
        with make_executor(options.workers, options.scheduler) as pool:
            folder, created = open_folder(scenario, kind, job, settings, options, held)
            try:
                execute(
                    job,
                    folder,
                    pool.executor,
                    chunk_size,
                    in_flight=2 * max(pool.slots, 2),
                    progress=options.progress,
                    alive=pool.alive,
                )
            except BaseException as exc:
                _stopped_job(exc, scenario, folder, created, options, job, chunk_size)
        with marked_on_stop(folder, options):
            yield folder


def _stopped_job(
    exc: BaseException,
    scenario: Scenario,
    folder: Path,
    created: list[Path],
    options: JobSettings,
    job: Job,
    chunk_size: int,
) -> NoReturn:
    """Record why the job stopped in its folder and raise it (a worker's scenario error
    located in the scenario's files; KeyboardInterrupt as Interrupted)."""
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
    raise exc


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
    with contextlib.suppress(OSError, ValueError, UserError):
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


@contextmanager
def sweep_job(scenario: Scenario, options: JobSettings) -> Iterator[SweepResult]:
    """Run the scenario's `sweep:` block, analyse it, write the tables into its job folder and
    yield the result, the folder still "running" and locked: the caller adds plots, then
    calls finish_folder."""
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
    with run_job(scenario, "sweep", job, settings, options) as folder:
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
        yield result


@contextmanager
def ensemble_job(scenario: Scenario, options: JobSettings) -> Iterator[tuple[Path, pd.DataFrame]]:
    """All replicates of a scenario, chunked and streamed to disk, with summary.csv; yields
    (folder, summary), the folder still "running" and locked for the caller to add to and
    finish."""
    job = Job.ensemble(scenario)
    chunk_size = budget.chunk_runs(scenario.spec.horizon_months, options.chunk_size)
    settings = {"chunk_size": chunk_size}
    with run_job(scenario, "ensemble", job, settings, options) as folder:
        summary = overall_summary(point_shares(folder, job.names, job.values))
        summary.to_csv(folder / "summary.csv", index=False)
        yield folder, summary


def run_ensemble(scenario: Scenario, options: JobSettings) -> tuple[Path, pd.DataFrame]:
    """All replicates of a scenario, chunked and streamed to a complete job folder; returns
    (folder, summary)."""
    with ensemble_job(scenario, options) as (folder, summary):
        finish_folder(folder, {})
    return folder, summary
