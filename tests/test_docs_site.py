"""The documentation site (`make docs`) builds strictly: a broken link, anchor or nav entry in
the README or docs/ fails the build, and so this test."""

import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

ROOT = Path(__file__).resolve().parents[1]
WHAT_IF_FROM_TODAY = "what-if-from-today.md"
"""Written on its own branch; until that is merged, the site is built with a stand-in page."""


def build_site(docs: Path, site: Path) -> None:
    config = load_config(
        str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site), strict=True
    )
    build(config)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """docs/ as it is, with a stand-in for the page another branch writes if it is not here."""
    if (ROOT / "docs" / WHAT_IF_FROM_TODAY).exists():
        return ROOT / "docs"
    copy = Path(shutil.copytree(ROOT / "docs", tmp_path / "docs"))
    (copy / WHAT_IF_FROM_TODAY).write_text("# What-if from today\n", encoding="utf-8")
    return copy


def test_the_site_builds_strictly_with_the_readme_as_its_home_page(
    docs: Path, tmp_path: Path
) -> None:
    build_site(docs, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "What it answers" in home and 'href="usage/"' in home  # docs/usage.md, made relative
    assert (tmp_path / "site" / "reference" / "index.html").exists()


def test_a_broken_link_fails_the_build(docs: Path, tmp_path: Path) -> None:
    if docs == ROOT / "docs":
        docs = Path(shutil.copytree(docs, tmp_path / "docs"))
    (docs / "usage.md").write_text("# Usage\n\nSee [the model](no-such-page.md).\n", "utf-8")
    with pytest.raises(Abort):
        build_site(docs, tmp_path / "site")


def test_the_readme_answers_first_and_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 220, f"README.md has {len(lines)} lines: move detail into docs/"
    first_screen = "\n".join(lines[:40])
    assert "## What it answers" in first_screen
    assert "<!-- headline:start" in first_screen  # the generated outcome table
    headings = [line for line in lines if line.startswith("## ")]
    assert headings.index("## What it answers") < headings.index("## Two commands")
