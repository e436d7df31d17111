"""A comparison for a policy brief, one page per scenario against the first: what differs, in
words and numbers, with the paired-difference fans of key series (briefing.png and
briefing.pdf for two scenarios; briefing_B.png, briefing_C.png, ... and a briefing.pdf of
all the pages for more).

A page reads top to bottom: the question (B instead of A), the two scenarios' descriptions
with their events (numbered as on the panels), the headline differences as sentences, every
outcome's difference with its interval, and how key series differ replicate by replicate
over time. A page is A4; one whose text needs more room grows taller, never narrower panels.

The headlines are the outcomes that differ beyond Monte Carlo error (the 95 % interval of
B - A for paired data excludes 0), largest first, each stated with every number's interval
(share in A -> share in B, the difference in points, and in how many of the N common futures
the outcome is lost or gained). An outcome the scenarios' events force (a triggered
leadership change, say) is never a headline: its share is the scenario file's doing; the
page names it as forced instead. When nothing differs beyond Monte Carlo error the page says
so in one line rather than headlining noise. A difference is coloured by whether it is for
the better or the worse (a judgement, stated on the page; sim.plots.labels).
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Affine2D, ScaledTranslation

from sim.plots.common import (
    INK,
    MUTED,
    band_handles,
    event_labels,
    month_date,
    month_text,
    scenario_color,
    styled,
    wrap,
)
from sim.plots.explore import (
    LETTERS,
    comparison_events,
    draw_differences,
    scenario_handles,
    scenario_lines,
)
from sim.plots.labels import (
    BAD,
    EITHER,
    GOOD,
    NO_DIFFERENCE,
    change_color,
    headline,
    outcome_label,
    points_text,
    share_interval_text,
)
from sim.results.comparison import Comparison, headline_candidates
from sim.results.forced import FORCED_NOTE
from sim.scenario.scenario import Scenario

PAGE = (8.27, 11.69)
"""A4 portrait, inches: a page's size, or its width and least height."""

BRIEF_SERIES: tuple[tuple[str, str | None], ...] = (
    ("spending", "rok"),
    ("isolation_index", None),
    ("spending", "dprk"),
    ("peninsula_tension", None),
)
"""The paired-difference fans on the page: the arms race (L15), isolation (L8, L25) and
tension; when the page is short of room, the first two only."""

HEADLINES = 5
"""At most this many headline sentences (largest differences first)."""

DPI = 130
FOOT = 1.0
"""Inches at the foot of a page for the legend and the closing note."""
LEAST_PANEL = 1.5
"""The least height of a row of fans, inches."""


def _prefix(comparison: Comparison, scenario: str) -> str:
    return f"{scenario}: " if len(comparison.names) > 2 else ""


def headlines(comparison: Comparison, limit: int = HEADLINES) -> list[str]:
    """The headline differences in words, prefixed by the scenario when there are several;
    empty when no outcome differs beyond Monte Carlo error."""
    rows = headline_candidates(comparison.paired_outcomes()).head(limit)
    return [_prefix(comparison, row["scenario"]) + headline(row) for _, row in rows.iterrows()]


def forced_sentence(table: pd.DataFrame) -> str | None:
    """The outcomes forced by the scenarios' events (in a page's table, one scenario against
    A), with their shares, as one sentence that says why they are not headlined; None when
    no event forces an outcome."""
    forced = table[table["forced"]]
    if forced.empty:
        return None
    listed = "; ".join(
        f"{outcome_label(row['outcome'])}, "
        f"{share_interval_text(row['share_a'], row['share_a_low'], row['share_a_high'])} -> "
        f"{share_interval_text(row['share_b'], row['share_b_low'], row['share_b_high'])}"
        for _, row in forced.iterrows()
    )
    return (
        f"Not a headline, {FORCED_NOTE} (a triggered step makes it certain or impossible): "
        f"{listed}."
    )


