"""What if, from today (issue 19): the shipped what-ifs branch from the present, the last
observed month; every month before their branch is the baseline's, bit for bit."""

import json
from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario, run
from sim.calendar import month_name, month_of
from sim.cli import main
from sim.errors import ScenarioError
from sim.results.scenario_table import what_ifs
from sim.scenario.scenario import SHIPPED_SCENARIOS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHORT = {"replicates": 6, "horizon_months": 42}
"""Six futures to a year after the present (December 2026, month 30)."""


@pytest.fixture(scope="module")
def baseline():
    return run(load_scenario(SCENARIOS / "baseline.yaml").with_params(**SHORT), progress=False)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_present_is_the_last_month_of_the_history():
    history = load_scenario(SCENARIOS / "history.yaml")
    assert history.present == history.spec.horizon_months == month_of("2026-12")
    assert load_scenario(SCENARIOS / "baseline.yaml").present == history.present
    assert load_scenario(SCENARIOS / "pact_as_signed.yaml").present is None


@pytest.mark.parametrize("path", what_ifs()[1:], ids=lambda p: p.stem)
def test_a_shipped_what_if_repeats_the_history_bit_for_bit_then_differs(baseline, path):
    what_if = load_scenario(path).with_params(**SHORT)
    assert what_if.branch == what_if.present + 1  # the default branch: the month after
    result = run(what_if, progress=False)
    branch = what_if.branch
    for name, values in baseline.arrays.items():  # months 0 .. present, every replicate
        assert np.array_equal(values[:branch], result.arrays[name][:branch], equal_nan=True), name
    moved = [
        name
        for name, values in baseline.arrays.items()
        if not np.array_equal(values[branch], result.arrays[name][branch], equal_nan=True)
    ]
    assert moved, "the what-if changes nothing in its first month"


def test_the_counterfactuals_rewrite_the_history(baseline):
    counterfactual = load_scenario(SCENARIOS / "counterfactual" / "us_buildup.yaml")
    assert counterfactual.spec.counterfactual and counterfactual.name.startswith("counterfactual_")
    result = run(counterfactual.with_params(**SHORT), progress=False)
    january_2025 = month_of("2025-01")
    same = baseline.series("us_buildup")[january_2025] == result.series("us_buildup")[january_2025]
    assert not same.any()


def test_yaml_notebook_and_command_line_make_the_same_run(tmp_path):
    path = write(
        tmp_path,
        "mine.yaml",
        "extends: alliance-sim:baseline.yaml\nreplicates: 6\nhorizon_months: 42\n"
        "changes:\n  - from: 2027-03\n    set: {russia.commitment: 0.3}\n",
    )
    from_yaml = load_scenario(path)
    from_notebook = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {"russia.commitment": 0.3}, from_="2027-03", **SHORT
    )
    assert from_yaml.events == from_notebook.events and from_yaml.branch == month_of("2027-03")
    a, b = run(from_yaml, progress=False), run(from_notebook, progress=False)
    assert all(np.array_equal(a.arrays[k], b.arrays[k], equal_nan=True) for k in a.arrays)
    argv = ["run", str(SCENARIOS / "baseline.yaml"), "--set", "russia.commitment=0.3"]
    argv += ["--from", "2027-03", "--replicates", "2", "--no-plots", "--out", str(tmp_path)]
    assert main([*argv]) == 0
    (manifest,) = tmp_path.rglob("manifest.json")
    resolved = json.loads(manifest.read_text())["resolved_scenario"]
    assert resolved["changes"] == from_notebook.resolved()["changes"]
    assert resolved["changes"] == [{"from": "2027-03", "set": {"russia.commitment": 0.3}}]


