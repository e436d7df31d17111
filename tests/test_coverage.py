"""The coverage table (sim/scenario/coverage.py) accounts for every line of the article.

It fails when a line is neither covered nor excused, when a mechanism's or an actor's
docstring cites a line (Lnn) the table does not list it for, or when the table names a
mechanism, actor, parameter or outcome that does not exist.
"""

import ast
import re
from pathlib import Path

import pytest

from sim.actors import ACTORS
from sim.model.agents import AGENT_CLASSES
from sim.scenario.coverage import ARTICLE_LINES, COVERAGE
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.parameters import ACTOR_PARAMS, THEATRE_PARAMS, WORLD_PARAMS

ROOT = Path(__file__).resolve().parents[1]
MECHANISMS_DIR = ROOT / "sim" / "model" / "mechanisms"
CITATION = re.compile(r"\bL(\d+)\b")
TABLE = {entry.line: entry for entry in COVERAGE}


def _definitions(path: Path) -> dict[str, str]:
    """Top-level functions and classes of a module, with their docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: ast.get_docstring(node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }


MECHANISM_DOCS = {
    f"{path.stem}.{name}": doc
    for path in sorted(MECHANISMS_DIR.glob("*.py"))
    if path.name != "__init__.py"
    for name, doc in _definitions(path).items()
}


def _cited(doc: str) -> set[int]:
    return {int(n) for n in CITATION.findall(doc)}


def test_the_article_has_the_lines_the_table_covers():
    text = (ROOT / "docs" / "article.txt").read_text(encoding="utf-8")
    assert len(text.splitlines()) == ARTICLE_LINES
    assert [entry.line for entry in COVERAGE] == list(range(1, ARTICLE_LINES + 1))


@pytest.mark.parametrize("entry", COVERAGE, ids=lambda e: f"L{e.line}")
def test_every_line_is_covered_or_excused(entry):
    assert entry.says.strip()
    assert entry.mechanisms or entry.not_modelled.strip(), (
        f"L{entry.line} names no mechanism and gives no reason it is not modelled"
    )
    if not entry.mechanisms:
        assert not (entry.parameters or entry.outcomes), (
            f"L{entry.line} is not modelled but names parameters or outcomes"
        )


@pytest.mark.parametrize("entry", COVERAGE, ids=lambda e: f"L{e.line}")
def test_the_table_names_only_what_exists(entry):
    params = ACTOR_PARAMS.keys() | WORLD_PARAMS.keys() | THEATRE_PARAMS.keys()
    assert set(entry.mechanisms) <= MECHANISM_DOCS.keys(), set(entry.mechanisms) - set(
        MECHANISM_DOCS
    )
    assert set(entry.actors) <= set(ACTORS), set(entry.actors) - set(ACTORS)
    assert set(entry.parameters) <= params, set(entry.parameters) - params
    assert set(entry.outcomes) <= OUTCOMES.keys(), set(entry.outcomes) - OUTCOMES.keys()


def test_every_line_a_mechanism_cites_lists_that_mechanism():
    missing = [
        f"{name} cites L{line}"
        for name, doc in MECHANISM_DOCS.items()
        for line in sorted(_cited(doc))
        if line not in TABLE or name not in TABLE[line].mechanisms
    ]
    assert not missing, "the coverage table does not list: " + "; ".join(missing)


def test_every_line_an_actor_cites_lists_that_actor():
    """An agent class's docstring citing Lnn: the table lists, for Lnn, an actor it plays."""
    missing = []
    for cls in {c for c in AGENT_CLASSES.values()} | {
        base for c in AGENT_CLASSES.values() for base in c.__mro__
    }:
        players = {a for a, c in AGENT_CLASSES.items() if issubclass(c, cls)}
        if not players:
            continue
        for line in sorted(_cited(cls.__doc__ or "")):
            if line not in TABLE or not players & set(TABLE[line].actors):
                missing.append(f"{cls.__name__} ({', '.join(sorted(players))}) cites L{line}")
    assert not missing, "the coverage table does not list: " + "; ".join(missing)


def test_the_check_catches_an_uncited_line():
    """The docstring check is live: a made-up citation is reported."""
    doc = "A step (L12)."
    assert 12 in _cited(doc) and "escalation.provocations" not in TABLE[12].mechanisms
