"""Packaging and conventions: the article ships in the clone, `alliance-sim` / `python -m sim`
take the same commands as run.py (with `run` and `explore`), every command's help ends with an
example, and a run folder comes back as a RunResult (and as xarray)."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import load_run, load_scenario
from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_SHA256 = "86a0bfad81d0f5c17811543b2520747fca4892e5ccf8db64373d6fabfbb441c8"


def test_the_article_ships_in_the_repository_and_everything_cites_it_there():
    article = ROOT / "docs" / "article.txt"
    text = article.read_bytes()
    assert hashlib.sha256(text).hexdigest() == ARTICLE_SHA256  # the exact source bytes
    lines = text.decode("utf-8").splitlines()
    assert len(lines) == 29 and lines[2] == "A Historic Alliance Between North Korea and Russia"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/article.txt" in readme and "L1-L29" in readme
    assert "A Historic Alliance Between North Korea and Russia" in readme
    outside_files = ("/".join(("shared", "seed")), "MODEL" + ".md")  # not spelt out here
    outside = []
    for folder in ("sim", "tests", "scenarios", "notebooks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".yaml", ".ipynb", ".md"):
                body = path.read_text(encoding="utf-8")
                if any(name in body for name in outside_files):
                    outside.append(str(path.relative_to(ROOT)))
    if any(name in readme for name in outside_files):
        outside.append("README.md")
    assert outside == [], f"cite docs/article.txt or the README, not files outside: {outside}"


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "validate", "explore"])
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"], prog="alliance-sim")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"alliance-sim {command} " in out.split("example")[-1]


def test_run_as_a_subcommand_is_run_py(tmp_path, capsys):
    short = tmp_path / "short.yaml"
    short.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nhorizon_months: 24\n", encoding="utf-8"
    )
    args = [str(short), "--replicates", "5", "--seed", "3", "--no-plots"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main(["run", *args, "--out", str(tmp_path / "b")], prog="alliance-sim") == 0
    (a,) = (tmp_path / "a" / "short").iterdir()
    (b,) = (tmp_path / "b" / "short").iterdir()
    assert pd.read_csv(a / "outcomes.csv").equals(pd.read_csv(b / "outcomes.csv"))
    assert json.loads((b / "manifest.json").read_text())["command"][:2] == ["alliance-sim", "run"]


def test_the_console_script_is_installed():
    script = shutil.which("alliance-sim", path=str(Path(sys.executable).parent))
    assert script is not None, "pip install -e . installs the alliance-sim console script"
    done = subprocess.run(
        [script, "validate", str(ROOT / "scenarios" / "baseline.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("ok: ")


def test_a_run_folder_comes_back_as_the_same_run(tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(
        f"extends: {ROOT / 'scenarios' / 'us_buildup.yaml'}\nhorizon_months: 36\nreplicates: 8\n",
        encoding="utf-8",
    )
    assert main([str(short), "--out", str(tmp_path), "--no-plots"]) == 0
    (folder,) = (tmp_path / "short").iterdir()
    result = load_run(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert result.scenario.hash == manifest["scenario_hash"]
    assert result.scenario.spec == load_scenario(short).spec
    assert result.replicates == 8 and str(result.dates[-1].date()) == "2027-06-01"
    saved = pd.read_csv(folder / "summary.csv")
    assert np.allclose(result.summary()["share"], saved["share"])
    series = pd.read_parquet(folder / "series.parquet")
    spending = series[(series["variable"] == "spending") & (series["actor"] == "rok")]
    assert np.allclose(
        spending.pivot(index="month", columns="replicate", values="value"),
        result.series("spending", "rok"),
    )
    assert set(series["unit"][series["variable"] == "peninsula_tension"]) == {"index 0-1"}

    data = result.to_xarray()
    assert data["spending"].dims == ("date", "replicate", "actor")
    assert data["spending"].attrs["unit"] == "constant 2024 US$ bn/yr"
    assert np.array_equal(
        data["spending"].sel(actor="rok").values, result.series("spending", "rok")
    )
    assert data["peninsula_tension"].dims == ("date", "replicate")
    assert data.attrs["scenario_hash"] == manifest["scenario_hash"]


def test_load_run_says_what_a_run_folder_is(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no manifest\.json; expected a run folder"):
        load_run(tmp_path)
