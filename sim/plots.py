"""Plots for people: real dates, units, legends; medians with bands across replicates."""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.actors import ACTORS, NAMES
from sim.outcomes import OUTCOMES
from sim.parameters import param_for_path
from sim.results import RunResult
from sim.series import SERIES_BY_NAME

if TYPE_CHECKING:
    from sim.compare import Comparison
    from sim.sweep import SweepResult

COLORS = {
    "dprk": "#b2182b", "russia": "#ef8a62", "usa": "#2166ac", "china": "#d6a000",
    "rok": "#4393c3", "japan": "#762a83", "eu": "#1b7837",
}
BAND_NOTE = "lines: median of replicates; bands: 10-90 % of replicates"


def _date_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_minor_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(True, alpha=0.3)


def band(ax: Axes, result: RunResult, name: str, column: str | None = None,
         label: str | None = None, color: str | None = None, scale: float = 1.0,
         quantiles: Sequence[float] = (0.1, 0.9)) -> None:
    """Median line with a shaded band between two quantiles over replicates."""
    values = result.series(name, column) * scale
    median = np.median(values, axis=1)
    (line,) = ax.plot(result.dates, median, label=label, color=color, lw=1.8)
    if result.replicates > 1:
        low, high = np.quantile(values, quantiles, axis=1)
        ax.fill_between(result.dates, low, high, color=line.get_color(), alpha=0.18, lw=0)


def _title(result: RunResult) -> str:
    s = result.scenario
    return (f"Scenario '{s.name}': {result.replicates} replicate"
            f"{'s' if result.replicates != 1 else ''}, seed {s.spec.seed}")


def dashboard(result: RunResult) -> Figure:
    """Six panels: spending growth, regional spending, tension, isolation, sanctions, China."""
    fig, axes = plt.subplots(3, 2, figsize=(13, 12), sharex=True)
    (a, b), (c, d), (e, f) = axes

    for actor in ACTORS:
        base = result.series("spending", actor)[0]
        scale = np.divide(100.0, base, out=np.zeros_like(base), where=base > 0)
        values = result.series("spending", actor) * scale
        a.plot(result.dates, np.median(values, axis=1), color=COLORS[actor], lw=1.8,
               label=NAMES[actor])
    a.set(title="Military spending, all actors", ylabel="index, June 2024 = 100")
    a.legend(fontsize=8, ncol=2)

    for actor in ("rok", "japan", "dprk"):
        band(b, result, "spending", actor, NAMES[actor], COLORS[actor])
    b.set(title="Regional arms race (L15): spending", ylabel="US$ bn a year")
    b.legend(fontsize=8)

    band(c, result, "peninsula_tension", label="DPRK vs South Korea, Japan, US", color="#b2182b")
    band(c, result, "bloc_tension", label="Pact members vs their rivals", color="#ef8a62")
    band(c, result, "us_china_tension", label="US vs China (trade war, L13)", color="#d6a000")
    c.set(title="Tension", ylabel="index, 0 = none, 1 = armed conflict", ylim=(0, 1.02))
    c.legend(fontsize=8)

    band(d, result, "isolation_index", label="Isolation index: ties with the rest",
         color="#2166ac")
    band(d, result, "lifeline_index", label="Lifeline: all trade incl. evasion", color="#1b7837")
    settings = result.scenario.spec.outcomes
    d.axhline(settings.isolation_threshold, color="#2166ac", ls=":", lw=1,
              label=f"isolated at or below {settings.isolation_threshold:g}")
    d.axhline(settings.lifeline_restored, color="#1b7837", ls=":", lw=1,
              label=f"lifeline restored at or above {settings.lifeline_restored:g}")
    d.set(title="Isolating the bloc (L8, L25)", ylabel="June 2024 = 1")
    d.legend(fontsize=8)

    band(e, result, "sanctions_on", "dprk", "sanctions on North Korea", COLORS["dprk"])
    band(e, result, "sanctions_on", "russia", "sanctions on Russia", COLORS["russia"])
    e.set(title="Western sanctions (mean of US, EU, Japan, ROK) and the war trade",
          ylabel="sanction intensity, 0 = none, 1 = embargo", ylim=(0, 1.02))
    right = e.twinx()
    band(right, result, "munitions", label="DPRK munitions to Russia (right axis)",
         color="#555555")
    right.set_ylabel("million rounds a year", color="#555555")
    right.set_ylim(bottom=0)
    handles, labels = e.get_legend_handles_labels()
    more_handles, more_labels = right.get_legend_handles_labels()
    e.legend(handles + more_handles, labels + more_labels, fontsize=8, loc="lower left")

    band(f, result, "china_alignment", label="China's alignment (0 grip, 1 coalition, L13)",
         color=COLORS["china"])
    band(f, result, "dialogue_progress", label="Dialogue progress (L19, L29)", color="#1b7837")
    f.set(title="China's choice and the dialogue track", ylabel="index 0-1", ylim=(0, 1.02))
    f.legend(fontsize=8)

    for ax in axes.flat:
        _date_axis(ax)
    fig.suptitle(f"{_title(result)}\n{BAND_NOTE}", fontsize=12)
    fig.tight_layout()
    return fig