def _events_text(comparison: Comparison, which: list[int]) -> list[str]:
    """Per scenario in `which`, its timed events in a line ('' when none), each with its
    number on the panels; a later scenario lists only the events A does not have, so a
    history they share is not printed twice."""
    numbers = {mark.month: mark.number for mark in comparison_events(comparison, which)}
    first = comparison.results[0]
    shared = set(event_labels(first.scenario, len(first.dates) - 1))
    lines = []
    for k in which:
        result = comparison.results[k]
        events = event_labels(result.scenario, len(result.dates) - 1)
        by_month: dict[int, list[str]] = {}
        for month, text in events:
            if not k or (month, text) not in shared:
                by_month.setdefault(month, []).append(text)
        listed = "; ".join(
            f"[{numbers[m]}] {month_text(month_date(m))}: {'; '.join(texts)}"
            for m, texts in by_month.items()
        )
        own = sum(map(len, by_month.values()))
        what = "Events beyond A's" if k and own < len(events) else "Events"
        lines.append(f"{what} (numbered on the panels below): {listed}." if own else "")
    return lines


class _Page:
    """A cursor down a page: text and panels placed in inches from its top-left corner; the
    page grows taller at `finish` when its content needs more than its least height."""

    def __init__(self, fig: Figure, margin: float = 0.45) -> None:
        self.fig = fig
        self.width, self.least = fig.get_size_inches()
        self.margin = margin
        self.y = 0.4
        self.panels: list[tuple[Axes, float, float, float, float]] = []
        self.inches = (
            Affine2D().scale(1, -1) + fig.dpi_scale_trans + ScaledTranslation(0, 1, fig.transFigure)
        )
        """Inches from the top-left corner, whatever the page's final height."""

    def text(
        self,
        text: str,
        size: float = 9.0,
        weight: str = "normal",
        color: str = INK,
        indent: float = 0.0,
        gap: float = 0.0,
    ) -> None:
        inches = self.width - 2 * self.margin - indent
        for line in wrap(text, size, inches, weight):
            self.fig.text(
                self.margin + indent,
                self.y,
                line,
                transform=self.inches,
                fontsize=size,
                weight=weight,
                color=color,
                va="top",
            )
            self.y += size * 1.4 / 72
        self.y += gap

    def bullet(self, text: str, size: float = 9.0, color: str = INK) -> None:
        self.fig.text(self.margin, self.y, "\u2022", transform=self.inches, fontsize=size, va="top")
        self.text(text, size=size, indent=0.16, color=color, gap=0.04)

    def room(self) -> float:
        """Inches left above the foot at the page's least height."""
        return self.least - self.y - FOOT

    def axes(self, height: float, left: float = 0.0, right: float = 0.0) -> Axes:
        """An axes `height` inches high across the page (insets in inches for labels)."""
        x0 = self.margin + left
        x1 = self.width - self.margin - right
        ax = self.fig.add_axes((0.0, 0.0, 1.0, 1.0))
        self.panels.append((ax, self.y, height, x0, x1))
        self.y += height
        self._place()
        return ax

    def _place(self) -> None:
        height = self.fig.get_size_inches()[1]
        for ax, top, h, x0, x1 in self.panels:
            ax.set_position(
                (x0 / self.width, 1 - (top + h) / height, (x1 - x0) / self.width, h / height)
            )

    def finish(self) -> float:
        """Grow the page to fit its content and its foot; return the foot's top, inches."""
        height = max(self.least, self.y + FOOT)
        self.fig.set_size_inches(self.width, height)
        self._place()
        return height - FOOT


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


