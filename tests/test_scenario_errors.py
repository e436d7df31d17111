"""Bad scenario input gives one clear ScenarioError: file, line, key path and what is allowed.

The bad files are one table (BAD_FILES): each row is a claim, a small scenario written into
pytest's tmp_path, and where the error must point and what it must say. Ranges and units are
read from sim/scenario/parameters.py so the claims follow the declared tables.
"""

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.actors import ACTORS
from sim.errors import ScenarioError
from sim.scenario.parameters import ACTOR_PARAMS, WORLD_PARAMS, Param
from sim.scenario.scenario import Scenario, load_scenario
from sim.scenario.schema import TOP_LEVEL_KEYS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").rglob("*.yaml"))

REACTIVITY = ACTOR_PARAMS["reactivity"]
BUILDUP = ACTOR_PARAMS["buildup"]
CLASH_HAZARD = WORLD_PARAMS["clash_hazard"]

Write = Callable[[str, str], Path]


def write_file(path: Path, text: str | bytes) -> Path:
    """Write `text` (bytes as they are) at `path`, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """write("a.yaml", text) -> the path of that file in tmp_path."""
    return lambda name, text: write_file(tmp_path / name, text)


def load_error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


# --- Bad files: one table, one claim a row ---------------------------------------------------


def lines(*rows: str) -> str:
    """A YAML file's text, one argument a line."""
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Bad:
    """A scenario file that must be refused with one error.

    `claim` is the test's id; `text` the file loaded (bytes as written, None for no file);
    `line`, `key` and `message` what the error must say. `message` is exact, or a pattern where
    "..." stands for any text; "<folder>" in it is the folder the files are written in.
    `beside` are files written first (parents); `blamed` is the file the error names (by its
    resolved path) when it is not the one loaded.
    """

    claim: str
    text: str | bytes | None
    line: int | None
    key: str
    message: str
    loaded: str = "bad.yaml"
    beside: tuple[tuple[str, str], ...] = ()
    blamed: str | None = None


