"""Plots for a reader: event markers at the scenario's dates, the description as subtitle,
one band convention stated in the legend, the leadership regimes behind the munitions band,
plain-word outcome labels, every share with its interval, outcomes forced by the events
hatched and named, and the shared style file."""

from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from PIL import Image

from sim import compare, load_scenario, run
from sim.calendar import month_of
from sim.plots.briefing import save_briefing
from sim.plots.common import (
    BAND_NOTE,
    COLORS,
    SAVE_DPI,
    STYLE,
    YearLabels,
    YearStarts,
    month_date,
    save_figures,
    scenario_events,
)
from sim.plots.explore import (
    compare_differences,
    compare_fans,
    compare_outcomes,
    comparison_events,
    left_out,
    partition_on_one_row,
)
from sim.plots.labels import (
    BAD,
    DESIRABLE,
    EITHER,
    GOOD,
    OUTCOME_LABELS,
    UNDESIRABLE,
    WORDING,
    change_color,
    outcome_color,
    parameter_label,
    share_interval_text,
    with_isolation_partition,
)
from sim.plots.runs import (
    arms_race_curve,
    dashboard,
    fan_charts,
    outcome_shares,
    regime_split,
)
from sim.results.forced import FORCED_NOTE
from sim.scenario.outcome_settings import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sanctions():
    path = ROOT / "scenarios" / "counterfactual" / "sanctions_isolation.yaml"
    return run(load_scenario(path), replicates=60)


def vertical_lines_at(ax) -> list[float]:
    return [
        line.get_xdata()[0]
        for line in ax.get_lines()
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    ]


def event_x() -> float:
    return mdates.date2num(month_date(7))  # 2025-01 is month 7 after June 2024


def numbers_shown(ax) -> set[int]:
    """The event numbers an axes shows above its panel ('3' or a run of them, '1-8')."""
    (top,) = ax.child_axes
    shown: set[int] = set()
    for label in top.get_xticklabels():
        first, _, last = label.get_text().partition("-")
        shown |= set(range(int(first), int(last or first) + 1))
    return shown


def test_every_time_panel_numbers_the_events_and_the_key_names_them(sanctions):
    events = scenario_events(sanctions.scenario)
    new_packages = mdates.date2num(month_date(19))  # January 2026
    for fig in (dashboard(sanctions), fan_charts(sanctions)):
        panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]
        assert panels
        for ax in panels:
            xs = [mdates.date2num(x) for x in vertical_lines_at(ax)]
            assert {event_x(), new_packages} <= set(xs), ax.get_title(loc="left")
            assert numbers_shown(ax) == set(range(1, len(events) + 1))
            assert ax.texts == [] or "2025" not in " ".join(t.get_text() for t in ax.texts)
        key = [t.get_text() for t in fig.texts]
        assert f"[{len(events)}] Jan 2026: New sanctions packages and an isolation campaign" in key
        fig.canvas.draw()
        years = [t.get_text() for t in panels[-1].get_xticklabels() if t.get_text()]
        assert {"2026", "2030"} <= set(years)  # the event labels no longer hide the years
        plt.close(fig)


def test_comparison_plots_mark_each_scenarios_events():
    """The June 2024 US build-up (its posture increase in January 2025, the month of a
    history event) against the baseline."""
    scenarios = [
        load_scenario(ROOT / "scenarios" / n)
        for n in ("baseline.yaml", "counterfactual/us_buildup.yaml")
    ]
    comparison = compare(scenarios, replicates=20, progress=False)
    for fig in (compare_fans(comparison), compare_differences(comparison)):
        for ax in [ax for ax in fig.axes if ax.get_visible() and ax.get_title(loc="left")]:
            assert event_x() in [mdates.date2num(x) for x in vertical_lines_at(ax)]
            assert numbers_shown(ax)
        lines = [t.get_text() for t in fig.texts]
        for mark in comparison_events(comparison):  # in the key, each by its number
            assert any(mark.key_text.startswith(line) for line in lines if "]" in line)
        (january,) = [m for m in comparison_events(comparison) if m.month == 7]
        assert january.text.startswith("A: DPRK munitions deliveries fall")  # events of one
        assert january.text.endswith("; B: Indo-Pacific posture increase")  # month share one
        plt.close(fig)


