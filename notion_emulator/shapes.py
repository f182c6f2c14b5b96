"""API objects as Notion serves them, key order included, in the shapes of the version
the client asked for (versions.py: 2025-09-03 unless told otherwise).

Hosted files are replaced by freshly signed URLs on every call; everything else is
cacheable as JSON text until the workspace changes, which keeps big listings cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import richtext
from .ids import compact
from .model import View
from .versions import V2025, has_archived, meeting_notes_type
from .workspace import Block, Database, DataSource, Page, Workspace, notion_url

JSON = dict[str, Any]
Sign = Callable[[str], JSON]

RELATION_PAGE_LIMIT = 25
CACHE_LIMIT = 200_000


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def resolve_files(obj: Any, sign: Sign) -> Any:
    """A copy with every `{"_hosted": id}` marker turned into `{url, expiry_time}`."""
    if isinstance(obj, dict):
        if "_hosted" in obj:
            return sign(str(obj["_hosted"]))
        return {k: resolve_files(v, sign) for k, v in obj.items()}
    if isinstance(obj, list):
        return [resolve_files(v, sign) for v in obj]
    return obj


def _user(user_id: str) -> JSON:
    return {"object": "user", "id": user_id}


def _trash_flags(out: JSON, in_trash: bool, version: str) -> JSON:
    """`archived` mirrors `in_trash` until 2026-03-11 removed it."""
    if has_archived(version):
        out["archived"] = in_trash
    return out


def block(ws: Workspace, item: Block, sign: Sign, version: str = V2025) -> JSON:
    kind = item.type
    if kind in ("meeting_notes", "transcription"):
        kind = meeting_notes_type(version)
    if item.type == "child_page":
        payload: Any = {"title": richtext.plain_text(ws.pages[item.id].title)}
        has_children = False if item.in_trash else bool(item.children)
    elif item.type == "child_database":
        payload = {"title": richtext.plain_text(ws.databases[item.id].title)}
        has_children = False
    else:
        payload = resolve_files(item.payload, sign) if item.hosted else item.payload
        has_children = bool(ws.children_of(item.id))
    out = {
        "object": "block",
        "id": item.id,
        "parent": item.parent,
        "created_time": item.created_time,
        "last_edited_time": item.last_edited_time,
        "created_by": _user(item.created_by),
        "last_edited_by": _user(item.last_edited_by),
        "has_children": has_children,
        "in_trash": item.in_trash,
        "type": kind,
        kind: payload,
    }
    return _trash_flags(out, item.in_trash, version)


def block_json(
    ws: Workspace, item: Block, sign: Sign, cache: dict[str, str], version: str = V2025
) -> str:
    """JSON text of a block; blocks without hosted files are cached per generation and
    version (versions name types and flags differently)."""
    if item.hosted:
        return dumps(block(ws, item, sign, version))
    key = item.id if version == V2025 else f"{item.id}|{version}"
    text = cache.get(key)
    if text is None:
        text = dumps(block(ws, item, sign, version))
        if len(cache) >= CACHE_LIMIT:
            cache.clear()  # bounds memory on huge workspaces; refilling is cheap
        cache[key] = text
    return text


def property_value(
    ws: Workspace, page: Page, source: DataSource, name: str, sign: Sign, limit: bool = True
) -> JSON:
    schema = source.properties[name]
    kind = schema["type"]
    block_record = ws.blocks[page.id]
    if kind == "created_time":
        value: Any = block_record.created_time
    elif kind == "last_edited_time":
        value = block_record.last_edited_time
    elif kind == "created_by":
        value = _user(block_record.created_by)
    elif kind == "last_edited_by":
        value = _user(block_record.last_edited_by)
    else:
        value = page.properties.get(name)
        if kind == "files" and page.hosted:
            value = resolve_files(value, sign)
    out: JSON = {"id": schema["id"], "type": kind, kind: value}
    if kind == "relation":
        items = value or []
        out[kind] = items[:RELATION_PAGE_LIMIT] if limit else items
        out["has_more"] = limit and len(items) > RELATION_PAGE_LIMIT
    elif kind in ("title", "rich_text", "people") and limit:
        out[kind] = (value or [])[:RELATION_PAGE_LIMIT]
    return out


def page(
    ws: Workspace,
    item: Page,
    sign: Sign,
    version: str = V2025,
    only: set[str] | None = None,
) -> JSON:
    """A page object; `only`: the ids of the properties to include (filter_properties,
    or the title alone where a version lists only titles), None for all."""
    record = ws.blocks[item.id]
    hosted = item.hosted
    if item.data_source_id:
        source = ws.data_sources[item.data_source_id]
        properties = {
            name: property_value(ws, item, source, name, sign)
            for name, schema in source.properties.items()
            if only is None or schema["id"] in only
        }
    elif only is None or "title" in only:
        properties = {"title": {"id": "title", "type": "title", "title": item.title}}
    else:
        properties = {}
    out = {
        "object": "page",
        "id": item.id,
        "created_time": record.created_time,
        "last_edited_time": record.last_edited_time,
        "created_by": _user(record.created_by),
        "last_edited_by": _user(record.last_edited_by),
        "cover": resolve_files(item.cover, sign) if hosted else item.cover,
        "icon": resolve_files(item.icon, sign) if hosted else item.icon,
        "parent": record.parent,
        "in_trash": record.in_trash,
        "is_archived": False,
        "is_locked": False,
        "properties": properties,
        "url": notion_url(richtext.plain_text(item.title), item.id),
        "public_url": None,
    }
    return _trash_flags(out, record.in_trash, version)


def database(ws: Workspace, item: Database, sign: Sign, version: str = V2025) -> JSON:
    record = ws.blocks[item.id]
    out = {
        "object": "database",
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "parent": record.parent,
        "is_inline": item.is_inline,
        "in_trash": record.in_trash,
        "is_locked": False,
        "created_time": record.created_time,
        "last_edited_time": record.last_edited_time,
        "data_sources": [
            {"id": ds, "name": richtext.plain_text(ws.data_sources[ds].title)}
            for ds in item.data_sources
        ],
        "icon": resolve_files(item.icon, sign) if item.hosted else item.icon,
        "cover": resolve_files(item.cover, sign) if item.hosted else item.cover,
        "url": notion_url("", item.id),
        "public_url": None,
    }
    return _trash_flags(out, record.in_trash, version)


def data_source(ws: Workspace, item: DataSource, sign: Sign, version: str = V2025) -> JSON:
    db = ws.databases[item.database_id]
    record = ws.blocks[db.id]
    out = {
        "object": "data_source",
        "id": item.id,
        "cover": resolve_files(db.cover, sign) if db.hosted else db.cover,
        "icon": resolve_files(db.icon, sign) if db.hosted else db.icon,
        "created_time": item.created_time,
        "created_by": _user(record.created_by),
        "last_edited_by": _user(record.last_edited_by),
        "last_edited_time": item.last_edited_time,
        "title": item.title,
        "description": db.description,
        "is_inline": db.is_inline,
        "properties": item.properties,
        "parent": {"type": "database_id", "database_id": db.id},
        "database_parent": record.parent,
        "url": notion_url("", db.id),
        "public_url": None,
        "in_trash": record.in_trash,
    }
    return _trash_flags(out, record.in_trash, version)


def view(item: View) -> JSON:
    """A view object (GET /v1/views/{id}), its configuration as stored."""
    out: JSON = {
        "object": "view",
        "id": item.id,
        "parent": {"type": "database_id", "database_id": item.database_id},
        "name": item.name,
        "type": item.type,
        "created_time": item.created_time,
        "last_edited_time": item.last_edited_time,
        "url": f"https://www.notion.so/{compact(item.database_id)}?v={compact(item.id)}",
        "data_source_id": item.data_source_id,
        "created_by": _user(item.created_by),
        "last_edited_by": _user(item.created_by),
        "filter": item.filter,
        "sorts": item.sorts,
        "quick_filters": None,
        "configuration": item.configuration,
    }
    return out


def list_envelope(
    results_json: str,
    next_cursor: str | None,
    has_more: bool,
    kind: str,
    request_id: str,
    extra: JSON | None = None,
) -> str:
    """The list envelope, assembled around already-serialised results."""
    type_body = dumps(extra) if extra is not None else "{}"
    return (
        '{"object":"list","results":['
        + results_json
        + '],"next_cursor":'
        + dumps(next_cursor)
        + ',"has_more":'
        + ("true" if has_more else "false")
        + ',"type":"'
        + kind
        + '","'
        + kind
        + '":'
        + type_body
        + ',"request_id":"'
        + request_id
        + '"}'
    )
