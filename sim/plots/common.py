"""What every figure shares: the style file, colours, the band convention, real-date axes,
event markers, headers with the scenario's description, panel grids, and saving.

Every figure is drawn under sim/plots/alliance.mplstyle (fonts, grid, spines, the actor colour
cycle); the one band convention is the median with the middle 50 % and 90 % of replicates,
stated in each figure's legend.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path
from matplotlib.ticker import Formatter, Locator, NullLocator

from sim.actors import ACTORS, NAMES
from sim.calendar import START
from sim.model.recording import SERIES_BY_NAME
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario

STYLE = Path(__file__).with_name("alliance.mplstyle")
"""The project's matplotlib style sheet (shipped as package data)."""

_STYLE_COLORS = mpl.rc_params_from_file(STYLE, use_default_template=False)[
    "axes.prop_cycle"
].by_key()["color"]
COLORS = dict(zip(ACTORS, _STYLE_COLORS, strict=True))
"""Actor colours: the style's colour cycle in the order of sim.actors.ACTORS."""

INK = "#333333"
"""Text and neutral lines (medians of an all-replicates reference, markers of events)."""
MUTED = "#777777"
SCENARIO_COLORS = (
    "#555555",
    "#762a83",
    "#e08214",
    "#35978f",
    "#b8860b",
    "#8c510a",
    "#c51b7d",
    "#6b8e23",
    "#5f6b8a",
)
"""Scenarios of a comparison in order: A grey, B purple, then orange, teal, gold, brown,
magenta, olive, slate; none is the red or blue that mark outcomes as undesirable or
desirable (sim.plots.labels)."""

BANDS = ((0.05, 0.95, 0.14, "90 %"), (0.25, 0.75, 0.32, "50 %"))
"""The one band convention: (low quantile, high quantile, opacity, width), widest first."""
BAND_NOTE = "lines: median of replicates; dark band: middle 50 %, light band: middle 90 %"


def styled[**P, T](draw: Callable[P, T]) -> Callable[P, T]:
    """Draw a figure under the project's style sheet."""

    @wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with plt.style.context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def scenario_color(k: int) -> str:
    return SCENARIO_COLORS[k % len(SCENARIO_COLORS)]


def year_of(x: float | np.ndarray) -> np.ndarray:
    """The calendar year of Matplotlib date numbers (days since its epoch), found with numpy:
    mdates.num2date builds a datetime a number, which made most of a time axis's tick work."""
    day = np.datetime64(mdates.get_epoch(), "D") + np.floor(x).astype(np.int64)
    return day.astype("datetime64[Y]").astype(np.int64) + 1970


class YearStarts(Locator):
    """Ticks on 1 January of every `step`-th year (years divisible by `step`) in view: the
    ticks of mdates.YearLocator(step), found with numpy instead of dateutil's rrule, which
    took most of the time of saving a figure (constrained layout redraws ticks often)."""

    def __init__(self, step: int = 1) -> None:
        self.step = step

    def __call__(self) -> np.ndarray:
        low, high = sorted(self.axis.get_view_interval())
        return self.tick_values(low, high)

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        first = int(year_of(vmin)) // self.step * self.step
        last = int(year_of(vmax)) + 1
        years = np.arange(first, last + 1, self.step)
        starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        return mdates.date2num(starts)


class YearLabels(Formatter):
    """'2026' at a tick on 1 January 2026: mdates.DateFormatter("%Y")'s labels, without a
    datetime a label."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return str(year_of(x))


YEAR_LABEL = 0.45
"""Inches a year label ('2026') needs on a time axis, with room on either side."""


def date_axis(ax: Axes) -> None:
    """Years on the x axis, every 1, 2, 5 or 10 years as the panel's width allows (its grid
    cell before layout); a light grid."""
    low, high = ax.get_xlim()
    years = (high - low) / 365.25
    inches = ax.get_position().width * ax.figure.get_size_inches()[0] * 0.85
    step = next((s for s in (1, 2, 5) if years / s <= inches / YEAR_LABEL), 10)
    ax.xaxis.set_major_locator(YearStarts(step))
    ax.xaxis.set_minor_locator(YearStarts(1))
    ax.xaxis.set_major_formatter(YearLabels())
    ax.grid(True, which="major")


def fan(
    ax: Axes,
    dates: np.ndarray,
    values: np.ndarray,
    color: str,
    label: str | None = None,
    lw: float = 1.8,
) -> None:
    """Median line over replicates (axis 1) with the 50 % and 90 % bands."""
    if values.shape[1] > 1:
        for low, high, alpha, _ in BANDS:
            lo, hi = np.quantile(values, (low, high), axis=1)
            ax.fill_between(dates, lo, hi, color=color, alpha=alpha, lw=0)
    ax.plot(dates, np.median(values, axis=1), color=color, lw=lw, label=label)


def band(
    ax: Axes,
    result: RunResult,
    name: str,
    column: str | None = None,
    label: str | None = None,
    color: str | None = None,
    scale: float = 1.0,
) -> None:
    """A series of a run: median with the middle 50 % and 90 % of replicates."""
    fan(ax, result.dates, result.series(name, column) * scale, color or INK, label)


PRESENT_WIDTH = 1.3
"""Line width of the present's vertical line (mark_present) and of its legend entry."""


