"""Everything read is checked as scenarios are, and nothing NaN or infinite leaves silently.

The files a command reads besides its scenario (a conditioning folder's accepted sets, an
observation file, a run folder given to load_run) are hostile input like any other: each bad
case is one line `error: FILE[:LINE]: [key: ]message`, exit status 2, no traceback and no
result written; load_run raises one UserError naming the file before it allocates anything the
file merely declares. Values that would make results NaN or infinite are refused at input;
manifests stay valid JSON; control characters never reach the terminal.
"""

import hashlib
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from support import ONE_OBSERVATION

from sim import load_run, load_scenario
from sim.cli import main
from sim.errors import ScenarioError, UserError
from sim.execution.conditioning import MAX_ACCEPTED_BYTES, read_posterior
from sim.execution.runner import run
from sim.provenance import json_text
from sim.workflows import write_run

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
HISTORY = ROOT / "scenarios" / "history.yaml"
ERROR_LINE = re.compile(r"error: [^\n]+")
SHORT = ["--replicates", "2", "--no-plots"]


def cli(capsys: pytest.CaptureFixture, *argv: object) -> tuple[int, str, str]:
    """sim.cli.main in this process: (status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_clean_error(status: int, err: str, where: str, contains: str = "") -> None:
    """Exit status 2 and exactly one printable line `error: <where>...`, no traceback."""
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and ERROR_LINE.fullmatch(lines[0]), err
    assert lines[0].isprintable(), "a control character reached the terminal"
    assert lines[0].startswith(f"error: {where}"), lines[0]
    assert contains in lines[0], lines[0]


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.rglob("*"))


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """The baseline over 12 months: a quick run to condition."""
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {BASELINE}\nhorizon_months: 12\n", encoding="utf-8")
    return path


# --- --conditioned-on: the accepted sets checked against the declarations -----------------

HEADER = "replicate,rok.plan_growth,world.escalation_base,distance\n"
GOOD_SETS = HEADER + "3,0.04,0.05,0.8\n7,0.02,0.10,1.1\n"


def conditioning_folder(tmp_path: Path, text: str, manifest: str | None = None) -> Path:
    folder = tmp_path / "conditioned"
    folder.mkdir(exist_ok=True)
    (folder / "accepted.csv").write_text(text, encoding="utf-8")
    if manifest is not None:
        (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    return folder


BAD_SETS = {
    "a probability of 5": (HEADER + "3,0.04,5,0.8\n", 2, "world.escalation_base", "0 to 1"),
    "infinite": (HEADER + "3,0.04,0.05,0.8\n4,inf,0.05,0.8\n", 3, "rok.plan_growth", "'inf'"),
    "NaN": (HEADER + "3,0.04,nan,0.8\n", 2, "world.escalation_base", "'nan'"),
    "not a number": (HEADER + "3,lots,0.05,0.8\n", 2, "rok.plan_growth", "'lots'"),
    "an empty value": (HEADER + "3,,0.05,0.8\n", 2, "rok.plan_growth", "got ''"),
    "a growth below its range": (HEADER + "3,-0.9,0.05,0.8\n", 2, "rok.plan_growth", "-0.5 to 1"),
    "an unknown parameter": (
        "replicate,rok.plan_growht,distance\n1,0.1,0.2\n",
        1,
        "rok.plan_growht",
        "not a parameter: did you mean 'rok.plan_growth'?",
    ),
    "a parameter of the wrong actor": (
        "replicate,world.plan_growth\n1,0.1\n",
        1,
        "world.plan_growth",
        "not a parameter",
    ),
    "a column named twice": (
        "replicate,rok.plan_growth,rok.plan_growth\n1,0.1,0.1\n",
        1,
        "rok.plan_growth",
        "a column named twice",
    ),
    "no parameter columns": ("replicate,distance\n1,0.2\n", 1, "", "1 to 128 parameter columns"),
    "no sets": (HEADER, 2, "", "at least one accepted parameter set"),
    "an empty file": ("", 1, "", "1 to 128 parameter columns, found 0"),
    "a row too long": (HEADER + "3,0.04,0.05,0.8,9\n", 2, "", "expected 4 fields, found 5"),
    "a row too short": (HEADER + "3,0.04\n", 2, "", "expected 4 fields, found 2"),
    "a terminal escape in a column": (
        "replicate,\x1b[31mrok.plan_growth\n1,0.1\n",
        1,
        "\\x1b[31mrok.plan_growth",
        "not a parameter",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SETS))
def test_bad_accepted_sets_are_one_line_at_their_line_and_column(case, short, tmp_path, capsys):
    text, line, key, contains = BAD_SETS[case]
    folder = conditioning_folder(tmp_path, text)
    out = tmp_path / "out"
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", folder)
    where = f"{folder / 'accepted.csv'}:{line}: " + (f"{key}: " if key else "")
    assert_clean_error(status, err, where, contains)
    assert nothing_written(out)


def test_a_hindcast_on_bad_accepted_sets_is_refused_too(tmp_path, capsys):
    folder = conditioning_folder(tmp_path, HEADER + "3,0.04,5,0.8\n")
    observations = ROOT / "observations" / "history.yaml"
    out = tmp_path / "out"
    argv = ["hindcast", HISTORY, "--observations", observations, *SHORT, "--out", out]
    status, _, err = cli(capsys, *argv, "--conditioned-on", folder)
    assert_clean_error(status, err, f"{folder / 'accepted.csv'}:2: world.escalation_base:")
    assert nothing_written(out)


def test_a_conditioning_folder_that_is_not_one_is_refused(short, tmp_path, capsys):
    out = tmp_path / "out"
    empty = tmp_path / "empty"
    empty.mkdir()
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", empty)
    assert_clean_error(status, err, f"{empty}: ", "no accepted.csv here")
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", short)
    assert_clean_error(status, err, f"{short}: --conditioned-on: ", "a `condition` results folder")
    (empty / "accepted.csv").mkdir()
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", empty)
    assert_clean_error(status, err, f"{empty / 'accepted.csv'}: ", "is a folder")
    assert nothing_written(out)


def test_accepted_sets_from_dev_zero_or_too_large_are_refused_unread(short, tmp_path, capsys):
    out = tmp_path / "out"
    zero = tmp_path / "zero"
    zero.mkdir()
    (zero / "accepted.csv").symlink_to("/dev/zero")
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", zero)
    assert_clean_error(status, err, f"{zero / 'accepted.csv'}: ", "not a regular file")
    big = conditioning_folder(tmp_path, GOOD_SETS)
    os.truncate(big / "accepted.csv", MAX_ACCEPTED_BYTES + 1)  # sparse: nothing to read
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", big)
    assert_clean_error(status, err, f"{big / 'accepted.csv'}: ", "the limit is 16,777,216")
    assert nothing_written(out)


PRIOR_MANIFEST = json.dumps(
    {
        "kind": "conditioning",
        "scenario": "history_uncertain",
        "scenario_hash": "abc",
        "resolved_scenario": {
            "uncertain": {
                "rok.plan_growth": {"dist": "uniform", "low": 0.0, "high": 0.08},
                "world.escalation_base": {"dist": "uniform", "low": 0.0, "high": 0.2},
            }
        },
    }
)


@pytest.mark.parametrize(
    ("manifest", "text", "where", "contains"),
    [
        (
            PRIOR_MANIFEST,
            HEADER + "3,0.09,0.05,0.8\n",
            "accepted.csv:2: rok.plan_growth:",
            "0 to 0.08",
        ),
        (
            PRIOR_MANIFEST,
            "replicate,rok.plan_growth\n1,0.01\n",
            "accepted.csv:1: ",
            "expected the columns of the conditioning's prior",
        ),
        ("{not json", GOOD_SETS, "manifest.json:1: ", "not valid JSON"),
        ('{"kind": "run"}', GOOD_SETS, "manifest.json: kind: ", "a `condition` folder"),
        ("[1, 2]", GOOD_SETS, "manifest.json:1: ", "a JSON object, the manifest of a `condition`"),
    ],
    ids=["outside the prior", "not the prior's columns", "not JSON", "a run's", "a list"],
)
def test_the_conditioning_manifest_is_checked_and_bounds_the_sets(
    manifest, text, where, contains, short, tmp_path, capsys
):
    folder = conditioning_folder(tmp_path, text, manifest)
    out = tmp_path / "out"
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", folder)
    assert_clean_error(status, err, f"{folder}/{where}", contains)
    assert nothing_written(out)


def test_a_conditioned_runs_manifest_names_its_posterior_and_a_plain_runs_says_none(
    short, tmp_path, capsys
):
    folder = conditioning_folder(tmp_path, GOOD_SETS, PRIOR_MANIFEST)
    out = tmp_path / "out"
    status, _, err = cli(capsys, short, *SHORT, "--out", out, "--conditioned-on", folder)
    assert status == 0, err
    status, _, err = cli(capsys, short, *SHORT, "--out", out)
    assert status == 0, err
    records = [json.loads(p.read_text()) for p in sorted(out.rglob("manifest.json"))]
    conditioned = [r["conditioned_on"] for r in records if r["conditioned_on"] is not None]
    assert len(records) == 2 and len(conditioned) == 1
    (posterior,) = conditioned
    accepted = folder / "accepted.csv"
    assert posterior["file"] == str(accepted) and posterior["sets"] == 2
    assert posterior["sha256"] == hashlib.sha256(accepted.read_bytes()).hexdigest()
    assert posterior["parameters"] == ["rok.plan_growth", "world.escalation_base"]
    assert posterior["conditioning"]["scenario"] == "history_uncertain"
    manifest_bytes = (folder / "manifest.json").read_bytes()
    assert (
        posterior["conditioning"]["manifest_sha256"] == hashlib.sha256(manifest_bytes).hexdigest()
    )
    loaded = [load_run(p.parent) for p in out.rglob("series.parquet")]
    assert sorted(r.conditioned_on is None for r in loaded) == [False, True]


def test_a_conditioned_hindcasts_manifest_names_its_posterior(tmp_path, capsys):
    folder = conditioning_folder(tmp_path, GOOD_SETS)
    observations = ROOT / "observations" / "history.yaml"
    out = tmp_path / "out"
    argv = ["hindcast", HISTORY, "--observations", observations, *SHORT, "--out", out]
    status, _, err = cli(capsys, *argv, "--conditioned-on", folder)
    assert status == 0, err
    (manifest,) = out.rglob("manifest.json")
    posterior = json.loads(manifest.read_text())["conditioned_on"]
    digest = hashlib.sha256((folder / "accepted.csv").read_bytes()).hexdigest()
    assert posterior["sha256"] == digest and posterior["conditioning"] is None


@pytest.mark.parametrize("saved", ["as written", "by a spreadsheet"])
def test_accepted_sets_come_back_as_written(saved, tmp_path):
    text = GOOD_SETS if saved == "as written" else "\ufeff" + GOOD_SETS.replace("\n", "\r\n")
    posterior = read_posterior(conditioning_folder(tmp_path, text))
    assert posterior.sets.to_dict("list") == {
        "rok.plan_growth": [0.04, 0.02],
        "world.escalation_base": [0.05, 0.10],
    }


# --- load_run: schema and sizes before allocation, then the values -------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder of 2 replicates x 12 months, written once; tests copy it."""
    scenario = load_scenario(BASELINE).with_params(replicates=2, horizon_months=12)
    root = tmp_path_factory.mktemp("runs")
    from sim.provenance import utc_now

    return write_run(run(scenario, progress=False), root, ["test"], utc_now(), plots=False)


