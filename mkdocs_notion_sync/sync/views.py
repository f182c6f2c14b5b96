"""Following a Notion view: finding the one a source names, and reading its query and
layout (https://developers.notion.com/reference/view).

A view is a data source seen through a filter, sorts, the properties it shows and a
layout. A source names it by id, by URL (`?v=`) or by name; its filter and sorts are
the query's unless the source gives its own, and its layout becomes the index page's
(`Layout`). Views name properties by id, which survives renames, so ids are resolved to
the names the schema has now.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, NotSharedError
from ..notion.api import NotionAPI
from ..notion.ids import api_id, parse_notion_id, view_in_url
from .model import LAYOUTS, Layout, Source


def _one_line(text: object) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())[:200]


def wanted_view_id(wanted: str) -> str | None:
    """The id a `view:` setting names: an id, or a URL's `?v=`; None for a name."""
    return view_in_url(wanted) or (api_id(wanted.strip()) if "://" not in wanted else None)


def find_view(api: NotionAPI, database_id: str, wanted: str) -> dict[str, Any]:
    """The view of `database_id` that `wanted` names (id, URL or name). By id it is one
    request; by name, the database's views are listed and read until one matches."""
    view_id = wanted_view_id(wanted)
    if view_id is not None:
        try:
            view = api.view(view_id)
        except NotSharedError:
            raise ConfigError(
                f"view {view_id} of database {database_id} was not found: check `view:` "
                "(the ?v= part of the database's link with the view open, or the view's "
                "name) and that the database is shared with your integration"
            ) from None
        parent = view.get("parent")
        owner = parent.get("database_id") if isinstance(parent, dict) else None
        if parse_notion_id(str(owner or "")) != database_id:
            raise ConfigError(
                f"view {view_id} is not a view of database {database_id}; copy the link of "
                "one of its views (the ?v= part of the URL), or write its name"
            )
        return view
    names: list[str] = []
    for candidate in api.views(database_id):
        view = api.view(candidate)
        name = _one_line(view.get("name") or "")
        if name.casefold() == " ".join(wanted.split()).casefold():
            return view
        names.append(name)
    shown = ", ".join(f'"{n}"' for n in names) or "none"
    raise ConfigError(
        f'database {database_id} has no view named "{_one_line(wanted)}"; its views: {shown}'
    )


def first_view(api: NotionAPI, database_id: str) -> dict[str, Any] | None:
    """The first tab of a database (a linked database shows it where it is placed)."""
    ids = api.views(database_id)
    return api.view(ids[0]) if ids else None


def query_of(
    source: Source, view: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, list[Any] | None]:
    """(filter, sorts) to query with: the source's own win over the view's."""
    view_filter = view.get("filter") if view else None
    view_sorts = view.get("sorts") if view else None
    chosen_filter = source.filter if source.filter is not None else view_filter
    chosen_sorts = source.sorts if source.sorts is not None else view_sorts
    return (
        chosen_filter if isinstance(chosen_filter, dict) else None,
        chosen_sorts if isinstance(chosen_sorts, list) and chosen_sorts else None,
    )


def _names_by_id(schemas: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for schema in schemas:
        props = schema.get("properties") if isinstance(schema, dict) else None
        for name, prop in (props or {}).items() if isinstance(props, dict) else ():
            if isinstance(prop, dict) and prop.get("id") is not None:
                names.setdefault(str(prop["id"]), str(name))
    return names


def _name(ref: Any, names: dict[str, str], key: str = "property_id") -> str | None:
    """A property a view names (by id, with its name beside it), as the schema calls it."""
    if not isinstance(ref, dict):
        return None
    found = names.get(str(ref.get(key)))
    if found is None and ref.get("property_name") in names.values():
        found = str(ref["property_name"])
    return found


def layout_of(view: dict[str, Any], schemas: list[dict[str, Any]]) -> Layout:
    """The view's layout in the schema's names; a type a static site cannot show (a
    timeline, chart, map, form or dashboard) is kept as `view_type` over a table."""
    names = _names_by_id(schemas)
    config = view.get("configuration")
    config = config if isinstance(config, dict) else {}
    view_type = str(view.get("type") or "table")
    kind = view_type if view_type in LAYOUTS else "table"
    shown_refs = config.get("properties")
    shown = tuple(
        name
        for ref in (shown_refs if isinstance(shown_refs, list) else [])
        if isinstance(ref, dict) and ref.get("visible", True) is not False
        for name in [_name(ref, names)]
        if name is not None
    )
    group = config.get("group_by")
    group_by = _name(group, names) if kind == "board" else None
    if kind == "board" and group_by is None:
        kind = "table"  # a board of nothing: show its entries at least
    date_property = _name(config, names, "date_property_id") if kind == "calendar" else None
    if kind == "calendar" and date_property is None:
        kind = "table"
    cover = config.get("cover")
    cover_kind = cover.get("type") if isinstance(cover, dict) else None
    cover_name = None
    if cover_kind == "property":
        found = _name(cover, names)
        cover_name = f"property:{found}" if found else None
    elif cover_kind in ("page_cover", "page_content", "page_content_first"):
        cover_name = "page_content" if cover_kind != "page_cover" else "page_cover"
    if kind == "gallery" and cover_name is None and cover_kind is None:
        cover_name = "page_cover"
    url = view.get("url")
    return Layout(
        kind=kind,
        view_type=view_type,
        view_name=_one_line(view.get("name") or ""),
        view_url=url if isinstance(url, str) else "",
        shown=shown,
        group_by=group_by,
        by_status_group=isinstance(group, dict)
        and group.get("type") == "status"
        and group.get("group_by") == "group",
        date_property=date_property,
        cover=cover_name if kind in ("gallery", "board") else None,
    )
