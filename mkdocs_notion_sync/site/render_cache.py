"""Which pages must be rendered again: a page whose inputs are as when it was last
rendered, and whose staged file is still there, keeps that file.

A page's render key digests everything its Markdown depends on: the site as a whole
(every page's path and title, people's names, the edit_link option, this version of the
converter, the pages left out by include/exclude), the page itself (its path, when it
was fetched, its last edit, its source's front_matter, whether it is a draft), and the
custom renderers and ignored block types of the block types it holds: so changing a
renderer renders again only the pages with blocks of its type. The page's block types
are known from its last rendering (its record's notes, site/notes.py). A page that links
to headings of other pages also depends on those pages: it is rendered again when one
of them was fetched again (its headings may have changed).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from .. import __version__
from ..sync.cache import Cache
from ..sync.model import Page
from .compose import PageComposer
from .notes import PageNotes

RenderRecord = tuple[str, list[str], list[str], dict[str, Any], dict[str, str]]
"""(render key, warnings, stored file names, notes, {page id: when it was fetched} of
the pages whose heading anchors it links to) of a rendered page."""

RENDER_FORMAT = 4
"""Bump when the Markdown the composer writes changes, so cached renders are redone
(2: equations, URLs and front matter made inert, issue #16; 3: readable anchors, cards,
embeds, tabs, colours, covers, issue #20; 4: custom renderers, issue #19; a page rendered
by an older converter must not be served from the cache)."""

Planned = tuple[Page, "str | None", bool]
"""(page, render key, whether the staged copy can stay)."""


def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


class RenderCache:
    """Plans what to render, and remembers what each rendering depended on."""

    def __init__(self, composer: PageComposer, cache: Cache) -> None:
        self.composer = composer
        self.cache = cache

    @functools.cached_property
    def _site_digest(self) -> str:
        """Anything a change of which may change every page: links, titles, names."""
        composer = self.composer
        return _digest(
            RENDER_FORMAT,
            __version__,
            composer.edit_link,
            sorted(composer.links.paths.items()),
            sorted(composer.links.titles.items()),
            sorted((uid, str(user.get("name"))) for uid, user in composer.tree.users.items()),
            sorted(composer.tree.left_out),
            composer.cover,
            composer.directory_urls,
            composer.options,
        )

    def _full_key(self, key: str, kinds: set[str] | list[str]) -> str:
        """The page's key with the renderers and ignored types of its block types."""
        composer = self.composer
        touched = set(kinds)
        renderers = sorted(
            (r.block_type, r.fingerprint) for r in composer.renderers if r.block_type in touched
        )
        ignored = sorted(touched.intersection(composer.ignore_blocks))
        return _digest(key, renderers, ignored)

    def plan(self, staged: Callable[[str], bool]) -> list[Planned]:
        """(page, render key, whether the staged copy can stay) for every page. Pages
        that warned are always rendered again, so `--strict` judges every build alike."""
        planned: list[Planned] = []
        for page in self.composer.tree.pages():
            if page.kind == "database" and page.source.blog and page.parent is None:
                continue  # Material's blog plugin owns the blog's index page
            key = self._render_key(page)
            stored = self.cache.renders.get(page.id) if key else None
            notes = PageNotes.from_stored(stored[3]) if stored and len(stored) == 5 else None
            reuse = bool(
                key
                and stored
                and notes is not None
                and self._reusable(stored, self._full_key(key, notes.kinds))
                and staged(page.path)
            )
            if reuse and stored is not None and notes is not None:
                self.composer.assets.used.update(stored[2])
                self.composer.notes.add(page.title, notes)
            planned.append((page, key, reuse))
        return planned

    def render(self, page: Page, key: str | None) -> str:
        """The page's Markdown, remembering what it depended on when it has a key."""
        markdown, ctx = self.composer.compose(page)
        self.composer.notes.add(page.title, ctx.notes)
        if key:
            full_key = self._full_key(key, ctx.notes.kinds)
            linked = {other: self._fetched_at(other) for other in sorted(ctx.anchored)}
            record: RenderRecord = (
                full_key,
                ctx.warnings,
                ctx.asset_names,
                ctx.notes.stored(),
                linked,
            )
            self.cache.renders.put(page.id, record)
        return markdown

    def _fetched_at(self, page_id: str) -> str:
        outline = self.cache.get_outline(page_id)
        return outline.fetched_at if outline is not None else ""

    def _reusable(self, stored: tuple[Any, ...], key: str) -> bool:
        """Same inputs, no warnings last time (a failed download may work now), every
        file it used still stored, and every page whose anchors it links to as then."""
        return (
            len(stored) == 5
            and stored[0] == key
            and not stored[1]
            and all(self.composer.assets.path_of(name).is_file() for name in stored[2])
            and isinstance(stored[4], dict)
            and all(self._fetched_at(other) == at for other, at in stored[4].items())
        )

    def _render_key(self, page: Page) -> str | None:
        """What a page's Markdown depends on; None for database index pages, which
        depend on all their entries and are cheap to render anyway."""
        if page.kind == "database":
            return None
        outline = self.cache.get_outline(page.id)
        if outline is None:
            return None
        parts = [
            self._site_digest,
            page.id,
            page.path,
            outline.fetched_at,
            page.last_edited_time,
            repr(page.source.front_matter),
            "draft" if page.draft else "",
        ]
        if page.linked:
            parts.append(_digest(_linked_state(page)))
        return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _linked_state(page: Page) -> list[Any]:
    """What the linked databases shown in a page depend on: their view, and each
    entry's id and edit (its properties show on the page)."""
    return [
        (
            block_id,
            repr(linked.layout),
            [(entry.id, entry.last_edited_time) for entry in linked.children],
        )
        for block_id, linked in sorted(page.linked.items())
    ]
