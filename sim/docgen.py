"""The README's and docs' numbers, tables and figures that come from runs: made by one command
from pinned seeds, each block fingerprinted so that a test knows when it is stale.

    python -m sim.docgen          # `make docs-results`: run everything, rewrite every block
    python -m sim.docgen --check  # name each stale block (exit 1); runs nothing, takes a second
    python -m sim.docgen --speed  # the speed table and README times from `make bench`'s record

A block sits between `<!-- NAME:start ... -->` and `<!-- NAME:end -->` in its page (BLOCKS).
Its start marker records two fingerprints: `inputs`, a hash of every file its numbers depend
on, and `body`, a hash of the block's text and of the figures it shows. A block is stale when
its inputs changed after it was written, or when its text or figure was edited by hand.

Why fingerprints and not a rerun in the test: the blocks need nine scenarios x 400 replicates
x 120 months, a comparison, a hindcast and their figures (minutes here), and a cheaper rerun
gives other numbers. The golden files stand in for "the model's results": a change that moves
any result changes them (tests/test_golden.py fails until `make golden`), so a refactoring
that moves nothing leaves the docs fresh and one that moves anything marks them stale. The
scenario, observation and data files, the outcome declarations and plain labels, and this
generator are inputs too; figures also depend on sim/plots/.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"
COMMAND = "make docs-results"
SEED = 11
"""The seed of the scenario table, the headline and the comparison (replicates 0-399)."""
REPLICATES = 400
HINDCAST_SEED = 20240619
HINDCAST_REPLICATES = 200
WHAT_IF = "sanctions_isolation"
"""The what-if the README's figure and the docs' compare example set against the baseline:
the article's second question, whether isolating the bloc works (L25)."""

RESULT_INPUTS = (
    "tests/golden",
    "scenarios",
    "observations",
    "sim/scenario/data",
    "sim/scenario/outcome_settings.py",
    "sim/plots/labels.py",
    "sim/results/scenario_table.py",
    "sim/docgen.py",
)
"""What a table's numbers depend on (see the module's docstring)."""
FIGURE_INPUTS = (*RESULT_INPUTS, "sim/plots")
HASHED_SUFFIXES = {".py", ".yaml", ".yml", ".csv", ".mplstyle"}


@dataclass(frozen=True)
class Block:
    """A generated block: where it lives, what it depends on, the figures it shows."""

    name: str
    page: Path
    inputs: tuple[str, ...]
    figures: tuple[str, ...] = ()
    command: str = COMMAND
    """What regenerates it: the runs (COMMAND), or `make bench` for the timings."""


BENCH_RECORD = DOCS / "generated" / "bench.json"
"""The speed goals as `make bench` last measured them (benchmarks/bench_goals.py --json),
each part with its machine and date: docs/speed.md's table and the README's times."""
TIMING_INPUTS = ("docs/generated/bench.json", "sim/docgen.py")
TIMING_COMMAND = "make bench"

BLOCKS = (
    Block("headline", ROOT / "README.md", RESULT_INPUTS),
    Block("headline-figure", ROOT / "README.md", FIGURE_INPUTS, ("compare-outcomes.png",)),
    Block("outcomes-by-scenario", DOCS / "outcomes_by_scenario.md", RESULT_INPUTS),
    Block("compare-example", DOCS / "exploring.md", FIGURE_INPUTS, ("briefing.png",)),
    Block("hindcast", DOCS / "history.md", FIGURE_INPUTS, ("hindcast.png",)),
    Block("speed", DOCS / "speed.md", TIMING_INPUTS, command=TIMING_COMMAND),
    Block("commands", ROOT / "README.md", TIMING_INPUTS, command=TIMING_COMMAND),
)


def _files(inputs: Iterable[str]) -> list[Path]:
    found: set[Path] = set()
    for name in inputs:
        path = ROOT / name
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix in HASHED_SUFFIXES)
        elif path.is_file():  # a file named on its own counts whatever its suffix
            found.add(path)
    return sorted(found)


def inputs_hash(block: Block) -> str:
    """A hash of the block's input files (their paths and bytes) and the command."""
    digest = hashlib.sha256(COMMAND.encode())
    for path in _files(block.inputs):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def body_hash(block: Block, body: str) -> str:
    """A hash of the block's text and of the figures it shows."""
    digest = hashlib.sha256(body.encode())
    for figure in block.figures:
        path = FIGURES / figure
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()[:16]


