"""Hostile cases of jobs (issue 21): every command estimates its budget and refuses beyond it
unless --allow-large; a job folder stays locked until the job is complete and a resume stays
inside --out; nothing waits forever (a killed main process, a lost parent, a Dask cluster
without usable workers). Tests that need real processes are marked slow, and each is bounded
by a hard timeout, so a regression fails rather than hangs."""

import hashlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import psutil
import pytest

from sim import load_scenario
from sim.cli import main
from sim.errors import UserError
from sim.execution import budget, executors
from sim.execution.jobs import Job, execute
from sim.execution.settings import DEFAULT_CHUNK, JobSettings
from sim.execution.sweep import run_ensemble, start_folder
from sim.results import parts
from tests.support import ROOT

UNCERTAIN = ROOT / "scenarios" / "history_uncertain.yaml"
OBSERVATIONS = ROOT / "observations" / "history.yaml"
ERROR_LINE = re.compile(r"error: \S.*")
SMALL_SWEEP = """\
seed: 1
replicates: 4
horizon_months: 12
sweep:
  design: grid
  levels: 2
  parameters: {china.dialogue: [0, 1]}
"""


def cli(capsys: pytest.CaptureFixture, *argv: object) -> tuple[int, str, str]:
    """sim.cli.main in this process: (status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_error_line(status: int, err: str, *contains: str) -> str:
    """Exit status 2 and exactly one printable line `error: ...` holding each of `contains`."""
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and ERROR_LINE.fullmatch(lines[0]) and lines[0].isprintable(), err
    for text in contains:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def hard_timeout() -> Iterator[Callable[[float], None]]:
    """`hard_timeout(seconds)`: the test fails (TimeoutError in its main thread) rather than
    waits past `seconds`."""

    def expire(_signal: int, _frame: object) -> None:
        raise TimeoutError("the test waited past its hard timeout")

    previous = signal.signal(signal.SIGALRM, expire)
    yield lambda seconds: signal.setitimer(signal.ITIMER_REAL, seconds)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `condition` folder (accepted parameter sets) for --conditioned-on."""
    out = tmp_path_factory.mktemp("conditioned")
    observed = ["--observations", str(OBSERVATIONS), "--draws", "40", "--replicates", "10"]
    status = main(["condition", str(UNCERTAIN), *observed, "--no-plots", "--out", str(out)])
    assert status == 0
    (accepted_file,) = out.rglob("accepted.csv")
    return accepted_file.parent


def command_line(kind: str, accepted: Path, sweep: Path, replicates: int) -> list[str]:
    """A small job of each command that shows --allow-large (the runs are `replicates`)."""
    observed = ["--observations", str(OBSERVATIONS)]
    n = ["--replicates", str(replicates)]
    return {
        "run": ["run", str(UNCERTAIN), *n, "--workers", "1"],
        "run --conditioned-on": ["run", str(UNCERTAIN), *n, "--conditioned-on", str(accepted)],
        "compare": ["compare", str(UNCERTAIN), str(UNCERTAIN), *n],
        "sweep": ["sweep", str(sweep), "--workers", "1"],
        "hindcast": ["hindcast", str(UNCERTAIN), *observed, *n],
        "hindcast --conditioned-on": [
            "hindcast",
            str(UNCERTAIN),
            *observed,
            *n,
            "--conditioned-on",
            str(accepted),
        ],
        "condition": ["condition", str(UNCERTAIN), *observed, "--draws", str(replicates), *n],
        "uncertainty": ["uncertainty", str(UNCERTAIN), "--sets", str(replicates), "--shocks", "2"],
    }[kind]


COMMANDS = [
    "run",
    "run --conditioned-on",
    "compare",
    "sweep",
    "hindcast",
    "hindcast --conditioned-on",
    "condition",
    "uncertainty",
]


@pytest.mark.parametrize(
    "kind", [k for k in COMMANDS if k not in ("sweep", "run --conditioned-on")]
)
def test_every_command_refuses_a_job_beyond_the_budget_before_running_it(
    kind, accepted, tmp_path, capsys
):
    argv = command_line(kind, accepted, tmp_path / "none.yaml", 10_000_000)
    started = time.monotonic()
    status, _, err = cli(capsys, *argv, "--no-plots", "--out", tmp_path / "out")
    assert time.monotonic() - started < 10  # refused up front: nothing ran
    one_error_line(status, err, "too large", "runs x", "of memory", "--allow-large")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", COMMANDS)
