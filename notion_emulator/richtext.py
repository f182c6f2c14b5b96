"""Rich text shorthand: workspace authors write strings, the API serves full objects.

Expanding once at load time keeps serving cheap and makes every served item carry the
complete set of keys (`type`, `annotations`, `plain_text`, `href`) that real Notion sends.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

ANNOTATION_KEYS = ("bold", "italic", "strikethrough", "underline", "code")
_ANNOTATION_FIELDS = frozenset((*ANNOTATION_KEYS, "color"))
LINK_MENTION_KEYS = (
    "title",
    "description",
    "link_author",
    "link_provider",
    "thumbnail_url",
    "icon_url",
    "iframe_url",
    "height",
    "padding",
    "padding_top",
)
"""What Notion's API sends of a link mention's preview besides `href` (notion-sdk-js
`LinkMentionResponse`): it fetched them when the link was pasted."""
_PLAIN: JSON = {**{key: False for key in ANNOTATION_KEYS}, "color": "default"}


class RichTextError(ValueError):
    """A rich text item in the workspace file could not be understood."""


def make_annotations(spec: JSON | None = None) -> JSON:
    """Real Notion always sends all six annotation keys, so missing ones are filled in."""
    if not spec or not (_ANNOTATION_FIELDS & spec.keys()):
        return dict(_PLAIN)  # the common case, kept cheap for 100k-block workspaces
    out: JSON = {key: bool(spec.get(key, False)) for key in ANNOTATION_KEYS}
    out["color"] = spec.get("color", "default")
    return out


def text_item(content: str, link: str | None = None, spec: JSON | None = None) -> JSON:
    """One `text` item; `href` mirrors the link as real Notion does."""
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": make_annotations(spec),
        "plain_text": content,
        "href": link,
    }


def _mention(spec: JSON, plain: str | None, resolve_title: Any) -> tuple[JSON, str, str | None]:
    """Returns the mention payload, its plain text and its href."""
    if "type" in spec:
        kind = str(spec["type"])
        body = spec[kind]
    else:
        kinds = [k for k in spec if k not in ("plain_text", "href")]
        if len(kinds) != 1:
            raise RichTextError(f"mention needs exactly one kind, got {kinds}")
        kind = kinds[0]
        body = spec[kind]
    href: str | None = None
    if kind in ("page", "database"):
        target = body if isinstance(body, str) else str(body["id"])
        payload: JSON = {"id": target}
        text = plain or (resolve_title(target) if resolve_title else None) or "Untitled"
        href = "https://www.notion.so/" + target.replace("-", "")
    elif kind == "date":
        payload = (
            {"start": body, "end": None, "time_zone": None}
            if isinstance(body, str)
            else {
                "start": body["start"],
                "end": body.get("end"),
                "time_zone": body.get("time_zone"),
            }
        )
        text = plain or (payload["start"] + (" → " + payload["end"] if payload["end"] else ""))
    elif kind == "user":
        uid = body if isinstance(body, str) else str(body["id"])
        payload = {"object": "user", "id": uid}
        text = plain or "@Anonymous"
    elif kind in ("link_preview", "link_mention"):
        url = body if isinstance(body, str) else str(body.get("url") or body.get("href"))
        payload = {"url": url} if kind == "link_preview" else {"href": url}
        if kind == "link_mention" and isinstance(body, dict):
            payload.update({k: body[k] for k in LINK_MENTION_KEYS if k in body})
        text = plain or url
        href = url
    else:
        payload = body if isinstance(body, dict) else {"value": body}
        text = plain or ""
    return {"type": kind, kind: payload}, text, href


def expand_item(item: Any, resolve_title: Any = None) -> JSON:
    """Accepts a string, a shorthand dict or a full item and returns a full item.

    Shorthand: `{"text": "x", "bold": true, "link": "https://..."}`,
    `{"equation": "E=mc^2"}`, `{"mention": {"page": "<id>"}}`,
    `{"mention": {"date": "2026-07-04"}}`, `{"mention": {"user": "<id>"}}`.
    """
    if isinstance(item, str):
        return text_item(item)
    if not isinstance(item, dict):
        raise RichTextError(f"rich text item must be a string or an object, got {item!r}")
    spec = item.get("annotations") if isinstance(item.get("annotations"), dict) else item
    if item.get("type") == "text" or (isinstance(item.get("text"), dict)):
        body = item["text"]
        link = body.get("link")
        url = link.get("url") if isinstance(link, dict) else link
        return text_item(str(body.get("content", "")), url, spec)
    if "text" in item:
        return text_item(str(item["text"]), item.get("link") or item.get("href"), spec)
    if "equation" in item:
        eq = item["equation"]
        expression = eq if isinstance(eq, str) else str(eq["expression"])
        return {
            "type": "equation",
            "equation": {"expression": expression},
            "annotations": make_annotations(spec),
            "plain_text": expression,
            "href": None,
        }
    if "mention" in item:
        payload, plain, href = _mention(item["mention"], item.get("plain_text"), resolve_title)
        return {
            "type": "mention",
            "mention": payload,
            "annotations": make_annotations(spec),
            "plain_text": plain,
            "href": item.get("href", href),
        }
    raise RichTextError(f"unknown rich text item {item!r}")


def expand(value: Any, resolve_title: Any = None) -> list[JSON]:
    """A string, one item or a list of items, as a list of full rich text items."""
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        value = [value]
    return [expand_item(v, resolve_title) for v in value if v != ""]


def plain_text(items: list[JSON]) -> str:
    """Concatenated plain text, used for titles, search and filters."""
    return "".join(str(i.get("plain_text", "")) for i in items)
