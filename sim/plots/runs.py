"""A run's figures: the dashboard, fan charts of key series, and outcome shares."""

from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.actors import ACTORS, NAMES
from sim.model.recording import KEY_SERIES, SERIES_BY_NAME
from sim.plots.alongside import drawn_alongside
from sim.plots.common import (
    BAND_NOTE,
    BANDS,
    COLORS,
    INK,
    MUTED,
    band,
    band_handles,
    date_axis,
    description,
    fan,
    header,
    mark_events,
    mark_present,
    month_text,
    numbered_events,
    panel_grid,
    present_handles,
    run_title,
    save_figures,
    scenario_events,
    series_title,
    styled,
    text_width,
)
from sim.plots.labels import (
    BAD,
    EITHER,
    GOOD,
    outcome_color,
    outcome_label,
    share_interval_text,
)
from sim.results.forced import FORCED_NOTE, forced_outcomes
from sim.results.outcomes import RACE_CURVE_YEARS, race_curve
from sim.results.run_result import RunResult

REGIME_MIN = 5
"""A regime's median is drawn only for months with at least this many replicates in it."""


def regime_split(result: RunResult, name: str, column: str | None = None) -> dict[str, object]:
    """A series split by the DPRK's leadership regime, month by month: the share of
    replicates whose leadership has changed by then, and the median of the series in each
    regime (NaN where fewer than REGIME_MIN replicates are in it)."""
    changed = result.series("leader_changed") > 0.5
    values = result.series(name, column)
    medians = {}
    for key, mask in (("unchanged", ~changed), ("changed", changed)):
        masked = np.where(mask, values, np.nan)
        enough = mask.sum(axis=1) >= REGIME_MIN
        with np.errstate(all="ignore"):
            median = np.nanmedian(np.where(enough[:, None], masked, 0.0), axis=1)
        medians[key] = np.where(enough, median, np.nan)
    return {"share_changed": changed.mean(axis=1), **medians}


def _munitions_by_regime(ax: Axes, share: Axes, result: RunResult) -> None:
    split = regime_split(result, "munitions")
    fan(ax, result.dates, result.series("munitions"), MUTED, "all replicates")
    ax.plot(
        result.dates,
        split["unchanged"],
        color=COLORS["russia"],
        lw=1.6,
        ls="--",
        label="median where Pyongyang's leadership is unchanged",
    )
    ax.plot(
        result.dates,
        split["changed"],
        color=COLORS["dprk"],
        lw=1.6,
        ls=":",
        label="median after a leadership change",
    )
    ax.set(
        title="DPRK munitions to Russia (L6, L8), by regime in Pyongyang",
        ylabel=SERIES_BY_NAME["munitions"].unit,
    )
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")  # the flows end low: the bottom is where the lines are
    low_quantile = BANDS[0][0]
    mixed = np.flatnonzero(np.asarray(split["share_changed"]) > low_quantile)
    notes = []
    if len(mixed):
        notes.append(
            f"From {month_text(result.dates[mixed[0]])} more than {low_quantile:.0%} of "
            "replicates\nhave had a leadership change: the light band then\nspans two "
            "regimes (a mix, not an event)."
        )
    if "munitions_stock" in result.arrays:
        spent = np.flatnonzero((result.series("munitions_stock") == 0).mean(axis=1) >= 0.5)
        if len(spent):
            notes.append(
                f"From {month_text(result.dates[spent[0]])} half the replicates have spent\n"
                "the DPRK's munitions stock: deliveries fall to\nits production."
            )
    if notes:
        ax.text(
            0.99,
            0.45,
            "\n".join(notes),
            transform=ax.transAxes,
            ha="right",
            va="center",
            fontsize=8,
            color=INK,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#bbbbbb", "alpha": 0.9},
        )

    changed = np.asarray(split["share_changed"]) * 100
    share.fill_between(result.dates, 0, changed, color=COLORS["dprk"], alpha=0.45, lw=0)
    share.fill_between(result.dates, changed, 100, color=COLORS["russia"], alpha=0.25, lw=0)
    by_end = f"{changed[-1]:.1f} % by {month_text(result.dates[-1])}"
    share.plot([], [], color=COLORS["dprk"], lw=6, alpha=0.45, label=f"has changed ({by_end})")
    share.plot([], [], color=COLORS["russia"], lw=6, alpha=0.25, label="unchanged")
    share.set(
        title="Leadership in Pyongyang: share of replicates in each regime",
        ylabel="% of replicates",
        ylim=(0, 100),
    )
    share.legend(loc="center left", title="leadership")


