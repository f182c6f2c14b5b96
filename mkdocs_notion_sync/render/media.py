"""Files and media: image, video, audio, pdf, file, and embed blocks.

Nothing here fetches anything. A file's URL comes from the asset store (a local copy)
or, for an external file, from Notion; a Notion-signed URL expires within the hour, so
a Notion-hosted file without a local copy is shown by name only. A player (`<video>`,
`<audio>`, an embed's iframe) is raw HTML, which MkDocs does not rewrite, so a local
file's link in it is made relative to the page's URL (`RenderContext.html_link`).
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from ..notion.objects import file_url as url_of_file
from . import cards, embeds
from .context import Block
from .escape import attribute, escape_text
from .rich_text import plain_text
from .urls import safe_url
from .walk import Walk, payload

PLAYER_CLASS = "notion-player"
"""Marks the players the converter wrote, whose links a generator that moves pages (the
blog plugin) must re-aim (site/paths.py `rebase_players`)."""


def file_url(block: Block, walk: Walk) -> str | None:
    """Where the reader gets the file: the local copy, else a permanent external URL."""
    data = payload(block)
    block_id = block.get("id")
    url = walk.ctx.asset_url(data, block_id) if isinstance(block_id, str) else None
    if url is None and data.get("type") == "external":
        external = data.get("external")
        url = external.get("url") if isinstance(external, dict) else None
    return safe_url(url) if isinstance(url, str) else None


def _caption(block: Block, walk: Walk) -> str:
    return walk.inline(payload(block).get("caption"))


def image(block: Block, walk: Walk) -> str:
    url = file_url(block, walk)
    caption = _caption(block, walk)
    if url is None:
        return caption
    alt = escape_text(" ".join(plain_text(payload(block).get("caption")).split()))
    picture = f"![{alt}]({url})"
    if not caption:
        return picture
    if walk.nested:
        return f"{picture}\n\n{caption}"
    return (
        f'<figure markdown="span">\n{picture}\n'
        f"<figcaption markdown>{caption}</figcaption>\n</figure>"
    )


def player(tag: str, url: str, walk: Walk) -> str:
    """`<video>` or `<audio>` for a local copy (made relative to the page's URL) or a
    web address; `preload="metadata"`: a page with many players loads none at once."""
    src = url if "://" in url else walk.ctx.html_link(url)
    return (
        f'<{tag} class="{PLAYER_CLASS}" controls preload="metadata" src="{attribute(src)}"></{tag}>'
    )


def _with_caption(shown: str, block: Block, walk: Walk) -> str:
    caption = _caption(block, walk)
    return f"{shown}\n\n{caption}" if caption else shown


def video(block: Block, walk: Walk) -> str:
    """A video file plays in `<video>`; a provider's page (YouTube, Vimeo, Loom...)
    plays in the provider's iframe (embeds.py) or, with `embeds: link`, is a card."""
    url = file_url(block, walk)
    if url is None:
        return _caption(block, walk)
    if embeds.is_video_file(url) or "://" not in url:
        return _with_caption(player("video", url, walk), block, walk)
    found = embeds.embeddable(url) if walk.options.embeds == "iframe" else None
    if found is not None:
        return embeds.framed(found, block, walk)
    title = walk.inline(payload(block).get("caption"), links=False)
    return cards.card(url, walk, title=title)


def audio(block: Block, walk: Walk) -> str:
    url = file_url(block, walk)
    if url is None:
        return _caption(block, walk)
    return _with_caption(player("audio", url, walk), block, walk)


def embed(block: Block, walk: Walk) -> str:
    """An embed block: an allow-listed provider's player, a video file's `<video>`, or
    a link card for anything else (and for everything with `embeds: link`)."""
    data = payload(block)
    url = data.get("url")
    cleaned = safe_url(url.strip()) if isinstance(url, str) and url.strip() else None
    if cleaned is not None and "://" in cleaned and embeds.is_video_file(cleaned):
        return _with_caption(player("video", cleaned, walk), block, walk)
    found = embeds.embeddable(cleaned) if cleaned and walk.options.embeds == "iframe" else None
    if found is not None:
        return embeds.framed(found, block, walk)
    return cards.bookmark(block, walk)


def file(block: Block, walk: Walk) -> str:
    """A download link named after the file (pdf and file blocks)."""
    data = payload(block)
    url = file_url(block, walk)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        name = plain_text(data.get("caption")) or _name_from(data) or "Download"
    shown = escape_text(" ".join(name.split()))
    link = f"[{shown}]({url}){_download_as(name, url)}" if url else shown
    caption = _caption(block, walk)
    return f"{link}: {caption}" if caption and caption != shown else link


def _download_as(name: str, url: str) -> str:
    """`{ download="report.html" }` when the site's copy of a file is named otherwise
    (a file that is not inert is published as `<hash>.bin`), so the reader saves it
    under its own name; nothing for external links or same-typed copies."""
    site_ext = posixpath.splitext(urlsplit(url).path)[1]
    if "://" in url or site_ext.lower() == posixpath.splitext(name)[1].lower():
        return ""
    kept = "".join(c for c in " ".join(name.split()) if c.isprintable() and c not in '"{}\\')
    return f'{{ download="{kept}" }}' if kept.strip() else ""


def _name_from(data: dict[str, Any]) -> str:
    """The last path segment of the file's URL, as Notion names a file without a name."""
    url = url_of_file(data)
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1]) if url else ""
