"""A database published as Material's blog: posts under `<dest>/posts/`, and the front
matter Material's blog plugin reads (date, categories, authors, slug)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from ..render.properties import plain_property
from ..sync.model import Page
from .paths import path_slug

_NO_TAGS = str.maketrans({"<": "\u2039", ">": "\u203a"})
"""Material writes each category as a Markdown page `# <name>` and prints that page's
title through Jinja's `striptags`, which decodes character references: the front
matter's `&lt;` would come back as `<` there, so a category shows its angle brackets as
single angle quotation marks (U+2039, U+203A)."""


@dataclass(frozen=True)
class BlogAuthors:
    """Author ids Material's blog knows, from `<blog>/.authors.yml` in docs_dir: the blog
    plugin rejects posts naming authors it does not know, so only these are written."""

    docs_dir: Path | None

    def __call__(self, entry: Page) -> set[str]:
        if self.docs_dir is None:
            return set()
        path = self.docs_dir / entry.source.dest / ".authors.yml"
        if not path.is_file():
            return set()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, OSError):
            return set()
        authors = data.get("authors") if isinstance(data, dict) else None
        return set(authors) if isinstance(authors, dict) else set()


def blog_meta(entry: Page, known_authors: set[str]) -> dict[str, Any]:
    """date, categories and authors as Material's blog plugin expects them."""
    props = entry.obj.get("properties") or {}
    meta: dict[str, Any] = {}
    first_date: str | None = None
    categories: list[str] = []
    authors: list[str] = []
    for name, prop in props.items():
        if not isinstance(prop, dict):
            continue
        kind, lowered = prop.get("type"), name.lower()
        value = prop.get(kind) if isinstance(kind, str) else None
        if kind == "date" and isinstance(value, dict) and value.get("start") and not first_date:
            first_date = str(value["start"])
        elif kind in ("select", "multi_select") and lowered in ("category", "categories"):
            names = plain_property(prop).split(", ") if plain_property(prop) else []
            categories.extend(category_name(name) for name in names)
        elif kind == "people" and isinstance(value, list):
            authors.extend(
                slugify(str(u.get("name") or u.get("id"))) for u in value if isinstance(u, dict)
            )
    day = _day(first_date) or _day(str(entry.obj.get("created_time") or ""))
    if day is not None:
        meta["date"] = day
    meta["categories"] = categories
    meta["authors"] = [a for a in authors if a in known_authors]
    # The slug the post's path was given, after tie-breaks: Material builds the post's
    # URL from it (`{date}/{slug}`), so two posts of one title and day stay apart.
    meta["slug"] = path_slug(entry)
    return meta


def category_name(name: str) -> str:
    """A blog category as Material shows it (see `_NO_TAGS`)."""
    return name.translate(_NO_TAGS)


def _day(value: str | None) -> date | None:
    """The day of an ISO date or time; None for anything else (a date property is
    Notion's to fill, and a post's date is a `date` to Material, never text)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
