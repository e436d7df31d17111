"""The docs' blocks generated from the code (reference tables, layout, article coverage) are the
code, not a copy that drifts."""

from pathlib import Path

import pytest

from sim import reference
from sim.reference import BLOCKS, PAGES, current, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", list(BLOCKS))
def test_each_docs_block_is_generated_from_the_current_code(name: str) -> None:
    assert current(name, PAGES[name]) == render(name), (
        f"{PAGES[name]} is stale: run `python -m sim.reference`"
    )


def test_the_layout_names_every_module_of_sim() -> None:
    layout = render("layout")
    for path in (ROOT / "sim").rglob("*.py"):
        if path.name != "__init__.py":
            assert f"`{path.relative_to(ROOT).as_posix()}`" in layout, path


def test_check_names_a_stale_block_and_rewriting_fixes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "reference.md"
    start, end = reference.markers("reference")
    page.write_text(f"# Reference\n\n{start}\n\nold table\n\n{end}\n\nkept\n", encoding="utf-8")
    monkeypatch.setattr(reference, "PAGES", {"reference": page})
    assert reference.main(["--check"]) == 1
    assert capsys.readouterr().out == (
        f"stale: the 'reference' block of {page}: run `python -m sim.reference`\n"
    )
    assert "old table" in page.read_text(encoding="utf-8")  # --check writes nothing
    assert reference.main([]) == 0
    assert page.read_text(encoding="utf-8") == f"# Reference\n\n{render('reference')}\n\nkept\n"
    capsys.readouterr()
    assert reference.main(["--check"]) == 0
    assert capsys.readouterr().out == "every block is up to date\n"