@pytest.fixture
def copy(run_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    for name in ("manifest.json", "series.parquet"):
        (folder / name).write_bytes((run_dir / name).read_bytes())
    return folder


def series(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "series.parquet")


def rewrite(folder: Path, frame: pd.DataFrame) -> None:
    frame.to_parquet(folder / "series.parquet", index=False)


def edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / "manifest.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | changes), encoding="utf-8")


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any series data (not metadata) is read."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("series data read before the checks")

    monkeypatch.setattr(pq.ParquetFile, "read", refuse)


def test_a_small_file_declaring_more_rows_than_its_run_is_refused_unread(copy, monkeypatch):
    frame = series(copy)
    rewrite(copy, pd.concat([frame] * 3, ignore_index=True))  # a few tens of kB
    assert (copy / "series.parquet").stat().st_size < 100_000
    monkeypatch.setattr(pq.ParquetFile, "read", pytest.fail)
    declared = f"declares {3 * len(frame):,} rows; the manifest's run has at most {len(frame):,}"
    with pytest.raises(UserError, match=declared):
        load_run(copy)


def test_a_manifest_declaring_a_huge_run_is_refused_before_reading(copy, no_reading):
    edit_manifest(copy, replicates=1_000_000_000)
    with pytest.raises(UserError) as error:
        load_run(copy)
    assert str(error.value).startswith(f"{copy / 'series.parquet'}: the manifest's 1,000,000,000")
    assert "the limit is 6 GiB" in str(error.value)


def test_a_column_declaring_more_bytes_than_its_rows_hold_is_refused_unread(copy, monkeypatch):
    frame = series(copy)
    bomb = frame.assign(actor=frame["actor"].astype(str).where(frame.index != 0, "x" * 50_000_000))
    bomb.to_parquet(copy / "series.parquet", index=False, compression="zstd")
    assert (copy / "series.parquet").stat().st_size < 100_000
    monkeypatch.setattr(pq.ParquetFile, "read", pytest.fail)
    with pytest.raises(UserError, match=f"bytes of data for {len(frame):,} rows"):
        load_run(copy)


BAD_SERIES = {
    "a negative month": (
        lambda f: f.assign(month=np.where(f.index == 5, -3, f["month"])),
        "month: expected months 0 to 12, found -3",
    ),
    "a month past the run": (
        lambda f: f.assign(month=np.where(f.index == 5, 40, f["month"])),
        "month: expected months 0 to 12, found 40",
    ),
    "an unknown actor": (
        lambda f: f.assign(actor=f["actor"].astype(str).where(f.index != 0, "atlantis")),
        "actor: unknown column 'atlantis' of series",
    ),
    "an unknown series": (
        lambda f: f.assign(variable=f["variable"].astype(str).where(f.index != 0, "mood")),
        "variable: unknown series 'mood'",
    ),
    "missing rows": (lambda f: f.drop(index=[0, 1, 2]), "3 values missing, 0 written more"),
    "a row twice": (
        lambda f: pd.concat([f.iloc[:-1], f.iloc[[-2]]], ignore_index=True),
        "1 values missing, 1 written more than once",
    ),
    "a missing column": (lambda f: f.drop(columns=["value"]), "value: missing column"),
    "text values": (lambda f: f.assign(value=f["value"].astype(str)), "value: expected floating"),
    "fractional months": (lambda f: f.assign(month=f["month"] + 0.5), "month: expected integer"),
    "empty values": (
        lambda f: f.assign(month=f["month"].astype("Int64").where(f.index != 0, None)),
        "month: empty values",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SERIES))
def test_a_damaged_series_file_is_one_error_naming_it(case, copy):
    damage, message = BAD_SERIES[case]
    rewrite(copy, damage(series(copy)))
    with pytest.raises(UserError) as error:
        load_run(copy)
    assert str(error.value).startswith(f"{copy / 'series.parquet'}: "), error.value
    assert message in str(error.value)


def test_fewer_replicates_than_the_manifest_says_is_refused(copy):
    edit_manifest(copy, replicates=3)
    with pytest.raises(UserError, match="expected the manifest's 3 replicates, found 2"):
        load_run(copy)


def test_a_series_file_that_is_not_parquet_is_refused(copy):
    (copy / "series.parquet").write_bytes(b"PAR1" + os.urandom(6000))
    with pytest.raises(UserError, match="not a Parquet file"):
        load_run(copy)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{oops", "manifest.json:1: not valid JSON"),
        ("[]", "manifest.json:1: expected a JSON object"),
        ('{"replicates": 2}', "manifest.json: resolved_scenario: missing"),
        ('{"resolved_scenario": {"seed": "x"}, "replicates": 2}', "resolved_scenario.seed"),
    ],
)
def test_a_bad_run_manifest_is_one_error_naming_it(text, message, copy):
    (copy / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        load_run(copy)


def test_a_bad_replicate_count_in_the_manifest_is_named(copy):
    edit_manifest(copy, replicates=-4)
    with pytest.raises(UserError, match="replicates: expected a whole number >= 1, got -4"):
        load_run(copy)


def test_an_old_arrays_file_with_a_lying_header_is_refused_before_allocating(copy, run_dir):
    result = load_run(run_dir)
    (copy / "series.parquet").unlink()
    arrays = {"replicate": result.replicate_ids, **result.arrays}
    arrays["spending"] = np.zeros((13, 2_000_000, 7))[:, :1]  # wrong shape, tiny data
    np.savez(copy / "arrays.npz", **arrays)
    with pytest.raises(UserError, match=r"spending: expected numbers of shape \(13, 2, 7\)"):
        load_run(copy)


def test_an_intact_folder_still_loads_exactly(run_dir):
    result = load_run(run_dir)
    frame = series(run_dir)
    spending = frame[(frame["variable"] == "spending") & (frame["actor"] == "rok")]
    pivot = spending.pivot(index="month", columns="replicate", values="value")
    assert np.array_equal(pivot.to_numpy(), result.series("spending", "rok"))


# --- observation files: extension, size, schema, read once ---------------------------------

OBSERVATION = ONE_OBSERVATION


def hindcast(capsys: pytest.CaptureFixture, observations: Path, out: Path) -> tuple[int, str]:
    status, _, err = cli(
        capsys, "hindcast", HISTORY, "--observations", observations, *SHORT, "--out", out
    )
    return status, err


@pytest.mark.parametrize("name", ["obs.json", "obs.toml", "obs", "obs.yaml.txt"])
def test_an_observation_file_of_another_type_is_refused_and_its_keys_never_shown(
    name, tmp_path, capsys
):
    path = tmp_path / name
    path.write_text('{"secret_token": "hunter2", "observations": 1}\n', encoding="utf-8")
    status, err = hindcast(capsys, path, tmp_path / "out")
    assert_clean_error(status, err, f"{path}: ", "ends in .yaml or .yml")
    assert "secret_token" not in err and "hunter2" not in err
    assert nothing_written(tmp_path / "out")


def test_observations_from_dev_zero_a_fifo_or_too_large_are_refused_unread(tmp_path, capsys):
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    big = tmp_path / "big.yaml"
    big.write_text(OBSERVATION, encoding="utf-8")
    os.truncate(big, 1_000_001)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    for path, message in [
        (zero, "not a regular file"),
        (fifo, "not a regular file"),
        (big, "the limit is 1,000,000"),
        (folder, "is a folder, not an observation file"),
    ]:
        status, err = hindcast(capsys, path, tmp_path / "out")
        assert_clean_error(status, err, f"{path}: ", message)
    assert nothing_written(tmp_path / "out")


@pytest.mark.parametrize(
    ("value", "key"),
    [(".inf", "value"), ("-.inf", "value"), (".nan", "value"), ("1e999", "value")],
)
def test_an_observation_that_is_not_finite_is_refused_at_its_line(value, key, tmp_path, capsys):
    path = tmp_path / "obs.yaml"
    path.write_text(OBSERVATION.replace("value: 0.01", f"value: {value}"), encoding="utf-8")
    status, err = hindcast(capsys, path, tmp_path / "out")
    assert_clean_error(status, err, f"{path}:6: observations[0].{key}: ", "finite")
    assert nothing_written(tmp_path / "out")


@pytest.mark.parametrize("swap", ["a private file", "/dev/zero", "another observation file"])
def test_the_observations_copied_are_those_read_even_if_the_path_is_swapped(
    swap, tmp_path, capsys, monkeypatch
):
    """The file is opened once: swapping its path during the run changes nothing written."""
    path = tmp_path / "obs.yaml"
    path.write_text(OBSERVATION, encoding="utf-8")
    secret = tmp_path / "secret"
    secret.write_text("observations: [secret]\n", encoding="utf-8")
    secret.chmod(0o600)
    other = tmp_path / "other.yaml"
    other.write_text(OBSERVATION.replace("0.01", "0.02"), encoding="utf-8")
    target = {"a private file": secret, "/dev/zero": Path("/dev/zero")}.get(swap, other)
    import sim.execution.hindcast as module

    def run_then_swap(*args: object, **kwargs: object) -> object:
        path.unlink()
        path.symlink_to(target)
        return run(*args, **kwargs)

    monkeypatch.setattr(module, "run", run_then_swap)
    status, err = hindcast(capsys, path, tmp_path / "out")
    assert status == 0, err
    (copied,) = (tmp_path / "out").rglob("observations.yaml")
    assert copied.read_text(encoding="utf-8") == OBSERVATION
    manifest = json.loads((copied.parent / "manifest.json").read_text())
    assert manifest["observations_sha256"] == hashlib.sha256(OBSERVATION.encode()).hexdigest()


# --- NaN and infinity: refused at input, or written as null; escapes escaped ---------------


@pytest.mark.parametrize("initial", ["{gdp: 0}", "{gdp: 0.0, spending: 0}", "{gdp: 1.0e-300}"])
def test_a_gdp_of_zero_is_refused_at_its_line(initial, tmp_path, capsys):
    path = tmp_path / "zero_gdp.yaml"
    path.write_text(
        f"extends: {BASELINE}\nactors:\n  rok:\n    initial: {initial}\n", encoding="utf-8"
    )
    status, _, err = cli(capsys, "validate", path)
    assert_clean_error(status, err, f"{path}:4: actors.rok.initial.gdp: ", "at least 0.001")
    out = tmp_path / "out"
    status, _, err = cli(capsys, path, *SHORT, "--out", out)
    assert_clean_error(status, err, f"{path}:4: actors.rok.initial.gdp: ")
    assert nothing_written(out)


def test_a_gdp_of_zero_is_refused_from_python_too():
    with pytest.raises(
        ScenarioError, match=r"actors\.rok\.initial\.gdp: expected a value of at least"
    ):
        load_scenario(BASELINE).with_params({"rok.initial.gdp": 0.0})


def test_zero_initial_spending_runs_to_a_finite_burden(tmp_path):
    scenario = load_scenario(BASELINE).with_params(
        {"rok.initial.spending": 0.0}, replicates=2, horizon_months=12
    )
    burden = run(scenario, progress=False).series("burden", "rok")
    assert np.isfinite(burden).all() and burden[0].max() == 0.0


def test_manifest_json_writes_what_is_not_finite_as_null():
    text = json_text({"mean_crps": math.nan, "tolerance": math.inf, "scores": [1.5, -math.inf]})
    strict = json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} in JSON"))
    assert strict == {"mean_crps": None, "tolerance": None, "scores": [1.5, None]}


def test_every_manifest_written_parses_as_strict_json(run_dir):
    text = (run_dir / "manifest.json").read_text()
    json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} in JSON"))


def test_control_characters_in_a_path_never_reach_the_terminal(tmp_path, capsys):
    path = tmp_path / "\x1b]0;owned\x07obs.json"
    path.write_text(OBSERVATION, encoding="utf-8")
    status, out, err = cli(capsys, "hindcast", HISTORY, "--observations", path, *SHORT)
    assert_clean_error(status, err, f"{tmp_path}/\\x1b]0;owned\\x07obs.json: ")
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_an_unexpected_error_is_one_escaped_line(capsys, monkeypatch):
    import sim.cli

    def broken(args: object, command: object) -> int:
        raise RuntimeError("\x1b[2J\x1b[31mwiped\nsecond line")

    monkeypatch.setitem(
        sim.cli.COMMANDS, "validate", sim.cli.Command("v", sim.cli._validate_options, broken)
    )
    status, _, err = cli(capsys, "validate", BASELINE)
    assert status == 1 and err.count("\n") == 1 and err.strip().isprintable(), err
    assert "\\x1b[2J\\x1b[31mwiped second line" in err
