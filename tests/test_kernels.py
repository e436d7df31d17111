"""The compiled kernels (sim.model.kernels) give the numpy path's bits: whole runs of several
replicates, every recorded series, with events, forced steps and sub-steps."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import same_bits

from sim.execution.runner import run
from sim.model import kernels
from sim.model.randomness import Shocks
from sim.scenario.scenario import load_scenario

pytest.importorskip("numba")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def restore_kernels():
    yield
    kernels.set_kernels(None)


def both_paths(scenario, replicate_ids):
    out = {}
    for mode in ("numpy", "numba"):
        kernels.set_kernels(mode)
        out[mode] = run(scenario, replicate_ids=replicate_ids, progress=False).arrays
    return out["numpy"], out["numba"]


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("baseline", {}),
        ("us_buildup", {"substeps": 3}),
        ("leadership_change", {}),
        ("history", {}),
        ("sanctions_isolation", {}),
        ("china_coalition", {}),
        ("ukraine_ceasefire", {}),
        ("china_grip_dialogue", {}),
        ("russia_pacific_presence", {}),
        ("us_engagement", {}),
        ("history_uncertain", {}),
    ],
)
def test_numba_and_numpy_paths_are_bit_identical(name, extra, restore_kernels):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml").with_params(
        horizon_months=48, **extra
    )
    reference, compiled = both_paths(scenario, np.arange(40))
    assert reference.keys() == compiled.keys()
    for series, values in reference.items():
        assert same_bits(values, compiled[series]), series
    # the runs do exercise what the kernels replace: clashes and wars happen
    assert reference["clashes"][-1].sum() > 0 and reference["wars"][-1].sum() > 0


def test_the_path_is_chosen_at_run_time(monkeypatch, restore_kernels):
    kernels.set_kernels(None)
    monkeypatch.setenv(kernels.ENV, "numpy")
    assert not kernels.use_kernels(10**6)
    monkeypatch.setenv(kernels.ENV, "numba")
    assert kernels.use_kernels(1)
    monkeypatch.setenv(kernels.ENV, "auto")
    assert not kernels.use_kernels(kernels.KERNEL_MIN_REPLICATES - 1)
    assert kernels.use_kernels(kernels.KERNEL_MIN_REPLICATES)
    monkeypatch.setenv(kernels.ENV, "fast")
    with pytest.raises(ValueError, match="numba, numpy or auto"):
        kernels.use_kernels(1)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    replicate_ids=st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
    months=st.integers(1, 40),
)
def test_compiled_shocks_are_numpys_numbers(seed, replicate_ids, months):
    ids = np.array(replicate_ids)
    reference = Shocks(seed, ids, months)
    compiled = Shocks(seed, ids, months, compiled=True)
    for name in ("uniforms", "normals", "static"):
        assert np.array_equal(getattr(reference, name), getattr(compiled, name)), name


def test_compiled_shocks_reach_the_ziggurats_tail():
    # about 3 in 10,000 standard normals fall in the tail, drawn with log and exp
    shocks = Shocks(7, np.arange(30), 120, compiled=True)
    assert np.abs(shocks.normals).max() > 3.7
    assert np.array_equal(shocks.normals, Shocks(7, np.arange(30), 120).normals)


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 16, 17])
def test_kernel_sums_of_negative_zeros_are_numpys_positive_zero(n):
    from sim.model.kernels.cooperation import _sum

    row = np.full(n, -0.0)
    assert np.signbit(row.sum()) == np.signbit(_sum(row)) == False  # noqa: E712


def test_a_missing_kernel_cache_is_noticed_before_compiling(tmp_path):
    assert kernels.uncached_modules(tmp_path) == list(kernels.KERNEL_MODULES)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "shocks._draw_stream-11.py312.nbi").touch()
    assert "shocks" not in kernels.uncached_modules(tmp_path)
    assert "budgets" in kernels.uncached_modules(tmp_path)
