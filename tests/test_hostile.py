"""Hostile input and hostile conditions: nothing escapes --out, nothing hangs, nothing is lost.

Every case asserts one of two things: the command exits with status 2 and one line
`error: FILE[:LINE]: [key: ]message` (never a traceback), or it runs correctly. Around the
command-line cases, nothing may be written outside --out, nothing half-written may be left in
view, and earlier results must stay untouched. Generated cases (hypothesis) cover random YAML
structure, random bytes, parameter values in and out of range, and random horizons and
replicate counts. Signals go to real subprocesses, whose descendants are then looked for.
"""

import contextlib
import hashlib
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import compare, load_scenario, run, run_sweep
from sim.cli import _catch_signals, _restore_signals, main
from sim.errors import Interrupted, ResourceError, ScenarioError, UserError, forget_stop_request
from sim.execution import budget
from sim.execution.executors import make_executor
from sim.execution.jobs import Job, chunk_of, execute
from sim.files import lock_folder, staged_folder
from sim.results.parts import part_path, read_runs
from sim.scenario.parameters import ACTOR_PARAMS, WORLD_PARAMS
from sim.scenario.yaml_source import MAX_BYTES, read_yaml

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ERROR_LINE = re.compile(r"error: [^\n]+")


# --- helpers --------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture, *argv: object) -> tuple[int, str, str]:
    """sim.cli.main in this process: (status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_clean_error(status: int, err: str, where: str | None = None, contains: str = "") -> None:
    """Exit status 2 and exactly one line `error: ...` starting with `where`, no traceback."""
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and ERROR_LINE.fullmatch(lines[0]), err
    assert lines[0].isprintable(), "a control character reached the terminal"
    if where is not None:
        assert lines[0].startswith(f"error: {where}"), lines[0]
    assert contains in lines[0], lines[0]


def tree(folder: Path, *skip: Path) -> dict[str, str]:
    """Every file under folder (but those under `skip`) with its SHA-256."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def hidden_or_running(out: Path) -> list[Path]:
    """Half-written things in view: temporaries, or job folders still marked running."""
    found = [p for p in out.rglob(".*") if p.name not in (".lock",)] if out.exists() else []
    for manifest in out.rglob("manifest.json") if out.exists() else []:
        if json.loads(manifest.read_text()).get("status") == "running":
            found.append(manifest)
    return found


def empty_folders(out: Path) -> list[Path]:
    return (
        [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())] if out.exists() else []
    )


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    return folder


