"""A versus B: paired outcome differences with Newcombe's interval and exact McNemar counts,
the terminal table, paired_outcomes.csv, and the one-page briefing."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import run_py as cli

from sim import Comparison, compare, load_scenario
from sim.explore.core import outcome_differences
from sim.plots.briefing import briefing, headlines
from sim.plots.labels import headline
from sim.results.comparison import mcnemar_exact_p, paired_difference_interval
from sim.results.outcomes import wilson_interval
from sim.scenario.outcome_settings import OUTCOMES

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


def test_the_explorer_table_is_the_comparison_table(comparison):
    explorer = outcome_differences(comparison)
    direct = comparison.paired_outcomes()
    pd.testing.assert_frame_equal(explorer, direct[direct["scenario"] == "us_buildup"])


def test_headline_says_shares_difference_interval_and_counts_in_words():
    row = {
        "outcome": "regional_arms_race",
        "share_a": 0.21,
        "share_b": 0.09,
        "difference": -0.12,
        "ci_low": -0.15,
        "ci_high": -0.09,
        "b_not_a": 12,
        "a_not_b": 60,
        "replicates": 400,
        "p_value": 1e-9,
    }
    assert headline(row) == (
        "Regional arms race: 21 % -> 9.0 %, -12 points (95 % CI -15 to -9); fewer in 60 of "
        "400 futures, more in 12 (exact McNemar p < 0.001)"
    )


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
    assert list(paired["outcome"]) == list(OUTCOMES)
    counts = paired[["both", "b_not_a", "a_not_b", "neither"]].sum(axis=1)
    assert (counts == 60).all()
    assert np.all(paired["ci_low"] <= paired["difference"])
    png, pdf = folder / "briefing.png", folder / "briefing.pdf"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    body = pdf.read_bytes()
    assert body[:5] == b"%PDF-" and body.count(b"/Type /Page\n") + body.count(b"/Type /Page ") >= 1
    assert b"alliance-sim briefing: short_base vs short_buildup" in body  # the PDF's title
    assert b"/Subject" in body