def matches(pattern: str, message: str) -> bool:
    """`message` is `pattern`, where each "..." in the pattern stands for any text."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("..."))), message, re.S) is not None


UNCLOSED_BRACKET_MID_FILE = lines(
    "seed: 1", "actors:", "  rok: {fatigue: [1, 2", "horizon_months: 10"
)
NEEDS_THE_PAIR = (
    "'trigger: armed_clash' (or war) needs 'between: [bloc member, rival]' and 'between' "
    "needs that trigger"
)
ONE_OF_MONTH_AND_DATE = "give exactly one of 'month: N' (months after June 2024) or 'date: YYYY-MM'"
ONE_OF_SET_AND_TRIGGER = (
    "give exactly one of 'set: {path: value}' or "
    "'trigger: provocation | leadership_change | armed_clash | war'"
)
ROK_PARAMS = [n for n, p in ACTOR_PARAMS.items() if "rok" in p.owners] + [
    "initial",
    "enacted_budgets",
]

BROKEN_YAML = [
    Bad(
        "a YAML syntax error names the line of the problem",
        lines("seed: 1", "horizon_months: 12: 5", "replicates: 2"),
        2,
        "",
        "invalid YAML: mapping values are not allowed here",
    ),
    Bad(
        "tab indentation is reported at its line",
        lines("seed: 1", "actors:", "\trok: {}"),
        3,
        "",
        "invalid YAML: ...found character '\\t'...",
    ),
    Bad(
        "an unclosed bracket mid-file is reported where it opens, not where the parser gave up",
        UNCLOSED_BRACKET_MID_FILE,
        3,
        "",
        "invalid YAML: while parsing a flow sequence: expected ',' or ']', but got ':'",
    ),
    Bad(
        "an unclosed bracket on the first line is reported there",
        lines("seed: [1, 2"),
        1,
        "",
        "invalid YAML: ...",
    ),
    Bad(
        "a key written twice is reported at the second occurrence",
        lines("seed: 1", "actors:", "  rok:", "    fatigue: 1", "    fatigue: 2"),
        5,
        "actors.rok.fatigue",
        "this key is written twice in the same mapping",
    ),
    Bad(
        "a top-level key written twice is reported at the second occurrence",
        lines("seed: 1", "seed: 2"),
        2,
        "seed",
        "this key is written twice in the same mapping",
    ),
    Bad(
        "a list instead of a mapping is refused",
        lines("- seed", "- 1"),
        1,
        "",
        "a scenario must be a mapping of keys such as 'seed:', 'actors:', 'events:'",
    ),
    Bad(
        "an undecodable file is reported without a line",
        b"seed: \xff\xfe\n",
        None,
        "",
        "cannot read the file (...",
    ),
    Bad("a missing file is file not found", None, None, "", "file not found"),
]

UNKNOWN_KEYS = [
    Bad(
        "an unknown top-level key suggests the near miss",
        lines("seed: 1", "replicate: 5"),
        2,
        "replicate",
        f"unknown key 'replicate'; did you mean 'replicates'? allowed: {', '.join(TOP_LEVEL_KEYS)}",
    ),
    Bad(
        "an unknown actor lists the actor ids",
        lines("seed: 1", "actors:", "  korea:", "    fatigue: 1"),
        3,
        "actors.korea",
        f"unknown actor 'korea'; allowed: {', '.join(ACTORS)}",
    ),
    Bad(
        "a parameter of another actor names its owner",
        lines("actors:", "  rok:", "    dialogue: 0.5"),
        3,
        "actors.rok.dialogue",
        "'dialogue' is not a parameter of rok; it belongs to china",
    ),
    Bad(
        "an unknown parameter of an actor suggests the near miss and lists its parameters",
        lines("actors:", "  rok:", "    fatigue: 0.1", "    reactivty: {dprk: 1}"),
        4,
        "actors.rok.reactivty",
        "unknown parameter of rok 'reactivty'; did you mean 'reactivity'? "
        f"allowed: {', '.join(ROK_PARAMS)}",
    ),
    Bad(
        "an unknown world parameter suggests the near miss",
        lines("world:", "  clash_hazzard: 0.1"),
        2,
        "world.clash_hazzard",
        "unknown world parameter 'clash_hazzard'; did you mean 'clash_hazard'? allowed: ...",
    ),
    Bad(
        "an unknown mechanism suggests the near miss",
        lines("mechanisms:", "  sanction: false"),
        2,
        "mechanisms.sanction",
        "unknown mechanism 'sanction'; did you mean 'sanctions'? allowed: ...",
    ),
    Bad(
        "an unknown key inside a mapping parameter lists the allowed keys",
        lines("actors:", "  rok:", "    reactivity: {dprk: 1, korea: 1}"),
        3,
        "actors.rok.reactivity.korea",
        # rok reacts to every actor but itself
        "unknown key 'korea'; expected one of 'dprk', 'russia', 'usa', 'china', 'japan' or 'eu'",
    ),
    Bad(
        "an actor cannot react to itself",
        lines("actors:", "  rok:", "    reactivity: {rok: 1}"),
        3,
        "actors.rok.reactivity.rok",
        "unknown key 'rok'; expected one of 'dprk'...",
    ),
    Bad(
        "an unknown initial key suggests the near miss",
        lines("actors:", "  rok:", "    initial: {spendng: 5}"),
        3,
        "actors.rok.initial.spendng",
        "...did you mean 'spending'?...allowed: ...",
    ),
    Bad(
        "a numeric key under an actor is refused as a key",
        lines("actors:", "  rok:", "    1: 2"),
        3,
        "actors.rok",
        "keys must be names, got 1; quote it if it is a name",
    ),
]

WRONG_TYPES = [
    Bad(
        "text for a number names the range",
        lines("actors:", "  rok:", "    reactivity: {dprk: high}"),
        3,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 'high'",
    ),
    Bad(
        "a fraction for replicates asks for a whole number",
        lines("seed: 1", "replicates: 2.5"),
        2,
        "replicates",
        "expected a whole number, got 2.5",
    ),
    Bad(
        "true for a number is not taken as 1",
        lines("world:", "  clash_hazard: true"),
        2,
        "world.clash_hazard",
        f"expected a number from {CLASH_HAZARD.range_text}, got True",
    ),
    Bad(
        "text for a mechanism switch asks for true or false",
        lines("mechanisms:", "  sanctions: 'no'"),
        2,
        "mechanisms.sanctions",
        "expected true or false, got 'no'",
    ),
    Bad(
        "a number for a mapping parameter asks for a mapping",
        lines("actors:", "  rok:", "    reactivity: 1"),
        3,
        "actors.rok.reactivity",
        f"expected a mapping from actor ids to numbers from {REACTIVITY.range_text}, got 1",
    ),
    Bad(
        "a list for a section asks for a mapping",
        lines("seed: 1", "actors: [rok]"),
        2,
        "actors",
        "expected a mapping, got ['rok']",
    ),
]

OUT_OF_RANGE = [
    Bad(
        "an out-of-range value names the range and unit",
        lines("actors:", "  rok:", "    reactivity:", "      dprk: 9"),
        4,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 9",
    ),
    Bad(
        "a negative seed is refused",
        lines("seed: -1"),
        1,
        "seed",
        "expected a value of at least 0, got -1",
    ),
    Bad(
        "not-a-number is out of every range",
        lines("world:", "  clash_hazard: .nan"),
        2,
        "world.clash_hazard",
        f"expected a number from {CLASH_HAZARD.range_text}, got nan",
    ),
    Bad(
        "the first error in file order is reported",
        lines("actors:", "  rok:", "    reactivity: {dprk: x}", "seed: y"),
        3,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 'x'",
    ),
]

EXTENDS = [
    Bad(
        "a missing extends target names the file looked for",
        lines("seed: 1", "extends: nope.yaml"),
        2,
        "extends",
        "no scenario file at nope.yaml (looked for <folder>/nope.yaml)",
    ),
    Bad(
        "an extends cycle names the cycle",
        lines("extends: b.yaml", "seed: 1"),
        2,
        "extends",
        "extends forms a cycle: a.yaml -> b.yaml -> a.yaml",
        loaded="a.yaml",
        beside=(("b.yaml", lines("seed: 2", "extends: a.yaml")),),
        blamed="b.yaml",
    ),
    Bad(
        "a file extending itself is a cycle",
        lines("extends: self.yaml"),
        1,
        "extends",
        "extends forms a cycle: self.yaml -> self.yaml",
        loaded="self.yaml",
        blamed="self.yaml",
    ),
    Bad(
        "extends must be a path",
        lines("extends: 3"),
        1,
        "extends",
        "expected the path of another scenario file",
    ),
    Bad(
        "a bad value in a parent is reported at the parent's line",
        lines("extends: base/parent.yaml", "world:", "  clash_hazard: 0.2"),
        6,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 9",
        beside=(
            (
                "base/parent.yaml",
                lines(
                    "seed: 1",
                    "world:",
                    "  clash_hazard: 0.1",
                    "actors:",
                    "  rok:",
                    "    reactivity: {dprk: 9}",
                ),
            ),
        ),
        blamed="base/parent.yaml",
    ),
    Bad(
        "an unknown key in a parent is reported at the parent's line",
        lines("extends: parent.yaml"),
        2,
        "replicate",
        "unknown key 'replicate'; did you mean 'replicates'?...",
        beside=(("parent.yaml", lines("seed: 1", "replicate: 3")),),
        blamed="parent.yaml",
    ),
    Bad(
        "broken YAML in a parent is reported in the parent",
        lines("extends: parent.yaml"),
        2,
        "",
        "invalid YAML: mapping values are not allowed here",
        beside=(("parent.yaml", lines("seed: 1", "horizon_months: 12: 5")),),
        blamed="parent.yaml",
    ),
    Bad(
        "a child's override is reported in the child, not the parent",
        lines(
            "# a comment", "extends: parent.yaml", "actors:", "  rok:", "    reactivity: {dprk: 9}"
        ),
        5,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 9",
        beside=(("parent.yaml", lines("actors:", "  rok:", "    reactivity: {dprk: 1}")),),
    ),
    Bad(
        "a child's event is reported at the child's line, numbered after the parent's events",
        lines(
            "extends: parent.yaml",
            "seed: 3",
            "events:",
            "  - month: 5",
            "    trigger: armed_clash",
        ),
        4,
        "events[2]",
        "'trigger: armed_clash' (or war) needs 'between: ...",
        beside=(
            (
                "parent.yaml",
                lines(
                    "events:",
                    "  - month: 3",
                    "    trigger: provocation",
                    "  - month: 4",
                    "    trigger: provocation",
                ),
            ),
        ),
    ),
]


def provocation_on(when: str) -> str:
    """One provocation, at `when` (a `month:` or `date:` line, or several)."""
    return f"events:\n  - {when}\n    trigger: provocation\n"


def event_in_month_3(what: str) -> str:
    """One event in month 3 doing `what` (a `trigger:` or `set:` line, or several)."""
    return f"events:\n  - month: 3\n    {what}\n"


EVENTS = [
    Bad(
        "an event after the horizon names the horizon",
        "horizon_months: 12\n" + provocation_on("month: 13"),
        3,
        "events[0]",
        "month 13 is after the horizon (12 months)",
    ),
    Bad(
        "an event dated after the horizon names the horizon",
        "horizon_months: 12\n" + provocation_on("date: '2025-07'"),
        3,
        "events[0]",
        "month 13 is after the horizon (12 months)",
    ),
    *[
        Bad(
            f"a malformed event date ({bad_date}) asks for YYYY-MM",
            provocation_on(f"date: '{bad_date}'"),
            2,
            "events[0].date",
            f"expected a date as YYYY-MM, got '{bad_date}'",
        )
        for bad_date in ["2025-13", "March 2025", "2025", "2025-02-30"]
    ],
    Bad(
        "an event dated before the start is refused",
        provocation_on("date: '2024-01'"),
        2,
        "events[0].date",
        "2024-01 is not after the start, 2024-06",
    ),
    Bad(
        "an event with both month and date asks for one",
        provocation_on("month: 3\n    date: '2025-01'"),
        2,
        "events[0]",
        ONE_OF_MONTH_AND_DATE,
    ),
    Bad(
        "an event with neither month nor date asks for one",
        provocation_on("note: no time"),
        2,
        "events[0]",
        ONE_OF_MONTH_AND_DATE,
    ),
    Bad(
        "an event with both set and trigger asks for one",
        event_in_month_3("trigger: provocation\n    set: {usa.buildup: 0.5}"),
        2,
        "events[0]",
        ONE_OF_SET_AND_TRIGGER,
    ),
    Bad(
        "an event with neither set nor trigger asks for one",
        event_in_month_3("note: nothing happens"),
        2,
        "events[0]",
        ONE_OF_SET_AND_TRIGGER,
    ),
    Bad(
        "an unknown trigger lists the triggers",
        event_in_month_3("trigger: invasion"),
        3,
        "events[0].trigger",
        "expected one of 'provocation', 'leadership_change', 'armed_clash' or 'war', "
        "got 'invasion'",
    ),
    Bad(
        "an unknown event key suggests the near miss",
        event_in_month_3("trigger: provocation\n    nte: x"),
        4,
        "events[0].nte",
        "unknown event key 'nte'; did you mean 'note'? "
        "allowed: month, date, set, trigger, between, note",
    ),
    Bad(
        "an event setting what is not a parameter suggests the near miss",
        event_in_month_3("set:\n      usa.buildup: 0.5\n      usa.buildupp: 0.5"),
        5,
        "events[0].set.usa.buildupp",
        "did you mean 'usa.buildup'? expected '<actor>.<parameter>', "
        "'world.<parameter>' or 'ukraine.intensity'",
    ),
    Bad(
        "an event setting a parameter of another actor names its owner",
        event_in_month_3("set: {rok.dialogue: 0.5}"),
        3,
        "events[0].set.rok.dialogue",
        "'dialogue' is not a parameter of rok; it belongs to china",
    ),
    Bad(
        "an event setting a mapping parameter needs its key",
        event_in_month_3("set: {rok.reactivity: 1}"),
        3,
        "events[0].set.rok.reactivity",
        "write this parameter as 'rok.reactivity.<actor>'",
    ),
    Bad(
        "an event setting a value out of range names the range",
        event_in_month_3("set:\n      usa.buildup: 1.5"),
        4,
        "events[0].set.usa.buildup",
        f"expected a number from {BUILDUP.range_text}, got 1.5",
    ),
    Bad(
        "an event setting text asks for a number",
        event_in_month_3("set:\n      usa.buildup: high"),
        4,
        "events[0].set.usa.buildup",
        "expected a number...'high'",
    ),
    Bad(
        "an armed clash without between asks for the pair",
        event_in_month_3("trigger: armed_clash"),
        2,
        "events[0]",
        NEEDS_THE_PAIR,
    ),
    Bad(
        "an armed clash names the bloc member first",
        event_in_month_3("trigger: armed_clash\n    between: [rok, dprk]"),
        4,
        "events[0].between[0]",
        "expected one of 'dprk' or 'russia', got 'rok'",
    ),
    Bad(
        "between without an armed clash is refused",
        event_in_month_3("trigger: provocation\n    between: [dprk, rok]"),
        2,
        "events[0]",
        "...and 'between' needs that trigger",
    ),
]

SWEEPS = [
    Bad(
        "a swept parameter that is not one suggests the near miss",
        lines("sweep:", "  parameters:", "    china.dialog: [0, 1]"),
        3,
        "sweep.parameters.china.dialog",
        "...did you mean 'china.dialogue'?...",
    ),
    Bad(
        "a swept range outside the declared one names it",
        lines("sweep:", "  parameters:", "    china.dialogue: [0, 2]"),
        3,
        "sweep.parameters.china.dialogue",
        "...expected a number from 0 to 1 (index 0-1), got 2...",
    ),
    Bad(
        "a swept range high to low asks for low < high",
        lines("sweep:", "  parameters:", "    china.dialogue: [0.6, 0.2]"),
        3,
        "sweep.parameters.china.dialogue",
        "...expected [low, high] with low < high...",
    ),
    Bad(
        "a heatmap of a parameter not swept is refused at its line",
        lines(
            "sweep:",
            "  parameters:",
            "    china.dialogue: [0, 1]",
            "  heatmaps: [[china.dialogue, usa.buildup]]",
        ),
        4,
        "sweep.heatmaps[0]",
        "...'usa.buildup' is not swept...",
    ),
    Bad(
        "an unknown sweep design lists the designs",
        lines("sweep:", "  design: latin", "  parameters:", "    china.dialogue: [0, 1]"),
        2,
        "sweep.design",
        "...expected one of 'grid', 'lhs', 'sobol' or 'morris'...",
    ),
    Bad(
        "a sweep of no parameters is refused",
        lines("sweep:", "  parameters: {}"),
        2,
        "sweep.parameters",
        "...expected...",
    ),
]

BAD_FILES = BROKEN_YAML + UNKNOWN_KEYS + WRONG_TYPES + OUT_OF_RANGE + EXTENDS + EVENTS + SWEEPS


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.claim)
def test_a_bad_scenario_file_is_refused(bad: Bad, tmp_path: Path) -> None:
    """The error names exactly this file, line and key, says this message, and str() is
    'file:line: key: message'."""
    for name, text in bad.beside:
        write_file(tmp_path / name, text)
    path = tmp_path / bad.loaded
    if bad.text is not None:
        write_file(path, bad.text)
    error = load_error(path)
    blamed = (tmp_path / bad.blamed).resolve() if bad.blamed else path
    assert (error.path, error.line, error.key) == (str(blamed), bad.line, bad.key)
    message = bad.message.replace("<folder>", str(tmp_path.resolve()))
    assert matches(message, error.message), error.message
    where = f"{blamed}:{bad.line}" if bad.line else str(blamed)
    assert str(error) == f"{where}: {bad.key + ': ' if bad.key else ''}{error.message}"


def test_the_tables_claims_rest_on_the_declared_parameters() -> None:
    """The rows above assume these declarations: dialogue is China's alone, 9 is above the
    reactivity range and 1.5 above the build-up range, and a range names its unit."""
    assert ACTOR_PARAMS["dialogue"].owners == ("china",)
    assert REACTIVITY.high < 9
    assert BUILDUP.high < 1.5
    assert f"{REACTIVITY.low:g} to {REACTIVITY.high:g} ({REACTIVITY.unit})" in REACTIVITY.range_text


# --- Files that load ------------------------------------------------------------------------


def test_scientific_notation_is_a_number(tmp_path: Path) -> None:
    path = write_file(tmp_path / "sci.yaml", "world:\n  clash_hazard: 1e-3\n")
    assert load_scenario(path).world("clash_hazard") == 0.001


def test_unquoted_full_date_is_read_as_its_month(tmp_path: Path) -> None:
    path = write_file(tmp_path / "ev.yaml", provocation_on("date: 2025-03-01"))
    assert load_scenario(path).spec.events[0].at_month == 9


def test_armed_clash_between_a_bloc_member_and_a_rival_loads(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "ev.yaml", event_in_month_3("trigger: armed_clash\n    between: [dprk, rok]")
    )
    assert load_scenario(path).spec.events[0].between == ("dprk", "rok")


def test_rival_pairs_can_be_written_in_yaml(tmp_path: Path) -> None:
    path = write_file(tmp_path / "out.yaml", "outcomes:\n  rival_pairs: [[rok, dprk]]\n")
    assert load_scenario(path).spec.outcomes.rival_pairs == [("rok", "dprk")]


# --- Scenario.with_params ------------------------------------------------------------------


@pytest.fixture
def scenario(write: Write) -> Scenario:
    return load_scenario(write("base.yaml", "seed: 1\nreplicates: 2\n"))


def test_with_params_out_of_range_raises_without_a_line(scenario: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.with_params({"world.clash_hazard": 50})
    error = info.value
    assert not error.line
    assert (error.path, error.key) == ("with_params()", "world.clash_hazard")
    assert error.message == f"expected a number from {CLASH_HAZARD.range_text}, got 50"
    assert str(error) == f"with_params(): world.clash_hazard: {error.message}"


def test_with_params_checks_mapping_keys_and_owners(scenario: Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"unknown key 'korea'; expected one of 'dprk'"):
        scenario.with_params({"rok.reactivity.korea": 1.0})
    with pytest.raises(ScenarioError, match=r"it belongs to china"):
        scenario.with_params({"rok.dialogue": 0.5})


def test_with_params_rejects_zero_replicates(scenario: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.with_params(replicates=0)
    assert (info.value.key, info.value.message) == (
        "replicates",
        "expected a value of at least 1, got 0",
    )
    assert not info.value.line


def test_with_params_good_value_gives_a_changed_copy(scenario: Scenario) -> None:
    changed = scenario.with_params({"rok.reactivity.dprk": 2.0, "world.clash_hazard": 0.5})
    assert changed.param("rok", "reactivity")["dprk"] == 2.0
    assert changed.world("clash_hazard") == 0.5
    assert scenario.param("rok", "reactivity")["dprk"] == REACTIVITY.defaults["rok"]["dprk"]


def test_with_params_unknown_actor_is_blamed_on_with_params_and_lists_actors(
    scenario: Scenario,
) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.with_params({"korea.fatigue": 1.0})
    assert info.value.path == "with_params()"
    assert "dprk" in info.value.message


def test_with_params_path_below_a_number_is_blamed_on_with_params(scenario: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.with_params({"rok.fatigue.x": 1.0})
    assert info.value.path in ("with_params()", "<override>")


def test_with_params_unknown_top_level_key_lists_the_allowed_keys(scenario: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.with_params(replicate=3)
    assert "did you mean 'replicates'?" in info.value.message
    assert "allowed: " in info.value.message


# --- Property: every declared range is enforced --------------------------------------------


def _address(section: str, name: str, p: Param) -> tuple[str, ...]:
    """Key path that sets parameter `name` (for its first owner, and first allowed key)."""
    if section == "world":
        return ("world", name)
    owner = p.owners[0]
    path = ("actors", owner, name)
    if p.keys is not None:
        path = (*path, next(k for k in p.keys if k != owner))
    return path


PARAMS = [("actor", n, p) for n, p in ACTOR_PARAMS.items()] + [
    ("world", n, p) for n, p in WORLD_PARAMS.items()
]


def _nest(key_path: tuple[str, ...], value: float) -> dict[str, Any]:
    data: Any = value
    for key in reversed(key_path):
        data = {key: data}
    return data


def _load_with(folder: Path, key_path: tuple[str, ...], value: float) -> Scenario:
    path = folder / "prop.yaml"
    # safe_dump writes floats YAML reads back as floats (1e-05 -> 1.0e-05, inf -> .inf)
    path.write_text(yaml.safe_dump(_nest(key_path, value), default_flow_style=False))
    return load_scenario(path)


def _outside(p: Param) -> st.SearchStrategy[float]:
    below = st.floats(max_value=p.low, exclude_max=True)
    above = st.floats(min_value=p.high, exclude_min=True)
    return st.one_of(below, above).filter(lambda x: not p.low <= x <= p.high)


PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(data=st.data())
def test_any_value_outside_the_declared_range_is_rejected_with_that_range(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    section, name, p = data.draw(st.sampled_from(PARAMS), label="parameter")
    value = data.draw(_outside(p), label="value")
    key_path = _address(section, name, p)
    with pytest.raises(ScenarioError) as info:
        _load_with(tmp_path_factory.mktemp("out"), key_path, value)
    error = info.value
    assert p.range_text in error.message
    assert error.key == ".".join(key_path)
    assert error.line == len(key_path)  # block style: one key per line


@PROPERTY
@given(data=st.data())
def test_any_value_inside_the_declared_range_loads(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    section, name, p = data.draw(st.sampled_from(PARAMS), label="parameter")
    value = data.draw(st.floats(min_value=p.low, max_value=p.high), label="value")
    key_path = _address(section, name, p)
    scenario = _load_with(tmp_path_factory.mktemp("in"), key_path, value)
    if section == "world":
        assert scenario.world(name) == value
    else:
        got = scenario.param(key_path[1], name)
        assert (got[key_path[3]] if p.keys is not None else got) == value


# --- Shipped scenarios ---------------------------------------------------------------------


def test_scenarios_are_shipped() -> None:
    assert len(SHIPPED) >= 2


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_scenario_validates(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.spec.replicates >= 1


# --- Command line ---------------------------------------------------------------------------


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_nothing_written(out: Path) -> None:
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def test_cli_bad_file_prints_one_error_line_exits_2_and_writes_nothing(
    write: Write, tmp_path: Path
) -> None:
    bad = write("bad.yaml", "seed: 1\nactors:\n  rok:\n    reactivity: {dprk: 9}\n")
    out = tmp_path / "results"
    done = cli(bad, "--out", out, "--no-plots")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines() == [
        f"error: {bad}:4: actors.rok.reactivity.dprk: expected a number from "
        f"{REACTIVITY.range_text}, got 9"
    ]
    assert_nothing_written(out)


def test_cli_validate_reports_each_file_and_exits_2_if_any_is_bad(write: Write) -> None:
    good = write("good.yaml", "seed: 1\nreplicates: 2\nhorizon_months: 24\n")
    bad = write("bad.yaml", "seed: 1\nreplicate: 2\n")
    done = cli("validate", good, bad)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith(f"ok: {good} (scenario 'good', 2 replicates, 24 months, hash ")
    errors = done.stderr.splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(
        f"error: {bad}:2: replicate: unknown key 'replicate'; did you mean 'replicates'?"
    )


def test_cli_validate_good_files_exits_0(write: Write) -> None:
    good = write("good.yaml", "seed: 1\n")
    done = cli("validate", good, *SHIPPED[:1])
    assert (done.returncode, done.stderr) == (0, "")
    assert [line.split(" ")[0] for line in done.stdout.splitlines()] == ["ok:", "ok:"]


def test_cli_missing_file_says_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    out = tmp_path / "results"
    done = cli(missing, "--out", out)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: {missing}: file not found"]
    assert_nothing_written(out)


def test_cli_rejects_zero_replicates(write: Write, tmp_path: Path) -> None:
    good = write("good.yaml", "seed: 1\nreplicates: 1\nhorizon_months: 2\n")
    out = tmp_path / "results"
    done = cli(good, "--replicates", "0", "--out", out, "--no-plots")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--replicates: expected a whole number from 1 to 10,000,000, got '0'" in done.stderr
    assert_nothing_written(out)


def test_cli_fractional_replicates_asks_for_a_whole_number(write: Write, tmp_path: Path) -> None:
    good = write("good.yaml", "seed: 1\n")
    done = cli(good, "--replicates", "2.5", "--out", tmp_path / "results")
    assert done.returncode == 2
    assert "_positive" not in done.stderr
    assert "whole number" in done.stderr


def test_a_short_run_of_the_baseline_leaves_its_later_history_unreached(tmp_path):
    """The baseline inherits history.yaml's dated events; a scenario (or a with_params call)
    that shortens the horizon runs without them, while an event it declares itself after
    its own horizon is still refused, naming its own file and line."""
    scenarios = Path(__file__).resolve().parents[1] / "scenarios"
    full = load_scenario(scenarios / "baseline.yaml")
    short = full.with_params(horizon_months=6)
    assert short.spec.horizon_months == 6
    kept = [event for event in full.spec.events if event.at_month <= 6]
    assert short.spec.events == kept and len(kept) < len(full.spec.events)
    with pytest.raises(ScenarioError, match=r"with_params\(\): events\[0\]: month 20 is after"):
        short.with_params(events=[{"month": 20, "trigger": "provocation"}])
