"""Scenario files: load, resolve `extends:`, validate against the parameter tables.

A scenario is YAML. Everything is optional; what is left out takes the default declared in
sim/scenario/parameters.py or the value in the data file. `extends: other.yaml` (relative to the
file; `alliance-sim:baseline.yaml` names a shipped one from anywhere) starts from another
scenario: mappings merge key by key, `events` and `changes` accumulate, `name` and
`description` are never inherited. `changes:` act from a month after the present (`present:`,
set by history.yaml) and leave every month before it as the scenario they extend. Errors name
the file and line that wrote the bad value, its key path and what is allowed (ScenarioError).
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.calendar import month_name
from sim.errors import ScenarioError, UserError, unknown_key_message
from sim.scenario import paths
from sim.scenario.checks import Origin, check_consistency, first_error
from sim.scenario.data import DATA_FILE
from sim.scenario.parameters import ACTOR_PARAMS, WORLD_PARAMS
from sim.scenario.posterior import (
    PRIORS,
    SHIPPED_PREFIX,
    SHIPPED_SCENARIOS,
    Ensemble,
    load_ensemble,
)
from sim.scenario.schema import TOP_LEVEL_KEYS, EventSpec, ScenarioSpec
from sim.scenario.uncertain import check_uncertain
from sim.scenario.yaml_source import KeyPath, YamlDoc, read_yaml


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: what to run. Immutable; `with_params` returns a changed copy."""

    spec: ScenarioSpec
    path: Path | None = None
    sources: tuple[Path, ...] = ()
    provenance: Mapping[KeyPath, tuple[Path, int | None]] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def hash(self) -> str:
        """Short SHA-256 of what decides a run: the resolved scenario, every parameter's
        effective value (defaults included) and the data file. Equal hashes, equal inputs."""
        effective = {
            "actors": {
                name: {a: self.param(a, name) for a in p.owners} for name, p in ACTOR_PARAMS.items()
            },
            "world": {name: self.world(name) for name in WORLD_PARAMS},
        }
        text = json.dumps([self.resolved(), effective], sort_keys=True)
        digest = hashlib.sha256(text.encode())
        digest.update(DATA_FILE.read_bytes())
        if self.ensemble is not None:
            digest.update(self.ensemble.sha256.encode())
        return digest.hexdigest()[:12]

    @property
    def ensemble(self) -> Ensemble | None:
        """The parameter sets replicates start from (`ensemble:`; the baseline and the what-ifs:
        the shipped posterior, conditioned on the observed history), None for the priors."""
        return None if self.spec.ensemble == PRIORS else load_ensemble(self.spec.ensemble)

    @property
    def present(self) -> int | None:
        """The last observed month (months after June 2024; `present:`, set by history.yaml
        and moved forward as history is added), None for a scenario without history."""
        return self.spec.present_month

    @property
    def branch(self) -> int | None:
        """The month the scenario's `changes:` start (the earliest), None without changes:
        every month before it is the scenario it extends, bit for bit."""
        months = [change.at_month(self.present) for change in self.spec.changes]
        return min(months) if months else None

    @property
    def outcome_start(self) -> int:
        """The month outcomes are measured from (outcomes.window): 0 (June 2024) for the
        whole run, the present for the future after it."""
        after_present = self.spec.outcomes.window == "after_present"
        return self.present if after_present and self.present is not None else 0

    @property
    def outcome_window(self) -> str:
        """The months outcomes are judged over, in words (manifests and tables say it)."""
        end = month_name(self.spec.horizon_months)
        if self.outcome_start == 0:
            return f"{month_name(1)} to {end} (the whole run from June 2024)"
        return f"{month_name(self.outcome_start + 1)} to {end} (after the present)"

    @property
    def events(self) -> list[EventSpec]:
        """The timed events the model runs: `events:`, then each of `changes:` as an event of
        the month it starts (after the month's other events, so its settings win)."""
        changes = [
            EventSpec(
                month=change.at_month(self.present),
                **change.model_dump(exclude={"from_"}, exclude_none=True, by_alias=False),
            )
            for change in self.spec.changes
        ]
        return [*self.spec.events, *changes]

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

    def with_params(
        self,
        changes: Mapping[str, Any] | None = None,
        from_: str | dt.date | None = None,
        **top: Any,
    ) -> "Scenario":
        """A copy with parameters changed, validated like a file.

        `changes` maps dotted paths to values: "russia.commitment", "rok.reactivity.dprk",
        "world.clash_hazard", "ukraine.intensity", "mechanisms.provocations",
        "outcomes.arms_race_growth". Without `from_` they hold from June 2024 (an undated key
        of a file); with `from_="2027-01"` the parameters change from that month on, as the
        file's `changes: [{from: 2027-01, set: {...}}]` would (checked against the present).
        Keyword arguments set top-level keys (replicates=500).
        """
        if changes is not None and not isinstance(changes, Mapping):
            raise TypeError(
                "with_params expects a mapping of dotted paths to values, such as "
                f"{{'russia.commitment': 0.3}}, got {type(changes).__name__} {changes!r:.60}"
            )
        for key in changes or {}:
            if not isinstance(key, str):
                raise ScenarioError(
                    WITH_PARAMS,
                    None,
                    repr(key),
                    "expected a dotted path such as 'russia.commitment' as the key, "
                    f"got {type(key).__name__}",
                )
        changes = {key: plain(value) for key, value in (changes or {}).items()}
        top = {key: plain(value) for key, value in top.items()}
        data = self.spec.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        data |= {"name": self.spec.name, **top}
        origin = Origin(self.path, self.sources, dict(self.provenance))
        if from_ is not None:
            _add_change(data, origin, changes, from_)
            changes = {}
        changed = [_expand(path) for path in changes] + [[key] for key in top]
        for parts in changed:  # blame with_params() for every key it writes, and below it
            written = tuple(parts)
            for stale in [kp for kp in origin.provenance if kp[: len(written)] == written]:
                del origin.provenance[stale]
            origin.provenance[written] = (WITH_PARAMS, None)
            for depth in range(1, len(parts)):
                origin.provenance.setdefault(tuple(parts[:depth]), (WITH_PARAMS, None))
        for parts, value in zip(changed, [*changes.values(), *top.values()], strict=True):
            _set_path(data, parts, value)
        return validate(data, origin)

    def with_overrides(self, replicates: int | None = None, seed: int | None = None) -> "Scenario":
        """A copy with these replicates and seed; None keeps the scenario's own."""
        top = {k: v for k, v in (("replicates", replicates), ("seed", seed)) if v is not None}
        return self.with_params(**top) if top else self


