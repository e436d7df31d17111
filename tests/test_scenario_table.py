"""The outcomes-by-scenario page: every what-if of the baseline on common random numbers."""

from pathlib import Path

import numpy as np
import pytest

from sim.results import scenario_table as st
from sim.scenario.outcome_settings import OUTCOMES

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def runs() -> list[st.ScenarioRun]:
    """The baseline and one what-if from the present, 8 replicates, 56 months (two whole
    years after the present, December 2026)."""
    return st.run_all(st.what_ifs()[:2], replicates=8, seed=11, horizon_months=56)


def test_what_ifs_are_the_baseline_then_the_files_extending_it() -> None:
    paths = st.what_ifs()
    assert paths[0].name == "baseline.yaml"
    names = {p.name for p in paths}
    assert {"ukraine_ceasefire.yaml", "us_buildup.yaml", "leadership_change.yaml"} <= names
    assert not names & {"history.yaml", "history_uncertain.yaml"}  # not what-ifs of it


def test_the_counterfactuals_are_the_same_what_ifs_rewriting_the_history() -> None:
    present = st.what_ifs()
    counterfactual = st.what_ifs(st.COUNTERFACTUALS, SCENARIOS / "baseline.yaml")
    assert counterfactual[0] == SCENARIOS / "baseline.yaml"
    assert [p.name for p in counterfactual[1:]] == [p.name for p in present[1:]]
    assert all(p.parent == st.COUNTERFACTUALS for p in counterfactual[1:])


def test_every_outcome_has_a_share_inside_its_interval(runs: list[st.ScenarioRun]) -> None:
    shares = st.share_rows(runs)
    assert len(shares) == len(OUTCOMES) * 2
    assert set(shares["outcome"]) == set(OUTCOMES)
    assert (shares["ci_low"] <= shares["share"]).all()
    assert (shares["share"] <= shares["ci_high"]).all()
    assert (shares["ci_high"] - shares["ci_low"] > 0.1).all()  # 8 replicates: wide


def test_continuous_measures_have_a_mean_inside_its_interval(runs: list[st.ScenarioRun]) -> None:
    measures = st.measure_rows(runs)
    assert {"regional_spending_growth", "real_growth_japan_china", "final_lifeline_index"} <= set(
        measures["measure"]
    )
    assert (measures["ci_low"] <= measures["mean"]).all()
    assert (measures["mean"] <= measures["ci_high"]).all()


def test_the_baseline_differs_from_itself_by_exactly_zero(runs: list[st.ScenarioRun]) -> None:
    differences = st.difference_rows(runs)
    own = differences[differences["scenario"] == "baseline"]
    assert len(own) == len(st.MAIN_SERIES)
    assert (own[["mean_difference", "ci_low", "ci_high"]].to_numpy() == 0.0).all()
    other = differences[differences["scenario"] != "baseline"]
    assert not np.allclose(other["mean_difference"], 0.0)  # the what-if does change something


def test_outcome_differences_are_paired_and_zero_for_the_baseline(
    runs: list[st.ScenarioRun],
) -> None:
    differences = st.outcome_difference_rows(runs)
    own = differences[differences["scenario"] == "baseline"]
    assert (own["difference"] == 0.0).all()
    assert (differences["ci_low"] <= differences["difference"]).all()
    assert (differences["difference"] <= differences["ci_high"]).all()
    shares = st.share_rows(runs).set_index(["scenario", "outcome"])["share"]
    other = differences[differences["scenario"] == runs[1].name]
    for row in other.itertuples():
        expected = shares[(runs[1].name, row.outcome)] - shares[("baseline", row.outcome)]
        assert row.difference == pytest.approx(expected)


def test_the_page_has_one_column_per_scenario_and_keeps_hand_written_notes(
    runs: list[st.ScenarioRun], tmp_path: Path
) -> None:
    out = tmp_path / "page.md"
    out.write_text(f"old tables\n{st.GENERATED_END}\n\n## Notes\nkept\n", encoding="utf-8")
    page = st.markdown(runs, st.header(8, 11, out, runs[0].months))
    st.write_page(out, page)
    text = out.read_text(encoding="utf-8")
    assert "old tables" not in text
    assert text.endswith(f"{st.GENERATED_END}\n\n## Notes\nkept\n")
    assert "`python -m sim.results.scenario_table --replicates 8 --seed 11" in text
    header_rows = [line for line in text.splitlines() if line.startswith("| outcome |")]
    assert header_rows == [f"| outcome | baseline | {runs[1].name} |"] * 2  # shares, differences
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    measures = st.continuous_measures(runs[0].outcomes)
    assert len(rows) == 2 * len(OUTCOMES) + len(measures) + len(st.MAIN_SERIES)
    assert "| `spending.japan` | +0.000 (+0.000 to +0.000) |" in text


def test_bad_arguments_exit_2_with_one_line(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        st.main(["--replicates", "0"])
    assert stopped.value.code == 2
    assert "expected a whole number of at least 1, got 0" in capsys.readouterr().err
    assert st.main(["--scenarios", str(tmp_path), "--out", str(tmp_path / "x.md")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "baseline.yaml" in error
    assert not (tmp_path / "x.md").exists()
    (tmp_path / "broken.yaml").write_text("extends: [baseline.yaml\n", encoding="utf-8")
    assert st.main(["--scenarios", str(tmp_path), "--out", str(tmp_path / "x.md")]) == 2
    assert f"{tmp_path / 'broken.yaml'}:2: not a valid YAML file" in capsys.readouterr().err


def test_the_command_writes_the_page_for_the_scenarios_asked(tmp_path: Path, capsys) -> None:
    out = tmp_path / "docs" / "page.md"
    argv = ["--replicates", "2", "--seed", "3", "--out", str(out)]
    assert st.main([*argv, "--only", "2", "--horizon-months", "56"]) == 0
    text = out.read_text(encoding="utf-8")
    assert f"--replicates 2 --seed 3 --out {out} --only 2 --horizon-months 56`" in text
    assert "horizon 56 months from June 2024" in text
    assert "- Outcomes judged over 2027-01 to 2029-02 (after the present)" in text
    assert "| outcome | baseline | china_coalition |" in text
    assert text.rstrip().endswith(st.GENERATED_END)
    assert capsys.readouterr().out == f"wrote {out}\n"
