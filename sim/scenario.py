"""Scenario files: load, resolve `extends:`, validate against the parameter tables.

A scenario is YAML. Everything is optional; what is left out takes the default declared in
sim/parameters.py or the value in the data file. `extends: other.yaml` (relative to the
file) starts from another scenario: mappings merge key by key, `events` accumulate, `name`
and `description` are never inherited. Errors name the file and line that wrote the bad
value, its key path and what is allowed (ScenarioError).
"""

import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, create_model

from sim.actors import ACTORS, BLOC, RIVALS, SANCTIONERS
from sim.outcome_settings import OutcomeSettings
from sim.outcomes import OUTCOMES
from sim.parameters import ACTOR_PARAMS, MECHANISMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.yaml_source import KeyPath, ScenarioError, YamlDoc, dotted, read_yaml

DATA_FILE = Path(__file__).parent / "data" / "calibration.yaml"
"""Every number the model starts from, with its source and year (sim/calibration.py)."""

START = date(2024, 6, 1)
"""Month 0 of every run: the pact was signed on 19 June 2024 (L1)."""

TRIGGERS = ("provocation", "leadership_change", "armed_clash")
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


def month_of(when: "str | date") -> int:
    """'2025-03' (or '2025-03-15', or a date) -> months after June 2024 (9).

    Raises ValueError on a malformed date.
    """
    if isinstance(when, date):
        year, month = when.year, when.month
    else:
        parts = when.split("-")
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
            raise ValueError(when)
        year, month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            date(year, month, int(parts[2]))  # validates the day
    if not 1 <= month <= 12:
        raise ValueError(when)
    return (year - START.year) * 12 + (month - START.month)


# --- The schema, generated from the parameter tables -------------------------------------


def _number(p: Param) -> Any:
    return Annotated[float, Field(ge=p.low, le=p.high)]


def _param_type(p: Param, owner: str) -> Any:
    if p.keys is not None:
        keys = tuple(k for k in p.keys if k != owner)
        return dict[Literal[keys], _number(p)]  # type: ignore[valid-type]
    return _number(p)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
Growth = Annotated[float, Field(ge=-0.5, le=1.0)]
Amount = Annotated[float, Field(ge=0.0, le=1e6)]


def _initial_model(actor: str) -> type[BaseModel]:
    others = Literal[tuple(a for a in ACTORS if a != actor)]  # type: ignore[valid-type]
    fields: dict[str, Any] = {
        "spending": (Amount | None, None),
        "gdp": (Amount | None, None),
        "spending_growth": (Growth | None, None),
        "gdp_growth": (Growth | None, None),
        "tension": (dict[others, Share], {}),
    }
    if actor in BLOC:
        fields |= {
            "support": (Share | None, None),
            "tech": (Share | None, None),
            "cyber": (Share | None, None),
            "ties": (dict[others, Share], {}),
            "trade": (dict[others, Amount], {}),
        }
    if actor in SANCTIONERS:
        fields["sanctions"] = (dict[Literal[BLOC], Share], {})  # type: ignore[valid-type]
    return create_model(f"Initial_{actor}", __config__=STRICT, **fields)


def _actor_model(actor: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_param_type(p, actor) | None, None)
        for name, p in ACTOR_PARAMS.items()
        if actor in p.owners
    }
    fields["initial"] = (_initial_model(actor) | None, None)
    return create_model(f"Actor_{actor}", __config__=STRICT, **fields)


ActorsSpec = create_model(
    "ActorsSpec", __config__=STRICT, **{a: (_actor_model(a) | None, None) for a in ACTORS}
)
WorldSpec = create_model(
    "WorldSpec", __config__=STRICT,
    **{name: (_number(p) | None, None) for name, p in WORLD_PARAMS.items()},
)
UkraineSpec = create_model(
    "UkraineSpec", __config__=STRICT,
    **{name: (_number(p) | None, None) for name, p in THEATRE_PARAMS.items()},
)
MechanismsSpec = create_model(
    "MechanismsSpec", __config__=STRICT, **dict.fromkeys(MECHANISMS, (bool, True))
)


