"""The synced workspace as a tree of pages: what sync produces and everything after reads.

A `Page` holds no block content: bodies stay in the cache until they are rendered, so a
20,000-page workspace does not sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

PageKind = Literal["page", "database", "entry"]


@dataclass(frozen=True)
class Source:
    """One `sources:` entry of the configuration, in the core's own terms."""

    kind: Literal["page", "database"]
    id: str
    dest: str
    filter: dict[str, Any] | None = None
    sorts: list[Any] | None = None
    columns: tuple[str, ...] | None = None
    slug_property: str | None = None
    blog: bool = False


@dataclass(eq=False)
class Page:
    """A Notion page, database or database entry that becomes one page of the site."""

    id: str
    kind: PageKind
    title: str
    source: Source
    parent: Page | None = None
    children: list[Page] = field(default_factory=list)
    obj: dict[str, Any] = field(default_factory=dict, repr=False)
    """The page or database object (properties, icon, cover, url, times); no blocks."""
    path: str = ""
    """Site path of the Markdown file (`handbook/guide/index.md`), set by links."""
    columns: list[str] = field(default_factory=list)
    """For a database: its property names in schema order (title first)."""

    @property
    def last_edited_time(self) -> str:
        return str(self.obj.get("last_edited_time", ""))

    @property
    def url(self) -> str:
        return str(self.obj.get("url") or "")

    def walk(self) -> Iterator[Page]:
        """This page and all below it, in Notion's order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class SyncedTree:
    """Every source's root page, plus what it cost to get them."""

    roots: list[Page]
    fetched: int = 0
    cached: int = 0
    embeds: dict[str, Any] = field(default_factory=dict)
    """Page id -> cached page (object and blocks) of pages embedded in hand-written pages."""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Workspace members by id, to name people that Notion returns as bare ids."""

    def pages(self) -> Iterator[Page]:
        for root in self.roots:
            yield from root.walk()


def _plain(rich_text: Any) -> str:
    if not isinstance(rich_text, list):
        return ""
    return "".join(str(item.get("plain_text", "")) for item in rich_text if isinstance(item, dict))


def title_of(obj: dict[str, Any]) -> str:
    """The title of a page, entry or database, whatever its title property is called."""
    if obj.get("object") in ("database", "data_source"):
        return _plain(obj.get("title")).strip() or "Untitled"
    properties = obj.get("properties")
    for prop in properties.values() if isinstance(properties, dict) else ():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return _plain(prop.get("title")).strip() or "Untitled"
    return "Untitled"


def iter_blocks(blocks: Any) -> Iterator[dict[str, Any]]:
    """Every block of a tree in document order, children (under `children`) after their
    parent; anything that is not a block object is skipped."""
    stack = list(reversed(blocks)) if isinstance(blocks, list) else []
    while stack:
        block = stack.pop()
        if not isinstance(block, dict):
            continue
        yield block
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))