@styled
def dashboard(result: RunResult) -> Figure:
    """Eight panels: spending (index and US$), tension, isolation, sanctions, China, and the
    munitions trade by regime in Pyongyang with the share of replicates in each regime."""
    fig, axes = plt.subplots(4, 2, figsize=(13, 14.4), sharex=True, layout="constrained")
    (a, b), (c, d), (e, f), (g, h) = axes

    for actor in ACTORS:
        base = result.series("spending", actor)[0]
        scale = np.divide(100.0, base, out=np.zeros_like(base), where=base > 0)
        values = result.series("spending", actor) * scale
        a.plot(result.dates, np.median(values, axis=1), color=COLORS[actor], label=NAMES[actor])
    a.set(
        title="Military spending, all actors (medians; real, constant 2024 US$)",
        ylabel="index, June 2024 = 100",
    )
    a.legend(ncol=2, loc="upper left")

    for actor in ("rok", "japan", "dprk"):
        band(b, result, "spending", actor, NAMES[actor], COLORS[actor])
    b.set(title="Regional arms race (L15): spending", ylabel="constant 2024 US$ bn a year")
    b.legend(loc="upper left")

    band(
        c, result, "peninsula_tension", label="DPRK vs South Korea, Japan, US", color=COLORS["dprk"]
    )
    band(c, result, "bloc_tension", label="Pact members vs their rivals", color=COLORS["russia"])
    band(c, result, "us_china_tension", label="US vs China (trade war, L13)", color=COLORS["china"])
    c.set(title="Tension", ylabel="index, 0 = none, 1 = armed conflict", ylim=(0, 1.02))
    c.legend(loc="lower left")

    band(
        d,
        result,
        "isolation_index",
        label="Isolation index: ties with the West",
        color=COLORS["usa"],
    )
    band(d, result, "lifeline_index", label="Lifeline: all trade incl. evasion", color=COLORS["eu"])
    settings = result.scenario.spec.outcomes
    d.axhline(
        settings.isolation_threshold,
        color=COLORS["usa"],
        ls=":",
        lw=1,
        label=f"isolated at or below {settings.isolation_threshold:g}",
    )
    d.axhline(
        settings.lifeline_restored,
        color=COLORS["eu"],
        ls=":",
        lw=1,
        label=f"lifeline restored at or above {settings.lifeline_restored:g}",
    )
    d.set(title="Isolating the bloc (L8, L25)", ylabel="June 2024 = 1")
    d.legend(loc="lower left")

    band(e, result, "sanctions_on", "dprk", "on North Korea", COLORS["dprk"])
    band(e, result, "sanctions_on", "russia", "on Russia", COLORS["russia"])
    e.set(
        title="Western sanctions (mean of US, EU, Japan, South Korea)",
        ylabel="intensity, 0 = none, 1 = embargo",
        ylim=(0, 1.02),
    )
    e.legend(loc="lower left")

    band(
        f,
        result,
        "china_alignment",
        label="China's alignment (0 grip, 1 coalition, L13)",
        color=COLORS["china"],
    )
    band(
        f,
        result,
        "china_engagement",
        label="China's engagement with Pyongyang (L13)",
        color=COLORS["japan"],
    )
    band(f, result, "dialogue_progress", label="Dialogue progress (L19, L29)", color=COLORS["eu"])
    f.set(title="China's choice and the dialogue track", ylabel="index 0-1", ylim=(0, 1.02))
    f.legend(loc="upper left")

    _munitions_by_regime(g, h, result)

    horizon = len(result.dates) - 1
    marks = numbered_events(scenario_events(result.scenario, horizon))
    for ax in axes.flat:  # the panels' own legends fill their corners: the line's label goes below
        date_axis(ax)
        mark_events(ax, marks)
        mark_present(ax, result.scenario.present, horizon, label=False)
    lines = band_handles() + present_handles(result.scenario.present, horizon)
    fig.legend(handles=lines, loc="outside lower center", ncol=len(lines), title="bands and lines")
    header(fig, run_title(result, "Dashboard"), description(result.scenario), BAND_NOTE, marks)
    return fig


