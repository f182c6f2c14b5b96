"""Reading Notion's JSON objects: payloads, plain text, titles, block trees and files.

Everything here accepts whatever the API (or a hostile workspace) sends and answers
with plain values; a missing or malformed field reads as empty, never as an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FILE_BLOCKS = frozenset({"image", "video", "audio", "pdf", "file"})


def payload(obj: dict[str, Any]) -> dict[str, Any]:
    """The `obj[obj["type"]]` object of a block, file or property, or an empty one when
    it is missing or malformed."""
    kind = obj.get("type")
    value = obj.get(kind) if isinstance(kind, str) else None
    return value if isinstance(value, dict) else {}


def one_line(text: object, limit: int | None = None) -> str:
    """Text from Notion (a title, an error message) as part of a line we print: control
    characters (terminal escapes a Notion editor typed) and line breaks become spaces,
    runs of spaces one, and it is cut at `limit` characters with an ellipsis."""
    plain = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return plain if limit is None or len(plain) <= limit else plain[: limit - 1] + "…"


def plain_text(rich_text: Any) -> str:
    """The text a reader sees of a rich text array, for titles, alt text and captions."""
    if not isinstance(rich_text, list):
        return ""
    parts = []
    for item in rich_text:
        if isinstance(item, dict):
            text = item.get("plain_text")
            if not isinstance(text, str):
                text = _content(item)
            parts.append(text)
    return "".join(parts)


def _content(item: dict[str, Any]) -> str:
    """The text of an item that lacks `plain_text` (hand-written or request-shaped)."""
    data = payload(item)
    for key in ("content", "expression"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return ""


def title_of(obj: dict[str, Any]) -> str:
    """The title of a page, entry or database, whatever its title property is called."""
    if obj.get("object") in ("database", "data_source"):
        return plain_text(obj.get("title")).strip() or "Untitled"
    properties = obj.get("properties")
    for prop in properties.values() if isinstance(properties, dict) else ():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return plain_text(prop.get("title")).strip() or "Untitled"
    return "Untitled"


def iter_blocks(blocks: Any) -> Iterator[dict[str, Any]]:
    """Every block of a tree in document order, children (under `children`) after their
    parent; anything that is not a block object is skipped."""
    stack = list(reversed(blocks)) if isinstance(blocks, list) else []
    while stack:
        block = stack.pop()
        if not isinstance(block, dict):
            continue
        yield block
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))


def find_block(blocks: Any, block_id: str) -> dict[str, Any] | None:
    """The block with this id anywhere in the tree, or None."""
    return next((b for b in iter_blocks(blocks) if str(b.get("id")) == block_id), None)


def file_url(file: dict[str, Any]) -> str | None:
    """The URL of a file object (`{"type": "file"|"external", ...}`), or None."""
    url = payload(file).get("url")
    return url if isinstance(url, str) and url else None


def files_in(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(owner block id, file object) for every file-bearing block in a tree."""
    found: list[tuple[str, dict[str, Any]]] = []
    for block in iter_blocks(blocks):
        kind = block.get("type")
        data = block.get(kind) if isinstance(kind, str) else None
        if not isinstance(data, dict):
            continue
        if kind in FILE_BLOCKS:
            found.append((str(block.get("id")), data))
        elif kind == "callout" and isinstance(data.get("icon"), dict):
            found.append((str(block.get("id")), data["icon"]))
    return found


def property_files(obj: dict[str, Any]) -> list[tuple[str, str, int, dict[str, Any]]]:
    """(property id, property name, position, file object) for every file in a page's
    `files` properties; the renderer names a property's files by the property id."""
    found: list[tuple[str, str, int, dict[str, Any]]] = []
    properties = obj.get("properties")
    for name, prop in properties.items() if isinstance(properties, dict) else ():
        if not isinstance(prop, dict) or prop.get("type") != "files":
            continue
        files = prop.get("files")
        for index, file in enumerate(files if isinstance(files, list) else []):
            if isinstance(file, dict):
                found.append((str(prop.get("id", "")), str(name), index, file))
    return found
