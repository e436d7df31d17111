"""Plots for exploring: sweeps (heatmaps, sensitivity) and comparisons of scenarios."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from sim.model.recording import KEY_SERIES, SERIES_BY_NAME
from sim.plots.common import date_axis, panel_grid, save_figures, series_title
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


SCENARIO_COLORS = plt.get_cmap("tab10").colors


def _comparison_title(comparison: Comparison) -> str:
    base = comparison.results[0]
    return (
        f"{len(comparison.results)} scenarios on common random numbers: "
        f"{base.replicates} replicates each, seed {base.scenario.spec.seed}"
    )


def compare_fans(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Key series of every scenario overlaid: median and 50 % band across replicates."""
    series = list(series or KEY_SERIES)
    fig, axes = panel_grid(len(series), width=14.5, height=4.3)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        for k, (label, result) in enumerate(zip(comparison.names, comparison.results, strict=True)):
            color = SCENARIO_COLORS[k % len(SCENARIO_COLORS)]
            values = result.series(name, column)
            low, median, high = np.quantile(values, (0.25, 0.5, 0.75), axis=1)
            ax.fill_between(result.dates, low, high, color=color, alpha=0.18, lw=0)
            ax.plot(result.dates, median, color=color, lw=1.8, label=label)
        ax.set(title=series_title(name, column), ylabel=SERIES_BY_NAME[name].unit)
        date_axis(ax)
    axes.flat[0].legend(fontsize=8, title="scenario", title_fontsize=8)
    fig.suptitle(
        f"{_comparison_title(comparison)}\nlines: median; bands: middle 50 % of replicates",
        fontsize=12,
    )
    fig.tight_layout()
    return fig


def compare_outcomes(comparison: Comparison) -> Figure:
    """Outcome shares of every scenario side by side, with 95 % Wilson intervals."""
    table = comparison.outcome_table()
    outcomes = list(dict.fromkeys(table["outcome"]))
    names = comparison.names
    height = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(outcomes) * max(2, len(names)) / 2 + 2))
    y = np.arange(len(outcomes))[::-1]
    for k, name in enumerate(names):
        part = table[table["scenario"] == name].set_index("outcome").loc[outcomes]
        share = part["share"].to_numpy() * 100
        err = np.vstack([share - part["ci_low"] * 100, part["ci_high"] * 100 - share])
        ax.barh(
            y + 0.4 - height * (k + 0.5),
            share,
            height=height * 0.9,
            xerr=err,
            capsize=2,
            color=SCENARIO_COLORS[k % len(SCENARIO_COLORS)],
            label=name,
        )
    ax.set_yticks(y, [o.replace("_", " ") for o in outcomes])
    ax.set(
        xlim=(0, 100),
        xlabel="% of replicates (bars: 95 % Wilson interval)",
        title=_comparison_title(comparison),
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, title="scenario", title_fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def compare_differences(
    comparison: Comparison, series: Sequence[tuple[str, str | None]] | None = None
) -> Figure:
    """Paired differences over time: each scenario minus the first, replicate by replicate."""
    series = list(series or KEY_SERIES)
    base = comparison.results[0]
    fig, axes = panel_grid(len(series), width=14.5, height=4.3)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        reference = base.series(name, column)
        for k, (label, result) in enumerate(
            zip(comparison.names[1:], comparison.results[1:], strict=True), start=1
        ):
            color = SCENARIO_COLORS[k % len(SCENARIO_COLORS)]
            difference = result.series(name, column) - reference
            low, median, high = np.quantile(difference, (0.1, 0.5, 0.9), axis=1)
            ax.fill_between(result.dates, low, high, color=color, alpha=0.18, lw=0)
            ax.plot(
                result.dates, median, color=color, lw=1.8, label=f"{label} - {comparison.names[0]}"
            )
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set(title=series_title(name, column), ylabel=f"difference, {SERIES_BY_NAME[name].unit}")
        date_axis(ax)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(
        f"{_comparison_title(comparison)}\npaired differences against "
        f"'{comparison.names[0]}': median and 10-90 % of replicates",
        fontsize=12,
    )
    fig.tight_layout()
    return fig


def save_comparison_plots(comparison: Comparison, folder: Path) -> None:
    figures = {"fans.png": compare_fans(comparison), "outcomes.png": compare_outcomes(comparison)}
    if len(comparison.results) > 1:
        figures["paired_differences.png"] = compare_differences(comparison)
    save_figures(figures, folder / "plots")
