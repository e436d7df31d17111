"""The run folder's series.parquet: the tidy table written a series at a time, and the arrays
load_run rebuilds from it, both exact."""

from pathlib import Path

import numpy as np
import pandas as pd

from sim.execution.runner import run
from sim.results.run_folder import read_series
from sim.results.writers import tidy_series, write_series
from sim.scenario.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_streamed_series_equal_the_tidy_table_and_come_back_bit_for_bit(tmp_path):
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        replicates=3, horizon_months=14
    )
    result = run(scenario, replicate_ids=np.array([5, 2, 9]), progress=False)
    write_series(result, tmp_path / "series.parquet")
    written = pd.read_parquet(tmp_path / "series.parquet")
    expected = tidy_series(result)
    assert list(written.columns) == list(expected.columns)
    for column in expected.columns:
        if isinstance(expected[column].dtype, pd.CategoricalDtype):
            assert list(written[column].astype(str)) == list(expected[column].astype(str))
        else:
            assert written[column].dtype == expected[column].dtype
            assert np.array_equal(written[column].to_numpy(), expected[column].to_numpy())
    ids, arrays = read_series(tmp_path / "series.parquet", replicates=3, months=14)
    assert list(ids) == [5, 2, 9]
    assert arrays.keys() == result.arrays.keys()
    for name, values in result.arrays.items():
        assert np.array_equal(arrays[name], values), name