@styled
def fan_charts(result: RunResult, series: Sequence[tuple[str, str | None]] = KEY_SERIES) -> Figure:
    """Median with the middle 50 % and 90 % of replicates for key series (for R > 1)."""
    fig, axes = panel_grid(len(series))
    marks = numbered_events(scenario_events(result.scenario, len(result.dates) - 1))
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        color = COLORS.get(column or "", INK)
        band(ax, result, name, column, color=color)
        ax.set(title=series_title(name, column), ylabel=SERIES_BY_NAME[name].unit)
        date_axis(ax)
        mark_events(ax, marks)
        mark_present(ax, result.scenario.present, len(result.dates) - 1)
    fig.legend(handles=band_handles(), loc="outside lower center", ncol=3)
    header(fig, run_title(result, "Fan charts"), description(result.scenario), BAND_NOTE, marks)
    return fig


FORCED_BAR = {"hatch": "////", "alpha": 0.45}
"""How an outcome forced by the scenario's events is drawn: hatched and faint."""


def label_share_bar(
    ax: Axes, y: float, share: float, low: float, high: float, forced: bool, size: float
) -> None:
    """Write a share bar's number with its 95 % interval ('22 % (18-26)'; ', forced' when
    the events decide it): right of the whisker where it fits inside the panel (0-100 %),
    else inside the bar, left of the whisker (in white on a solid bar)."""
    text = share_interval_text(share, low, high) + (", forced" if forced else "")
    inches = ax.get_position().width * ax.figure.get_size_inches()[0] * 0.85
    needed = (text_width(text, size) + 0.05) / max(inches, 0.1) * 100
    if high * 100 + 1.2 + needed <= 100 or low * 100 - 1.2 - needed < 0:
        ax.text(high * 100 + 1.2, y, text, va="center", fontsize=size, color=INK)
    else:
        ax.text(
            low * 100 - 1.2,
            y,
            text,
            va="center",
            ha="right",
            fontsize=size,
            color=INK if forced else "white",
            bbox={"fc": "white", "ec": "none", "pad": 1.0} if forced else None,
        )


def desirability_handles() -> list[Artist]:
    """Legend entries for the colours of outcomes, saying they are a judgement."""
    return [
        Patch(color=GOOD, label="desirable"),
        Patch(color=BAD, label="undesirable"),
        Patch(color=EITHER, label="depends on the view"),
    ]


DESIRABILITY_TITLE = "colour: a judgement, for peace and stability"


@styled
def outcome_shares(result: RunResult) -> Figure:
    """Share of replicates with each outcome, with 95 % Wilson intervals, coloured by how
    desirable the outcome is (a judgement, stated in the legend); an outcome the scenario's
    events force is hatched, labelled '(forced)' and named in the notes."""
    summary = result.summary()
    forced = summary["outcome"].isin(list(forced_outcomes(result.scenario))).to_numpy()
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(summary) + 1.3), layout="constrained")
    y = np.arange(len(summary))[::-1]
    share = summary["share"].to_numpy() * 100
    err = np.vstack([share - summary["ci_low"] * 100, summary["ci_high"] * 100 - share])
    bars = ax.barh(
        y,
        share,
        xerr=err,
        color=[outcome_color(o) for o in summary["outcome"]],
        capsize=3,
        error_kw={"lw": 1, "ecolor": INK},
    )
    for bar in np.asarray(bars.patches)[forced]:
        bar.set(**FORCED_BAR)
    names = [
        outcome_label(o) + (" (forced)" if f else "")
        for o, f in zip(summary["outcome"], forced, strict=True)
    ]
    ax.set_yticks(y, names)
    for tick, f in zip(ax.get_yticklabels(), forced, strict=True):
        tick.set_color(MUTED if f else INK)
    first, last = month_text(result.dates[0]), month_text(result.dates[-1])
    ax.set(xlim=(0, 100), xlabel="% of replicates (whiskers and brackets: 95 % Wilson interval)")
    ax.grid(False, axis="y")
    for yi, row, f in zip(y, summary.itertuples(), forced, strict=True):
        label_share_bar(ax, yi, row.share, row.ci_low, row.ci_high, bool(f), 9)
    fig.legend(
        handles=desirability_handles(),
        loc="outside lower center",
        ncol=3,
        title=DESIRABILITY_TITLE,
    )
    notes = f"Share of replicates in which each outcome occurs between {first} and {last}."
    if forced.any():
        notes += f" Hatched, (forced): {FORCED_NOTE}, so certain or impossible by construction."
    header(fig, run_title(result, "Outcomes"), description(result.scenario), notes)
    return fig