def test_description_is_the_subtitle_and_the_legend_states_the_bands_and_the_present(sanctions):
    fig = dashboard(sanctions)
    texts = [t.get_text() for t in fig.texts]
    assert sanctions.scenario.spec.description in texts
    assert BAND_NOTE in texts
    (legend,) = fig.legends
    entries = [t.get_text() for t in legend.get_texts()]
    assert entries == [
        "median of replicates",
        "middle 50 %",
        "middle 90 %",
        "today (Dec 2026): the observed history ends",
    ]
    assert not any(text.get_text().startswith("today") for ax in fig.axes for text in ax.texts)
    plt.close(fig)


def test_fan_bands_are_the_middle_50_and_90_percent(sanctions):
    fig = fan_charts(sanctions, [("spending", "rok")])
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    values = sanctions.series("spending", "rok")
    tops = sorted(float(np.max(b.get_paths()[0].vertices[:, 1])) for b in bands)
    assert tops == pytest.approx(
        sorted(float(np.max(np.quantile(values, q, axis=1))) for q in (0.75, 0.95))
    )
    plt.close(fig)


def test_munitions_regimes_split_the_replicates_by_leadership():
    result = run(load_scenario(ROOT / "scenarios" / "baseline.yaml"), replicates=200)
    split = regime_split(result, "munitions")
    changed = result.series("leader_changed") > 0.5
    assert np.array_equal(split["share_changed"], changed.mean(axis=1))
    last = result.series("munitions")[-1]
    assert split["changed"][-1] == pytest.approx(np.median(last[changed[-1]]))
    assert split["unchanged"][-1] == pytest.approx(np.median(last[~changed[-1]]))
    # the regimes differ: after a change the flows are lower (L26), while the DPRK still
    # delivers from stock (once both regimes are held to its production, they meet)
    present = month_of("2026-12")  # none up to the present (none observed), then the hazard
    assert not split["share_changed"][: present + 1].any()
    month = int(np.argmax(split["share_changed"] >= 0.05))
    assert present < month < present + 36
    assert split["changed"][month] < split["unchanged"][month]


def test_outcome_labels_cover_every_declared_outcome_in_plain_words(sanctions):
    assert set(WORDING) <= set(OUTCOMES)  # hand wording names only declared outcomes
    assert set(OUTCOME_LABELS) == set(OUTCOMES)
    assert all("_" not in label for label in OUTCOME_LABELS.values())
    fig = outcome_shares(sanctions)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [OUTCOME_LABELS[o] for o in sanctions.summary()["outcome"]]
    summary = sanctions.summary()
    bar_labels = [t.get_text() for t in fig.axes[0].texts]
    assert bar_labels == [
        share_interval_text(row.share, row.ci_low, row.ci_high) for row in summary.itertuples()
    ]
    plt.close(fig)


@pytest.fixture(scope="module")
def leadership():
    scenarios = [
        load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "leadership_change")
    ]
    return compare([s.with_params({}, horizon_months=36) for s in scenarios], 30, progress=False)


def hatched_bars(ax) -> list[float]:
    """Heights (y centres) of the hatched bars: the outcomes drawn as forced."""
    return sorted(p.get_y() + p.get_height() / 2 for p in ax.patches if p.get_hatch())


def test_run_outcomes_hatch_and_name_the_outcome_the_events_force(leadership):
    result = leadership.results[1]
    fig = outcome_shares(result)
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    forced_at = ticks.index("Leadership change in Pyongyang (forced)")
    assert hatched_bars(ax) == [pytest.approx(ax.get_yticks()[forced_at])]
    assert "100 % (89-100), forced" in [t.get_text() for t in ax.texts]  # 30 of 30, Wilson
    assert any(FORCED_NOTE in t.get_text() for t in fig.texts)
    plt.close(fig)
    plain = outcome_shares(leadership.results[0])
    assert hatched_bars(plain.axes[0]) == []
    assert not any(FORCED_NOTE in t.get_text() for t in plain.texts)
    plt.close(plain)


def test_comparison_outcomes_give_every_share_its_interval_and_hatch_only_the_forced(leadership):
    fig = compare_outcomes(leadership)
    ax = fig.axes[0]
    table = leadership.outcome_table()
    expected = [
        share_interval_text(r.share, r.ci_low, r.ci_high) + (", forced" if r.forced else "")
        for r in table.itertuples()
    ]
    assert sorted(t.get_text() for t in ax.texts) == sorted(expected)
    assert len(hatched_bars(ax)) == int(table["forced"].sum()) == 1
    plt.close(fig)


def test_parameter_labels_are_plain_words_with_units():
    assert parameter_label("rok.reactivity.dprk") == (
        "South Korea: reactivity toward North Korea (1/yr)"
    )
    assert parameter_label("ukraine.intensity").startswith("War in Ukraine: intensity")