WITH_PARAMS = Path("with_params()")


def plain(value: Any) -> Any:
    """NumPy scalars (np.int64(5), np.float64(0.3), np.bool_) as the Python values they
    stand for, inside lists and mappings too; anything else unchanged."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    item = getattr(value, "item", None)
    if type(value).__module__ == "numpy" and callable(item) and getattr(value, "ndim", 1) == 0:
        return item()
    return value


def _add_change(data: dict[str, Any], origin: Origin, changes: dict[str, Any], from_: Any) -> None:
    """Append `changes` from the month `from_` to the scenario's `changes:` (with_params)."""
    if not changes:
        raise ScenarioError(
            WITH_PARAMS,
            None,
            "from_",
            "dates the changes given with it: give some, such as {'russia.commitment': 0.3}",
        )
    if isinstance(from_, dt.datetime) or not isinstance(from_, str | dt.date):
        raise ScenarioError(
            WITH_PARAMS, None, "from_", f"expected a month as 'YYYY-MM', got {from_!r:.60}"
        )
    index = len(data.get("changes") or [])
    data["changes"] = [*(data.get("changes") or []), {"from": from_, "set": changes}]
    origin.provenance[("changes", index)] = (WITH_PARAMS, None)


def _expand(path: str) -> list[str]:
    try:
        return paths.key_path(path)
    except paths.PathError as error:
        raise ScenarioError(WITH_PARAMS, None, path, str(error)) from None


def _set_path(data: dict[str, Any], parts: list[str], value: Any) -> None:
    node = data
    for depth, part in enumerate(parts[:-1], start=1):
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ScenarioError(
                WITH_PARAMS,
                None,
                ".".join(parts[:depth]),
                f"is a value, not a section: cannot set {'.'.join(parts)}",
            )
    node[parts[-1]] = value


# --- Loading and validation -------------------------------------------------------------


SCENARIO_SUFFIXES = (".yaml", ".yml")
"""What a scenario file's name ends with (the command line and `extends:` read no other)."""

MAX_EXTENDS = 16
"""Longest chain of `extends:` (the shipped scenarios use two)."""


def scenario_root(path: Path) -> Path:
    """The folder whose tree a scenario file's `extends:` may reach: the nearest ancestor
    folder named `scenarios` (so `sweeps/x.yaml` can extend `../baseline.yaml`), else the
    file's own folder."""
    folder = path.resolve().parent
    for ancestor in (folder, *folder.parents):
        if ancestor.name == "scenarios":
            return ancestor
    return folder