def _difference_marker(ax: Axes, row: pd.Series, y: float) -> None:
    """B - A in points at height y with its interval, coloured for the better or the worse;
    faint when the interval contains 0."""
    d = row["difference"] * 100
    ax.errorbar(
        [d],
        [y],
        xerr=[[d - row["ci_low"] * 100], [row["ci_high"] * 100 - d]],
        fmt="o",
        color=change_color(row["outcome"], row["difference"]),
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


def _forest(ax: Axes, table: pd.DataFrame, letter: str) -> None:
    """Each outcome's paired difference B - A in points (one scenario's table), with its 95 %
    interval: full colour where the interval excludes 0, faint where it does not; an outcome
    the events force is named as such instead (and leaves the scale to the others). Beside
    each row, the shares with their intervals."""
    outcomes = list(table["outcome"])
    y = np.arange(len(outcomes))[::-1].astype(float)
    row_inches = ax.get_position().height * ax.figure.get_size_inches()[1] / len(outcomes)
    two_lines = row_inches >= TWO_LINE_ROW
    for yi, (_, row) in zip(y, table.iterrows(), strict=True):
        if row["forced"]:
            ax.text(0.5, yi, FORCED_NOTE, transform=ax.get_yaxis_transform(), **FORCED_TEXT)
        else:
            _difference_marker(ax, row, yi)
        ax.annotate(
            _forest_note(row, two_lines),
            xy=(1.0, yi),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.8,
            linespacing=1.1,
            color=MUTED if row["forced"] else INK,
        )
    marks = [" (forced)" if forced else "" for forced in table["forced"]]
    ax.set_yticks(y, [outcome_label(o) + m for o, m in zip(outcomes, marks, strict=True)])
    ax.tick_params(axis="y", labelsize=8)
    for tick, mark in zip(ax.get_yticklabels(), marks, strict=True):
        tick.set_color(MUTED if mark else INK)
    ax.axvline(0, color=INK, lw=0.8)
    ax.set_ylim(-0.6, len(outcomes) - 0.4)
    limits = table.loc[~table["forced"], ["ci_low", "ci_high"]].to_numpy()
    span = max(2.0, float(np.nanmax(np.abs(limits), initial=0.0)) * 100)
    ax.set_xlim(-span * 1.08, span * 1.08)
    ax.set_xlabel(
        f"difference in share of futures, percentage points ({letter} - A; whiskers: 95 % "
        "interval)",
        fontsize=8,
    )
    ax.grid(False, axis="y")


def change_handles() -> list[Line2D]:
    """Legend entries for the colours of differences, which are a judgement."""
    return [
        Line2D([], [], color=GOOD, marker="o", lw=1.3, label="for the better"),
        Line2D([], [], color=BAD, marker="o", lw=1.3, label="for the worse"),
        Line2D([], [], color=EITHER, marker="o", lw=1.3, label="depends on the view"),
    ]


CHANGE_NOTE = (
    "Colour: a judgement of each change for peace and stability (blue better, red worse); "
    "faint: within Monte Carlo error."
)


def _headline_block(page: _Page, table: pd.DataFrame, letter: str) -> None:
    page.text("Headline differences (beyond Monte Carlo error)", 10.5, "bold", gap=0.03)
    candidates = headline_candidates(table)
    for _, row in candidates.head(HEADLINES).iterrows():
        page.bullet(headline(row), 9)
    if candidates.empty:
        page.bullet(NO_DIFFERENCE, 9)
    elif len(candidates) > HEADLINES:
        page.text(
            f"{len(candidates) - HEADLINES} more differ beyond Monte Carlo error (below).",
            8.5,
            indent=0.16,
        )
    forced = forced_sentence(table)
    if forced:
        page.text(forced, 8.5, color=MUTED, gap=0.04)
    page.text(
        f"Headlines: the outcomes whose 95 % interval of {letter} - A excludes 0, largest first. "
        "Share (a-b): its 95 % Wilson interval. 'fewer in k of N futures': futures with the "
        f"outcome under A but not under {letter}; 'more in m': the reverse. 95 % CI of a "
        "difference: "
        "Newcombe's (1998) hybrid score interval for paired proportions (paired: future r of "
        "every scenario meets the same random shocks); p: exact McNemar test of k against m.",
        7.5,
        color=MUTED,
        gap=0.12,
    )


@styled
def _from_text(scenario: Scenario) -> str:
    """' from Jan 2027' when the scenario branches (its `changes:` start then), else ''."""
    return f" from {month_text(month_date(scenario.branch))}" if scenario.branch else ""


def briefing(comparison: Comparison, versus: int = 1) -> Figure:
    """One page: scenario `versus` (1 is B, the second) against A, the first (see the module
    docstring)."""
    if len(comparison.results) < 2:
        raise ValueError("a briefing compares at least two scenarios")
    if not 0 < versus < len(comparison.results):
        raise ValueError(f"versus must name a scenario after A: 1 to {len(comparison.results) - 1}")
    names = comparison.names
    table = comparison.paired_outcomes()
    table = table[table["scenario"] == names[versus]].reset_index(drop=True)
    which = [0, versus]
    base = comparison.results[0]
    fig = plt.figure(figsize=PAGE)
    page = _Page(fig)

    b = f"{LETTERS[versus]}, '{names[versus]}'"
    pages = len(names) - 1
    of = f" (page {versus} of {pages}: each scenario against A)" if pages > 1 else ""
    page.text(
        f"What changes{_from_text(comparison.results[versus].scenario)} with {b} instead of A, "
        f"'{names[0]}'?",
        15,
        "bold",
        gap=0.02,
    )
    page.text(
        f"{base.replicates:,} futures of each scenario, {month_text(base.dates[0])} to "
        f"{month_text(base.dates[-1])}, on common random numbers (seed "
        f"{base.scenario.spec.seed}): future r of every scenario meets the same random shocks, "
        f"so each difference below is the scenarios' doing, not luck{of}.",
        8.5,
        color=MUTED,
        gap=0.12,
    )

    page.text("The scenarios", 10.5, "bold", gap=0.02)
    for k, line, listed in zip(
        which, scenario_lines(comparison, which), _events_text(comparison, which), strict=True
    ):
        page.text(line, 9, color=scenario_color(k) if k else INK, gap=0.02)
        if listed:
            page.text(listed, 8, color=MUTED, indent=0.16)
    page.y += 0.1
    _headline_block(page, table, LETTERS[versus])

    page.text(
        f"Every outcome: {LETTERS[versus]} - A with its 95 % interval (right: share in A -> "
        f"{LETTERS[versus]})",
        10.5,
        "bold",
    )
    page.text(CHANGE_NOTE, 7.5, color=MUTED)
    page.y += 0.08
    rows = len(table)
    wanted = 0.3 * rows + 0.3
    room = page.room() - (0.55 + 0.21 + 0.5) - (LEAST_PANEL + 0.6)  # keep a row of fans
    forest = page.axes(max(0.16 * rows, min(wanted, room)), left=2.45, right=1.75)
    _forest(forest, table, LETTERS[versus])
    page.y += 0.55

    page.text(
        f"How key series differ, future by future ({LETTERS[versus]} - A in the same replicate)",
        10.5,
        "bold",
    )
    page.y += 0.5
    remaining = page.room()
    panel_rows = 2 if remaining >= 2 * (LEAST_PANEL + 0.6) else 1
    panel = min(3.2, max(LEAST_PANEL, remaining / panel_rows - 0.6))
    axes = []
    inner = page.width - 2 * page.margin
    width = (inner - 0.5 - 0.7) / 2
    for _ in range(panel_rows):
        top = page.y
        for col in range(2):
            page.y = top
            left = 0.5 + col * (width + 0.7)
            axes.append(page.axes(panel, left=left, right=inner - left - width))
        page.y += 0.6
    marks = comparison_events(comparison, which)
    draw_differences(axes, comparison, BRIEF_SERIES[: len(axes)], marks, [versus])
    for ax in axes:
        ax.title.set_fontsize(9)
        ax.yaxis.label.set_fontsize(7.5)
        ax.tick_params(labelsize=7.5)
    foot = page.finish()
    legend = scenario_handles(comparison, [versus]) + band_handles() + change_handles()
    fig.legend(
        handles=legend,
        loc="upper center",
        bbox_to_anchor=(page.width / 2, foot + 0.05),
        bbox_transform=page.inches,
        ncol=4,
        fontsize=7.5,
    )
    page.y = foot + FOOT - 0.38
    page.text(
        "Numbered dashed lines: the scenarios' timed events (colour of the scenario). "
        "alliance-sim: an exploratory agent-based model of the June 2024 Russia-DPRK pact; "
        "shares are of simulated futures, not forecasts.",
        7,
        color=MUTED,
    )
    return fig


def briefing_pages(comparison: Comparison) -> list[Figure]:
    """One page for each scenario after the first, against the first."""
    return [briefing(comparison, k) for k in range(1, len(comparison.results))]


def page_names(comparison: Comparison) -> list[str]:
    """briefing.png for two scenarios; briefing_B.png, briefing_C.png, ... for more."""
    if len(comparison.results) == 2:
        return ["briefing.png"]
    return [f"briefing_{LETTERS[k]}.png" for k in range(1, len(comparison.results))]


def save_briefing(comparison: Comparison, folder: Path) -> list[str]:
    """Write the pages as PNGs and all of them in briefing.pdf into `folder`; return the
    files' names."""
    names = comparison.names
    metadata = {
        "Title": f"alliance-sim briefing: {' vs '.join(names)}",
        "Subject": " | ".join(headlines(comparison)) or NO_DIFFERENCE,
    }
    folder.mkdir(parents=True, exist_ok=True)
    files = page_names(comparison)
    with PdfPages(folder / "briefing.pdf", metadata=metadata) as pdf:
        for name, fig in zip(files, briefing_pages(comparison), strict=True):
            fig.savefig(folder / name, dpi=DPI)
            pdf.savefig(fig)
            plt.close(fig)
    return [*files, "briefing.pdf"]
