"""Scenario errors: where each key was written, messages that say what is allowed, and the
checks that span keys (events, sweeps, symmetric relations)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.actors import ACTORS
from sim.calendar import month_name
from sim.errors import ScenarioError, unknown_key_message
from sim.scenario.outcome_settings import OutcomeSettings
from sim.scenario.parameters import ACTOR_PARAMS, MECHANISMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.scenario.paths import PathError, parse
from sim.scenario.schema import (
    FIRST_ENACTED_YEAR,
    NAME_RULE,
    TOP_LEVEL_KEYS,
    TRIGGERS,
    ChangeSpec,
    EnactedBudget,
    EventSpec,
    ScenarioSpec,
    SweepSpec,
    actor_model,
)
from sim.scenario.yaml_source import KeyPath, dotted


@dataclass(frozen=True)
class Origin:
    """Where each key of a merged scenario was written."""

    path: Path | None
    sources: tuple[Path, ...]
    provenance: dict[KeyPath, tuple[Path, int | None]]

    def locate(self, key_path: KeyPath) -> tuple[str, int | None]:
        for depth in range(len(key_path), 0, -1):
            hit = self.provenance.get(tuple(key_path[:depth]))
            if hit is not None:
                return str(hit[0]), hit[1]
        return (str(self.path) if self.path else "<scenario>"), None


def first_error(exc: ValidationError, origin: Origin) -> ScenarioError:
    """The first of pydantic's errors in file order, as one ScenarioError."""
    errors = sorted(exc.errors(), key=lambda e: origin.locate(_loc(e))[1] or 0)
    return to_scenario_error(errors[0], origin)


def _loc(error: Mapping[str, Any]) -> KeyPath:
    return tuple(part for part in error["loc"] if part != "[key]")


_UNION_MEMBER = re.compile(r"float|int|str|bool|[a-z_-]+\[.*\]")
"""How pydantic names a union member in an error's location ("dict[...]", "tuple[...]")."""


def to_scenario_error(error: Mapping[str, Any], origin: Origin) -> ScenarioError:
    loc = _loc(error)
    # pydantic reports union members (e.g. "float", "dict[...]") in the location; drop them.
    kept: list[str | int] = []
    for p in loc:  # a key the user wrote stays, even if it looks like a union member
        union = isinstance(p, str) and _UNION_MEMBER.fullmatch(p)
        if not union or (*kept, p) in origin.provenance:
            kept.append(p)
    loc = tuple(kept)
    path, line = origin.locate(loc)
    key = dotted(loc)
    got = error.get("input")
    kind = error["type"]
    if kind == "extra_forbidden":
        return ScenarioError(path, line, key, _extra_message(loc))
    if kind == "missing":
        return ScenarioError(path, line, dotted(loc[:-1]), f"missing '{loc[-1]}'")
    if kind == "literal_error" and "[key]" in error["loc"]:
        bad_key = error["loc"][-2] if error["loc"][-1] == "[key]" else loc[-1]
        return ScenarioError(
            path, line, key, f"unknown key '{bad_key}'; expected one of {error['ctx']['expected']}"
        )
    expected = _expected(loc) or _pydantic_expectation(error)
    return ScenarioError(path, line, key, f"expected {expected}, got {_show(got)}")


