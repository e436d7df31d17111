"""The README's reference tables are the declarations, not a copy that drifts."""

from pathlib import Path

from sim.reference import END, START, render

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_reference_is_generated_from_the_current_declarations():
    text = README.read_text(encoding="utf-8")
    block = text[text.index(START): text.index(END) + len(END)]
    assert block == render(), "README.md is stale: run `python -m sim.reference README.md`"
