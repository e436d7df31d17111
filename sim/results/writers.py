"""The files a run or a comparison is written to, and the manifest that says how it was made.

These functions fill a folder they are given; sim.workflows stages that folder (written under
a hidden name, renamed into place only when complete) and adds the plots.

A run's folder: series.parquet (tidy, written a series at a time so that the table is never
whole in memory), outcomes.csv (one row per replicate), summary.csv and manifest.json;
sim.results.run_folder reads the arrays back from series.parquet. A comparison's: outcomes.csv,
paired_outcomes.csv, paired_differences.csv, paired_summary.csv and manifest.json.
"""

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import UserError
from sim.model.recording import SERIES
from sim.provenance import json_text, manifest, utc_now
from sim.results.comparison import Comparison
from sim.results.run_result import RunResult, series_catalog


def new_run_folder(root: Path, scenario_name: str, started: datetime, tag: str) -> Path:
    """A run folder name not yet taken: <UTC time>-<tag>, with -2, -3 ... if needed."""
    base = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{tag}"
    parent = root / scenario_name
    inside(root, parent / base)
    candidate, n = parent / base, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{base}-{n}"
    return candidate


def tidy_series(result: RunResult) -> pd.DataFrame:
    """The tidy series as written to series.parquet: to_frame() with the scenario's name
    and each variable's unit."""
    frame = result.to_frame()
    variables = frame["variable"].cat
    units = {s.name: s.unit for s in SERIES}
    labels = sorted({units[v] for v in variables.categories})
    unit_codes = np.array([labels.index(units[v]) for v in variables.categories], dtype=np.int16)
    scenario = pd.Categorical.from_codes(
        np.zeros(len(frame), dtype=np.int8), [result.scenario.name]
    )
    frame.insert(0, "scenario", scenario)
    frame["unit"] = pd.Categorical.from_codes(unit_codes[variables.codes], labels)
    return frame


def inside(root: Path, folder: Path) -> Path:
    """`folder`, checked to lie under `root` once resolved (a scenario name is one safe path
    component, but a result must never be written anywhere else whatever the name)."""
    if not folder.resolve().is_relative_to(root.resolve()) or folder.resolve() == root.resolve():
        raise UserError(root, None, "--out", f"{folder} is not inside the results folder {root}")
    return folder


def write_series(result: RunResult, path: Path) -> None:
    """series.parquet: the rows and columns of tidy_series(result), written one series (one
    row group) at a time straight from the recorded arrays and integer codes, so that the
    tidy table (about 10 million rows for 1,000 replicates) never exists in memory."""
    specs = [s for s in SERIES if s.name in result.arrays]
    actors = sorted({column for s in specs for column in s.columns})
    variables = sorted(s.name for s in specs)
    units = sorted({s.unit for s in specs})
    dates = result.dates.to_numpy()
    schema = pa.schema(
        [
            ("scenario", pa.dictionary(pa.int8(), pa.string())),
            ("replicate", pa.int64()),
            ("month", pa.int64()),
            ("date", pa.from_numpy_dtype(dates.dtype)),
            ("actor", pa.dictionary(pa.int16(), pa.string())),
            ("variable", pa.dictionary(pa.int16(), pa.string())),
            ("value", pa.float64()),
            ("unit", pa.dictionary(pa.int16(), pa.string())),
        ]
    )

    def constant(code: int, labels: list[str], n: int, index_type: type) -> pa.Array:
        indices = pa.array(np.full(n, code, dtype=index_type))
        return pa.DictionaryArray.from_arrays(indices, pa.array(labels, pa.string()))

    @lru_cache(maxsize=1)  # the series come grouped by width: hold one width at a time
    def axes(k: int) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
        """The scenario, replicate, month and date columns of a series k wide: the same for
        every series of that width, so built once per width, not once per series."""
        t, r = len(dates), len(result.replicate_ids)
        month = np.repeat(np.arange(t, dtype=np.int64), r * k)
        return (
            constant(0, [result.scenario.name], t * r * k, np.int8),
            pa.array(np.tile(np.repeat(result.replicate_ids.astype(np.int64), k), t)),
            pa.array(month),
            pa.array(dates[month]),
        )

    # dictionary pages for the repetitive columns, byte-stream-split for the values, and
    # statistics only where a reader filters (min/max of 10 million values cost 0.2 s)
    with pq.ParquetWriter(
        path,
        schema,
        use_dictionary=["scenario", "replicate", "month", "date", "actor", "variable", "unit"],
        column_encoding={"value": "BYTE_STREAM_SPLIT"},
        write_statistics=["replicate", "month", "date"],
    ) as writer:
        for spec in specs:
            values = result.arrays[spec.name]  # (T, R, k)
            t, r, k = values.shape
            n = t * r * k
            codes = np.array([actors.index(c) for c in spec.columns], dtype=np.int16)
            columns = [
                *axes(k),
                pa.DictionaryArray.from_arrays(pa.array(np.tile(codes, t * r)), actors),
                constant(variables.index(spec.name), variables, n, np.int16),
                pa.array(values.reshape(-1)),
                constant(units.index(spec.unit), units, n, np.int16),
            ]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


