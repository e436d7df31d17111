"""The package's folders are its layers: each imports only the layers before it, with no cycles.

    shared (actors, calendar, errors, files, provenance)
      <- scenario/ <- model/ <- results/ <- execution/ <- plots/
      <- entry (workflows, cli, reference, explore, __main__, the package itself)

Every import of a sim module counts, wherever it is written: at module level, under
`if TYPE_CHECKING:`, or inside a function. Only the entry layer may import inside functions
(to keep `run.py validate` from loading the model and matplotlib); anywhere else a
function-level import would only hide a cycle.
"""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from sim.execution.executors import FORKSERVER_PRELOAD

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
LAYERS = ("shared", "scenario", "model", "results", "execution", "plots", "entry")
SHARED = {"sim.actors", "sim.calendar", "sim.errors", "sim.files", "sim.provenance"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    if module in SHARED:
        return LAYERS.index("shared")
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS[1:-1]:
        return LAYERS.index(parts[1])
    return LAYERS.index("entry")


MODULES = {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def sim_imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported sim module, inside a function?, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend(
                    (a.name, in_function, child.lineno)
                    for a in child.names
                    if a.name.split(".")[0] == "sim"
                )
            elif (
                isinstance(child, ast.ImportFrom)
                and child.level == 0
                and child.module
                and (child.module.split(".")[0] == "sim")
            ):
                for alias in child.names:  # `from sim.scenario import paths` imports a module
                    sub = f"{child.module}.{alias.name}"
                    found.append(
                        (sub if sub in MODULES else child.module, in_function, child.lineno)
                    )
            visit(child, nested)

    visit(tree, False)
    return found


def test_every_module_has_a_layer_and_sim_shows_them_as_folders() -> None:
    folders = {p.name for p in SIM.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert set(LAYERS[1:-1]) <= folders
    assert all(layer(m) in range(len(LAYERS)) for m in MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_or_earlier_layers(module: str) -> None:
    for target, _, line in sim_imports(MODULES[module]):
        assert layer(target) <= layer(module), (
            f"{module}:{line} imports {target}: layer {LAYERS[layer(module)]} may not import "
            f"layer {LAYERS[layer(target)]}"
        )


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) < len(LAYERS) - 1))
def test_no_function_level_imports_of_sim_below_the_entry_layer(module: str) -> None:
    inside = [(t, line) for t, in_function, line in sim_imports(MODULES[module]) if in_function]
    assert inside == [], f"{module} imports inside functions: {inside}"


def test_there_are_no_import_cycles() -> None:
    graph = {
        m: {t for t, _, _ in sim_imports(p) if t in MODULES and t != m} for m, p in MODULES.items()
    }
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path, module, target]))
            if target not in state:
                visit(target, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_the_forkserver_preloads_modules_that_exist() -> None:
    for name in FORKSERVER_PRELOAD:
        assert importlib.import_module(name) is not None


def test_import_sim_and_validate_load_neither_the_model_nor_plots_nor_sweeps() -> None:
    heavy = (
        "mesa",
        "matplotlib",
        "pandas",
        "scipy",
        "SALib",
        "ema_workbench",
        "dask",
        "distributed",
    )
    code = (
        "import sys, sim; from sim.cli import main; "
        "status = main(['validate', 'scenarios/baseline.yaml']); "
        f"print(status, [m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    assert out == "0 []"


def test_the_public_api_resolves_every_name_it_lists() -> None:
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018
