"""Plots for exploring: sweeps (heatmaps, sensitivity) and comparisons of scenarios."""

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sim.model.recording import KEY_SERIES, SERIES_BY_NAME
from sim.plots.common import (
    BAND_NOTE,
    INK,
    EventMark,
    band_handles,
    date_axis,
    description,
    event_labels,
    fan,
    header,
    mark_events,
    mark_present,
    numbered_events,
    panel_grid,
    save_figures,
    scenario_color,
    scenario_events,
    series_title,
    styled,
)
from sim.plots.labels import (
    DESIRABILITY_NOTE,
    ISOLATION,
    outcome_color,
    outcome_label,
    parameter_label,
    share_text,
    with_isolation_partition,
)
from sim.plots.runs import (
    DESIRABILITY_TITLE,
    FORCED_BAR,
    desirability_handles,
    label_share_bar,
)
from sim.results.analysis import binned_means
from sim.results.comparison import Comparison
from sim.results.forced import FORCED_NOTE
from sim.results.sweep_result import SweepResult
from sim.scenario.outcome_settings import OUTCOMES


def _axis_label(path: str) -> str:
    return textwrap.fill(parameter_label(path), 34)


def _prim_box(ax: Axes, result: SweepResult, outcome: str, a: str, b: str) -> None:
    """The outcome's PRIM box (scenario discovery) on the a-b plane, when it restricts a or b."""
    box = result.boxes.get(outcome)
    if box is None or not ({a, b} & set(box.limits)):
        return
    bounds = dict(zip(result.design.names, result.design.bounds, strict=True))
    (xa0, xa1), (xb0, xb1) = box.limits.get(a, bounds[a]), box.limits.get(b, bounds[b])
    ax.add_patch(
        Rectangle((xa0, xb0), xa1 - xa0, xb1 - xb0, fill=False, ec="white", lw=2.2, ls="--")
    )
    ax.text(
        xa0,
        xb1,
        f" PRIM box: density {box.density:.0%},\n coverage {box.coverage:.0%}",
        color="white",
        fontsize=7,
        va="top",
        ha="left",
        weight="bold",
    )


def left_out(shares: pd.DataFrame, outcomes: Sequence[str]) -> tuple[list[str], str | None]:
    """The outcomes worth a heatmap (their share varies across the design) and one line
    naming the others with their constant share, or None when none is left out."""
    kept, dropped = [], []
    for name in outcomes:
        values = shares[name].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size and np.ptp(finite) > 0:
            kept.append(name)
        else:
            share = share_text(float(finite[0])) if finite.size else "no runs"
            dropped.append(f"{outcome_label(name)} ({share} at every point)")
    if not dropped:
        return kept, None
    return kept, "Left out, the same everywhere in the design (an empty map): " + "; ".join(
        dropped
    ) + "."


