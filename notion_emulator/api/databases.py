"""`/v1/databases/*` and `/v1/data_sources/*`: containers, schemas and queries.

A linked database (a view of a data source elsewhere) cannot be retrieved: Notion
answers that database retrievals do not support linked databases; its views can be
listed, and the data source they show is queried like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import query as query_mod
from .. import shapes
from ..versions import status_matches_groups
from .common import Request, page_size, validation_error, wanted_properties

if TYPE_CHECKING:
    from . import Api


def get_database(api: Api, req: Request) -> str:
    ws = api.workspace
    db_id = api.visible(req.args[0], "database_id", "database", ws.databases)
    if ws.databases[db_id].linked_source is not None:
        raise validation_error(
            f"Database with ID {db_id} is a linked database. Database retrievals do not "
            "support linked databases."
        )
    data = shapes.database(ws, ws.databases[db_id], api.sign, req.version)
    data["request_id"] = req.request_id
    return shapes.dumps(data)


def visible_data_source(api: Api, raw: str) -> str:
    return api.visible(raw, "data_source_id", "data source", api.workspace.data_sources)


def get_data_source(api: Api, req: Request) -> str:
    ws = api.workspace
    ds_id = visible_data_source(api, req.args[0])
    data = shapes.data_source(ws, ws.data_sources[ds_id], api.sign, req.version)
    data["request_id"] = req.request_id
    return shapes.dumps(data)


def query(api: Api, req: Request) -> str:
    ws = api.workspace
    ds_id = visible_data_source(api, req.args[0])
    source = ws.data_sources[ds_id]
    body = req.body
    size = page_size(body.get("page_size"), "body")
    spec = body.get("filter")
    sorts = body.get("sorts")
    include_trash = bool(body.get("in_trash") or body.get("archived"))
    rules = query_mod.Rules(groups=status_matches_groups(req.version))

    def compute() -> list[str]:
        try:
            if spec is not None:
                query_mod.validate(ws, source, spec, rules)
            pages = [
                ws.pages[pid]
                for pid in source.entries
                if (include_trash or not ws.blocks[pid].in_trash) and ws.accessible(pid)
            ]
            if spec is not None:
                pages = [p for p in pages if query_mod.matches(p, ws, source, spec, rules)]
            pages = query_mod.apply_sorts(ws, source, pages, sorts)
        except query_mod.FilterError as error:
            raise validation_error(str(error)) from None
        return [p.id for p in pages]

    key = "q:" + ds_id + shapes.dumps([spec, sorts, include_trash, rules.groups])
    ids = api.cached_results(key, compute)
    chunk, next_cursor, has_more = api.paginate(ids, body.get("start_cursor"), size)
    only = wanted_properties(req, listing=True)
    results = ",".join(
        shapes.dumps(shapes.page(ws, ws.pages[pid], api.sign, req.version, only)) for pid in chunk
    )
    return shapes.list_envelope(
        results, next_cursor, has_more, "page_or_data_source", req.request_id
    )


ROUTES = [
    ("GET", "databases/*", get_database),
    ("GET", "data_sources/*", get_data_source),
    ("POST", "data_sources/*/query", query),
]
