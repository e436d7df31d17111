"""The hindcast figure: fans of each observed series with the observations on real dates.

One panel per observed series, actor and measure. `level`: the monthly series' median with
its middle 50 % and 90 % of replicates. `growth`: the year-on-year real change of calendar-year
means, one fan point per calendar year the run can measure (mid-year). Each observation is a
point with its low-high range (or +-1 sd) as an error bar, at mid-year for a calendar year and
mid-month for a month: black when inside the model's own 80 % band, hollow when inside only
once the observation's stated uncertainty is allowed for (a miss its noise explains), red when
outside both (a structural miss). The panel title gives each observation's PIT, and the header
says what a PIT is. Every panel at the foot of its column has year labels.
"""

import textwrap
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.actors import NAMES
from sim.execution.conditioning import Conditioning
from sim.plots.common import (
    BAND_NOTE,
    COLORS,
    INK,
    band_handles,
    description,
    fan,
    header,
    panel_grid,
    run_title,
    save_figures,
    series_title,
    styled,
)
from sim.plots.labels import parameter_label
from sim.results.hindcast import PIT_NOTE, Hindcast, observed_ensemble
from sim.scenario.observations import Observation

OUTSIDE = "#c0392b"
WHITE = "#ffffff"


def _when(observation: Observation) -> np.datetime64:
    if observation.is_year:
        return np.datetime64(f"{observation.year}-07-01")
    return np.datetime64(f"{observation.period}-15")


def _growth_years(h: Hindcast, series: str, actor: str) -> tuple[np.ndarray, np.ndarray]:
    """Mid-year dates and (years, R) growth of calendar-year means the run can measure."""
    dates = h.result.dates
    first, last = dates[0].year, dates[-1].year
    years, values = [], []
    for year in range(first + 1, last + 1):
        probe = Observation(series, actor, str(year), "growth", 0.0, None, None, "", "", "low")
        years.append(np.datetime64(f"{year}-07-01"))
        values.append(observed_ensemble(h.result.arrays, probe))
    return np.array(years, dtype="datetime64[ns]"), np.array(values)


