"""One page of the site as Markdown: front matter, title, cover, properties, blocks,
comments; and Notion content embedded in hand-written pages.

Nothing here knows MkDocs. Pages are composed from the cache one at a time, so only one
body is in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml

from ..errors import NotionSyncError
from ..log import Warnings
from ..notion.ids import is_notion_url, parse_notion_url
from ..notion.objects import file_url, find_block, iter_blocks, title_of
from ..render import RenderOptions, render_blocks, render_rich_text
from ..render.anchors import PageAnchors, page_anchors
from ..render.custom import Dispatch, PageInfo
from ..render.escape import escape_text, html_text
from ..render.properties import property_cells, property_front_matter
from ..render.urls import safe_url
from ..settings import Settings
from ..sync.cache import Cache, CachedPage, PageOutline
from ..sync.model import Page, Source, SyncedTree
from .assets import SITE_FOLDER, AssetStore, Lookup
from .blog import BlogAuthors, blog_meta
from .databases import index_page, linked_view
from .embeds import EmbedRequest
from .front_matter import mapped_front_matter, unknown_properties
from .notes import BuildNotes, PageNotes
from .paths import SiteLinks, html_link, relative_link

YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's dumper when PyYAML has it: front matter is a tenth of the render time."""


class PageContext:
    """The converter's questions, answered for one page of the site."""

    def __init__(
        self,
        page: Page,
        links: SiteLinks,
        assets: AssetStore,
        warnings: Warnings,
        left_out: Mapping[str, str] | None = None,
        outline_of: Callable[[str], PageOutline | None] = lambda _id: None,
        *,
        directory_urls: bool = True,
    ) -> None:
        self.page = page
        self._outline_of = outline_of
        self._links = links
        self._assets = assets
        self._warnings = warnings
        self._left_out = left_out or {}
        self._directory_urls = directory_urls
        self._warned: set[str] = set()
        self.warnings: list[str] = []
        """What this page warned about, replayed when its rendering is reused."""
        self.asset_names: list[str] = []
        self.notes = PageNotes()
        """Block types met, blocks ignored, links to left-out pages (site/notes.py)."""
        self.anchored: set[str] = set()
        """Pages whose heading anchors this page links to: it is rendered again when one
        of them changes (site/render_cache.py)."""

    @property
    def page_title(self) -> str:
        return self.page.title

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        if page_id in self._left_out:
            self.notes.left_out_links.add(page_id)
            return None
        return self._links.link(self.page.path, page_id, block_id, anchored=self.anchored)

    def is_left_out(self, page_id: str) -> bool:
        return page_id in self._left_out

    def rewrite_url(self, url: str) -> str:
        parsed = parse_notion_url(url) if is_notion_url(url) else None
        if parsed is not None and parsed[0] in self._left_out:
            self.notes.left_out_links.add(parsed[0])
            return ""
        return self._links.rewrite(self.page.path, url, self.warn, anchored=self.anchored)

    def html_link(self, link: str) -> str:
        return html_link(self.page.path, link, directory_urls=self._directory_urls)

    def asset_url(self, file: dict[str, Any], owner_id: str) -> str | None:
        found = self._assets.lookup(owner_id, file)
        if found.problem is not None:
            self._warn_file(file, owner_id, found, log=found.first)
        if found.name is None:
            return None
        self.asset_names.append(found.name)
        return relative_link(self.page.path, f"{SITE_FOLDER}/{found.name}")

    def _warn_file(self, file: dict[str, Any], owner_id: str, found: Lookup, *, log: bool) -> None:
        """One WARNING per file per build (`log` on the first page that shows it); every
        page that shows it records it, so that page is rendered again next time."""
        if owner_id == self.page.id:
            where = "the page's cover or icon"
        elif len(owner_id.replace("-", "")) == 32:
            where = f"block {owner_id}"
        else:
            where = "a files property"
        outcome = "it is left out" if file.get("type") == "file" else "the external URL is kept"
        line = (
            f'page "{self.page.title}" ({self.page.path}): the file {found.shown} of {where} '
            f"was not downloaded: {found.problem}; {outcome}"
        )
        self.warnings.append(line)
        if log:
            self._warnings.warn(line)

    def inline_database(self, block_id: str, *, nested: bool) -> str | None:
        linked = self.page.linked.get(block_id)
        if linked is None:
            return None
        return linked_view(linked, self, self._links.titles, self._outline_of, nested=nested)

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        line = f'page "{self.page.title}" ({self.page.path}): {message}'
        self.warnings.append(line)
        self._warnings.warn(line)


DRAFT_NOTICE = (
    '!!! warning "Draft"\n\n    This page is left out of the published site by its '
    "source's `include` or `exclude`; only `mkdocs serve` (with `drafts_in_serve`) shows "
    "it.\n\n"
)


