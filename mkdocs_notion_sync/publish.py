"""The synced tree as Markdown documents and a nav: what any site generator would need.

Nothing here knows MkDocs; plugin.py turns `Document`s into virtual files and `NavItem`s
into its nav. Pages are rendered from the cache one at a time, so only one body is in
memory at once.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from slugify import slugify

from . import __version__
from .assets import SITE_FOLDER, AssetStore
from .cache import Cache
from .links import SiteLinks, entry_slug, relative_link
from .render import render_blocks, render_rich_text
from .render.escape import escape_text
from .render.properties import plain_property, property_cells, property_front_matter
from .tree import Page, Source, SyncedTree, title_of


@dataclass
class Document:
    """One Markdown page of the site."""

    path: str
    markdown: str | None
    """None: unchanged since the last build, so the staged copy is still right."""
    page_id: str
    notion_url: str = ""


@dataclass(frozen=True)
class EmbedRequest:
    """`<!-- notion: PAGE#BLOCK -->` in the hand-written page at `host_path`."""

    host_path: str
    page_id: str
    block_id: str | None = None


@dataclass
class NavItem:
    title: str
    path: str
    children: list[NavItem] = field(default_factory=list)


class PageContext:
    """The converter's questions, answered for one page of the site."""

    def __init__(
        self, page: Page, links: SiteLinks, assets: AssetStore, warn: Callable[[str], None]
    ) -> None:
        self.page = page
        self._links = links
        self._assets = assets
        self._warn = warn
        self._warned: set[str] = set()
        self.warnings: list[str] = []
        """What this page warned about, replayed when its rendering is reused."""
        self.asset_names: list[str] = []

    @property
    def page_title(self) -> str:
        return self.page.title

    def link_to_page(self, page_id: str, block_id: str | None = None) -> str | None:
        return self._links.link(self.page.path, page_id, block_id)

    def rewrite_url(self, url: str) -> str:
        return self._links.rewrite(self.page.path, url, self.warn)

    def asset_url(self, file: dict[str, Any], owner_id: str) -> str | None:
        name = self._assets.local_name(owner_id, file)
        if name is None:
            if file.get("type") == "file":
                self.warn(f"a file of block {owner_id} could not be downloaded; it is left out")
            return None
        self.asset_names.append(name)
        return relative_link(self.page.path, f"{SITE_FOLDER}/{name}")

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        line = f'page "{self.page.title}" ({self.page.path}): {message}'
        self.warnings.append(line)
        self._warn(line)


YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's dumper when PyYAML has it: front matter is a tenth of the render time."""


RenderRecord = tuple[str, list[str], list[str]]
"""(render key, warnings, stored file names) of a rendered page, in the render cache."""

RENDER_FORMAT = 1
"""Bump when the Markdown the publisher writes changes, so cached renders are redone."""


