"""run.py end to end on a short horizon: what a run writes, and that it never overwrites."""

import json
from pathlib import Path

import pandas as pd
import pytest
from support import run_py as cli

ROOT = Path(__file__).resolve().parents[1]


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


def test_a_run_writes_series_outcomes_manifest_and_plots(short_scenario, tmp_path):
    done = cli(str(short_scenario), "--replicates", "6", "--seed", "11", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "regional_arms_race" in done.stdout and "Results:" in done.stdout
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


def test_a_second_run_never_touches_the_first(short_scenario, tmp_path):
    assert cli(str(short_scenario), "--out", str(tmp_path), "--no-plots").returncode == 0
    (first,) = run_folders(tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    assert cli(str(short_scenario), "--out", str(tmp_path), "--no-plots").returncode == 0
    folders = run_folders(tmp_path)
    assert len(folders) == 2 and first in folders
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    same = [pd.read_csv(f / "outcomes.csv") for f in folders]
    assert same[0].equals(same[1])  # same scenario and seed, same results


def test_compare_writes_outcomes_paired_differences_and_plots(tmp_path):
    scenarios = [str(ROOT / "scenarios" / f"{name}.yaml") for name in ("baseline", "us_buildup")]
    done = cli("compare", *scenarios, "--replicates", "8", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "baseline" in done.stdout and "us_buildup" in done.stdout
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


def test_sweep_without_a_sweep_block_is_an_error(tmp_path):
    done = cli("sweep", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(tmp_path))
    assert done.returncode == 2
    assert "has no 'sweep:' block" in done.stderr and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())
