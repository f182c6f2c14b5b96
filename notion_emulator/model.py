"""The emulated workspace's objects: plain records indexed by id, no behaviour.

Pages and databases also own a `Block` (their `child_page` / `child_database` view), so
every id the API accepts resolves through one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ids import compact

JSON = dict[str, Any]

DEFAULT_TIME = "2026-07-04T09:08:00.000Z"
DEMO_DIR = Path(__file__).parent / "demo"

TEXT_TYPES = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "heading_4",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "template",
        "code",
    }
)
MEDIA_TYPES = frozenset({"image", "video", "audio", "pdf", "file"})
URL_TYPES = frozenset({"bookmark", "embed", "link_preview"})
BLOCK_TYPES = (
    TEXT_TYPES
    | MEDIA_TYPES
    | URL_TYPES
    | frozenset(
        {
            "equation",
            "divider",
            "breadcrumb",
            "column_list",
            "column",
            "table_of_contents",
            "table",
            "table_row",
            "synced_block",
            "link_to_page",
            "child_page",
            "child_database",
            "meeting_notes",
            "transcription",
            "tab",
            "unsupported",
        }
    )
)
META_KEYS = frozenset(
    {
        "id",
        "children",
        "created_time",
        "last_edited_time",
        "created_by",
        "in_trash",
        "comments",
        "object",
        "parent",
        "has_children",
        "archived",
        "last_edited_by",
    }
)
OPTION_COLORS = ("blue", "green", "orange", "purple", "pink", "red", "yellow", "brown", "gray")


class WorkspaceError(ValueError):
    """The workspace file is not valid; the message names the offending path."""


@dataclass(slots=True)
class Block:
    """Every object with a place in the tree; pages and databases have one too (their
    `child_page` / `child_database` view), so ids resolve through one dict."""

    id: str
    type: str
    payload: JSON
    parent: JSON
    page_id: str | None  # the page whose content lists this block
    created_time: str
    last_edited_time: str
    created_by: str
    last_edited_by: str
    children: list[str] = field(default_factory=list)
    in_trash: bool = False
    hosted: bool = False  # payload holds Notion-hosted files: never cache its JSON
    synced_from: str | None = None


@dataclass(slots=True)
class Page:
    id: str
    title: list[JSON]
    icon: JSON | None
    cover: JSON | None
    container: str | None  # page or database that holds it, for sharing
    shared: bool | None
    data_source_id: str | None = None
    properties: JSON = field(default_factory=dict)  # name -> typed value (entries only)
    hosted: bool = False


@dataclass(slots=True)
class Database:
    id: str
    title: list[JSON]
    description: list[JSON]
    icon: JSON | None
    cover: JSON | None
    is_inline: bool
    container: str | None
    shared: bool | None
    data_sources: list[str] = field(default_factory=list)
    hosted: bool = False
    views: list[str] = field(default_factory=list)
    """Its view tabs in order (a database always has one: Notion makes a table)."""
    linked_source: str | None = None
    """A linked database (a view of a data source elsewhere): that data source. Its own
    `data_sources` stay empty, as the API does not serve linked data sources."""


@dataclass(slots=True)
class View:
    """A view tab of a database: a data source seen through a filter, sorts and a
    layout (the Views API, API 2025-09-03 and later)."""

    id: str
    database_id: str
    data_source_id: str | None
    name: str
    type: str
    filter: JSON | None
    sorts: list[JSON] | None
    configuration: JSON | None
    created_time: str
    last_edited_time: str
    created_by: str


@dataclass(slots=True)
class DataSource:
    id: str
    database_id: str
    title: list[JSON]
    properties: JSON  # name -> full schema object
    created_time: str
    last_edited_time: str
    entries: list[str] = field(default_factory=list)

    def title_property(self) -> str:
        for name, schema in self.properties.items():
            if schema["type"] == "title":
                return str(name)
        return "Name"


def _slug(title: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in title).split()
    return "-".join(words)


def notion_url(title: str, object_id: str) -> str:
    slug = _slug(title)
    return f"https://www.notion.so/{slug + '-' if slug else ''}{compact(object_id)}"
