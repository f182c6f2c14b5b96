"""Front matter from Notion properties: the keys a source's `front_matter` maps.

Each value is typed by its property (a date is a YAML date, a multi-select a list,
people their names) and then shaped for the key as Material and its plugins read it:
`tags`, `categories`, `authors` and `hide` are lists, `date` a date, `description`,
`title`, `status`, `subtitle` text, `slug` a slug, and `icon` one of the icons Material
bundles (any other value would make Material's template fail the build). Strings are
made safe to print by `compose.front_matter`, which writes every value.

Pages of a page tree have one property, their title; every page also answers to
`title` (its title property, whatever its name) and to its own fields `created_time`,
`last_edited_time`, `created_by` and `last_edited_by`, unless a property of that name
exists.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slugify import slugify

from ..render.properties import plain_property, web_address
from ..render.urls import safe_url
from ..sync.model import Page, Source
from .blog import category_name
from .paths import page_slug

PAGE_FIELDS = ("created_time", "last_edited_time", "created_by", "last_edited_by")
LIST_KEYS = frozenset({"tags", "categories", "authors", "hide", "aliases"})
TEXT_KEYS = frozenset({"title", "description", "subtitle", "status", "icon", "slug"})
_ICON = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+")

Warn = Callable[[str], None]


def mapped_front_matter(
    page: Page,
    *,
    titles: Mapping[str, str],
    blog_authors: set[str] | None,
    warn: Warn,
) -> dict[str, Any]:
    """The source's `front_matter` keys for this page; a key whose property is empty
    or missing is left out. `blog_authors`: for a blog, the author ids Material knows
    (names become ids, unknown ones are dropped); None otherwise."""
    found: dict[str, Any] = {}
    props = _properties(page)
    for key, name in page.source.front_matter:
        prop = props.get(name)
        if prop is None:
            continue
        value = _shaped(key, typed_value(prop, titles), name, warn)
        if key == "authors" and blog_authors is not None and isinstance(value, list):
            value = [a for a in (slugify(str(v)) for v in value) if a in blog_authors]
        if key == "categories" and blog_authors is not None and isinstance(value, list):
            value = [category_name(str(v)) for v in value]
        if value is not None and value != []:
            found[key] = value
    return found


def _properties(page: Page) -> dict[str, dict[str, Any]]:
    obj = page.obj
    props: dict[str, dict[str, Any]] = {}
    for name in PAGE_FIELDS:
        if name in obj:
            props[name] = {"type": name, name: obj[name]}
    given = obj.get("properties")
    if isinstance(given, dict):
        props.update({str(k): v for k, v in given.items() if isinstance(v, dict)})
        title = next((v for v in props.values() if v.get("type") == "title"), None)
        if title is not None:
            props.setdefault("title", title)  # whatever the title property is called
    return props


def typed_value(prop: dict[str, Any], titles: Mapping[str, str]) -> Any:
    """The property's value as YAML should hold it; None when it is empty."""
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind == "multi_select":
        return _names(value) or None
    if kind == "people":
        return [n for n in (_person(u) for u in _dicts(value)) if n] or None
    if kind in ("created_by", "last_edited_by"):
        return _person(value) or None
    if kind == "date":
        start = value.get("start") if isinstance(value, dict) else None
        return (_moment(start) or start) if isinstance(start, str) and start.strip() else None
    if kind in ("created_time", "last_edited_time"):
        return _moment(value)
    if kind == "checkbox":
        return bool(value)
    if kind == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if kind == "url":
        return safe_url(web_address(value)) if isinstance(value, str) and value.strip() else None
    if kind == "relation":
        related = [titles.get(str(r.get("id"))) for r in _dicts(value)]
        return [t for t in related if t] or None
    if kind == "files":
        return [str(f.get("name")) for f in _dicts(value) if f.get("name")] or None
    if kind == "formula" and isinstance(value, dict):
        inner_kind = value.get("type")
        inner = value.get(inner_kind) if isinstance(inner_kind, str) else None
        if inner_kind == "date":
            return _moment(inner.get("start")) if isinstance(inner, dict) else None
        if inner_kind in ("number", "boolean"):
            return inner
    text = plain_property(prop).strip()
    return text or None


def _shaped(key: str, value: Any, name: str, warn: Warn) -> Any:
    """The value in the shape the key wants, or None (with a WARNING when the value
    cannot have that shape)."""
    if value is None:
        return None
    if key in LIST_KEYS:
        items = value if isinstance(value, list) else [value]
        return [_text(item) for item in items if _text(item)]
    if key == "date":
        moment = value if isinstance(value, date) else _moment(_text(value))
        if moment is None:
            warn(f"front matter 'date' from property \"{name}\" is not a date; it is left out")
        return moment
    if key in TEXT_KEYS:
        text = ", ".join(map(_text, value)) if isinstance(value, list) else _text(value)
        if key == "slug":
            return page_slug(text) if text else None
        if key == "icon" and not _is_icon(text):
            warn(
                f"front matter 'icon' from property \"{name}\" is not one of Material's "
                "icons (like 'material/rocket'); it is left out"
            )
            return None
        return text or None
    return value


def _text(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split())


def _moment(value: Any) -> date | datetime | None:
    """An ISO date (a `date`) or time (a `datetime`); None for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if "T" not in text and len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _names(value: Any) -> list[str]:
    return [str(v.get("name")) for v in _dicts(value) if v.get("name")]


def _person(user: Any) -> str:
    if not isinstance(user, dict):
        return ""
    person = user.get("person")
    email = person.get("email") if isinstance(person, dict) else None
    return " ".join(str(user.get("name") or email or "").split())


@functools.cache
def _icons_dir() -> Path | None:
    """Material's bundled icons, found without importing Material."""
    spec = importlib.util.find_spec("material")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "templates" / ".icons"
        if folder.is_dir():
            return folder
    return None


def _is_icon(text: str) -> bool:
    """An icon Material bundles (`material/rocket`, `fontawesome/brands/github`):
    Material includes `.icons/<value>.svg` and fails the build when it is missing."""
    folder = _icons_dir()
    return bool(_ICON.fullmatch(text) and folder is not None and (folder / f"{text}.svg").is_file())


def unknown_properties(sources: Iterable[Source], pages: Iterable[Page]) -> list[str]:
    """One line per source whose `front_matter` names a property none of its pages
    (or databases) has: a typo would otherwise be silent."""
    known: dict[str, set[str]] = {}
    for page in pages:
        names = known.setdefault(page.source.id, {"title", *PAGE_FIELDS})
        props = page.obj.get("properties")
        if isinstance(props, dict):
            names.update(str(name) for name in props)
        names.update(page.columns)
    lines = []
    for source in sources:
        names = known.get(source.id, {"title", *PAGE_FIELDS})
        missing = [(key, prop) for key, prop in source.front_matter if prop not in names]
        if missing:
            shown = ", ".join(f'"{prop}" (for {key})' for key, prop in missing)
            lines.append(
                f"source {source.dest or '(the site root)'}: front_matter names "
                f"{shown}, which no page of the source has"
            )
    return lines