class EventSpec(BaseModel):
    """A timed event: at a month (or date), set parameters or trigger a step."""

    model_config = STRICT

    month: Annotated[int, Field(ge=1, le=1200)] | None = None
    date: str | Annotated[dt.date, Strict()] | None = None  # YAML reads 2025-03-01 as a date
    set: dict[str, Any] | None = None
    trigger: Literal[TRIGGERS] | None = None  # type: ignore[valid-type]
    between: Annotated[
        tuple[Literal[BLOC], Literal[RIVALS]] | None,  # type: ignore[valid-type]
        Field(strict=False),  # YAML gives a list
    ] = None
    note: str | None = None


class SweepSpec(BaseModel):
    """A parameter sweep (`run.py sweep`): a design over parameter ranges, `replicates` runs
    per point. See the README's sweep section."""

    model_config = STRICT

    design: Literal["grid", "lhs", "sobol", "morris"] = "lhs"
    points: Annotated[int, Field(ge=1, le=10_000_000)] = 100
    levels: Annotated[int, Field(ge=2, le=1000)] = 5
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = None
    parameters: Annotated[dict[str, Annotated[tuple[float, float], Strict(False)]],
                          Field(min_length=1)]
    outcomes: list[Literal[tuple(OUTCOMES)]] | None = None  # type: ignore[valid-type]
    heatmaps: list[Annotated[tuple[str, str], Strict(False)]] | None = None
    min_coverage: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5


class ScenarioSpec(BaseModel):
    """A resolved scenario. See the README's scenario reference for every key."""

    model_config = STRICT

    name: str = ""
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    replicates: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    horizon_months: Annotated[int, Field(ge=1, le=1200)] = 120
    substeps: Annotated[int, Field(ge=1, le=1000)] = 1
    mechanisms: MechanismsSpec = Field(default_factory=MechanismsSpec)  # type: ignore[valid-type]
    world: WorldSpec = Field(default_factory=WorldSpec)  # type: ignore[valid-type]
    ukraine: UkraineSpec = Field(default_factory=UkraineSpec)  # type: ignore[valid-type]
    actors: ActorsSpec = Field(default_factory=ActorsSpec)  # type: ignore[valid-type]
    events: list[EventSpec] = Field(default_factory=list)
    outcomes: OutcomeSettings = Field(default_factory=OutcomeSettings)
    sweep: SweepSpec | None = None


TOP_LEVEL_KEYS = ("extends", *ScenarioSpec.model_fields)


