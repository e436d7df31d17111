"""Parameter uncertainty: the `uncertain:` block, its checks, and default ranges.

A scenario may declare a distribution for any actor, world or theatre parameter:

    uncertain:
      rok.reactivity.dprk: {dist: triangular, low: 0.5, high: 2.0, mode: 1.0}
      world.budget_adjustment: {dist: uniform, low: 0.5, high: 2.0}
      dprk.deployment_speed: {dist: normal, mean: 4, sd: 2, low: 1, high: 12}
      world.exercise_boost: {dist: beta, a: 2, b: 5, low: 0, high: 1}

Each replicate draws every declared parameter once, from its own random stream
(sim.model.uncertainty), so replicate r has the same parameters in any batch, chunk or sweep
point (a sweep varies its own parameters, which may not also be uncertain). Ranges must lie
inside the parameter's declared range; at most MAX_UNCERTAIN parameters.

`assumption_ranges()` gives a default range for every parameter whose declared basis is a
modelling assumption: a uniform on the default x (1 - spread) to x (1 + spread), clipped to
the declared range.
"""

import re
from collections.abc import Mapping
from typing import Any

from sim.scenario.checks import Origin, _fail, _param_at
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.scenario.schema import ScenarioSpec, UncertainSpec

MAX_UNCERTAIN = 128
"""Static per-replicate normals reserved for uncertain parameters (randomness.STATIC_LAYOUT)."""


def check_uncertain(spec: ScenarioSpec, origin: Origin) -> None:
    """Every declared path names a parameter; ranges lie inside its declared range; the
    distribution has what it needs. Raises ScenarioError naming file, line and key."""
    if not spec.uncertain:
        return
    if len(spec.uncertain) > MAX_UNCERTAIN:
        raise _fail(origin, ("uncertain",), f"at most {MAX_UNCERTAIN} uncertain parameters")
    swept = set(spec.sweep.parameters) if spec.sweep is not None else set()
    for path, u in spec.uncertain.items():
        loc = ("uncertain", path)
        p = _param_at(origin, loc, path)
        if path in swept:
            raise _fail(origin, loc, "a parameter is either swept or uncertain, not both")
        if not p.low <= u.low < u.high <= p.high:
            raise _fail(
                origin,
                loc,
                f"expected low < high inside {p.range_text}, got {u.low:g} to {u.high:g}",
            )
        need = {"triangular": ("mode",), "normal": ("mean", "sd"), "beta": ("a", "b")}
        for key in need.get(u.dist, ()):
            if getattr(u, key) is None:
                raise _fail(origin, loc, f"a {u.dist} distribution needs '{key}'")
        if u.dist == "triangular" and not u.low <= (u.mode or 0.0) <= u.high:
            raise _fail(origin, (*loc, "mode"), "expected the mode between low and high")


JUDGEMENTS = frozenset(
    {"reactivity", "tension_sensitivity", "exercise_boost", "tech_transfer", "coalition_ties"}
)
"""Parameters whose basis cites the literature for the form, not for the value."""


def is_assumption(p: Param) -> bool:
    """Is the parameter's value a judgement: a basis that says modelling assumption or
    judgement, that cites no year (only article lines), or a named judgement (JUDGEMENTS)?"""
    basis = p.basis.lower()
    return (
        "modelling assumption" in basis
        or "judgement" in basis
        or re.search(r"(19|20)\d\d", basis) is None
        or p.name in JUDGEMENTS
    )


def assumption_ranges(spread: float = 0.5) -> dict[str, dict[str, Any]]:
    """A uniform range, default x (1 -/+ spread) clipped to the declared range, for every
    parameter whose basis is a modelling assumption (each owner, each key of a mapping);
    parameters whose default is 0 are left out (no scale to spread). Use it as a scenario's
    `uncertain:` block: `scenario.with_params(uncertain=assumption_ranges())`."""
    out: dict[str, dict[str, Any]] = {}

    def add(path: str, p: Param, default: float) -> None:
        if default and len(out) < MAX_UNCERTAIN:
            low = max(p.low, default * (1 - spread))
            high = min(p.high, default * (1 + spread))
            if low < high:
                out[path] = {"dist": "uniform", "low": round(low, 6), "high": round(high, 6)}

    for name, p in ACTOR_PARAMS.items():
        if not is_assumption(p) or p.nullable:
            continue
        for actor, default in p.defaults.items():
            if isinstance(default, Mapping):
                for key, value in default.items():
                    add(f"{actor}.{name}.{key}", p, value)
            elif default is not None:
                add(f"{actor}.{name}", p, float(default))
    for table, owner in ((WORLD_PARAMS, "world"), (THEATRE_PARAMS, "ukraine")):
        for name, p in table.items():
            if is_assumption(p):
                add(f"{owner}.{name}", p, float(p.defaults[owner]))  # type: ignore[arg-type]
    return out


def uncertain_paths(uncertain: Mapping[str, UncertainSpec] | None) -> list[str]:
    """Declared paths in slot order (sorted): slot i of the static normals draws path i."""
    return sorted(uncertain or {})