def run_manifest(result: RunResult, command: list[str], started: datetime) -> dict:
    """What was run, with what, and when: enough to rerun it. `ensemble` names the parameter
    sets the replicates started from ("priors", the scenario's posterior, or the accepted sets
    of --conditioned-on); `conditioned_on` is null but for a run given --conditioned-on."""
    scenario = result.scenario
    return manifest(
        "run",
        command,
        started,
        utc_now(),
        scenario=scenario.name,
        scenario_hash=scenario.hash,
        scenario_files=[str(p) for p in scenario.sources],
        seed=scenario.spec.seed,
        replicates=result.replicates,
        horizon_months=scenario.spec.horizon_months,
        start_month=str(result.dates[0].date()),
        outcome_window=scenario.outcome_window,
        resolved_scenario=scenario.resolved(),
        ensemble=result.ensemble,
        conditioned_on=result.conditioned_on,
        series=series_catalog().to_dict(orient="records"),
    )


def write_run_files(result: RunResult, folder: Path, command: list[str], started: datetime) -> None:
    """The run's tables and manifest, into `folder`.

    No arrays.npz beside series.parquet any more (issue 11): it held the same numbers a
    second time and compressing it cost more than the run itself; load_run rebuilds the
    arrays from series.parquet."""
    write_series(result, folder / "series.parquet")
    result.outcomes.to_csv(folder / "outcomes.csv", index=False)
    result.summary().to_csv(folder / "summary.csv", index=False)
    _write_json(folder / "manifest.json", run_manifest(result, command, started))


def write_comparison_files(
    comparison: Comparison, folder: Path, command: list[str], started: datetime
) -> None:
    """The comparison's tables and manifest, into `folder`."""
    comparison.outcome_table().to_csv(folder / "outcomes.csv", index=False)
    if len(comparison.results) > 1:
        comparison.paired_outcomes().to_csv(folder / "paired_outcomes.csv", index=False)
    comparison.paired_differences().to_csv(folder / "paired_differences.csv", index=False)
    comparison.paired_summary().to_csv(folder / "paired_summary.csv", index=False)
    base = comparison.results[0]
    scenarios = [
        {
            "name": name,
            "hash": r.scenario.hash,
            "files": [str(p) for p in r.scenario.sources],
            "outcome_window": r.scenario.outcome_window,
            "ensemble": r.ensemble,
            "resolved_scenario": r.scenario.resolved(),
        }
        for name, r in zip(comparison.names, comparison.results, strict=True)
    ]
    _write_json(
        folder / "manifest.json",
        manifest(
            "compare",
            command,
            started,
            utc_now(),
            scenarios=scenarios,
            seed=base.scenario.spec.seed,
            replicates=base.replicates,
            horizon_months=base.scenario.spec.horizon_months,
        ),
    )


def _write_json(path: Path, record: dict) -> None:
    path.write_text(json_text(record), encoding="utf-8")
