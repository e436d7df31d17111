"""Exploring at scale: sweeps, chunked execution, executors, resume, compare, analysis."""

from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.errors import ScenarioError, UserError
from sim.execution.compare import compare
from sim.execution.designs import build_design
from sim.execution.executors import make_executor
from sim.execution.jobs import Job, chunks, execute, run_rows
from sim.execution.settings import JobSettings
from sim.execution.sweep import start_folder
from sim.results.analysis import Design
from sim.results.comparison import Comparison
from sim.results.parts import read_runs
from sim.scenario.schema import SweepSpec
from sim.workflows import run_sweep

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
NAMES = ("china.dialogue", "usa.buildup", "rok.reactivity.dprk")
POINTS = np.array([[0.1, 0.2, 1.0], [0.9, 0.8, 1.5], [0.5, 0.5, 0.7]])


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=6, horizon_months=36)


@pytest.fixture(scope="module")
def job(scenario):
    return Job.sweep(scenario, NAMES, POINTS)


@pytest.fixture(scope="module")
def reference(job, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    with make_executor(1) as (executor, *_):
        execute(job, folder, executor, chunk_size=job.runs, progress=False)
    return read_runs(folder)


@pytest.mark.parametrize(
    ("workers", "chunk_size"),
    # each two-worker case starts a process pool; one of them is enough for `make test`
    [(1, 4), pytest.param(2, 5, marks=pytest.mark.slow), (2, 1)],
)
def test_results_are_bit_identical_for_any_workers_and_chunk_size(
    job, reference, tmp_path, workers, chunk_size
):
    with make_executor(workers) as (executor, *_):
        execute(job, tmp_path, executor, chunk_size=chunk_size, progress=False)
    pd.testing.assert_frame_equal(read_runs(tmp_path), reference, check_exact=True)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_results(job, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        make_executor(scheduler=cluster.scheduler_address) as (executor, *_),
    ):
        execute(job, tmp_path, executor, chunk_size=7, progress=False)
    pd.testing.assert_frame_equal(read_runs(tmp_path), reference, check_exact=True)


def test_each_run_of_a_sweep_is_the_scenario_run_alone_with_that_points_parameters(
    scenario, job, reference
):
    point, replicate = 1, 4
    alone = scenario.with_params(dict(zip(NAMES, POINTS[point], strict=True)))
    single = run(alone, replicate_ids=np.array([replicate]), progress=False).outcomes
    row = reference[(reference["point"] == point) & (reference["replicate"] == replicate)]
    for column in single.columns:
        ours, alone_value = row[column].iloc[0], single[column].iloc[0]
        assert ours == alone_value or (pd.isna(ours) and pd.isna(alone_value)), column


class FailingAfter(Executor):
    """Runs `limit` chunks, then fails like a killed job."""

    def __init__(self, limit: int) -> None:
        self.limit, self.inner = limit, ThreadPoolExecutor(1)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.limit == 0:
            raise KeyboardInterrupt("interrupted")
        self.limit -= 1
        return self.inner.submit(fn, *args, **kwargs)


def test_an_interrupted_sweep_resumes_where_it_stopped_with_the_same_results(tmp_path):
    sweep = {"design": "lhs", "points": 4, "parameters": {"china.dialogue": [0.0, 1.0]}}
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {}, replicates=5, horizon_months=24, sweep=sweep
    )
    whole = run_sweep(scenario, tmp_path / "whole", chunk_size=3, progress=False, plots=False)

    design = build_design(scenario.spec.sweep, scenario.spec.seed)
    job = Job.sweep(scenario, design.names, design.values)
    with pytest.raises(KeyboardInterrupt):
        run_sweep_interrupted(scenario, job, tmp_path / "cut")
    (folder,) = (tmp_path / "cut" / scenario.name).iterdir()
    assert len(list((folder / "runs").glob("part-*.parquet"))) == 2
    with make_executor(1) as (executor, *_):
        assert execute(job, folder, executor, chunk_size=3, progress=False) == 5
    resumed = run_sweep(
        scenario, tmp_path / "cut", chunk_size=3, resume=folder, progress=False, plots=False
    )
    pd.testing.assert_frame_equal(resumed.runs(), whole.runs(), check_exact=True)
    pd.testing.assert_frame_equal(resumed.shares, whole.shares, check_exact=True)


def run_sweep_interrupted(scenario, job, root: Path) -> None:

    settings = {"chunk_size": 3, "design": scenario.spec.sweep.model_dump(mode="json")}
    folder = start_folder(scenario, "sweep", job, settings, JobSettings(root))
    execute(job, folder, FailingAfter(2), chunk_size=3, in_flight=1, progress=False)


def test_resuming_another_jobs_folder_is_refused(tmp_path):
    sweep = {"design": "grid", "levels": 2, "parameters": {"china.dialogue": [0.0, 1.0]}}
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {}, replicates=2, horizon_months=12, sweep=sweep
    )
    done = run_sweep(scenario, tmp_path, progress=False, plots=False)
    other = scenario.with_params({"sweep.levels": 3})
    with pytest.raises(UserError, match="holds another job"):
        run_sweep(other, tmp_path, resume=done.folder, progress=False, plots=False)