@styled
def sweep_heatmaps(result: SweepResult, outcomes: Sequence[str] | None = None) -> Figure:
    """Share of runs with each outcome over pairs of swept parameters (mean within bins), one
    colour scale per outcome, with the outcome's PRIM box where it restricts the pair. The
    isolation outcomes come as their partition (holds, fails, neither); an outcome the same
    at every design point has no map, and the notes say so."""
    sweep = result.scenario.spec.sweep
    names = result.design.names
    pairs = list(sweep.heatmaps or ([(names[0], names[1])] if len(names) > 1 else []))
    wanted = with_isolation_partition(list(outcomes or sweep.outcomes or OUTCOMES))
    outcomes, dropped = left_out(result.shares, wanted)
    title = (
        f"Sweep '{result.scenario.name}': {len(result.design.values):,} points x "
        f"{result.scenario.spec.replicates} replicates ({result.design.kind} design)"
    )
    if not pairs or not outcomes:
        fig, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
        for name in outcomes:
            ax.plot(
                result.shares[names[0]], result.shares[name] * 100, ".", label=outcome_label(name)
            )
        ax.set(xlabel=_axis_label(names[0]), ylabel="% of runs")
        if outcomes:
            ax.legend()
        notes = " ".join(filter(None, ["Share of runs with each outcome.", dropped]))
        header(fig, title, description(result.scenario), notes)
        return fig
    fig, axes = plt.subplots(
        len(pairs),
        len(outcomes),
        squeeze=False,
        layout="constrained",
        figsize=(3.6 * len(outcomes) + 0.8, 3.5 * len(pairs) + 0.6),
    )
    for col, outcome in enumerate(outcomes):
        cells = [binned_means(result.design, result.shares, outcome, a, b) for a, b in pairs]
        top = max(float(np.nanmax(m)) if np.isfinite(m).any() else 0.0 for _, _, m in cells)
        vmax = max(1.0, float(np.ceil(top * 100 / 5) * 5))
        for row, ((a, b), (edges_a, edges_b, means)) in enumerate(zip(pairs, cells, strict=True)):
            ax = axes[row, col]
            mesh = ax.pcolormesh(
                edges_a, edges_b, means.T * 100, vmin=0, vmax=vmax, cmap="viridis", shading="flat"
            )
            _prim_box(ax, result, outcome, a, b)
            ax.set_facecolor("#dddddd")
            ax.grid(False)
            ax.set_title(outcome_label(outcome), fontsize=9.5)
            ax.set_xlabel(_axis_label(a), fontsize=8)
            if col == 0:
                ax.set_ylabel(_axis_label(b), fontsize=8)
        fig.colorbar(mesh, ax=axes[:, col], location="bottom", shrink=0.85, label="% of runs")
    notes = (
        "Share of runs with each outcome, mean within each cell (grey: no design point); each "
        "outcome has its own colour scale. Dashed white: the PRIM box where the outcome is "
        "most likely (scenario discovery)."
    )
    header(fig, title, description(result.scenario), " ".join(filter(None, [notes, dropped])))
    return fig


INDEX_WORDS = {
    "sobol": "Sobol indices (S1 first order, ST total)",
    "morris": "Morris mu* and sigma",
    "lhs": "RBD-FAST first-order indices",
    "grid": "main-effect variance shares",
}


@styled
def sensitivity_bars(result: SweepResult) -> Figure:
    """The sensitivity indices of each swept parameter for each outcome, largest first, with
    their 95 % confidence intervals; a note explains negative estimates."""
    table = result.sensitivity
    outcomes = list(dict.fromkeys(table["outcome"])) or ["(no outcome varied)"]
    names = result.design.names
    cols = min(3, len(outcomes))
    rows_of_panels = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(
        rows_of_panels,
        cols,
        squeeze=False,
        figsize=(4.6 * cols + 1.2, (0.5 * len(names) + 1.3) * rows_of_panels + 0.4),
        layout="constrained",
    )
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    negative = False
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        rows = table[table["outcome"] == outcome]
        indices = list(dict.fromkeys(rows["index"]))
        if not indices:
            ax.set_visible(False)
            continue
        first = rows[rows["index"] == indices[0]].set_index("parameter").reindex(names)
        order = first["value"].fillna(-np.inf).sort_values(ascending=True).index
        y = np.arange(len(order))
        height = 0.8 / len(indices)
        for k, index in enumerate(indices):
            group = rows[rows["index"] == index].set_index("parameter").reindex(order)
            negative |= bool((group["value"] < 0).any())
            ax.barh(
                y + 0.4 - height * (k + 0.5),
                group["value"],
                height=height * 0.9,
                xerr=group["conf"].fillna(0),
                capsize=2,
                error_kw={"lw": 0.9, "ecolor": INK},
                color=scenario_color(k + 1),
                label=index,
            )
        ax.axvline(0, color=INK, lw=0.8)
        ax.set_yticks(y, [textwrap.fill(parameter_label(p, unit=False), 30) for p in order])
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title(outcome_label(outcome), fontsize=9.5)
        ax.set_xlabel("index (whiskers: 95 % confidence)", fontsize=8)
        ax.grid(False, axis="y")
        ax.legend(loc="lower right")
    note = "Parameters sorted by the first index, largest at the top."
    asked = list(result.scenario.spec.sweep.outcomes or OUTCOMES)
    missing = [outcome_label(o) for o in asked if o not in outcomes]
    if missing:
        note += (
            " Left out, with nothing to attribute (the same at every design point, or not "
            f"computable from the design): {'; '.join(missing)}."
        )
    note += "".join(f" {line}." for line in table.attrs.get("notes", []))
    if negative:
        note += (
            " A negative index is estimation noise around zero (the true index cannot be "
            "negative): read it as no detectable effect, within its interval."
        )
    header(
        fig,
        f"Sweep '{result.scenario.name}': what drives each outcome "
        f"({INDEX_WORDS[result.design.kind]})",
        description(result.scenario),
        note,
    )
    return fig


