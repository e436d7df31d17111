"""What every figure shares: actor colours, real-date axes, median-and-band lines, panel grids,
titles, and saving."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.actors import NAMES
from sim.model.recording import SERIES_BY_NAME
from sim.results.run_result import RunResult

COLORS = {
    "dprk": "#b2182b",
    "russia": "#ef8a62",
    "usa": "#2166ac",
    "china": "#d6a000",
    "rok": "#4393c3",
    "japan": "#762a83",
    "eu": "#1b7837",
}
BAND_NOTE = "lines: median of replicates; bands: 10-90 % of replicates"


def date_axis(ax: Axes) -> None:
    """Years on the x axis, a light grid."""
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_minor_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(True, alpha=0.3)


def band(
    ax: Axes,
    result: RunResult,
    name: str,
    column: str | None = None,
    label: str | None = None,
    color: str | None = None,
    scale: float = 1.0,
    quantiles: Sequence[float] = (0.1, 0.9),
) -> None:
    """Median line with a shaded band between two quantiles over replicates."""
    values = result.series(name, column) * scale
    median = np.median(values, axis=1)
    (line,) = ax.plot(result.dates, median, label=label, color=color, lw=1.8)
    if result.replicates > 1:
        low, high = np.quantile(values, quantiles, axis=1)
        ax.fill_between(result.dates, low, high, color=line.get_color(), alpha=0.18, lw=0)


def panel_grid(
    panels: int, cols: int = 3, width: float = 14.0, height: float = 4.2
) -> tuple[Figure, np.ndarray]:
    """A grid of panels sharing dates; the cells beyond `panels` are hidden."""
    rows = -(-panels // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width, height * rows), sharex=True, squeeze=False)
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    return fig, axes


def series_title(name: str, column: str | None) -> str:
    """'South Korea: Military spending'."""
    who = f"{NAMES[column]}: " if column in NAMES else ""
    return f"{who}{SERIES_BY_NAME[name].label}"


def save_figures(figures: dict[str, Figure], folder: Path, tight: bool = False) -> list[str]:
    """Write each figure as folder/<name> and close it; return the names."""
    folder.mkdir(parents=True, exist_ok=True)
    for filename, fig in figures.items():
        fig.savefig(folder / filename, dpi=110, bbox_inches="tight" if tight else None)
        plt.close(fig)
    return list(figures)