def band_handles(color: str = MUTED) -> list[Artist]:
    """Legend entries that state the band convention."""
    handles: list[Artist] = [Line2D([], [], color=color, lw=1.8, label="median of replicates")]
    for _, _, alpha, width in reversed(BANDS):
        handles.append(Patch(color=color, alpha=alpha + 0.1, lw=0, label=f"middle {width}"))
    return handles


def panel_grid(
    panels: int, cols: int = 3, width: float = 14.0, height: float = 3.6
) -> tuple[Figure, np.ndarray]:
    """A grid of panels sharing dates (constrained layout; room below for a legend, the header
    adds its own); cells beyond `panels` hidden."""
    rows = -(-panels // cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(width, height * rows + 0.8),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    return fig, axes


def series_title(name: str, column: str | None) -> str:
    """'South Korea: Military spending'."""
    who = f"{NAMES[column]}: " if column in NAMES else ""
    return f"{who}{SERIES_BY_NAME[name].label}"


# --- Text ------------------------------------------------------------------------------


RENDERED = 1.06
"""Text drawn on a canvas is up to this much wider than its outline's measure (hinting)."""


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of text in inches as drawn, in the style's font (measured from the
    glyphs' outlines, with RENDERED to spare)."""
    prop = FontProperties(family=mpl.rcParams["font.family"], size=size, weight=weight)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] / 72 * RENDERED


def wrap(text: str, size: float, inches: float, weight: str = "normal") -> list[str]:
    """Lines of `text` at most `inches` wide (a word longer than that gets a line of its own)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, weight) > inches:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# --- Events ------------------------------------------------------------------------------


def event_label(note: str | None, trigger: str | None, changes: Sequence[str], limit: int) -> str:
    """A short label for an event: its note without article references, cut at a word."""
    if note:
        text = re.sub(r"\s*\(L\d+(?:[,-]\s*L?\d+)*\)", "", note).strip().rstrip(".")
    elif trigger:
        text = trigger.replace("_", " ")
    else:
        text = "set " + ", ".join(changes)
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def event_labels(scenario: Scenario, horizon: int | None = None) -> list[tuple[int, str]]:
    """(month, label) of each of a scenario's timed events within the horizon, in date
    order."""
    horizon = scenario.spec.horizon_months if horizon is None else horizon
    events = [
        (event.at_month, event_label(event.note, event.trigger, list(event.set or {}), 60))
        for event in scenario.events
        if 0 < event.at_month <= horizon
    ]
    return sorted(events, key=lambda event: event[0])


def scenario_events(scenario: Scenario, horizon: int | None = None) -> list[tuple[int, str]]:
    """(month, label) of a scenario's timed events within the horizon, in date order; events
    in the same month share one label."""
    by_month: dict[int, list[str]] = {}
    for month, label in event_labels(scenario, horizon):
        by_month.setdefault(month, []).append(label)
    return [(m, "; ".join(dict.fromkeys(labels))) for m, labels in sorted(by_month.items())]


def month_text(when: np.datetime64) -> str:
    """'Jun 2034'."""
    return mdates.num2date(mdates.date2num(when)).strftime("%b %Y")


def month_date(month: int) -> np.datetime64:
    first = np.datetime64(START.strftime("%Y-%m"), "M")
    return (first + np.timedelta64(int(month), "M")).astype("datetime64[ns]")


@dataclass(frozen=True)
class EventMark:
    """An event (or the events of one month) as drawn: its number on the time axis, its
    month, its label in the key, the colours of its dashed lines, and its number's colour."""

    number: int
    month: int
    text: str
    colors: tuple[str, ...]

    @property
    def color(self) -> str:
        return self.colors[0] if len(self.colors) == 1 else INK

    @property
    def key_text(self) -> str:
        """'[3] Jan 2025: New sanctions packages'."""
        return f"[{self.number}] {month_text(month_date(self.month))}: {self.text}"