def _extra_message(loc: KeyPath) -> str:
    bad = str(loc[-1])
    parent = loc[:-1]
    if parent == ():
        return unknown_key_message(bad, TOP_LEVEL_KEYS)
    if parent == ("actors",):
        return unknown_key_message(bad, ACTORS, noun="actor")
    if len(parent) == 3 and parent[0] == "actors" and parent[2] == "initial":
        model = actor_model(str(parent[1])).model_fields["initial"].annotation
        allowed = next(a for a in model.__args__ if a is not type(None)).model_fields
        return unknown_key_message(bad, allowed, noun=f"initial value of {parent[1]}")
    if len(parent) == 2 and parent[0] == "actors":
        actor = str(parent[1])
        owners = ACTOR_PARAMS[bad].owners if bad in ACTOR_PARAMS else ()
        if owners:
            return f"'{bad}' is not a parameter of {actor}; it belongs to {', '.join(owners)}"
        allowed = [n for n, p in ACTOR_PARAMS.items() if actor in p.owners]
        allowed += ["initial", "enacted_budgets"]
        return unknown_key_message(bad, allowed, noun=f"parameter of {actor}")
    if parent == ("world",):
        return unknown_key_message(bad, WORLD_PARAMS, noun="world parameter")
    if parent == ("mechanisms",):
        return unknown_key_message(bad, MECHANISMS, noun="mechanism")
    if parent == ("ukraine",):
        return unknown_key_message(bad, THEATRE_PARAMS, noun="theatre parameter")
    if parent == ("outcomes",):
        return unknown_key_message(bad, OutcomeSettings.model_fields, noun="outcome setting")
    if len(parent) == 2 and parent[0] == "events":
        return unknown_key_message(bad, EventSpec.model_fields, noun="event key")
    if len(parent) == 2 and parent[0] == "changes":
        return unknown_key_message(
            bad, ("from", "set", "trigger", "between", "note"), noun="change key"
        )
    if parent == ("sweep",):
        return unknown_key_message(bad, SweepSpec.model_fields, noun="sweep key")
    return f"unknown key '{bad}'"


def _expected(loc: KeyPath) -> str | None:
    """What the declared parameter at `loc` accepts, from the parameter tables."""
    p: Param | None = None
    if loc == ("name",):
        return NAME_RULE
    if loc[:1] == ("outcomes",) and loc[1:2] == ("rival_pairs",):
        return "a list of pairs of two different actor ids, such as [[rok, dprk]]"
    if len(loc) >= 3 and loc[0] == "actors" and loc[2] in ACTOR_PARAMS:
        p = ACTOR_PARAMS[str(loc[2])]
    elif len(loc) == 2 and loc[0] == "world":
        p = WORLD_PARAMS.get(str(loc[1]))
    elif len(loc) == 2 and loc[0] == "ukraine":
        p = THEATRE_PARAMS.get(str(loc[1]))
    if p is None:
        return None
    if p.keys is not None and len(loc) == 3:
        return f"a mapping from actor ids to numbers from {p.range_text}"
    return f"a number from {p.range_text}" + (" or null" if p.nullable else "")