def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def front_matter(meta: dict[str, Any]) -> str:
    text = yaml.dump(meta, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n\n"


def _icon_prefix(page: Page) -> str:
    icon = page.obj.get("icon")
    if isinstance(icon, dict) and icon.get("type") == "emoji":
        emoji = icon.get("emoji")
        if isinstance(emoji, str):
            return f"{emoji} "
    return ""


def csv_path(database: Page) -> str:
    """`changelog/changelog.csv` beside the database's index page."""
    folder = posixpath.dirname(database.path)
    name = (posixpath.basename(folder) or "entries") + ".csv"
    return posixpath.join(folder, name)


class Publisher:
    """Renders the tree's pages; the Markdown of one page at a time."""

    def __init__(
        self,
        tree: SyncedTree,
        cache: Cache,
        assets: AssetStore,
        warn: Callable[[str], None],
        *,
        edit_link: bool = True,
        blog_authors: Callable[[Page], set[str]] | None = None,
        links: SiteLinks | None = None,
    ) -> None:
        """`links` of the whole site, for a publisher that renders pages of a tree it
        does not hold (a worker process gets an empty tree and pages one by one)."""
        self.tree = tree
        self.cache = cache
        self.assets = assets
        self.warn = warn
        self.edit_link = edit_link
        self.blog_authors = blog_authors
        self.links = links or SiteLinks(tree.pages())
        for page in tree.pages():
            _name_people(page.obj, tree.users)

    @functools.cached_property
    def _site_digest(self) -> str:
        """Anything a change of which may change every page: links, titles, names.
        Worked out when first needed: a worker process only renders, never plans."""
        return _digest(
            RENDER_FORMAT,
            __version__,
            self.edit_link,
            sorted(self.links.paths.items()),
            sorted(self.links.titles.items()),
            sorted((uid, str(user.get("name"))) for uid, user in self.tree.users.items()),
        )

    def plan(self, staged: Callable[[str], bool]) -> list[tuple[Page, str | None, bool]]:
        """(page, render key, whether the staged copy can stay) for every page: a page
        whose inputs are as when it was last rendered (and whose staged copy exists) is
        not rendered again. Pages that warned are always rendered again, so `--strict`
        judges every build alike."""
        planned: list[tuple[Page, str | None, bool]] = []
        for page in self.tree.pages():
            if page.kind == "database" and page.source.blog and page.parent is None:
                continue  # Material's blog plugin owns the blog's index page
            key = self._render_key(page)
            stored = self.cache.get_json("render", page.id) if key else None
            reuse = bool(key and stored and self._reusable(stored, key) and staged(page.path))
            if reuse and stored is not None:
                self.assets.used.update(stored[2])
            planned.append((page, key, reuse))
        return planned

    def render_document(self, page: Page, key: str | None) -> Document:
        document, record = self.render_unrecorded(page, key)
        if record is not None:
            self.cache.put_json("render", page.id, record)
        return document

    def render_unrecorded(
        self, page: Page, key: str | None
    ) -> tuple[Document, RenderRecord | None]:
        """The page's Markdown and what the render cache should remember of it, for a
        worker process to hand back: the build writes all of them in one transaction."""
        markdown, ctx = self._render(page)
        record = (key, ctx.warnings, ctx.asset_names) if key else None
        return Document(page.path, markdown, page.id, page.url), record

    def _reusable(self, stored: Any, key: str) -> bool:
        """Same inputs, no warnings last time (a failed download may work now), and
        every file it used still stored."""
        return (
            isinstance(stored, tuple)
            and len(stored) == 3
            and stored[0] == key
            and not stored[1]
            and all(self.assets.path_of(name).is_file() for name in stored[2])
        )

    def _render_key(self, page: Page) -> str | None:
        """What a page's Markdown depends on; None for database index pages, which
        depend on all their entries and are cheap to render anyway."""
        if page.kind == "database":
            return None
        outline = self.cache.get_outline(page.id)
        if outline is None:
            return None
        parts = (self._site_digest, page.id, page.path, outline.fetched_at, page.last_edited_time)
        return hashlib.sha1("|".join(parts).encode()).hexdigest()

    def _render(self, page: Page) -> tuple[str, PageContext]:
        ctx = PageContext(page, self.links, self.assets, self.warn)
        meta: dict[str, Any] = {
            "title": html_text(page.title),
            "notion_id": page.id,
            "notion_url": page.url,
            "last_edited_time": page.last_edited_time,
        }
        if self.edit_link and page.url:
            meta["notion_edit_url"] = page.url
        parts = [f"# {_icon_prefix(page)}{escape_text(page.title)}\n\n"]
        if page.kind == "database":
            description = page.obj.get("description") or []
            if description:
                parts.append(render_rich_text(description, ctx) + "\n\n")
            parts.append(self._index_table(page, ctx))
            return front_matter(meta) + "".join(parts), ctx
        if page.kind == "entry":
            meta.update(property_front_matter(page.obj.get("properties") or {}))
            if page.source.blog:
                meta.update(self._blog_meta(page))
        cover = page.obj.get("cover")
        if isinstance(cover, dict):
            url = ctx.asset_url(cover, page.id)
            if url:
                parts.append(f"![]({url}){{ .notion-cover }}\n\n")
        if page.kind == "entry":
            parts.append(self._properties_table(page, ctx))
        cached = self.cache.get_page(page.id)
        if cached is not None:
            _title_links(cached.blocks, self.links.titles)
            parts.append(render_blocks(cached.blocks, ctx))
            if cached.comments:
                parts.append(self._comments(cached.comments, ctx))
        return front_matter(meta) + "".join(parts), ctx

    def _blog_meta(self, entry: Page) -> dict[str, Any]:
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
        known = self.blog_authors(entry) if self.blog_authors else set()
        meta["authors"] = [a for a in authors if a in known]
        meta["slug"] = entry_slug(entry)
        return meta

    def _properties_table(self, page: Page, ctx: PageContext) -> str:
        props = page.obj.get("properties") or {}
        cells = property_cells(props, ctx, skip_title=True, titles=self.links.titles)
        if not cells:
            return ""
        rows = ["| Property | Value |", "| --- | --- |"]
        rows.extend(f"| {name} | {value} |" for name, value in cells)
        table = "\n".join(rows)
        return f'<div class="notion-properties" markdown>\n\n{table}\n\n</div>\n\n'

    def _index_table(self, page: Page, ctx: PageContext) -> str:
        download = f"[Download as CSV]({posixpath.basename(csv_path(page))})\n"
        if not page.children:
            return "*No entries.*\n\n" + download
        columns = list(page.source.columns or page.columns or ["Name"])
        title_column = page.columns[0] if page.columns else columns[0]
        header = "| " + " | ".join(escape_text(c).replace("|", "\\|") for c in columns) + " |"
        rows = [header, "|" + " --- |" * len(columns)]
        for entry in page.children:
            props = entry.obj.get("properties") or {}
            values = dict(property_cells(props, ctx, skip_title=False, titles=self.links.titles))
            link = relative_link(page.path, entry.path)
            cells = []
            for column in columns:
                value = values.get(escape_text(column), values.get(column, ""))
                if column == title_column:
                    cells.append(f"[{value or 'Untitled'}]({link})")
                else:
                    cells.append(value)
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows) + "\n\n" + download

    def _comments(self, comments: list[dict[str, Any]], ctx: PageContext) -> str:
        lines = ["\n## Comments\n"]
        for comment in comments:
            author = (comment.get("created_by") or {}).get("name") or "Someone"
            when = str(comment.get("created_time") or "")[:10]
            text = render_rich_text(comment.get("rich_text") or [], ctx)
            lines.append(f"> **{escape_text(str(author))}** · {when}\n>\n> {text}\n")
        return "\n".join(lines)

    def csv_for(self, page: Page) -> str:
        """The database's entries as CSV (plain values), offered beside its index page."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(page.columns)
        for entry in page.children:
            props = entry.obj.get("properties") or {}
            writer.writerow(
                [
                    plain_property(props[c]) if isinstance(props.get(c), dict) else ""
                    for c in page.columns
                ]
            )
        return buffer.getvalue()

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
        ctx = PageContext(host, self.links, self.assets, self.warn)
        blocks = record.blocks
        if request.block_id:
            found = _find_block(blocks, request.block_id)
            if found is None:
                ctx.warn(
                    f"the embedded block {request.block_id} is not on Notion page {request.page_id}"
                )
                return ""
            blocks = [found]
        _title_links(blocks, self.links.titles)
        return render_blocks(blocks, ctx)

    def nav(self) -> list[NavItem]:
        """Each source's tree, in Notion's order; a blog's posts are Material's to list."""
        return [_nav_item(root) for root in self.tree.roots if not root.source.blog]


def html_text(title: str) -> str:
    """Themes print page and nav titles as HTML, unescaped: a title is text, so a
    `<script>` in a Notion title must arrive as `&lt;script&gt;`."""
    return html.escape(title, quote=False)


def _nav_item(page: Page) -> NavItem:
    title = html_text(page.title)
    if page.kind == "database" and page.source.blog:
        return NavItem(title=title, path=page.path)
    return NavItem(title, page.path, [_nav_item(child) for child in page.children])


def _find_block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any] | None:
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if str(block.get("id")) == block_id:
            return block
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(children)
    return None


def _name_people(obj: dict[str, Any], users: dict[str, dict[str, Any]]) -> None:
    """Partial user objects (`{"object": "user", "id": ...}`) get the member's name."""
    if not users:
        return
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
                    if known and known.get("name"):
                        person["name"] = known["name"]


