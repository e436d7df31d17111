"""Everything the explorer takes from inside `sim` that the package does not export.

The one place to repoint when modules move: the rest of sim.explore imports from `sim`
(the public API) or from here.
"""

from sim.actors import ACTORS, BLOC, NAMES, SANCTIONERS
from sim.outcomes import OUTCOMES
from sim.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.series import SERIES, SERIES_BY_NAME

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
