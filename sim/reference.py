"""The README's generated blocks: the reference tables from the declarations, and the layout
from the modules' docstrings, so that neither can drift.

    python -m sim.reference            # print the blocks
    python -m sim.reference README.md  # rewrite each block between its markers in README.md

tests/test_reference.py fails when README.md is out of date.
"""

import ast
import sys
from collections.abc import Callable
from pathlib import Path

from sim.model.recording import SERIES
from sim.scenario.coverage import COVERAGE
from sim.scenario.outcome_settings import OUTCOMES, OutcomeSettings
from sim.scenario.parameters import ACTOR_PARAMS, MECHANISMS, THEATRE_PARAMS, WORLD_PARAMS, Param

PACKAGE = Path(__file__).resolve().parent


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(p: Param, owner: str) -> str:
    value = p.defaults[owner]
    if value is None:
        return "calibrated"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v:g}" for k, v in value.items()) or "none"
    return f"{value:g}"


HEADER = "| parameter | unit | range | {} | meaning | basis |\n|---|---|---|---|---|---|"


def actor_table() -> str:
    rows = [HEADER.format("defaults")]
    for p in ACTOR_PARAMS.values():
        defaults = "; ".join(f"{o}: {_default(p, o)}" for o in p.owners)
        if len({_default(p, o) for o in p.owners}) == 1 and len(p.owners) > 1:
            defaults = f"{', '.join(p.owners)}: {_default(p, p.owners[0])}"
        rows.append(
            f"| `{p.name}` | {p.unit} | {p.low:g} to {p.high:g} | {_cell(defaults)} | "
            f"{_cell(p.meaning)} | {_cell(p.basis)} |"
        )
    return "\n".join(rows)


def scalar_table(params: dict[str, Param], owner: str) -> str:
    rows = [HEADER.format("default")]
    rows += [
        f"| `{p.name}` | {p.unit} | {p.low:g} to {p.high:g} | {_default(p, owner)} | "
        f"{_cell(p.meaning)} | {_cell(p.basis)} |"
        for p in params.values()
    ]
    return "\n".join(rows)


def mechanism_table() -> str:
    rows = ["| switch | what it is |", "|---|---|"]
    rows += [f"| `{name}` | {_cell(what)} |" for name, what in MECHANISMS.items()]
    return "\n".join(rows)


def outcome_tables() -> str:
    rows = ["| outcome | definition |", "|---|---|"]
    rows += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in OUTCOMES.items()]
    rows += ["", "| setting | default | meaning |", "|---|---|---|"]
    for name, field in OutcomeSettings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        rows.append(f"| `{name}` | `{default}` | {_cell(field.description or '')} |")
    return "\n".join(rows)


def series_table() -> str:
    rows = ["| variable | label | unit | actor column |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | {s.label} | {s.unit} | {', '.join(s.columns)} |" for s in SERIES]
    return "\n".join(rows)


def reference() -> str:
    parts = [
        "### Actor parameters (`actors: <actor>: <parameter>:`)",
        actor_table(),
        "### World parameters (`world:`)",
        scalar_table(WORLD_PARAMS, "world"),
        "### The war in Ukraine (`ukraine:`)",
        scalar_table(THEATRE_PARAMS, "ukraine"),
        "### Mechanisms (`mechanisms:`, all `true` by default)",
        mechanism_table(),
        "### Outcomes and their settings (`outcomes:`)",
        outcome_tables(),
        "### Recorded series (`series.parquet`)",
        series_table(),
    ]
    return "\n\n".join(parts)


def coverage_table() -> str:
    """The article line by line: what implements each line, or why it is not modelled."""

    def codes(names: tuple[str, ...]) -> str:
        return ", ".join(f"`{n}`" for n in names)

    rows = [
        "| line | what it says | status | mechanisms (sim/model/mechanisms/) | actors | "
        "parameters | outcomes | not modelled, and why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| L{e.line} | {_cell(e.says)} | {e.status} | {codes(e.mechanisms)} | "
        f"{', '.join(e.actors)} | {codes(e.parameters)} | {codes(e.outcomes)} | "
        f"{_cell(e.not_modelled)} |"
        for e in COVERAGE
    ]
    return "\n".join(rows)


SHARED = ("actors", "calendar", "errors", "files", "provenance")
LAYERS = ("scenario", "model", "results", "execution", "plots")


def _summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _rows(folder: Path) -> list[str]:
    rows = []
    for path in sorted(folder.glob("*.py")):
        if path.name != "__init__.py":
            rows.append(
                f"| `{path.relative_to(PACKAGE.parent).as_posix()}` | {_cell(_summary(path))} |"
            )
    for sub in sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file()):
        rows.append(
            f"| `{sub.relative_to(PACKAGE.parent).as_posix()}/` | "
            f"{_cell(_summary(sub / '__init__.py'))} |"
        )
        rows += _rows(sub)
    return rows


def layout() -> str:
    """sim/'s layers, each module with the first paragraph of its docstring."""
    rows = [
        "| path | what it is |",
        "|---|---|",
        f"| `sim/` | {_cell(_summary(PACKAGE / '__init__.py').split('. ')[0].rstrip('.'))}. |",
    ]
    rows += [f"| `sim/{name}.py` | {_cell(_summary(PACKAGE / f'{name}.py'))} |" for name in SHARED]
    for name in LAYERS:
        rows.append(f"| **`sim/{name}/`** | {_cell(_summary(PACKAGE / name / '__init__.py'))} |")
        rows += _rows(PACKAGE / name)
    rows.append("| **entry** | What the command line, the notebook and the explorer call. |")
    rows += [
        f"| `{p.relative_to(PACKAGE.parent).as_posix()}` | {_cell(_summary(p))} |"
        for p in sorted(PACKAGE.glob("*.py"))
        if p.stem not in (*SHARED, "__init__")
    ]
    for sub in sorted(PACKAGE.iterdir()):
        if (sub / "__init__.py").is_file() and sub.name not in LAYERS:
            rows.append(f"| `sim/{sub.name}/` | {_cell(_summary(sub / '__init__.py'))} |")
            rows += _rows(sub)
    return "\n".join(rows)


BLOCKS: dict[str, Callable[[], str]] = {
    "reference": reference,
    "layout": layout,
    "coverage": coverage_table,
}
"""The README's generated blocks, by marker name."""


def markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- {name}:start (generated by `python -m sim.reference README.md`) -->",
        f"<!-- {name}:end -->",
    )


def render(name: str) -> str:
    """A block with its markers."""
    start, end = markers(name)
    return "\n\n".join([start, BLOCKS[name](), end])


def update(readme: Path) -> bool:
    """Rewrite every generated block of `readme`; True if it changed."""
    text = new = readme.read_text(encoding="utf-8")
    for name in BLOCKS:
        start, end = markers(name)
        head, rest = new.split(start, 1)
        _, tail = rest.split(end, 1)
        new = head + render(name) + tail
    readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print("updated" if update(Path(sys.argv[1])) else "already up to date")
    else:
        print("\n\n".join(render(name) for name in BLOCKS))
