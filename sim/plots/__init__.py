"""Plots layer: figures for people, from results only (real dates, units, legends)."""

from sim.plots.common import band, date_axis
from sim.plots.explore import (
    compare_differences,
    compare_fans,
    compare_outcomes,
    sensitivity_bars,
    sweep_heatmaps,
)
from sim.plots.runs import dashboard, fan_charts, outcome_shares

__all__ = [
    "band",
    "compare_differences",
    "compare_fans",
    "compare_outcomes",
    "dashboard",
    "date_axis",
    "fan_charts",
    "outcome_shares",
    "sensitivity_bars",
    "sweep_heatmaps",
]
