"""`POST /v1/search`: pages and data sources by title, optionally sorted by edit time."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import shapes
from .common import Request, page_size, validation_error, wanted_properties

if TYPE_CHECKING:
    from . import Api


def search(api: Api, req: Request) -> str:
    ws = api.workspace
    body = req.body
    size = page_size(body.get("page_size"), "body")
    text = str(body.get("query") or "").lower()
    spec = body.get("filter")
    kind = None
    if spec is not None:
        value = spec.get("value") if isinstance(spec, dict) else None
        if (
            not isinstance(spec, dict)
            or spec.get("property") != "object"
            or value not in ("page", "data_source")
        ):
            raise validation_error(
                'body failed validation: body.filter.value should be `"page"` '
                f'or `"data_source"`, instead was `{json.dumps(value)}`.'
            )
        kind = value
    sort = body.get("sort")
    if sort is not None and (
        not isinstance(sort, dict)
        or sort.get("timestamp") != "last_edited_time"
        or sort.get("direction", "descending") not in ("ascending", "descending")
    ):
        raise validation_error(
            "body failed validation: body.sort.timestamp should be "
            '`"last_edited_time"` and body.sort.direction `"ascending"` or '
            '`"descending"`.'
        )

    def compute() -> list[str]:
        found = []
        for object_id in ws.searchable:
            is_page = object_id in ws.pages
            if kind is not None and (kind == "page") != is_page:
                continue
            holder = object_id if is_page else ws.data_sources[object_id].database_id
            if ws.blocks[holder].in_trash or not ws.accessible(object_id):
                continue
            if text and text not in ws.title_of(object_id).lower():
                continue
            found.append(object_id)
        if sort is not None:

            def edited(object_id: str) -> str:
                if object_id in ws.pages:
                    return ws.blocks[object_id].last_edited_time
                return ws.data_sources[object_id].last_edited_time

            found.sort(key=edited, reverse=sort.get("direction") == "descending")
        return found

    key = "s:" + shapes.dumps([text, kind, sort])
    ids = api.cached_results(key, compute)
    chunk, next_cursor, has_more = api.paginate(ids, body.get("start_cursor"), size)
    only = wanted_properties(req, listing=True)
    parts = []
    for object_id in chunk:
        if object_id in ws.pages:
            page = shapes.page(ws, ws.pages[object_id], api.sign, req.version, only)
            parts.append(shapes.dumps(page))
        else:
            source = shapes.data_source(ws, ws.data_sources[object_id], api.sign, req.version)
            parts.append(shapes.dumps(source))
    return shapes.list_envelope(
        ",".join(parts), next_cursor, has_more, "page_or_data_source", req.request_id
    )


ROUTES = [("POST", "search", search)]