def front_matter(meta: dict[str, Any]) -> str:
    """The page's YAML front matter, every string in it (keys too) as `html_text`.

    Themes and plugins print front matter unescaped, into text, attributes and links
    (Material: the meta description, tags, blog categories, the edit link), and a
    theme may print any key. Encoding each string as HTML once, here, makes every value
    inert wherever it is printed and still read as typed; the price is that a plugin
    comparing a value with configuration sees `R&amp;D` for `R&D`.
    """
    text = yaml.dump(_inert(meta), Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n\n"


def _inert(value: Any) -> Any:
    if isinstance(value, str):
        return html_text(value)
    if isinstance(value, dict):
        return {_inert(key): _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value


def _icon_prefix(page: Page) -> str:
    icon = page.obj.get("icon")
    if isinstance(icon, dict) and icon.get("type") == "emoji":
        emoji = icon.get("emoji")
        if isinstance(emoji, str) and emoji.strip():
            return f"{escape_text(' '.join(emoji.split()))} "
    return ""


def _picture(file: dict[str, Any], page: Page, ctx: PageContext) -> str | None:
    """A cover's or an icon's site link: its local copy, else a web address Notion gave
    as `external` (or a custom emoji's); a Notion-signed URL never (it expires)."""
    local = ctx.asset_url(file, page.id)
    if local:
        return safe_url(local)
    url = file_url(file) if file.get("type") in ("external", "custom_emoji") else None
    cleaned = safe_url(url) if url else None
    return cleaned if cleaned and cleaned.startswith(("https://", "http://")) else None


def _icon_image(page: Page, ctx: PageContext) -> str:
    """A picture icon (uploaded, external or a custom emoji) above the title; an emoji
    icon is part of the title itself (`_icon_prefix`)."""
    icon = page.obj.get("icon")
    if not isinstance(icon, dict) or icon.get("type") == "emoji":
        return ""
    url = _picture(icon, page, ctx)
    return f"![]({url}){{ .notion-page-icon }}\n\n" if url else ""


class PageComposer:
    """Composes the tree's pages into Markdown documents."""

    def __init__(
        self,
        tree: SyncedTree,
        cache: Cache,
        assets: AssetStore,
        warnings: Warnings,
        settings: Settings,
        body_of: Callable[[Page], CachedPage | None] | None = None,
    ) -> None:
        self.tree = tree
        self.cache = cache
        self.body_of = body_of or (lambda page: cache.get_page(page.id))
        """A page's blocks: the sync's reader fetches again a copy that cannot be read."""
        self.assets = assets
        self.warnings = warnings
        self.edit_link = settings.edit_link
        self.blog_authors = BlogAuthors(settings.docs_dir)
        self.cover = settings.cover
        self.directory_urls = settings.use_directory_urls
        self.options = RenderOptions(embeds=settings.embeds, tabs=settings.markdown_tabs)
        self._by_id = {page.id: page for page in tree.pages()}
        self._anchors: dict[str, PageAnchors] = {}
        self.links = SiteLinks(tree.pages(), self.anchors_of)
        self.renderers = settings.renderers
        self.ignore_blocks = settings.ignore_blocks
        self.link_titles = {**{k: v for k, v in tree.left_out.items() if v}, **self.links.titles}
        """Titles link_to_page blocks show: the site's pages, and the left-out ones."""
        self.notes = BuildNotes(tree.left_out)
        """What the pages noted, for the build's lines (reused renders add theirs)."""
        for page in tree.pages():
            _name_people(page.obj, tree.users)
        for line in unknown_properties(settings.sources, tree.pages()):
            warnings.warn(line)

    def anchors_of(self, page_id: str) -> PageAnchors:
        """Where links to the blocks of a synced page land, worked out from its blocks
        the first time a link asks (most pages are never linked to by block)."""
        known = self._anchors.get(page_id)
        if known is None:
            page = self._by_id.get(page_id)
            try:
                cached = self.body_of(page) if page is not None else None
            except NotionSyncError:
                cached = None  # that page's own rendering reports why
            known = self._anchors[page_id] = page_anchors(cached.blocks if cached else [])
        return known

    def context(self, page: Page) -> PageContext:
        return PageContext(
            page,
            self.links,
            self.assets,
            self.warnings,
            left_out=self.tree.left_out,
            outline_of=self.cache.get_outline,
            directory_urls=self.directory_urls,
        )

    def _render(self, blocks: list[dict[str, Any]], page: Page, ctx: PageContext) -> str:
        """The blocks through the site's renderers; what they met goes to ctx.notes."""
        dispatch = Dispatch(
            self.renderers,
            self.ignore_blocks,
            PageInfo(page.id, page.title, page.path, page.url),
        )
        markdown = render_blocks(blocks, ctx, self.options, dispatch)
        ctx.notes.kinds |= dispatch.kinds
        ctx.notes.ignored.update(dispatch.ignored)
        return markdown

    def compose(self, page: Page) -> tuple[str, PageContext]:
        """The page's Markdown, and the context that saw its warnings and files."""
        ctx = self.context(page)
        notion_url = safe_url(page.url) or ""
        meta: dict[str, Any] = {
            "title": page.title,
            "notion_id": page.id,
            "notion_url": notion_url,
            "last_edited_time": page.last_edited_time,
        }
        if self.edit_link and notion_url:
            meta["notion_edit_url"] = notion_url
        parts = [self._cover(page, ctx), _icon_image(page, ctx)]
        parts.append(f"# {_icon_prefix(page)}{escape_text(page.title)}\n\n")
        if page.draft:
            parts.append(DRAFT_NOTICE)
            if page.source.blog and page.kind == "entry":
                meta["draft"] = True  # Material's blog shows drafts only while serving
        if page.kind == "database":
            description = page.obj.get("description") or []
            if description:
                parts.append(render_rich_text(description, ctx) + "\n\n")
            parts.append(index_page(page, ctx, self.links.titles, self.cache.get_outline))
            return front_matter(meta) + "".join(parts), ctx
        if page.kind == "entry":
            meta.update(property_front_matter(page.obj.get("properties") or {}))
            if page.source.blog:
                meta.update(blog_meta(page, self.blog_authors(page)))
        if page.source.front_matter:
            known = self.blog_authors(page) if page.source.blog else None
            titles = self.links.titles
            meta.update(mapped_front_matter(page, titles=titles, blog_authors=known, warn=ctx.warn))
        if page.kind == "entry":
            parts.append(self._properties_table(page, ctx))
        cached = self.body_of(page)
        if cached is not None:
            _title_links(cached.blocks, self.link_titles)
            parts.append(self._render(cached.blocks, page, ctx))
            if cached.comments:
                parts.append(_comments(cached.comments, ctx))
        return front_matter(meta) + "".join(parts), ctx

    def _properties_table(self, page: Page, ctx: PageContext) -> str:
        props = page.obj.get("properties") or {}
        cells = property_cells(props, ctx, skip_title=True, titles=self.links.titles)
        if not cells:
            return ""
        rows = ["| Property | Value |", "| --- | --- |"]
        rows.extend(f"| {name} | {value} |" for name, value in cells)
        table = "\n".join(rows)
        return f'<div class="notion-properties" markdown>\n\n{table}\n\n</div>\n\n'

    def _cover(self, page: Page, ctx: PageContext) -> str:
        """The page's cover above its title, as Notion shows it (the `cover` option)."""
        cover = page.obj.get("cover")
        url = _picture(cover, page, ctx) if self.cover and isinstance(cover, dict) else None
        return f"![]({url}){{ .notion-cover }}\n\n" if url else ""

    def render_embed(self, request: EmbedRequest) -> str:
        """An embedded page (or one block of it) as Markdown for the hand-written page
        at `host_path`, with links relative to that page."""
        record = self.tree.embeds.get(request.page_id)
        if record is None:
            return ""
        host = Page(
            id=request.page_id,
            kind="page",
            title=title_of(record.obj),
            source=Source("page", request.page_id, ""),
            obj=record.obj,
            path=request.host_path,
        )
        ctx = self.context(host)
        blocks = record.blocks
        if request.block_id:
            found = find_block(blocks, request.block_id)
            if found is None:
                ctx.warn(
                    f"the embedded block {request.block_id} is not on Notion page {request.page_id}"
                )
                return ""
            blocks = [found]
        _title_links(blocks, self.link_titles)
        markdown = self._render(blocks, host, ctx)
        self.notes.add(host.path, ctx.notes)
        return markdown


def _comments(comments: list[dict[str, Any]], ctx: PageContext) -> str:
    lines = ["\n## Comments\n"]
    for comment in comments:
        author = (comment.get("created_by") or {}).get("name") or "Someone"
        when = escape_text(str(comment.get("created_time") or "")[:10])
        text = render_rich_text(comment.get("rich_text") or [], ctx)
        lines.append(f"> **{escape_text(str(author))}** · {when}\n>\n> {text}\n")
    return "\n".join(lines)


NO_NAME = "(no name)"
"""How a workspace member without a display name is shown."""


def _name_people(obj: dict[str, Any], users: dict[str, dict[str, Any]]) -> None:
    """Partial user objects (`{"object": "user", "id": ...}`) get the member's name."""
    if not users:
        return
    for field in ("created_by", "last_edited_by"):  # the page's own, for front_matter
        person = obj.get(field)
        if isinstance(person, dict) and not person.get("name"):
            known = users.get(str(person.get("id")))
            if known and known.get("name"):
                person["name"] = known["name"]
    for prop in (obj.get("properties") or {}).values():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        value = prop.get(kind) if isinstance(kind, str) else None
        people = value if isinstance(value, list) else [value]
        if kind in ("people", "created_by", "last_edited_by"):
            for person in people:
                if isinstance(person, dict) and not person.get("name"):
                    known = users.get(str(person.get("id")))
                    if known is not None:
                        # From API 2026-12-01 a member without a display name has none.
                        person["name"] = known.get("name") or NO_NAME


def _title_links(blocks: list[dict[str, Any]], titles: dict[str, str]) -> None:
    """link_to_page blocks carry no title in the API; the converter shows the one the
    site knows (this copy of the blocks is rendered once and dropped)."""
    for block in iter_blocks(blocks):
        data = block.get("link_to_page") if block.get("type") == "link_to_page" else None
        if isinstance(data, dict):
            kind = data.get("type")
            target = data.get(kind) if isinstance(kind, str) else None
            if isinstance(target, str) and target in titles:
                data["title"] = titles[target]
