"""run.py end to end on a short horizon: what a run writes, and that it never overwrites."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def short_scenario(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    path = folder / "short.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'sanctions_isolation.yaml'}\n"
                    "horizon_months: 36\nreplicates: 4\n", encoding="utf-8")
    return path


def run_folders(out: Path) -> list[Path]:
    return sorted(p for p in (out / "short").iterdir() if not p.name.startswith("."))


def test_a_run_writes_series_outcomes_manifest_and_plots(short_scenario, tmp_path):
    done = cli(str(short_scenario), "--replicates", "6", "--seed", "11", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "regional_arms_race" in done.stdout and "Results:" in done.stdout
    (folder,) = run_folders(tmp_path)
    series = pd.read_parquet(folder / "series.parquet")
    assert set(series.columns) == {"replicate", "month", "date", "actor", "variable", "value"}
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