# --- The resolved scenario users hold ---------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: what to run. Immutable; `with_params` returns a changed copy."""

    spec: ScenarioSpec
    path: Path | None = None
    sources: tuple[Path, ...] = ()
    provenance: Mapping[KeyPath, tuple[Path, int | None]] = field(default_factory=dict,
                                                                  repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def hash(self) -> str:
        """Short SHA-256 of what decides a run: the resolved scenario, every parameter's
        effective value (defaults included) and the data file. Equal hashes, equal inputs."""
        effective = {
            "actors": {name: {a: self.param(a, name) for a in p.owners}
                       for name, p in ACTOR_PARAMS.items()},
            "world": {name: self.world(name) for name in WORLD_PARAMS},
        }
        text = json.dumps([self.resolved(), effective], sort_keys=True)
        digest = hashlib.sha256(text.encode())
        digest.update(DATA_FILE.read_bytes())
        return digest.hexdigest()[:12]

    def resolved(self) -> dict[str, Any]:
        """The scenario as run, without unset keys: what the manifest records."""
        return self.spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True) | {
            "name": self.spec.name,
            "seed": self.spec.seed,
            "replicates": self.spec.replicates,
            "horizon_months": self.spec.horizon_months,
            "substeps": self.spec.substeps,
        }

    def param(self, actor: str, name: str) -> Any:
        """Effective value of an actor parameter: the scenario's, merged over the default."""
        default = ACTOR_PARAMS[name].defaults[actor]
        actor_spec = getattr(self.spec.actors, actor)
        given = getattr(actor_spec, name) if actor_spec is not None else None
        if isinstance(default, Mapping) or ACTOR_PARAMS[name].keys is not None:
            return {**(default or {}), **(given or {})}
        return default if given is None else given

    def world(self, name: str) -> float:
        given = getattr(self.spec.world, name)
        return WORLD_PARAMS[name].defaults["world"] if given is None else given

    def event_month(self, event: EventSpec) -> int:
        return event.month if event.month is not None else month_of(event.date or "")

    def with_params(self, changes: Mapping[str, Any] | None = None, **top: Any) -> "Scenario":
        """A copy with parameters changed, validated like a file.

        `changes` maps dotted paths to values: "russia.commitment", "rok.reactivity.dprk",
        "world.clash_hazard", "ukraine.intensity", "mechanisms.provocations",
        "outcomes.arms_race_growth". Keyword arguments set top-level keys (replicates=500).
        """
        data = self.spec.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        data |= {"name": self.spec.name, **top}
        origin = _Origin(self.path, self.sources, dict(self.provenance))
        changed = [_expand(path) for path in (changes or {})] + [[key] for key in top]
        for parts in changed:  # blame with_params() for every key it writes
            origin.provenance[tuple(parts)] = (WITH_PARAMS, None)
            for depth in range(1, len(parts)):
                origin.provenance.setdefault(tuple(parts[:depth]), (WITH_PARAMS, None))
        for parts, value in zip(changed, [*(changes or {}).values(), *top.values()],
                                strict=True):
            _set_path(data, parts, value)
        return validate(data, origin)


WITH_PARAMS = Path("with_params()")


def _expand(path: str) -> list[str]:
    """"russia.commitment" -> ["actors", "russia", "commitment"]; sections stay as they are."""
    parts = path.split(".")
    if parts[0] in ACTORS:
        return ["actors", *parts]
    if parts[0] not in TOP_LEVEL_KEYS or len(parts) == 1:
        raise ScenarioError(WITH_PARAMS, None, path, _unknown_key_message(
            parts[0], [*ACTORS, "world", "ukraine", "mechanisms", "outcomes"],
            noun="actor or section") + "; write '<actor>.<parameter>' or '<section>.<key>'")
    return parts


def _set_path(data: dict[str, Any], parts: list[str], value: Any) -> None:
    node = data
    for depth, part in enumerate(parts[:-1], start=1):
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ScenarioError(WITH_PARAMS, None, ".".join(parts[:depth]),
                                f"is a value, not a section: cannot set {'.'.join(parts)}")
    node[parts[-1]] = value


