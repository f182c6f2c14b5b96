"""The synced workspace as a tree of pages: what the sync produces and every later stage reads.

A `Page` holds no block content: bodies stay in the cache until they are rendered, so a
20,000-page workspace does not sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

PageKind = Literal["page", "database", "entry"]
LAYOUTS = frozenset({"table", "board", "gallery", "list", "calendar"})
"""The view layouts a static site shows; every other view type becomes a table."""


@dataclass(frozen=True)
class Layout:
    """How a database's entries are shown: a Notion view's layout, with its properties
    resolved to names (a static site's view of it: no JavaScript, no interaction)."""

    kind: str = "table"
    """One of LAYOUTS."""
    view_type: str = "table"
    """Notion's type of the view (a timeline is shown as a table: `kind` says so)."""
    view_name: str = ""
    view_url: str = ""
    shown: tuple[str, ...] = ()
    """Properties shown, in the view's order; empty: all of them."""
    group_by: str | None = None
    """A board's grouping property."""
    by_status_group: bool = False
    """A status grouping by status group (To-do, In progress, Complete), not option."""
    date_property: str | None = None
    """A calendar's date property."""
    cover: str | None = None
    """Cards' image: `page_cover`, `page_content` (the first image) or `property:<name>`."""


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
    front_matter: tuple[tuple[str, str], ...] = ()
    """(front-matter key, property name) pairs, in the order mkdocs.yml lists them."""
    include: tuple[str, ...] = ()
    """Title globs and ids (sync/publish.py): when any are given, only the subtrees they
    name are published (and the pages on the way to them)."""
    exclude: tuple[str, ...] = ()
    """Title globs and ids of subtrees left out of the site (sync/publish.py)."""
    view: str | None = None
    """A Notion view (id or name) whose filter, sorts, properties and layout to follow."""


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
    draft: bool = False
    """Left out by the source's include/exclude, shown only because `mkdocs serve`
    runs with `drafts_in_serve`."""
    layout: Layout | None = None
    """For a database that follows a view: that view's layout."""
    schemas: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """For a database: its data sources (schemas, status groups), as fetched."""
    linked: dict[str, Page] = field(default_factory=dict)
    """Linked databases in this page's content, by block id: each a database page (not
    published itself) whose children are its entries, shown inline where the block is."""

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
    left_out: dict[str, str] = field(default_factory=dict)
    """Page id -> title ("" when unknown) of the pages include/exclude left out: links
    to them become plain text."""

    def pages(self) -> Iterator[Page]:
        for root in self.roots:
            yield from root.walk()