@pytest.fixture
def write(scenario_dir: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = scenario_dir / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An --out folder holding an earlier result; afterwards, nothing changed outside --out,
    the earlier result is untouched and nothing half-written is in view."""
    out = tmp_path / "out"
    earlier = out / "earlier" / "20240101T000000Z-old"
    earlier.mkdir(parents=True)
    (earlier / "summary.csv").write_text("outcome,share\nx,0.5\n")
    monkeypatch.chdir(tmp_path)
    scenarios = tmp_path / "scenarios"  # where the tests write their input
    before_outside, before_earlier = tree(tmp_path, out, scenarios), tree(earlier)
    yield out
    assert tree(tmp_path, out, scenarios) == before_outside, "something was written outside --out"
    assert tree(earlier) == before_earlier, "an earlier result changed"
    assert hidden_or_running(out) == []
    assert empty_folders(out) == []


SHORT = "seed: 3\nreplicates: 2\nhorizon_months: 12\n"


# --- YAML content a hostile file can hold ---------------------------------------------------

BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
)

HOSTILE_YAML = {
    "alias bomb": (BOMB, 1, "anchors"),
    "alias bomb under a valid key": (
        "events:\n  - month: 1\n    trigger: provocation\n    note: &n [x, x]\n"
        "  - month: 2\n    trigger: provocation\n    note: [*n, *n]\n",
        4,
        "anchors",
    ),
    "recursive alias": ("a: &a [*a]\n", 1, "anchors"),
    "alias alone": ("seed: *nowhere\n", 1, ""),
    "custom tag": ("seed: !custom 3\n", 1, "tags"),
    "python tag": ("seed: !!python/name:os.system\n", 1, "tags"),
    "python object": ('seed: !!python/object/apply:os.system ["true"]\n', 1, "tags"),
    "binary tag": ("description: !!binary aGVsbG8=\n", 1, "tags"),
    "set tag": ("seed: !!set {a, b}\n", 1, "tags"),
    "merge key": ("world:\n  <<: {clash_hazard: 0.1}\n", 2, "merge keys"),
    "merge key with alias": ("base: &b {seed: 1}\n<<: *b\n", 1, "anchors"),
    "impossible date": ("events:\n  - date: 2025-02-30\n    trigger: provocation\n", 2, "date"),
    "impossible timestamp": ("events:\n  - date: 2025-13-01\n    trigger: provocation\n", 2, ""),
    "5,000-digit integer": ("seed: " + "9" * 5000 + "\n", 1, "5,000 characters"),
    "300-digit float": ("world: {clash_hazard: 0." + "1" * 300 + "}\n", 1, "characters"),
    "huge float": ("world: {clash_hazard: 1e999}\n", 1, "clash_hazard"),
    "500 nested brackets": ("seed: " + "[" * 500 + "]" * 500 + "\n", 1, "nested"),
    "500 nested mappings": ("seed: " + "{a: " * 500 + "1" + "}" * 500 + "\n", 1, "nested"),
    "two documents": ("seed: 1\n---\nseed: 2\n", 2, "second document"),
    "complex key": ("? [a, b]\n: 1\n", 1, "keys must be plain names"),
    "integer key": ("actors:\n  3: {}\n", 2, "keys must be names"),
    "null key": ("~: 1\n", 1, "keys must be names"),
    "tab indentation": ("actors:\n\trok: {}\n", 2, "invalid YAML"),
    "unclosed quote": ('description: "open\n', 1, "invalid YAML"),
    "control character": ("description: a\x07b\n", 1, "invalid YAML"),
    "NUL in text": ("description: a\x00b\n", 1, "invalid YAML"),
    "not a mapping": ("- 1\n- 2\n", 1, "mapping"),
    "a bare number": ("42\n", 1, "mapping"),
    "terminal escape in a key": ('actors:\n  "\\e[31mred": {}\n', 2, "\\x1b[31mred"),
    "bracket in a key": ("actors:\n  ro[k]: {}\n", 2, "unknown actor 'ro[k]'"),
    "rival pair of one actor": ("outcomes:\n  rival_pairs: [[rok, rok]]\n", 2, "two different"),
    "rival pair of three": ("outcomes:\n  rival_pairs: [[rok, dprk, japan]]\n", 2, ""),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_refused_quickly_at_its_line(case, write, capsys):
    text, line, contains = HOSTILE_YAML[case]
    path = write("hostile.yaml", text)
    started = time.monotonic()
    status, _, err = cli(capsys, "validate", path)
    assert time.monotonic() - started < 5
    assert_clean_error(status, err, f"{path}:{line}:", contains)


def test_hostile_yaml_fails_in_run_before_writing_anything(write, guarded, capsys):
    path = write("bomb.yaml", BOMB)
    status, _, err = cli(capsys, path, "--out", guarded, "--no-plots")
    assert_clean_error(status, err, f"{path}:1:")
    assert not (guarded / "bomb").exists()


# --- Files that are not scenario files ------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(scenario_dir, capsys):
    fifo = scenario_dir / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    status, _, err = cli(capsys, "validate", fifo)
    assert time.monotonic() - started < 5
    assert_clean_error(status, err, f"{fifo}:", "not a regular file")


def test_a_symlink_to_dev_zero_is_refused_without_reading(scenario_dir, capsys):
    link = scenario_dir / "zero.yaml"
    link.symlink_to("/dev/zero")
    status, _, err = cli(capsys, "validate", link)
    assert_clean_error(status, err, f"{link}:", "not a regular file")


def test_a_folder_is_refused(scenario_dir, capsys):
    folder = scenario_dir / "folder.yaml"
    folder.mkdir()
    status, _, err = cli(capsys, "validate", folder)
    assert_clean_error(status, err, f"{folder}:", "folder")


def test_an_oversized_file_is_refused_unread(write, capsys):
    path = write("big.yaml", "# " + "x" * MAX_BYTES + "\nseed: 1\n")
    status, _, err = cli(capsys, "validate", path)
    assert_clean_error(status, err, f"{path}:", "limit")


def test_a_file_that_is_not_yaml_is_refused_unread(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET: 1\n")
    status, _, err = cli(capsys, "validate", secret)
    assert_clean_error(status, err, f"{secret}:", ".yaml")
    assert "TOPSECRET" not in err


SECRET = "TOPSECRET-line-one"


@pytest.mark.parametrize(
    "target",
    [
        "/etc/shadow",
        "/etc/passwd",
        "../../../../../../etc/passwd",
        "../outside.yaml",
        "{outside}",
        "secret_link.yaml",
        "yaml_link.yaml",
        "inner/../../outside.yaml",
    ],
)
def test_extends_reaches_only_scenario_files_under_the_scenario_root(
    target, tmp_path, scenario_dir, write, capsys
):
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"{SECRET}: 1\n")
    (scenario_dir / "secret_link.yaml").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n")
    (scenario_dir / "yaml_link.yaml").symlink_to(outside)
    child = write("child.yaml", f"seed: 1\nextends: {target.format(outside=outside)}\n")
    status, _, err = cli(capsys, "validate", child)
    assert_clean_error(status, err, f"{child}:2: extends:")
    assert SECRET not in err


def test_nul_in_a_file_name_an_extends_or_out_is_one_clean_error(write, guarded, capsys):
    status, _, err = cli(capsys, "validate", "/tmp/a\x00b.yaml")
    assert_clean_error(status, err, None, "NUL")
    child = write("child.yaml", 'extends: "a\\0b.yaml"\n')
    status, _, err = cli(capsys, "validate", child)
    assert_clean_error(status, err, f"{child}:1: extends:")
    status, _, err = cli(capsys, child, "--out", "/tmp/o\x00x")
    assert_clean_error(status, err, "--out:")


def test_extends_may_reach_up_to_the_nearest_scenarios_folder_and_the_shipped_ones(
    scenario_dir, capsys
):
    (scenario_dir / "base.yaml").write_text("seed: 5\n")
    (scenario_dir / "sweeps").mkdir()
    child = scenario_dir / "sweeps" / "child.yaml"
    child.write_text(f"extends: ../base.yaml\n{SHORT}")
    shipped = scenario_dir / "shipped.yaml"
    shipped.write_text(f"extends: {BASELINE}\n")
    status, _out, err = cli(capsys, "validate", child, shipped)
    assert (status, err) == (0, "")


def test_a_chain_of_a_thousand_extends_is_refused_quickly(scenario_dir, capsys):
    for i in range(1000):
        (scenario_dir / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    (scenario_dir / "c1000.yaml").write_text("seed: 1\n")
    started = time.monotonic()
    status, _, err = cli(capsys, "validate", scenario_dir / "c0.yaml")
    assert time.monotonic() - started < 5
    assert_clean_error(status, err, None, "chain of more than")


# --- Names that would escape --out ----------------------------------------------------------

BAD_NAMES = ["../../../../outside", "/abs", "", ".", "..", "a/b", "a\\b", "x" * 300, "a\x00b"]
BAD_NAMES += [".hidden", "a\nb", "a b", "~root", "$HOME"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_an_unsafe_name_is_refused_by_validate_at_its_line(name, write, guarded, capsys):
    path = write("named.yaml", f"{SHORT}name: {json.dumps(name)}\n")
    status, _, err = cli(capsys, "validate", path)
    assert_clean_error(status, err, f"{path}:4: name:", "names the results folder")
    status, _, err = cli(capsys, path, "--out", guarded, "--no-plots")
    assert_clean_error(status, err, f"{path}:4: name:")


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", "", "."])
def test_an_unsafe_name_is_refused_by_with_params(name):
    with pytest.raises(ScenarioError, match="names the results folder"):
        load_scenario(BASELINE).with_params(name=name)


def test_a_file_name_that_is_not_a_safe_name_gives_a_safe_default(scenario_dir, capsys):
    path = scenario_dir / "my scenario (v2).yaml"
    path.write_text(SHORT)
    assert load_scenario(path).name == "my_scenario__v2_"


# --- The command line's environment ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "dev-null", "proc", "under-a-file", "sys"])
def test_an_out_that_cannot_hold_results_is_refused_before_simulating(
    kind, tmp_path, write, capsys, monkeypatch
):
    path = write("short.yaml", SHORT)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    out = {
        "file": a_file,
        "dev-null": Path("/dev/null"),
        "proc": Path("/proc"),
        "under-a-file": a_file / "sub",
        "sys": Path("/sys/kernel"),
    }[kind]
    simulated = []
    monkeypatch.setattr("sim.execution.runner.AllianceModel", lambda *a, **k: simulated.append(1))
    for command in ([path], ["compare", path, path], ["sweep", path]):
        status, _, err = cli(capsys, *command, "--out", out, "--no-plots")
        assert_clean_error(status, err, None, "--out")
    assert simulated == []
    assert a_file.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_an_unwritable_out_is_refused_before_simulating(tmp_path, write, capsys):
    path = write("short.yaml", SHORT)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    status, _, err = cli(capsys, path, "--out", locked / "results", "--no-plots")
    assert_clean_error(status, err, None, "cannot write")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def web_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", ["nothing listening", "not an address", "web server", "http"])
def test_a_scheduler_that_is_not_one_fails_within_seconds_with_one_line(
    kind, write, guarded, capsys
):
    path = write("short.yaml", SHORT)
    with web_server() as port:
        address = {
            "nothing listening": f"tcp://127.0.0.1:{free_port()}",
            "not an address": "not an address",
            "web server": f"tcp://127.0.0.1:{port}",
            "http": f"http://127.0.0.1:{port}",
        }[kind]
        started = time.monotonic()
        status, _, err = cli(capsys, path, "--scheduler", address, "--out", guarded, "--no-plots")
        assert time.monotonic() - started < 15
    assert_clean_error(status, err, "--scheduler:")
    assert not (guarded / "short").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--replicates", "0"],
        ["--replicates", "1e9"],
        ["--workers", "0"],
        ["--chunk-size", "x"],
        ["--seed", "-1"],
        ["--bogus"],
        ["--workers", "2", "--scheduler", "tcp://x:1"],
    ],
)
def test_bad_options_are_one_error_line_and_exit_2(argv, write, guarded, capsys):
    path = write("short.yaml", SHORT)
    with pytest.raises(SystemExit) as info:
        main([str(path), *argv, "--out", str(guarded)])
    assert info.value.code == 2
    assert_clean_error(2, capsys.readouterr().err, "", "--help")


def test_many_workers_for_a_large_job_are_refused_with_the_estimate(write, guarded, capsys):
    path = write("many.yaml", "seed: 1\nreplicates: 1000000\n")
    status, _, err = cli(capsys, path, "--workers", 1000, "--out", guarded)
    assert_clean_error(status, err, f"{path}:", "--allow-large")


def test_compare_with_one_file_says_two_are_needed(write, guarded, capsys):
    path = write("short.yaml", SHORT)
    status, _, err = cli(capsys, "compare", path, "--out", guarded)
    assert_clean_error(status, err, f"{path}: compare:", "two or more")


def test_an_lhs_of_twenty_points_completes_and_notes_the_skipped_analysis(write, guarded, capsys):
    path = write(
        "lhs.yaml",
        "seed: 1\nreplicates: 3\nhorizon_months: 60\nsweep:\n  design: lhs\n  points: 20\n"
        "  parameters:\n    rok.reactivity.dprk: [0.5, 2.0]\n    usa.buildup: [0, 1]\n"
        "    china.coalition_bias: [0, 1]\n",
    )
    status, out, err = cli(capsys, "sweep", path, "--out", guarded, "--no-plots", "--workers", 1)
    assert status == 0, err
    assert "20 points, 60 runs" in out


@given(months=st.integers(1, 30), replicates=st.integers(1, 3))
@settings(max_examples=15, deadline=None)
def test_any_short_horizon_runs_and_gives_finite_or_absent_measures(months, replicates):
    scenario = load_scenario(BASELINE).with_params(horizon_months=months)
    result = run(scenario, replicates=replicates, progress=False)
    outcomes = result.outcomes
    assert len(outcomes) == replicates
    booleans = outcomes.select_dtypes(bool)
    assert booleans.shape[1] >= 7
    if months < 23:  # growth over whole years needs two of them
        assert outcomes["regional_spending_growth"].isna().all()
    assert np.isfinite(result.series("spending")).all()
    assert result.summary()["share"].between(0, 1).all()


def test_the_longest_horizon_the_schema_allows_runs_to_finite_results(write, guarded, capsys):
    path = write("long.yaml", "seed: 1\nreplicates: 20\nhorizon_months: 1200\n")
    status, _, err = cli(capsys, path, "--out", guarded, "--no-plots")
    assert status == 0, err
    (folder,) = (guarded / "long").iterdir()
    outcomes = pd.read_csv(folder / "outcomes.csv")
    measured = outcomes.drop(columns=[c for c in outcomes if c.startswith("richardson_margin")])
    assert measured.notna().all().all()  # a fitted margin is NaN by design where collinear


RUNAWAY = """seed: 1
replicates: 20
horizon_months: 1200
mechanisms: {budget_ceiling: false}
actors:
  rok: {fatigue: 0.0, reactivity: {dprk: 5.0, japan: 5.0, usa: 5.0}}
  japan: {fatigue: 0.0, reactivity: {dprk: 5.0, rok: 5.0, usa: 5.0}}
  usa: {fatigue: 0.0, reactivity: {dprk: 5.0, rok: 5.0, japan: 5.0}}
  dprk: {fatigue: 0.0, reactivity: {rok: 5.0, japan: 5.0, usa: 5.0}}
"""
"""Richardson's runaway among four actors with no ceiling and no fatigue: spending grows by
about 2.25x a month and overflows within the run (the model with its defaults stays finite
over every horizon the schema allows)."""


def test_a_state_that_stops_being_finite_stops_the_run_with_a_clear_error(write, guarded, capsys):
    path = write("runaway.yaml", RUNAWAY)
    status, _, err = cli(capsys, path, "--out", guarded, "--no-plots")
    assert_clean_error(status, err, f"{path}:3: horizon_months:", "finite")
    assert not (guarded / "runaway").exists()
    status, _, err = cli(capsys, path, "--out", guarded, "--no-plots", "--workers", 1)
    assert_clean_error(status, err, f"{path}:3: horizon_months:", "finite")
    assert not (guarded / "runaway").exists()


# --- Resume ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_job():
    scenario = load_scenario(BASELINE).with_params(replicates=10, horizon_months=24)
    return scenario, Job.ensemble(scenario)


@pytest.fixture(scope="module")
def whole(small_job, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole")
    with make_executor(1) as (executor, *_):
        execute(small_job[1], folder, executor, chunk_size=3, progress=False)
    return read_runs(folder)


def resumed(folder: Path, job: Job, chunk_size: int = 3) -> pd.DataFrame:
    with make_executor(1) as (executor, *_):
        execute(job, folder, executor, chunk_size=chunk_size, progress=False)
    return read_runs(folder)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "record lost", "swapped"])
def test_a_damaged_part_is_run_again_on_resume(damage, small_job, whole, tmp_path, capsys):
    _, job = small_job
    resumed(tmp_path, job)
    part = part_path(tmp_path, 1)
    if damage == "truncated":
        part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    elif damage == "garbage":
        part.write_bytes(os.urandom(part.stat().st_size))
    elif damage == "empty":
        part.write_bytes(b"")
    elif damage == "record lost":
        part.with_suffix(".json").unlink()
    else:
        part.write_bytes(part_path(tmp_path, 0).read_bytes())
    pd.testing.assert_frame_equal(resumed(tmp_path, job), whole, check_exact=True)
    assert "running its chunk again" in capsys.readouterr().err


def test_a_stray_part_is_refused_and_never_counted(small_job, tmp_path):
    _, job = small_job
    resumed(tmp_path, job)
    stray = part_path(tmp_path, 99)
    stray.write_bytes(part_path(tmp_path, 0).read_bytes())
    with pytest.raises(UserError, match="not a part of this job"):
        resumed(tmp_path, job)


def test_parts_of_another_chunk_size_are_run_again_never_duplicated(small_job, whole, tmp_path):
    _, job = small_job
    resumed(tmp_path, job, chunk_size=2)  # five parts of two runs
    for index in (3, 4):  # as if the manifest's chunk size had been edited to 3
        part_path(tmp_path, index).unlink()
        part_path(tmp_path, index).with_suffix(".json").unlink()
    runs = resumed(tmp_path, job, chunk_size=3)
    assert runs["run"].is_unique and len(runs) == job.runs
    pd.testing.assert_frame_equal(runs, whole, check_exact=True)


def test_a_job_folder_being_written_cannot_be_resumed(tmp_path):
    sweep = {"design": "grid", "levels": 2, "parameters": {"china.dialogue": [0.0, 1.0]}}
    scenario = load_scenario(BASELINE).with_params(replicates=2, horizon_months=12, sweep=sweep)
    done = run_sweep(scenario, tmp_path, progress=False, plots=False)
    manifest = done.folder / "manifest.json"
    record = json.loads(manifest.read_text()) | {"status": "interrupted"}
    manifest.write_text(json.dumps(record))
    with lock_folder(done.folder), pytest.raises(UserError, match="being written by process"):
        run_sweep(scenario, tmp_path, resume=done.folder, progress=False, plots=False)


@pytest.mark.slow
def test_identical_runs_started_together_all_succeed_into_their_own_folders(tmp_path):
    path = tmp_path / "same.yaml"
    path.write_text(SHORT)
    out = tmp_path / "out"
    command = [sys.executable, "run.py", str(path), "--out", str(out), "--no-plots"]
    runs = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE) for _ in range(3)]
    for process in runs:
        assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
        if process.stderr:
            process.stderr.close()
    folders = sorted((out / "same").iterdir())
    assert len(folders) == 3 and all((f / "outcomes.csv").exists() for f in folders)
    assert hidden_or_running(out) == []


def test_a_failed_job_leaves_no_running_folder_and_no_empty_scenario_folder(write, tmp_path):
    out = tmp_path / "out"
    path = write("runaway.yaml", RUNAWAY)
    with pytest.raises(ScenarioError, match="finite"):
        sweep = {"design": "grid", "levels": 2, "parameters": {"china.dialogue": [0.0, 1.0]}}
        run_sweep(load_scenario(path).with_params(sweep=sweep), out, progress=False, plots=False)
    assert not (out / "runaway").exists()


# --- Resources ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "replicates: 10000000\n",
        "replicates: 1\nsweep:\n  design: lhs\n  points: 10000000\n"
        "  parameters: {usa.buildup: [0, 1]}\n",
        "replicates: 1\nsweep:\n  design: sobol\n  points: 10000000\n"
        "  parameters: {usa.buildup: [0, 1]}\n",
        "replicates: 20\nsweep:\n  design: grid\n  levels: 5\n  parameters:\n"
        + "".join(
            f"    {p}: [0, 0.5]\n"
            for p in (
                "usa.buildup",
                "china.dialogue",
                "china.coalition_bias",
                "russia.commitment",
                "dprk.commitment",
                "world.clash_hazard",
                "usa.sanction_tightening.russia",
                "eu.sanction_tightening.russia",
                "japan.sanction_tightening.dprk",
                "rok.sanction_tightening.dprk",
            )
        ),
    ],
    ids=["10M replicates", "10M-point LHS", "10M-point Sobol", "195M-run grid"],
)
def test_absurd_jobs_are_refused_up_front_with_the_estimate_and_the_flag(
    text, write, guarded, capsys
):
    path = write("absurd.yaml", f"seed: 1\n{text}")
    command = "sweep" if "sweep" in text else None
    started = time.monotonic()
    status, _, err = cli(capsys, *([command] if command else []), path, "--out", guarded)
    assert time.monotonic() - started < 10
    assert_clean_error(status, err, None, "--allow-large")
    assert "runs x" in err and "too large" in err


def test_the_api_refuses_absurd_jobs_unless_allowed():
    scenario = load_scenario(BASELINE)
    with pytest.raises(ResourceError, match="allow_large=True"):
        run(scenario, replicates=10_000_000)
    with pytest.raises(ResourceError, match="allow_large=True"):
        compare([scenario, scenario], replicates=5_000_000)


def test_chunks_are_sized_by_memory_and_carry_only_their_design_rows():
    assert budget.chunk_runs(120, 2000) == 2000
    long = budget.chunk_runs(1200, 2000)
    assert long < 2000 and long * 1201 * budget.CHUNK_BYTES <= budget.CHUNK_MEMORY
    scenario = load_scenario(BASELINE).with_params(replicates=4, horizon_months=12)
    values = np.random.default_rng(0).random((100_000, 3))
    job = Job.sweep(scenario, ("a", "b", "c"), values)
    chunk = chunk_of(job, 10, 17)  # points 2, 3 and 4
    assert chunk.first_point == 2
    np.testing.assert_array_equal(chunk.values, values[2:5])


def test_a_plain_run_keeps_series_only_for_what_fits_in_memory():
    assert budget.series_replicates(120) >= 1000
    assert budget.sample_replicates(5000, 1200) * 1201 * budget.SERIES_BYTES <= (
        budget.MEMORY_BUDGET
    )


def test_substeps_count_in_the_estimate():
    plain = budget.Estimate(runs=1000, months=120)
    fine = budget.Estimate(runs=1000, months=120, substeps=1000)
    assert fine.cpu_seconds > 10 * plain.cpu_seconds


def test_the_memory_rates_cover_what_the_model_records_and_draws():
    from sim.model.randomness import N_NORMAL, N_UNIFORM
    from sim.model.recording import SERIES

    width = sum(len(s.columns) for s in SERIES)
    assert (width + N_NORMAL + N_UNIFORM) * 8 <= budget.RUN_BYTES <= budget.SERIES_BYTES


# --- Signals --------------------------------------------------------------------------------

SWEEP = """seed: 1
replicates: 200
horizon_months: 120
sweep:
  design: lhs
  points: 200
  parameters: {china.dialogue: [0, 1]}
"""


def wait_for_first_part(out: Path, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if list(out.rglob("part-*.json")):
            return
        time.sleep(0.1)
    raise AssertionError("the job wrote no part")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "status", "kind"),
    [
        (signal.SIGTERM, 143, "sweep"),
        (signal.SIGINT, 130, "sweep"),
        (signal.SIGTERM, 143, "run"),
    ],
)
def test_a_signal_stops_every_process_of_the_job_and_marks_it_resumable(
    sig, status, kind, tmp_path
):
    path = tmp_path / "job.yaml"
    path.write_text(SWEEP if kind == "sweep" else "seed: 1\nreplicates: 60000\n")
    out = tmp_path / "out"
    argv = ["sweep"] if kind == "sweep" else []
    command = [sys.executable, "run.py", *argv, str(path), "--workers", "2", "--chunk-size", "500"]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--no-plots"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_first_part(out, process)
        family = psutil.Process(process.pid).children(recursive=True)
        assert len(family) >= 2  # the workers, the forkserver, the resource tracker
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()  # one line, nothing from the workers or the tracker
    assert line.startswith(f"interrupted ({sig.name}): the job in ")
    _, survivors = psutil.wait_procs(family, timeout=15)
    assert survivors == []
    (manifest,) = out.rglob("manifest.json")
    record = json.loads(manifest.read_text())
    assert record["status"] == "interrupted"
    assert record["resume"].endswith(f"--resume {manifest.parent}")
    assert line.endswith(record["resume"])


def test_output_cut_off_by_its_reader_ends_quietly_with_the_shells_status():
    # `run.py validate ... | head -1`: the reader leaves before the command writes
    process = subprocess.Popen(
        [sys.executable, "run.py", "validate", "scenarios/baseline.yaml"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (141, "")


def test_a_stop_python_dropped_is_raised_before_the_next_month_or_any_folder_is_kept(tmp_path):
    # Python runs a signal handler between any two bytecodes; inside a weakref callback (as
    # importlib's module locks have) its exception is dropped: the run must stop anyway
    previous = _catch_signals()
    try:

        class Held:
            pass

        def callback(_: object) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the handler runs here, and its Interrupted is dropped
                pass

        held = Held()
        reference = weakref.ref(held, callback)
        del held
        assert reference() is None  # the callback ran and the program went on
        with pytest.raises(Interrupted, match="SIGTERM"):
            run(load_scenario(ROOT / "scenarios/baseline.yaml"), replicates=2)
        with pytest.raises(Interrupted), staged_folder(tmp_path / "results") as staging:
            (staging.path / "series.csv").write_text("written before the stop was noticed")
        assert list(tmp_path.iterdir()) == []
    finally:
        _restore_signals(previous)
        forget_stop_request()


def test_a_signal_during_a_plain_run_leaves_nothing_behind(tmp_path):
    path = tmp_path / "plain.yaml"
    # Richardson's equation in 1,000 sub-steps a month keeps the months busy for seconds, so
    # the signal lands before anything is written even on a fast or heavily loaded machine
    path.write_text("seed: 1\nreplicates: 1500\nsubsteps: 1000\n")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "run.py", str(path), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Scenario 'plain'")  # simulating now
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143
    assert err.strip().splitlines() == ["interrupted (SIGTERM): nothing was written"]
    assert not out.exists()


@pytest.mark.slow
def test_workers_and_the_forkserver_go_when_the_main_process_is_killed(tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text(SWEEP)
    out = tmp_path / "out"
    command = [sys.executable, "run.py", "sweep", str(path), "--workers", "2"]
    process = subprocess.Popen(
        [*command, "--chunk-size", "500", "--out", str(out), "--no-plots"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_first_part(out, process)
        family = psutil.Process(process.pid).children(recursive=True)
        process.kill()
        process.wait(timeout=10)
        _, survivors = psutil.wait_procs(family, timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    for survivor in survivors:
        survivor.kill()
    assert survivors == []


# --- The notebook API -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_result():
    return run(load_scenario(BASELINE).with_params(horizon_months=12), replicates=2)


def test_run_takes_the_path_of_a_scenario_file():
    assert run(str(BASELINE), replicates=1, progress=False).replicates == 1
    assert run(BASELINE, replicates=np.int64(2), progress=False).replicates == 2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: run(3), TypeError, "expects a Scenario or the path"),
        (lambda s: run(s, replicates=2.5), TypeError, "replicates expects a whole number"),
        (lambda s: run(s, replicates=True), TypeError, "replicates expects a whole number"),
        (lambda s: run(s, replicates=0), ScenarioError, "replicates"),
        (lambda s: run(s, seed="x"), TypeError, "seed expects a whole number"),
        (lambda s: run(s, replicate_ids=[]), UserError, "replicate_ids: expected a non-empty"),
        (lambda s: run(s, replicate_ids=[0.5]), UserError, "replicate_ids"),
        (lambda s: run(s, replicate_ids=[-1]), UserError, "replicate_ids"),
        (lambda s: run(s, replicate_ids=[1, 1]), UserError, "distinct"),
        (lambda s: run(s, replicate_ids=[["a"]]), UserError, "replicate_ids"),
        (lambda s: run(s, replicate_ids="abc"), UserError, "replicate_ids"),
        (lambda s: s.with_params("russia.commitment"), TypeError, "expects a mapping"),
        (lambda s: s.with_params({1: 0.3}), ScenarioError, "dotted path"),
        (lambda s: s.with_params({"narnia.x": 1}), ScenarioError, "unknown actor or section"),
        (lambda s: s.with_params(name="../x"), ScenarioError, "names the results folder"),
        (lambda s: compare([s]), UserError, "two or more"),
        (lambda s: compare("a.yaml"), TypeError, "list of Scenarios"),
        (lambda s: load_scenario(3), TypeError, "path of a .yaml file"),
        (lambda s: run_sweep("x.yaml"), TypeError, "expects a Scenario"),
    ],
)
def test_api_misuse_gets_a_message_naming_what_is_expected(call, error, message):
    scenario = load_scenario(BASELINE).with_params(horizon_months=12, replicates=2)
    with pytest.raises(error, match=re.escape(message)):
        call(scenario)


def test_series_names_unknown_series_and_columns(short_result):
    with pytest.raises(UserError, match="unknown column of spending 'narnia'; allowed: dprk"):
        short_result.series("spending", "narnia")
    with pytest.raises(UserError, match="unknown series 'spend'"):
        short_result.series("spend")


def test_numpy_values_are_accepted_by_with_params():
    scenario = load_scenario(BASELINE).with_params(
        {"russia.commitment": np.float64(0.3)}, replicates=np.int64(5), seed=np.uint32(7)
    )
    assert (scenario.spec.replicates, scenario.spec.seed) == (5, 7)


# --- Generated cases ------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        *("seed", "name", "replicates", "horizon_months", "actors", "world", "events"),
        *("outcomes", "sweep", "mechanisms", "rok", "reactivity", "dprk", "month", "set"),
        *("x", "<<"),
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
STRUCTURE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)


def check_file(path: Path, capsys) -> None:
    """validate exits 0, or 2 with one line naming the file; nothing else."""
    status, out, err = cli(capsys, "validate", path)
    if status == 0:
        assert err == "" and out.startswith(f"ok: {path}")
    else:
        assert_clean_error(status, err, f"{path}")


@given(data=STRUCTURE)
@FAST
def test_random_yaml_structure_is_valid_or_one_clean_error(data, tmp_path, capsys):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    check_file(path, capsys)


@given(data=st.dictionaries(KEYS, STRUCTURE, max_size=5))
@FAST
def test_random_mappings_under_scenario_keys_are_valid_or_one_clean_error(data, tmp_path, capsys):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    check_file(path, capsys)


@given(raw=st.binary(max_size=300))
@FAST
def test_random_bytes_are_valid_or_one_clean_error(raw, tmp_path, capsys):
    path = tmp_path / "bytes.yaml"
    path.write_bytes(raw)
    check_file(path, capsys)


@given(text=st.text(alphabet="{}[]&*!<>:-,|'\"#%@` \n\tab1.?~=", max_size=80))
@FAST
def test_random_yaml_punctuation_is_valid_or_one_clean_error(text, tmp_path, capsys):
    path = tmp_path / "punct.yaml"
    path.write_text(text)
    check_file(path, capsys)


def read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """read_yaml(path) through libyaml and through PyYAML's own parser: each the document's
    (data, lines) or the error's text."""

    def read() -> object:
        try:
            doc = read_yaml(path)
        except ScenarioError as error:
            return str(error)
        return doc.data, doc.lines

    fast = read()
    with monkeypatch.context() as m:
        m.setattr(yaml, "__with_libyaml__", False)
        return fast, read()


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    "path", sorted([*ROOT.glob("scenarios/**/*.yaml"), *ROOT.glob("observations/*.yaml")])
)
def test_libyaml_reads_every_shipped_file_as_pyyaml_does(path, monkeypatch):
    fast, pure = read_both_ways(path, monkeypatch)
    assert fast == pure
    assert not isinstance(fast, str), fast


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
def test_libyaml_refuses_hostile_yaml_with_pyyaml_s_message(case, write, monkeypatch):
    fast, pure = read_both_ways(write("hostile.yaml", HOSTILE_YAML[case][0]), monkeypatch)
    assert fast == pure