def _pydantic_expectation(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    bounds = {
        "greater_than_equal": f"a value of at least {ctx.get('ge')}",
        "less_than_equal": f"a value of at most {ctx.get('le')}",
        "greater_than": f"a value above {ctx.get('gt')}",
        "less_than": f"a value below {ctx.get('lt')}",
        "int_type": "a whole number",
        "float_type": "a number",
        "bool_type": "true or false",
        "string_type": "text",
        "dict_type": "a mapping",
        "list_type": "a list",
        "model_type": "a mapping",
        "tuple_type": "a list of two actor ids",
        "literal_error": f"one of {ctx.get('expected')}",
        "finite_number": "a finite number",
        "too_short": "a longer list",
        "too_long": "a shorter list",
    }
    return bounds.get(kind, error["msg"].removeprefix("Input should be ").lower())


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- Checks that span keys ---------------------------------------------------------------


def check_consistency(spec: ScenarioSpec, origin: Origin) -> None:
    """Checks no single key can make: events, sweeps, relations given from both sides."""
    for i, event in enumerate(spec.events):
        _check_event(spec, i, event, origin)
    present = _check_present(spec, origin)
    if spec.outcomes.window == "after_present":
        _check_future_window(spec, present, origin)
    for i, change in enumerate(spec.changes):
        _check_change(spec, i, change, present, origin)
    _check_symmetric(spec, "tension", origin)
    _check_enacted_budgets(spec, origin)
    for i, (a, b) in enumerate(spec.outcomes.rival_pairs):
        if a == b:
            raise _fail(
                origin,
                ("outcomes", "rival_pairs", i),
                f"a rival pair needs two different actors, got [{a}, {b}]",
            )
    if spec.sweep is not None:
        _check_sweep(spec.sweep, origin)


def _fail(origin: Origin, loc: KeyPath, message: str) -> ScenarioError:
    path, line = origin.locate(loc)
    return ScenarioError(path, line, dotted(loc), message)


def _check_event(spec: ScenarioSpec, i: int, event: EventSpec, origin: Origin) -> None:
    loc: KeyPath = ("events", i)
    if (event.month is None) == (event.date is None):
        raise _fail(
            origin,
            loc,
            "give exactly one of 'month: N' (months after June 2024) or 'date: YYYY-MM'",
        )
    try:
        month = event.at_month
    except ValueError:
        raise _fail(
            origin, (*loc, "date"), f"expected a date as YYYY-MM, got {str(event.date)!r}"
        ) from None
    if month < 1:
        raise _fail(origin, (*loc, "date"), f"{event.date} is not after the start, 2024-06")
    if month > spec.horizon_months:
        raise _fail(
            origin, loc, f"month {month} is after the horizon ({spec.horizon_months} months)"
        )
    _check_action(origin, loc, event)


def _check_present(spec: ScenarioSpec, origin: Origin) -> int | None:
    """The present's month (None without one), refusing a malformed or early date."""
    try:
        present = spec.present_month
    except ValueError:
        raise _fail(
            origin, ("present",), f"expected a date as YYYY-MM, got {str(spec.present)!r}"
        ) from None
    if present is not None and present < 0:
        raise _fail(origin, ("present",), f"{spec.present} is before the start, 2024-06")
    return present


def _check_future_window(spec: ScenarioSpec, present: int | None, origin: Origin) -> None:
    """Outcomes judged after the present need a present and a horizon beyond it."""
    if present is None:
        raise _fail(
            origin,
            ("outcomes", "window"),
            "after_present needs a present: this scenario does not extend history.yaml "
            "(use whole_run)",
        )
    if spec.horizon_months <= present:
        raise _fail(
            origin,
            ("outcomes", "window"),
            f"after_present needs a horizon beyond the present ({month_name(present)})",
        )


def _check_change(
    spec: ScenarioSpec, i: int, change: ChangeSpec, present: int | None, origin: Origin
) -> None:
    """A change starts after the present (unless the scenario is a counterfactual) and no
    later than the horizon, and sets parameters to values in their ranges."""
    loc: KeyPath = ("changes", i)
    try:
        month = change.at_month(present)
    except ValueError:
        if change.from_ is None:
            raise _fail(
                origin,
                loc,
                "this scenario has no present (it does not extend history.yaml): give the "
                "month the change starts as 'from: YYYY-MM'",
            ) from None
        raise _fail(
            origin, (*loc, "from"), f"expected a date as YYYY-MM, got {str(change.from_)!r}"
        ) from None
    if month < 1:
        raise _fail(origin, (*loc, "from"), f"{change.from_} is not after the start, 2024-06")
    if present is not None and month <= present and not spec.counterfactual:
        raise _fail(
            origin,
            (*loc, "from"),
            f"{change.from_} is not after the present ({month_name(present)}, the last "
            f"observed month): a change acts from {month_name(present + 1)} on, or write "
            "'counterfactual: true' to rewrite the observed history",
        )
    if month > spec.horizon_months:
        raise _fail(
            origin,
            loc,
            f"{month_name(month)} is after the horizon ({spec.horizon_months} months, "
            f"{month_name(spec.horizon_months)})",
        )
    _check_action(origin, loc, change)


def _check_action(origin: Origin, loc: KeyPath, event: EventSpec | ChangeSpec) -> None:
    """An event or change sets parameters or triggers a step, not both, with valid values."""
    if (event.set is None) == (event.trigger is None):
        raise _fail(
            origin,
            loc,
            f"give exactly one of 'set: {{path: value}}' or 'trigger: {' | '.join(TRIGGERS)}'",
        )
    if (event.trigger in ("armed_clash", "war")) != (event.between is not None):
        raise _fail(
            origin,
            loc,
            "'trigger: armed_clash' (or war) needs 'between: [bloc member, rival]' "
            "and 'between' needs that trigger",
        )
    for path, value in (event.set or {}).items():
        _check_event_setting(origin, (*loc, "set", path), path, value)


def _check_event_setting(origin: Origin, loc: KeyPath, path: str, value: Any) -> None:
    _check_value(origin, loc, _param_at(origin, loc, path), value)


def _param_at(origin: Origin, loc: KeyPath, path: str) -> Param:
    """The parameter a dotted path names (events' `set:` and sweeps), or a ScenarioError."""
    try:
        p = parse(path).param
    except PathError as error:
        raise _fail(origin, loc, str(error)) from None
    return p


def _check_value(origin: Origin, loc: KeyPath, p: Param, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _fail(origin, loc, f"expected a number from {p.range_text}, got {_show(value)}")
    if not p.low <= value <= p.high:
        raise _fail(origin, loc, f"expected a number from {p.range_text}, got {value!r}")


def _check_sweep(sweep: SweepSpec, origin: Origin) -> None:
    loc: KeyPath = ("sweep",)
    for path, (low, high) in sweep.parameters.items():
        where = (*loc, "parameters", path)
        p = _param_at(origin, where, path)
        _check_value(origin, where, p, low)
        _check_value(origin, where, p, high)
        if not low < high:
            raise _fail(origin, where, f"expected [low, high] with low < high, got [{low}, {high}]")
    for i, pair in enumerate(sweep.heatmaps or []):
        for path in pair:
            if path not in sweep.parameters:
                raise _fail(
                    origin,
                    (*loc, "heatmaps", i),
                    f"'{path}' is not swept; swept: {', '.join(sweep.parameters)}",
                )
    if sweep.design == "grid" and sweep.levels ** len(sweep.parameters) > 10_000_000:
        raise _fail(
            origin,
            (*loc, "levels"),
            f"a grid of {sweep.levels} levels on "
            f"{len(sweep.parameters)} parameters has more than 10,000,000 points",
        )


def _check_enacted_budgets(spec: ScenarioSpec, origin: Origin) -> None:
    """An actor's enacted budgets are consecutive calendar years from 2025 (each growth is
    over the year before, so a gap would leave a level unknown)."""
    for actor in ACTORS:
        given = getattr(spec.actors, actor)
        budgets = given.enacted_budgets if given is not None else None
        for i, budget in enumerate(budgets or []):
            expected = FIRST_ENACTED_YEAR + i
            if budget.year != expected:
                raise _fail(
                    origin,
                    ("actors", actor, "enacted_budgets", i, "year"),
                    f"expected {expected}: enacted budgets are consecutive years from "
                    f"{FIRST_ENACTED_YEAR}, in order (each growth is over the year before), "
                    f"got {budget.year}",
                )
            _check_budget_range(budget, ("actors", actor, "enacted_budgets", i), origin)


def _check_budget_range(budget: EnactedBudget, loc: tuple[str | int, ...], origin: Origin) -> None:
    """low and high come together and bracket the growth."""
    if (budget.low is None) != (budget.high is None):
        key = "high" if budget.high is None else "low"
        raise _fail(origin, (*loc, key), "expected low and high together (the range), or neither")
    low, high = budget.low, budget.high
    if low is not None and high is not None and not low <= budget.real_growth <= high:
        raise _fail(
            origin,
            (*loc, "low"),
            f"expected low <= real_growth <= high, got {low} <= {budget.real_growth} <= {high}",
        )


def _check_symmetric(spec: ScenarioSpec, key: str, origin: Origin) -> None:
    """A symmetric relation given from both sides must agree."""
    for a in ACTORS:
        spec_a = getattr(spec.actors, a)
        given = getattr(spec_a.initial, key, None) or {} if spec_a and spec_a.initial else {}
        for b, value in given.items():
            spec_b = getattr(spec.actors, b)
            other = (
                (getattr(spec_b.initial, key, None) or {}).get(a)
                if (spec_b and spec_b.initial)
                else None
            )
            if other is not None and other != value:
                raise _fail(
                    origin,
                    ("actors", b, "initial", key, a),
                    f"{key} between {a} and {b} is symmetric but given as {value} and "
                    f"{other}; give it once",
                )
