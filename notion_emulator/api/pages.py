"""`/v1/pages/*`: a page, one of its properties (paginated), and its Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from .. import richtext, shapes
from ..workspace import notion_url
from .common import ApiError, Request, page_size, wanted_properties

if TYPE_CHECKING:
    from . import Api


def visible_page(api: Api, raw: str) -> str:
    return api.visible(raw, "page_id", "page", api.workspace.pages)


def get_page(api: Api, req: Request) -> str:
    ws = api.workspace
    page_id = visible_page(api, req.args[0])
    only = wanted_properties(req, listing=False)
    data = shapes.page(ws, ws.pages[page_id], api.sign, req.version, only)
    data["request_id"] = req.request_id
    return shapes.dumps(data)


def get_property(api: Api, req: Request) -> str:
    ws = api.workspace
    page_id = visible_page(api, req.args[0])
    page = ws.pages[page_id]
    wanted = unquote(req.args[1])
    if page.data_source_id is None:
        if wanted != "title":
            raise ApiError(404, "object_not_found", f"Could not find property with ID: {wanted}.")
        kind, values = "title", page.title
        prop_id = "title"
    else:
        source = ws.data_sources[page.data_source_id]
        match = None
        for prop_name, schema in source.properties.items():
            if (
                unquote(schema["id"]) == wanted
                or schema["id"] == req.args[1]
                or prop_name == wanted
            ):
                match = prop_name
                break
        if match is None:
            raise ApiError(404, "object_not_found", f"Could not find property with ID: {wanted}.")
        full = shapes.property_value(ws, page, source, match, api.sign, limit=False)
        kind = full["type"]
        prop_id = full["id"]
        values = full[kind]
        if kind not in ("title", "rich_text", "relation", "people", "rollup"):
            item = {
                "object": "property_item",
                "id": prop_id,
                "type": kind,
                kind: values,
                "request_id": req.request_id,
            }
            return shapes.dumps(item)
    values = list(values or [])
    size = page_size(req.param("page_size"), "query")
    cursor = req.param("start_cursor")
    start = int(cursor) if cursor and cursor.isdigit() else 0
    chunk = values[start : start + size]
    has_more = start + size < len(values)
    items = [
        {"object": "property_item", "type": kind, "id": prop_id, kind: value} for value in chunk
    ]
    next_cursor = str(start + size) if has_more else None
    next_url = (
        f"{api.url}/v1/pages/{page_id}/properties/{quote(prop_id)}?start_cursor={next_cursor}"
        if has_more
        else None
    )
    return shapes.list_envelope(
        ",".join(shapes.dumps(i) for i in items),
        next_cursor,
        has_more,
        "property_item",
        req.request_id,
        {"id": prop_id, "next_url": next_url, "type": kind, kind: {}},
    )


_PREFIXES = {
    "heading_1": "# ",
    "heading_2": "## ",
    "heading_3": "### ",
    "bulleted_list_item": "- ",
    "numbered_list_item": "1. ",
    "quote": "> ",
    "to_do": "- [ ] ",
}


def get_markdown(api: Api, req: Request) -> str:
    """A plain rendering of text blocks: enough to compare against, not Notion's
    enhanced Markdown."""
    ws = api.workspace
    page_id = visible_page(api, req.args[0])
    lines = []
    for block_id in ws.children_of(page_id):
        block = ws.blocks[block_id]
        text = richtext.plain_text(block.payload.get("rich_text", []))
        if block.type == "code":
            lines.append(f"```{block.payload.get('language', '')}\n{text}\n```")
        elif block.type == "child_page":
            lines.append(
                f'<page url="{notion_url(ws.title_of(block_id), block_id)}">'
                f"{ws.title_of(block_id)}</page>"
            )
        elif text:
            lines.append(_PREFIXES.get(block.type, "") + text)
    return shapes.dumps(
        {
            "object": "page_markdown",
            "id": page_id,
            "markdown": "\n".join(lines),
            "truncated": False,
            "unknown_block_ids": [],
            "request_id": req.request_id,
        }
    )


ROUTES = [
    ("GET", "pages/*", get_page),
    ("GET", "pages/*/properties/*", get_property),
    ("GET", "pages/*/markdown", get_markdown),
]
