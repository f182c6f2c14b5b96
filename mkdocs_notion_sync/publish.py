"""The synced tree as Markdown documents and a nav: what any site generator would need.

Nothing here knows MkDocs; plugin.py turns `Document`s into virtual files and `NavItem`s
into its nav.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .assets import SITE_FOLDER, AssetStore
from .cache import Cache
from .links import SiteLinks, relative_link
from .render import render_blocks, render_rich_text
from .render.properties import property_cells, property_front_matter
from .tree import Page, SyncedTree

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.publish")


@dataclass
class Document:
    """One Markdown page of the site."""

    path: str
    markdown: str
    page_id: str


@dataclass
class NavItem:
    title: str
    path: str
    children: list[NavItem] = field(default_factory=list)


class PageContext:
    """The converter's questions, answered for one page of the site."""

    def __init__(
        self, page: Page, links: SiteLinks, assets: AssetStore, warn: Callable[[str], None]
    ) -> None:
        self.page = page
        self._links = links
        self._assets = assets
        self._warn = warn
        self._warned: set[str] = set()

    @property
    def page_title(self) -> str:
        return self.page.title

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        return self._links.link(self.page.path, page_id, block_id)

    def rewrite_url(self, url: str) -> str:
        return self._links.rewrite(self.page.path, url, self.warn)

    def asset_url(self, file: dict[str, Any], owner_id: str) -> str | None:
        name = self._assets.local_name(owner_id, file)
        if name is None:
            if file.get("type") == "file":
                self.warn(f"a file of block {owner_id} could not be downloaded; it is left out")
            return None
        return relative_link(self.page.path, f"{SITE_FOLDER}/{name}")

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        self._warn(f'page "{self.page.title}" ({self.page.path}): {message}')


def front_matter(page: Page, extra: dict[str, Any]) -> str:
    meta: dict[str, Any] = {
        "title": page.title,
        "notion_id": page.id,
        "notion_url": page.url,
        "last_edited_time": page.last_edited_time,
    }
    meta.update(extra)
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _icon_prefix(page: Page) -> str:
    icon = page.obj.get("icon")
    if (
        isinstance(icon, dict)
        and icon.get("type") == "emoji"
        and isinstance(icon.get("emoji"), str)
    ):
        return f"{icon['emoji']} "
    return ""


def _title_heading(page: Page) -> str:
    text = page.title.replace("\\", "\\\\").replace("<", "&lt;").replace("#", "\\#")
    return f"# {_icon_prefix(page)}{text}\n\n"


class Publisher:
    """Renders pages from the cache one at a time, so only one body is in memory."""

    def __init__(
        self, tree: SyncedTree, cache: Cache, assets: AssetStore, warn: Callable[[str], None]
    ) -> None:
        self.tree = tree
        self.cache = cache
        self.assets = assets
        self.warn = warn
        self.links = SiteLinks(tree.pages())

    def documents(self) -> Iterator[Document]:
        for page in self.tree.pages():
            yield Document(path=page.path, markdown=self.render(page), page_id=page.id)

    def render(self, page: Page) -> str:
        ctx = PageContext(page, self.links, self.assets, self.warn)
        parts: list[str] = []
        extra: dict[str, Any] = {}
        cover = page.obj.get("cover")
        if page.kind == "database":
            parts.append(_title_heading(page))
            description = page.obj.get("description") or []
            if description:
                parts.append(render_rich_text(description, ctx) + "\n\n")
            parts.append(self._index_table(page, ctx))
        else:
            if page.kind == "entry":
                extra.update(property_front_matter(page.obj.get("properties") or {}))
            parts.append(_title_heading(page))
            if isinstance(cover, dict):
                url = ctx.asset_url(cover, page.id)
                if url:
                    parts.append(f"![]({url}){{ .notion-cover }}\n\n")
            if page.kind == "entry":
                parts.append(self._properties_table(page, ctx))
            cached = self.cache.get_page(page.id)
            if cached is not None:
                parts.append(render_blocks(cached.blocks, ctx))
        return front_matter(page, extra) + "".join(parts)

    def _properties_table(self, page: Page, ctx: PageContext) -> str:
        cells = property_cells(page.obj.get("properties") or {}, ctx, skip_title=True)
        if not cells:
            return ""
        rows = ["| Property | Value |", "| --- | --- |"]
        rows.extend(f"| {name} | {value} |" for name, value in cells)
        return "\n".join(rows) + "\n{ .notion-properties }\n\n"

    def _index_table(self, page: Page, ctx: PageContext) -> str:
        if not page.children:
            return "*No entries.*\n"
        columns = page.columns or ["Name"]
        header = "| " + " | ".join(columns) + " |"
        rows = [header, "|" + " --- |" * len(columns)]
        for entry in page.children:
            values = dict(property_cells(entry.obj.get("properties") or {}, ctx, skip_title=False))
            link = relative_link(page.path, entry.path)
            cells = []
            for index, column in enumerate(columns):
                value = values.get(column, "")
                cells.append(f"[{value or 'Untitled'}]({link})" if index == 0 else value)
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows) + "\n"

    def csv_for(self, page: Page) -> str:
        """The database's entries as CSV (plain values), offered beside its index page."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(page.columns)
        for entry in page.children:
            props = entry.obj.get("properties") or {}
            writer.writerow([_plain_value(props.get(column)) for column in page.columns])
        return buffer.getvalue()

    def nav(self) -> list[NavItem]:
        return [_nav_item(root) for root in self.tree.roots]


def _nav_item(page: Page) -> NavItem:
    return NavItem(
        title=page.title, path=page.path, children=[_nav_item(child) for child in page.children]
    )


def _plain_value(prop: Any) -> str:
    from .render.properties import plain_property

    return plain_property(prop) if isinstance(prop, dict) else ""