@given(text=st.text(alphabet="{}[]&*!<>:-,|'\"#%@` \n\tab1.?~=\x85\u2028", max_size=80))
@FAST
def test_libyaml_and_pyyaml_read_random_punctuation_alike(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("punct") / "punct.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, pure = read_both_ways(path, monkeypatch)
    assert fast == pure


NUMERIC = [(n, p) for n, p in WORLD_PARAMS.items()] + [
    (f"{p.owners[0]}.{n}", p) for n, p in ACTOR_PARAMS.items() if p.keys is None and p.owners
]


@given(
    choice=st.sampled_from(NUMERIC),
    value=st.one_of(st.floats(-1e6, 1e6), st.integers(-1000, 1000), st.text(max_size=5)),
)
@settings(max_examples=60, deadline=None)
def test_random_parameter_values_are_accepted_inside_their_range_and_refused_outside(choice, value):
    name, param = choice
    path = name if "." in name else f"world.{name}"
    scenario = load_scenario(BASELINE)
    inside = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and param.low <= value <= param.high
    )
    if inside:
        scenario.with_params({path: value})
    else:
        with pytest.raises(ScenarioError) as info:
            scenario.with_params({path: value})
        assert info.value.key.endswith(path.split(".")[-1])


@given(
    replicates=st.one_of(st.integers(-5, 4), st.integers(10**7, 10**12)),
    months=st.one_of(st.integers(-5, 14), st.integers(1201, 10**6)),
)
@FAST
def test_random_replicates_and_horizons_run_or_get_one_clean_error(
    replicates, months, tmp_path_factory, capsys
):
    folder = tmp_path_factory.mktemp("random")
    path = folder / "r.yaml"
    path.write_text(f"seed: 1\nreplicates: {replicates}\nhorizon_months: {months}\n")
    out = folder / "out"
    status, _, err = cli(capsys, path, "--out", out, "--no-plots")
    if status == 0:
        (result,) = (out / "r").iterdir()
        outcomes = pd.read_csv(result / "outcomes.csv")
        assert len(outcomes) == replicates
    else:
        assert_clean_error(status, err, f"{path}")
        assert not out.exists()


def test_a_pool_stopped_before_any_worker_started_stops_quietly():
    from sim.execution.executors import stop_processes

    pool = ProcessPoolExecutor(max_workers=2)  # no task submitted: no worker, no manager thread
    stop_processes(pool, grace=0.1)
    with pytest.raises(RuntimeError, match="shutdown"):
        pool.submit(print)
