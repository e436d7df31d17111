"""Workflows: run, write and plot into one staged folder. What the command line does, callable
from Python.

Each result lands in a new folder that is written under a hidden temporary name and renamed
into place only when complete (sim.files.staged_folder), so a failed run leaves nothing
half-written and an existing folder is never touched. Plots are drawn on request and
matplotlib is loaded only then.
"""

import hashlib
from dataclasses import asdict
from datetime import datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import require_extra
from sim.execution import budget
from sim.execution.conditioning import ACCEPTED_FILE, Conditioning
from sim.execution.runner import run
from sim.execution.settings import DEFAULT_CHUNK, JobSettings
from sim.execution.sweep import ensemble_job, finish_folder, sweep_job
from sim.files import check_writable_folder, staged_folder
from sim.provenance import json_text
from sim.results.comparison import Comparison
from sim.results.hindcast import Hindcast
from sim.results.run_result import RunResult
from sim.results.sweep_result import SweepResult
from sim.results.writers import (
    new_run_folder,
    run_manifest,
    write_comparison_files,
    write_run_files,
)
from sim.scenario.scenario import Scenario

SERIES_SAMPLE = budget.SERIES_SAMPLE
"""A chunked run keeps series and plots for its first SERIES_SAMPLE replicates (fewer on
long horizons, so that they fit in memory: sim.execution.budget.sample_replicates)."""


def write_run(
    result: RunResult,
    root: Path,
    command: list[str],
    started: datetime,
    plots: bool = True,
    into: Path | None = None,
) -> Path:
    """Write the run into a new folder under root/<scenario>/ (or into the new folder `into`)
    and return the folder."""
    check_writable_folder(root)
    final = into or new_run_folder(root, result.scenario.name, started, result.scenario.hash[:8])
    with staged_folder(final) as staging:
        files = partial(write_run_files, result, staging.path, command, started)
        if plots:
            from sim.plots.runs import save_all

            save_all(result, staging.path / "plots", alongside=files)
        else:
            files()
    return staging.final


def write_comparison(
    comparison: Comparison, root: Path, command: list[str], started: datetime, plots: bool = True
) -> Path:
    """Write a comparison into a new folder under root/compare/ and return the folder: its
    tables, and with plots its figures and a briefing when it compares two or more scenarios
    (briefing.png and briefing.pdf; beyond two, a page per scenario against the first:
    briefing_B.png, briefing_C.png, ... and all of them in briefing.pdf)."""
    check_writable_folder(root)
    final = new_run_folder(root, "compare", started, "-vs-".join(comparison.names)[:80])
    with staged_folder(final) as staging:
        if plots:
            from sim.plots.briefing import save_briefing
            from sim.plots.explore import save_comparison_plots

            save_comparison_plots(comparison, staging.path)
            if len(comparison.results) > 1:
                save_briefing(comparison, staging.path)
        write_comparison_files(comparison, staging.path, command, started)
    return staging.final


def run_chunked(
    scenario: Scenario, options: JobSettings, started: datetime, plots: bool = True
) -> tuple[Path, pd.DataFrame, Path]:
    """A large run: all replicates' outcomes streamed to a job folder in chunks, and the
    series and plots of the first SERIES_SAMPLE replicates in its `sample/` folder (identical
    to those replicates of the large run), the job folder locked throughout. Returns
    (folder, summary, sample folder)."""
    with ensemble_job(scenario, options) as (folder, summary):
        kept = budget.sample_replicates(scenario.spec.replicates, scenario.spec.horizon_months)
        command = list(options.command)
        sample_folder = folder / "sample"
        if not sample_folder.is_dir():  # a resumed job may have it already
            sample = run(scenario, replicate_ids=np.arange(kept), allow_large=options.allow_large)
            sample_folder = write_run(sample, folder, command, started, plots, into=sample_folder)
        finish_folder(folder, {})
    return folder, summary, sample_folder


def sweep(scenario: Scenario, options: JobSettings, plots: bool = True) -> SweepResult:
    """Run the scenario's `sweep:` block, analyse it, write everything (plots included) into
    its job folder, and mark the folder complete (its lock held throughout)."""
    with sweep_job(scenario, options) as result:
        if plots:
            from sim.plots.explore import save_sweep_plots

            save_sweep_plots(result, result.folder)
        finish_folder(result.folder, {"design_points": len(result.design.values)})
    return result


def run_sweep(
    scenario: Scenario,
    root: Path = Path("results"),
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    resume: Path | None = None,
    command: list[str] | None = None,
    progress: bool | None = None,
    plots: bool = True,
    allow_large: bool = False,
) -> SweepResult:
    """`sweep` with its settings as arguments (see JobSettings): the notebook's entry."""
    if not isinstance(scenario, Scenario):
        raise TypeError(
            f"run_sweep expects a Scenario (sim.load_scenario(path)), got {type(scenario).__name__}"
        )
    require_extra("sweep", "a sweep")
    check_writable_folder(Path(root), "root")
    options = JobSettings(
        Path(root),
        int(workers),
        scheduler,
        int(chunk_size),
        None if resume is None else Path(resume),
        tuple(command or ()),
        progress,
        allow_large,
    )
    return sweep(scenario, options, plots)


