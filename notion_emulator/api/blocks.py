"""`/v1/blocks/*`: a block and its children (paginated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import shapes
from .common import Request, page_size

if TYPE_CHECKING:
    from . import Api


def visible_block(api: Api, raw: str) -> str:
    return api.visible(raw, "block_id", "block", api.workspace.blocks)


def get_block(api: Api, req: Request) -> str:
    ws = api.workspace
    block_id = visible_block(api, req.args[0])
    text = shapes.block_json(ws, ws.blocks[block_id], api.sign, api.block_cache, req.version)
    return text[:-1] + ',"request_id":"' + req.request_id + '"}'


def get_children(api: Api, req: Request) -> str:
    ws = api.workspace
    block_id = visible_block(api, req.args[0])
    ids = ws.children_of(block_id)
    size = page_size(req.param("page_size"), "query")
    chunk, next_cursor, has_more = api.paginate(ids, req.param("start_cursor"), size)
    results = ",".join(
        shapes.block_json(ws, ws.blocks[i], api.sign, api.block_cache, req.version) for i in chunk
    )
    return shapes.list_envelope(results, next_cursor, has_more, "block", req.request_id)


ROUTES = [
    ("GET", "blocks/*", get_block),
    ("GET", "blocks/*/children", get_children),
]
