"""The data file's clash rates are the ones derived from the shipped dispute record."""

import importlib.util
import subprocess
import sys

import pytest

from sim.actors import BLOC, RIVALS
from sim.scenario.data import DATA_FILE, load_data

SCRIPT = DATA_FILE.with_name("derive_clash_rates.py")


def _load_script():
    spec = importlib.util.spec_from_file_location("derive_clash_rates", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


derive = _load_script()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return derive.read_extract()


def test_data_file_clash_rates_equal_their_derivation(rows):
    listed = {dyad: datum.value for dyad, datum in load_data()["clash_rates"].items()}
    assert listed == derive.clash_rates(rows)


def test_extract_holds_only_model_dyads(rows):
    model_dyads = {f"{member}-{rival}" for member in BLOC for rival in RIVALS}
    assert {f"{row['pact_member']}-{row['rival']}" for row in rows} <= model_dyads


def test_extract_records_2010_cheonan_and_yeonpyeong_as_fatal_incidents(rows):
    fatal_2010 = {
        (row["incident"], row["month"])
        for row in rows
        if row["unit"] == "incident" and row["year"] == "2010" and int(row["fatality"]) >= 1
    }
    assert fatal_2010 == {("4483019", "3"), ("4483032", "11")}


def test_a_year_fifteen_years_older_weighs_half():
    assert derive.weighted_rate({1999: 1}, range(1999, 2015, 15), 2014) == pytest.approx(1 / 3)


def test_script_prints_each_dyad_and_the_war_base_rate(capsys):
    derive.main()
    out = capsys.readouterr().out
    assert "dprk-rok        0.118          0.170           0.226" in out
    assert "war: 0 of 24 fatal dyadic disputes 1953-2014 (dprk)" in out


def test_script_runs_from_its_path():
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "0.153 per year" in done.stdout
