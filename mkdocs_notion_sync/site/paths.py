"""Notion ids and URLs -> site paths.

Paths come from titles (readable, unicode kept), are unique among siblings and do not
depend on sibling order, so that reordering pages in Notion does not move URLs. No two
pages ever share a URL: a page that would replace another is moved, with a WARNING.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Literal
from urllib.parse import urlsplit

from slugify import slugify

from ..log import log
from ..notion.ids import is_notion_url, parse_notion_url
from ..render.anchors import PageAnchors
from ..render.properties import plain_property
from ..sync.history import shown, url_key
from ..sync.model import Page

RESERVED = frozenset({"index", "assets", "search", "404"})
"""Names a page cannot take: its folder's own page, the theme's and our files, the 404."""

SUFFIX_LENGTHS = (6, 8, 12, 16, 32)
"""Hex digits of a page's id tried, in turn, as the tie-break suffix of its slug."""

Warn = Callable[[str], None]
Slugs = Literal["title", "title-id", "id"]
"""How page names are made (the `slugs` option): from the title (`guide`), the title
and the full id (`guide-<32 hex>`, as Notion's own URLs), or the id alone, flat under
the source's folder (`<dest>/<32 hex>/`: a URL no rename or move ever changes)."""


def page_slug(title: str) -> str:
    """A readable slug; titles with no letters at all still get a usable name."""
    slug = slugify(title, allow_unicode=True, max_length=80, word_boundary=True)
    return slug or "untitled"


def entry_slug(page: Page) -> str:
    """A database entry's slug can be pinned by a property (`slug_property`), so that
    renaming it does not break links to it."""
    return _wanted_slug(page)[0]


def path_slug(page: Page) -> str:
    """The slug a page was finally given (after every tie-break), read off its path."""
    stem = page.path.removesuffix(".md")
    stem = "" if stem == "index" else stem.removesuffix("/index")
    return posixpath.basename(stem) or entry_slug(page)


def _wanted_slug(page: Page) -> tuple[str, int]:
    """The slug a page asks for, and how strong its claim is: 0 pinned by `slug_property`,
    1 its own title's slug, 2 a stand-in for a reserved name (`index` -> `index-page`)."""
    slug, rank = page_slug(page.title), 1
    name = page.source.slug_property
    if page.kind == "entry" and name:
        prop = (page.obj.get("properties") or {}).get(name)
        text = plain_property(prop) if isinstance(prop, dict) else ""
        if text.strip():
            slug, rank = page_slug(text), 0
    if slug in RESERVED:
        slug, rank = f"{slug}-page", 2
    return slug, rank


def _collision(page: Page, other: Page, wanted: str, given: str) -> str:
    return (
        f'pages "{page.title}" ({page.id}) and "{other.title}" ({other.id}) would have the '
        f'same path {shown(wanted)}; "{page.title}" is published at {shown(given)} instead '
        "(rename one of them in Notion to choose)"
    )


def _precedence(page: Page) -> tuple[str, str]:
    """Who keeps a contested name: the oldest page, then the smaller id; never the order
    Notion happens to list pages in."""
    return (str(page.obj.get("created_time", "")), page.id)


def _variants(slug: str, page_id: str) -> Iterator[str]:
    """Tie-break slugs from the page's own id, shortest first."""
    digits = page_id.replace("-", "")
    seen: set[str] = set()
    for length in SUFFIX_LENGTHS:
        candidate = f"{slug}-{digits[:length]}" if digits else slug
        if candidate not in seen:
            seen.add(candidate)
            yield candidate
    for number in itertools.count(2):
        yield f"{slug}-{digits}-{number}"


def _styled(page: Page, slugs: Slugs) -> tuple[str, int]:
    """The wanted slug as the `slugs` option shapes it; with the id in it, it is unique."""
    hex_id = page.id.replace("-", "")
    if slugs == "id":
        return hex_id, 0
    slug, rank = _wanted_slug(page)
    if slugs == "title-id":
        return f"{slug.removesuffix('-page') if rank == 2 else slug}-{hex_id}", 0
    return slug, rank


