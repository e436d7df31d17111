"""Everything the explorer takes from inside `sim` that the package does not export.

The one place to repoint when modules move: the rest of sim.explore imports from `sim`
(the public API) or from here.
"""

from sim.actors import ACTORS, BLOC, NAMES, SANCTIONERS
from sim.calendar import month_name
from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.plots.common import BANDS, INK, mark_present, month_date, month_text, scenario_color
from sim.plots.labels import DESIRABILITY_NOTE, change_color, outcome_label, parameter_label
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.scenario.schema import UncertainSpec

__all__ = [
    "ACTORS",
    "ACTOR_PARAMS",
    "BANDS",
    "BLOC",
    "DESIRABILITY_NOTE",
    "INK",
    "NAMES",
    "OUTCOMES",
    "SANCTIONERS",
    "SERIES",
    "SERIES_BY_NAME",
    "THEATRE_PARAMS",
    "WORLD_PARAMS",
    "Param",
    "UncertainSpec",
    "change_color",
    "mark_present",
    "month_date",
    "month_name",
    "month_text",
    "outcome_label",
    "parameter_label",
    "scenario_color",
]
