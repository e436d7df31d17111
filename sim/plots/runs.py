"""A run's figures: the dashboard, fan charts of key series, and outcome shares."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from sim.actors import ACTORS, NAMES
from sim.model.recording import KEY_SERIES, SERIES_BY_NAME
from sim.plots.common import (
    BAND_NOTE,
    COLORS,
    band,
    date_axis,
    panel_grid,
    save_figures,
    series_title,
)
from sim.results.run_result import RunResult


def _title(result: RunResult) -> str:
    s = result.scenario
    return (
        f"Scenario '{s.name}': {result.replicates} replicate"
        f"{'s' if result.replicates != 1 else ''}, seed {s.spec.seed}"
    )


def dashboard(result: RunResult) -> Figure:
    """Six panels: spending growth, regional spending, tension, isolation, sanctions, China."""
    fig, axes = plt.subplots(3, 2, figsize=(13, 12), sharex=True)
    (a, b), (c, d), (e, f) = axes

    for actor in ACTORS:
        base = result.series("spending", actor)[0]
        scale = np.divide(100.0, base, out=np.zeros_like(base), where=base > 0)
        values = result.series("spending", actor) * scale
        a.plot(
            result.dates, np.median(values, axis=1), color=COLORS[actor], lw=1.8, label=NAMES[actor]
        )
    a.set(
        title="Military spending, all actors (real, constant 2024 US$)",
        ylabel="index, June 2024 = 100",
    )
    a.legend(fontsize=8, ncol=2)

    for actor in ("rok", "japan", "dprk"):
        band(b, result, "spending", actor, NAMES[actor], COLORS[actor])
    b.set(title="Regional arms race (L15): spending", ylabel="constant 2024 US$ bn a year")
    b.legend(fontsize=8)

    band(c, result, "peninsula_tension", label="DPRK vs South Korea, Japan, US", color="#b2182b")
    band(c, result, "bloc_tension", label="Pact members vs their rivals", color="#ef8a62")
    band(c, result, "us_china_tension", label="US vs China (trade war, L13)", color="#d6a000")
    c.set(title="Tension", ylabel="index, 0 = none, 1 = armed conflict", ylim=(0, 1.02))
    c.legend(fontsize=8)

    band(d, result, "isolation_index", label="Isolation index: ties with the rest", color="#2166ac")
    band(d, result, "lifeline_index", label="Lifeline: all trade incl. evasion", color="#1b7837")
    settings = result.scenario.spec.outcomes
    d.axhline(
        settings.isolation_threshold,
        color="#2166ac",
        ls=":",
        lw=1,
        label=f"isolated at or below {settings.isolation_threshold:g}",
    )
    d.axhline(
        settings.lifeline_restored,
        color="#1b7837",
        ls=":",
        lw=1,
        label=f"lifeline restored at or above {settings.lifeline_restored:g}",
    )
    d.set(title="Isolating the bloc (L8, L25)", ylabel="June 2024 = 1")
    d.legend(fontsize=8)

    band(e, result, "sanctions_on", "dprk", "sanctions on North Korea", COLORS["dprk"])
    band(e, result, "sanctions_on", "russia", "sanctions on Russia", COLORS["russia"])
    e.set(
        title="Western sanctions (mean of US, EU, Japan, ROK) and the war trade",
        ylabel="sanction intensity, 0 = none, 1 = embargo",
        ylim=(0, 1.02),
    )
    right = e.twinx()
    band(right, result, "munitions", label="DPRK munitions to Russia (right axis)", color="#555555")
    right.set_ylabel("million rounds a year", color="#555555")
    right.set_ylim(bottom=0)
    handles, labels = e.get_legend_handles_labels()
    more_handles, more_labels = right.get_legend_handles_labels()
    e.legend(handles + more_handles, labels + more_labels, fontsize=8, loc="lower left")

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
        color="#8c6d31",
    )
    band(f, result, "dialogue_progress", label="Dialogue progress (L19, L29)", color="#1b7837")
    f.set(title="China's choice and the dialogue track", ylabel="index 0-1", ylim=(0, 1.02))
    f.legend(fontsize=8)

    for ax in axes.flat:
        date_axis(ax)
    fig.suptitle(f"{_title(result)}\n{BAND_NOTE}", fontsize=12)
    fig.tight_layout()
    return fig


def fan_charts(result: RunResult, series: Sequence[tuple[str, str | None]] = KEY_SERIES) -> Figure:
    """Median with 50 % and 90 % bands across replicates for key series (for R > 1)."""
    fig, axes = panel_grid(len(series))
    for ax, (name, column) in zip(axes.flat, series, strict=False):
        spec = SERIES_BY_NAME[name]
        q = result.quantiles(name, column, (0.05, 0.25, 0.5, 0.75, 0.95))
        color = COLORS.get(column or "", "#333333")
        ax.fill_between(
            q.index, q[0.05], q[0.95], color=color, alpha=0.15, lw=0, label="90 % of replicates"
        )
        ax.fill_between(
            q.index, q[0.25], q[0.75], color=color, alpha=0.35, lw=0, label="50 % of replicates"
        )
        ax.plot(q.index, q[0.5], color=color, lw=2, label="median")
        ax.set(title=series_title(name, column), ylabel=spec.unit)
        date_axis(ax)
        ax.legend(fontsize=8, loc="upper left")
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
    ax.set(
        xlim=(0, 100),
        xlabel="% of replicates (bars: 95 % Wilson interval)",
        title=f"{_title(result)}\noutcomes, {first} to {last}",
    )
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
    return save_figures(figures, folder)
