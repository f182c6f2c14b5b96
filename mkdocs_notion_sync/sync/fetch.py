"""One page's content, from Notion into the cache (databases: databases.py).

A page goes straight to the cache on disk and only its small outline comes back, so
block trees never sit in the sync's memory. What a fetch warns about the page's content
is stored with it (`CachedPage.warnings`), and the walk prints it for every build the
copy serves, fetched or cached.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..notion.api import NotionAPI
from ..notion.objects import files_in, iter_blocks, payload, title_of
from .cache import Cache, CachedPage, PageOutline
from .freshness import reusable

MAX_DEPTH = 64
"""Nesting guard: Notion allows deep trees, hostile content allows infinite ones."""
CONTAINER_TYPES = frozenset({"child_page", "child_database"})
LONG_PROPERTIES = frozenset({"title", "rich_text", "relation", "people"})


class PageFetcher:
    """Brings one page's cache entry up to date."""

    def __init__(self, api: NotionAPI, cache: Cache, *, comments: bool) -> None:
        self.api = api
        self.cache = cache
        self.comments = comments

    def load(
        self, page_id: str, obj: dict[str, Any] | None, cached: PageOutline | None
    ) -> tuple[PageOutline, bool]:
        """The page's outline, and whether the cached copy served. `obj` is the page
        object when search or a query already returned it; `cached` the stored outline."""
        obj = obj or self.api.page(page_id)
        if obj.get("in_trash") or obj.get("archived"):
            trashed = CachedPage(obj=obj, blocks=[], fetched_at=self.api.server_now())
            outline = outline_of(trashed)
            self.cache.put_page(trashed, outline)  # so errors can say "in the trash"
            return outline, False
        if cached is not None and reusable(cached, obj, comments=self.comments):
            return replace(cached, obj=obj), True
        record = self.fetch(page_id, obj)
        outline = outline_of(record)
        self.cache.put_page(record, outline)
        return outline, False

    def fetch(self, page_id: str, obj: dict[str, Any]) -> CachedPage:
        """The page as Notion has it now, not stored: the serve poller compares it
        with the cached copy before it asks for a rebuild."""
        fetched_at = self.api.server_now()
        obj = self._complete_properties(obj)
        warnings: list[str] = []
        blocks = self._block_tree(page_id, 0, frozenset(), warnings)
        comments = self.api.comments(page_id) if self.comments else None
        return CachedPage(
            obj=obj,
            blocks=blocks,
            fetched_at=fetched_at,
            comments=comments,
            warnings=[f"{_named(obj)}: {warning}" for warning in warnings],
        )

    def _complete_properties(self, obj: dict[str, Any]) -> dict[str, Any]:
        """A page object lists at most 25 references per property (relations, people,
        long titles); the rest come from the page-property endpoint."""
        properties = obj.get("properties")
        if not isinstance(properties, dict):
            return obj
        for prop in properties.values():
            if not isinstance(prop, dict):
                continue
            kind = prop.get("type")
            if not isinstance(kind, str):
                continue
            value = prop.get(kind)
            truncated = prop.get("has_more") is True or (
                kind in LONG_PROPERTIES and isinstance(value, list) and len(value) >= 25
            )
            if not truncated or not prop.get("id"):
                continue
            items = self.api.property_items(str(obj["id"]), str(prop["id"]))
            prop[kind] = [item.get(kind) for item in items if isinstance(item, dict)]
            prop["has_more"] = False
        return obj

    def _block_tree(
        self, block_id: str, depth: int, synced_path: frozenset[str], warnings: list[str]
    ) -> list[dict[str, Any]]:
        """All blocks under `block_id`, children nested under `children`; what the
        content warrants a warning about goes to `warnings`."""
        blocks = self.api.children(block_id)
        for block in blocks:
            kind = block.get("type")
            if (
                not block.get("has_children")
                or not isinstance(kind, str)
                or kind in CONTAINER_TYPES
            ):
                continue
            if depth >= MAX_DEPTH:
                warnings.append(
                    f"block {block.get('id')} is nested deeper than {MAX_DEPTH} levels; cut off"
                )
                continue
            synced = payload(block).get("synced_from") if kind == "synced_block" else None
            origin = str(synced.get("block_id")) if isinstance(synced, dict) else None
            if origin and origin in synced_path:
                continue  # a synced block that contains itself
            path = synced_path | {origin} if origin else synced_path
            block["children"] = self._block_tree(str(block["id"]), depth + 1, path, warnings)
        return blocks


def outline_of(record: CachedPage) -> PageOutline:
    return PageOutline(
        obj=record.obj,
        fetched_at=record.fetched_at,
        children=_child_pages(record.blocks),
        files=files_in(record.blocks),
        has_comments=record.comments is not None,
        warnings=list(record.warnings),
    )


def _named(obj: dict[str, Any]) -> str:
    """`page "Title" (id)`, on one line whatever the title holds."""
    title = " ".join(title_of(obj).split())
    return f'page "{title}" ({obj.get("id")})'


def _child_pages(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind, id) of child pages and databases in the order Notion shows them, wherever
    they sit (inside toggles and columns too)."""
    return [
        (str(block["type"]), str(block.get("id")))
        for block in iter_blocks(blocks)
        if block.get("type") in ("child_page", "child_database") and not block.get("in_trash")
    ]
