"""`GET /v1/comments?block_id=`: the comments on a page or block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import shapes
from .blocks import visible_block
from .common import Request, page_size, validation_error

if TYPE_CHECKING:
    from . import Api


def list_comments(api: Api, req: Request) -> str:
    ws = api.workspace
    raw = req.param("block_id")
    if raw is None:
        raise validation_error(
            "body failed validation: query.block_id should be defined, instead was `undefined`."
        )
    block_id = visible_block(api, raw)
    comments = ws.comments.get(block_id, [])
    ids = [c["id"] for c in comments]
    by_id = {c["id"]: c for c in comments}
    size = page_size(req.param("page_size"), "query")
    chunk, next_cursor, has_more = api.paginate(ids, req.param("start_cursor"), size)
    results = ",".join(shapes.dumps(by_id[c]) for c in chunk)
    return shapes.list_envelope(results, next_cursor, has_more, "comment", req.request_id)


ROUTES = [("GET", "comments", list_comments)]
