"""Files, media and links out of the page: image, video, audio, pdf, file, bookmark, embed.

Nothing here fetches anything. A file's URL comes from the asset store (a local copy)
or, for an external file, from Notion; a Notion-signed URL expires within the hour, so
a Notion-hosted file without a local copy is shown by name only.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from ..notion.objects import file_url as url_of_file
from .context import Block
from .escape import attribute, escape_text
from .rich_text import plain_text
from .urls import link_target, safe_url
from .walk import Walk, payload

_VIDEO_SUFFIXES = (".mp4", ".webm", ".ogv", ".ogg", ".mov", ".m4v")


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


def _link_text(block: Block) -> str:
    """A caption as link text: plain, since a link inside a link breaks both."""
    return escape_text(" ".join(plain_text(payload(block).get("caption")).split()))


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


def video(block: Block, walk: Walk) -> str:
    url = file_url(block, walk)
    caption = _caption(block, walk)
    if url is None:
        return caption
    if urlsplit(url).path.lower().endswith(_VIDEO_SUFFIXES) or not url.startswith("http"):
        player = f'<video controls src="{attribute(url)}"></video>'
        return f"{player}\n\n{caption}" if caption else player
    # A streaming site's page (YouTube, Vimeo) cannot play in <video>; never embed it.
    return f"[{_link_text(block) or escape_text(url)}]({url})"


def audio(block: Block, walk: Walk) -> str:
    url = file_url(block, walk)
    caption = _caption(block, walk)
    if url is None:
        return caption
    player = f'<audio controls src="{attribute(url)}"></audio>'
    return f"{player}\n\n{caption}" if caption else player


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


def bookmark(block: Block, walk: Walk) -> str:
    """bookmark, embed and link_preview: a link, never a fetched card or iframe."""
    data = payload(block)
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        return _caption(block, walk)
    target = link_target(url, walk.ctx)
    shown = _link_text(block) or escape_text(url.strip())
    return f"[{shown}]({target})" if target else shown
