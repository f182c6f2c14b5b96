"""Notion inside hand-written pages without the plugin: a Python-Markdown extension for
generators that render with Python-Markdown but run no MkDocs plugin (Zensical).

    markdown_extensions:
      - mkdocs_notion_sync.markdown_extension

It reads what `mkdocs-notion-sync sync` wrote beside the pages (`.notion-sync/embeds.json`
in docs_dir) and does what the plugin's page hook does under MkDocs: each
`<!-- notion: ID_OR_URL[#BLOCK] -->` line of a hand-written page becomes that Notion
content, and links to notion.so URLs of synced pages become links to their pages on the
site. Nothing is fetched here; the sync rendered the embeds (through the same cache,
escaping and URL policy as every page) and reported unsynced links.

Python-Markdown tells an extension nothing about the page being rendered; Zensical does,
through its `rendering_context` preprocessor. Without it (under MkDocs, where the plugin
has already done this before Markdown is parsed) the extension changes nothing.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .site.embeds import EmbedRequest, fill_embeds, rewrite_notion_links
from .site.manifest import META_DIR
from .site.paths import SiteLinks

EMBEDS = "embeds.json"
EMBEDS_FORMAT = 1
PRIORITY = 25
"""After whitespace normalisation (30) and pymdownx.snippets (32), so included text is
seen too; before the HTML block stash (20), so the embedded Markdown is parsed."""


@dataclass(frozen=True)
class SyncedContent:
    """What the sync left for hand-written pages."""

    links: SiteLinks
    embeds: dict[EmbedRequest, str]
    synced: frozenset[str]
    """The synced pages' own paths: their Markdown is complete already."""


def embed_key(request: EmbedRequest) -> tuple[str, str, str]:
    """A stable order of embeds (the block id may be None)."""
    return request.host_path, request.page_id, request.block_id or ""


def embeds_document(paths: dict[str, str], embeds: dict[EmbedRequest, str]) -> bytes:
    """The file the sync writes: where each synced page is, and each embed's Markdown."""
    rows = [
        {"host": r.host_path, "page": r.page_id, "block": r.block_id, "markdown": markdown}
        for r, markdown in sorted(embeds.items(), key=lambda item: embed_key(item[0]))
    ]
    document = {"format": EMBEDS_FORMAT, "pages": dict(sorted(paths.items())), "embeds": rows}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def parse_embeds(raw: bytes) -> SyncedContent | None:
    """The file read back, or None when it is not one (then nothing is replaced)."""
    try:
        document = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("format") != EMBEDS_FORMAT:
        return None
    pages, rows = document.get("pages"), document.get("embeds")
    if not isinstance(pages, dict) or not isinstance(rows, list):
        return None
    paths = {str(k): v for k, v in pages.items() if isinstance(v, str)}
    embeds: dict[EmbedRequest, str] = {}
    for row in rows:
        if not isinstance(row, dict):
            continue
        host, page, block, text = (row.get(k) for k in ("host", "page", "block", "markdown"))
        if isinstance(host, str) and isinstance(page, str) and isinstance(text, str):
            embeds[EmbedRequest(host, page, block if isinstance(block, str) else None)] = text
    return SyncedContent(SiteLinks.from_paths(paths), embeds, frozenset(paths.values()))


_loaded: dict[Path, tuple[tuple[int, int], SyncedContent | None]] = {}
_loading = threading.Lock()


def load_embeds(path: Path) -> SyncedContent | None:
    """The file at `path`, read again only when it changed (one read per build)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (st.st_mtime_ns, st.st_size)
    with _loading:
        known = _loaded.get(path)
        if known is not None and known[0] == key:
            return known[1]
        try:
            content = parse_embeds(path.read_bytes())
        except OSError:
            content = None
        _loaded[path] = (key, content)
        return content


def page_being_rendered(md: Markdown) -> tuple[str, Path] | None:
    """(the page's path inside docs_dir, docs_dir) from Zensical's rendering context."""
    if "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    page, config = getattr(context, "page", None), getattr(context, "config", None)
    path = getattr(page, "path", None)
    if not isinstance(path, str) or not isinstance(config, dict):
        return None
    docs_dir = Path(str(config.get("root_dir") or ".")) / str(config.get("docs_dir") or "docs")
    return path.replace(os.sep, "/"), docs_dir


class NotionPreprocessor(Preprocessor):
    """Fills embeds and points Notion links at the site, in hand-written pages."""

    def run(self, lines: list[str]) -> list[str]:
        found = page_being_rendered(self.md)
        if found is None:
            return lines
        path, docs_dir = found
        content = load_embeds(docs_dir / META_DIR / EMBEDS)
        if content is None or path in content.synced:
            return lines
        text = "\n".join(lines)
        if "notion" not in text:
            return lines
        text = fill_embeds(text, path, content.embeds)
        # Unsynced links were reported by the sync, which saw every hand-written page.
        text = rewrite_notion_links(text, path, content.links, lambda _message: None)
        return text.split("\n")


class NotionSyncExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(NotionPreprocessor(md), "notion_sync", PRIORITY)


def makeExtension(**kwargs: Any) -> NotionSyncExtension:
    """What Python-Markdown calls for `mkdocs_notion_sync.markdown_extension`."""
    return NotionSyncExtension(**kwargs)
