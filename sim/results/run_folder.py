"""Back from disk: a results folder written by run.py, as a RunResult.

`load_run(folder)` reads the folder's series.parquet (arrays.npz in folders written before
issue 11) and the resolved scenario in its manifest.json, so a command-line run can be
re-plotted or tabulated in a notebook.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.recording import SERIES
from sim.results.run_result import RunResult
from sim.scenario.scenario import scenario_from_json


def load_run(folder: str | Path) -> RunResult:
    """The RunResult of a run folder (results/<scenario>/<run id>/). A large run keeps its
    series for a sample of replicates in <folder>/sample/: pass that folder."""
    folder = Path(folder)
    series_file, manifest_file = folder / "series.parquet", folder / "manifest.json"
    arrays_file = folder / "arrays.npz"  # folders written before issue 11
    if not manifest_file.is_file():
        raise FileNotFoundError(
            f"{folder}: no manifest.json; expected a run folder written "
            "by run.py (results/<scenario>/<run id>/)"
        )
    if not series_file.is_file() and not arrays_file.is_file():
        hint = f"; its series are in {folder / 'sample'}" if (folder / "sample").is_dir() else ""
        raise FileNotFoundError(f"{folder}: no series.parquet{hint}")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    scenario = scenario_from_json(json.dumps(manifest["resolved_scenario"]))
    files = [Path(p) for p in manifest.get("scenario_files", [])]
    if files:
        scenario = dataclasses.replace(scenario, path=files[-1], sources=tuple(files))
    if series_file.is_file():
        replicate_ids, arrays = read_series(series_file)
    else:
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


def read_series(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The replicate ids (in the order written) and the (months + 1, R, width) arrays of a
    series.parquet, whatever the order of its rows."""
    frame = pd.read_parquet(path, columns=["replicate", "month", "actor", "variable", "value"])
    replicate_ids = pd.unique(frame["replicate"].to_numpy())
    position = pd.Index(replicate_ids).get_indexer(frame["replicate"].to_numpy())
    months = int(frame["month"].max()) + 1
    arrays: dict[str, np.ndarray] = {}
    variable = frame["variable"]
    for spec in SERIES:
        rows = np.flatnonzero((variable == spec.name).to_numpy())
        if not len(rows):
            continue
        column = pd.Index(spec.columns).get_indexer(frame["actor"].to_numpy()[rows].astype(str))
        values = np.full((months, len(replicate_ids), len(spec.columns)), np.nan)
        values[frame["month"].to_numpy()[rows], position[rows], column] = frame["value"].to_numpy()[
            rows
        ]
        arrays[spec.name] = values
    return replicate_ids, arrays
