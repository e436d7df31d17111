"""Plots for exploring: sweeps (heatmaps, sensitivity) and comparisons of scenarios."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
    panel_grid,
    save_figures,
    scenario_color,
    scenario_events,
    series_title,
    styled,
)
from sim.plots.labels import outcome_label
from sim.results.analysis import binned_means
from sim.results.comparison import Comparison
from sim.results.sweep_result import SweepResult
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.paths import parse


def _axis_label(path: str) -> str:
    return f"{path} ({parse(path).param.unit})"


def sweep_heatmaps(result: SweepResult, outcomes: Sequence[str] | None = None) -> Figure:
    """Share of runs with each outcome over pairs of swept parameters (mean within bins)."""
    sweep = result.scenario.spec.sweep
    names = result.design.names
    pairs = list(sweep.heatmaps or ([(names[0], names[1])] if len(names) > 1 else []))
    outcomes = list(outcomes or sweep.outcomes or OUTCOMES)
    if not pairs:
        fig, ax = plt.subplots(figsize=(8, 4))
        for name in outcomes:
            ax.plot(result.shares[names[0]], result.shares[name] * 100, ".", label=name)
        ax.set(
            xlabel=_axis_label(names[0]),
            ylabel="% of runs",
            title=f"Sweep '{result.scenario.name}': outcomes over {names[0]}",
        )
        ax.legend(fontsize=8)
        return fig
    fig, axes = plt.subplots(
        len(pairs),
        len(outcomes),
        squeeze=False,
        layout="constrained",
        figsize=(3.3 * len(outcomes) + 1.5, 3.3 * len(pairs) + 1.0),
    )
    for row, (a, b) in enumerate(pairs):
        for col, outcome in enumerate(outcomes):
            ax = axes[row, col]
            edges_a, edges_b, means = binned_means(result.design, result.shares, outcome, a, b)
            mesh = ax.pcolormesh(
                edges_a, edges_b, means.T * 100, vmin=0, vmax=100, cmap="viridis", shading="flat"
            )
            ax.set_facecolor("#dddddd")
            ax.set_title(outcome.replace("_", " "), fontsize=9)
            ax.set_xlabel(_axis_label(a), fontsize=8)
            if col == 0:
                ax.set_ylabel(_axis_label(b), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.colorbar(
        mesh, ax=axes, label="% of runs with the outcome (grey: no design point)", shrink=0.8
    )
    fig.suptitle(
        f"Sweep '{result.scenario.name}': {len(result.design.values)} points x "
        f"{result.scenario.spec.replicates} replicates ({result.design.kind} design); "
        "share of runs, mean within each cell",
        fontsize=11,
    )
    return fig


def sensitivity_bars(result: SweepResult) -> Figure:
    """The sensitivity index of each swept parameter for each outcome, with confidence."""
    table = result.sensitivity
    outcomes = list(dict.fromkeys(table["outcome"])) or ["(no outcome varied)"]
    fig, axes = plt.subplots(
        1,
        len(outcomes),
        squeeze=False,
        figsize=(3.3 * len(outcomes) + 1, 0.5 * len(result.design.names) + 2.2),
        sharey=True,
    )
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        rows = table[table["outcome"] == outcome]
        y = np.arange(len(result.design.names))
        for k, (index, group) in enumerate(rows.groupby("index", sort=False)):
            group = group.set_index("parameter").reindex(result.design.names)
            ax.barh(
                y + 0.38 * k,
                group["value"],
                height=0.36,
                xerr=group["conf"].fillna(0),
                label=index,
                capsize=2,
            )
        ax.set_yticks(y + 0.19 * (len(rows["index"].unique()) - 1), result.design.names, fontsize=8)
        ax.set_title(outcome.replace("_", " "), fontsize=9)
        ax.set_xlabel("index (share of the outcome's variance, or mu*)", fontsize=8)
        ax.grid(True, axis="x", alpha=0.3)
        ax.legend(fontsize=7)
    method = {
        "sobol": "Sobol indices",
        "morris": "Morris mu* and sigma",
        "lhs": "RBD-FAST first-order indices",
        "grid": "main-effect variance shares",
    }
    fig.suptitle(
        f"Sweep '{result.scenario.name}': what drives each outcome "
        f"({method[result.design.kind]}; bars: 95 % confidence)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def save_sweep_plots(result: SweepResult, folder: Path) -> None:
    save_figures(
        {"heatmaps.png": sweep_heatmaps(result), "sensitivity.png": sensitivity_bars(result)},
        folder / "plots",
        tight=True,
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


def percent_label(share: float) -> str:
    """'0.4 %' under 1 %, '23 %' above."""
    value = share * 100
    return f"{value:.1f} %" if value < 1 else f"{value:.0f} %"


@styled
def compare_outcomes(comparison: Comparison) -> Figure:
    """Outcome shares of every scenario side by side, with 95 % Wilson intervals."""
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
        ax.barh(
            where,
            share,
            height=height * 0.9,
            xerr=err,
            capsize=2,
            error_kw={"lw": 0.9, "ecolor": INK},
            color=scenario_color(k),
            label=f"{LETTERS[k]}: {name}",
        )
        for yi, s, high in zip(where, part["share"], part["ci_high"] * 100, strict=True):
            ax.text(min(high + 1, 94), yi, percent_label(s), va="center", fontsize=7.5)
    ax.set_yticks(y, [outcome_label(o) for o in outcomes])
    ax.set(xlim=(0, 100), xlabel="% of replicates (whiskers: 95 % Wilson interval)")
    ax.grid(False, axis="y")
    ax.legend(loc="lower right", title="scenario")
    header(fig, comparison_title(comparison, "Outcomes"), scenario_lines(comparison))
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