@pytest.mark.parametrize(
    ("kind", "expected_points"),
    [
        ("grid", 4**3),
        ("lhs", 16),
        ("sobol", 16 * (3 + 2)),
        ("morris", 16 * (3 + 1)),
    ],
)
def test_designs_have_the_documented_size_and_stay_in_bounds(kind, expected_points):
    spec = SweepSpec(
        design=kind,
        points=16,
        levels=4,
        parameters={"a.x": (0.0, 1.0), "b.y": (2.0, 4.0), "c.z": (-1.0, 1.0)},
    )
    design = build_design(spec, seed=3)
    assert design.values.shape == (expected_points, 3)
    low = np.array([0.0, 2.0, -1.0])
    high = np.array([1.0, 4.0, 1.0])
    assert np.all(design.values >= low) and np.all(design.values <= high)
    if kind == "grid":
        np.testing.assert_allclose(np.unique(design.values[:, 1]), [2, 2 + 2 / 3, 2 + 4 / 3, 4])
    if kind == "lhs":  # one point in each of the 16 strata of every parameter
        strata = np.floor((design.values - low) / (high - low) * 16).astype(int)
        for column in strata.T:
            assert sorted(column) == list(range(16))


def synthetic(kind: str, points: int = 256) -> tuple[Design, pd.DataFrame]:
    """A design whose outcome depends on the first parameter only: likely when a < 0.3."""
    spec = SweepSpec(
        design=kind,
        points=points,
        levels=4,
        parameters={"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)},
    )
    design = build_design(spec, seed=5)
    share = np.where(design.values[:, 0] < 0.3, 0.9, 0.05)
    return design, pd.DataFrame({"outcome": share})


@pytest.mark.parametrize("kind", ["sobol", "morris", "lhs", "grid"])
def test_sensitivity_analysis_ranks_the_parameter_that_drives_the_outcome_first(kind):
    from sim.results.analysis import sensitivity

    design, shares = synthetic(kind)
    table = sensitivity(design, shares, ["outcome"])
    main = table[table["index"] == table["index"].iloc[0]].set_index("parameter")["value"]
    assert main.idxmax() == "a"
    assert main["a"] > 5 * max(abs(main["b"]), abs(main["c"]), 0.01)


@pytest.mark.slow
def test_prim_finds_the_box_where_the_outcome_is_likely():
    from sim.results.analysis import discover

    design, shares = synthetic("lhs", points=1000)
    box = discover(design, shares, "outcome")
    assert set(box.limits) == {"a"}
    low, high = box.limits["a"]
    assert low == 0.0 and high == pytest.approx(0.3, abs=0.03)
    assert box.density > 0.85 and box.coverage > 0.8  # the 5 % outside the box is missed
    text = box.describe({"a": (0, 1), "b": (0, 1), "c": (0, 1)})
    assert text.startswith(f"outcome is likely when a < {high:.3g} (coverage ")


def test_comparing_a_scenario_with_itself_gives_zero_paired_differences():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=20)
    comparison = compare([base, base])
    assert comparison.names == ["baseline", "baseline#2"]
    assert (comparison.paired_differences()["difference"] == 0.0).all()
    table = comparison.outcome_table()
    assert (table["ci_low"] <= table["share"]).all() and (table["share"] <= table["ci_high"]).all()


def test_paired_differences_are_tighter_than_unpaired_ones():
    """Common random numbers: the spread of paired differences is below that of two
    independent samples of the same scenarios."""
    base = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=200)
    variant = load_scenario(SCENARIOS / "us_buildup.yaml")
    paired = compare([base, variant]).paired_differences()
    rok = paired[(paired["variable"] == "spending") & (paired["actor"] == "rok")]
    independent = rok["value"].to_numpy() - np.random.default_rng(0).permutation(
        rok["baseline_value"].to_numpy()
    )
    assert rok["difference"].std() < 0.5 * independent.std()


def test_runs_compared_must_share_seed_replicates_and_horizon():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=5)
    with pytest.raises(ScenarioError, match="share their horizon"):
        compare([base, base.with_params(horizon_months=60)])
    a, b = run(base, progress=False), run(base, seed=1, progress=False)
    with pytest.raises(ScenarioError, match="share seed"):
        Comparison([a, b])


def test_chunks_cover_every_run_once():
    assert chunks(10, 4) == [(0, 0, 4), (1, 4, 8), (2, 8, 10)]


def test_a_sweep_chunk_varies_parameters_along_the_replicate_axis(job):
    table = run_rows(job, 0, job.runs)
    assert list(table["point"]) == [p for p in range(3) for _ in range(6)]
    assert list(table["replicate"]) == list(range(6)) * 3
    np.testing.assert_array_equal(table[list(NAMES)].to_numpy(), np.repeat(POINTS, 6, axis=0))


def test_resuming_a_complete_job_is_refused_and_leaves_it_untouched(tmp_path):
    sweep = {"design": "grid", "levels": 2, "parameters": {"china.dialogue": [0.0, 1.0]}}
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {}, replicates=2, horizon_months=12, sweep=sweep
    )
    done = run_sweep(scenario, tmp_path, progress=False, plots=False)
    before = (done.folder / "points.csv").read_bytes()
    with pytest.raises(UserError, match="already complete"):
        run_sweep(scenario, tmp_path, resume=done.folder, progress=False, plots=False)
    assert (done.folder / "points.csv").read_bytes() == before