def test_allow_large_runs_what_the_budget_refuses_everywhere_it_is_shown(
    kind, accepted, tmp_path, capsys, monkeypatch
):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(SMALL_SWEEP)
    argv = [*command_line(kind, accepted, sweep, 6), "--no-plots", "--out", tmp_path / "out"]
    monkeypatch.setattr(budget, "MEMORY_BUDGET", 1000)  # any run is now beyond the budget
    status, _, err = cli(capsys, *argv)
    one_error_line(status, err, "too large", "--allow-large")
    assert not (tmp_path / "out").exists()

    status, out, err = cli(capsys, *argv, "--allow-large")
    assert status == 0, err
    assert "Results: " in out and (tmp_path / "out").is_dir()


def test_compare_prints_its_estimate_as_run_does_and_is_refused_naming_its_file(
    tmp_path, capsys, monkeypatch
):
    from sim.execution.compare import comparison_estimate

    argv = ["compare", UNCERTAIN, UNCERTAIN, "--replicates", 3, "--no-plots", "--out", tmp_path]
    status, out, err = cli(capsys, *argv)
    assert status == 0, err
    scenario = load_scenario(UNCERTAIN)
    estimate = comparison_estimate([scenario, scenario], 3)
    months, seed = scenario.spec.horizon_months, scenario.spec.seed
    assert out.splitlines()[0] == (
        f"2 scenarios: 3 replicates x {months} months each, seed {seed} "
        f"(estimate: 6 runs x {months} months: about 1 s on 1 worker, "
        f"{budget.size(estimate.memory)} of memory)"
    )
    assert estimate.memory == budget.PROCESS_BYTES + 6 * budget.RUN_BYTES * (months + 1)

    monkeypatch.setattr(budget, "MEMORY_BUDGET", estimate.memory - 1)
    status, out, err = cli(capsys, *argv)
    one_error_line(status, err, f"error: {UNCERTAIN}: this job is too large", "--allow-large")
    assert out == ""


def test_the_python_api_refuses_uncertainty_and_conditioning_beyond_the_budget():
    from sim.execution.conditioning import condition
    from sim.execution.uncertainty import variance_decomposition

    scenario = load_scenario(UNCERTAIN)
    with pytest.raises(UserError, match="allow_large=True"):
        variance_decomposition(scenario, 100_000, 100_000)
    with pytest.raises(UserError, match="allow_large=True"):
        condition(scenario, OBSERVATIONS, draws=5_000_000)


def test_the_crps_of_a_large_hindcast_is_scoringrules_value_without_pairwise_memory():
    import tracemalloc

    import numpy as np
    import scoringrules

    from sim.results.hindcast import crps

    rng = np.random.default_rng(3)
    small = rng.normal(5.0, 2.0, 500)
    expected = scoringrules.crps_ensemble(4.0, small, estimator="nrg", backend="numpy")
    assert crps(small, 4.0) == pytest.approx(float(expected), rel=1e-12)
    large = rng.normal(size=100_000)  # pairwise: 80 GB
    tracemalloc.start()
    crps(large, 0.5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 * large.nbytes


# --- locks and resumes ----------------------------------------------------------------------


def small_ensemble() -> tuple:
    scenario = load_scenario(UNCERTAIN).with_overrides(replicates=6)
    job = Job.ensemble(scenario)
    settings = {"chunk_size": budget.chunk_runs(scenario.spec.horizon_months, DEFAULT_CHUNK)}
    return scenario, job, settings


def test_a_job_folder_stays_locked_until_its_sample_is_written(tmp_path, monkeypatch):
    import sim.workflows as workflows
    from sim.execution.runner import run as real_run

    scenario, _, _ = small_ensemble()
    root = tmp_path / "out"
    refusals = []

    def sample_run(*args, **kwargs):
        (manifest,) = root.rglob("manifest.json")
        try:
            run_ensemble(scenario, JobSettings(root, resume=manifest.parent))
        except UserError as error:
            refusals.append(str(error))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(workflows, "run", sample_run)
    folder, _, sample = workflows.run_chunked(
        scenario, JobSettings(root, progress=False), started=workflows.datetime.now(), plots=False
    )
    assert len(refusals) == 1 and "being written by process" in refusals[0]
    assert sample == folder / "sample"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["runs", "sample"]
    assert json.loads((folder / "manifest.json").read_text())["status"] == "complete"


@pytest.fixture
def unfinished(tmp_path: Path) -> tuple[Path, Path]:
    """(results folder, a job folder outside it left running by a process that died)."""
    scenario, job, settings = small_ensemble()
    folder = start_folder(scenario, "ensemble", job, settings, JobSettings(tmp_path / "other"))
    out = tmp_path / "out"
    out.mkdir()
    return out, folder


def resume_line(capsys, out: Path, folder: Path) -> tuple[int, str]:
    status, _, err = cli(
        capsys, UNCERTAIN, "--replicates", 6, "--resume", folder, "--out", out, "--no-plots"
    )
    return status, err


def test_resuming_through_a_symbolic_link_into_another_folder_is_refused(unfinished, capsys):
    out, folder = unfinished
    link = out / "history_uncertain" / "job"
    link.parent.mkdir()
    link.symlink_to(folder, target_is_directory=True)
    status, err = resume_line(capsys, out, link)
    one_error_line(status, err, "is a symbolic link")
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "manifest.json"]


