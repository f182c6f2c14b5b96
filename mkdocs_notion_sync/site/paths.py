"""Notion ids and URLs -> site paths.

Paths come from titles (readable, unicode kept), are unique among siblings and do not
depend on sibling order, so that reordering pages in Notion does not move URLs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from slugify import slugify

from ..notion.ids import is_notion_url, parse_notion_url
from ..render import block_anchor
from ..render.properties import plain_property
from ..sync.model import Page

RESERVED = frozenset({"index", "assets", "search", "404"})


def page_slug(title: str) -> str:
    """A readable slug; titles with no letters at all still get a usable name."""
    slug = slugify(title, allow_unicode=True, max_length=80, word_boundary=True)
    return slug or "untitled"


def entry_slug(page: Page) -> str:
    """A database entry's slug can be pinned by a property (`slug_property`), so that
    renaming it does not break links to it."""
    name = page.source.slug_property
    if page.kind == "entry" and name:
        prop = (page.obj.get("properties") or {}).get(name)
        text = plain_property(prop) if isinstance(prop, dict) else ""
        if text.strip():
            return page_slug(text)
    return page_slug(page.title)


def _sibling_slugs(pages: list[Page]) -> dict[str, str]:
    """Slug per page id: the oldest page keeps the plain slug, later namesakes get a
    suffix from their own id, so the result does not depend on the order of siblings."""
    by_slug: dict[str, list[Page]] = {}
    for page in pages:
        slug = entry_slug(page)
        if slug in RESERVED:
            slug = f"{slug}-page"
        by_slug.setdefault(slug, []).append(page)
    result: dict[str, str] = {}
    for slug, namesakes in by_slug.items():
        namesakes.sort(key=lambda p: (str(p.obj.get("created_time", "")), p.id))
        for position, page in enumerate(namesakes):
            result[page.id] = slug if position == 0 else f"{slug}-{page.id.replace('-', '')[:6]}"
    return result


def assign_paths(roots: Iterable[Page]) -> None:
    """Give every page its Markdown path: a source root is `dest/index.md`, a page with
    children is `folder/slug/index.md`, a leaf is `folder/slug.md`."""
    for root in roots:
        folder = root.source.dest
        root.path = posixpath.join(folder, "index.md") if folder else "index.md"
        if root.source.blog:
            # Material's blog reads posts from `<blog>/posts/`
            folder = posixpath.join(folder, "posts") if folder else "posts"
            for child in root.children:
                child.children.clear()  # a post is one page; sub-pages stay in Notion
        _assign_children(root, folder)


def _assign_children(parent: Page, folder: str) -> None:
    slugs = _sibling_slugs(parent.children)
    for child in parent.children:
        slug = slugs[child.id]
        if child.children or child.kind == "database":
            child_folder = posixpath.join(folder, slug) if folder else slug
            child.path = posixpath.join(child_folder, "index.md")
            _assign_children(child, child_folder)
        else:
            child.path = posixpath.join(folder, f"{slug}.md") if folder else f"{slug}.md"


def relative_link(from_path: str, to_path: str) -> str:
    """A Markdown link from one page file to another, as MkDocs resolves it."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


class SiteLinks:
    """Answers "where on the site is Notion page X?" for every page being rendered."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self.paths: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        for page in pages:
            self.paths[page.id] = page.path
            self.titles[page.id] = page.title
            if page.kind == "database":
                for source in page.obj.get("data_sources", []) or []:
                    if isinstance(source, dict) and source.get("id"):
                        self.paths.setdefault(str(source["id"]), page.path)

    def link(self, from_path: str, page_id: str, block_id: str | None = None) -> str | None:
        target = self.paths.get(page_id)
        if target is None:
            return None
        href = relative_link(from_path, target)
        return f"{href}#{block_anchor(block_id)}" if block_id else href

    def rewrite(self, from_path: str, url: str, warn: Callable[[str], None]) -> str:
        """Notion URLs of synced pages become site links; unsynced ones are kept and
        reported, since the reader may not be able to open them."""
        if not is_notion_url(url):
            return url
        parsed = parse_notion_url(url)
        if parsed is None:
            return url
        page_id, block_id = parsed
        local = self.link(from_path, page_id, block_id)
        if local is not None:
            return local
        warn(f"links to Notion page {page_id}, which is not part of the synced sources: {url}")
        return url
