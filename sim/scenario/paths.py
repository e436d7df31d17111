"""Dotted paths, the one way to name a setting outside the YAML tree.

`with_params` changes, events' `set:` and sweeps name settings as dotted paths:
"russia.commitment", "rok.reactivity.dprk", "world.clash_hazard", "ukraine.intensity" (the
parameters), and for `with_params` also "mechanisms.provocations" or
"outcomes.arms_race_growth". This module parses them once for every reader: the scenario
(`key_path`), its checks and the plots (`parse`), and the model's parameter arrays.
"""

from dataclasses import dataclass

from sim.actors import ACTORS
from sim.errors import did_you_mean, unknown_key_message
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.scenario.schema import TOP_LEVEL_KEYS

SECTIONS = ("world", "ukraine", "mechanisms", "outcomes")
"""The scenario sections a dotted path usually starts with, besides an actor id (any
top-level mapping such as `sweep` is accepted too)."""


class PathError(ValueError):
    """A dotted path that names nothing; the message says what is allowed."""


@dataclass(frozen=True)
class ParamPath:
    """A parameter named by a dotted path: its declaration and where it sits."""

    param: Param
    actor: str | None = None  # None for world and theatre parameters
    key: str | None = None  # the other actor of a mapping parameter

    @property
    def name(self) -> str:
        return self.param.name


def known_parameter_paths() -> list[str]:
    """Every parameter path a user can write ('rok.reactivity' stands for its mappings)."""
    known = [f"{o}.{n}" for n, q in ACTOR_PARAMS.items() for o in q.owners]
    return known + [f"world.{n}" for n in WORLD_PARAMS] + [f"ukraine.{n}" for n in THEATRE_PARAMS]


def parse(path: str) -> ParamPath:
    """The parameter a dotted path names; PathError saying what is allowed otherwise."""
    parts = path.split(".")
    if len(parts) in (2, 3) and parts[0] in ACTORS and parts[1] in ACTOR_PARAMS:
        actor, name = parts[0], parts[1]
        p = ACTOR_PARAMS[name]
        if actor not in p.owners:
            raise PathError(
                f"'{name}' is not a parameter of {actor}; it belongs to {', '.join(p.owners)}"
            )
        if (len(parts) == 3) != (p.keys is not None):
            form = f"{actor}.{name}.<actor>" if p.keys else f"{actor}.{name}"
            raise PathError(f"write this parameter as '{form}'")
        key = parts[2] if len(parts) == 3 else None
        if key is not None and (key not in (p.keys or ()) or key == actor):
            raise PathError(f"unknown key '{key}' for {name}")
        return ParamPath(p, actor, key)
    if len(parts) == 2 and parts[0] == "world" and parts[1] in WORLD_PARAMS:
        return ParamPath(WORLD_PARAMS[parts[1]])
    if len(parts) == 2 and parts[0] == "ukraine" and parts[1] in THEATRE_PARAMS:
        return ParamPath(THEATRE_PARAMS[parts[1]])
    hint = did_you_mean(path, known_parameter_paths())
    raise PathError(
        f"{hint}expected '<actor>.<parameter>', 'world.<parameter>' or 'ukraine.intensity'"
    )


def key_path(path: str) -> list[str]:
    """The scenario key path of a dotted path: "russia.commitment" -> ["actors", "russia",
    "commitment"]; sections stay as they are. PathError if it starts with no actor or section.
    """
    parts = path.split(".")
    if parts[0] in ACTORS:
        return ["actors", *parts]
    if parts[0] not in TOP_LEVEL_KEYS or len(parts) == 1:
        raise PathError(
            unknown_key_message(parts[0], [*ACTORS, *SECTIONS], noun="actor or section")
            + "; write '<actor>.<parameter>' or '<section>.<key>'"
        )
    return parts
