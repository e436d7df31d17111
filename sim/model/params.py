"""Parameters as arrays with a leading replicate axis, so one model can run a sweep.

Actor parameters become (R, N) arrays (0 where an actor lacks the parameter); mapping
parameters (reactivity, sanction_tightening) become (R, N, N) arrays indexed
[replicate, actor, other]; world and theatre parameters become (R,) arrays. Grievance is
NaN where it is to be calibrated.

A parameter every replicate shares (almost all of them, in almost every run) is stored once:
a read-only view of one row broadcast along the replicate axis (stride 0), so the month reads
7 or 49 numbers from cache instead of streaming R copies. The views are read-only, so a
write into one fails loudly; every way of writing goes through the class and first gives the
parameter its own (R, ...) array (`writable`): `set` and `set_path` with values that differ
between replicates (a sweep's design, `uncertain:` draws), an agent's `parameters()`. A
`set` of one value for all replicates (a timed event) keeps it stored once.

The compiled rules take the parameters as one named tuple of read-only arrays (`arrays()`).
A parameter's own array is kept one element wider than its rows (`_own`), so that it has the
same array type as a shared one and the month is compiled once for any mix of the two.
"""

from collections import namedtuple
from collections.abc import Mapping

import numpy as np

from sim.actors import INDEX, N_ACTORS
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Value
from sim.scenario.paths import parse
from sim.scenario.scenario import Scenario


