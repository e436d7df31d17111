"""The walkthrough notebook runs top to bottom and shows what it promises."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

if TYPE_CHECKING:  # nbformat and the kernel's modules are imported where they are used:
    import nbformat  # they take seconds to import, and `make test` collects this slow module

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"

pytestmark = pytest.mark.slow  # runs notebooks in a kernel (a minute)


def _output_text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed or displayed, as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        for mime in ("text/plain", "text/html"):
            parts.append(output.get("data", {}).get(mime, ""))
    return "\n".join(parts)


def _cell(notebook: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """The one code cell whose source contains `source`."""
    cells = [c for c in notebook.cells if c.cell_type == "code" and source in c.source]
    assert len(cells) == 1, f"expected one code cell containing {source!r}, got {len(cells)}"
    return cells[0]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, list]:
    """The notebook run in a fresh kernel on this interpreter, from the repository root."""
    import nbformat
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    # A private kernelspec whose argv is sys.executable: the kernel is this venv's Python,
    # whatever python3 kernelspecs the user or the system has installed.
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / "python3")
    km = AsyncKernelManager(
        kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    argv = km.kernel_spec.argv
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        km=km,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return notebook, argv


def test_notebook_runs_on_this_interpreter(executed: tuple[nbformat.NotebookNode, list]) -> None:
    notebook, argv = executed
    assert argv[0] == sys.executable
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)


def test_notebook_shows_results(executed: tuple[nbformat.NotebookNode, list]) -> None:
    notebook, _ = executed
    summary = _output_text(_cell(notebook, "result.summary()"))
    assert "regional_arms_race" in summary
    assert "ci_high" in summary

    shares = _output_text(_cell(notebook, "shares = pd.DataFrame("))
    for label in ("baseline", "Russian commitment 0.3", "China's grip and dialogue"):
        assert label in shares

    assert "peninsula_tension" in _output_text(_cell(notebook, "series_catalog()"))

    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 2  # the dashboard and the comparison figure


def test_notebook_is_committed_with_its_outputs_so_it_reads_on_a_code_host() -> None:
    """The file on disk (not the re-executed copy) carries every code cell's outputs: the
    tables and the figures, readable and light, and no errors."""
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # top to bottom
    silent = ("import os", "from pathlib import Path", "baseline = load_scenario(")
    for cell in code:
        if not cell.source.startswith(silent):
            assert cell.outputs, f"no saved output for: {cell.source[:60]!r}"
        assert all(o.output_type != "error" for o in cell.outputs)
    assert "regional_arms_race" in _output_text(_cell(notebook, "result.summary()"))
    images = [
        o["data"]["image/png"] for c in code for o in c.outputs if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 6  # dashboard, three-scenario plot, fans, differences, briefing, sweep
    dashboard = Image.open(io.BytesIO(base64.b64decode(images[0])))
    assert dashboard.width >= 1_200  # 13 inches at 100 dpi (sim.plots.notebook), not 54 dpi
    assert dashboard.mode == "P"  # 256 colours: readable figures in a light file
    assert NOTEBOOK.stat().st_size < 1_500_000  # modest PNGs: the file stays readable online