def numbered_events(
    events: Sequence[tuple[int, str]] | Sequence[tuple[int, str, str]], color: str = INK
) -> list[EventMark]:
    """Events as (month, label) or (month, label, colour), numbered 1, 2, ... in date order;
    events of the same month share a number."""
    by_month: dict[int, list[tuple[str, str]]] = {}
    for event in events:
        hue = event[2] if len(event) > 2 else color
        by_month.setdefault(event[0], []).append((event[1], hue))
    return [
        EventMark(
            number,
            month,
            "; ".join(dict.fromkeys(text for text, _ in by_month[month])),
            tuple(dict.fromkeys(hue for _, hue in by_month[month])),
        )
        for number, month in enumerate(sorted(by_month), start=1)
    ]


NUMBER_GAP = 0.24
"""Inches between two event numbers on a time axis below which they share one label."""


def _number_groups(ax: Axes, marks: Sequence[EventMark]) -> list[list[EventMark]]:
    """Marks grouped so that each group's number label ('2', '3-5') keeps NUMBER_GAP from the
    next, at the axes' width (its grid cell before layout, a little generous)."""
    low, high = ax.get_xlim()
    inches = ax.get_position().width * ax.figure.get_size_inches()[0] * 0.85
    per_inch = (high - low) / max(inches, 0.1)
    groups: list[list[EventMark]] = []
    for mark in marks:
        x = mdates.date2num(month_date(mark.month))
        if groups and x - mdates.date2num(month_date(groups[-1][0].month)) < NUMBER_GAP * per_inch:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


def mark_present(ax: Axes, present: int | None, horizon: int, label: bool = True) -> list[Artist]:
    """A solid vertical line at the present (the last observed month, where the history ends
    and the what-ifs branch), labelled 'today' at the foot of the panel unless `label` is off
    (a figure whose legend names the line instead: present_handles); nothing for a run
    without a present or that ends before it."""
    if not _within(present, horizon):
        return []
    when = month_date(present)
    line = ax.axvline(when, color=INK, lw=PRESENT_WIDTH, alpha=0.9, zorder=1)
    if not label:
        return [line]
    return [
        line,
        ax.annotate(
            f"today ({month_text(when)})",
            xy=(when, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(-3, 0),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="bottom",
            fontsize=6.5,
            color=INK,
        ),
    ]


def present_handles(present: int | None, horizon: int) -> list[Artist]:
    """The legend entry for mark_present's line, for figures whose panels carry legends of
    their own where the line's label would fall (the dashboard's); none without a present."""
    if not _within(present, horizon):
        return []
    text = f"today ({month_text(month_date(present))}): the observed history ends"
    return [Line2D([], [], color=INK, lw=PRESENT_WIDTH, label=text)]


def _within(present: int | None, horizon: int) -> bool:
    return present is not None and 0 < present < horizon


def mark_events(ax: Axes, marks: Sequence[EventMark], numbers: bool = True) -> list[Artist]:
    """Dashed vertical lines at the events' dates (one per colour) and, above the panel on a
    second time axis, each event's number (events too close to number apart share a label,
    '3-5'); the labels themselves go in the figure's key (header(events=...)), never over the
    data, the titles or the year ticks."""
    drawn: list[Artist] = []
    for mark in marks:
        for hue in mark.colors:
            when = month_date(mark.month)
            drawn.append(ax.axvline(when, color=hue, ls=(0, (4, 3)), lw=1.0, alpha=0.8, zorder=1))
    if not numbers or not marks:
        return drawn
    groups = _number_groups(ax, marks)
    top = ax.secondary_xaxis("top")
    ticks = [mdates.date2num(month_date(group[0].month)) for group in groups]
    labels = [str(g[0].number) if len(g) == 1 else f"{g[0].number}-{g[-1].number}" for g in groups]
    top.set_xticks(ticks, labels)
    top.xaxis.set_minor_locator(NullLocator())
    top.tick_params(axis="x", length=2.5, pad=1, labelsize=7, colors=MUTED)
    for label, group in zip(top.get_xticklabels(), groups, strict=True):
        hues = {mark.color for mark in group}
        label.set(color=hues.pop() if len(hues) == 1 else INK, weight="bold")
    for spine in top.spines.values():
        spine.set_visible(False)
    drawn.append(top)
    return drawn


# --- Headers ---------------------------------------------------------------------------

KEY_TITLE = "Events (numbered above the panels; dashed lines at their dates):"


Row = list[tuple[str, float, str, str, float]]
"""One line of a header: (text, size, weight, colour, x in inches) for each of its columns."""


def _rows(text: str, size: float, weight: str, color: str, inches: float) -> list[Row]:
    return [[(line, size, weight, color, 0.12)] for line in wrap(text, size, inches, weight)]


def _key_rows(marks: Sequence[EventMark], width: float) -> list[Row]:
    """The key to the events' numbers, in columns when there are many."""
    columns = 1 if len(marks) <= 4 or width < 9 else 2 if len(marks) <= 12 or width < 14 else 3
    column_width = (width - 0.3) / columns
    per_column = -(-len(marks) // columns)
    cells: list[list[tuple[str, float, str, str, float]]] = []
    for c in range(columns):
        column = []
        for mark in marks[c * per_column : (c + 1) * per_column]:
            for k, line in enumerate(wrap(mark.key_text, 8.0, column_width - 0.6)):
                column.append(("      " + line if k else line, 8.0, "normal", mark.color, 0))
        cells.append([(t, s, w, h, 0.12 + c * column_width) for t, s, w, h, _ in column])
    return [[column[r] for column in cells if r < len(column)] for r in range(max(map(len, cells)))]


def header(
    fig: Figure,
    title: str,
    subtitle: str | Sequence[str] = (),
    note: str | None = None,
    events: Sequence[EventMark] = (),
) -> None:
    """Title (bold), subtitle lines (the scenario's description, wrapped), a note, and the key
    to the events' numbers, above a constrained-layout figure's panels: the figure grows by
    the header's height, so the panels keep theirs."""
    width, height = fig.get_size_inches()
    inner = width - 0.3
    rows = _rows(title, 13.0, "bold", INK, inner)
    for part in [subtitle] if isinstance(subtitle, str) else subtitle:
        rows += _rows(part, 9.5, "normal", INK, inner)
    if note:
        rows += _rows(note, 8.5, "normal", MUTED, inner)
    if events:
        rows += _rows(KEY_TITLE, 8.5, "bold", INK, inner) + _key_rows(events, width)
    spans = [max(size for _, size, _, _, _ in row) * 1.45 / 72 for row in rows]
    grown = height + 0.12 + sum(spans) + 0.1
    fig.set_size_inches(width, grown)
    top = 0.12  # inches from the top
    for row, span in zip(rows, spans, strict=True):
        for text, size, weight, color, x in row:
            fig.text(
                x / width,
                1 - top / grown,
                text,
                fontsize=size,
                weight=weight,
                color=color,
                va="top",
            )
        top += span
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, 0, 1, 1 - (top + 0.1) / grown))


