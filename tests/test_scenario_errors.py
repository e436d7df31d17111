"""Bad scenario input gives one clear ScenarioError: file, line, key path and what is allowed.

Each test writes a small scenario into pytest's tmp_path and states, as a claim, where the
error must point and what it must say. Ranges and units are read from sim/scenario/parameters.py so
the claims follow the declared tables.
"""

import subprocess
import sys
import textwrap
from collections.abc import Callable
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


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """write("a.yaml", text) -> path; the text is dedented, its first line is line 1."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def load_error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def assert_error(
    error: ScenarioError, path: Path | str, line: int | None, key: str, message: str
) -> None:
    """The error names exactly this file, line, key path and message, and says so in str()."""
    assert (error.path, error.line, error.key, error.message) == (str(path), line, key, message)
    where = f"{path}:{line}" if line else str(path)
    assert str(error) == f"{where}: {key + ': ' if key else ''}{message}"


# --- Broken YAML ---------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line_of_the_problem(write: Write) -> None:
    path = write(
        "bad.yaml",
        """
        seed: 1
        horizon_months: 12: 5
        replicates: 2
    """,
    )
    assert_error(load_error(path), path, 2, "", "invalid YAML: mapping values are not allowed here")


def test_tab_indentation_is_reported_at_its_line(write: Write) -> None:
    path = write("bad.yaml", "seed: 1\nactors:\n\trok: {}\n")
    error = load_error(path)
    assert (error.line, error.key) == (3, "")
    assert error.message.startswith("invalid YAML: ")
    assert "found character '\\t'" in error.message


@pytest.mark.parametrize(
    ("text", "bracket_line"),
    [
        ("seed: 1\nactors:\n  rok: {fatigue: [1, 2\nhorizon_months: 10\n", 3),
        ("seed: [1, 2\n", 1),
    ],
)
def test_unclosed_bracket_is_reported_at_the_line_that_opens_it(
    write: Write, text: str, bracket_line: int
) -> None:
    path = write("bad.yaml", text)
    error = load_error(path)
    assert error.line == bracket_line
    assert error.message.startswith("invalid YAML: ")


def test_unclosed_bracket_mid_file_is_an_invalid_yaml_error_not_a_traceback(write: Write) -> None:
    path = write(
        "bad.yaml",
        """
        seed: 1
        actors:
          rok: {fatigue: [1, 2
        horizon_months: 10
    """,
    )
    error = load_error(path)
    assert error.path == str(path) and error.key == ""
    assert error.line == 3  # where the bracket opens, not where the parser gave up
    assert error.message == (
        "invalid YAML: while parsing a flow sequence: expected ',' or ']', but got ':'"
    )


def test_key_written_twice_is_reported_at_the_second_occurrence(write: Write) -> None:
    path = write(
        "dup.yaml",
        """
        seed: 1
        actors:
          rok:
            fatigue: 1
            fatigue: 2
    """,
    )
    assert_error(
        load_error(path),
        path,
        5,
        "actors.rok.fatigue",
        "this key is written twice in the same mapping",
    )


def test_top_level_key_written_twice(write: Write) -> None:
    path = write("dup.yaml", "seed: 1\nseed: 2\n")
    assert_error(load_error(path), path, 2, "seed", "this key is written twice in the same mapping")


def test_a_list_instead_of_a_mapping_is_rejected(write: Write) -> None:
    path = write("list.yaml", "- seed\n- 1\n")
    assert_error(
        load_error(path),
        path,
        1,
        "",
        "a scenario must be a mapping of keys such as 'seed:', 'actors:', 'events:'",
    )


def test_undecodable_file_is_reported_without_a_line(write: Write) -> None:
    path = write("bin.yaml", "")
    path.write_bytes(b"seed: \xff\xfe\n")
    error = load_error(path)
    assert (error.path, error.line, error.key) == (str(path), None, "")
    assert error.message.startswith("cannot read the file (")


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert_error(load_error(path), path, None, "", "file not found")


# --- Unknown keys ---------------------------------------------------------------------------


def test_unknown_top_level_key_suggests_the_near_miss(write: Write) -> None:
    path = write("typo.yaml", "seed: 1\nreplicate: 5\n")
    assert_error(
        load_error(path),
        path,
        2,
        "replicate",
        f"unknown key 'replicate'; did you mean 'replicates'? allowed: {', '.join(TOP_LEVEL_KEYS)}",
    )


def test_unknown_actor_lists_the_actor_ids(write: Write) -> None:
    path = write(
        "korea.yaml",
        """
        seed: 1
        actors:
          korea:
            fatigue: 1
    """,
    )
    assert_error(
        load_error(path),
        path,
        3,
        "actors.korea",
        f"unknown actor 'korea'; allowed: {', '.join(ACTORS)}",
    )


def test_parameter_of_another_actor_names_its_owner(write: Write) -> None:
    path = write(
        "owner.yaml",
        """
        actors:
          rok:
            dialogue: 0.5
    """,
    )
    assert ACTOR_PARAMS["dialogue"].owners == ("china",)
    assert_error(
        load_error(path),
        path,
        3,
        "actors.rok.dialogue",
        "'dialogue' is not a parameter of rok; it belongs to china",
    )


def test_unknown_parameter_of_an_actor_suggests_the_near_miss(write: Write) -> None:
    path = write(
        "typo.yaml",
        """
        actors:
          rok:
            fatigue: 0.1
            reactivty: {dprk: 1}
    """,
    )
    error = load_error(path)
    allowed = [n for n, p in ACTOR_PARAMS.items() if "rok" in p.owners] + ["initial"]
    assert_error(
        error,
        path,
        4,
        "actors.rok.reactivty",
        "unknown parameter of rok 'reactivty'; did you mean 'reactivity'? "
        f"allowed: {', '.join(allowed)}",
    )


def test_unknown_world_parameter_suggests_the_near_miss(write: Write) -> None:
    path = write("typo.yaml", "world:\n  clash_hazzard: 0.1\n")
    error = load_error(path)
    assert (error.line, error.key) == (2, "world.clash_hazzard")
    assert error.message.startswith(
        "unknown world parameter 'clash_hazzard'; did you mean 'clash_hazard'? allowed: "
    )


def test_unknown_mechanism_suggests_the_near_miss(write: Write) -> None:
    path = write("typo.yaml", "mechanisms:\n  sanction: false\n")
    error = load_error(path)
    assert (error.line, error.key) == (2, "mechanisms.sanction")
    assert error.message.startswith(
        "unknown mechanism 'sanction'; did you mean 'sanctions'? allowed: "
    )


def test_unknown_key_inside_a_mapping_parameter_lists_the_allowed_keys(write: Write) -> None:
    path = write(
        "map.yaml",
        """
        actors:
          rok:
            reactivity: {dprk: 1, korea: 1}
    """,
    )
    # rok reacts to every actor but itself
    assert_error(
        load_error(path),
        path,
        3,
        "actors.rok.reactivity.korea",
        "unknown key 'korea'; expected one of 'dprk', 'russia', 'usa', 'china', 'japan' or 'eu'",
    )


def test_an_actor_cannot_react_to_itself(write: Write) -> None:
    path = write("self.yaml", "actors:\n  rok:\n    reactivity: {rok: 1}\n")
    error = load_error(path)
    assert (error.line, error.key) == (3, "actors.rok.reactivity.rok")
    assert error.message.startswith("unknown key 'rok'; expected one of 'dprk'")


def test_unknown_initial_key_suggests_the_near_miss(write: Write) -> None:
    path = write("init.yaml", "actors:\n  rok:\n    initial: {spendng: 5}\n")
    error = load_error(path)
    assert (error.line, error.key) == (3, "actors.rok.initial.spendng")
    assert "did you mean 'spending'?" in error.message
    assert "allowed: " in error.message


def test_numeric_key_under_an_actor_is_rejected_as_a_key(write: Write) -> None:
    path = write("int.yaml", "actors:\n  rok:\n    1: 2\n")
    assert_error(
        load_error(path),
        path,
        3,
        "actors.rok",
        "keys must be names, got 1; quote it if it is a name",
    )


# --- Wrong types ----------------------------------------------------------------------------


def test_text_for_a_number_names_the_range(write: Write) -> None:
    path = write("type.yaml", "actors:\n  rok:\n    reactivity: {dprk: high}\n")
    assert_error(
        load_error(path),
        path,
        3,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 'high'",
    )


def test_float_for_replicates_asks_for_a_whole_number(write: Write) -> None:
    path = write("type.yaml", "seed: 1\nreplicates: 2.5\n")
    assert_error(load_error(path), path, 2, "replicates", "expected a whole number, got 2.5")


def test_bool_for_a_number_is_not_taken_as_0_or_1(write: Write) -> None:
    path = write("type.yaml", "world:\n  clash_hazard: true\n")
    assert_error(
        load_error(path),
        path,
        2,
        "world.clash_hazard",
        f"expected a number from {CLASH_HAZARD.range_text}, got True",
    )


def test_text_for_a_mechanism_switch_asks_for_true_or_false(write: Write) -> None:
    path = write("type.yaml", "mechanisms:\n  sanctions: 'no'\n")
    assert_error(
        load_error(path), path, 2, "mechanisms.sanctions", "expected true or false, got 'no'"
    )


def test_number_for_a_mapping_parameter_asks_for_a_mapping(write: Write) -> None:
    path = write("type.yaml", "actors:\n  rok:\n    reactivity: 1\n")
    assert_error(
        load_error(path),
        path,
        3,
        "actors.rok.reactivity",
        f"expected a mapping from actor ids to numbers from {REACTIVITY.range_text}, got 1",
    )


def test_list_for_a_section_asks_for_a_mapping(write: Write) -> None:
    path = write("type.yaml", "seed: 1\nactors: [rok]\n")
    assert_error(load_error(path), path, 2, "actors", "expected a mapping, got ['rok']")


def test_scientific_notation_is_a_number(write: Write) -> None:
    path = write("sci.yaml", "world:\n  clash_hazard: 1e-3\n")
    assert load_scenario(path).world("clash_hazard") == 0.001


# --- Out of range ----------------------------------------------------------------------------


def test_out_of_range_value_names_the_range_and_unit(write: Write) -> None:
    path = write(
        "range.yaml",
        """
        actors:
          rok:
            reactivity:
              dprk: 9
    """,
    )
    assert REACTIVITY.high < 9
    error = load_error(path)
    assert_error(
        error,
        path,
        4,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 9",
    )
    assert f"{REACTIVITY.low:g} to {REACTIVITY.high:g} ({REACTIVITY.unit})" in error.message


def test_negative_seed_is_rejected(write: Write) -> None:
    path = write("seed.yaml", "seed: -1\n")
    assert_error(load_error(path), path, 1, "seed", "expected a value of at least 0, got -1")


def test_not_a_number_is_out_of_every_range(write: Write) -> None:
    path = write("nan.yaml", "world:\n  clash_hazard: .nan\n")
    assert_error(
        load_error(path),
        path,
        2,
        "world.clash_hazard",
        f"expected a number from {CLASH_HAZARD.range_text}, got nan",
    )


def test_first_error_in_file_order_is_reported(write: Write) -> None:
    path = write(
        "two.yaml",
        """
        actors:
          rok:
            reactivity: {dprk: x}
        seed: y
    """,
    )
    error = load_error(path)
    assert (error.line, error.key) == (3, "actors.rok.reactivity.dprk")


# --- extends --------------------------------------------------------------------------------


def test_missing_extends_target_names_the_file_looked_for(write: Write, tmp_path: Path) -> None:
    path = write("child.yaml", "seed: 1\nextends: nope.yaml\n")
    assert_error(
        load_error(path),
        path,
        2,
        "extends",
        f"no scenario file at nope.yaml (looked for {(tmp_path / 'nope.yaml').resolve()})",
    )


def test_extends_cycle_names_the_cycle(write: Write) -> None:
    a = write("a.yaml", "extends: b.yaml\nseed: 1\n")
    b = write("b.yaml", "seed: 2\nextends: a.yaml\n")
    assert_error(
        load_error(a),
        b.resolve(),
        2,
        "extends",
        "extends forms a cycle: a.yaml -> b.yaml -> a.yaml",
    )


def test_file_extending_itself_is_a_cycle(write: Write) -> None:
    path = write("self.yaml", "extends: self.yaml\n")
    assert_error(
        load_error(path),
        path.resolve(),
        1,
        "extends",
        "extends forms a cycle: self.yaml -> self.yaml",
    )


def test_extends_must_be_a_path(write: Write) -> None:
    path = write("child.yaml", "extends: 3\n")
    assert_error(load_error(path), path, 1, "extends", "expected the path of another scenario file")


def test_bad_value_in_a_parent_is_reported_at_the_parents_line(write: Write) -> None:
    parent = write(
        "base/parent.yaml",
        """
        seed: 1
        world:
          clash_hazard: 0.1
        actors:
          rok:
            reactivity: {dprk: 9}
    """,
    )
    child = write(
        "child.yaml",
        """
        extends: base/parent.yaml
        world:
          clash_hazard: 0.2
    """,
    )
    assert_error(
        load_error(child),
        parent.resolve(),
        6,
        "actors.rok.reactivity.dprk",
        f"expected a number from {REACTIVITY.range_text}, got 9",
    )


def test_unknown_key_in_a_parent_is_reported_at_the_parents_line(write: Write) -> None:
    parent = write("parent.yaml", "seed: 1\nreplicate: 3\n")
    child = write("child.yaml", "extends: parent.yaml\n")
    error = load_error(child)
    assert (error.path, error.line, error.key) == (str(parent.resolve()), 2, "replicate")
    assert error.message.startswith("unknown key 'replicate'; did you mean 'replicates'?")


def test_broken_yaml_in_a_parent_is_reported_in_the_parent(write: Write) -> None:
    parent = write("parent.yaml", "seed: 1\nhorizon_months: 12: 5\n")
    child = write("child.yaml", "extends: parent.yaml\n")
    assert_error(
        load_error(child),
        parent.resolve(),
        2,
        "",
        "invalid YAML: mapping values are not allowed here",
    )


def test_child_override_is_reported_in_the_child_not_the_parent(write: Write) -> None:
    write("parent.yaml", "actors:\n  rok:\n    reactivity: {dprk: 1}\n")
    child = write(
        "child.yaml",
        """
        # a comment
        extends: parent.yaml
        actors:
          rok:
            reactivity: {dprk: 9}
    """,
    )
    error = load_error(child)
    assert (error.path, error.line, error.key) == (str(child), 5, "actors.rok.reactivity.dprk")


def test_child_event_is_reported_at_the_childs_line_after_the_parents_events(write: Write) -> None:
    write(
        "parent.yaml",
        """
        events:
          - month: 3
            trigger: provocation
          - month: 4
            trigger: provocation
    """,
    )
    child = write(
        "child.yaml",
        """
        extends: parent.yaml
        seed: 3
        events:
          - month: 5
            trigger: armed_clash
    """,
    )
    error = load_error(child)
    assert (error.path, error.line, error.key) == (str(child), 4, "events[2]")
    assert error.message.startswith("'trigger: armed_clash' (or war) needs 'between: ")


# --- Events ---------------------------------------------------------------------------------


def test_event_after_the_horizon_names_the_horizon(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        horizon_months: 12
        events:
          - month: 13
            trigger: provocation
    """,
    )
    assert_error(
        load_error(path), path, 3, "events[0]", "month 13 is after the horizon (12 months)"
    )


def test_event_date_after_the_horizon(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        horizon_months: 12
        events:
          - date: '2025-07'
            trigger: provocation
    """,
    )
    assert_error(
        load_error(path), path, 3, "events[0]", "month 13 is after the horizon (12 months)"
    )


@pytest.mark.parametrize("bad_date", ["2025-13", "March 2025", "2025", "2025-02-30"])
def test_malformed_event_date_asks_for_yyyy_mm(write: Write, bad_date: str) -> None:
    path = write(
        "ev.yaml",
        f"""
        events:
          - date: '{bad_date}'
            trigger: provocation
    """,
    )
    assert_error(
        load_error(path), path, 2, "events[0].date", f"expected a date as YYYY-MM, got '{bad_date}'"
    )


def test_unquoted_full_date_is_read_as_its_month(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - date: 2025-03-01\n    trigger: provocation\n")
    scenario = load_scenario(path)
    assert scenario.spec.events[0].at_month == 9


def test_event_date_before_the_start(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - date: '2024-01'\n    trigger: provocation\n")
    assert_error(
        load_error(path), path, 2, "events[0].date", "2024-01 is not after the start, 2024-06"
    )


@pytest.mark.parametrize("when", ["month: 3\n    date: '2025-01'", "note: no time"])
def test_event_needs_exactly_one_of_month_and_date(write: Write, when: str) -> None:
    path = write("ev.yaml", f"events:\n  - {when}\n    trigger: provocation\n")
    assert_error(
        load_error(path),
        path,
        2,
        "events[0]",
        "give exactly one of 'month: N' (months after June 2024) or 'date: YYYY-MM'",
    )


@pytest.mark.parametrize(
    "what",
    [
        "trigger: provocation\n    set: {usa.buildup: 0.5}",
        "note: nothing happens",
    ],
)
def test_event_needs_exactly_one_of_set_and_trigger(write: Write, what: str) -> None:
    path = write("ev.yaml", f"events:\n  - month: 3\n    {what}\n")
    assert_error(
        load_error(path),
        path,
        2,
        "events[0]",
        "give exactly one of 'set: {path: value}' or "
        "'trigger: provocation | leadership_change | armed_clash | war'",
    )


def test_unknown_trigger_lists_the_triggers(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    trigger: invasion\n")
    assert_error(
        load_error(path),
        path,
        3,
        "events[0].trigger",
        "expected one of 'provocation', 'leadership_change', 'armed_clash' or 'war', "
        "got 'invasion'",
    )


def test_unknown_event_key_suggests_the_near_miss(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    trigger: provocation\n    nte: x\n")
    assert_error(
        load_error(path),
        path,
        4,
        "events[0].nte",
        "unknown event key 'nte'; did you mean 'note'? "
        "allowed: month, date, set, trigger, between, note",
    )


def test_event_set_path_that_is_not_a_parameter(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        events:
          - month: 3
            set:
              usa.buildup: 0.5
              usa.buildupp: 0.5
    """,
    )
    assert_error(
        load_error(path),
        path,
        5,
        "events[0].set.usa.buildupp",
        "did you mean 'usa.buildup'? expected '<actor>.<parameter>', "
        "'world.<parameter>' or 'ukraine.intensity'",
    )


def test_event_set_parameter_of_another_actor_names_its_owner(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    set: {rok.dialogue: 0.5}\n")
    assert_error(
        load_error(path),
        path,
        3,
        "events[0].set.rok.dialogue",
        "'dialogue' is not a parameter of rok; it belongs to china",
    )


def test_event_set_mapping_parameter_needs_its_key(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    set: {rok.reactivity: 1}\n")
    assert_error(
        load_error(path),
        path,
        3,
        "events[0].set.rok.reactivity",
        "write this parameter as 'rok.reactivity.<actor>'",
    )


def test_event_set_out_of_range_value_names_the_range(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        events:
          - month: 3
            set:
              usa.buildup: 1.5
    """,
    )
    assert BUILDUP.high < 1.5
    assert_error(
        load_error(path),
        path,
        4,
        "events[0].set.usa.buildup",
        f"expected a number from {BUILDUP.range_text}, got 1.5",
    )


def test_event_set_text_value_asks_for_a_number(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    set:\n      usa.buildup: high\n")
    error = load_error(path)
    assert (error.line, error.key) == (4, "events[0].set.usa.buildup")
    assert error.message.startswith("expected a number") and error.message.endswith("'high'")


def test_armed_clash_without_between_asks_for_the_pair(write: Write) -> None:
    path = write("ev.yaml", "events:\n  - month: 3\n    trigger: armed_clash\n")
    assert_error(
        load_error(path),
        path,
        2,
        "events[0]",
        "'trigger: armed_clash' (or war) needs 'between: [bloc member, rival]' and 'between' "
        "needs that trigger",
    )


def test_armed_clash_between_a_bloc_member_and_a_rival_loads(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        events:
          - month: 3
            trigger: armed_clash
            between: [dprk, rok]
    """,
    )
    assert load_scenario(path).spec.events[0].between == ("dprk", "rok")


def test_armed_clash_between_names_the_bloc_member_first(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        events:
          - month: 3
            trigger: armed_clash
            between: [rok, dprk]
    """,
    )
    assert_error(
        load_error(path),
        path,
        4,
        "events[0].between[0]",
        "expected one of 'dprk' or 'russia', got 'rok'",
    )


def test_between_without_armed_clash_is_rejected(write: Write) -> None:
    path = write(
        "ev.yaml",
        """
        events:
          - month: 3
            trigger: provocation
            between: [dprk, rok]
    """,
    )
    error = load_error(path)
    assert (error.line, error.key) == (2, "events[0]")
    assert error.message.endswith("and 'between' needs that trigger")


def test_rival_pairs_can_be_written_in_yaml(write: Write) -> None:
    path = write("out.yaml", "outcomes:\n  rival_pairs: [[rok, dprk]]\n")
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


# --- Sweeps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "key", "message"),
    [
        (
            "sweep:\n  parameters:\n    china.dialog: [0, 1]\n",
            3,
            "sweep.parameters.china.dialog",
            "did you mean 'china.dialogue'?",
        ),
        (
            "sweep:\n  parameters:\n    china.dialogue: [0, 2]\n",
            3,
            "sweep.parameters.china.dialogue",
            "expected a number from 0 to 1 (index 0-1), got 2",
        ),
        (
            "sweep:\n  parameters:\n    china.dialogue: [0.6, 0.2]\n",
            3,
            "sweep.parameters.china.dialogue",
            "expected [low, high] with low < high",
        ),
        (
            "sweep:\n  parameters:\n    china.dialogue: [0, 1]\n  heatmaps: [[china.dialogue, "
            "usa.buildup]]\n",
            4,
            "sweep.heatmaps[0]",
            "'usa.buildup' is not swept",
        ),
        (
            "sweep:\n  design: latin\n  parameters:\n    china.dialogue: [0, 1]\n",
            2,
            "sweep.design",
            "expected one of 'grid', 'lhs', 'sobol' or 'morris'",
        ),
        ("sweep:\n  parameters: {}\n", 2, "sweep.parameters", "expected"),
    ],
)
def test_bad_sweep_blocks_are_reported_at_their_line(write: Write, body, line, key, message):
    path = write("sweep.yaml", body)
    error = load_error(path)
    assert (error.path, error.line, error.key) == (str(path), line, key)
    assert message in error.message


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
