"""Database entry properties: cells of the entry's table, and front matter.

Cells are Markdown (links to synced pages, escaped text); front matter holds plain
values that templates and other plugins (tags, blog) understand, which the composer
makes safe to print (`escape.html_text`). URLs in either go through `urls.safe_url`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..notion.objects import plain_text
from .context import RenderContext
from .urls import link_target, safe_url


def _escape_cell(text: str) -> str:
    """Text shown as typed inside a table cell: no markup, no HTML, no column breaks."""
    out = []
    for char in text:
        if char in "\\`*_[]<>|#~=^$":
            out.append("\\" + char if char not in "<>" else ("&lt;" if char == "<" else "&gt;"))
        elif char == "\n":
            out.append("<br>")
        else:
            out.append(char)
    return "".join(out)


def escape_cell(text: str) -> str:
    """Notion text shown as typed in a table cell, a card or a heading of the site's
    own Markdown (database layouts)."""
    return _escape_cell(text)


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list value; anything else Notion should not send is skipped."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _user(user: Any) -> str:
    if not isinstance(user, dict):
        return ""
    person = user.get("person")
    email = person.get("email") if isinstance(person, dict) else None
    return str(user.get("name") or email or "")


def _date(value: Any) -> str:
    if not isinstance(value, dict) or not value.get("start"):
        return ""
    text = str(value["start"])
    if value.get("end"):
        text += f" → {value['end']}"
    if value.get("time_zone"):
        text += f" ({value['time_zone']})"
    return text


def _formula(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    kind = value.get("type")
    inner = value.get(kind) if isinstance(kind, str) else None
    if kind == "date":
        return _date(inner)
    if kind == "boolean":
        return "Yes" if inner else "No"
    return "" if inner is None else _number(inner)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def web_address(value: str) -> str:
    """A URL property is a web address: Notion opens `example.com` as a site, so a
    value without a scheme gets `https://` rather than becoming a link inside ours."""
    text = value.strip()
    if text.startswith(("/", "#", "?", ".")) or urlsplit(text).scheme:
        return text
    return "https://" + text


def plain_property(prop: dict[str, Any]) -> str:
    """The value as plain text (CSV, front matter, sorting)."""
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind in ("title", "rich_text"):
        return plain_text(value)
    if kind in ("select", "status"):
        return str(value.get("name", "")) if isinstance(value, dict) else ""
    if kind == "multi_select":
        return ", ".join(str(v.get("name", "")) for v in _dicts(value))
    if kind == "date":
        return _date(value)
    if kind == "people":
        return ", ".join(_user(u) for u in _dicts(value))
    if kind in ("created_by", "last_edited_by"):
        return _user(value)
    if kind == "files":
        return ", ".join(str(f.get("name", "")) for f in _dicts(value))
    if kind == "checkbox":
        return "Yes" if value else "No"
    if kind == "number":
        return _number(value)
    if kind == "formula":
        return _formula(value)
    if kind == "relation":
        return ", ".join(str(r.get("id", "")) for r in _dicts(value))
    if kind == "rollup" and isinstance(value, dict):
        inner_kind = value.get("type")
        inner = value.get(inner_kind) if isinstance(inner_kind, str) else None
        if inner_kind == "array" and isinstance(inner, list):
            return ", ".join(plain_property(item) for item in inner if isinstance(item, dict))
        if inner_kind == "date":
            return _date(inner)
        return _number(inner)
    if kind == "unique_id" and isinstance(value, dict):
        prefix = value.get("prefix")
        number = value.get("number")
        return f"{prefix}-{number}" if prefix else _number(number)
    if kind == "verification" and isinstance(value, dict):
        return str(value.get("state", ""))
    if kind in ("url", "email", "phone_number", "created_time", "last_edited_time"):
        return "" if value is None else str(value)
    return ""


def property_cell(
    prop: dict[str, Any], ctx: RenderContext, titles: Mapping[str, str] | None = None
) -> str:
    """The value as Markdown for a table cell; `titles` name related pages."""
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind == "relation" and isinstance(value, list):
        links = []
        for ref in value:
            ref_id = str(ref.get("id", "")) if isinstance(ref, dict) else ""
            target = ctx.link_to_page(ref_id)
            label = _escape_cell((titles or {}).get(ref_id) or ref_id[:8])
            links.append(f"[{label}]({target})" if target else label)
        return ", ".join(links)
    if kind in ("url", "email") and isinstance(value, str) and value:
        if kind == "url":
            target = link_target(web_address(value), ctx)
        else:
            target = safe_url("mailto:" + value)
        shown = _escape_cell(value)
        return f"[{shown}]({target})" if target else shown
    if kind == "files" and isinstance(value, list):
        out = []
        for file in value:
            if not isinstance(file, dict):
                continue
            url = ctx.asset_url(file, str(prop.get("id", "")))
            url = safe_url(url) if url else None
            name = _escape_cell(str(file.get("name", "file")))
            out.append(f"[{name}]({url})" if url else name)
        return ", ".join(out)
    if kind == "checkbox":
        return "☑" if value else "☐"
    return _escape_cell(plain_property(prop))


def property_cells(
    props: dict[str, Any],
    ctx: RenderContext,
    *,
    skip_title: bool,
    titles: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(escaped name, Markdown value) in the entry's property order."""
    cells = []
    for name, prop in props.items():
        if not isinstance(prop, dict) or (skip_title and prop.get("type") == "title"):
            continue
        cells.append((_escape_cell(str(name)), property_cell(prop, ctx, titles)))
    return cells


def property_front_matter(props: dict[str, Any]) -> dict[str, Any]:
    """Plain values by property name, plus the keys themes and plugins look for:
    `tags` (Material's tags plugin), `description` and `date`."""
    values: dict[str, Any] = {}
    tags: list[str] = []
    for name, prop in props.items():
        if not isinstance(prop, dict) or prop.get("type") == "title":
            continue
        kind = prop.get("type")
        value = prop.get(kind) if isinstance(kind, str) else None
        if kind == "multi_select":
            names = [str(v.get("name", "")) for v in _dicts(value)]
            values[name] = names
            if name.lower() in ("tags", "tag", "labels", "categories"):
                tags.extend(names)
        elif kind == "checkbox":
            values[name] = bool(value)
        elif kind == "number":
            values[name] = value
        elif kind == "url":
            values[name] = (safe_url(value) or "") if isinstance(value, str) else ""
        else:
            values[name] = plain_property(prop)
        lowered = name.lower()
        if lowered == "description" and values[name]:
            values.setdefault("description", values[name])
        if lowered == "date" and kind == "date" and isinstance(value, dict) and value.get("start"):
            values.setdefault("date", str(value["start"]))
    result: dict[str, Any] = {"properties": values}
    if tags:
        result["tags"] = tags
    for key in ("description", "date"):
        if key in values:
            result[key] = values[key]
    return result
