"""Notion identifiers: the many spellings users and the API use for one id.

Users paste ids from the browser (`https://www.notion.so/acme/Title-<32 hex>?v=<view>`,
`https://app.notion.com/p/<32 hex>`, dashed UUIDs); the API answers with dashed UUIDs.
Everything inside the plugin uses the dashed, lower-case form, so that one page never
becomes two.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_HEX32 = re.compile(r"[0-9a-f]{32}")
_DASHED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOTION_HOSTS = frozenset({"notion.so", "www.notion.so", "app.notion.com", "notion.site"})


def dashed(hex32: str) -> str:
    """The API's dashed UUID form of a 32-digit id."""
    h = hex32.replace("-", "").lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _id_at_end(segment: str) -> str | None:
    """A path segment like `Title-Slug-<id>` or `<id>` ends with the id."""
    text = segment.lower()
    match = _DASHED.search(text[-36:]) if len(text) >= 36 else None
    if match and text.endswith(match.group(0)):
        return match.group(0)
    tail = text[-32:]
    if _HEX32.fullmatch(tail):
        return dashed(tail)
    return None


def is_notion_url(url: str) -> bool:
    """True for links into Notion itself (not to files it hosts)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in NOTION_HOSTS or host.endswith(".notion.site")


def parse_notion_url(url: str) -> tuple[str, str | None] | None:
    """`(page_id, block_id)` named by a Notion page URL, or None if it names no page.

    The page id is the last path segment's trailing id (a `?v=` view id is ignored); a
    `#<id>` fragment names a block on that page. `?p=<id>` (a page opened as a peek)
    wins over the path, because that is the page the user was looking at.
    """
    parts = urlsplit(url.strip())
    if not is_notion_url(url):
        return None
    page_id: str | None = None
    for key_value in parts.query.split("&"):
        key, _, value = key_value.partition("=")
        if key in ("p", "page_id") and value:
            page_id = _id_at_end(value)
    if page_id is None:
        segments = [s for s in unquote(parts.path).split("/") if s]
        if segments:
            page_id = _id_at_end(segments[-1])
    if page_id is None:
        return None
    block_id = _id_at_end(parts.fragment) if parts.fragment else None
    return page_id, block_id


def view_in_url(text: str) -> str | None:
    """The view a database URL opens (`...?v=<32 hex>`), dashed; None if it names none."""
    value = text.strip()
    if "://" not in value:
        value = "https://" + value
    if not is_notion_url(value):
        return None
    for key_value in urlsplit(value).query.split("&"):
        key, _, found = key_value.partition("=")
        if key == "v" and found:
            return api_id(found)
    return None


def api_id(value: object) -> str | None:
    """The dashed form of an id as the API writes one (dashed, or 32 hex digits), or
    None for anything else: what an answer says is an id must be one before it goes
    into the path of another request."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    if _DASHED.fullmatch(lowered):
        return lowered
    if _HEX32.fullmatch(lowered):
        return dashed(lowered)
    return None


def parse_notion_id(text: str) -> str | None:
    """A dashed id from a bare id, a dashed UUID, or any Notion page or database URL."""
    value = text.strip()
    if "://" in value:
        parsed = parse_notion_url(value)
        return parsed[0] if parsed else None
    if value.startswith(("notion.so/", "www.notion.so/", "app.notion.com/")):
        parsed = parse_notion_url("https://" + value)
        return parsed[0] if parsed else None
    return api_id(value)