def test_a_change_from_before_the_present_is_refused_in_one_line(tmp_path, capsys):
    early = "changes:\n  - from: 2025-06\n    set: {russia.commitment: 0.3}\n"
    path = write(tmp_path, "early.yaml", "extends: alliance-sim:baseline.yaml\n" + early)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}:3: changes[0].from: 2025-06 is not after the present (2026-12, the "
        "last observed month): a change acts from 2027-01 on, or write 'counterfactual: "
        "true' to rewrite the observed history\n"
    )
    allowed = write(tmp_path, "cf.yaml", "extends: early.yaml\ncounterfactual: true\n")
    assert load_scenario(allowed).branch == month_of("2025-06")
    with pytest.raises(ScenarioError, match=r"changes\[0\].from: 2026-12 is not after the present"):
        load_scenario(SCENARIOS / "baseline.yaml").with_params(
            {"russia.commitment": 0.3}, from_="2026-12"
        )


def test_a_change_without_a_present_needs_its_month(tmp_path):
    path = write(
        tmp_path,
        "old.yaml",
        "extends: alliance-sim:pact_as_signed.yaml\nchanges:\n  - set: {russia.commitment: 0.3}\n",
    )
    with pytest.raises(ScenarioError, match=r"old.yaml:3: changes\[0\]: this scenario has no"):
        load_scenario(path)


def test_the_command_line_names_its_own_options_in_errors(tmp_path, capsys):
    base = str(SCENARIOS / "baseline.yaml")
    assert main(["run", base, "--from", "2027-01", "--out", str(tmp_path)]) == 2
    assert "error: --from: dates the --set changes" in capsys.readouterr().err
    argv = ["run", base, "--set", "russia.commitment=2", "--from", "2027-01"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: --set: russia.commitment: expected a number")
    assert not list(tmp_path.rglob("manifest.json"))


def test_extends_reaches_the_shipped_scenarios_from_anywhere_and_nothing_else(tmp_path):
    cf = write(tmp_path, "cf.yaml", "extends: alliance-sim:counterfactual/us_buildup.yaml\n")
    assert load_scenario(cf).sources[0] == SHIPPED_SCENARIOS / "history.yaml"
    for target in ("../pyproject.yaml", "/etc/passwd.yaml", "../../x/scenarios/a.yaml"):
        bad = write(tmp_path, "bad.yaml", f"extends: alliance-sim:{target}\n")
        with pytest.raises(ScenarioError, match=r"bad.yaml:1: extends: alliance-sim: names a"):
            load_scenario(bad)


def test_outcomes_after_the_present_count_only_the_future(baseline):
    future = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {"outcomes.window": "after_present"}, **SHORT
    )
    assert future.outcome_window == "2027-01 to 2027-12 (after the present)"
    assert baseline.scenario.outcome_window == "2024-07 to 2027-12 (the whole run from June 2024)"
    result = run(future, progress=False)
    clashes = result.series("clashes")
    assert (result.outcomes["armed_clash"] == (clashes[-1] > clashes[future.present])).all()
    assert (result.outcomes["armed_clash"] <= baseline.outcomes["armed_clash"]).all()
    assert month_name(future.present) == "2026-12"


def test_compare_after_the_present_says_its_window_in_the_manifest(tmp_path):
    files = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "us_buildup.yaml")]
    argv = ["compare", *files, "--after-present", "--replicates", "2", "--no-plots"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    (manifest,) = tmp_path.rglob("manifest.json")
    windows = {s["outcome_window"] for s in json.loads(manifest.read_text())["scenarios"]}
    assert windows == {"2027-01 to 2034-06 (after the present)"}


def test_the_first_what_if_of_the_docs_is_the_notebook_line(tmp_path):
    doc = (SCENARIOS.parent / "docs" / "what-if-from-today.md").read_text(encoding="utf-8")
    text = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert len(text.splitlines()) == 6
    from_file = load_scenario(write(tmp_path, "russia_cools.yaml", text))
    notebook = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {"russia.commitment": 0.3}, from_="2027-01"
    )
    assert [e.set for e in from_file.events] == [e.set for e in notebook.events]
    assert from_file.branch == notebook.branch == month_of("2027-01")