def _panel(ax: Axes, h: Hindcast, key: tuple[str, str, str]) -> None:
    series, actor, measure = key
    color = COLORS.get(actor, INK)
    if measure == "level":
        fan(ax, h.result.dates, h.result.series(series, actor), color)
        unit = h.table.loc[h.table["series"] == series, "unit"].iloc[0]
    else:
        dates, values = _growth_years(h, series, actor)
        fan(ax, dates, values * 100, color)
        ax.plot(dates, np.median(values, axis=1) * 100, "o", color=color, ms=4)
        ax.axhline(0.0, color=INK, lw=0.6)
        unit = "real change on the year before, %"
    scale = 100.0 if measure == "growth" else 1.0
    rows = h.table[
        (h.table["series"] == series)
        & (h.table["actor"] == actor)
        & (h.table["measure"] == measure)
    ]
    pits = []
    for obs, (_, row) in zip(_matching(h, key), rows.iterrows(), strict=True):
        x = _when(obs)
        y = obs.value * scale
        low, high = (v * scale for v in _error_bar(obs))
        mark = INK if row["inside_80"] else OUTSIDE
        face = mark if row["inside_80_model"] or not row["inside_80"] else WHITE
        ax.errorbar(
            [x],
            [y],
            yerr=[[y - low], [high - y]],
            fmt="o",
            color=mark,
            mfc=face,
            ms=6,
            capsize=3,
            zorder=5,
        )
        pits.append(f"{obs.period}: PIT {row['pit']:.2f}")
    title = series_title(series, actor if actor in NAMES else None)
    what = "growth" if measure == "growth" else "level"
    ax.set_title(f"{title}, {what}\n{'; '.join(pits)}", fontsize=9.5)
    ax.set_ylabel(unit)
    ax.set_xlim(h.result.dates[0], h.result.dates[-1])
    ax.xaxis.set_major_locator(mdates.YearLocator(1))
    ax.xaxis.set_minor_locator(mdates.MonthLocator((1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(True, which="major")


def _error_bar(obs: Observation) -> tuple[float, float]:
    """The observation's stated range, or value -+ sd, or the value itself."""
    if obs.sd is not None:
        return obs.value - obs.sd, obs.value + obs.sd
    low = obs.low if obs.low is not None else obs.value
    return low, obs.high if obs.high is not None else obs.value


def _label_column_feet(axes: np.ndarray) -> None:
    """Year labels under the lowest visible panel of every column (sharex hides them on
    all but the bottom row, which may be short)."""
    for column in axes.T:
        visible = [ax for ax in column if ax.get_visible()]
        if visible:
            visible[-1].xaxis.set_tick_params(labelbottom=True)


def _matching(h: Hindcast, key: tuple[str, str, str]) -> list[Observation]:
    return [o for o in h.observations if (o.series, o.actor, o.measure) == key]


@styled
def hindcast_plot(h: Hindcast) -> Figure:
    """Fans of every observed series with the observations as points with their ranges."""
    keys = list(dict.fromkeys((o.series, o.actor, o.measure) for o in h.observations))
    fig, axes = panel_grid(len(keys), cols=min(3, len(keys)), height=3.4)
    for ax, key in zip(axes.flat, keys, strict=False):
        _panel(ax, h, key)
    _label_column_feet(axes)
    handles = [
        *band_handles(),
        Line2D(
            [], [], marker="o", ls="", color=INK, label="observed, inside the model's 80 % band"
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=INK,
            mfc=WHITE,
            label="inside only allowing for the observation's uncertainty",
        ),
        Line2D([], [], marker="o", ls="", color=OUTSIDE, label="outside both"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    note = (
        f"{h.summary_text()}. {PIT_NOTE}. {BAND_NOTE}; error bars: the observation's low-high "
        "range (or +-1 sd)."
    )
    header(fig, run_title(h.result, "Hindcast"), description(h.result.scenario), note)
    return fig


def save_hindcast_plot(h: Hindcast, folder: Path) -> list[str]:
    """plots/hindcast.png into `folder`."""
    return save_figures({"hindcast.png": hindcast_plot(h)}, folder)


@styled
def posterior_plot(c: Conditioning) -> Figure:
    """Prior against posterior for each uncertain parameter: histograms of the prior draws
    (grey) and the accepted ones (red), as densities."""
    names = c.parameters
    cols = min(4, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(14.0, 2.6 * rows + 0.6), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax, path in zip(axes.flat, names, strict=False):
        prior, post = c.prior[path].to_numpy(), c.accepted[path].to_numpy()
        bins = np.linspace(prior.min(), prior.max(), 25)
        ax.hist(prior, bins=bins, density=True, color=INK, alpha=0.25, label="prior")
        ax.hist(post, bins=bins, density=True, color=OUTSIDE, alpha=0.6, label="posterior")
        ax.set_title(textwrap.fill(parameter_label(path), 40), fontsize=9.5)
        ax.set_yticks([])
    handles = [
        Patch(color=INK, alpha=0.35, label=f"prior ({len(c.prior):,} draws)"),
        Patch(color=OUTSIDE, alpha=0.6, label=f"posterior ({len(c.accepted):,} accepted)"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2)
    note = (
        f"ABC rejection: the {len(c.accepted):,} of {len(c.prior):,} draws closest to the "
        f"observations (mean normalised squared error <= {c.tolerance:.3g}). Hindcast before: "
        f"{c.before.score.inside} of {c.before.score.n} inside the 80 % band (allowing for "
        "each observation's stated uncertainty), mean CRPS "
        f"{c.before.score.mean_crps:.4g}; after: {c.after.score.inside} of {c.after.score.n}, "
        f"{c.after.score.mean_crps:.4g}."
    )
    header(
        fig,
        f"Prior and posterior: scenario '{c.before.result.scenario.name}'",
        description(c.before.result.scenario),
        note,
    )
    return fig


def save_conditioning_plots(c: Conditioning, folder: Path) -> list[str]:
    """plots/posterior.png, hindcast_before.png and hindcast_after.png into `folder`."""
    return save_figures(
        {
            "posterior.png": posterior_plot(c),
            "hindcast_before.png": hindcast_plot(c.before),
            "hindcast_after.png": hindcast_plot(c.after),
        },
        folder,
    )
