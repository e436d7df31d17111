"""A versus B: paired outcome differences with Newcombe's interval and exact McNemar counts,
every share with its Wilson interval, outcomes forced by a scenario's events marked and never
headlined, the terminal table, paired_outcomes.csv, and the one-page briefing."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import run_py as cli

from sim import Comparison, compare, load_scenario, run
from sim.explore.core import outcome_differences, outcome_html
from sim.plots.briefing import _forced_mark, briefing, headlines
from sim.plots.labels import NO_DIFFERENCE, headline, outcome_label, share_interval_text
from sim.results.comparison import (
    PAIRED_OUTCOME_COLUMNS,
    headline_candidates,
    mcnemar_exact_p,
    paired_difference_interval,
)
from sim.results.forced import FORCED_NOTE, TRIGGER_OUTCOMES, forced_outcomes
from sim.results.outcomes import wilson_interval
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.schema import TRIGGERS

ROOT = Path(__file__).resolve().parents[1]


# Newcombe (1998), Statistics in Medicine 17: 2635-2650, Table II, method 10 (hybrid score
# interval with continuity-corrected phi): the paired tables (both, first only, second only,
# neither) of his examples (a)-(d) and the published 95 % limits, to four decimals.
NEWCOMBE_TABLE_II = [
    ((36, 12, 2, 0), (0.0569, 0.3404)),
    ((18, 12, 2, 18), (0.0562, 0.3290)),
    ((53, 0, 0, 1), (-0.0729, 0.0729)),
    ((0, 30, 0, 0), (0.8395, 1.0000)),
]


@pytest.mark.parametrize(("cells", "published"), NEWCOMBE_TABLE_II)
def test_newcombe_method_10_reproduces_the_published_limits(cells, published):
    low, high = paired_difference_interval(*cells)
    assert round(low, 4) == published[0]
    assert round(high, 4) == published[1]


def test_newcombe_interval_by_hand_when_phi_is_zero():
    # (0, 30, 0, 0): a margin is empty, so phi = 0 and the limits are the difference minus /
    # plus the Wilson half-widths added in quadrature: 1 - sqrt((1 - l1)^2 + u2^2).
    l1, _ = wilson_interval(30, 30)
    _, u2 = wilson_interval(0, 30)
    low, high = paired_difference_interval(0, 30, 0, 0)
    assert math.isclose(low, 1 - math.hypot(1 - l1, u2), rel_tol=1e-12)
    assert high == 1.0


def test_newcombe_interval_is_antisymmetric_and_contains_the_difference():
    for both, b, c, neither in [(5, 17, 3, 75), (0, 1, 0, 399), (120, 40, 60, 180)]:
        n = both + b + c + neither
        low, high = paired_difference_interval(both, b, c, neither)
        swapped = paired_difference_interval(both, c, b, neither)
        assert math.isclose(low, -swapped[1], abs_tol=1e-12)
        assert math.isclose(high, -swapped[0], abs_tol=1e-12)
        assert low <= (b - c) / n <= high


def test_exact_mcnemar_p_by_hand():
    # 12 against 2 discordant pairs: p = 2 (C(14,0) + C(14,1) + C(14,2)) / 2^14 = 212 / 16384
    assert mcnemar_exact_p(12, 2) == pytest.approx(212 / 16384, rel=1e-12)
    assert mcnemar_exact_p(2, 12) == mcnemar_exact_p(12, 2)
    assert mcnemar_exact_p(0, 0) == 1.0
    assert mcnemar_exact_p(5, 5) == 1.0


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    scenarios = [
        load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "us_buildup")
    ]
    short = [s.with_params({}, horizon_months=60) for s in scenarios]
    return compare(short, replicates=300, progress=False)


def test_paired_counts_sum_to_the_futures_and_explain_the_difference(comparison):
    table = comparison.paired_outcomes()
    assert list(table["outcome"]) == list(OUTCOMES)
    a, b = (r.outcomes for r in comparison.results)
    for row in table.itertuples():
        assert row.both + row.b_not_a + row.a_not_b + row.neither == row.replicates == 300
        assert row.difference == pytest.approx((row.b_not_a - row.a_not_b) / 300)
        assert row.difference == pytest.approx(row.share_b - row.share_a)
        assert row.share_a == pytest.approx(a[row.outcome].mean())
        assert row.b_not_a == int((b[row.outcome] & ~a[row.outcome]).sum())
        assert row.ci_low <= row.difference <= row.ci_high
        assert (row.ci_low, row.ci_high) == paired_difference_interval(
            row.both, row.b_not_a, row.a_not_b, row.neither
        )
        assert row.p_value == mcnemar_exact_p(row.b_not_a, row.a_not_b)


def test_every_share_carries_its_wilson_interval(comparison):
    table = comparison.paired_outcomes()
    a, b = (r.outcomes for r in comparison.results)
    for row in table.itertuples():
        n = row.replicates
        assert (row.share_a_low, row.share_a_high) == wilson_interval(int(a[row.outcome].sum()), n)
        assert (row.share_b_low, row.share_b_high) == wilson_interval(int(b[row.outcome].sum()), n)
        assert row.differs == (row.ci_low > 0 or row.ci_high < 0)
    long = comparison.outcome_table()
    assert {"share", "ci_low", "ci_high", "forced"} <= set(long.columns)
    assert not long["forced"].any()  # neither baseline nor us_buildup triggers a step


def test_the_explorer_table_is_the_comparison_table(comparison):
    explorer = outcome_differences(comparison)
    direct = comparison.paired_outcomes()
    pd.testing.assert_frame_equal(explorer, direct[direct["scenario"] == "us_buildup"])


def test_headline_says_shares_difference_and_their_intervals_and_counts_in_words():
    row = {
        "outcome": "regional_arms_race",
        "share_a": 0.21,
        "share_a_low": 0.172,
        "share_a_high": 0.254,
        "share_b": 0.09,
        "share_b_low": 0.066,
        "share_b_high": 0.121,
        "difference": -0.12,
        "ci_low": -0.15,
        "ci_high": -0.09,
        "b_not_a": 12,
        "a_not_b": 60,
        "replicates": 400,
        "p_value": 1e-9,
    }
    assert headline(row) == (
        f"{outcome_label('regional_arms_race')}: 21 % (17-25) -> 9.0 % (6.6-12), -12 points "
        "(95 % CI -15 to -9); fewer in 60 of 400 futures, more in 12 (exact McNemar p < 0.001)"
    )


def _row(outcome: str, difference: float, low: float, high: float, forced: bool = False) -> dict:
    return {
        "scenario": "b",
        "outcome": outcome,
        "difference": difference,
        "ci_low": low,
        "ci_high": high,
        "differs": low > 0 or high < 0,
        "forced": forced,
        "p_value": 0.01,
    }


def test_only_differences_beyond_monte_carlo_error_and_not_forced_are_headlined():
    table = pd.DataFrame(
        [
            _row("war", -0.04, -0.07, -0.01),
            _row("regional_arms_race", 0.20, -0.02, 0.41),  # the largest, but may be noise
            _row("de_escalation", 0.26, 0.20, 0.32),
            _row("leadership_change", 0.70, 0.63, 0.76, forced=True),
            _row("armed_clash", 0.0, -0.01, 0.01),
        ],
        columns=PAIRED_OUTCOME_COLUMNS,
    )
    assert list(headline_candidates(table)["outcome"]) == ["de_escalation", "war"]


def test_no_headline_when_every_difference_interval_contains_zero():
    table = pd.DataFrame(
        [_row("war", 0.05, -0.001, 0.1), _row("armed_clash", -0.3, -0.6, 0.0)],
        columns=PAIRED_OUTCOME_COLUMNS,
    )
    assert headline_candidates(table).empty


def test_every_trigger_declares_the_outcomes_it_forces():
    assert set(TRIGGER_OUTCOMES) == set(TRIGGERS)
    for forced in TRIGGER_OUTCOMES.values():
        assert set(forced) <= set(OUTCOMES)
    assert TRIGGER_OUTCOMES["leadership_change"] == {"leadership_change": True}
    assert TRIGGER_OUTCOMES["armed_clash"] == {"armed_clash": True}
    assert TRIGGER_OUTCOMES["war"]["war"] and TRIGGER_OUTCOMES["war"]["armed_clash"]


def _with_event(tmp_path: Path, name: str, event: str):
    """A six-month scenario of declared defaults (no history events) with one event."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\nhorizon_months: 6\nevents:\n  - month: 3\n    {event}\n",
        encoding="utf-8",
    )
    return load_scenario(path)


