"""One database, from Notion into a `DatabaseSnapshot`: the container, its data
sources' schemas, the view it follows and its entries.

What it costs: a full fetch is the container, one schema per data source, the view (one
request by id; by name, the views are listed and read until one matches) and the
entries, 100 a request. A re-query (`requery`) is the entries alone, on the schemas and
view already known: the walk decides which it needs (walk.py, `_database`).

A linked database (a `child_database` block that shows a view of a data source
elsewhere) cannot be retrieved: Notion answers that database retrievals do not support
linked databases. Its first view names the data source, which is then read and queried
like any other.

Queries ask for every property of the schema by id (`filter_properties`) where the API
version would otherwise return titles only (2026-12-01), and a status filter naming a
status group is widened to that group's options, which the same version no longer does
by itself.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import ErrorCode, NotionSyncError, RequestRejected
from ..notion.api import NotionAPI
from .cache import DatabaseSnapshot
from .model import Source
from .views import find_view, first_view, query_of

TITLES_ONLY_FROM = "2026-12-01"
"""The API version from which lists leave out every property not asked for by id."""


def database_key(database_id: str, source: Source, version: str) -> str:
    """A filtered, sorted or view-following source is its own cache entry, per version."""
    return f"{database_id}|{source.filter!r}|{source.sorts!r}|{source.view!r}|{version}"


def columns_of(schemas: list[dict[str, Any]]) -> list[str]:
    """Property names in schema order, the title first (it links to the entry)."""
    names: list[str] = []
    for schema in schemas:
        props = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(props, dict):
            continue
        for name, prop in props.items():
            if isinstance(prop, dict) and prop.get("type") == "title" and name not in names:
                names.insert(0, str(name))
        names.extend(str(name) for name in props if str(name) not in names)
    return names


def fetch_snapshot(api: NotionAPI, database_id: str, source: Source) -> DatabaseSnapshot:
    """The database as Notion has it now (see the module docstring for the cost)."""
    try:
        container = api.database(database_id)
    except RequestRejected as error:
        if error.code is not ErrorCode.VALIDATION_ERROR:
            raise
        return _linked(api, database_id, source, error)
    view = find_view(api, database_id, source.view) if source.view else None
    sources = [str(ds.get("id")) for ds in container.get("data_sources") or []]
    if view is not None and view.get("data_source_id") in sources:
        sources = [str(view["data_source_id"])]  # a view shows one data source
    schemas = [api.data_source(ds_id) for ds_id in sources]
    snapshot = DatabaseSnapshot(container=container, schemas=schemas, entries=[], view=view)
    return requery(api, snapshot, source)


def _linked(
    api: NotionAPI, database_id: str, source: Source, refused: NotionSyncError
) -> DatabaseSnapshot:
    """A linked database through its first view (or the one the source names)."""
    view = find_view(api, database_id, source.view) if source.view else first_view(api, database_id)
    ds_id = view.get("data_source_id") if view else None
    if view is None or not isinstance(ds_id, str):
        raise refused
    schema = api.data_source(ds_id)
    title = schema.get("title")
    container = {
        "object": "database",
        "id": database_id,
        "title": title if isinstance(title, list) else [],
        "description": [],
        "url": view.get("url") or "",
        "last_edited_time": view.get("last_edited_time") or "",
        "data_sources": [{"id": ds_id}],
    }
    snapshot = DatabaseSnapshot(
        container=container, schemas=[schema], entries=[], view=view, linked=True
    )
    return requery(api, snapshot, source)


def requery(api: NotionAPI, snapshot: DatabaseSnapshot, source: Source) -> DatabaseSnapshot:
    """The snapshot with its entries queried again, on its schemas and view."""
    wanted_filter, sorts = query_of(source, snapshot.view)
    entries: list[dict[str, Any]] = []
    for schema in snapshot.schemas:
        ds_id = str(schema.get("id"))
        entries.extend(
            api.query(
                ds_id,
                filter=widen_status_groups(wanted_filter, schema) if wanted_filter else None,
                sorts=sorts,
                properties=_every_property(schema) if api.version >= TITLES_ONLY_FROM else None,
            )
        )
    return replace(snapshot, entries=entries)


def _every_property(schema: dict[str, Any]) -> list[str]:
    props = schema.get("properties")
    if not isinstance(props, dict):
        return ["title"]
    ids = [str(p["id"]) for p in props.values() if isinstance(p, dict) and p.get("id")]
    return ids or ["title"]


def entries_fingerprint(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What tells one query's answer from another's: ids, order and edit times."""
    return [(str(e.get("id")), str(e.get("last_edited_time"))) for e in entries]


def widen_status_groups(spec: Any, schema: dict[str, Any], depth: int = 0) -> Any:
    """The filter, where a status `equals` / `does_not_equal` names a status group
    rather than an option, naming that group's options instead (the list form of the
    condition). API versions before 2026-12-01 matched groups by name; from 2026-12-01
    only options match, so a filter written for a group would match nothing."""
    if not isinstance(spec, dict) or depth > 4:
        return spec
    for key in ("and", "or"):
        if isinstance(spec.get(key), list):
            return {**spec, key: [widen_status_groups(p, schema, depth + 1) for p in spec[key]]}
    condition = spec.get("status")
    prop = _status_property(schema, spec.get("property"))
    if not isinstance(condition, dict) or prop is None:
        return spec
    found = prop.get("status")
    config: dict[str, Any] = found if isinstance(found, dict) else {}
    options = {str(o.get("id")): str(o.get("name")) for o in config.get("options") or []}
    groups = {
        str(g.get("name")): [options[i] for i in g.get("option_ids") or [] if i in options]
        for g in config.get("groups") or []
        if isinstance(g, dict)
    }
    widened = dict(condition)
    for op in ("equals", "does_not_equal"):
        value = condition.get(op)
        values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        if not any(v in groups and v not in options.values() for v in values):
            continue
        names: list[str] = []
        for v in values:
            for name in groups.get(v, [v]) if v not in options.values() else [v]:
                if name not in names:
                    names.append(name)
        widened[op] = names
    return {**spec, "status": widened}


def _status_property(schema: dict[str, Any], ref: Any) -> dict[str, Any] | None:
    props = schema.get("properties")
    if not isinstance(props, dict) or not isinstance(ref, str):
        return None
    for name, prop in props.items():
        if isinstance(prop, dict) and (name == ref or prop.get("id") == ref):
            return prop if prop.get("type") == "status" else None
    return None