def start_marker(block: Block, inputs: str, body: str) -> str:
    return (
        f"<!-- {block.name}:start generated by `{block.command}` (python -m sim.docgen),"
        f" do not edit; inputs {inputs} body {body} -->"
    )


def end_marker(block: Block) -> str:
    return f"<!-- {block.name}:end -->"


def split(block: Block, text: str) -> tuple[str, str, str, str]:
    """(before, start marker, body, after) of `block` in a page's text."""
    opening = f"<!-- {block.name}:start "
    if opening not in text or end_marker(block) not in text:
        raise ValueError(f"{block.page}: the markers of the '{block.name}' block are missing")
    before, rest = text.split(opening, 1)
    marker_tail, rest = rest.split("-->", 1)
    body, after = rest.split(end_marker(block), 1)
    return before, opening + marker_tail + "-->", body.strip("\n"), after


def staleness(block: Block) -> str | None:
    """Why `block` is stale, or None when it is fresh."""
    if not block.page.exists():
        return "the page is missing"
    try:
        _, marker, body, _ = split(block, block.page.read_text(encoding="utf-8"))
    except ValueError:
        return "its start or end marker is missing"
    if f" inputs {inputs_hash(block)} " not in marker:
        return "its inputs changed since it was generated"
    if f" body {body_hash(block, body)} " not in marker:
        return "its text or figure was edited by hand"
    return None


def write_block(block: Block, body: str) -> None:
    """Put `body` between the block's markers, with fresh fingerprints."""
    text = block.page.read_text(encoding="utf-8")
    before, _, _, after = split(block, text)
    marker = start_marker(block, inputs_hash(block), body_hash(block, body))
    block.page.write_text(
        f"{before}{marker}\n\n{body}\n\n{end_marker(block)}{after}", encoding="utf-8"
    )


def stamp() -> str:
    """When and where the numbers were made."""
    machine = f"{platform.node()} ({platform.platform()}, {os.cpu_count()} CPUs)"
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine}"


def _points(value: float) -> str:
    points = value * 100
    return f"{points:+.1f}" if abs(points) < 10 else f"{points:+.0f}"


def headline(runs: list, stamp_text: str) -> str:
    """The baseline's outcome shares, and the shipped what-if that moves each one most."""
    from sim.plots.labels import outcome_label, share_interval_text
    from sim.results import scenario_table as st

    shares = st.share_rows(runs[:1])
    differences = st.outcome_difference_rows(runs)
    moved = differences[
        (differences["scenario"] != runs[0].name)
        & ~differences["forced"]
        & ((differences["ci_low"] > 0) | (differences["ci_high"] < 0))
    ]
    rows = [
        "| outcome | baseline: share of futures (95 % interval) "
        "| the what-if that moves it most (points, 95 % interval) |",
        "|---|---|---|",
    ]
    for share in shares.itertuples():
        candidates = moved[moved["outcome"] == share.outcome]
        if len(candidates):
            top = candidates.loc[candidates["difference"].abs().idxmax()]
            change = (
                f"`{top['scenario']}`: {_points(top['difference'])} "
                f"({_points(top['ci_low'])} to {_points(top['ci_high'])})"
            )
        else:
            change = "none beyond Monte Carlo error"
        rows.append(
            f"| {outcome_label(share.outcome)} "
            f"| {share_interval_text(share.share, share.ci_low, share.ci_high)} | {change} |"
        )
    return "\n".join(
        [
            f"The baseline (`scenarios/baseline.yaml`: the pact as signed, the observed history"
            f" to December 2026, then those conditions continued), {REPLICATES} futures, seed"
            f" {SEED}, June 2024 to June 2034, outcomes judged {runs[0].outcome_window}; each"
            f" of the {len(runs) - 1} shipped what-ifs branches from the present and runs on the"
            " same futures (paired). Made "
            f"{stamp_text} by `{COMMAND}`; every scenario's table: "
            "[outcomes by scenario](docs/outcomes_by_scenario.md).",
            "",
            *rows,
        ]
    )


def outcomes_page(runs: list) -> str:
    from sim.results import scenario_table as st

    out = Path("docs/outcomes_by_scenario.md")
    return st.markdown(runs, st.header(REPLICATES, SEED, out, runs[0].months))