EVENTS = {
    "provocation": "trigger: provocation",
    "leadership_change": "trigger: leadership_change",
    "armed_clash": "trigger: armed_clash\n    between: [dprk, rok]",
    "war": "trigger: war\n    between: [russia, japan]",
}


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_each_trigger_forces_the_declared_outcomes_in_every_future(tmp_path, trigger):
    scenario = _with_event(tmp_path, trigger, EVENTS[trigger])
    assert forced_outcomes(scenario) == TRIGGER_OUTCOMES[trigger]
    outcomes = run(scenario, replicates=16, progress=False).outcomes
    for outcome, value in TRIGGER_OUTCOMES[trigger].items():
        assert (outcomes[outcome] == value).all(), outcome


@pytest.fixture(scope="module")
def leadership() -> Comparison:
    scenarios = [
        load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "leadership_change")
    ]
    return compare([s.with_params({}, horizon_months=36) for s in scenarios], 60, progress=False)


def test_a_leadership_change_scenario_never_headlines_the_leadership_change(leadership):
    table = leadership.paired_outcomes().set_index("outcome")
    # the forced outcome is the largest difference beyond Monte Carlo error ...
    assert table.loc["leadership_change", "differs"]
    assert table["difference"].abs().idxmax() == "leadership_change"
    assert list(table.index[table["forced"]]) == ["leadership_change"]
    # ... and yet no headline names it; the page says why
    assert not [h for h in headlines(leadership) if h.startswith("Leadership change")]
    fig = briefing(leadership)
    page = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert f"Not a headline, {FORCED_NOTE}" in page
    assert "Leadership change in Pyongyang, " in page
    ticks = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Leadership change in Pyongyang (forced)" in ticks
    wide = leadership.outcome_wide()
    assert wide.loc["leadership_change", "leadership_change"].endswith(" forced")
    assert not wide.loc["leadership_change", "baseline"].endswith(" forced")
    html = outcome_html(outcome_differences(leadership), leadership.names)
    forced = f'class="forced"><td class="outcome">Leadership change in Pyongyang ({FORCED_NOTE})'
    assert forced in html