def test_resuming_a_folder_outside_the_results_folder_is_refused(unfinished, capsys):
    out, folder = unfinished
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, "is not inside the results folder")
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "manifest.json"]


def test_a_symbolic_link_inside_a_resumed_folder_is_refused_and_its_target_untouched(
    unfinished, capsys, tmp_path
):
    _, folder = unfinished
    target = tmp_path / "precious.csv"
    target.write_text("keep me\n")
    (folder / "summary.csv").symlink_to(target)
    status, err = resume_line(capsys, folder.parents[1], folder)
    one_error_line(status, err, "summary.csv is a symbolic link")
    assert target.read_text() == "keep me\n"


def test_the_lock_file_is_never_opened_through_a_link(unfinished, tmp_path):
    from sim.files import lock_folder

    _, folder = unfinished
    (folder / ".lock").unlink()
    (folder / ".lock").symlink_to(tmp_path / "created-elsewhere")
    with pytest.raises(OSError), lock_folder(folder):
        pass
    assert not (tmp_path / "created-elsewhere").exists()


# --- job manifests and part records read back -----------------------------------------------


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, Path]:
    """(results folder, a job folder inside it whose runs are on disk, left "running" by a
    process that died before its summary)."""
    scenario, job, settings = small_ensemble()
    out = tmp_path / "out"
    folder = start_folder(scenario, "ensemble", job, settings, JobSettings(out))
    with executors.make_executor(1) as pool:
        execute(job, folder, pool.executor, settings["chunk_size"], progress=False)
    return out, folder


def test_an_oversized_job_manifest_is_one_line_and_not_read(written, capsys, monkeypatch):
    out, folder = written
    manifest = folder / "manifest.json"
    monkeypatch.setattr(parts, "MAX_JOB_MANIFEST_BYTES", manifest.stat().st_size - 1)
    before = manifest.read_bytes()
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, "manifest.json", "bytes; the limit is", "manifest of a job")
    assert manifest.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "manifest.json:1: not valid JSON: expected the manifest of a job folder"),
        ('["a", "list"]', "manifest.json:1: expected a JSON object"),
        ("\udcff", "manifest.json: cannot read the file"),
    ],
)
def test_a_malformed_job_manifest_is_one_line_naming_it(written, capsys, content, expected):
    out, folder = written
    (folder / "manifest.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, expected)


def test_a_job_manifest_that_is_a_fifo_is_refused_without_waiting(written, capsys, hard_timeout):
    out, folder = written
    (folder / "manifest.json").unlink()
    os.mkfifo(folder / "manifest.json")
    hard_timeout(10)
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, "manifest.json", "not a job folder")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("x" * (parts.MAX_RECORD_BYTES + 1), "bytes; the limit is 4,096 (a part's record)"),
        ("{truncated", "part-000000.json:1: not valid JSON: expected a part's record"),
        ("[0, 6]", "part-000000.json:1: expected a JSON object, a part's record"),
        ('{"start": 0, "stop": 6, "rows": "6", "sha256": "0"}', "rows: expected a whole number"),
        ('{"start": -1, "stop": 6, "rows": 6, "sha256": "0"}', "start: expected a whole number"),
        ('{"start": 0, "stop": 6, "rows": 6, "sha256": "../x"}', "sha256: expected a SHA-256"),
    ],
)
def test_a_malformed_or_oversized_part_record_is_one_line_naming_it(
    written, capsys, record, expected
):
    out, folder = written
    (folder / "runs" / "part-000000.json").write_text(record)
    part = (folder / "runs" / "part-000000.parquet").read_bytes()
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, expected, "changed by hand: remove that file")
    assert (folder / "runs" / "part-000000.parquet").read_bytes() == part


