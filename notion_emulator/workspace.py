"""The emulated workspace: an in-memory Notion, loaded from an authoring-friendly JSON file.

Over 400 lines because the file format below is documented where it is read, and the
mutations tests drive (edits, moves, trash, views, schema) stamp times the same way.

Workspace file format
=====================

A JSON object. Every key is optional except ``pages``::

    {
      "seed": "acme",                       # ids not given are derived from seed + path
      "time": "2026-07-04T09:08:00.000Z",   # default created/last_edited time
      "bot":   {"id": "...", "name": "Acme Docs", "workspace_name": "Acme"},
      "users": [{"id": "...", "name": "Ada", "email": "ada@acme.test", "avatar_url": null}],
      "pages": [PAGE, ...]                  # top-level pages (parent: workspace)
    }

PAGE::

    {"id": "...", "title": "Getting started", "icon": "📘" | ICON, "cover": FILE,
     "shared": false,              # not shared: it and everything below 404 (its child_page
                                   # block still shows in the parent, as in real Notion)
     "created_time": "...", "last_edited_time": "...", "created_by": USER_ID,
     "in_trash": false,
     "blocks": [BLOCK, ...],       # the page content, in order
     "pages": [PAGE, ...],         # child pages appended after the blocks
     "comments": ["text", {"text": RICH, "user": USER_ID}],
     "properties": {...}}          # database entries only, see below

BLOCK is full Notion block JSON (``{"type": "paragraph", "paragraph": {...}}``) or a
shorthand ``{"<type>": PAYLOAD, "children": [BLOCK, ...], "id": "..."}``. In payloads,
``rich_text`` and ``caption`` may be a string, one item or a list whose items are strings,
``{"text": "x", "bold": true, "link": "https://..."}``, ``{"equation": "E=mc^2"}`` or
``{"mention": {"page": ID} | {"date": "2026-07-04"} | {"user": ID}}``. A payload that is a
string is the rich text (``{"paragraph": "Hello"}``), the expression of an ``equation``
or the url of a ``bookmark``/``embed``. More shorthands:

* ``{"page": PAGE}``: a child page at this place (served as a ``child_page`` block).
* ``{"database": DATABASE}``: a child database at this place.
* ``{"table": {"has_column_header": true, "rows": [["a", "b"], ["1", "2"]]}}``.
* ``{"column_list": [[BLOCK, ...], [BLOCK, ...]]}``: one list per column.
* ``{"synced_block": {"synced_from": null}, "id": X, "children": [...]}`` is an original,
  ``{"synced_block": {"synced_from": {"block_id": X}}}`` a reference to it.
* ``{"link_to_page": {"page_id": ID}}`` (or ``database_id``).
* media (image, video, audio, pdf, file): ``{"image": {"file": HOSTED, "caption": "..."}}``
  or ``{"image": {"external": {"url": "..."}}}`` or ``{"image": "https://..."}``.

FILE / HOSTED: a URL string is external. A hosted (``"type": "file"``) file gives its bytes
as ``{"base64": "...", "name": "a.bin"}``, ``{"path": "diagram.png"}`` (relative to the
workspace file) or ``{"generate": "png", "color": "#2563eb", "width": 16, "height": 16}``
(also ``"pdf"`` and ``"text"``). Write it bare (``"cover": {"generate": "png"}``) or under
``"file"``; ``"content_type"`` overrides the type guessed from the name (a server that
labels a file as it likes). ICON: an emoji string, ``{"emoji": "🔥"}``,
``{"external": URL}`` or a hosted file.

DATABASE::

    {"id": "...", "title": "Changelog", "icon": ICON, "is_inline": false, "shared": true,
     "data_sources": [{"id": "...", "title": "Changelog", "properties": SCHEMA,
                       "entries": [PAGE, ...]}]}

``properties``/``entries``/``data_source_id`` directly on the database are shorthand for
one data source. SCHEMA maps a property name to a type name (``"Published": "checkbox"``)
or ``{"type": "select", "options": ["Draft", {"name": "Live", "color": "green"}]}``; a
relation is ``{"type": "relation", "data_source": "self" | DATA_SOURCE_ID}``. Entry values
are shorthand by type: a string for title/rich_text/select/status/url/email, a list of
names for multi_select, ``"2026-07-04"`` or ``{"start", "end"}`` for date, ids or titles
of entries for relation, user ids for people, FILE specs (with ``name``) for files.

Ids: any object may give ``"id"``; explicit ids are honoured (compact or dashed). Others
are derived from the seed and the object's path, so they are stable between runs.

Times: ``created_time``/``last_edited_time`` default to ``time``. Mutations (``set_text``,
``append_blocks``, ``delete_block``, ``add_page``, ``trash_page``, ``rename_page``,
``move_page``, ``set_property``) stamp ``clock.now()`` rounded down to the minute, on the
edited object, on the page holding it, and on the parent page when a child page is added,
trashed, renamed or moved. ``advance(seconds)`` moves the clock on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import richtext, viewspecs
from .clock import Clock, minute_iso, parse_iso
from .ids import normalize_id
from .loader import WorkspaceLoader
from .model import (
    DEFAULT_TIME,
    DEMO_DIR,
    JSON,
    Block,
    Database,
    DataSource,
    Page,
    WorkspaceError,
    notion_url,
)

__all__ = [
    "Block",
    "DataSource",
    "Database",
    "Page",
    "Workspace",
    "WorkspaceError",
    "notion_url",
]


class Workspace(WorkspaceLoader):
    """An in-memory Notion workspace. All reads and mutations take `lock`, so the server's
    threads and a test mutating mid-run never see half an edit."""

    # ------------------------------------------------------------------ constructors

    @classmethod
    def demo(cls) -> Workspace:
        """The bundled Acme handbook used by the example site and the docs."""
        return cls.load(DEMO_DIR / "workspace.json")

    @classmethod
    def load(cls, path: str | Path, clock: Clock | None = None) -> Workspace:
        path = Path(path)
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        return cls.from_dict(data, base_dir=path.parent, clock=clock)

    @classmethod
    def from_dict(
        cls, data: JSON, base_dir: str | Path | None = None, clock: Clock | None = None
    ) -> Workspace:
        ws = cls(seed=str(data.get("seed", "workspace")), clock=clock)
        ws.base_dir = Path(base_dir) if base_dir is not None else None
        ws.default_time = minute_iso(parse_iso(str(data.get("time", DEFAULT_TIME))))
        ws._load_users(data)
        for index, spec in enumerate(data.get("pages", [])):
            if "database" in spec:
                ws._load_database(
                    spec["database"], {"type": "workspace", "workspace": True}, None, f"top/{index}"
                )
            else:
                page_id = ws._load_page(
                    spec, {"type": "workspace", "workspace": True}, None, f"top/{index}"
                )
                ws.top_level.append(page_id)
        ws._resolve_pending()
        return ws

    # ------------------------------------------------------------------ reading

    def accessible(self, object_id: str) -> bool:
        """Sharing is inherited: an object is visible unless it, or the page or database
        above it, says `"shared": false`."""
        seen = 0
        current: str | None = object_id
        while current is not None and seen < 64:
            seen += 1
            holder: Page | Database | None = self.pages.get(current) or self.databases.get(current)
            if holder is not None:
                if holder.shared is not None:
                    return bool(holder.shared)
                current = holder.container
                continue
            source = self.data_sources.get(current)
            if source is not None:
                current = source.database_id
                continue
            block = self.blocks.get(current)
            if block is None:
                return False
            current = block.page_id
        return True

    def children_of(self, block_id: str) -> list[str]:
        """A synced reference lists the original's children, as the real API does."""
        block = self.blocks[block_id]
        if block.synced_from and block.synced_from in self.blocks:
            return self.blocks[block.synced_from].children
        return block.children

    def title_of(self, object_id: str) -> str:
        if object_id in self.pages:
            return richtext.plain_text(self.pages[object_id].title)
        if object_id in self.databases:
            return richtext.plain_text(self.databases[object_id].title)
        if object_id in self.data_sources:
            return richtext.plain_text(self.data_sources[object_id].title)
        return ""

    def page_ids(self) -> list[str]:
        return list(self.pages)

    # ------------------------------------------------------------------ mutations

    def advance(self, seconds: float) -> None:
        """Moves the clock on; edits after it get a later `last_edited_time`."""
        self.clock.advance(seconds)

    def _changed(self) -> None:
        self.generation += 1

    def _touch(self, block_id: str | None, stamp: str) -> None:
        """Bumps a block and the page that holds it, as a Notion edit does."""
        if block_id is None or block_id not in self.blocks:
            return
        block = self.blocks[block_id]
        block.last_edited_time = stamp
        block.last_edited_by = self.bot["id"]
        # A page's own record points at its parent page; only content edits bubble up.
        if block.type != "child_page" and block.page_id and block.page_id in self.blocks:
            page_block = self.blocks[block.page_id]
            page_block.last_edited_time = stamp
            page_block.last_edited_by = self.bot["id"]
        if block.type == "child_page" and block.parent.get("type") == "data_source_id":
            self.data_sources[block.parent["data_source_id"]].last_edited_time = stamp

    def _stamp(self) -> str:
        return minute_iso(self.clock.now())

    def _require(self, block_id: str) -> str:
        found = normalize_id(block_id)
        if found is None or found not in self.blocks:
            raise KeyError(f"no block or page {block_id!r}")
        return found

    def set_text(self, block_id: str, text: Any) -> None:
        """Replaces the rich text of a text-like block (or the title of a page)."""
        with self.lock:
            found = self._require(block_id)
            block = self.blocks[found]
            if found in self.pages:
                self.rename_page(found, text)
                return
            if "rich_text" not in block.payload:
                raise ValueError(f"block {found} ({block.type}) has no rich text")
            block.payload["rich_text"] = self._rich(text)
            self._touch(found, self._stamp())
            self._changed()

    def append_blocks(self, parent_id: str, blocks: list[Any]) -> list[str]:
        """Appends blocks (full JSON or shorthand) at the end of a page or block."""
        with self.lock:
            parent = self._require(parent_id)
            page_id = parent if parent in self.pages else self.blocks[parent].page_id or parent
            self._append_counter += 1
            path = f"append/{self.generation}/{self._append_counter}/{parent}"
            new = self._load_blocks(blocks, parent, page_id, path)
            self._resolve_pending()
            self.blocks[parent].children.extend(new)
            stamp = self._stamp()
            for block_id in new:
                block = self.blocks[block_id]
                block.created_time = block.last_edited_time = stamp
            self._touch(parent, stamp)
            self._changed()
            return new

    def _detach(self, block_id: str) -> None:
        block = self.blocks[block_id]
        holder = block.parent.get("page_id") or block.parent.get("block_id")
        if holder and holder in self.blocks:
            siblings = self.blocks[holder].children
            if block_id in siblings:
                siblings.remove(block_id)

    def delete_block(self, block_id: str) -> None:
        """Moves a block to the trash; it disappears from its parent's children."""
        with self.lock:
            found = self._require(block_id)
            if found in self.pages:
                self.trash_page(found)
                return
            block = self.blocks[found]
            block.in_trash = True
            self._detach(found)
            stamp = self._stamp()
            block.last_edited_time = stamp
            holder = block.parent.get("page_id") or block.parent.get("block_id")
            self._touch(holder, stamp)
            self._changed()

    def add_page(
        self,
        parent_id: str,
        title: Any,
        blocks: list[Any] | None = None,
        properties: JSON | None = None,
        page_id: str | None = None,
    ) -> str:
        """Adds a child page at the end of a page (or an entry to a data source or a
        database's first data source) and bumps the parent, as Notion does."""
        with self.lock:
            found = normalize_id(parent_id)
            if found is None:
                raise KeyError(f"no parent {parent_id!r}")
            self._append_counter += 1
            path = f"add/{self.generation}/{self._append_counter}/{found}"
            spec: JSON = {"title": title, "blocks": blocks or []}
            if page_id:
                spec["id"] = page_id
            if properties:
                spec["properties"] = properties
            stamp = self._stamp()
            spec["created_time"] = stamp
            if found in self.databases:
                found = self.databases[found].data_sources[0]
            if found in self.data_sources:
                source = self.data_sources[found]
                parent = {
                    "type": "data_source_id",
                    "data_source_id": found,
                    "database_id": source.database_id,
                }
                new_id = self._load_page(spec, parent, source.database_id, path, data_source=source)
                source.entries.append(new_id)
                source.last_edited_time = stamp
            else:
                found = self._require(found)
                holder_page = found if found in self.pages else self.blocks[found].page_id
                new_id = self._load_page(spec, self._parent_ref(found), holder_page, path)
                self.blocks[found].children.append(new_id)
                self._touch(found, stamp)
            self._resolve_pending()
            self._changed()
            return new_id

    def trash_page(self, page_id: str) -> None:
        """Trashes a page: it leaves its parent's children and queries; the parent is bumped."""
        with self.lock:
            found = self._require(page_id)
            block = self.blocks[found]
            block.in_trash = True
            self._detach(found)
            stamp = self._stamp()
            self._touch(found, stamp)
            self._touch(block.page_id, stamp)
            if block.parent.get("type") == "data_source_id":
                self.data_sources[block.parent["data_source_id"]].last_edited_time = stamp
            self._changed()

    def rename_page(self, page_id: str, title: Any) -> None:
        """Renames a page; its parent is bumped too, since its child_page block changed."""
        with self.lock:
            found = self._require(page_id)
            page = self.pages[found]
            page.title = self._rich(title)
            if page.data_source_id:
                source = self.data_sources[page.data_source_id]
                page.properties[source.title_property()] = page.title
            stamp = self._stamp()
            self._touch(found, stamp)
            self._touch(self.blocks[found].page_id, stamp)
            self._changed()

    def move_page(self, page_id: str, new_parent_id: str) -> None:
        """Moves a page under another page; both parents are bumped."""
        with self.lock:
            found = self._require(page_id)
            target = self._require(new_parent_id)
            block = self.blocks[found]
            old_holder = block.page_id
            self._detach(found)
            block.parent = self._parent_ref(target)
            holder_page = target if target in self.pages else self.blocks[target].page_id
            block.page_id = holder_page
            self.pages[found].container = holder_page
            self.blocks[target].children.append(found)
            stamp = self._stamp()
            self._touch(found, stamp)
            self._touch(old_holder, stamp)
            self._touch(target, stamp)
            self._changed()

    def set_property(self, page_id: str, name: str, value: Any) -> None:
        """Sets one property of a database entry, using the same shorthand as the file."""
        with self.lock:
            found = self._require(page_id)
            page = self.pages[found]
            if page.data_source_id is None:
                raise ValueError(f"page {found} is not a database entry")
            source = self.data_sources[page.data_source_id]
            spec = {"properties": {name: value}}
            scratch = Page(found, [], None, None, None, None, source.id)
            only = DataSource(
                source.id, source.database_id, source.title, {name: source.properties[name]}, "", ""
            )
            self._load_entry_properties(scratch, spec, only, f"set/{found}")
            page.properties[name] = scratch.properties.get(name)
            self._resolve_pending()
            if source.properties[name]["type"] == "title":
                page.title = page.properties[name]
            stamp = self._stamp()
            self.blocks[found].last_edited_time = stamp
            self._touch(found, stamp)
            self._changed()

    def edit_view(self, view_id: str, spec: JSON) -> None:
        """Replaces a view's settings (the VIEW format of viewspecs.py, its type kept
        unless given); the view and its database are stamped as edited."""
        with self.lock:
            found = normalize_id(view_id)
            if found is None or found not in self.views:
                raise KeyError(f"no view {view_id!r}")
            old = self.views[found]
            source = self.data_sources.get(old.data_source_id or "")
            stamp = self._stamp()
            merged = {"name": old.name, "type": old.type, **spec}
            self.views[found] = viewspecs.view_record(
                merged,
                found,
                old.database_id,
                source,
                (old.created_time, stamp, old.created_by),
                f"view/{found}",
            )
            self.blocks[old.database_id].last_edited_time = stamp
            self._changed()

    def add_property(self, data_source_id: str, name: str, spec: Any) -> None:
        """Adds a property to a data source's schema (SCHEMA shorthand); the data source
        is stamped as edited, as a schema change in Notion is."""
        with self.lock:
            found = normalize_id(data_source_id)
            if found in self.databases and self.databases[found].data_sources:
                found = self.databases[found].data_sources[0]
            if found is None or found not in self.data_sources:
                raise KeyError(f"no data source {data_source_id!r}")
            source = self.data_sources[found]
            path = f"schema/{found}/{name}"
            source.properties[name] = self._schema(name, spec, found, source.database_id, path)
            source.last_edited_time = self._stamp()
            self._changed()
