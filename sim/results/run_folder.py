"""Back from disk: a results folder written by run.py, as a RunResult.

`load_run(folder)` reads the folder's arrays.npz and the resolved scenario in its
manifest.json, so a command-line run can be re-plotted or tabulated in a notebook.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from sim.model.recording import SERIES
from sim.results.run_result import RunResult
from sim.scenario.scenario import scenario_from_json


def load_run(folder: str | Path) -> RunResult:
    """The RunResult of a run folder (results/<scenario>/<run id>/). A large run keeps its
    series for a sample of replicates in <folder>/sample/: pass that folder."""
    folder = Path(folder)
    arrays_file, manifest_file = folder / "arrays.npz", folder / "manifest.json"
    if not manifest_file.is_file():
        raise FileNotFoundError(
            f"{folder}: no manifest.json; expected a run folder written "
            "by run.py (results/<scenario>/<run id>/)"
        )
    if not arrays_file.is_file():
        hint = f"; its series are in {folder / 'sample'}" if (folder / "sample").is_dir() else ""
        raise FileNotFoundError(f"{folder}: no arrays.npz{hint}")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    scenario = scenario_from_json(json.dumps(manifest["resolved_scenario"]))
    files = [Path(p) for p in manifest.get("scenario_files", [])]
    if files:
        scenario = dataclasses.replace(scenario, path=files[-1], sources=tuple(files))
    with np.load(arrays_file) as data:
        replicate_ids = data["replicate"]
        arrays = {s.name: data[s.name] for s in SERIES if s.name in data.files}
    result = RunResult(scenario, replicate_ids, arrays)
    months = next(iter(arrays.values())).shape[0] - 1
    if months != scenario.spec.horizon_months:
        raise ValueError(
            f"{folder}: arrays hold {months} months but the manifest's scenario "
            f"{scenario.spec.horizon_months}"
        )
    return result
