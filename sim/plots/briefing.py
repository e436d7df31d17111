"""A comparison on one page for a policy brief: what differs between the scenarios, in words
and numbers, with the paired-difference fans of key series (briefing.png and briefing.pdf).

The page reads top to bottom: the question (B instead of A), the scenarios' descriptions,
the headline differences as sentences, every outcome's difference with its interval, and how
key series differ replicate by replicate over time, with the scenarios' events marked.

The headlines are the outcomes that differ beyond Monte Carlo error (the 95 % interval of
B - A for paired data excludes 0), largest first, each stated with every number's interval
(share in A -> share in B, the difference in points, and in how many of the N common futures
the outcome is lost or gained). An outcome the scenarios' events force (a triggered
leadership change, say) is never a headline: its share is the scenario file's doing; the
page names it as forced instead. When nothing differs beyond Monte Carlo error the page says
so in one line rather than headlining noise.
"""

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plots.common import (
    INK,
    MUTED,
    band_handles,
    month_date,
    month_text,
    scenario_color,
    scenario_events,
    styled,
)
from sim.plots.explore import LETTERS, draw_differences, scenario_handles, scenario_lines
from sim.plots.labels import (
    NO_DIFFERENCE,
    headline,
    outcome_label,
    points_text,
    share_interval_text,
)
from sim.results.comparison import Comparison, headline_candidates
from sim.results.forced import FORCED_NOTE

PAGE = (8.27, 11.69)
"""A4 portrait, inches."""

BRIEF_SERIES: tuple[tuple[str, str | None], ...] = (
    ("spending", "rok"),
    ("isolation_index", None),
    ("spending", "dprk"),
    ("peninsula_tension", None),
)
"""The paired-difference fans on the page: the arms race (L15), isolation (L8, L25) and
tension; when the page is short of room (many scenarios), the first two only."""

HEADLINES = 5
"""At most this many headline sentences (largest differences first)."""

DPI = 130


def _prefix(comparison: Comparison, scenario: str) -> str:
    return f"{scenario}: " if len(comparison.names) > 2 else ""


def headlines(comparison: Comparison, limit: int = HEADLINES) -> list[str]:
    """The headline differences in words, prefixed by the scenario when there are several;
    empty when no outcome differs beyond Monte Carlo error."""
    rows = headline_candidates(comparison.paired_outcomes()).head(limit)
    return [_prefix(comparison, row["scenario"]) + headline(row) for _, row in rows.iterrows()]


def forced_sentence(comparison: Comparison, table: pd.DataFrame) -> str | None:
    """The outcomes forced by the scenarios' events, with their shares, as one sentence that
    says why they are not headlined; None when no event forces an outcome."""
    forced = table[table["forced"]]
    if forced.empty:
        return None
    listed = "; ".join(
        f"{_prefix(comparison, row['scenario'])}{outcome_label(row['outcome'])}, "
        f"{share_interval_text(row['share_a'], row['share_a_low'], row['share_a_high'])} -> "
        f"{share_interval_text(row['share_b'], row['share_b_low'], row['share_b_high'])}"
        for _, row in forced.iterrows()
    )
    return (
        f"Not a headline, {FORCED_NOTE} (a triggered step makes it certain or impossible): "
        f"{listed}."
    )


def _events_text(comparison: Comparison) -> list[str]:
    """Per scenario, its timed events in a line ('' when none); a later scenario lists only
    the events A does not have, so a history they share is not printed twice."""
    first = comparison.results[0]
    shared = set(scenario_events(first.scenario, len(first.dates) - 1))
    lines = []
    for k, result in enumerate(comparison.results):
        events = scenario_events(result.scenario, len(result.dates) - 1)
        own = [e for e in events if not k or e not in shared]
        listed = "; ".join(f"{month_text(month_date(m))}: {text}" for m, text in own)
        what = "Events beyond A's" if k and len(own) < len(events) else "Events"
        lines.append(f"{what} (dashed lines below): {listed}." if own else "")
    return lines