def save_sweep_plots(result: SweepResult, folder: Path) -> None:
    save_figures(
        {"heatmaps.png": sweep_heatmaps(result), "sensitivity.png": sensitivity_bars(result)},
        folder / "plots",
    )


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

OVERLAID = 2
"""Up to this many scenarios, a comparison's fans share panels; beyond, small multiples."""


def comparison_title(comparison: Comparison, what: str) -> str:
    base = comparison.results[0]
    names = " vs ".join(f"'{n}'" for n in comparison.names)
    return (
        f"{what}: {names}, {base.replicates:,} replicates each on common random numbers "
        f"(seed {base.scenario.spec.seed})"
    )


def _which(comparison: Comparison, which: Sequence[int] | None) -> list[int]:
    return list(range(len(comparison.results)) if which is None else which)


def scenario_lines(comparison: Comparison, which: Sequence[int] | None = None) -> list[str]:
    """'A, baseline: The pact as signed ...' for each scenario (or those in `which`)."""
    return [
        f"{LETTERS[k]}, {comparison.names[k]}: "
        f"{description(comparison.results[k].scenario) or '(no description)'}"
        for k in _which(comparison, which)
    ]


def comparison_events(
    comparison: Comparison, which: Sequence[int] | None = None
) -> list[EventMark]:
    """The events of every scenario (or those in `which`), numbered in date order; an event
    an earlier scenario already has (an inherited one) is listed once, in the earlier colour.
    With several scenarios each label starts with the scenario's letter."""
    seen: set[tuple[int, str]] = set()
    events = []
    chosen = _which(comparison, which)
    for k in chosen:
        result = comparison.results[k]
        for month, text in event_labels(result.scenario, len(result.dates) - 1):
            if (month, text) in seen:
                continue
            seen.add((month, text))
            who = f"{LETTERS[k]}: " if len(chosen) > 1 else ""
            events.append((month, who + text, scenario_color(k)))
    return numbered_events(events)


def own_marks(
    comparison: Comparison, marks: Sequence[EventMark], which: Sequence[int]
) -> list[EventMark]:
    """The marks at the months of the events of the scenarios in `which` (inherited ones
    included), with only their lines and A's (the colour of an inherited event)."""
    months = set()
    for k in which:
        result = comparison.results[k]
        months |= {m for m, _ in scenario_events(result.scenario, len(result.dates) - 1)}
    ours = {scenario_color(k) for k in [0, *which]}
    return [
        replace(mark, colors=tuple(c for c in mark.colors if c in ours) or mark.colors)
        for mark in marks
        if mark.month in months
    ]


def scenario_handles(comparison: Comparison, which: Sequence[int] | None = None) -> list[Artist]:
    return [
        Line2D(
            [], [], color=scenario_color(k), lw=2.2, label=f"{LETTERS[k]}: {comparison.names[k]}"
        )
        for k in _which(comparison, which)
    ]


def _row_label(name: str, column: str | None, prefix: str = "") -> str:
    return textwrap.fill(f"{series_title(name, column)} ({prefix}{SERIES_BY_NAME[name].unit})", 28)


