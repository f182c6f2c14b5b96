"""Turns the authoring-friendly workspace format (see `workspace`) into model records.

Everything is expanded once, at load time: rich text shorthand, file specs, property
values and ids. Serving then only copies ready-made structures.

Over 400 lines because the authoring format is one grammar (pages, blocks, databases,
properties refer to each other by path and title, resolved at the end): one loader keeps
that resolution in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import richtext, viewspecs
from .clock import Clock, minute_iso, parse_iso
from .files import HostedFile, content_type, load_bytes
from .ids import derive_id, normalize_id
from .model import (
    BLOCK_TYPES,
    DEFAULT_TIME,
    JSON,
    MEDIA_TYPES,
    OPTION_COLORS,
    TEXT_TYPES,
    URL_TYPES,
    Block,
    Database,
    DataSource,
    Page,
    View,
    WorkspaceError,
)


def _rich(value: Any) -> list[JSON]:
    return richtext.expand(value)


class WorkspaceLoader:
    """The state of a workspace and how the authoring format becomes it. `Workspace`
    adds reading and mutations; mutations reuse these loaders for the blocks they add."""

    def __init__(self, seed: str = "workspace", clock: Clock | None = None) -> None:
        self.seed = seed
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.generation = 0
        self.blocks: dict[str, Block] = {}
        self.pages: dict[str, Page] = {}
        self.databases: dict[str, Database] = {}
        self.data_sources: dict[str, DataSource] = {}
        self.views: dict[str, View] = {}
        self.users: dict[str, JSON] = {}
        self.files: dict[str, HostedFile] = {}
        self.comments: dict[str, list[JSON]] = {}
        self.searchable: list[str] = []  # pages and data sources, in authoring order
        self.top_level: list[str] = []
        self.bot: JSON = {}
        self.default_user = ""
        self.default_time = DEFAULT_TIME
        self.base_dir: Path | None = None
        self._pending_mentions: list[tuple[str, str]] = []
        self._pending_relations: list[tuple[str, str, list[Any], str | None]] = []
        self._pending_linked: list[tuple[str, JSON, str]] = []
        """(linked database id, its spec, path): resolved once the original is loaded."""
        self._current_block = ""
        self._append_counter = 0

    # ------------------------------------------------------------------ loading

    def _id(self, spec: Any, path: str) -> str:
        if isinstance(spec, dict) and spec.get("id"):
            found = normalize_id(str(spec["id"]))
            if found is None:
                raise WorkspaceError(f"{path}: id {spec['id']!r} is not a Notion id")
            return found
        return derive_id(self.seed, path)

    def _load_users(self, data: JSON) -> None:
        bot = data.get("bot", {})
        bot_id = normalize_id(str(bot.get("id", ""))) or derive_id(self.seed, "bot")
        name = str(bot.get("name", "Notion Emulator"))
        self.bot = {
            "object": "user",
            "id": bot_id,
            "name": name,
            "avatar_url": bot.get("avatar_url"),
            "type": "bot",
            "bot": {
                "owner": {"type": "workspace", "workspace": True},
                "workspace_name": str(bot.get("workspace_name", name)),
                "workspace_id": normalize_id(str(bot.get("workspace_id", "")))
                or derive_id(self.seed, "workspace"),
                "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
            },
        }
        for index, spec in enumerate(data.get("users", [])):
            user_id = self._id(spec, f"user/{index}")
            self.users[user_id] = {
                "object": "user",
                "id": user_id,
                "name": spec.get("name", f"User {index + 1}"),
                "avatar_url": spec.get("avatar_url"),
                "type": "person",
                "person": {"email": spec.get("email", f"user{index + 1}@example.com")},
            }
        self.users[bot_id] = self.bot
        persons = [uid for uid, user in self.users.items() if user["type"] == "person"]
        self.default_user = persons[0] if persons else bot_id

    def _times(self, spec: JSON) -> tuple[str, str]:
        created = (
            minute_iso(parse_iso(spec["created_time"]))
            if spec.get("created_time")
            else (self.default_time)
        )
        edited = (
            minute_iso(parse_iso(spec["last_edited_time"]))
            if spec.get("last_edited_time")
            else created
        )
        return created, edited

    def _user(self, spec: JSON) -> str:
        user = spec.get("created_by")
        return normalize_id(str(user)) or self.default_user if user else self.default_user

    def _parent_ref(self, parent_id: str) -> JSON:
        if parent_id in self.pages:
            return {"type": "page_id", "page_id": parent_id}
        return {"type": "block_id", "block_id": parent_id}

    def _file_object(self, spec: Any, path: str) -> tuple[JSON, bool]:
        """A file object for the API and whether it is Notion-hosted."""
        if isinstance(spec, str):
            return {"type": "external", "external": {"url": spec}}, False
        if not isinstance(spec, dict):
            raise WorkspaceError(f"{path}: a file must be a URL or an object")
        kind = spec.get("type")
        if kind == "external" or (kind is None and "external" in spec):
            external = spec["external"]
            url = external if isinstance(external, str) else external["url"]
            return {"type": "external", "external": {"url": url}}, False
        inner = spec.get("file", spec) if kind in (None, "file") else spec
        if (
            isinstance(inner, dict)
            and "url" in inner
            and not ({"generate", "path", "base64"} & inner.keys())
        ):
            return {"type": "file", "file": dict(inner)}, False
        if not isinstance(inner, dict):
            raise WorkspaceError(f"{path}: cannot read file spec {spec!r}")
        try:
            data, name = load_bytes(inner, self.base_dir)
        except (OSError, ValueError) as error:
            raise WorkspaceError(f"{path}: {error}") from None
        file_id = normalize_id(str(inner.get("id", ""))) or derive_id(self.seed, path + "#file")
        served_as = str(inner.get("content_type") or content_type(name))
        self.files[file_id] = HostedFile(file_id, name, data, served_as)
        return {"type": "file", "file": {"_hosted": file_id}}, True

    def _icon(self, spec: Any, path: str) -> tuple[JSON | None, bool]:
        if spec is None:
            return None, False
        if isinstance(spec, str):
            if spec.startswith(("http://", "https://")):
                return {"type": "external", "external": {"url": spec}}, False
            return {"type": "emoji", "emoji": spec}, False
        if spec.get("type") in ("emoji", "icon", "custom_emoji") or "emoji" in spec:
            kind = spec.get("type", "emoji")
            return {"type": kind, kind: spec[kind]}, False
        return self._file_object(spec, path)

    def _register_block(self, block: Block) -> None:
        self.blocks[block.id] = block

    def _load_page(
        self,
        spec: JSON,
        parent: JSON,
        container: str | None,
        path: str,
        data_source: DataSource | None = None,
        page_id: str | None = None,
    ) -> str:
        page_id = page_id or self._id(spec, path)
        if page_id in self.blocks:
            raise WorkspaceError(f"{path}: duplicate id {page_id}")
        icon, cover, hosted = self._icon_and_cover(spec, path)
        page = Page(
            id=page_id,
            title=[],
            icon=icon,
            cover=cover,
            container=container,
            shared=spec.get("shared"),
            data_source_id=data_source.id if data_source else None,
            hosted=hosted,
        )
        if data_source is not None:
            page.hosted |= self._load_entry_properties(page, spec, data_source, path)
            page.title = page.properties[data_source.title_property()]
        else:
            page.title = _rich(spec.get("title", "Untitled"))
        self.pages[page_id] = page
        block = self._container_block("child_page", page_id, spec, parent, container)
        self.searchable.append(page_id)
        items = list(spec.get("blocks", []))
        items += [{"page": child} for child in spec.get("pages", [])]
        block.children = self._load_blocks(items, page_id, page_id, path)
        self._load_comments(page_id, spec.get("comments", []), path)
        return page_id

    def _icon_and_cover(self, spec: JSON, path: str) -> tuple[JSON | None, JSON | None, bool]:
        """A page's or database's icon and cover, and whether either is a hosted file."""
        icon, icon_hosted = self._icon(spec.get("icon"), path + "/icon")
        cover, cover_hosted = (
            self._file_object(spec["cover"], path + "/cover")
            if spec.get("cover")
            else (None, False)
        )
        return icon, cover, icon_hosted or cover_hosted

    def _container_block(
        self, kind: str, object_id: str, spec: JSON, parent: JSON, container: str | None
    ) -> Block:
        """The child_page or child_database block that stands for a page or database in
        its parent's content (same id, same times, as in Notion)."""
        created, edited = self._times(spec)
        user = self._user(spec)
        block = Block(
            id=object_id,
            type=kind,
            payload={},
            parent=parent,
            page_id=container if container in self.pages else None,
            created_time=created,
            last_edited_time=edited,
            created_by=user,
            last_edited_by=user,
            in_trash=bool(spec.get("in_trash", False)),
        )
        self._register_block(block)
        return block

    def _load_comments(self, target: str, specs: list[Any], path: str) -> None:
        if not specs:
            return
        parent = (
            {"type": "page_id", "page_id": target}
            if target in self.pages
            else {"type": "block_id", "block_id": target}
        )
        out = self.comments.setdefault(target, [])
        for index, spec in enumerate(specs):
            item = spec if isinstance(spec, dict) else {"text": spec}
            user = normalize_id(str(item.get("user", ""))) or self.default_user
            created = (
                minute_iso(parse_iso(item["created_time"]))
                if item.get("created_time")
                else self.default_time
            )
            out.append(
                {
                    "object": "comment",
                    "id": self._id(item, f"{path}/comment/{index}"),
                    "parent": parent,
                    "discussion_id": derive_id(self.seed, f"{path}/discussion/{index}"),
                    "created_time": created,
                    "last_edited_time": created,
                    "created_by": {"object": "user", "id": user},
                    "rich_text": _rich(item.get("rich_text", item.get("text", ""))),
                    "display_name": {
                        "type": "user",
                        "resolved_name": self.users.get(user, self.bot)["name"],
                    },
                }
            )

    def _load_blocks(
        self, specs: Iterable[Any], parent_id: str, page_id: str, path: str
    ) -> list[str]:
        out = []
        for index, spec in enumerate(specs):
            child = self._load_block(spec, parent_id, page_id, f"{path}/{index}")
            if child is not None:
                out.append(child)
        return out

    @staticmethod
    def _block_type(spec: JSON, path: str) -> str:
        if "type" in spec:
            return str(spec["type"])
        for key in spec:
            if key in BLOCK_TYPES or key in ("page", "database", "linked_database"):
                return str(key)
        raise WorkspaceError(f"{path}: cannot tell the block type of {sorted(spec)}")

    def _load_block(self, spec: Any, parent_id: str, page_id: str, path: str) -> str | None:
        if isinstance(spec, str):
            spec = {"paragraph": spec}
        if not isinstance(spec, dict):
            raise WorkspaceError(f"{path}: a block must be an object or a string")
        kind = self._block_type(spec, path)
        parent = self._parent_ref(parent_id)
        if kind in ("page", "child_page"):
            body = spec.get(kind, spec)
            if kind == "child_page" and "title" in body and "blocks" not in body and spec.get("id"):
                body = {**body, "id": spec["id"]}
            return self._load_page(body, parent, page_id, path)
        if kind in ("database", "child_database"):
            body = spec.get(kind, spec)
            return self._load_database(body, parent, page_id, path)
        if kind == "linked_database":
            return self._load_linked(spec[kind], parent, page_id, path)
        block_id = self._id(spec, path)
        if block_id in self.blocks:
            raise WorkspaceError(f"{path}: duplicate id {block_id}")
        self._current_block = block_id
        raw = spec.get(kind, {})
        children_specs: list[Any] = list(spec.get("children", []))
        payload, hosted, extra_children = self._payload(kind, raw, path)
        children_specs = extra_children + children_specs
        created, edited = self._times(spec)
        user = self._user(spec)
        block = Block(
            id=block_id,
            type=kind,
            payload=payload,
            parent=parent,
            page_id=page_id,
            created_time=created,
            last_edited_time=edited,
            created_by=user,
            last_edited_by=user,
            in_trash=bool(spec.get("in_trash", False)),
            hosted=hosted,
        )
        if kind == "synced_block" and payload.get("synced_from"):
            block.synced_from = normalize_id(str(payload["synced_from"]["block_id"]))
        self._register_block(block)
        block.children = self._load_blocks(children_specs, block_id, page_id, path)
        self._load_comments(block_id, spec.get("comments", []), path)
        return block_id

    def _payload(self, kind: str, raw: Any, path: str) -> tuple[JSON, bool, list[Any]]:
        """Normalises one block payload; returns it, whether it is hosted, and children
        that the shorthand implies (table rows, columns)."""
        children: list[Any] = []
        hosted = False
        if kind in TEXT_TYPES and (
            isinstance(raw, (str, list))
            or ("rich_text" not in raw and ("text" in raw or "equation" in raw or "mention" in raw))
        ):
            raw = {"rich_text": raw}
        elif kind == "equation" and isinstance(raw, str):
            raw = {"expression": raw}
        elif kind in URL_TYPES and isinstance(raw, str):
            raw = {"url": raw}
        elif kind in MEDIA_TYPES and isinstance(raw, str):
            raw = {"external": {"url": raw}}
        elif kind == "column_list" and isinstance(raw, list):
            children = [{"column": {}, "children": column} for column in raw]
            raw = {}
        if not isinstance(raw, dict):
            raise WorkspaceError(f"{path}: cannot read the {kind} payload {raw!r}")
        payload: JSON = {}
        if kind in TEXT_TYPES:
            payload["rich_text"] = self._rich(raw.get("rich_text", []))
            if kind == "code":
                payload = {
                    "caption": self._rich(raw.get("caption", [])),
                    "rich_text": payload["rich_text"],
                    "language": raw.get("language", "plain text"),
                }
                return payload, False, children
            if kind in ("callout", "paragraph"):
                icon, hosted = self._icon(raw.get("icon"), path + "/icon")
                payload["icon"] = icon
            if kind.startswith("heading_"):
                payload["is_toggleable"] = bool(raw.get("is_toggleable", False))
            if kind == "to_do":
                payload["checked"] = bool(raw.get("checked", False))
            if kind != "template":
                payload["color"] = raw.get("color", "default")
            if kind == "numbered_list_item":
                for key in ("list_start_index", "list_format"):
                    if key in raw:
                        payload[key] = raw[key]
            return payload, hosted, children
        if kind in MEDIA_TYPES:
            caption = self._rich(raw.get("caption", []))
            if "external" in raw or raw.get("type") == "external":
                file_obj, hosted = self._file_object({"external": raw["external"]}, path)
            elif "file" in raw:
                file_obj, hosted = self._file_object({"file": raw["file"]}, path)
            else:
                file_obj, hosted = self._file_object(raw, path)
            payload = {"caption": caption, **file_obj}
            if kind == "file":
                name = raw.get("name")
                if name is None and hosted:
                    name = self.files[file_obj["file"]["_hosted"]].name
                payload["name"] = name or "file"
            return payload, hosted, children
        if kind in URL_TYPES:
            payload = {"url": str(raw.get("url", ""))}
            if kind != "link_preview":
                payload = {"caption": self._rich(raw.get("caption", [])), **payload}
            return payload, False, children
        if kind == "table":
            rows = raw.get("rows")
            if rows is not None:
                children = [{"table_row": {"cells": row}} for row in rows]
            width = raw.get("table_width") or max((len(r) for r in rows or [[]]), default=1)
            payload = {
                "table_width": width,
                "has_column_header": bool(raw.get("has_column_header", False)),
                "has_row_header": bool(raw.get("has_row_header", False)),
            }
            return payload, False, children
        if kind == "table_row":
            return {"cells": [self._rich(cell) for cell in raw.get("cells", [])]}, False, children
        if kind == "synced_block":
            source = raw.get("synced_from")
            if source:
                target = source if isinstance(source, str) else source.get("block_id")
                block_id = normalize_id(str(target))
                if block_id is None:
                    raise WorkspaceError(f"{path}: synced_from needs a block id")
                return {"synced_from": {"type": "block_id", "block_id": block_id}}, False, children
            return {"synced_from": None}, False, children
        if kind == "link_to_page":
            for key in ("page_id", "database_id", "comment_id"):
                if key in raw:
                    target_id = normalize_id(str(raw[key])) or str(raw[key])
                    return {"type": key, key: target_id}, False, children
            raise WorkspaceError(f"{path}: link_to_page needs page_id or database_id")
        if kind == "table_of_contents":
            return {"color": raw.get("color", "default")}, False, children
        if kind == "column":
            if "width_ratio" in raw:
                return {"width_ratio": raw["width_ratio"]}, False, children
            return {}, False, children
        return dict(raw), False, children

    def _rich(self, value: Any) -> list[JSON]:
        return richtext.expand(value, self._title_for_mention)

    def _title_for_mention(self, target: str) -> str:
        """Titles of pages loaded later are fixed up in `_resolve_pending`."""
        found = normalize_id(target)
        if found and found in self.pages:
            return richtext.plain_text(self.pages[found].title) or "Untitled"
        if found and found in self.databases:
            return richtext.plain_text(self.databases[found].title) or "Untitled"
        self._pending_mentions.append((self._current_block, target))
        return "Untitled"

    # ------------------------------------------------------------------ databases

    def _load_database(self, spec: JSON, parent: JSON, container: str | None, path: str) -> str:
        db_id = self._id(spec, path)
        if db_id in self.blocks:
            raise WorkspaceError(f"{path}: duplicate id {db_id}")
        icon, cover, hosted = self._icon_and_cover(spec, path)
        title = _rich(spec.get("title", "Untitled"))
        database = Database(
            id=db_id,
            title=title,
            description=_rich(spec.get("description", [])),
            icon=icon,
            cover=cover,
            is_inline=bool(spec.get("is_inline", False)),
            container=container,
            shared=spec.get("shared"),
            hosted=hosted,
        )
        self.databases[db_id] = database
        block = self._container_block("child_database", db_id, spec, parent, container)
        created, edited = block.created_time, block.last_edited_time
        sources = spec.get("data_sources")
        if sources is None:
            sources = [
                {
                    "id": spec.get("data_source_id"),
                    "title": spec.get("title", "Untitled"),
                    "properties": spec.get("properties", {"Name": "title"}),
                    "entries": spec.get("entries", []),
                }
            ]
        for index, source in enumerate(sources):
            self._load_data_source(source, database, f"{path}/ds/{index}", created, edited)
        first = self.data_sources[database.data_sources[0]] if database.data_sources else None
        self._load_views(spec.get("views"), database, first, path, block)
        return db_id

    def _load_views(
        self,
        specs: Any,
        database: Database,
        source: DataSource | None,
        path: str,
        block: Block,
    ) -> None:
        """A database's view tabs; one table of everything when the file names none."""
        if specs is not None and not isinstance(specs, list):
            raise WorkspaceError(f"{path}: views must be a list")
        stamp = (block.created_time, block.last_edited_time, block.created_by)
        for index, spec in enumerate(specs or [viewspecs.DEFAULT_VIEW]):
            view_path = f"{path}/view/{index}"
            chosen = source
            if isinstance(spec, dict) and spec.get("data_source"):
                chosen = self.data_sources.get(normalize_id(str(spec["data_source"])) or "")
                if chosen is None:
                    raise WorkspaceError(f"{view_path}: no data source {spec['data_source']!r}")
            view_id = self._id(spec, view_path)
            if view_id in self.views:
                raise WorkspaceError(f"{view_path}: duplicate view id {view_id}")
            self.views[view_id] = viewspecs.view_record(
                spec, view_id, database.id, chosen, stamp, view_path
            )
            database.views.append(view_id)

    def _load_linked(self, spec: Any, parent: JSON, container: str | None, path: str) -> str:
        """A linked database: a child_database block showing views of a data source that
        lives elsewhere (``{"linked_database": {"database": ID | "data_source": ID,
        "title": ..., "views": [VIEW, ...]}}``)."""
        if not isinstance(spec, dict) or not (spec.get("database") or spec.get("data_source")):
            raise WorkspaceError(f"{path}: a linked_database names a database or data_source")
        db_id = self._id(spec, path)
        if db_id in self.blocks:
            raise WorkspaceError(f"{path}: duplicate id {db_id}")
        self.databases[db_id] = Database(
            id=db_id,
            title=_rich(spec.get("title", "Untitled")),
            description=[],
            icon=None,
            cover=None,
            is_inline=True,
            container=container,
            shared=spec.get("shared"),
        )
        self._container_block("child_database", db_id, spec, parent, container)
        self._pending_linked.append((db_id, spec, path))
        return db_id

    def _load_data_source(
        self, spec: JSON, database: Database, path: str, created: str, edited: str
    ) -> None:
        ds_id = self._id(spec, path)
        schema: JSON = {}
        for name, prop in spec.get("properties", {"Name": "title"}).items():
            schema[name] = self._schema(str(name), prop, ds_id, database.id, f"{path}/{name}")
        if not any(p["type"] == "title" for p in schema.values()):
            schema = {"Name": self._schema("Name", "title", ds_id, database.id, path), **schema}
        source = DataSource(
            id=ds_id,
            database_id=database.id,
            title=_rich(spec.get("title", spec.get("name", richtext.plain_text(database.title)))),
            properties=schema,
            created_time=created,
            last_edited_time=edited,
        )
        self.data_sources[ds_id] = source
        database.data_sources.append(ds_id)
        self.searchable.append(ds_id)
        parent = {"type": "data_source_id", "data_source_id": ds_id, "database_id": database.id}
        for index, entry in enumerate(spec.get("entries", [])):
            source.entries.append(
                self._load_page(entry, parent, database.id, f"{path}/e/{index}", data_source=source)
            )

    def _schema(self, name: str, spec: Any, ds_id: str, db_id: str, path: str) -> JSON:
        prop = {"type": spec} if isinstance(spec, str) else dict(spec)
        kind = str(prop["type"])
        prop_id = "title" if kind == "title" else prop.get("id") or _short_id(self.seed, path)
        config: JSON = {}
        if kind in ("select", "multi_select", "status"):
            config["options"] = [
                self._option(option, index, path)
                for index, option in enumerate(prop.get("options", []))
            ]
            if kind == "status":
                options = config["options"]
                groups = [
                    ("To-do", "gray", options[:1]),
                    ("In progress", "blue", options[1:-1]),
                    ("Complete", "green", options[-1:] if len(options) > 1 else []),
                ]
                config["groups"] = [
                    {
                        "id": _short_id(self.seed, f"{path}/group/{group}"),
                        "name": group,
                        "color": colour,
                        "option_ids": [o["id"] for o in members],
                    }
                    for group, colour, members in groups
                ]
        elif kind == "relation":
            target = prop.get("data_source", "self")
            config = {
                "database_id": db_id,
                "data_source_id": ds_id if target == "self" else target,
                "type": "single_property",
                "single_property": {},
            }
        elif kind == "number":
            config = {"format": prop.get("format", "number")}
        elif kind == "unique_id":
            config = {"prefix": prop.get("prefix")}
        elif kind == "formula":
            config = {"expression": prop.get("expression", "")}
        return {
            "id": prop_id,
            "name": name,
            "description": prop.get("description"),
            "type": kind,
            kind: config,
        }

    def _option(self, option: Any, index: int, path: str) -> JSON:
        spec = {"name": option} if isinstance(option, str) else dict(option)
        return {
            "id": spec.get("id") or derive_id(self.seed, f"{path}/option/{spec['name']}"),
            "name": spec["name"],
            "color": spec.get("color", OPTION_COLORS[index % len(OPTION_COLORS)]),
            "description": spec.get("description"),
        }

    def _load_entry_properties(self, page: Page, spec: JSON, source: DataSource, path: str) -> bool:
        values = spec.get("properties", {})
        hosted = False
        title_name = source.title_property()
        if title_name not in values and "title" in spec:
            values = {**values, title_name: spec["title"]}
        for name, schema in source.properties.items():
            kind = schema["type"]
            value = values.get(name)
            if kind in ("title", "rich_text"):
                page.properties[name] = _rich(value or [])
            elif kind in ("select", "status"):
                page.properties[name] = (
                    self._pick_option(schema, value, path) if value is not None else None
                )
            elif kind == "multi_select":
                page.properties[name] = [self._pick_option(schema, v, path) for v in value or []]
            elif kind == "date":
                if value is None:
                    page.properties[name] = None
                elif isinstance(value, str):
                    page.properties[name] = {"start": value, "end": None, "time_zone": None}
                else:
                    page.properties[name] = {
                        "start": value["start"],
                        "end": value.get("end"),
                        "time_zone": value.get("time_zone"),
                    }
            elif kind == "checkbox":
                page.properties[name] = bool(value)
            elif kind == "people":
                page.properties[name] = [
                    {"object": "user", "id": normalize_id(str(u)) or str(u)} for u in value or []
                ]
            elif kind == "relation":
                page.properties[name] = []
                if value:
                    target = schema["relation"]["data_source_id"]
                    self._pending_relations.append((page.id, name, list(value), target))
            elif kind == "files":
                items = []
                for index, item in enumerate(value or []):
                    file_obj, is_hosted = self._file_object(item, f"{path}/{name}/{index}")
                    hosted |= is_hosted
                    default = item if isinstance(item, str) else "file"
                    label = item.get("name", default) if isinstance(item, dict) else default
                    if is_hosted and not (isinstance(item, dict) and "name" in item):
                        label = self.files[file_obj["file"]["_hosted"]].name
                    items.append({"name": label, **file_obj})
                page.properties[name] = items
            elif kind == "formula":
                page.properties[name] = _formula(value)
            elif kind == "unique_id":
                page.properties[name] = {
                    "prefix": schema["unique_id"].get("prefix"),
                    "number": value or len(source.entries) + 1,
                }
            elif kind in ("created_time", "last_edited_time", "created_by", "last_edited_by"):
                continue  # computed when served
            else:
                page.properties[name] = value
        return hosted

    def _pick_option(self, schema: JSON, value: Any, path: str) -> JSON:
        name = value if isinstance(value, str) else value["name"]
        options = schema[schema["type"]]["options"]
        for option in options:
            if option["name"] == name:
                return {k: option[k] for k in ("id", "name", "color")}
        option = self._option(name, len(options), path + "/" + schema["name"])
        options.append(option)
        return {k: option[k] for k in ("id", "name", "color")}

    def _resolve_pending(self) -> None:
        for db_id, spec, path in self._pending_linked:
            ref = normalize_id(str(spec.get("data_source") or spec.get("database")))
            if ref in self.databases and self.databases[ref].data_sources:
                ref = self.databases[ref].data_sources[0]
            if ref is None or ref not in self.data_sources:
                raise WorkspaceError(f"{path}: the linked database shows no known data source")
            database = self.databases[db_id]
            database.linked_source = ref
            self._load_views(
                spec.get("views"), database, self.data_sources[ref], path, self.blocks[db_id]
            )
        self._pending_linked.clear()
        for page_id, name, refs, target in self._pending_relations:
            resolved = []
            for ref in refs:
                found = normalize_id(str(ref))
                if found is None or found not in self.pages:
                    found = self._find_title(str(ref), target)
                if found is None:
                    raise WorkspaceError(f"relation {name!r} of {page_id}: no page {ref!r}")
                resolved.append({"id": found})
            self.pages[page_id].properties[name] = resolved
        self._pending_relations.clear()
        for block_id, target in self._pending_mentions:
            found = normalize_id(target)
            if found is None:
                continue
            title = None
            if found in self.pages:
                title = richtext.plain_text(self.pages[found].title)
            elif found in self.databases:
                title = richtext.plain_text(self.databases[found].title)
            if title is None or block_id not in self.blocks:
                continue
            for items in _rich_lists(self.blocks[block_id].payload):
                for item in items:
                    mention = item.get("mention", {})
                    ref = mention.get(mention.get("type", ""), {})
                    if isinstance(ref, dict) and ref.get("id") == found:
                        item["plain_text"] = title
        self._pending_mentions.clear()

    def _find_title(self, title: str, data_source: str | None) -> str | None:
        source = self.data_sources.get(data_source or "")
        candidates = source.entries if source else list(self.pages)
        for page_id in candidates:
            if richtext.plain_text(self.pages[page_id].title) == title:
                return page_id
        return None


def _formula(value: Any) -> JSON:
    if isinstance(value, dict) and "type" in value:
        return value
    if isinstance(value, bool):
        return {"type": "boolean", "boolean": value}
    if isinstance(value, (int, float)):
        return {"type": "number", "number": value}
    return {"type": "string", "string": None if value is None else str(value)}


def _short_id(seed: str, path: str) -> str:
    """Property ids look like Notion's: four URL-encoded characters."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%{}[]?=;:<>"
    digest = derive_id(seed, path).replace("-", "")
    chars = "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 8, 2))
    return quote(chars, safe="")


def _rich_lists(payload: JSON) -> list[list[JSON]]:
    out = []
    for key in ("rich_text", "caption"):
        if isinstance(payload.get(key), list):
            out.append(payload[key])
    for row in payload.get("cells", []):
        out.append(row)
    return out
