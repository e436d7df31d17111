"""MkDocs hooks (mkdocs.yml `hooks:`): the site's home page is the README, with its links into
docs/ made relative to the site."""

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri != "index.md":
        return markdown
    return README.read_text(encoding="utf-8").replace("](docs/", "](")