class _Page:
    """A cursor down a page: text and panels placed at heights in inches."""

    def __init__(self, fig: Figure, margin: float = 0.45) -> None:
        self.fig = fig
        self.width, self.height = fig.get_size_inches()
        self.margin = margin
        self.y = 0.4

    def _fy(self, inches: float) -> float:
        return 1 - inches / self.height

    def text(
        self,
        text: str,
        size: float = 9.0,
        weight: str = "normal",
        color: str = INK,
        indent: float = 0.0,
        gap: float = 0.0,
    ) -> None:
        per_char = size * (0.6 if weight == "bold" else 0.5)
        chars = int((self.width - 2 * self.margin - indent) * 72 / per_char)
        for line in textwrap.wrap(text, chars) or [""]:
            self.fig.text(
                (self.margin + indent) / self.width,
                self._fy(self.y),
                line,
                fontsize=size,
                weight=weight,
                color=color,
                va="top",
            )
            self.y += size * 1.4 / 72
        self.y += gap

    def bullet(self, text: str, size: float = 9.0, color: str = INK) -> None:
        self.fig.text(self.margin / self.width, self._fy(self.y), "\u2022", fontsize=size, va="top")
        self.text(text, size=size, indent=0.16, color=color, gap=0.04)

    def axes(self, height: float, left: float = 0.0, right: float = 0.0) -> Axes:
        """An axes `height` inches high across the page (insets in inches for labels)."""
        x0 = (self.margin + left) / self.width
        x1 = 1 - (self.margin + right) / self.width
        ax = self.fig.add_axes((x0, self._fy(self.y + height), x1 - x0, height / self.height))
        self.y += height
        return ax


def _forest_note(row: pd.Series, two_lines: bool) -> str:
    """The numbers beside a forest row: shares in A -> B with their intervals, and (on a
    second line) the difference with its interval; 'forced' when the events decide it."""
    shares = (
        f"{share_interval_text(row['share_a'], row['share_a_low'], row['share_a_high'])} -> "
        f"{share_interval_text(row['share_b'], row['share_b_low'], row['share_b_high'])}"
    )
    if not two_lines:
        return shares + (" forced" if row["forced"] else "")
    diff, low, high = points_text(row["difference"], row["ci_low"], row["ci_high"])
    return f"{shares}\n{diff} points ({low} to {high})" + (", forced" if row["forced"] else "")


TWO_LINE_ROW = 0.27
"""Inches a forest row needs to carry two lines of numbers (shares, then the difference)."""

FORCED_TEXT = {
    "ha": "center",
    "va": "center",
    "fontsize": 7,
    "style": "italic",
    "color": MUTED,
    "bbox": {"fc": "white", "ec": "none", "pad": 1.0},
}
"""How the forest names an outcome forced by the events, over the zero line."""


def _difference_marker(ax: Axes, row: pd.Series, y: float, color: str) -> None:
    """B - A in points at height y with its interval; faint when the interval contains 0."""
    d = row["difference"] * 100
    ax.errorbar(
        [d],
        [y],
        xerr=[[d - row["ci_low"] * 100], [row["ci_high"] * 100 - d]],
        fmt="o",
        color=color,
        alpha=1.0 if row["differs"] else 0.45,
        ms=4.5,
        capsize=2.5,
        lw=1.3,
    )


def _forced_mark(table: pd.DataFrame, scenarios: list[str], outcome: str) -> str:
    """' (forced)' after an outcome forced in every comparison, ' (forced in C)' when only
    in some (by the scenarios' letters, A the first), else ''."""
    rows = table[table["outcome"] == outcome].set_index("scenario")["forced"]
    forced = [LETTERS[k] for k, name in enumerate(scenarios, start=1) if rows.get(name, False)]
    if not forced:
        return ""
    return " (forced)" if len(forced) == len(scenarios) else f" (forced in {', '.join(forced)})"