def test_the_briefing_says_so_when_no_outcome_differs_beyond_monte_carlo_error():
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params({}, horizon_months=36)
    same = compare([base, base], replicates=20, progress=False)
    assert headlines(same) == []
    fig = briefing(same)
    page = " ".join(" ".join(t.get_text() for t in fig.texts).split())
    assert NO_DIFFERENCE in page
    assert "Not a headline" not in page


def test_briefing_page_states_the_headlines_and_the_descriptions(comparison):
    fig = briefing(comparison)
    texts = [t.get_text() for t in fig.texts]
    page = "\n".join(texts)
    for sentence in headlines(comparison):
        # each headline sentence is on the page (wrapped over lines)
        assert " ".join(sentence.split()) in " ".join(page.split())
    for result in comparison.results:
        assert result.scenario.spec.description in " ".join(page.split())
    assert "95 % interval" in page
    assert fig.get_size_inches() == pytest.approx((8.27, 11.69))


@pytest.mark.slow
def test_compare_prints_paired_differences_and_writes_csv_and_briefing(tmp_path):
    short = tmp_path / "short_buildup.yaml"
    short.write_text(
        f"extends: {ROOT / 'scenarios' / 'us_buildup.yaml'}\nhorizon_months: 48\n",
        encoding="utf-8",
    )
    base = tmp_path / "short_base.yaml"
    base.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nhorizon_months: 48\n", encoding="utf-8"
    )
    done = cli("compare", str(base), str(short), "--replicates", "60", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "'short_buildup' against 'short_base', the same 60 futures" in done.stdout
    assert "Regional arms race" in done.stdout and "exact McNemar" in done.stdout
    assert "Key series at the end" in done.stdout
    (folder,) = (tmp_path / "compare").iterdir()
    paired = pd.read_csv(folder / "paired_outcomes.csv")
    assert list(paired.columns) == PAIRED_OUTCOME_COLUMNS
    assert list(paired["outcome"]) == list(OUTCOMES)
    for side in ("a", "b"):
        share, low, high = (paired[f"share_{side}{end}"] for end in ("", "_low", "_high"))
        assert ((low <= share) & (share <= high)).all()
        # the printed table gives each share with its interval, as the CSV has it
        for row in paired.itertuples():
            printed = share_interval_text(
                *(getattr(row, f"share_{side}{end}") for end in ("", "_low", "_high"))
            )
            assert printed in done.stdout
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert {"share", "ci_low", "ci_high", "forced"} <= set(outcomes.columns)
    assert "Beyond Monte Carlo error" in done.stdout or NO_DIFFERENCE in done.stdout
    counts = paired[["both", "b_not_a", "a_not_b", "neither"]].sum(axis=1)
    assert (counts == 60).all()
    assert np.all(paired["ci_low"] <= paired["difference"])
    png, pdf = folder / "briefing.png", folder / "briefing.pdf"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    body = pdf.read_bytes()
    assert body[:5] == b"%PDF-" and body.count(b"/Type /Page\n") + body.count(b"/Type /Page ") >= 1
    assert b"alliance-sim briefing: short_base vs short_buildup" in body  # the PDF's title
    assert b"/Subject" in body


def test_the_forest_marks_an_outcome_forced_in_only_some_scenarios_by_their_letters():
    table = pd.DataFrame(
        {
            "scenario": ["us_buildup", "leadership_change", "us_buildup", "leadership_change"],
            "outcome": ["leadership_change", "leadership_change", "war", "war"],
            "forced": [False, True, False, False],
        }
    )
    scenarios = ["us_buildup", "leadership_change"]  # B and C against A
    assert _forced_mark(table, scenarios, "leadership_change") == " (forced in C)"
    assert _forced_mark(table, scenarios, "war") == ""
    assert _forced_mark(table.assign(forced=True), scenarios, "war") == " (forced)"


def test_the_briefing_lists_a_later_scenarios_events_only_where_they_differ_from_a(tmp_path):
    shared = "  - month: 3\n    note: Shared provocation.\n    trigger: provocation\n"
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(f"name: a\nhorizon_months: 6\nevents:\n{shared}", encoding="utf-8")
    b.write_text(
        f"name: b\nhorizon_months: 6\nevents:\n{shared}"
        "  - month: 4\n    note: Own change.\n    trigger: leadership_change\n",
        encoding="utf-8",
    )
    pair = compare([load_scenario(a), load_scenario(b)], replicates=10, progress=False)
    page = " ".join(" ".join(t.get_text() for t in briefing(pair).texts).split())
    assert page.count("Shared provocation") == 1  # A's line only
    assert "Events beyond A's (numbered on the panels below): [2] Oct 2024: Own change." in page