def default_name(path: Path) -> str:
    """The name a scenario gets from its file name: the stem, with anything that is not a
    letter, digit, '_', '.' or '-' replaced by '_' (it names the results folder)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem)[:100].lstrip(".")
    return name or "scenario"


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file, following `extends:`. Raises ScenarioError on any bad input."""
    if not isinstance(path, str | Path):
        raise TypeError(
            f"load_scenario expects the path of a .yaml file, got {type(path).__name__}"
        )
    if "\x00" in str(path):
        raise ScenarioError(repr(str(path)), None, "", "a file name cannot contain NUL")
    path = Path(path)
    if path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(path, None, "", "a scenario file's name ends in .yaml or .yml")
    data, provenance, sources = _resolve(path, ())
    data.setdefault("name", default_name(path))
    data.setdefault("description", "")
    return validate(data, Origin(path, sources, provenance))


def scenario_from_json(text: str) -> Scenario:
    """A scenario from its resolved form (`scenario.spec.model_dump_json()`): how worker
    processes receive it."""
    spec = ScenarioSpec.model_validate_json(text)
    return validate(spec.model_dump(mode="python"), Origin(None, (), {}))


def _resolve(
    path: Path, chain: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[KeyPath, tuple[Path, int]], tuple[Path, ...]]:
    doc = read_yaml(path)
    if doc.data is None:
        doc = YamlDoc(doc.path, {}, doc.lines)
    if not isinstance(doc.data, dict):
        raise ScenarioError(
            path,
            1,
            "",
            "a scenario must be a mapping of keys such as 'seed:', 'actors:', 'events:'",
        )
    unknown = [k for k in doc.data if k not in TOP_LEVEL_KEYS]
    if unknown:
        raise ScenarioError(
            path,
            doc.line_of((unknown[0],)),
            str(unknown[0]),
            unknown_key_message(str(unknown[0]), TOP_LEVEL_KEYS),
        )
    own = {k: v for k, v in doc.data.items() if k != "extends"}
    own_provenance = {kp: (path, line) for kp, line in doc.lines.items() if kp}
    if "extends" not in doc.data:
        return own, own_provenance, (path,)
    target = doc.data["extends"]
    line = doc.line_of(("extends",))
    if not isinstance(target, str):
        raise ScenarioError(path, line, "extends", "expected the path of another scenario file")
    if "\x00" in target or len(target) > 1000:
        raise ScenarioError(path, line, "extends", "expected the path of another scenario file")
    parent_path = extended_path(path, target)
    cycle = (*chain, path.resolve())
    if parent_path in cycle:
        loop = " -> ".join(p.name for p in (*cycle, parent_path))
        raise ScenarioError(path, line, "extends", f"extends forms a cycle: {loop}")
    _check_reach(path, line, target, parent_path)
    if len(cycle) >= MAX_EXTENDS:
        raise ScenarioError(
            path, line, "extends", f"a chain of more than {MAX_EXTENDS} files extending each other"
        )
    if not parent_path.is_file():
        raise ScenarioError(
            path, line, "extends", f"no scenario file at {target} (looked for {parent_path})"
        )
    parent, parent_provenance, parent_sources = _resolve(parent_path, cycle)
    for key in ("name", "description"):
        parent.pop(key, None)
    merged, provenance = _merge(parent, parent_provenance, own, own_provenance)
    return merged, provenance, (*parent_sources, path)


def extended_path(path: Path, target: str) -> Path:
    """The file `extends: target` names, written in `path`: a shipped scenario for
    'alliance-sim:<name>.yaml', else relative to the extending file; links resolved."""
    if target.startswith(SHIPPED_PREFIX):
        return (SHIPPED_SCENARIOS / target.removeprefix(SHIPPED_PREFIX)).resolve()
    return (path.parent / target).resolve()


def _check_reach(path: Path, line: int | None, target: str, resolved: Path) -> None:
    """`extends:` reaches only .yaml/.yml files under the extending file's scenario root
    (scenario_root) or the shipped scenarios ('alliance-sim:' reaches only these), symbolic
    links resolved; the file is not read otherwise, so nothing of it can appear in a
    message."""
    if "\x00" in target or len(target) > 1000:
        raise ScenarioError(path, line, "extends", "expected the path of another scenario file")
    if Path(target).suffix.lower() not in SCENARIO_SUFFIXES or (
        resolved.suffix.lower() not in SCENARIO_SUFFIXES
    ):
        raise ScenarioError(
            path, line, "extends", "extends names a scenario file, ending in .yaml or .yml"
        )
    if target.startswith(SHIPPED_PREFIX) and not resolved.is_relative_to(SHIPPED_SCENARIOS):
        raise ScenarioError(
            path,
            line,
            "extends",
            f"{SHIPPED_PREFIX} names a shipped scenario under {SHIPPED_SCENARIOS}, such as "
            f"{SHIPPED_PREFIX}baseline.yaml; {target} is outside it",
        )
    roots = (scenario_root(path), SHIPPED_SCENARIOS)
    if not any(resolved.is_relative_to(root) for root in roots):
        raise ScenarioError(
            path,
            line,
            "extends",
            f"extends may reach only scenario files under {roots[0]} (this file's scenarios "
            f"folder) or the shipped {SHIPPED_SCENARIOS}; {target} is outside them",
        )