FAN_SERIES: tuple[tuple[str, str | None], ...] = (
    ("spending", "rok"), ("spending", "japan"), ("spending", "dprk"),
    ("peninsula_tension", None), ("isolation_index", None), ("lifeline_index", None),
)


def fan_charts(result: RunResult, series: Sequence[tuple[str, str | None]] = FAN_SERIES
               ) -> Figure:
    """Median with 50 % and 90 % bands across replicates for key series (for R > 1)."""
    cols = 3
    rows = -(-len(series) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(14, 4.2 * rows), sharex=True, squeeze=False)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        spec = SERIES_BY_NAME[name]
        q = result.quantiles(name, column, (0.05, 0.25, 0.5, 0.75, 0.95))
        color = COLORS.get(column or "", "#333333")
        ax.fill_between(q.index, q[0.05], q[0.95], color=color, alpha=0.15, lw=0,
                        label="90 % of replicates")
        ax.fill_between(q.index, q[0.25], q[0.75], color=color, alpha=0.35, lw=0,
                        label="50 % of replicates")
        ax.plot(q.index, q[0.5], color=color, lw=2, label="median")
        who = f"{NAMES[column]}: " if column in NAMES else ""
        ax.set(title=f"{who}{spec.label}", ylabel=spec.unit)
        _date_axis(ax)
        ax.legend(fontsize=8, loc="upper left")
    for ax in axes.flat[len(series):]:
        ax.set_visible(False)
    fig.suptitle(f"{_title(result)}: fan charts", fontsize=12)
    fig.tight_layout()
    return fig


def outcome_shares(result: RunResult) -> Figure:
    """Share of replicates with each outcome, with 95 % Wilson intervals."""
    summary = result.summary()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    y = np.arange(len(summary))[::-1]
    share = summary["share"].to_numpy() * 100
    err = np.vstack([share - summary["ci_low"] * 100, summary["ci_high"] * 100 - share])
    ax.barh(y, share, xerr=err, color="#4393c3", capsize=3)
    ax.set_yticks(y, summary["outcome"].str.replace("_", " "))
    first, last = result.dates[0].strftime("%b %Y"), result.dates[-1].strftime("%b %Y")
    ax.set(xlim=(0, 100), xlabel="% of replicates (bars: 95 % Wilson interval)",
           title=f"{_title(result)}\noutcomes, {first} to {last}")
    for yi, s, high in zip(y, share, summary["ci_high"] * 100, strict=True):
        ax.text(min(high + 1.5, 92), yi, f"{s:.0f} %", va="center", fontsize=9)
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def save_all(result: RunResult, folder: Path) -> list[str]:
    """Write the run's PNGs into `folder`; fan charts only when there are replicates."""
    figures = {"dashboard.png": dashboard(result), "outcomes.png": outcome_shares(result)}
    if result.replicates > 1:
        figures["fan_charts.png"] = fan_charts(result)
    for filename, fig in figures.items():
        fig.savefig(folder / filename, dpi=110)
        plt.close(fig)
    return list(figures)


def _axis_label(path: str) -> str:
    return f"{path} ({param_for_path(path).unit})"