def test_a_part_record_that_is_a_fifo_is_refused_without_waiting(written, capsys, hard_timeout):
    out, folder = written
    record = folder / "runs" / "part-000000.json"
    record.unlink()
    os.mkfifo(record)
    hard_timeout(10)
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, "part-000000.json", "not a regular file", "changed by hand")


def forge(folder: Path, table: "pd.DataFrame") -> None:
    """Replace part 0 with `table` and a record that vouches for it (its true SHA-256)."""
    part = folder / "runs" / "part-000000.parquet"
    table.to_parquet(part, index=False)
    record = {"start": 0, "stop": 6, "rows": 6}
    record["sha256"] = hashlib.sha256(part.read_bytes()).hexdigest()
    (folder / "runs" / "part-000000.json").write_text(json.dumps(record))


def test_a_vouched_part_whose_metadata_disagrees_with_its_record_is_run_again(written, capsys):
    out, folder = written
    runs = pd.read_parquet(folder / "runs" / "part-000000.parquet")
    forge(folder, pd.concat([runs] * 1000, ignore_index=True))  # 6,000 rows, record says 6
    status, err = resume_line(capsys, out, folder)
    assert status == 0, err
    assert "part-000000.parquet is incomplete or damaged; running its chunk again" in err
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs" / "part-000000.parquet"), runs)


def test_a_vouched_part_with_a_design_point_outside_the_job_is_one_line(written, capsys):
    out, folder = written
    runs = pd.read_parquet(folder / "runs" / "part-000000.parquet")
    forge(folder, runs.assign(point=10**9))
    status, err = resume_line(capsys, out, folder)
    one_error_line(status, err, "part-000000.parquet: point: a design point outside 0 .. 0")


# --- nothing waits forever ------------------------------------------------------------------

JOB = "seed: 1\nreplicates: 20000\nhorizon_months: 60\n"


def start_chunked_job(tmp_path: Path, **pipes: int) -> tuple[subprocess.Popen, Path]:
    path = tmp_path / "job.yaml"
    path.write_text(JOB)
    out = tmp_path / "out"
    command = [sys.executable, "run.py", str(path), "--workers", "2", "--chunk-size", "500"]
    process = subprocess.Popen([*command, "--out", str(out), "--no-plots"], cwd=ROOT, **pipes)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if list(out.rglob("part-*.json")):
            return process, out
        time.sleep(0.1)
    process.kill()
    raise AssertionError("the job wrote no part")


@pytest.mark.slow
def test_killing_a_chunked_job_closes_its_pipes_at_once(tmp_path):
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    process, _ = start_chunked_job(tmp_path, **pipes)
    family = psutil.Process(process.pid).children(recursive=True)
    try:
        process.kill()
        started = time.monotonic()
        process.communicate(timeout=10)  # the helpers hold none of the caller's pipes
        assert time.monotonic() - started < 5
    finally:
        for member in family:
            if member.is_running():
                member.kill()
    _, survivors = psutil.wait_procs(family, timeout=10)
    assert survivors == []