def _title_links(blocks: list[dict[str, Any]], titles: dict[str, str]) -> None:
    """link_to_page blocks carry no title in the API; the converter shows the one the
    site knows (this copy of the blocks is rendered once and dropped)."""
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if not isinstance(block, dict):
            continue
        payload = block.get("link_to_page") if block.get("type") == "link_to_page" else None
        if isinstance(payload, dict):
            kind = payload.get("type")
            target = payload.get(kind) if isinstance(kind, str) else None
            if isinstance(target, str) and target in titles:
                payload["title"] = titles[target]
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(children)


def _folder(item: NavItem) -> str:
    return posixpath.dirname(item.path)


def awesome_nav_files(nav: list[NavItem]) -> dict[str, str]:
    """`.nav.yml` per Notion folder, so mkdocs-awesome-nav keeps Notion's order."""
    files: dict[str, str] = {}
    stack = [item for item in nav if item.children]
    while stack:
        item = stack.pop()
        folder = _folder(item)
        entries: list[Any] = [posixpath.basename(item.path)]
        for child in item.children:
            if child.children:
                entries.append({child.title: posixpath.relpath(_folder(child), folder)})
                stack.append(child)
            else:
                entries.append(posixpath.relpath(child.path, folder))
        files[posixpath.join(folder, ".nav.yml")] = yaml.safe_dump(
            {"nav": entries}, allow_unicode=True, sort_keys=False
        )
    return files


def literate_nav_files(nav: list[NavItem]) -> dict[str, str]:
    """`SUMMARY.md` in each source's folder, so mkdocs-literate-nav keeps Notion's order."""
    files: dict[str, str] = {}
    for item in nav:
        folder = _folder(item)
        lines = _summary_lines(item, folder, 0, recurse=False)
        for child in item.children:
            lines.extend(_summary_lines(child, folder, 0))
        summary = posixpath.join(folder, "SUMMARY.md") if folder else "SUMMARY.md"
        files[summary] = "\n".join(lines) + "\n"
    return files


def _summary_lines(node: NavItem, folder: str, depth: int, recurse: bool = True) -> list[str]:
    target = posixpath.relpath(node.path, folder) if folder else node.path
    title = node.title.replace("[", "\\[").replace("]", "\\]")
    lines = [f"{'    ' * depth}* [{title}]({target})"]
    for child in node.children if recurse else ():
        lines.extend(_summary_lines(child, folder, depth + 1))
    return lines
