"""Shared fixtures for the render tests: a fake context and python-markdown as MkDocs runs it.

Named `test_render_*` so it sits with the tests it serves; it holds no tests itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from bs4 import BeautifulSoup

from mkdocs_notion_sync.render import block_anchor
from mkdocs_notion_sync.site.paths import html_link

GOLDEN = Path(__file__).resolve().parent / "golden" / "blocks"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "notion-corpus"

EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.tasklist",
    "pymdownx.arithmatex",
    "tables",
    "attr_list",
    "md_in_html",
    "footnotes",
    "pymdownx.tilde",
    "pymdownx.mark",
    "toc",
    "pymdownx.tabbed",
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"pygments_lang_class": True},  # as mkdocs-material's docs set it
}
MARKUP = ("](", "{ #", "{:", "!!!", "???", "<div", "<li", "$$", "**", "&nbsp;", "&#", "style=")
"""Markdown or HTML source that must never reach the reader as text."""


class FakeContext:
    """Pages whose id starts with 00000000 are outside the site, as are their assets."""

    def __init__(self, page_title: str = "Golden page") -> None:
        self._title = page_title
        self.warnings: list[str] = []

    @property
    def page_title(self) -> str:
        return self._title

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        compact = page_id.replace("-", "").lower()
        if compact.startswith("00000000"):
            return None
        anchor = f"#{block_anchor(block_id)}" if block_id else ""
        return f"../pages/{compact[:8]}.md{anchor}"

    def is_left_out(self, page_id: str) -> bool:
        return False

    def rewrite_url(self, url: str) -> str:
        return "../pages/from-notion.md" if "notion.so" in url else url

    def asset_url(self, file: dict[str, Any], owner_id: str) -> str | None:
        if file.get("type") != "file" or owner_id.startswith("00000000"):
            return None
        source = file.get("file") or {}
        name = urlsplit(str(source.get("url", ""))).path.rsplit("/", 1)[-1]
        return f"../assets/{owner_id[:8]}/{name}"

    def html_link(self, link: str) -> str:
        """As for a page at `pages/golden.md`, served at `pages/golden/`."""
        return html_link("pages/golden.md", link, directory_urls=True)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def inline_database(self, block_id: str, *, nested: bool) -> str | None:
        return None  # every child_database is a database of its own here


def to_html(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS).convert(
        text
    )


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(to_html(text), "html.parser")


def visible_text(text: str) -> str:
    """What a reader sees, whitespace-collapsed as a browser collapses it."""
    tree = soup(text)
    for br in tree.find_all("br"):
        br.replace_with(" ")
    return " ".join(tree.get_text().split())


def load_corpus_page(name: str) -> list[dict[str, Any]]:
    """A recorded page's blocks, in the shape the sync hands over: nested `children`.

    The 2022 notion2svelte dumps predate the API's `text` -> `rich_text` rename and nest
    under `blocks`; both are converted here, as a sync on an old API version would.
    """
    data = json.loads((CORPUS / "misc" / name).read_text(encoding="utf-8"))
    blocks = data["blocks"] if isinstance(data, dict) else data
    return [_modernise(block) for block in blocks]


def _modernise(block: dict[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    data = block.get(kind) if isinstance(kind, str) else None
    if isinstance(data, dict) and "text" in data and "rich_text" not in data:
        data["rich_text"] = data.pop("text")
    nested = block.pop("blocks", None)
    if nested is not None and "children" not in block:
        block["children"] = nested
    if block.get("type") in ("child_page", "child_database"):
        block.pop("children", None)
    if isinstance(block.get("children"), list):
        block["children"] = [_modernise(child) for child in block["children"]]
    return block
