"""Everything the explorer takes from inside `sim` that the package does not export.

The one place to repoint when modules move: the rest of sim.explore imports from `sim`
(the public API) or from here.
"""

from sim.actors import ACTORS, BLOC, NAMES, SANCTIONERS
from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Param

__all__ = [
    "ACTORS",
    "ACTOR_PARAMS",
    "BLOC",
    "NAMES",
    "OUTCOMES",
    "SANCTIONERS",
    "SERIES",
    "SERIES_BY_NAME",
    "THEATRE_PARAMS",
    "WORLD_PARAMS",
    "Param",
]