def compare_example(folder: Path) -> tuple[str, str]:
    """Run `alliance-sim compare` on the baseline and WHAT_IF: (its printout, its folder)."""
    from sim.cli import main

    scenarios = ROOT / "scenarios"
    printed = io.StringIO()
    argv = [
        "compare",
        str(scenarios / "baseline.yaml"),
        str(scenarios / f"{WHAT_IF}.yaml"),
        *("--replicates", str(REPLICATES), "--seed", str(SEED), "--after-present"),
        *("--out", str(folder)),
    ]
    with contextlib.redirect_stdout(printed):
        status = main(argv, prog="alliance-sim")
    if status != 0:
        raise RuntimeError(f"alliance-sim compare exited {status}")
    lines = printed.getvalue().splitlines()
    results = next(line for line in lines if line.startswith("Results: "))
    text = "\n".join(line for line in lines if not line.startswith("Results: "))
    return text.strip("\n"), results.removeprefix("Results: ")


def compare_block(printout: str, stamp_text: str) -> str:
    command = (
        f"alliance-sim compare scenarios/baseline.yaml scenarios/{WHAT_IF}.yaml "
        f"--replicates {REPLICATES} --seed {SEED} --after-present"
    )
    return "\n".join(
        [
            f"`{command}` printed, {stamp_text}:",
            "",
            "```",
            printout,
            "```",
            "",
            "Its one-page briefing (`briefing.png`):",
            "",
            f"![The briefing of '{WHAT_IF}' against 'baseline'](figures/briefing.png)",
        ]
    )


HINDCAST_HEADINGS = {
    "q10": "model 10 %",
    "q50": "model median",
    "q90": "model 90 %",
    "pit": "PIT",
    "inside_80": "in 80 %",
    "crps": "CRPS",
}
"""The hindcast table's columns as docs/history.md explains them."""


def _cell(value: object) -> str:
    """A table cell: yes / no, four significant digits, or the text; empty for none."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def hindcast_block(folder: Path, stamp_text: str) -> str:
    """The shipped history scored against the observations, with the figure."""
    from sim.execution.hindcast import hindcast
    from sim.plots.hindcast import hindcast_plot
    from sim.scenario.scenario import load_scenario

    scored = hindcast(
        load_scenario(ROOT / "scenarios" / "history.yaml"),
        ROOT / "observations" / "history.yaml",
        replicates=HINDCAST_REPLICATES,
        seed=HINDCAST_SEED,
    )
    figure = hindcast_plot(scored)
    figure.savefig(folder / "hindcast.png")
    table = scored.table
    columns = [c for c in ("series", "actor", "period", "measure") if c in table.columns]
    numbers = [c for c in ("observed", "q10", "q50", "q90", "pit", "inside_80", "crps")]
    numbers = [c for c in numbers if c in table.columns]
    rows = [
        "| " + " | ".join(HINDCAST_HEADINGS.get(c, c) for c in columns + numbers) + " |",
        "|" + "---|" * (len(columns) + len(numbers)),
    ]
    for _, row in table.iterrows():
        cells = [_cell(row[c]) for c in columns + numbers]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(
        [
            "`alliance-sim hindcast scenarios/history.yaml --observations "
            f"observations/history.yaml --replicates {HINDCAST_REPLICATES} --seed "
            f"{HINDCAST_SEED}`, {stamp_text}: {scored.summary_text()}.",
            "",
            *rows,
            "",
            "![The hindcast: the model's fans and the observations](figures/hindcast.png)",
        ]
    )


def _machine(entry: dict) -> str:
    box = entry["machine"]
    return (
        f"{box['cpu']}, {box['cores']} cores ({box['system']}; Python {box['python']},"
        f" numba {box['numba']})"
    )


def _load(entry: dict) -> str:
    def figures(text: str) -> str:  # "load average 0.06 (1 min), 0.56 (5 min) on 2 CPUs"
        return text.removeprefix("load average ").split(" on ")[0]

    return (
        f"load average {figures(entry['load_before'])} before, {figures(entry['load_after'])} after"
    )


def _figure_cell(text: str) -> str:
    """A table cell; a figure's sub-line (indented in the printout) keeps its indent."""
    return f"&emsp;{text.strip()}" if text.startswith("  ") else text.strip()