@styled
def arms_race_curve(result: RunResult) -> Figure:
    """Share of futures with a regional arms race under criteria from 2 % to 12 % real
    growth a year for one, two or three consecutive years, with 95 % Wilson bands; the
    scenario's own criterion (outcomes: block) is marked. Shows how far the answer rests
    on the threshold."""
    settings = result.scenario.spec.outcomes
    curve = race_curve(result.arrays["spending"], settings)
    fig, ax = plt.subplots(figsize=(9, 4.4), layout="constrained")
    for years, color in zip(RACE_CURVE_YEARS, ("#d6a000", "#c0392b", "#2166ac"), strict=True):
        rows = curve[curve["years"] == years]
        growth = rows["growth"].to_numpy() * 100
        ax.fill_between(
            growth, rows["ci_low"] * 100, rows["ci_high"] * 100, color=color, alpha=0.18, lw=0
        )
        plural = "s" if years > 1 else ""
        ax.plot(
            growth,
            rows["share"] * 100,
            color=color,
            marker="o",
            ms=3.5,
            label=f"{years} year{plural} in a row",
        )
    chosen = curve[
        (curve["years"] == settings.arms_race_years)
        & np.isclose(curve["growth"], settings.arms_race_growth)
    ]
    if len(chosen):
        ax.plot(
            chosen["growth"] * 100,
            chosen["share"] * 100,
            "s",
            ms=9,
            mfc="none",
            mec=INK,
            mew=1.5,
            label=f"this scenario's criterion ({settings.arms_race_growth:.0%}, "
            f"{settings.arms_race_years} years)",
        )
    ax.set(
        xlabel="real spending growth a year both rivals must reach (%)",
        ylabel="% of futures with an arms race in any rival pair",
        ylim=(0, 100),
    )
    ax.legend(title="growth sustained for", loc="upper right", frameon=False)
    pairs = ", ".join(f"{NAMES[a]}-{NAMES[b]}" for a, b in settings.rival_pairs)
    header(
        fig,
        run_title(result, "How the arms-race answer depends on its threshold"),
        description(result.scenario),
        f"Rival pairs: {pairs}. Bands: 95 % Wilson intervals. Diehl (1983) and Gibler et al. "
        "(2005) use 8 % for three years.",
    )
    return fig


def save_all(
    result: RunResult, folder: Path, alongside: Callable[[], object] = lambda: None
) -> list[str]:
    """Write the run's PNGs into `folder`; fan charts only when there are replicates.

    The dashboard, the costliest, and the arms-race curve are drawn in a forked child
    (sim.plots.alongside) while this process runs `alongside()` (writing the run's other
    files) and draws the outcome shares and the fan charts: the two halves take about as long.
    """
    in_child: dict[str, Callable[[RunResult], Figure]] = {"dashboard.png": dashboard}
    if "spending" in result.arrays:
        in_child["arms_race_thresholds.png"] = arms_race_curve
    here: dict[str, Callable[[RunResult], Figure]] = {"outcomes.png": outcome_shares}
    if result.replicates > 1:
        here["fan_charts.png"] = fan_charts
    with drawn_alongside(lambda: save_figures(drawn(in_child, result), folder)):
        alongside()
        save_figures(drawn(here, result), folder)
    return [*in_child, *here]


def drawn(
    figures: dict[str, Callable[[RunResult], Figure]], result: RunResult
) -> dict[str, Figure]:
    """Each figure drawn from the run, by its file name."""
    return {name: draw(result) for name, draw in figures.items()}
