"""Parameters as arrays with a leading replicate axis, so one model can run a sweep.

Actor parameters become (R, N) arrays (0 where an actor lacks the parameter); mapping
parameters (reactivity, sanction_tightening) become (R, N, N) arrays indexed
[replicate, actor, other]; world and theatre parameters become (R,) arrays. Grievance is
NaN where it is to be calibrated.
"""

from collections.abc import Mapping

import numpy as np

from sim.actors import INDEX, N_ACTORS
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Value
from sim.scenario.paths import parse
from sim.scenario.scenario import Scenario


class Params:
    """Named parameter arrays; `p.fatigue` is an (R, N) array, `p.clash_hazard` an (R,) one."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._arrays = arrays

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["_arrays"][name]
        except KeyError:
            raise AttributeError(name) from None

    def names(self) -> list[str]:
        return list(self._arrays)

    def set(
        self, name: str, value: float | np.ndarray, actor: str | None = None, key: str | None = None
    ) -> None:
        """Set a parameter: one value for every replicate (timed events), or one value per
        replicate, shape (R,) (a sweep's design)."""
        array = self._arrays[name]
        if actor is None:
            array[:] = value
        elif key is None:
            array[:, INDEX[actor]] = value
        else:
            array[:, INDEX[actor], INDEX[key]] = value

    def set_path(self, path: str, value: float | np.ndarray) -> None:
        """Set by dotted path: "china.dialogue", "rok.reactivity.dprk", "world.clash_hazard",
        "ukraine.intensity" (see sim.scenario.paths)."""
        where = parse(path)
        self.set(where.name, value, actor=where.actor, key=where.key)

    @classmethod
    def from_scenario(cls, scenario: Scenario, replicates: int) -> "Params":
        return cls.from_values(_values(scenario), replicates)

    @classmethod
    def defaults(cls, replicates: int = 1) -> "Params":
        """The declared defaults: the 2024 reference behaviour."""
        values: dict[str, dict[str, Value]] = {
            name: dict(p.defaults) for name, p in ACTOR_PARAMS.items()
        }
        values |= {name: {"world": p.defaults["world"]} for name, p in WORLD_PARAMS.items()}
        values |= {name: {"ukraine": p.defaults["ukraine"]} for name, p in THEATRE_PARAMS.items()}
        return cls.from_values(values, replicates)

    @classmethod
    def from_values(cls, values: Mapping[str, Mapping[str, Value]], replicates: int) -> "Params":
        arrays: dict[str, np.ndarray] = {}
        for name, by_owner in values.items():
            if name in ACTOR_PARAMS:
                arrays[name] = _actor_array(name, by_owner, replicates)
            else:
                (value,) = by_owner.values()
                arrays[name] = np.full(replicates, float(value))  # type: ignore[arg-type]
        return cls(arrays)


def _actor_array(name: str, by_actor: Mapping[str, Value], replicates: int) -> np.ndarray:
    p = ACTOR_PARAMS[name]
    if p.keys is not None:
        matrix = np.zeros((N_ACTORS, N_ACTORS))
        for actor, mapping in by_actor.items():
            for other, value in (mapping or {}).items():  # type: ignore[union-attr]
                matrix[INDEX[actor], INDEX[other]] = value
        return np.broadcast_to(matrix, (replicates, N_ACTORS, N_ACTORS)).copy()
    fill = np.nan if p.nullable else 0.0
    row = np.full(N_ACTORS, fill)
    for actor, value in by_actor.items():
        row[INDEX[actor]] = np.nan if value is None else value
    return np.broadcast_to(row, (replicates, N_ACTORS)).copy()


def _values(scenario: Scenario) -> dict[str, dict[str, Value]]:
    values: dict[str, dict[str, Value]] = {
        name: {actor: scenario.param(actor, name) for actor in p.owners}
        for name, p in ACTOR_PARAMS.items()
    }
    values |= {name: {"world": scenario.world(name)} for name in WORLD_PARAMS}
    for name, p in THEATRE_PARAMS.items():
        given = getattr(scenario.spec.ukraine, name)
        values[name] = {"ukraine": p.defaults["ukraine"] if given is None else given}
    return values
