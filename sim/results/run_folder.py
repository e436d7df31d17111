"""Back from disk: a results folder written by run.py, as a RunResult.

`load_run(folder)` reads the folder's series.parquet (arrays.npz in folders written before
issue 11) and the resolved scenario in its manifest.json, so a command-line run can be
re-plotted or tabulated in a notebook.

Nothing read is trusted: the manifest is read once with a size limit; the series file's
declared rows, columns, types and sizes (its metadata, or the array headers of arrays.npz)
are checked against the manifest's replicates and months and against MAX_LOAD_BYTES before
anything is allocated; the values read are then checked (months inside the run, known series
and actors, every cell present once, the manifest's replicate count). Each problem is a
UserError naming the file and what was expected.
"""

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from sim.errors import ScenarioError, UserError
from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario, scenario_from_json
from sim.scenario.yaml_source import read_json_object

MAX_MANIFEST_BYTES = 16 * 2**20
"""Largest manifest.json read (a run's is about 30 kB)."""

LOAD_BYTES_PER_VALUE = 48
"""Memory load_run needs per recorded value: the array (8 bytes), the columns read (about 30)
and the check that each cell is written once (8)."""

MAX_LOAD_BYTES = 6 * 2**30
"""Most memory load_run may ask for. A run keeps at most about 94 million values in memory
(sim.execution.budget: MEMORY_BUDGET / SERIES_BYTES run-months of 79 values), which loads in
about 4.2 GiB; a manifest declaring more is refused before anything is read."""

READ_BYTES_PER_ROW = 64
"""Bytes a row of series.parquet may take decoded (five columns of at most 8 bytes each, and
room for dictionaries and pages): a column chunk declaring more is refused unread."""

COLUMNS = {
    "replicate": "integer",
    "month": "integer",
    "actor": "string",
    "variable": "string",
    "value": "floating",
}
"""The columns load_run reads from series.parquet, with their kind of type."""


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
    manifest = read_json_object(manifest_file, MAX_MANIFEST_BYTES, "the manifest of a run")
    scenario, replicates = _manifest_run(manifest_file, manifest)
    months = scenario.spec.horizon_months
    if series_file.is_file():
        replicate_ids, arrays = read_series(series_file, replicates, months)
    else:
        replicate_ids, arrays = read_arrays(arrays_file, replicates, months)
    return RunResult(scenario, replicate_ids, arrays, conditioned_on=manifest.get("conditioned_on"))


def _manifest_run(path: Path, manifest: dict[str, Any]) -> tuple[Scenario, int]:
    """The manifest's resolved scenario (with its files) and replicate count, checked."""
    if not isinstance(manifest.get("resolved_scenario"), dict):
        raise UserError(path, None, "resolved_scenario", "missing: expected a run's manifest")
    try:
        scenario = scenario_from_json(json.dumps(manifest["resolved_scenario"]))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(
            path, None, f"resolved_scenario.{where}", f"not a valid scenario: {first['msg']}"
        ) from None
    except ScenarioError as error:
        raise UserError(path, None, "resolved_scenario", error.message) from None
    replicates = manifest.get("replicates")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise UserError(
            path, None, "replicates", f"expected a whole number >= 1, got {replicates!r}"
        )
    files = manifest.get("scenario_files", [])
    if isinstance(files, list) and files and all(isinstance(f, str) for f in files):
        paths = [Path(f) for f in files]
        scenario = dataclasses.replace(scenario, path=paths[-1], sources=tuple(paths))
    return scenario, replicates


def _check_size(path: Path, replicates: int, months: int) -> int:
    """The most values a run of this size records; UserError if loading them would need
    more than MAX_LOAD_BYTES."""
    values = replicates * (months + 1) * sum(len(s.columns) for s in SERIES)
    if values * LOAD_BYTES_PER_VALUE > MAX_LOAD_BYTES:
        raise UserError(
            path,
            None,
            "",
            f"the manifest's {replicates:,} replicates x {months + 1} months would need "
            f"{values * LOAD_BYTES_PER_VALUE / 2**30:,.1f} GiB to load; the limit is "
            f"{MAX_LOAD_BYTES / 2**30:.0f} GiB (a larger run keeps its series in sample/)",
        )
    return values


