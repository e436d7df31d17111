"""Back from disk: a results folder written by run.py as a RunResult, and runs as xarray.

`load_run(folder)` reads the folder's arrays.npz and the resolved scenario in its
manifest.json, so a command-line run can be re-plotted or tabulated in a notebook.
"""

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.scenario import scenario_from_json  # the one internal import: repoint here
from sim.series import SERIES

if TYPE_CHECKING:
    import xarray

    from sim.results import RunResult


def load_run(folder: str | Path) -> "RunResult":
    """The RunResult of a run folder (results/<scenario>/<run id>/). A large run keeps its
    series for a sample of replicates in <folder>/sample/: pass that folder."""
    from sim.results import RunResult

    folder = Path(folder)
    arrays_file, manifest_file = folder / "arrays.npz", folder / "manifest.json"
    if not manifest_file.is_file():
        raise FileNotFoundError(f"{folder}: no manifest.json; expected a run folder written "
                                "by run.py (results/<scenario>/<run id>/)")
    if not arrays_file.is_file():
        hint = (f"; its series are in {folder / 'sample'}" if (folder / "sample").is_dir()
                else "")
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
        raise ValueError(f"{folder}: arrays hold {months} months but the manifest's scenario "
                         f"{scenario.spec.horizon_months}")
    return result


def to_xarray(result: "RunResult") -> "xarray.Dataset":
    """One variable per recorded series, dims (date, replicate[, actor | member]), with
    label and unit attributes; month as a coordinate along date."""
    try:
        import xarray as xr
    except ImportError:
        raise ImportError("RunResult.to_xarray needs xarray: pip install xarray (or "
                          "pip install -e '.[notebook]')") from None
    coords = {"date": pd.DatetimeIndex(result.dates), "replicate": result.replicate_ids,
              "month": ("date", np.arange(len(result.dates)))}
    variables = {}
    for spec in SERIES:
        if spec.name not in result.arrays:
            continue
        values = result.arrays[spec.name]
        attrs = {"label": spec.label, "unit": spec.unit}
        if spec.scope == "actor":
            variables[spec.name] = xr.DataArray(values, dims=("date", "replicate", "actor"),
                                                coords={"actor": list(spec.columns)},
                                                attrs=attrs)
        elif spec.scope == "bloc":
            variables[spec.name] = xr.DataArray(values, dims=("date", "replicate", "member"),
                                                coords={"member": list(spec.columns)},
                                                attrs=attrs | {"scope": "pact members"})
        else:
            variables[spec.name] = xr.DataArray(values[:, :, 0], dims=("date", "replicate"),
                                                attrs=attrs | {"scope": spec.scope})
    scenario = result.scenario
    return xr.Dataset(variables, coords=coords,
                      attrs={"scenario": scenario.name, "scenario_hash": scenario.hash,
                             "seed": scenario.spec.seed, "description": scenario.spec.description})


def tidy_series(result: "RunResult") -> pd.DataFrame:
    """The tidy series as written to series.parquet: to_frame() with the scenario's name
    and each variable's unit."""
    frame = result.to_frame()
    units = {s.name: s.unit for s in SERIES}
    frame.insert(0, "scenario", pd.Categorical([result.scenario.name] * len(frame)))
    frame["unit"] = frame["variable"].map(units).astype("category")
    return frame
