"""Database views in the workspace file, turned into what the Views API serves.

A VIEW in a DATABASE's ``"views"`` list (or a linked database's)::

    {"id": "...", "name": "By status", "type": "board",     # table board list calendar
                                                            # timeline gallery form chart
                                                            # map dashboard
     "filter": {...}, "sorts": [...],                       # the query syntax, as Notion
     "properties": ["Name", "Status", "Date"],              # shown, in this order
     "group_by": "Status" | {"property": "Status", "by": "group" | "option"},
     "date": "Date",                                        # calendar and timeline
     "cover": "page_cover" | "page_content" | {"property": "Files"},
     "configuration": {...}}                                # served as given, if given

Names are the data source's property names; the configuration Notion serves names
properties by id (``property_id``) with the name beside it. A database without views
gets one table view showing every property, as Notion makes one for a new database.
"""

from __future__ import annotations

from typing import Any

from .model import JSON, DataSource, View, WorkspaceError

VIEW_TYPES = frozenset(
    {"table", "board", "list", "calendar", "timeline", "gallery", "form", "chart", "map"}
    | {"dashboard"}
)
DEFAULT_VIEW = {"name": "Table", "type": "table"}


def _property(source: DataSource, name: str, path: str) -> JSON:
    schema = source.properties.get(name)
    if not isinstance(schema, dict):
        raise WorkspaceError(f"{path}: the view names {name!r}, which is not a property")
    return schema


def _shown(source: DataSource, names: list[str] | None, path: str) -> list[JSON]:
    """Every property, the shown ones first in the given order (visible), then the rest."""
    order = list(names) if names is not None else list(source.properties)
    for name in order:
        _property(source, name, path)
    rest = [name for name in source.properties if name not in order]
    return [
        {
            "property_id": source.properties[name]["id"],
            "property_name": name,
            "visible": name in order,
        }
        for name in order + rest
    ]


def _group_by(source: DataSource, spec: Any, path: str) -> JSON:
    raw = spec if isinstance(spec, dict) else {"property": spec}
    schema = _property(source, str(raw.get("property")), path)
    kind = str(schema["type"])
    group: JSON = {
        "type": "person" if kind == "people" else kind,
        "property_id": schema["id"],
        "property_name": schema["name"],
        "sort": {"type": "manual"},
        "hide_empty_groups": bool(raw.get("hide_empty_groups", False)),
    }
    if kind == "status":
        group["group_by"] = raw.get("by", "group")
    elif kind in ("date", "created_time", "last_edited_time"):
        group["group_by"] = raw.get("by", "month")
    elif kind in ("title", "rich_text", "url", "email", "phone_number"):
        group["group_by"] = raw.get("by", "exact")
    return group


def _cover(source: DataSource, spec: Any, path: str) -> JSON:
    if isinstance(spec, dict) and "property" in spec:
        schema = _property(source, str(spec["property"]), path)
        return {"type": "property", "property_id": schema["id"]}
    if spec not in ("page_cover", "page_content", "page_content_first"):
        raise WorkspaceError(f"{path}: a cover is page_cover, page_content or a property")
    return {"type": spec}


def configuration(source: DataSource | None, kind: str, spec: JSON, path: str) -> JSON | None:
    """The view's `configuration` as Notion serves it."""
    if "configuration" in spec:
        given = spec["configuration"]
        return dict(given) if isinstance(given, dict) else None
    if kind == "dashboard":
        return {"type": "dashboard", "rows": []}
    if source is None:
        return None
    out: JSON = {"type": kind}
    if kind in ("calendar", "timeline"):
        name = spec.get("date") or next(
            (n for n, p in source.properties.items() if p["type"] == "date"), None
        )
        if name is None:
            raise WorkspaceError(f"{path}: a {kind} view needs a date property")
        schema = _property(source, str(name), path)
        out["date_property_id"] = schema["id"]
        out["date_property_name"] = schema["name"]
        if kind == "calendar":
            out["view_range"] = "month"
    if kind == "board" or (kind == "table" and "group_by" in spec):
        if "group_by" not in spec:
            raise WorkspaceError(f"{path}: a board view needs group_by")
        out["group_by"] = _group_by(source, spec["group_by"], path)
    if kind == "chart":
        out["chart_type"] = spec.get("chart_type", "column")
    if kind in ("form", "chart"):
        return out
    out["properties"] = _shown(source, spec.get("properties"), path)
    if kind in ("board", "gallery") and "cover" in spec:
        out["cover"] = _cover(source, spec["cover"], path)
    return out


def view_record(
    spec: Any,
    view_id: str,
    database_id: str,
    source: DataSource | None,
    stamp: tuple[str, str, str],
    path: str,
) -> View:
    """One view; `stamp` is (created, last edited, user)."""
    if not isinstance(spec, dict):
        raise WorkspaceError(f"{path}: a view must be an object")
    kind = str(spec.get("type", "table"))
    if kind not in VIEW_TYPES:
        raise WorkspaceError(f"{path}: {kind!r} is not a view type")
    sorts = spec.get("sorts")
    return View(
        id=view_id,
        database_id=database_id,
        data_source_id=None if kind == "dashboard" or source is None else source.id,
        name=str(spec.get("name", kind.title())),
        type=kind,
        filter=spec.get("filter"),
        sorts=list(sorts) if isinstance(sorts, list) else None,
        configuration=configuration(source, kind, spec, path),
        created_time=stamp[0],
        last_edited_time=stamp[1],
        created_by=stamp[2],
    )