def read_series(
    path: Path, replicates: int, months: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The replicate ids (in the order written) and the (months + 1, R, width) arrays of a
    series.parquet, whatever the order of its rows: the metadata checked first (columns and
    types, at most the rows and bytes a run of `replicates` x `months` writes), then every
    value's month, series, actor and replicate, and that each cell is written exactly once."""
    table = _read_checked_table(path, _check_size(path, replicates, months))
    replicate = table.column("replicate").to_numpy()
    month = table.column("month").to_numpy()
    value = table.column("value").to_numpy()
    variable_names, variable_codes = _codes(table.column("variable"))
    actor_names, actor_codes = _codes(table.column("actor"))
    if len(month) and (month.min() < 0 or month.max() > months):
        bad = int(month[(month < 0) | (month > months)][0])
        raise UserError(path, None, "month", f"expected months 0 to {months}, found {bad}")
    replicate_ids = pd.unique(replicate)
    if len(replicate_ids) != replicates:
        raise UserError(
            path,
            None,
            "replicate",
            f"expected the manifest's {replicates:,} replicates, found {len(replicate_ids):,}",
        )
    position = pd.Index(replicate_ids).get_indexer(replicate)
    arrays: dict[str, np.ndarray] = {}
    for code, name in enumerate(variable_names):
        rows = np.flatnonzero(variable_codes == code)
        if not len(rows):
            continue
        if name not in SERIES_BY_NAME:
            raise UserError(path, None, "variable", f"unknown series {name!r}")
        spec = SERIES_BY_NAME[name]
        lookup = np.array([spec.columns.index(a) if a in spec.columns else -1 for a in actor_names])
        column = lookup[actor_codes[rows]] if len(lookup) else np.full(len(rows), -1)
        if (column < 0).any():
            bad = actor_names[int(actor_codes[rows][column < 0][0])]
            raise UserError(
                path,
                None,
                "actor",
                f"unknown column {bad!r} of series '{name}'; expected {', '.join(spec.columns)}",
            )
        shape = (months + 1, len(replicate_ids), len(spec.columns))
        cell = np.ravel_multi_index((month[rows], position[rows], column), shape)
        written = np.bincount(cell, minlength=int(np.prod(shape)))
        if (written != 1).any():
            missing, twice = int((written == 0).sum()), int((written > 1).sum())
            raise UserError(
                path,
                None,
                "",
                f"series '{name}': {missing:,} values missing, {twice:,} written more than "
                "once; expected one value per month, replicate and column",
            )
        values = np.empty(shape)
        values.reshape(-1)[cell] = value[rows]
        arrays[name] = values
    return replicate_ids, arrays


def _read_checked_table(path: Path, most_values: int) -> pa.Table:
    """The five columns of series.parquet, read only after its metadata passed: a Parquet
    file, the columns and types of COLUMNS, at most `most_values` rows, and column chunks no
    larger decoded than READ_BYTES_PER_ROW a row."""
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise UserError(path, None, "", f"not a Parquet file ({error})") from None
    with file:
        schema = file.schema_arrow
        for name, kind in COLUMNS.items():
            if name not in schema.names:
                raise UserError(path, None, name, f"missing column; expected {', '.join(COLUMNS)}")
            if not _is(schema.field(name).type, kind):
                raise UserError(
                    path, None, name, f"expected {kind} values, found {schema.field(name).type}"
                )
        metadata = file.metadata
        if metadata.num_rows > most_values:
            raise UserError(
                path,
                None,
                "",
                f"declares {metadata.num_rows:,} rows; the manifest's run has at most "
                f"{most_values:,}",
            )
        indices = [schema.get_field_index(name) for name in COLUMNS]
        declared = sum(
            metadata.row_group(g).column(i).total_uncompressed_size
            for g in range(metadata.num_row_groups)
            for i in indices
        )
        if declared > READ_BYTES_PER_ROW * max(metadata.num_rows, 1) + 2**20:
            raise UserError(
                path,
                None,
                "",
                f"declares {declared:,} bytes of data for {metadata.num_rows:,} rows; "
                f"expected at most {READ_BYTES_PER_ROW} a row",
            )
        try:
            table = file.read(columns=list(COLUMNS))
        except (pa.ArrowException, OSError) as error:
            raise UserError(path, None, "", f"cannot read its series ({error})") from None
    for name in COLUMNS:
        if table.column(name).null_count:
            raise UserError(path, None, name, "empty values; expected one in every row")
    return table


def _is(kind: pa.DataType, expected: str) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if expected == "integer":
        return pa.types.is_integer(kind)
    if expected == "floating":
        return pa.types.is_floating(kind)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _codes(column: pa.ChunkedArray) -> tuple[list[str], np.ndarray]:
    """A string column as (distinct labels, each row's code), without a string per row."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    encoded = column.unify_dictionaries().combine_chunks()
    labels = [str(label) for label in encoded.dictionary.to_pylist()]
    return labels, encoded.indices.to_numpy()


def read_arrays(
    path: Path, replicates: int, months: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The replicate ids and arrays of an arrays.npz (folders written before issue 11), each
    array's header (shape, type) checked against the manifest before it is read."""
    expected = {"replicate": (replicates,)} | {
        s.name: (months + 1, replicates, len(s.columns)) for s in SERIES
    }
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.removesuffix(".npy") for n in archive.namelist()]
            if "replicate" not in names:
                raise UserError(path, None, "replicate", "missing; expected the replicate ids")
            arrays = {}
            for name in names:
                if name not in expected:
                    continue
                with archive.open(f"{name}.npy") as member:
                    version = np.lib.format.read_magic(member)
                    header = (
                        np.lib.format.read_array_header_1_0
                        if version == (1, 0)
                        else np.lib.format.read_array_header_2_0
                    )
                    shape, _, dtype = header(member)
                    if tuple(shape) != expected[name] or dtype.kind not in "iuf":
                        raise UserError(
                            path,
                            None,
                            name,
                            f"expected numbers of shape {expected[name]}, found {dtype} "
                            f"of shape {tuple(shape)}",
                        )
                with archive.open(f"{name}.npy") as member:
                    arrays[name] = np.lib.format.read_array(member, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UserError(path, None, "", f"not a readable arrays.npz ({error})") from None
    replicate_ids = arrays.pop("replicate")
    if len(np.unique(replicate_ids)) != replicates:
        raise UserError(path, None, "replicate", f"expected {replicates:,} distinct ids")
    return replicate_ids, arrays