def run_title(result: RunResult, what: str) -> str:
    s = result.scenario
    n = result.replicates
    plural = "s" if n != 1 else ""
    return f"{what}: scenario '{s.name}', {n:,} replicate{plural}, seed {s.spec.seed}"


def description(scenario: Scenario) -> str:
    return (scenario.spec.description or "").strip()


SAVE_DPI = 110
"""Dots per inch of a saved figure."""

PNG_COMPRESSION = 3
"""zlib's level for a saved PNG (Pillow's default, 6, took 40 % longer to encode the dashboard
for a file 1.7 % smaller; the pixels are the same)."""


def save_figures(figures: dict[str, Figure], folder: Path, tight: bool = False) -> list[str]:
    """Write each figure as folder/<name> and close it; return the names."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, fig in figures.items():
        if not tight:
            lay_out_for_saving(fig, SAVE_DPI)
        fig.savefig(
            folder / filename,
            dpi=SAVE_DPI,
            bbox_inches="tight" if tight else None,
            pil_kwargs={"compress_level": PNG_COMPRESSION},
        )
        plt.close(fig)
    return list(figures)


def lay_out_for_saving(fig: Figure, dpi: float) -> None:
    """Run the figure's layout engine at `dpi`, as savefig does, and take the engine off, so
    that savefig draws the figure once. With an engine on, savefig first draws the whole
    figure with drawing switched off only to run the layout (Figure.draw: the axes' aspects,
    the layout, then every artist: about a third of saving the dashboard), then draws it for
    real. The same pixels (tests/test_plots.py). Figures on other canvases than Agg, or where
    rcParams would put an engine back, are left to savefig."""
    engine = fig.get_layout_engine()
    if (
        engine is None
        or not isinstance(fig.canvas, FigureCanvasAgg)
        or mpl.rcParams["figure.autolayout"]
        or mpl.rcParams["figure.constrained_layout.use"]
    ):
        return
    fig.set_dpi(dpi)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:  # as Figure.draw does before the layout (Figure._get_draw_artists)
        for item in (ax, *ax.get_children()):
            if hasattr(item, "apply_aspect"):
                locator = item.get_axes_locator()
                item.apply_aspect(locator(item, renderer) if locator else None)
    engine.execute(fig)
    fig.set_layout_engine(None)
