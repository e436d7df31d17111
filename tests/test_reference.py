"""The README's generated blocks (reference tables, layout) are the code, not a copy that
drifts."""

from pathlib import Path

import pytest

from sim.reference import BLOCKS, markers, render

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("name", list(BLOCKS))
def test_readme_block_is_generated_from_the_current_code(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = markers(name)
    block = text[text.index(start) : text.index(end) + len(end)]
    assert block == render(name), "README.md is stale: run `python -m sim.reference README.md`"


def test_the_layout_names_every_module_of_sim() -> None:
    layout = render("layout")
    package = README.parent / "sim"
    for path in package.rglob("*.py"):
        if path.name != "__init__.py":
            assert f"`{path.relative_to(README.parent).as_posix()}`" in layout, path
