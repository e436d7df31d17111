"""What every figure shares: the style file, colours, the band convention, real-date axes,
event markers, headers with the scenario's description, panel grids, and saving.

Every figure is drawn under sim/plots/alliance.mplstyle (fonts, grid, spines, the actor colour
cycle); the one band convention is the median with the middle 50 % and 90 % of replicates,
stated in each figure's legend.
"""

import re
import textwrap
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Locator

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
SCENARIO_COLORS = ("#555555", "#c0392b", "#2166ac", "#d6a000", "#1b7837", "#762a83", "#ef8a62")
"""Scenarios of a comparison in order: A grey, B red, then blue, gold, green, purple, orange."""

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
        first = mdates.num2date(vmin).year // self.step * self.step
        last = mdates.num2date(vmax).year + 1
        years = np.arange(first, last + 1, self.step)
        starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        return mdates.date2num(starts)


def date_axis(ax: Axes) -> None:
    """Years on the x axis, a light grid."""
    ax.xaxis.set_major_locator(YearStarts(2))
    ax.xaxis.set_minor_locator(YearStarts(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
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


def band_handles(color: str = MUTED) -> list[Artist]:
    """Legend entries that state the band convention."""
    handles: list[Artist] = [Line2D([], [], color=color, lw=1.8, label="median of replicates")]
    for _, _, alpha, width in reversed(BANDS):
        handles.append(Patch(color=color, alpha=alpha + 0.1, lw=0, label=f"middle {width}"))
    return handles


def panel_grid(
    panels: int, cols: int = 3, width: float = 14.0, height: float = 3.6
) -> tuple[Figure, np.ndarray]:
    """A grid of panels sharing dates (constrained layout); cells beyond `panels` hidden."""
    rows = -(-panels // cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(width, height * rows + 1.4),
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


def scenario_events(scenario: Scenario, horizon: int | None = None) -> list[tuple[int, str]]:
    """(month, label) of a scenario's timed events within the horizon, in date order; events
    in the same month share one label."""
    horizon = scenario.spec.horizon_months if horizon is None else horizon
    by_month: dict[int, list[str]] = {}
    for event in scenario.events:
        month = event.at_month
        if 0 < month <= horizon:
            label = event_label(event.note, event.trigger, list(event.set or {}), 60)
            by_month.setdefault(month, []).append(label)
    return [(m, "; ".join(dict.fromkeys(labels))) for m, labels in sorted(by_month.items())]


def month_text(when: np.datetime64) -> str:
    """'Jun 2034'."""
    return mdates.num2date(mdates.date2num(when)).strftime("%b %Y")


def month_date(month: int) -> np.datetime64:
    first = np.datetime64(START.strftime("%Y-%m"), "M")
    return (first + np.timedelta64(int(month), "M")).astype("datetime64[ns]")


def mark_present(ax: Axes, present: int | None, horizon: int) -> list[Artist]:
    """A solid vertical line at the present (the last observed month, where the history ends
    and the what-ifs branch), labelled 'today' at the foot of the panel; nothing for a run
    without a present or that ends before it."""
    if present is None or not 0 < present < horizon:
        return []
    when = month_date(present)
    return [
        ax.axvline(when, color=INK, lw=1.3, alpha=0.9, zorder=1),
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


def mark_events(
    ax: Axes,
    events: Sequence[tuple[int, str]] | Sequence[tuple[int, str, str]],
    color: str = INK,
    labels: bool = True,
    limit: int = 50,
) -> list[Artist]:
    """Dashed vertical lines at the events' dates, each labelled with its date and short label
    (rotated, at the top of the panel, beside the line). Events are (month, label) or
    (month, label, colour). Events of the same month share one label; a label within four
    months of the previous one goes on the other side of its line, so labels do not overlap."""
    by_month: dict[int, list[tuple[str, str]]] = {}
    for event in events:
        month, text = event[0], event[1]
        by_month.setdefault(month, []).append((text, event[2] if len(event) > 2 else color))
    drawn: list[Artist] = []
    previous: int | None = None
    side = 1
    for month in sorted(by_month):
        when = month_date(month)
        entries = by_month[month]
        for hue in dict.fromkeys(hue for _, hue in entries):
            drawn.append(ax.axvline(when, color=hue, ls=(0, (4, 3)), lw=1.0, alpha=0.8, zorder=1))
        if not labels:
            continue
        side = -side if previous is not None and month - previous < 4 else 1
        previous = month
        each = max(30, limit // len(entries))
        texts = [t if len(t) <= each else event_label(t, None, [], each) for t, _ in entries]
        hues = {hue for _, hue in entries}
        drawn.append(
            ax.annotate(
                f"{month_text(when)}: {'; '.join(texts)}",
                xy=(when, 0.98),
                xycoords=("data", "axes fraction"),
                xytext=(3 * side, 0),
                textcoords="offset points",
                rotation=90,
                ha="left" if side > 0 else "right",
                va="top",
                fontsize=7,
                color=hues.pop() if len(hues) == 1 else INK,
                bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
                zorder=5,
                annotation_clip=False,
            )
        )
    return drawn


# --- Headers ---------------------------------------------------------------------------


def header(
    fig: Figure, title: str, subtitle: str | Sequence[str] = (), note: str | None = None
) -> None:
    """Title (bold), subtitle lines (the scenario's description, wrapped) and a note at the
    top of a constrained-layout figure; the panels are laid out below them."""
    width, height = fig.get_size_inches()
    chars = int(width * 72 / (9.5 * 0.52))
    lines = [(line, 13.0, "bold", INK) for line in textwrap.wrap(title, int(width * 72 / 7.8))]
    for part in [subtitle] if isinstance(subtitle, str) else subtitle:
        lines += [(line, 9.5, "normal", INK) for line in textwrap.wrap(part, chars)]
    if note:
        lines += [(line, 8.5, "normal", MUTED) for line in textwrap.wrap(note, chars + 8)]
    y = 0.12  # inches from the top
    for text, size, weight, color in lines:
        fig.text(0.012, 1 - y / height, text, fontsize=size, weight=weight, color=color, va="top")
        y += size * 1.45 / 72
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, 0, 1, 1 - (y + 0.08) / height))


def run_title(result: RunResult, what: str) -> str:
    s = result.scenario
    n = result.replicates
    plural = "s" if n != 1 else ""
    return f"{what}: scenario '{s.name}', {n:,} replicate{plural}, seed {s.spec.seed}"


def description(scenario: Scenario) -> str:
    return (scenario.spec.description or "").strip()


def save_figures(figures: dict[str, Figure], folder: Path, tight: bool = False) -> list[str]:
    """Write each figure as folder/<name> and close it; return the names."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, fig in figures.items():
        fig.savefig(folder / filename, dpi=110, bbox_inches="tight" if tight else None)
        plt.close(fig)
    return list(figures)
