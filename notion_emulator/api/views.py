"""`/v1/views`: a database's view tabs (list, by database or by data source) and one
view (retrieve). API 2025-09-03 and later.

Listing answers references (`{"object": "view", "id"}`), as Notion does; the filter,
sorts and layout come from retrieving each view. Listing by data source also finds the
views of linked databases elsewhere in the workspace that show that data source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import shapes
from ..versions import has_views
from .common import Request, page_size, validation_error

if TYPE_CHECKING:
    from . import Api


def _require_version(req: Request) -> None:
    if not has_views(req.version):
        raise validation_error(
            "The Views API requires Notion-Version 2025-09-03 or later, instead was "
            f"`{req.version}`."
        )


def get_view(api: Api, req: Request) -> str:
    _require_version(req)
    ws = api.workspace
    view_id = api.id_arg(req.args[0], "view_id")
    view = ws.views.get(view_id)
    if view is None or not ws.accessible(view.database_id):
        raise api.not_found("view", view_id)
    data = shapes.view(view)
    data["request_id"] = req.request_id
    return shapes.dumps(data)


def list_views(api: Api, req: Request) -> str:
    _require_version(req)
    ws = api.workspace
    database_raw = req.param("database_id")
    source_raw = req.param("data_source_id")
    if database_raw is None and source_raw is None:
        raise validation_error(
            "body failed validation: one of query.database_id or query.data_source_id "
            "should be defined."
        )
    ids: list[str] = []
    if database_raw is not None:
        db_id = api.visible(database_raw, "database_id", "database", ws.databases)
        ids = list(ws.databases[db_id].views)
    if source_raw is not None:
        ds_id = api.visible(source_raw, "data_source_id", "data source", ws.data_sources)
        found = [
            view_id
            for database in ws.databases.values()
            if ws.accessible(database.id)
            for view_id in database.views
            if ws.views[view_id].data_source_id == ds_id
        ]
        ids = [i for i in ids if i in found] if database_raw is not None else found
    size = page_size(req.param("page_size"), "query")
    chunk, next_cursor, has_more = api.paginate(ids, req.param("start_cursor"), size)
    results = ",".join(shapes.dumps({"object": "view", "id": view_id}) for view_id in chunk)
    return shapes.list_envelope(results, next_cursor, has_more, "view", req.request_id)


ROUTES = [
    ("GET", "views", list_views),
    ("GET", "views/*", get_view),
]