def _forest(ax: Axes, comparison: Comparison, table: pd.DataFrame) -> None:
    """Each outcome's paired difference B - A in points, with its 95 % interval: full colour
    where the interval excludes 0, faint where it does not; an outcome the events force is
    named as such instead (and leaves the scale to the others). Beside each row, the shares
    with their intervals."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    scenarios = comparison.names[1:]
    step = 0.7 / max(1, len(scenarios))
    y = np.arange(len(outcomes))[::-1].astype(float)
    row_inches = ax.get_position().height * ax.figure.get_size_inches()[1] / len(outcomes)
    two_lines = len(scenarios) == 1 and row_inches >= TWO_LINE_ROW
    for k, name in enumerate(scenarios, start=1):
        part = table[table["scenario"] == name].set_index("outcome").loc[outcomes]
        where = y + 0.35 - step * (k - 0.5)
        for yi, (_, row) in zip(where, part.iterrows(), strict=True):
            color = MUTED if row["forced"] else scenario_color(k)
            if row["forced"]:
                ax.text(0.5, yi, FORCED_NOTE, transform=ax.get_yaxis_transform(), **FORCED_TEXT)
            else:
                _difference_marker(ax, row, yi, color)
            ax.annotate(
                _forest_note(row, two_lines),
                xy=(1.0, yi),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.8,
                linespacing=1.1,
                color=color,
            )
    marks = {o: _forced_mark(table, scenarios, o) for o in outcomes}
    ax.set_yticks(y, [outcome_label(o) + marks[o] for o in outcomes], fontsize=8)
    for tick, outcome in zip(ax.get_yticklabels(), outcomes, strict=True):
        tick.set_color(MUTED if marks[outcome] else INK)
    ax.axvline(0, color=INK, lw=0.8)
    ax.set_ylim(-0.6, len(outcomes) - 0.4)
    limits = table.loc[~table["forced"], ["ci_low", "ci_high"]].to_numpy()
    span = max(2.0, float(np.nanmax(np.abs(limits), initial=0.0)) * 100)
    ax.set_xlim(-span * 1.08, span * 1.08)
    ax.set_xlabel(
        "difference in share of futures, percentage points (B - A; whiskers: 95 % interval)",
        fontsize=8,
    )
    ax.grid(False, axis="y")


@styled
def _from_text(comparison: Comparison) -> str:
    """' from Jan 2027' when the later scenarios branch from A (their `changes:` start then,
    the earliest of them), '' when none does."""
    branches = [r.scenario.branch for r in comparison.results[1:] if r.scenario.branch]
    return f" from {month_text(month_date(min(branches)))}" if branches else ""


def briefing(comparison: Comparison) -> Figure:
    """The comparison on one A4 page (see the module docstring)."""
    if len(comparison.results) < 2:
        raise ValueError("a briefing compares at least two scenarios")
    table = comparison.paired_outcomes()
    base = comparison.results[0]
    n = base.replicates
    names = comparison.names
    fig = plt.figure(figsize=PAGE)
    page = _Page(fig)

    others = ", ".join(f"'{name}'" for name in names[1:])
    page.text(
        f"What changes{_from_text(comparison)} with {others} instead of '{names[0]}'?",
        15,
        "bold",
        gap=0.02,
    )
    page.text(
        f"{n:,} futures of each scenario, {month_text(base.dates[0])} to "
        f"{month_text(base.dates[-1])}, on common random numbers (seed "
        f"{base.scenario.spec.seed}): future r of every scenario meets the same random shocks, "
        "so each difference below is the scenarios' doing, not luck.",
        8.5,
        color=MUTED,
        gap=0.12,
    )

    page.text("The scenarios", 10.5, "bold", gap=0.02)
    for k, (line, listed) in enumerate(
        zip(scenario_lines(comparison), _events_text(comparison), strict=True)
    ):
        page.text(line, 9, color=scenario_color(k) if k else INK, gap=0.02)
        if listed:
            page.text(listed, 8, color=MUTED, indent=0.16)
    page.y += 0.1

    page.text("Headline differences (beyond Monte Carlo error)", 10.5, "bold", gap=0.03)
    limit = HEADLINES if len(names) == 2 else HEADLINES - 1
    candidates = headline_candidates(table)
    for _, row in candidates.head(limit).iterrows():
        page.bullet(_prefix(comparison, row["scenario"]) + headline(row), 9)
    if candidates.empty:
        page.bullet(NO_DIFFERENCE, 9)
    elif len(candidates) > limit:
        page.text(
            f"{len(candidates) - limit} more differ beyond Monte Carlo error (below).",
            8.5,
            indent=0.16,
        )
    forced = forced_sentence(comparison, table)
    if forced:
        page.text(forced, 8.5, color=MUTED, gap=0.04)
    page.text(
        "Headlines: the outcomes whose 95 % interval of B - A excludes 0, largest first. "
        "Share (a-b): its 95 % Wilson interval. 'fewer in k of N futures': futures with the "
        "outcome under A but not under B; 'more in m': the reverse. 95 % CI of a difference: "
        "Newcombe's (1998) hybrid score interval for paired proportions (paired: future r of "
        "every scenario meets the same random shocks); p: exact McNemar test of k against m.",
        7.5,
        color=MUTED,
        gap=0.12,
    )

    page.text("Every outcome: B - A with its 95 % interval (right: share in A -> B)", 10.5, "bold")
    page.y += 0.08
    rows = len(table["outcome"].unique())
    wanted = (0.3 + 0.13 * (len(names) - 2)) * rows + 0.3
    room = page.height - page.y - 1.3 - 0.55 - 0.4 - (1.7 + 0.55)  # keep a row of fans
    forest = page.axes(max(0.16 * rows, min(wanted, room)), left=2.45, right=1.75)
    _forest(forest, comparison, table)
    page.y += 0.55

    page.text("How key series differ, future by future (B - A in the same replicate)", 10.5, "bold")
    page.y += 0.3
    remaining = page.height - page.y - 1.3
    panel_rows = 2 if remaining >= 3.6 else 1
    panel = min(2.6, (remaining - 0.55 * panel_rows) / panel_rows)
    axes = []
    inner = page.width - 2 * page.margin
    width = (inner - 0.5 - 0.7) / 2
    for _ in range(panel_rows):
        top = page.y
        for col in range(2):
            page.y = top
            left = 0.5 + col * (width + 0.7)
            axes.append(page.axes(panel, left=left, right=inner - left - width))
        page.y += 0.55
    draw_differences(axes, comparison, BRIEF_SERIES[: len(axes)], labels=False)
    for ax in axes:
        ax.title.set_fontsize(9)
        ax.yaxis.label.set_fontsize(7.5)
        ax.tick_params(labelsize=7.5)
    legend = scenario_handles(comparison, start=1) + band_handles()
    fig.legend(
        handles=legend,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.5 / page.height),
        ncol=len(legend),
        fontsize=7.5,
    )
    page.y = page.height - 0.42
    page.text(
        "Dashed lines: the scenarios' timed events (colour of the scenario). alliance-sim: an "
        "exploratory agent-based model of the June 2024 Russia-DPRK pact; shares are of "
        "simulated futures, not forecasts.",
        7,
        color=MUTED,
    )
    return fig


def save_briefing(comparison: Comparison, folder: Path) -> list[str]:
    """Write briefing.png and briefing.pdf into `folder`; return their names."""
    fig = briefing(comparison)
    names = comparison.names
    metadata = {
        "Title": f"alliance-sim briefing: {' vs '.join(names)}",
        "Subject": " | ".join(headlines(comparison)) or NO_DIFFERENCE,
    }
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / "briefing.png", dpi=DPI)
    fig.savefig(folder / "briefing.pdf", metadata=metadata)
    plt.close(fig)
    return ["briefing.png", "briefing.pdf"]
