"""A database published as Material's blog: posts under `<dest>/posts/`, and the front
matter Material's blog plugin reads (date, categories, authors, slug)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from ..render.properties import plain_property
from ..sync.model import Page
from .paths import entry_slug


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
    date: str | None = None
    categories: list[str] = []
    authors: list[str] = []
    for name, prop in props.items():
        if not isinstance(prop, dict):
            continue
        kind, lowered = prop.get("type"), name.lower()
        value = prop.get(kind) if isinstance(kind, str) else None
        if kind == "date" and isinstance(value, dict) and value.get("start") and date is None:
            date = str(value["start"])
        elif kind in ("select", "multi_select") and lowered in ("category", "categories"):
            categories.extend(plain_property(prop).split(", ") if plain_property(prop) else [])
        elif kind == "people" and isinstance(value, list):
            authors.extend(
                slugify(str(u.get("name") or u.get("id"))) for u in value if isinstance(u, dict)
            )
    date = date or str(entry.obj.get("created_time") or "")
    if date:
        meta["date"] = datetime.fromisoformat(date.replace("Z", "+00:00")).date()
    meta["categories"] = categories
    meta["authors"] = [a for a in authors if a in known_authors]
    meta["slug"] = entry_slug(entry)
    return meta