# --- Loading and validation -------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
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


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file, following `extends:`. Raises ScenarioError on any bad input."""
    path = Path(path)
    data, provenance, sources = _resolve(path, ())
    data.setdefault("name", path.stem)
    data.setdefault("description", "")
    return validate(data, _Origin(path, sources, provenance))


def scenario_from_json(text: str) -> Scenario:
    """A scenario from its resolved form (`scenario.spec.model_dump_json()`): how worker
    processes receive it."""
    spec = ScenarioSpec.model_validate_json(text)
    return validate(spec.model_dump(mode="python"), _Origin(None, (), {}))


def _resolve(
    path: Path, chain: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[KeyPath, tuple[Path, int]], tuple[Path, ...]]:
    doc = read_yaml(path)
    if doc.data is None:
        doc = YamlDoc(doc.path, {}, doc.lines)
    if not isinstance(doc.data, dict):
        raise ScenarioError(path, 1, "", "a scenario must be a mapping of keys such as "
                            "'seed:', 'actors:', 'events:'")
    unknown = [k for k in doc.data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise ScenarioError(path, doc.line_of((unknown[0],)), str(unknown[0]),
                            _unknown_key_message(str(unknown[0]), TOP_LEVEL_KEYS))
    own = {k: v for k, v in doc.data.items() if k != "extends"}
    own_provenance = {kp: (path, line) for kp, line in doc.lines.items() if kp}
    if "extends" not in doc.data:
        return own, own_provenance, (path,)
    target = doc.data["extends"]
    line = doc.line_of(("extends",))
    if not isinstance(target, str):
        raise ScenarioError(path, line, "extends", "expected the path of another scenario file")
    parent_path = (path.parent / target).resolve()
    cycle = (*chain, path.resolve())
    if parent_path in cycle:
        loop = " -> ".join(p.name for p in (*cycle, parent_path))
        raise ScenarioError(path, line, "extends", f"extends forms a cycle: {loop}")
    if not parent_path.is_file():
        raise ScenarioError(path, line, "extends", f"no scenario file at {target} "
                            f"(looked for {parent_path})")
    parent, parent_provenance, parent_sources = _resolve(parent_path, cycle)
    for key in ("name", "description"):
        parent.pop(key, None)
    merged, provenance = _merge(parent, parent_provenance, own, own_provenance)
    return merged, provenance, (*parent_sources, path)


def _merge(
    base: dict[str, Any], base_prov: dict[KeyPath, tuple[Path, int]],
    over: dict[str, Any], over_prov: dict[KeyPath, tuple[Path, int]],
) -> tuple[dict[str, Any], dict[KeyPath, tuple[Path, int]]]:
    """Deep-merge `over` into `base`; events accumulate (their indices shift)."""
    merged = _deep_merge(base, over)
    provenance = dict(base_prov)
    shift = len(base.get("events") or [])
    for key_path, where in over_prov.items():
        if key_path[:1] == ("events",) and len(key_path) > 1 and isinstance(key_path[1], int):
            key_path = ("events", key_path[1] + shift, *key_path[2:])
        provenance[key_path] = where
    if isinstance(base.get("events"), list) and isinstance(over.get("events"), list):
        merged["events"] = [*base["events"], *over["events"]]
    return merged, provenance


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _deep_merge(base[key], value) if key in base else value
        return out
    return over


def validate(data: dict[str, Any], origin: _Origin) -> Scenario:
    """Validate merged scenario data; raise ScenarioError naming the first problem."""
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: origin.locate(_loc(e))[1] or 0)
        raise _to_scenario_error(errors[0], origin, data) from None
    scenario = Scenario(spec, origin.path, origin.sources, origin.provenance)
    _check_consistency(scenario, origin)
    return scenario


def _loc(error: Mapping[str, Any]) -> KeyPath:
    return tuple(part for part in error["loc"] if part != "[key]")


def _to_scenario_error(error: Mapping[str, Any], origin: _Origin, data: Any) -> ScenarioError:
    loc = _loc(error)
    # pydantic reports union members (e.g. "float", "dict[...]") in the location; drop them.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in
                                                                 ("float", "int", "str"))))
    path, line = origin.locate(loc)
    key = dotted(loc)
    got = error.get("input")
    kind = error["type"]
    if kind == "extra_forbidden":
        return ScenarioError(path, line, key, _extra_message(loc))
    if kind == "literal_error" and "[key]" in error["loc"]:
        bad_key = error["loc"][-2] if error["loc"][-1] == "[key]" else loc[-1]
        return ScenarioError(path, line, key, f"unknown key '{bad_key}'; expected one of "
                             f"{error['ctx']['expected']}")
    expected = _expected(loc) or _pydantic_expectation(error)
    return ScenarioError(path, line, key, f"expected {expected}, got {_show(got)}")


def _extra_message(loc: KeyPath) -> str:
    bad = str(loc[-1])
    parent = loc[:-1]
    if parent == ():
        return _unknown_key_message(bad, TOP_LEVEL_KEYS)
    if parent == ("actors",):
        return _unknown_key_message(bad, ACTORS, noun="actor")
    if len(parent) == 3 and parent[0] == "actors" and parent[2] == "initial":
        model = _actor_model(str(parent[1])).model_fields["initial"].annotation
        allowed = next(a for a in model.__args__ if a is not type(None)).model_fields
        return _unknown_key_message(bad, allowed, noun=f"initial value of {parent[1]}")
    if len(parent) == 2 and parent[0] == "actors":
        actor = str(parent[1])
        owners = ACTOR_PARAMS[bad].owners if bad in ACTOR_PARAMS else ()
        if owners:
            return f"'{bad}' is not a parameter of {actor}; it belongs to {', '.join(owners)}"
        allowed = [n for n, p in ACTOR_PARAMS.items() if actor in p.owners] + ["initial"]
        return _unknown_key_message(bad, allowed, noun=f"parameter of {actor}")
    if parent == ("world",):
        return _unknown_key_message(bad, WORLD_PARAMS, noun="world parameter")
    if parent == ("mechanisms",):
        return _unknown_key_message(bad, MECHANISMS, noun="mechanism")
    if parent == ("ukraine",):
        return _unknown_key_message(bad, THEATRE_PARAMS, noun="theatre parameter")
    if parent == ("outcomes",):
        return _unknown_key_message(bad, OutcomeSettings.model_fields, noun="outcome setting")
    if len(parent) == 2 and parent[0] == "events":
        return _unknown_key_message(bad, EventSpec.model_fields, noun="event key")
    if parent == ("sweep",):
        return _unknown_key_message(bad, SweepSpec.model_fields, noun="sweep key")
    return f"unknown key '{bad}'"


def _unknown_key_message(bad: str, allowed: Any, noun: str = "key") -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(bad, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown {noun} '{bad}'; {hint}allowed: {', '.join(allowed)}"


def _expected(loc: KeyPath) -> str | None:
    """What the declared parameter at `loc` accepts, from the parameter tables."""
    p: Param | None = None
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


def _check_consistency(scenario: Scenario, origin: _Origin) -> None:
    spec = scenario.spec
    for i, event in enumerate(spec.events):
        _check_event(scenario, i, event, origin)
    _check_symmetric(scenario, "tension", origin)
    if spec.sweep is not None:
        _check_sweep(spec.sweep, origin)


def _fail(origin: _Origin, loc: KeyPath, message: str) -> ScenarioError:
    path, line = origin.locate(loc)
    return ScenarioError(path, line, dotted(loc), message)


def _check_event(scenario: Scenario, i: int, event: EventSpec, origin: _Origin) -> None:
    loc: KeyPath = ("events", i)
    if (event.month is None) == (event.date is None):
        raise _fail(origin, loc, "give exactly one of 'month: N' (months after June 2024) or "
                    "'date: YYYY-MM'")
    if event.date is not None:
        try:
            month = month_of(event.date)
        except ValueError:
            raise _fail(origin, (*loc, "date"), f"expected a date as YYYY-MM, got "
                        f"{str(event.date)!r}") from None
        if month < 1:
            raise _fail(origin, (*loc, "date"), f"{event.date} is not after the start, 2024-06")
    month = scenario.event_month(event)
    if month > scenario.spec.horizon_months:
        raise _fail(origin, loc, f"month {month} is after the horizon "
                    f"({scenario.spec.horizon_months} months)")
    if (event.set is None) == (event.trigger is None):
        raise _fail(origin, loc, "give exactly one of 'set: {path: value}' or 'trigger: "
                    f"{' | '.join(TRIGGERS)}'")
    if (event.trigger == "armed_clash") != (event.between is not None):
        raise _fail(origin, loc, "'trigger: armed_clash' needs 'between: [bloc member, rival]' "
                    "and 'between' needs that trigger")
    for path, value in (event.set or {}).items():
        _check_event_setting(origin, (*loc, "set", path), path, value)


def _check_event_setting(origin: _Origin, loc: KeyPath, path: str, value: Any) -> None:
    _check_value(origin, loc, _param_at(origin, loc, path), value)


def _param_at(origin: _Origin, loc: KeyPath, path: str) -> Param:
    """The parameter a dotted path names (events' `set:` and sweeps), or a ScenarioError."""
    parts = path.split(".")
    p: Param | None = None
    if len(parts) in (2, 3) and parts[0] in ACTORS and parts[1] in ACTOR_PARAMS:
        p = ACTOR_PARAMS[parts[1]]
        if parts[0] not in p.owners:
            raise _fail(origin, loc, f"'{parts[1]}' is not a parameter of {parts[0]}; it "
                        f"belongs to {', '.join(p.owners)}")
        if (len(parts) == 3) != (p.keys is not None):
            form = f"{parts[0]}.{parts[1]}.<actor>" if p.keys else f"{parts[0]}.{parts[1]}"
            raise _fail(origin, loc, f"write this parameter as '{form}'")
        if len(parts) == 3 and (parts[2] not in p.keys or parts[2] == parts[0]):
            raise _fail(origin, loc, f"unknown key '{parts[2]}' for {parts[1]}")
    elif len(parts) == 2 and parts[0] == "world":
        p = WORLD_PARAMS.get(parts[1])
    elif len(parts) == 2 and parts[0] == "ukraine":
        p = THEATRE_PARAMS.get(parts[1])
    if p is None:
        known = [f"{o}.{n}" for n, q in ACTOR_PARAMS.items() for o in q.owners]
        known += [f"world.{n}" for n in WORLD_PARAMS] + ["ukraine.intensity"]
        close = difflib.get_close_matches(path, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise _fail(origin, loc, f"{hint}expected '<actor>.<parameter>', 'world.<parameter>' "
                    "or 'ukraine.intensity'")
    if p.name == "grievance":
        raise _fail(origin, loc, "grievance is calibrated at the start and cannot be set by "
                    "an event or swept; change the US build-up or the war's intensity instead")
    return p


def _check_value(origin: _Origin, loc: KeyPath, p: Param, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _fail(origin, loc, f"expected a number from {p.range_text}, got {_show(value)}")
    if not p.low <= value <= p.high:
        raise _fail(origin, loc, f"expected a number from {p.range_text}, got {value!r}")


def _check_sweep(sweep: "SweepSpec", origin: _Origin) -> None:
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
                raise _fail(origin, (*loc, "heatmaps", i), f"'{path}' is not swept; swept: "
                            f"{', '.join(sweep.parameters)}")
    if sweep.design == "grid" and sweep.levels ** len(sweep.parameters) > 10_000_000:
        raise _fail(origin, (*loc, "levels"), f"a grid of {sweep.levels} levels on "
                    f"{len(sweep.parameters)} parameters has more than 10,000,000 points")


def _check_symmetric(scenario: Scenario, key: str, origin: _Origin) -> None:
    """A symmetric relation given from both sides must agree."""
    for a in ACTORS:
        spec_a = getattr(scenario.spec.actors, a)
        given = getattr(spec_a.initial, key, None) or {} if spec_a and spec_a.initial else {}
        for b, value in given.items():
            spec_b = getattr(scenario.spec.actors, b)
            other = (getattr(spec_b.initial, key, None) or {}).get(a) if (
                spec_b and spec_b.initial) else None
            if other is not None and other != value:
                raise _fail(origin, ("actors", b, "initial", key, a),
                            f"{key} between {a} and {b} is symmetric but given as {value} and "
                            f"{other}; give it once")
