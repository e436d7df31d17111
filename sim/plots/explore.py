"""Plots for exploring: sweeps (heatmaps, sensitivity) and comparisons of scenarios."""

import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sim.model.recording import KEY_SERIES, SERIES_BY_NAME
from sim.plots.common import (
    BAND_NOTE,
    INK,
    band_handles,
    date_axis,
    description,
    event_label,
    fan,
    header,
    mark_events,
    mark_present,
    panel_grid,
    save_figures,
    scenario_color,
    scenario_events,
    series_title,
    styled,
)
from sim.plots.labels import outcome_label, parameter_label
from sim.plots.runs import FORCED_BAR, label_share_bar
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


@styled
def sweep_heatmaps(result: SweepResult, outcomes: Sequence[str] | None = None) -> Figure:
    """Share of runs with each outcome over pairs of swept parameters (mean within bins), one
    colour scale per outcome, with the outcome's PRIM box where it restricts the pair."""
    sweep = result.scenario.spec.sweep
    names = result.design.names
    pairs = list(sweep.heatmaps or ([(names[0], names[1])] if len(names) > 1 else []))
    outcomes = list(outcomes or sweep.outcomes or OUTCOMES)
    title = (
        f"Sweep '{result.scenario.name}': {len(result.design.values):,} points x "
        f"{result.scenario.spec.replicates} replicates ({result.design.kind} design)"
    )
    if not pairs:
        fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
        for name in outcomes:
            ax.plot(
                result.shares[names[0]], result.shares[name] * 100, ".", label=outcome_label(name)
            )
        ax.set(xlabel=_axis_label(names[0]), ylabel="% of runs")
        ax.legend()
        header(fig, title, description(result.scenario), "share of runs with each outcome")
        return fig
    fig, axes = plt.subplots(
        len(pairs),
        len(outcomes),
        squeeze=False,
        layout="constrained",
        figsize=(3.6 * len(outcomes) + 0.8, 3.5 * len(pairs) + 1.6),
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
    header(
        fig,
        title,
        description(result.scenario),
        "Share of runs with each outcome, mean within each cell (grey: no design point); each "
        "outcome has its own colour scale. Dashed white: the PRIM box where the outcome is "
        "most likely (scenario discovery).",
    )
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
        figsize=(4.6 * cols + 1.2, (0.5 * len(names) + 1.3) * rows_of_panels + 1.2),
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


def comparison_title(comparison: Comparison, what: str) -> str:
    base = comparison.results[0]
    names = " vs ".join(f"'{n}'" for n in comparison.names)
    return (
        f"{what}: {names}, {base.replicates:,} replicates each on common random numbers "
        f"(seed {base.scenario.spec.seed})"
    )


def scenario_lines(comparison: Comparison) -> list[str]:
    """'A, baseline: The pact as signed ...' for each scenario."""
    return [
        f"{LETTERS[k]}, {name}: {description(result.scenario) or '(no description)'}"
        for k, (name, result) in enumerate(zip(comparison.names, comparison.results, strict=True))
    ]


def comparison_events(comparison: Comparison) -> list[tuple[int, str, str]]:
    """(month, label, colour) of every scenario's events; an event that an earlier scenario
    of the comparison already has (an inherited one) is drawn once, in the earlier colour.
    With several scenarios each label ends with the scenario's letter."""
    seen: set[tuple[int, str]] = set()
    out = []
    several = len(comparison.results) > 1
    for k, result in enumerate(comparison.results):
        for month, text in scenario_events(result.scenario, len(result.dates) - 1):
            if (month, text) in seen:
                continue
            seen.add((month, text))
            if several:
                text = f"{event_label(text, None, [], 24)} [{LETTERS[k]}]"
            out.append((month, text, scenario_color(k)))
    return out


def mark_comparison_events(ax: Axes, comparison: Comparison, labels: bool = True) -> None:
    mark_events(ax, comparison_events(comparison), labels=labels)
    first = comparison.results[0]
    mark_present(ax, first.scenario.present, len(first.dates) - 1)


def scenario_handles(comparison: Comparison, start: int = 0) -> list[Artist]:
    return [
        Line2D([], [], color=scenario_color(k), lw=2.2, label=f"{LETTERS[k]}: {name}")
        for k, name in enumerate(comparison.names)
        if k >= start
    ]


@styled
def compare_fans(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Key series of every scenario overlaid: median, middle 50 % and 90 % of replicates."""
    series = list(series or KEY_SERIES)
    fig, axes = panel_grid(len(series), width=14.5)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        for k, result in enumerate(comparison.results):
            fan(ax, result.dates, result.series(name, column), scenario_color(k))
        ax.set(title=series_title(name, column), ylabel=SERIES_BY_NAME[name].unit)
        date_axis(ax)
        mark_comparison_events(ax, comparison)
    fig.legend(
        handles=scenario_handles(comparison) + band_handles(),
        loc="outside lower center",
        ncol=min(6, len(comparison.names) + 3),
    )
    header(fig, comparison_title(comparison, "Key series"), scenario_lines(comparison), BAND_NOTE)
    return fig


@styled
def compare_outcomes(comparison: Comparison) -> Figure:
    """Outcome shares of every scenario side by side, each with its 95 % Wilson interval;
    a share the scenario's events force is hatched and labelled 'forced'."""
    table = comparison.outcome_table()
    outcomes = list(dict.fromkeys(table["outcome"]))
    names = comparison.names
    height = 0.8 / len(names)
    fig, ax = plt.subplots(
        figsize=(11, 0.32 * len(outcomes) * max(2, len(names)) + 2.6), layout="constrained"
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
    ax.set(xlim=(0, 100), xlabel="% of replicates (whiskers and brackets: 95 % Wilson interval)")
    ax.grid(False, axis="y")
    fig.legend(loc="outside lower center", ncol=len(names), title="scenario")
    notes = None
    if table["forced"].any():
        notes = f"Hatched, 'forced': {FORCED_NOTE}, so certain or impossible by construction."
    header(fig, comparison_title(comparison, "Outcomes"), scenario_lines(comparison), notes)
    return fig


@styled
def compare_differences(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Paired differences over time: each scenario minus the first, replicate by replicate."""
    series = list(series or KEY_SERIES)
    fig, axes = panel_grid(len(series), width=14.5)
    draw_differences(axes.flat, comparison, series)
    fig.legend(
        handles=scenario_handles(comparison, start=1) + band_handles(),
        loc="outside lower center",
        ncol=min(6, len(comparison.names) + 2),
    )
    header(
        fig,
        comparison_title(comparison, "Paired differences"),
        scenario_lines(comparison),
        f"Each scenario minus A ('{comparison.names[0]}') in the same replicate (same random "
        f"shocks); {BAND_NOTE}.",
    )
    return fig


def draw_differences(
    axes: Iterable[Axes],
    comparison: Comparison,
    series: Sequence[tuple[str, str | None]],
    labels: bool = True,
) -> None:
    """Into each axes, one series' paired differences (each scenario minus the first):
    median with the middle 50 % and 90 % of replicates, a zero line, the events."""
    base = comparison.results[0]
    for ax, (name, column) in zip(axes, series, strict=False):
        reference = base.series(name, column)
        for k, result in enumerate(comparison.results[1:], start=1):
            fan(ax, result.dates, result.series(name, column) - reference, scenario_color(k))
        ax.axhline(0.0, color=INK, lw=0.8)
        ax.set(title=series_title(name, column), ylabel=f"difference, {SERIES_BY_NAME[name].unit}")
        date_axis(ax)
        mark_comparison_events(ax, comparison, labels)


def save_comparison_plots(comparison: Comparison, folder: Path) -> None:
    figures = {"fans.png": compare_fans(comparison), "outcomes.png": compare_outcomes(comparison)}
    if len(comparison.results) > 1:
        figures["paired_differences.png"] = compare_differences(comparison)
    save_figures(figures, folder / "plots")