@pytest.mark.slow
def test_workers_exit_when_the_main_process_dies_even_before_it_is_reaped(tmp_path):
    process, _ = start_chunked_job(tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family = psutil.Process(process.pid).children(recursive=True)
    assert len(family) >= 3  # the resource tracker, the forkserver, the workers
    try:
        process.kill()  # not waited for: a zombie until the test reaps it below
        _, survivors = psutil.wait_procs(family, timeout=10)
        assert survivors == []
    finally:
        for member in family:
            if member.is_running():
                member.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_killed_worker_process_ends_the_job_with_one_line_and_no_survivors(tmp_path):
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    process, out = start_chunked_job(tmp_path, **pipes)
    family = psutil.Process(process.pid).children(recursive=True)
    workers = [
        p for p in family if "forkserver" in " ".join(p.cmdline()) and p.ppid() != process.pid
    ]
    try:
        workers[0].kill()
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("error: ") and "terminated abruptly" in line, line
    _, survivors = psutil.wait_procs(family, timeout=10)
    assert survivors == []
    (manifest,) = out.rglob("manifest.json")
    assert json.loads(manifest.read_text())["status"] == "failed"


@pytest.mark.slow
def test_a_sigterm_while_the_workers_start_stops_the_job_at_once(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SMALL_SWEEP.replace("replicates: 4", "replicates: 20000"))
    out = tmp_path / "out"
    command = [sys.executable, "run.py", "sweep", str(path), "--workers", "2", "--no-plots"]
    process = subprocess.Popen(
        [*command, "--out", str(out)], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.rglob("manifest.json")) and time.monotonic() < deadline:
            time.sleep(0.02)
        family = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGTERM)  # the forkserver is still loading the model
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 143
    assert err.strip().splitlines()[-1].startswith("interrupted (SIGTERM)")
    _, survivors = psutil.wait_procs(family, timeout=10)
    assert survivors == []


@pytest.fixture
def scheduler() -> Iterator[str]:
    """The tcp address of a Dask scheduler (in this process) that has no workers."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def dask_worker(address: str, *options: str) -> subprocess.Popen:
    """A `dask worker` process without a nanny (so nothing restarts it), quiet."""
    command = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--no-nanny"]
    return subprocess.Popen(
        [*command, *options, "--nthreads", "1", "--no-dashboard"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_workers(address: str, count: int, limit: float = 30) -> None:
    from distributed import Client

    with Client(address, timeout=10) as client:
        client.wait_for_workers(count, timeout=limit)


@pytest.mark.slow
def test_a_dask_scheduler_without_workers_is_one_line_within_the_stated_time(
    scheduler, tmp_path, capsys, monkeypatch, hard_timeout
):
    monkeypatch.setenv(executors.DASK_TIMEOUT_VARIABLE, "2")
    hard_timeout(30)
    started = time.monotonic()
    status, _, err = cli(capsys, UNCERTAIN, "--scheduler", scheduler, "--out", tmp_path)
    assert time.monotonic() - started < 20
    one_error_line(status, err, "has no workers: none joined within 2 s")
    assert executors.DASK_TIMEOUT_VARIABLE in err
    assert list(tmp_path.iterdir()) == []


BLOCK_SIM = """\
import sys


class NoSim:
    def find_spec(self, name, path=None, target=None):
        if name == "sim" or name.startswith("sim."):
            raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, NoSim())