def _sibling_slugs(
    pages: list[Page], folder: str, warn: Warn, slugs: Slugs = "title"
) -> dict[str, str]:
    """Slug per page id, unique among siblings whatever their order: every distinct
    wanted slug goes to its strongest claimant (pinned, then a title's own slug, then a
    stand-in; then the oldest page), and the others take the shortest free id suffix.
    Namesakes (two "Notes") are expected and quiet; any other contest is a WARNING."""
    wanted = {page.id: _styled(page, slugs) for page in pages}
    order = sorted(pages, key=lambda p: (wanted[p.id][1], *_precedence(p)))
    owners: dict[str, Page] = {}
    result: dict[str, str] = {}
    for page in order:
        slug = wanted[page.id][0]
        if slug.lower() not in owners:
            owners[slug.lower()] = page
            result[page.id] = slug
    for page in order:
        if page.id in result:
            continue
        slug, rank = wanted[page.id]
        owner = owners[slug.lower()]
        first = next(_variants(slug, page.id))
        given = next(v for v in _variants(slug, page.id) if v.lower() not in owners)
        owners[given.lower()] = page
        result[page.id] = given
        namesakes = rank == 1 and wanted[owner.id] == (slug, 1)
        if namesakes and given == first:
            continue
        if namesakes:  # the usual tie-break is some other page's own slug
            owner, slug = owners[first.lower()], first
        warn(_collision(page, owner, _join(folder, f"{slug}.md"), _join(folder, f"{given}.md")))
    return result


def _join(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder else name


def assign_paths(roots: Iterable[Page], warn: Warn | None = None, slugs: Slugs = "title") -> None:
    """Give every page its Markdown path: a source root is `dest/index.md`, a page with
    children is `folder/slug/index.md`, a leaf is `folder/slug.md` (with `slugs: id`,
    every page's folder is its source's: `dest/<id>/`). Then no two pages share a URL,
    whatever the sources and titles: see `_pull_apart`."""
    warn = warn or log.warning
    roots = list(roots)
    for root in roots:
        folder = root.source.dest
        root.path = _join(folder, "index.md")
        if root.source.blog:
            # Material's blog reads posts from `<blog>/posts/`
            folder = _join(folder, "posts")
            for child in root.children:
                child.children.clear()  # a post is one page; sub-pages stay in Notion
        _assign_children(root, folder, warn, slugs)
    _pull_apart(roots, warn)


def _assign_children(parent: Page, folder: str, warn: Warn, style: Slugs = "title") -> None:
    slugs = _sibling_slugs(parent.children, folder, warn, style)
    for child in parent.children:
        slug = slugs[child.id]
        if child.children or child.kind == "database":
            child_folder = _join(folder, slug)
            child.path = posixpath.join(child_folder, "index.md")
            _assign_children(child, folder if style == "id" else child_folder, warn, style)
        else:
            child.path = _join(folder, f"{slug}.md")


def _pull_apart(roots: list[Page], warn: Warn) -> None:
    """The last check, over every path at once: trees whose sources meet (settings made
    in code, which skip the config's overlap check), or folders that differ only in
    letter case. Level by level from the roots (a source's root keeps the folder it is
    mounted at), the older page keeps a contested URL and the other moves to a free
    id-suffixed one, its sub-pages with it."""
    everyone = [page for root in roots for page in root.walk()]
    claimed: dict[str, Page] = {}
    level = sorted(roots, key=_precedence)
    while level:
        for page in level:
            key = url_key(page.path)
            owner = claimed.get(key)
            if owner is None:
                claimed[key] = page
                continue
            wanted = page.path
            _move(page, everyone)
            claimed[url_key(page.path)] = page
            warn(_collision(page, owner, wanted, page.path))
        level = sorted((child for page in level for child in page.children), key=_precedence)


def _move(page: Page, everyone: list[Page]) -> None:
    """Give a page (and everything below it) the first id-suffixed URL no page uses."""
    leaf = not page.path.endswith("/index.md") and page.path != "index.md"
    base = page.path.removesuffix(".md") if leaf else posixpath.dirname(page.path)
    moving = set(page.walk())
    used = {url_key(p.path) for p in everyone if p not in moving}
    for candidate in _variants(base or page_slug(page.title), page.id):
        key = candidate.lower()
        if key not in used and not any(u.startswith(key + "/") for u in used):
            break
    if leaf:
        page.path = f"{candidate}.md"
        return
    old_prefix = f"{base}/" if base else ""
    for below in page.walk():
        below.path = f"{candidate}/{below.path.removeprefix(old_prefix)}"


def dests_overlap(one: str, other: str) -> str | None:
    """Why two sources' folders cannot both be published, or None: one folder, or one
    inside the other (`x` and `x/foo`: a child page "Foo" of the first is `x/foo/`, the
    root of the second too), compared without letter case as `_key` compares paths."""
    one, other = one.lower(), other.lower()
    if one == other:
        return "share one folder, so their pages would replace each other: give each its own"
    if one == "" or other == "":
        return (
            "overlap: a source at the site root holds every folder, so their pages would "
            "replace each other; give each source a folder of its own"
        )
    if other.startswith(one + "/") or one.startswith(other + "/"):
        return (
            "overlap: one folder is inside the other, so their pages would replace each "
            "other; give each source a folder of its own"
        )
    return None


def relative_link(from_path: str, to_path: str) -> str:
    """A Markdown link from one page file to another, as MkDocs resolves it."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


INDEX_NAMES = frozenset({"index", "readme"})


def served_folder(path: str, *, directory_urls: bool) -> str:
    """The folder of the URL a page file is served at, which relative links in its HTML
    start from: `x/page.md` is `x/page/` with directory URLs and `x/page.html` (folder
    `x`) without; an index page (`index.md`, `README.md`) is its folder either way."""
    folder, name = posixpath.split(path)
    stem = posixpath.splitext(name)[0]
    if not directory_urls or stem.lower() in INDEX_NAMES:
        return folder
    return posixpath.join(folder, stem)


def html_link(from_path: str, link: str, *, directory_urls: bool) -> str:
    """A link written for the Markdown of page `from_path` (relative to its file, which
    MkDocs rewrites in Markdown) as raw HTML needs it, relative to the page's URL: MkDocs
    (and Zensical) leave links inside raw HTML as written. Links with a scheme, a host,
    a site-root path or only a fragment are the same everywhere and stay."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith(("/", "#", "?")) or not parts.path:
        return link
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), parts.path))
    served = served_folder(from_path, directory_urls=directory_urls)
    shown = posixpath.relpath(target, served or ".")
    if parts.query:
        shown += f"?{parts.query}"
    return f"{shown}#{parts.fragment}" if parts.fragment else shown


