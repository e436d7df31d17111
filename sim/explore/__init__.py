"""The what-if explorer: sliders for a scenario's parameters, B against A on common random
numbers, in a notebook (`Explorer`) or as a local web page (`python -m sim explore`).

The logic (knobs, changes, runs, tables, figures, saving) lives in sim.explore.core and needs
no widgets; sim.explore.widgets is the ipywidgets layer; sim.explore.serve starts Voila.
"""

from sim.explore.core import (
    DEFAULT_SERIES,
    KNOBS,
    START,
    Knob,
    WhatIf,
    branch_label,
    branch_months,
    effective_parameters,
    end_medians,
    fan_figure,
    knob_for,
    outcome_differences,
    parameter_knob,
    parameter_paths,
    parameter_value,
    save_scenario,
    scenario_files,
    series_choices,
    uncertain_note,
)

__all__ = [
    "DEFAULT_SERIES",
    "KNOBS",
    "START",
    "Explorer",
    "Knob",
    "WhatIf",
    "branch_label",
    "branch_months",
    "effective_parameters",
    "end_medians",
    "fan_figure",
    "knob_for",
    "outcome_differences",
    "parameter_knob",
    "parameter_paths",
    "parameter_value",
    "save_scenario",
    "scenario_files",
    "series_choices",
    "uncertain_note",
]


def __getattr__(name: str):  # ipywidgets only when the widget layer is asked for
    if name == "Explorer":
        from sim.explore.widgets import Explorer

        return Explorer
    raise AttributeError(name)
