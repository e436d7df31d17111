"""The docs' blocks generated from the code: the reference tables from the declarations, the
article coverage from its table, the data file's sources, and the layout from the modules'
docstrings, so that none can drift.

    python -m sim.reference          # rewrite each block between its markers in its docs page
    python -m sim.reference --check  # list the stale blocks (exit 1), write nothing

Each block lives in one page of docs/ (PAGES). tests/test_reference.py fails when a page is out
of date. Numbers and figures from runs are sim.docgen's, not these.
"""

import ast
import sys
from collections.abc import Callable
from pathlib import Path

from sim.model.recording import SERIES
from sim.results.outcomes import wilson_interval
from sim.scenario.coverage import COVERAGE
from sim.scenario.data import load_data
from sim.scenario.outcome_settings import OUTCOMES, OutcomeSettings
from sim.scenario.parameters import ACTOR_PARAMS, MECHANISMS, THEATRE_PARAMS, WORLD_PARAMS, Param
from sim.scenario.scenario import load_scenario

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
        "## Actor parameters (`actors: <actor>: <parameter>:`)",
        actor_table(),
        "## World parameters (`world:`)",
        scalar_table(WORLD_PARAMS, "world"),
        "## The war in Ukraine (`ukraine:`)",
        scalar_table(THEATRE_PARAMS, "ukraine"),
        "## Mechanisms (`mechanisms:`, all `true` by default)",
        mechanism_table(),
        "## Outcomes and their settings (`outcomes:`)",
        outcome_tables(),
        "## Recorded series (`series.parquet`)",
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


def data_table() -> str:
    """Every number of the data file with its unit, year, source and note."""
    rows = [
        "| section | key | value | unit | year | source | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for section, entries in load_data().items():
        rows += [
            f"| {section} | `{key}` | {d.value:g} | {_cell(d.unit)} | {d.year} | "
            f"{_cell(d.source)} | {_cell(d.note)} |"
            for key, d in entries.items()
        ]
    return "\n".join(rows)


def monte_carlo_error() -> str:
    """The 95 % Wilson intervals of a few shares at the baseline's default replicates."""
    n = load_scenario(PACKAGE.parent / "scenarios" / "baseline.yaml").spec.replicates

    def interval(share: float) -> str:
        low, high = wilson_interval(round(share * n), n)
        return f"{low * 100:.2g}-{high * 100:.2g} %"

    return (
        f"At the scenarios' default {n} replicates a 50 % share has a 95 % interval of "
        f"{interval(0.5)}, a 10 % share {interval(0.1)}, a 1 % share {interval(0.01)}."
    )


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
    for scripts in sorted(
        p for p in folder.iterdir() if p.is_dir() and not (p / "__init__.py").is_file()
    ):
        rows += [  # a data folder's scripts (run by path, not imported)
            f"| `{path.relative_to(PACKAGE.parent).as_posix()}` | {_cell(_summary(path))} |"
            for path in sorted(scripts.glob("*.py"))
        ]
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
    "data": data_table,
    "monte-carlo": monte_carlo_error,
}
"""The generated blocks, by marker name."""

DOCS = PACKAGE.parent / "docs"
PAGES: dict[str, Path] = {
    "reference": DOCS / "reference.md",
    "layout": DOCS / "architecture.md",
    "coverage": DOCS / "article-coverage.md",
    "data": DOCS / "data-sources.md",
    "monte-carlo": PACKAGE.parent / "README.md",
}
"""The docs page each block lives in."""
INLINE = {"monte-carlo"}
"""Blocks written inside a paragraph, markers and text on one line."""


def markers(name: str) -> tuple[str, str]:
    return (
        f"<!-- {name}:start (generated by `python -m sim.reference`) -->",
        f"<!-- {name}:end -->",
    )


def render(name: str) -> str:
    """A block with its markers."""
    start, end = markers(name)
    return ("" if name in INLINE else "\n\n").join([start, BLOCKS[name](), end])


def current(name: str, page: Path) -> str:
    """The block `name` as `page` holds it now, markers included."""
    text = page.read_text(encoding="utf-8")
    start, end = markers(name)
    if start not in text or end not in text:
        raise ValueError(f"{page}: the markers of the '{name}' block are missing")
    return text[text.index(start) : text.index(end) + len(end)]


def update(name: str, page: Path) -> bool:
    """Rewrite block `name` of `page` from the code; True if it changed."""
    text = page.read_text(encoding="utf-8")
    new = text.replace(current(name, page), render(name), 1)
    page.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    stale = [name for name, page in PAGES.items() if current(name, page) != render(name)]
    if "--check" in argv:
        for name in stale:
            print(f"stale: the '{name}' block of {PAGES[name]}: run `python -m sim.reference`")
        if not stale:
            print("every block is up to date")
        return 1 if stale else 0
    for name in stale:
        update(name, PAGES[name])
        print(f"updated the '{name}' block of {PAGES[name]}")
    if not stale:
        print("already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