def _small_multiples(rows: int, cols: int) -> tuple[Figure, np.ndarray]:
    """Panels in rows (one a series) and columns (one a scenario), sharing dates and, within
    a row, the value scale."""
    width = max(11.0, 2.45 * cols + 1.6)
    return plt.subplots(
        rows,
        cols,
        figsize=(width, 2.15 * rows + 0.8),
        sharex=True,
        sharey="row",
        squeeze=False,
        layout="constrained",
    )


def _column_titles(axes: np.ndarray, comparison: Comparison, which: Sequence[int]) -> None:
    for ax, k in zip(axes[0], which, strict=True):
        ax.set_title(f"{LETTERS[k]}: {comparison.names[k]}", color=scenario_color(k), fontsize=9.5)


@styled
def compare_fans(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Key series of every scenario: median, middle 50 % and 90 % of replicates; overlaid
    for up to two scenarios, beyond that one column of panels per scenario (small multiples,
    A's median repeated as a dotted line in the others)."""
    series = list(series or KEY_SERIES)
    marks = comparison_events(comparison)
    if len(comparison.results) > OVERLAID:
        return _fans_small_multiples(comparison, series, marks)
    fig, axes = panel_grid(len(series), width=14.5)
    first = comparison.results[0]
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        for k, result in enumerate(comparison.results):
            fan(ax, result.dates, result.series(name, column), scenario_color(k))
        ax.set(title=series_title(name, column), ylabel=SERIES_BY_NAME[name].unit)
        date_axis(ax)
        mark_events(ax, marks)
        mark_present(ax, first.scenario.present, len(first.dates) - 1)
    fig.legend(
        handles=scenario_handles(comparison) + band_handles(),
        loc="outside lower center",
        ncol=min(6, len(comparison.names) + 3),
    )
    header(
        fig,
        comparison_title(comparison, "Key series"),
        scenario_lines(comparison),
        BAND_NOTE,
        marks,
    )
    return fig


def _fans_small_multiples(
    comparison: Comparison, series: Sequence[tuple[str, str | None]], marks: list[EventMark]
) -> Figure:
    which = list(range(len(comparison.results)))
    fig, axes = _small_multiples(len(series), len(which))
    base = comparison.results[0]
    for row, (name, column) in enumerate(series):
        reference = np.median(base.series(name, column), axis=1)
        for ax, k in zip(axes[row], which, strict=True):
            result = comparison.results[k]
            fan(ax, result.dates, result.series(name, column), scenario_color(k))
            if k:
                ax.plot(base.dates, reference, color=INK, lw=1.0, ls=":")
            date_axis(ax)
            mark_events(ax, own_marks(comparison, marks, [k]), numbers=row == 0)
            mark_present(ax, base.scenario.present, len(base.dates) - 1)
        axes[row, 0].set_ylabel(_row_label(name, column), fontsize=8)
    _column_titles(axes, comparison, which)
    reference = Line2D([], [], color=INK, lw=1.0, ls=":", label="A's median, for reference")
    fig.legend(handles=[*band_handles(), reference], loc="outside lower center", ncol=4, fontsize=8)
    header(
        fig,
        comparison_title(comparison, "Key series"),
        scenario_lines(comparison),
        f"One column per scenario, one row per series (same scale along a row). {BAND_NOTE}.",
        marks,
    )
    return fig


@styled
def compare_outcomes(comparison: Comparison) -> Figure:
    """Outcome shares of every scenario, each with its 95 % Wilson interval; a share the
    scenario's events force is hatched and labelled 'forced'. Up to two scenarios side by
    side in one panel, beyond that one panel per outcome (small multiples). Outcome names
    are coloured by how desirable the outcome is (a judgement, stated in the legend)."""
    table = comparison.outcome_table()
    outcomes = with_isolation_partition(list(dict.fromkeys(table["outcome"])))
    if len(comparison.results) > OVERLAID:
        fig = _outcomes_small_multiples(comparison, table, outcomes)
    else:
        fig = _outcomes_side_by_side(comparison, table, outcomes)
    notes = DESIRABILITY_NOTE
    if table["forced"].any():
        notes += f" Hatched, 'forced': {FORCED_NOTE}, so certain or impossible by construction."
    header(fig, comparison_title(comparison, "Outcomes"), scenario_lines(comparison), notes)
    return fig


def _outcomes_side_by_side(
    comparison: Comparison, table: pd.DataFrame, outcomes: list[str]
) -> Figure:
    names = comparison.names
    height = 0.8 / len(names)
    fig, ax = plt.subplots(
        figsize=(11, 0.32 * len(outcomes) * max(2, len(names)) + 1.2), layout="constrained"
    )
    y = np.arange(len(outcomes))[::-1]
    for k, name in enumerate(names):
        part = table[table["scenario"] == name].set_index("outcome").loc[outcomes]
        share = part["share"].to_numpy() * 100
        err = np.vstack([share - part["ci_low"] * 100, part["ci_high"] * 100 - share])
        where = y + 0.4 - height * (k + 0.5)
        bars = ax.barh(
            where,
            share,
            height=height * 0.9,
            xerr=err,
            capsize=2,
            error_kw={"lw": 0.9, "ecolor": INK},
            color=scenario_color(k),
            label=f"{LETTERS[k]}: {name}",
        )
        for bar, yi, row in zip(bars.patches, where, part.itertuples(), strict=True):
            if row.forced:
                bar.set(**FORCED_BAR)
            label_share_bar(ax, yi, row.share, row.ci_low, row.ci_high, row.forced, 7.5)
    ax.set_yticks(y, [outcome_label(o) for o in outcomes])
    _colour_outcome_ticks(ax, outcomes)
    ax.set(xlim=(0, 100), xlabel="% of replicates (whiskers and brackets: 95 % Wilson interval)")
    ax.grid(False, axis="y")
    handles = [*ax.get_legend_handles_labels()[0]]
    fig.legend(
        handles=handles + desirability_handles(),
        loc="outside lower center",
        ncol=len(names) + 3,
        title=f"bars: scenario; outcome names: {DESIRABILITY_TITLE}",
    )
    return fig


def _colour_outcome_ticks(ax: Axes, outcomes: Sequence[str]) -> None:
    for tick, outcome in zip(ax.get_yticklabels(), outcomes, strict=True):
        tick.set_color(outcome_color(outcome))


def partition_on_one_row(outcomes: list[str], cols: int) -> list[str | None]:
    """Panels in reading order, with empty cells (None) before the isolation outcomes where
    that puts the three of them side by side on one row."""
    if not set(ISOLATION) <= set(outcomes) or cols < len(ISOLATION):
        return list(outcomes)
    first = outcomes.index(ISOLATION[0])
    gap = 0 if first % cols + len(ISOLATION) <= cols else cols - first % cols
    return [*outcomes[:first], *[None] * gap, *outcomes[first:]]


def _outcomes_small_multiples(
    comparison: Comparison, table: pd.DataFrame, outcomes: list[str]
) -> Figure:
    names = comparison.names
    cols = 3 if len(names) < 7 else 2
    cells = partition_on_one_row(outcomes, cols)
    rows = -(-len(cells) // cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(14.5, (0.25 * len(names) + 0.75) * rows + 0.7),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, cell in zip(axes.flat, cells + [None] * (axes.size - len(cells)), strict=True):
        ax.set_visible(cell is not None)
    y = np.arange(len(names))[::-1]
    shown = [(ax, cell) for ax, cell in zip(axes.flat, cells, strict=False) if cell]
    for ax, outcome in shown:
        part = table[table["outcome"] == outcome].set_index("scenario").loc[names]
        share = part["share"].to_numpy() * 100
        err = np.vstack([share - part["ci_low"] * 100, part["ci_high"] * 100 - share])
        bars = ax.barh(
            y,
            share,
            height=0.75,
            xerr=err,
            capsize=2,
            error_kw={"lw": 0.9, "ecolor": INK},
            color=outcome_color(outcome),
        )
        for bar, yi, row in zip(bars.patches, y, part.itertuples(), strict=True):
            if row.forced:
                bar.set(**FORCED_BAR)
            label_share_bar(ax, yi, row.share, row.ci_low, row.ci_high, row.forced, 7)
        ax.set_title(outcome_label(outcome), color=outcome_color(outcome), fontsize=9.5)
        ax.set(xlim=(0, 100))
        ax.grid(False, axis="y")
        ax.tick_params(axis="x", labelsize=7.5)
    for row in axes:
        row[0].set_yticks(y, [f"{LETTERS[k]}: {name}" for k, name in enumerate(names)])
        for tick, k in zip(row[0].get_yticklabels(), range(len(names)), strict=True):
            tick.set_color(scenario_color(k))
    fig.legend(
        handles=desirability_handles(),
        loc="outside lower center",
        ncol=3,
        title="x: % of replicates (whiskers: 95 % Wilson interval); bars and titles: "
        + DESIRABILITY_TITLE,
    )
    return fig


@styled
def compare_differences(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Paired differences over time: each scenario minus the first, replicate by replicate;
    in shared panels for up to OVERLAID scenarios, beyond that one column of panels per
    scenario (small multiples)."""
    series = list(series or KEY_SERIES)
    marks = comparison_events(comparison)
    note = (
        f"Each scenario minus A ('{comparison.names[0]}') in the same replicate (same random "
        f"shocks); {BAND_NOTE}."
    )
    if len(comparison.results) > OVERLAID:
        which = list(range(1, len(comparison.results)))
        fig, axes = _small_multiples(len(series), len(which))
        for row, (name, column) in enumerate(series):
            for ax, k in zip(axes[row], which, strict=True):
                draw_differences([ax], comparison, [(name, column)], marks, [k], row == 0)
                ax.set_title("")
                ax.set_ylabel("")
            axes[row, 0].set_ylabel(_row_label(name, column, "difference, "), fontsize=8)
        _column_titles(axes, comparison, which)
        fig.legend(handles=band_handles(), loc="outside lower center", ncol=3)
        note = "One column per scenario, one row per series (same scale along a row). " + note
    else:
        fig, axes = panel_grid(len(series), width=14.5)
        draw_differences(axes.flat, comparison, series, marks)
        fig.legend(
            handles=scenario_handles(comparison, range(1, len(comparison.results)))
            + band_handles(),
            loc="outside lower center",
            ncol=min(6, len(comparison.names) + 2),
        )
    header(
        fig,
        comparison_title(comparison, "Paired differences"),
        scenario_lines(comparison),
        note,
        marks,
    )
    return fig


def draw_differences(
    axes: Iterable[Axes],
    comparison: Comparison,
    series: Sequence[tuple[str, str | None]],
    marks: Sequence[EventMark] = (),
    which: Sequence[int] | None = None,
    numbers: bool = True,
) -> None:
    """Into each axes, one series' paired differences (each scenario in `which`, by default
    all but the first, minus the first): median with the middle 50 % and 90 % of
    replicates, a zero line, and the events' marks."""
    base = comparison.results[0]
    which = list(range(1, len(comparison.results)) if which is None else which)
    for ax, (name, column) in zip(axes, series, strict=False):
        reference = base.series(name, column)
        for k in which:
            result = comparison.results[k]
            fan(ax, result.dates, result.series(name, column) - reference, scenario_color(k))
        ax.axhline(0.0, color=INK, lw=0.8)
        ax.set(title=series_title(name, column), ylabel=f"difference, {SERIES_BY_NAME[name].unit}")
        date_axis(ax)
        mark_events(ax, own_marks(comparison, marks, [0, *which]), numbers)
        mark_present(ax, base.scenario.present, len(base.dates) - 1)


def save_comparison_plots(comparison: Comparison, folder: Path) -> None:
    figures = {"fans.png": compare_fans(comparison), "outcomes.png": compare_outcomes(comparison)}
    if len(comparison.results) > 1:
        figures["paired_differences.png"] = compare_differences(comparison)
    save_figures(figures, folder / "plots")