def sweep_heatmaps(result: "SweepResult", outcomes: Sequence[str] | None = None) -> Figure:
    """Share of runs with each outcome over pairs of swept parameters (mean within bins)."""
    from sim.analysis import binned_means

    sweep = result.scenario.spec.sweep
    names = result.design.names
    pairs = list(sweep.heatmaps or ([(names[0], names[1])] if len(names) > 1 else []))
    outcomes = list(outcomes or sweep.outcomes or OUTCOMES)
    if not pairs:
        fig, ax = plt.subplots(figsize=(8, 4))
        for name in outcomes:
            ax.plot(result.shares[names[0]], result.shares[name] * 100, ".", label=name)
        ax.set(xlabel=_axis_label(names[0]), ylabel="% of runs",
               title=f"Sweep '{result.scenario.name}': outcomes over {names[0]}")
        ax.legend(fontsize=8)
        return fig
    fig, axes = plt.subplots(len(pairs), len(outcomes), squeeze=False, layout="constrained",
                             figsize=(3.3 * len(outcomes) + 1.5, 3.3 * len(pairs) + 1.0))
    for row, (a, b) in enumerate(pairs):
        for col, outcome in enumerate(outcomes):
            ax = axes[row, col]
            edges_a, edges_b, means = binned_means(result.design, result.shares, outcome, a, b)
            mesh = ax.pcolormesh(edges_a, edges_b, means.T * 100, vmin=0, vmax=100,
                                 cmap="viridis", shading="flat")
            ax.set_facecolor("#dddddd")
            ax.set_title(outcome.replace("_", " "), fontsize=9)
            ax.set_xlabel(_axis_label(a), fontsize=8)
            if col == 0:
                ax.set_ylabel(_axis_label(b), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.colorbar(mesh, ax=axes, label="% of runs with the outcome (grey: no design point)",
                 shrink=0.8)
    fig.suptitle(f"Sweep '{result.scenario.name}': {len(result.design.values)} points x "
                 f"{result.scenario.spec.replicates} replicates ({result.design.kind} design); "
                 "share of runs, mean within each cell", fontsize=11)
    return fig


def sensitivity_bars(result: "SweepResult") -> Figure:
    """The sensitivity index of each swept parameter for each outcome, with confidence."""
    table = result.sensitivity
    outcomes = list(dict.fromkeys(table["outcome"])) or ["(no outcome varied)"]
    fig, axes = plt.subplots(1, len(outcomes), squeeze=False,
                             figsize=(3.3 * len(outcomes) + 1, 0.5 * len(result.design.names)
                                      + 2.2), sharey=True)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        rows = table[table["outcome"] == outcome]
        y = np.arange(len(result.design.names))
        for k, (index, group) in enumerate(rows.groupby("index", sort=False)):
            group = group.set_index("parameter").reindex(result.design.names)
            ax.barh(y + 0.38 * k, group["value"], height=0.36, xerr=group["conf"].fillna(0),
                    label=index, capsize=2)
        ax.set_yticks(y + 0.19 * (len(rows["index"].unique()) - 1), result.design.names,
                      fontsize=8)
        ax.set_title(outcome.replace("_", " "), fontsize=9)
        ax.set_xlabel("index (share of the outcome's variance, or mu*)", fontsize=8)
        ax.grid(True, axis="x", alpha=0.3)
        ax.legend(fontsize=7)
    method = {"sobol": "Sobol indices", "morris": "Morris mu* and sigma",
              "lhs": "RBD-FAST first-order indices", "grid": "main-effect variance shares"}
    fig.suptitle(f"Sweep '{result.scenario.name}': what drives each outcome "
                 f"({method[result.design.kind]}; bars: 95 % confidence)", fontsize=11)
    fig.tight_layout()
    return fig


def save_sweep_plots(result: "SweepResult", folder: Path) -> None:
    (folder / "plots").mkdir(exist_ok=True)
    for filename, fig in (("heatmaps.png", sweep_heatmaps(result)),
                          ("sensitivity.png", sensitivity_bars(result))):
        fig.savefig(folder / "plots" / filename, dpi=110, bbox_inches="tight")
        plt.close(fig)


SCENARIO_COLORS = plt.get_cmap("tab10").colors


def _series_title(name: str, column: str | None) -> str:
    who = f"{NAMES[column]}: " if column in NAMES else ""
    return f"{who}{SERIES_BY_NAME[name].label}"


def _comparison_title(comparison: "Comparison") -> str:
    base = comparison.results[0]
    return (f"{len(comparison.results)} scenarios on common random numbers: "
            f"{base.replicates} replicates each, seed {base.scenario.spec.seed}")


def compare_fans(comparison: "Comparison",
                 series: Sequence[tuple[str, str | None]] | None = None) -> Figure:
    """Key series of every scenario overlaid: median and 50 % band across replicates."""
    from sim.compare import KEY_SERIES

    series = list(series or KEY_SERIES)
    cols = 3
    rows = -(-len(series) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(14.5, 4.3 * rows), sharex=True, squeeze=False)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        for k, (label, result) in enumerate(zip(comparison.names, comparison.results,
                                                strict=True)):
            color = SCENARIO_COLORS[k % len(SCENARIO_COLORS)]
            values = result.series(name, column)
            low, median, high = np.quantile(values, (0.25, 0.5, 0.75), axis=1)
            ax.fill_between(result.dates, low, high, color=color, alpha=0.18, lw=0)
            ax.plot(result.dates, median, color=color, lw=1.8, label=label)
        ax.set(title=_series_title(name, column), ylabel=SERIES_BY_NAME[name].unit)
        _date_axis(ax)
    for ax in axes.flat[len(series):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, title="scenario", title_fontsize=8)
    fig.suptitle(f"{_comparison_title(comparison)}\nlines: median; bands: middle 50 % of "
                 "replicates", fontsize=12)
    fig.tight_layout()
    return fig


def compare_outcomes(comparison: "Comparison") -> Figure:
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
        ax.barh(y + 0.4 - height * (k + 0.5), share, height=height * 0.9, xerr=err,
                capsize=2, color=SCENARIO_COLORS[k % len(SCENARIO_COLORS)], label=name)
    ax.set_yticks(y, [o.replace("_", " ") for o in outcomes])
    ax.set(xlim=(0, 100), xlabel="% of replicates (bars: 95 % Wilson interval)",
           title=_comparison_title(comparison))
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(fontsize=8, title="scenario", title_fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def compare_differences(comparison: "Comparison",
                        series: Sequence[tuple[str, str | None]] | None = None) -> Figure:
    """Paired differences over time: each scenario minus the first, replicate by replicate."""
    from sim.compare import KEY_SERIES

    series = list(series or KEY_SERIES)
    base = comparison.results[0]
    cols = 3
    rows = -(-len(series) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(14.5, 4.3 * rows), sharex=True, squeeze=False)
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        reference = base.series(name, column)
        for k, (label, result) in enumerate(zip(comparison.names[1:], comparison.results[1:],
                                                strict=True), start=1):
            color = SCENARIO_COLORS[k % len(SCENARIO_COLORS)]
            difference = result.series(name, column) - reference
            low, median, high = np.quantile(difference, (0.1, 0.5, 0.9), axis=1)
            ax.fill_between(result.dates, low, high, color=color, alpha=0.18, lw=0)
            ax.plot(result.dates, median, color=color, lw=1.8, label=f"{label} - "
                    f"{comparison.names[0]}")
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set(title=_series_title(name, column),
               ylabel=f"difference, {SERIES_BY_NAME[name].unit}")
        _date_axis(ax)
    for ax in axes.flat[len(series):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"{_comparison_title(comparison)}\npaired differences against "
                 f"'{comparison.names[0]}': median and 10-90 % of replicates", fontsize=12)
    fig.tight_layout()
    return fig


def save_comparison_plots(comparison: "Comparison", folder: Path) -> None:
    (folder / "plots").mkdir(exist_ok=True)
    figures = {"fans.png": compare_fans(comparison),
               "outcomes.png": compare_outcomes(comparison)}
    if len(comparison.results) > 1:
        figures["paired_differences.png"] = compare_differences(comparison)
    for filename, fig in figures.items():
        fig.savefig(folder / "plots" / filename, dpi=110)
        plt.close(fig)