_PLAYER_SRC = re.compile(
    r'(<(?:video|audio) class="notion-player" controls preload="metadata" src=")([^"]*)(")'
)


def rebase_players(html: str, *, written_for: str, served_at: str) -> str:
    """The page's players (raw HTML, whose links no generator rewrites) re-aimed from
    the URL folder they were written for (`served_folder` of the page's file) to the
    one the page is served at, when a plugin serves it elsewhere: Material's blog serves
    `blog/posts/x.md` at `blog/<date>/x/`. Links with a scheme or from the root stay."""
    if written_for == served_at or "notion-player" not in html:
        return html

    def rebase(match: re.Match[str]) -> str:
        link = match.group(2)
        if "://" in link or link.startswith(("/", "#")):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(written_for, link))
        return match.group(1) + posixpath.relpath(target, served_at or ".") + match.group(3)

    return _PLAYER_SRC.sub(rebase, html)


def url_folder(url: str) -> str:
    """The folder a page URL (`a/b/`, `a/b.html`, `` for the home page) is relative to."""
    return url.rstrip("/") if url.endswith("/") or not url else posixpath.dirname(url)


Anchors = Callable[[str], PageAnchors]
"""Where links to each block of a page land (render/anchors.py), by page id."""


class SiteLinks:
    """Answers "where on the site is Notion page X?" for every page being rendered."""

    def __init__(self, pages: Iterable[Page], anchors: Anchors | None = None) -> None:
        self._anchors = anchors
        self.paths: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        for page in pages:
            self.paths[page.id] = page.path
            self.titles[page.id] = page.title
            if page.kind == "database":
                for source in page.obj.get("data_sources", []) or []:
                    if isinstance(source, dict) and source.get("id"):
                        self.paths.setdefault(str(source["id"]), page.path)

    @classmethod
    def from_paths(cls, paths: dict[str, str]) -> SiteLinks:
        """The same answers from a saved `paths` map (the sync's Markdown extension
        reads it from the folder, without the tree)."""
        links = cls(())
        links.paths = dict(paths)
        return links

    def link(
        self,
        from_path: str,
        page_id: str,
        block_id: str | None = None,
        *,
        anchored: set[str] | None = None,
    ) -> str | None:
        """The page's site link; with a block, the anchor of the heading the block sits
        under, or the page itself when the block is above every heading or not there.
        A page whose anchors were asked for is added to `anchored`."""
        target = self.paths.get(page_id)
        if target is None:
            return None
        href = relative_link(from_path, target)
        if not block_id or self._anchors is None:
            return href
        if anchored is not None:
            anchored.add(page_id)
        anchor = self._anchors(page_id).anchor(block_id)
        return f"{href}#{anchor}" if anchor else href

    def rewrite(
        self,
        from_path: str,
        url: str,
        warn: Callable[[str], None],
        *,
        anchored: set[str] | None = None,
    ) -> str:
        """Notion URLs of synced pages become site links; unsynced ones are kept and
        reported, since the reader may not be able to open them."""
        if not is_notion_url(url):
            return url
        parsed = parse_notion_url(url)
        if parsed is None:
            return url
        page_id, block_id = parsed
        local = self.link(from_path, page_id, block_id, anchored=anchored)
        if local is not None:
            return local
        warn(f"links to Notion page {page_id}, which is not part of the synced sources: {url}")
        return url