class Params:
    """Named parameter arrays; `p.fatigue` is an (R, N) array, `p.clash_hazard` an (R,) one.

    Read them as arrays; write only through `set`, `set_path` or `writable(name)` (a shared
    parameter is a read-only broadcast view, see the module docstring)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._arrays = {
            name: array if _is_shared(array) else _own(array) for name, array in arrays.items()
        }
        self._compiled: ParamArrays | None = None

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["_arrays"][name]
        except KeyError:
            raise AttributeError(name) from None

    def names(self) -> list[str]:
        return list(self._arrays)

    def is_shared(self, name: str) -> bool:
        """Is this parameter stored once for all replicates (a read-only stride-0 view)?"""
        return _is_shared(self._arrays[name])

    def writable(self, name: str) -> np.ndarray:
        """The parameter's own (R, ...) array, made from the shared row first if need be:
        writing into it changes the parameter (the model reads this array from now on)."""
        array = self._arrays[name]
        if _is_shared(array):
            array = self._arrays[name] = _own(array)
            self._compiled = None
        return array

    def arrays(self) -> "ParamArrays":
        """Every parameter as the compiled rules take it: a named tuple of read-only views
        (a rule never writes a parameter)."""
        if self._compiled is None:
            missing = set(ParamArrays._fields) - set(self._arrays)
            if missing:
                raise KeyError(f"parameters not given: {', '.join(sorted(missing))}")
            self._compiled = ParamArrays(
                *(_read_only(self._arrays[name]) for name in ParamArrays._fields)
            )
        return self._compiled

    def materialize(self) -> "Params":
        """Give every parameter its own (R, ...) array (in place); returns self."""
        for name in self._arrays:
            self.writable(name)
        return self

    def set(
        self, name: str, value: float | np.ndarray, actor: str | None = None, key: str | None = None
    ) -> None:
        """Set a parameter: one value for every replicate (timed events), or one value per
        replicate, shape (R,) (a sweep's design)."""
        array = self._arrays[name]
        where: tuple = (slice(None),)
        if actor is not None:
            where += (INDEX[actor],) if key is None else (INDEX[actor], INDEX[key])
        if _is_shared(array):
            same = _same_for_all(value, array[where].shape)
            if same is not None:  # still one row for all: change the row, keep it shared
                row = np.array(array[0])
                row[where[1:]] = same
                self._arrays[name] = shared(row, array.shape[0])
                self._compiled = None
                return
        self.writable(name)[where] = value

    def __getstate__(self) -> dict:
        """Pickled and deep-copied as stored: a shared parameter as its one row."""
        return {
            name: ("shared", np.array(array[0]), array.shape[0]) if _is_shared(array) else array
            for name, array in self._arrays.items()
        }

    def __setstate__(self, state: dict) -> None:
        self.__init__(
            {
                name: shared(value[1], value[2]) if isinstance(value, tuple) else value
                for name, value in state.items()
            }
        )

    def set_path(self, path: str, value: float | np.ndarray) -> None:
        """Set by dotted path: "china.dialogue", "rok.reactivity.dprk", "world.clash_hazard",
        "ukraine.intensity" (see sim.scenario.paths)."""
        where = parse(path)
        self.set(where.name, value, actor=where.actor, key=where.key)

    def get_path(self, path: str) -> np.ndarray:
        """The values at a dotted path, one per replicate (set_path's inverse)."""
        where = parse(path)
        array = self._arrays[where.name]
        if where.actor is None:
            return array
        if where.key is None:
            return array[:, INDEX[where.actor]]
        return array[:, INDEX[where.actor], INDEX[where.key]]

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
                arrays[name] = shared(np.array(float(value)), replicates)  # type: ignore[arg-type]
        return cls(arrays)


def shared(row: np.ndarray, replicates: int) -> np.ndarray:
    """One row for every replicate: a read-only view of shape (replicates, *row.shape) whose
    stride along the replicates is 0."""
    return np.broadcast_to(row, (replicates, *row.shape))


def _own(values: np.ndarray) -> np.ndarray:
    """A parameter's own (R, ...) array, writable. With several replicates it is stored in a
    buffer one element wider along its last axis: like a shared parameter's view it is then
    not contiguous, so the compiled rules see one array type for both (and compile once);
    with one replicate both are contiguous."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape[0] == 1:
        return np.array(values, order="C")
    if values.ndim == 1:
        own = np.empty((values.shape[0], 2))[:, 0]
    else:
        own = np.empty((*values.shape[:-1], values.shape[-1] + 1))[..., : values.shape[-1]]
    own[...] = values
    return own


def _read_only(array: np.ndarray) -> np.ndarray:
    if not array.flags.writeable:
        return array
    view = array.view()
    view.flags.writeable = False
    return view


def _is_shared(array: np.ndarray) -> bool:
    return array.ndim > 0 and array.strides[0] == 0 and not array.flags.writeable


def _same_for_all(value: float | np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """What `array[where] = value` would write in each replicate (shape[1:]), when it is the
    same bits in all of them (NaN, -0.0 included); None when the replicates differ."""
    try:
        values = np.broadcast_to(np.asarray(value, dtype=float), shape)
    except ValueError:  # an unusual shape: leave it to numpy's assignment
        return None
    if shape[0] == 0:
        return None
    if values.strides[0] != 0:
        bits = values.reshape(shape[0], -1).view(np.int64)
        if not (bits == bits[:1]).all():
            return None
    return values[0].copy()


def _actor_array(name: str, by_actor: Mapping[str, Value], replicates: int) -> np.ndarray:
    p = ACTOR_PARAMS[name]
    if p.keys is not None:
        matrix = np.zeros((N_ACTORS, N_ACTORS))
        for actor, mapping in by_actor.items():
            for other, value in (mapping or {}).items():  # type: ignore[union-attr]
                matrix[INDEX[actor], INDEX[other]] = value
        return shared(matrix, replicates)
    fill = np.nan if p.nullable else 0.0
    row = np.full(N_ACTORS, fill)
    for actor, value in by_actor.items():
        row[INDEX[actor]] = np.nan if value is None else value
    return shared(row, replicates)


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


ParamArrays = namedtuple(
    "ParamArrays", [*ACTOR_PARAMS, *WORLD_PARAMS, *THEATRE_PARAMS], module=__name__
)
"""The parameters as the compiled rules take them (Params.arrays())."""
