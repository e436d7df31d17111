"""The command line: one grammar (`alliance-sim <command>`, its help, did-you-mean, hints that
name `alliance-sim`, run.py the same), and the commands end to end on a short horizon: what a
run writes, and that it never overwrites."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from support import run_py as cli

from sim import __main__ as console_script
from sim.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
EVERY_COMMAND = [*COMMANDS, "explore"]


@pytest.fixture(scope="module")
def short_scenario(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    path = folder / "short.yaml"
    path.write_text(
        f"extends: {ROOT / 'scenarios' / 'sanctions_isolation.yaml'}\n"
        "horizon_months: 36\nreplicates: 4\n",
        encoding="utf-8",
    )
    return path


def run_folders(out: Path) -> list[Path]:
    return sorted(p for p in (out / "short").iterdir() if not p.name.startswith("."))


def test_a_run_writes_series_outcomes_manifest_and_plots_and_names_the_figure_last(
    short_scenario, tmp_path, capsys
):
    argv = [str(short_scenario), "--replicates", "6", "--seed", "11", "--out", str(tmp_path)]
    assert console_script.main(["run", *argv]) == 0
    stdout = capsys.readouterr().out
    assert "regional_arms_race" in stdout and "Results:" in stdout
    (folder,) = run_folders(tmp_path)
    series = pd.read_parquet(folder / "series.parquet")
    assert set(series.columns) == {
        "scenario",
        "replicate",
        "month",
        "date",
        "actor",
        "variable",
        "value",
        "unit",
    }
    assert set(series["scenario"]) == {"short"}
    assert set(series.loc[series["variable"] == "spending", "unit"]) == {"constant 2024 US$ bn/yr"}
    assert series["replicate"].nunique() == 6 and series["month"].max() == 36
    assert len(pd.read_csv(folder / "outcomes.csv")) == 6
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["replicates"] == 6
    assert manifest["resolved_scenario"]["horizon_months"] == 36
    assert manifest["command"][-4:] == ["--seed", "11", "--out", str(tmp_path)]
    assert {"mesa", "numpy", "python"} <= set(manifest["versions"])
    for png in ("dashboard.png", "fan_charts.png", "outcomes.png"):
        assert (folder / "plots" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert stdout.splitlines()[-1] == f"Open first: {folder / 'plots' / 'dashboard.png'}"


def test_a_second_run_never_touches_the_first(short_scenario, tmp_path):
    argv = ["run", str(short_scenario), "--out", str(tmp_path), "--no-plots"]
    assert main(argv) == 0
    (first,) = run_folders(tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    assert main(argv) == 0
    folders = run_folders(tmp_path)
    assert len(folders) == 2 and first in folders
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    same = [pd.read_csv(f / "outcomes.csv") for f in folders]
    assert same[0].equals(same[1])  # same scenario and seed, same results


@pytest.mark.slow  # two full-horizon scenarios and three figures
def test_compare_writes_outcomes_paired_differences_and_plots(tmp_path, capsys):
    scenarios = [str(ROOT / "scenarios" / f"{name}.yaml") for name in ("baseline", "us_buildup")]
    assert main(["compare", *scenarios, "--replicates", "8", "--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    assert "baseline" in stdout and "us_buildup" in stdout
    (folder,) = (tmp_path / "compare").iterdir()
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert set(outcomes["scenario"]) == {"baseline", "us_buildup"}
    paired = pd.read_csv(folder / "paired_differences.csv")
    assert set(paired["replicate"]) == set(range(8))
    for png in ("fans.png", "outcomes.png", "paired_differences.png"):
        assert (folder / "plots" / png).stat().st_size > 10_000


@pytest.mark.slow
def test_sweep_writes_shares_sensitivity_discovery_and_plots(tmp_path):
    scenario = tmp_path / "tiny_sweep.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nreplicates: 4\nhorizon_months: 24\n"
        "sweep:\n  design: grid\n  levels: 3\n  parameters:\n"
        "    china.dialogue: [0, 1]\n    usa.buildup: [0, 1]\n",
        encoding="utf-8",
    )
    done = cli(
        "sweep",
        str(scenario),
        "--workers",
        "2",
        "--chunk-size",
        "5",
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode == 0, done.stderr
    assert "9 points, 36 runs" in done.stdout
    (folder,) = (tmp_path / "out" / "tiny_sweep").iterdir()
    assert len(pd.read_csv(folder / "points.csv")) == 9
    assert json.loads((folder / "manifest.json").read_text())["status"] == "complete"
    for name in (
        "design.csv",
        "summary.csv",
        "sensitivity.csv",
        "discovery.txt",
        "plots/heatmaps.png",
        "plots/sensitivity.png",
    ):
        assert (folder / name).exists(), name


def test_sweep_without_a_sweep_block_is_an_error(tmp_path, capsys):
    assert main(["sweep", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(tmp_path)]) == 2
    stderr = capsys.readouterr().err
    assert "has no 'sweep:' block" in stderr and "Traceback" not in stderr
    assert not any(tmp_path.iterdir())


# --- the grammar ----------------------------------------------------------------------------


def help_text(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    """What `alliance-sim ARGV` prints on stdout, having exited 0."""
    try:
        status = main(argv, prog="alliance-sim")
    except SystemExit as done:
        status = done.code
    assert status == 0
    return capsys.readouterr().out


def test_the_top_level_help_lists_every_command_on_one_line(capsys):
    text = help_text(["--help"], capsys)
    assert text.startswith("usage: alliance-sim <command> [options]\n")
    listed = {line.split()[0]: line for line in text.splitlines() if line.startswith("  ")}
    for name in COMMANDS:
        assert listed[name].split(None, 1)[1] == COMMANDS[name].summary, listed[name]
    assert listed["explore"].split(None, 1)[1].startswith("Serve the what-if explorer")
    assert "--replicates" not in text  # the list of commands, not the run command's help


def test_no_arguments_print_the_list_of_commands(capsys):
    assert help_text([], capsys) == help_text(["--help"], capsys)


def test_python_run_py_help_is_the_same_list(capsys):
    done = subprocess.run(
        [sys.executable, "run.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == help_text(["--help"], capsys)
    assert "`python run.py ...` and\n`python -m sim ...` take the same commands" in done.stdout


@pytest.mark.parametrize("name", EVERY_COMMAND)
def test_each_command_help_shows_its_own_usage_once(name, capsys):
    text = help_text([name, "--help"], capsys)
    assert text.startswith(f"usage: alliance-sim {name} ")
    assert text.count("usage:") == 1
    usage = text.split("\n\n")[0]
    assert [other for other in EVERY_COMMAND if f"alliance-sim {other} " in usage] == [name]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("comapre", "compare"), ("valdiate", "validate"), ("swep", "sweep"), ("Run", "run")],
)
def test_a_mistyped_command_names_the_closest_one_and_exits_2(typed, meant, capsys):
    assert main([typed, "a", "b"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: unknown command '{typed}'; did you mean '{meant}'?\n"
    assert captured.out == ""


def test_a_command_like_nothing_known_lists_the_commands(capsys):
    assert main(["frobnicate\x1b[31m"]) == 2
    assert capsys.readouterr().err == (
        "error: unknown command 'frobnicate\\x1b[31m'; expected one of "
        "run, compare, sweep, validate, hindcast, condition, uncertainty, explore\n"
    )


@pytest.mark.parametrize(
    ("first", "error"),
    [
        ("nothere.yaml", "file not found"),
        ("no/such/scenario", "a scenario file's name ends in .yaml or .yml"),
    ],
)
def test_a_scenario_file_first_is_still_a_run(first, error, capsys, tmp_path):
    assert main([first, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {first}: {error}\n"


def test_an_option_first_is_still_a_run(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--seed", "x", "scenarios/baseline.yaml"])
    assert done.value.code == 2
    assert capsys.readouterr().err == (
        "error: argument --seed: expected a whole number from 0 to 9,223,372,036,854,775,807, "
        "got 'x' (alliance-sim run --help lists the options)\n"
    )


@pytest.mark.parametrize("prog", ["run.py", "alliance-sim"])
@pytest.mark.parametrize("name", COMMANDS)
def test_option_errors_point_to_the_command_help_spelt_alliance_sim(name, prog, capsys):
    with pytest.raises(SystemExit) as done:
        main([name, "--no-such-option"], prog=prog)
    assert done.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert lines[0].endswith(f" (alliance-sim {name} --help lists the options)")


def test_compare_with_one_file_suggests_alliance_sim_run(capsys, tmp_path):
    assert main(["compare", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(tmp_path)]) == 2
    assert "(run a single one with alliance-sim run FILE)" in capsys.readouterr().err


@pytest.mark.slow
def test_run_py_and_alliance_sim_run_write_the_same_files(short_scenario, tmp_path, capsys):
    args = [str(short_scenario), "--replicates", "2", "--seed", "5", "--no-plots"]
    by_run_py = cli(*args, "--out", str(tmp_path / "a"))
    assert by_run_py.returncode == 0, by_run_py.stderr
    assert console_script.main(["run", *args, "--out", str(tmp_path / "b")]) == 0
    by_script = capsys.readouterr().out
    ((a,), (b,)) = (run_folders(tmp_path / side) for side in "ab")
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for path in a.iterdir():
        if path.name != "manifest.json":
            assert path.read_bytes() == (b / path.name).read_bytes(), path.name
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (a, b)]
    assert manifests[0]["command"][:3] == ["python", "run.py", str(short_scenario)]
    assert manifests[1]["command"][:3] == ["alliance-sim", "run", str(short_scenario)]
    assert manifests[0]["resolved_scenario"] == manifests[1]["resolved_scenario"]
    assert by_run_py.stdout.splitlines()[:-1] == by_script.splitlines()[:-1]
    assert by_run_py.stdout.splitlines()[-1] == f"Results: {a}"  # no plots, no figure to name
    assert by_script.splitlines()[-1] == f"Results: {b}"


def test_make_run_ends_with_the_alliance_sim_run_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun: $(STAMP)\n", 1)[1].split("\n\n", 1)[0]
    assert recipe.strip().splitlines()[-1] == "$(VENV)/bin/alliance-sim run $(SCENARIO)"