def _merge(
    base: dict[str, Any],
    base_prov: dict[KeyPath, tuple[Path, int]],
    over: dict[str, Any],
    over_prov: dict[KeyPath, tuple[Path, int]],
) -> tuple[dict[str, Any], dict[KeyPath, tuple[Path, int]]]:
    """Deep-merge `over` into `base`; events and changes accumulate (their indices shift)."""
    merged = _deep_merge(base, over)
    provenance = dict(base_prov)
    shifts = {key: len(base.get(key) or []) for key in ACCUMULATED}
    for key_path, where in over_prov.items():
        if key_path[0] in ACCUMULATED and len(key_path) > 1 and isinstance(key_path[1], int):
            key_path = (key_path[0], key_path[1] + shifts[str(key_path[0])], *key_path[2:])
        provenance[key_path] = where
    for key in ACCUMULATED:
        if isinstance(base.get(key), list) and isinstance(over.get(key), list):
            merged[key] = [*base[key], *over[key]]
    return merged, provenance


ACCUMULATED = ("events", "changes")
"""The lists `extends:` appends to rather than replaces."""


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _deep_merge(base[key], value) if key in base else value
        return out
    return over


def _without_unreached_history(spec: ScenarioSpec, origin: Origin) -> tuple[ScenarioSpec, Origin]:
    """Drop the events and changes a scenario inherits through `extends:` that fall after
    its own horizon: a short run of the baseline simply stops before the later history. One
    the scenario declares itself after its horizon stays, and check_consistency refuses it."""
    for key in ("events", "changes"):
        spec, origin = _without_unreached(spec, origin, key)
    return spec, origin


def _start(spec: ScenarioSpec, item: Any) -> int:
    try:
        return item.at_month if isinstance(item, EventSpec) else item.at_month(spec.present_month)
    except ValueError:  # a bad date: check_consistency names it
        return 0


def _without_unreached(spec: ScenarioSpec, origin: Origin, key: str) -> tuple[ScenarioSpec, Origin]:
    parents = {str(source) for source in origin.sources if source != origin.path}
    items = getattr(spec, key)
    kept = [
        i
        for i, item in enumerate(items)
        if not (_start(spec, item) > spec.horizon_months and origin.locate((key, i))[0] in parents)
    ]
    if len(kept) == len(items):
        return spec, origin
    moved = {old: new for new, old in enumerate(kept)}
    provenance: dict[KeyPath, tuple[Path, int | None]] = {}
    for key_path, where in origin.provenance.items():
        if len(key_path) > 1 and key_path[0] == key and isinstance(key_path[1], int):
            if key_path[1] in moved:
                provenance[(key, moved[key_path[1]], *key_path[2:])] = where
        else:
            provenance[key_path] = where
    spec = spec.model_copy(update={key: [items[i] for i in kept]})
    return spec, Origin(origin.path, origin.sources, provenance)


def validate(data: dict[str, Any], origin: Origin) -> Scenario:
    """Validate merged scenario data; raise ScenarioError naming the first problem."""
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc, origin) from None
    spec, origin = _without_unreached_history(spec, origin)
    check_consistency(spec, origin)
    check_uncertain(spec, origin)
    _check_ensemble(spec, origin)
    return Scenario(spec, origin.path, origin.sources, origin.provenance)


def _check_ensemble(spec: ScenarioSpec, origin: Origin) -> None:
    """`ensemble:` names the priors or a shipped posterior that reads and checks."""
    if spec.ensemble == PRIORS:
        return
    try:
        load_ensemble(spec.ensemble)
    except UserError as error:
        if error.path != "ensemble":  # the posterior's own file is at fault: name it
            raise ScenarioError(error.path, error.line, error.key, error.message) from None
        path, line = origin.locate(("ensemble",))
        raise ScenarioError(path, line, "ensemble", error.message) from None