"""


@pytest.mark.slow
def test_a_dask_worker_that_cannot_import_the_model_is_one_line(
    scheduler, tmp_path, capsys, monkeypatch, hard_timeout
):
    preload = tmp_path / "no_sim.py"
    preload.write_text(BLOCK_SIM)
    worker = dask_worker(scheduler, "--preload", str(preload))
    try:
        wait_for_workers(scheduler, 1)
        monkeypatch.setenv(executors.DASK_TIMEOUT_VARIABLE, "10")
        hard_timeout(30)
        status, _, err = cli(capsys, UNCERTAIN, "--scheduler", scheduler, "--out", tmp_path / "o")
    finally:
        worker.kill()
        worker.wait(timeout=10)
    one_error_line(status, err, "cannot run the model (ModuleNotFoundError", "install alliance")
    assert not (tmp_path / "o").exists()


def job_with_a_part(
    path: Path, scheduler: str, out: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """The chunked job of `path` on the Dask `scheduler`, started in its own process and
    returned once its first part is written (or after 60 s)."""
    command = [sys.executable, "run.py", str(path), "--scheduler", scheduler]
    job = subprocess.Popen(
        [*command, "--chunk-size", "500", "--out", str(out), "--no-plots"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | (env or {}),
    )
    deadline = time.monotonic() + 60
    while not list(out.rglob("part-*.json")) and time.monotonic() < deadline:
        assert job.poll() is None, job.communicate()[1]
        time.sleep(0.1)
    return job


@pytest.mark.slow
def test_a_job_that_loses_its_last_dask_worker_stops_with_one_line(scheduler, tmp_path):
    worker = dask_worker(scheduler)
    path = tmp_path / "job.yaml"
    path.write_text(JOB)
    out = tmp_path / "out"
    try:
        wait_for_workers(scheduler, 1)
        job = job_with_a_part(path, scheduler, out, {executors.DASK_TIMEOUT_VARIABLE: "3"})
        worker.kill()
        _, err = job.communicate(timeout=30)
    finally:
        for process in (worker, locals().get("job")):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert job.returncode == 2
    one_error_line(2, err, "has had no worker for 3 s", executors.DASK_TIMEOUT_VARIABLE)
    (manifest,) = out.rglob("manifest.json")
    assert json.loads(manifest.read_text())["status"] == "failed"


def test_a_cluster_jobs_dask_log_lines_are_all_kept_off_its_stderr():
    # Dask's logging configuration gives children levels of their own (distributed.client
    # WARNING, tornado.application ERROR): quieting only the parents let a worker's death
    # print a rescheduling warning and a cancelled-future traceback around the job's line
    pytest.importorskip("distributed")
    import distributed.client  # noqa: F401 (its import configures the loggers)

    executors.quiet_cluster_logs()
    for name in ("distributed", "distributed.client", "tornado", "tornado.application"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.CRITICAL, name


DIE_IN_CHUNKS = """\
import os

import sim.execution.jobs

sim.execution.jobs.run_chunk = lambda chunk: os._exit(1)
"""
"""A worker preload: the worker process dies in every chunk it runs (as one killed by the
kernel for memory would); its nanny starts it again."""


@pytest.mark.slow
def test_a_chunk_whose_dask_workers_all_die_running_it_stops_with_one_line(
    scheduler, tmp_path, capsys, hard_timeout
):
    preload = tmp_path / "die_in_chunks.py"
    preload.write_text(DIE_IN_CHUNKS)
    worker = dask_worker(scheduler, "--nanny", "--preload", str(preload))
    path = tmp_path / "job.yaml"
    path.write_text("seed: 1\nreplicates: 2000\nhorizon_months: 24\n")
    try:
        wait_for_workers(scheduler, 1)
        hard_timeout(120)
        argv = [path, "--scheduler", scheduler, "--out", tmp_path / "out", "--no-plots"]
        status, _, err = cli(capsys, *argv)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    one_error_line(status, err, "died running it", "see the workers' logs", "job stopped")
    assert list((tmp_path / "out").rglob("*")) == []  # no chunk was written: nothing is left


@pytest.mark.slow
def test_a_dask_worker_that_joins_later_and_cannot_import_the_model_leaves_the_job_whole(
    scheduler, tmp_path
):
    preload = tmp_path / "no_sim.py"
    preload.write_text(BLOCK_SIM)
    path = tmp_path / "job.yaml"
    path.write_text(JOB)
    out = tmp_path / "out"
    late = None
    worker = dask_worker(scheduler)
    try:
        wait_for_workers(scheduler, 1)
        job = job_with_a_part(path, scheduler, out)
        late = dask_worker(scheduler, "--preload", str(preload))  # after the probe
        _, err = job.communicate(timeout=120)
        late.wait(timeout=30)  # it left by itself: it was sent a chunk it could not read
    finally:
        for process in (worker, late, locals().get("job")):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert job.returncode == 0, err
    (manifest,) = out.glob("*/*/manifest.json")
    assert json.loads(manifest.read_text())["status"] == "complete"
    assert len(list(out.rglob("part-*.json"))) == 40  # 20,000 runs in chunks of 500


def test_a_bad_dask_timeout_setting_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(executors.DASK_TIMEOUT_VARIABLE, "soon")
    status, _, err = cli(capsys, UNCERTAIN, "--scheduler", "inproc://nowhere", "--out", tmp_path)
    one_error_line(status, err, executors.DASK_TIMEOUT_VARIABLE, "expected a number of seconds")