def test_one_style_file_gives_the_actor_colours():
    text = STYLE.read_text(encoding="utf-8")
    for color in COLORS.values():
        assert color.lstrip("#") in text


def test_outcome_colours_state_a_judgement_of_every_declared_outcome(sanctions):
    assert set(OUTCOMES) >= DESIRABLE | UNDESIRABLE and not DESIRABLE & UNDESIRABLE
    assert change_color("war", 0.1) == BAD and change_color("war", -0.1) == GOOD
    assert change_color("de_escalation", 0.1) == GOOD
    assert change_color("isolation_holds", 0.1) == EITHER == change_color("war", 0.0)
    fig = outcome_shares(sanctions)
    bars = fig.axes[0].patches
    outcomes = list(sanctions.summary()["outcome"])
    assert [to_hex(bar.get_facecolor()) for bar in bars] == [outcome_color(o) for o in outcomes]
    (legend,) = fig.legends
    assert legend.get_title().get_text() == "colour: a judgement, for peace and stability"
    plt.close(fig)


def test_isolation_outcomes_come_with_neither_wherever_one_is_shown():
    shown = with_isolation_partition(["regional_arms_race", "isolation_fails", "war"])
    assert shown == [
        "regional_arms_race",
        "isolation_holds",
        "isolation_fails",
        "never_isolated",
        "war",
    ]
    assert OUTCOME_LABELS["never_isolated"].startswith("Neither")


def test_a_sweep_leaves_out_maps_that_would_be_empty_and_says_why():
    shares = pd.DataFrame(
        {"armed_clash": [0.75, 0.75], "war": [0.0, 0.0], "de_escalation": [0.0, 0.5]}
    )
    kept, note = left_out(shares, ["armed_clash", "war", "de_escalation"])
    assert kept == ["de_escalation"]
    assert note == (
        "Left out, the same everywhere in the design (an empty map): Armed clash (fatal "
        "incident) (75 % at every point); A clash escalates to war (0.0 % at every point)."
    )
    assert left_out(shares, ["de_escalation"]) == (["de_escalation"], None)


@pytest.mark.slow
def test_a_briefing_of_three_scenarios_is_a_page_for_each_against_the_first(
    small_comparison, tmp_path
):
    three = small_comparison(("baseline", "us_buildup", "leadership_change"))
    files = save_briefing(three, tmp_path)
    assert files == ["briefing_B.png", "briefing_C.png", "briefing.pdf"]
    for name in files[:2]:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = (tmp_path / "briefing.pdf").read_bytes()
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") == 2


def test_the_isolation_outcomes_share_a_row_of_small_multiples():
    cells = partition_on_one_row(list(OUTCOMES), 3)
    start = cells.index("isolation_holds")
    assert start % 3 == 0
    assert cells[start : start + 3] == ["isolation_holds", "isolation_fails", "never_isolated"]
    assert [c for c in cells if c] == list(OUTCOMES)
    assert partition_on_one_row(["war", "de_escalation"], 3) == ["war", "de_escalation"]


@pytest.mark.parametrize(
    ("low", "high"), [("2024-05-17", "2035-07-14"), ("1999-12-31", "2061-01-01")]
)
@pytest.mark.parametrize("step", [1, 2, 5, 10])
def test_year_ticks_and_labels_are_matplotlib_s_own(low, high, step):
    vmin, vmax = mdates.date2num(np.datetime64(low)), mdates.date2num(np.datetime64(high))
    ours = YearStarts(step).tick_values(vmin, vmax)
    theirs = mdates.YearLocator(step).tick_values(mdates.num2date(vmin), mdates.num2date(vmax))
    inside = lambda ticks: ticks[(ticks >= vmin) & (ticks <= vmax)]  # noqa: E731
    assert np.array_equal(inside(ours), inside(theirs))
    labels = YearLabels().format_ticks(ours)
    assert labels == mdates.DateFormatter("%Y").format_ticks(ours)


@pytest.mark.parametrize("draw", [dashboard, fan_charts, outcome_shares, arms_race_curve])
def test_figures_laid_out_once_are_the_pixels_savefig_draws(draw, sanctions, tmp_path):
    save_figures({"ours.png": draw(sanctions)}, tmp_path)
    draw(sanctions).savefig(tmp_path / "savefig.png", dpi=SAVE_DPI)
    ours, theirs = (np.asarray(Image.open(tmp_path / f)) for f in ("ours.png", "savefig.png"))
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)