def speed_block(record: dict) -> str:
    """docs/speed.md's table from `make bench`'s record: each part's figures, with the
    machine, date and load it was measured at."""
    parts = record["parts"]
    machines = {_machine(entry) for entry in parts.values()}
    where = f" on {machines.pop()}" if len(machines) == 1 else ""
    columns = record["columns"]
    return "\n".join(
        [
            f"Measured by `make bench`{where}:",
            *(
                f"- {name}: {entry['date']}{'' if where else ' on ' + _machine(entry)},"
                f" {_load(entry)}; `{entry['command']}`"
                for name, entry in parts.items()
            ),
            "",
            "| " + " | ".join(columns) + " |",
            "|" + "---|" * len(columns),
            *(
                "| " + " | ".join(_figure_cell(text) for text in figure) + " |"
                for entry in parts.values()
                for figure in entry["rows"]
            ),
        ]
    )


def commands_block(record: dict) -> str:
    """The README's sentence on how long its two commands take, from `make bench`'s record."""
    if "commands" not in record["parts"]:
        return "`make bench` has not timed the two commands yet ([speed](docs/speed.md))."
    entry = record["parts"]["commands"]
    figures = entry["figures"]
    return (
        f"On a set-up clone, `make test` took {figures['make_test_s']:.0f} s and `make run`"
        f" {figures['make_run_s']:.0f} s, measured {entry['date']} on {_machine(entry)},"
        f" {_load(entry)}"
        " (`make bench`; [speed](docs/speed.md))."
    )


def write_speed() -> None:
    """Render docs/speed.md's table and the README's times from BENCH_RECORD (a second;
    `make bench` ends with it)."""
    record = json.loads(BENCH_RECORD.read_text(encoding="utf-8"))
    bodies = {"speed": speed_block, "commands": commands_block}
    for block in BLOCKS:
        if block.name in bodies:
            write_block(block, bodies[block.name](record))
            print(f"wrote the '{block.name}' block of {block.page.relative_to(ROOT)}")


def generate() -> None:
    """Run everything and rewrite every block (minutes)."""
    from sim.results import scenario_table as st

    FIGURES.mkdir(parents=True, exist_ok=True)
    when = stamp()
    print(f"running the baseline and its what-ifs ({REPLICATES} replicates, seed {SEED}) ...")
    runs = st.run_all(st.what_ifs(), REPLICATES, SEED)
    bodies: dict[str, Callable[[], str]] = {}
    with tempfile.TemporaryDirectory(prefix="alliance-sim-docgen-") as scratch:
        print(f"comparing baseline and {WHAT_IF} ...")
        printout, folder = compare_example(Path(scratch))
        shutil.copyfile(Path(folder) / "plots" / "outcomes.png", FIGURES / "compare-outcomes.png")
        shutil.copyfile(Path(folder) / "briefing.png", FIGURES / "briefing.png")
        print("scoring the history against the observations ...")
        hindcast_text = hindcast_block(FIGURES, when)
    bodies["headline"] = lambda: headline(runs, when)
    bodies["headline-figure"] = lambda: (
        f"![Outcome shares under the baseline and {WHAT_IF}, each with its 95 % interval]"
        "(docs/figures/compare-outcomes.png)\n\n"
        f"*The outcomes under the baseline and `{WHAT_IF}` (sanctions tightened and an isolation"
        f" campaign from January 2027), {REPLICATES} paired futures, seed {SEED}, outcomes judged"
        f" after the present; made {when}.*"
    )
    bodies["outcomes-by-scenario"] = lambda: outcomes_page(runs)
    bodies["compare-example"] = lambda: compare_block(printout, when)
    bodies["hindcast"] = lambda: hindcast_text
    for block in BLOCKS:
        if block.name in bodies:
            write_block(block, bodies[block.name]())
            print(f"wrote the '{block.name}' block of {block.page.relative_to(ROOT)}")
    write_speed()


def check() -> list[str]:
    """One line per stale block."""
    return [
        f"stale: the '{block.name}' block of {block.page.relative_to(ROOT)}: {why};"
        f" run `{block.command}`"
        for block in BLOCKS
        if (why := staleness(block)) is not None
    ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = check()
        print("\n".join(stale) if stale else "every generated block is up to date")
        return 1 if stale else 0
    if "--speed" in argv:
        write_speed()
        return 0
    generate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