def write_hindcast(
    h: Hindcast, root: Path, command: list[str], started: datetime, plots: bool = True
) -> Path:
    """Write a hindcast into a new folder root/<scenario>/<time>-hindcast-<hash>/ and return
    it: hindcast.csv (one row per observation), events.csv (one row per event, if any), the
    observation file as read and checked (observations.yaml, the bytes the file held when it
    was opened, once; its SHA-256 in the manifest), manifest.json and, with plots,
    plots/hindcast.png."""
    scenario = h.result.scenario
    final = new_run_folder(root, scenario.name, started, f"hindcast-{scenario.hash[:8]}")
    with staged_folder(final) as staging:
        folder = staging.path
        if plots:
            from sim.plots.hindcast import save_hindcast_plot

            save_hindcast_plot(h, folder / "plots")
        h.table.to_csv(folder / "hindcast.csv", index=False)
        if len(h.event_table):
            h.event_table.to_csv(folder / "events.csv", index=False)
        if h.source_text is not None:
            (folder / "observations.yaml").write_text(h.source_text, encoding="utf-8")
        record = run_manifest(h.result, command, started) | {
            "kind": "hindcast",
            "observations_file": str(h.source) if h.source else None,
            "observations_sha256": (
                hashlib.sha256(h.source_text.encode("utf-8")).hexdigest()
                if h.source_text is not None
                else None
            ),
            "coverage_80": {
                "inside": h.score.inside,
                "inside_model_band": h.score.inside_model,
                "of": h.score.n,
            },
            "mean_crps_scaled": h.score.mean_crps,
            "events": h.event_table[
                ["series", "by", "happened", "probability", "brier", "reference", "brier_reference"]
            ].to_dict("records"),
        }
        (folder / "manifest.json").write_text(json_text(record), "utf-8")
    return staging.final


def _held_out(c: Conditioning, folder: Path) -> dict[str, object] | None:
    """With a time split: write held_out_before.csv, held_out_after.csv and
    held_out_filtered.csv (and the events' scores) and return the out-of-sample summary for
    the manifest."""
    if c.split is None or c.split.until is None:
        return None
    record: dict[str, object] = {
        "until": c.split.until,
        "conditioned_on": len(c.split.conditioning),
        "held_out": len(c.split.held_out),
    }
    forecasts = {
        "before": c.held_out_before,
        "after": c.held_out_after,
        "filtered": c.held_out_filtered,
    }
    for name, h in forecasts.items():
        if h is None:
            continue
        h.table.to_csv(folder / f"held_out_{name}.csv", index=False)
        if not h.event_table.empty:
            h.event_table.to_csv(folder / f"held_out_events_{name}.csv", index=False)
        record[f"mean_crps_scaled_{name}"] = h.score.mean_crps
        record[f"mean_crps_scaled_{name}_standard_error"] = h.mean_crps_error
        record[f"events_brier_{name}"] = h.event_table["brier"].tolist()
    return record


def write_conditioning(
    c: Conditioning, root: Path, command: list[str], started: datetime, plots: bool = True
) -> Path:
    """Write a conditioning into a new folder root/<scenario>/<time>-conditioned-<hash>/ and
    return it: accepted.csv (the accepted parameter sets, which `--conditioned-on FOLDER`
    runs on), prior.csv (every draw with its distance), intervals.csv (prior and posterior
    90 % intervals), hindcast_before.csv and hindcast_after.csv, with a time split
    held_out_before.csv, held_out_after.csv and held_out_filtered.csv (the later observations
    under the prior, on the posterior's parameters, and by the accepted runs continued),
    manifest.json and, with plots, plots/posterior.png, hindcast_before.png
    and hindcast_after.png."""
    scenario = c.before.result.scenario
    final = new_run_folder(root, scenario.name, started, f"conditioned-{scenario.hash[:8]}")
    with staged_folder(final) as staging:
        folder = staging.path
        if plots:
            from sim.plots.hindcast import save_conditioning_plots

            save_conditioning_plots(c, folder / "plots")
        c.accepted.to_csv(folder / ACCEPTED_FILE)
        c.prior.to_csv(folder / "prior.csv")
        c.intervals().to_csv(folder / "intervals.csv", index=False)
        c.before.table.to_csv(folder / "hindcast_before.csv", index=False)
        c.after.table.to_csv(folder / "hindcast_after.csv", index=False)
        record = run_manifest(c.before.result, command, started) | {
            "kind": "conditioning",
            "method": c.method,
            "draws": len(c.prior),
            "accepted": len(c.accepted),
            "tolerance": c.tolerance,
            "generations": [asdict(g) for g in c.generations],
            "held_out": _held_out(c, folder),
            "hindcast_before": {
                "inside_80": c.before.score.inside,
                "of": c.before.score.n,
                "mean_crps_scaled": c.before.score.mean_crps,
            },
            "hindcast_after": {
                "inside_80": c.after.score.inside,
                "of": c.after.score.n,
                "mean_crps_scaled": c.after.score.mean_crps,
            },
        }
        (folder / "manifest.json").write_text(json_text(record), "utf-8")
    return staging.final
