"""Link cards: bookmarks, link previews, embeds that do not play, and a link mention
standing alone in its paragraph.

A card is one Markdown link inside a paragraph of class `notion-card` (attr_list), so
MkDocs rewrites and checks it like any link, and it works inside lists and admonitions
too. What it shows comes from what the API already gave: a bookmark's caption (with its
formatting; only links inside it are dropped, a link inside a link breaks both) and
URL, a link mention's title, description, provider, icon and thumbnail. Nothing is
fetched to make a card; the icon and thumbnail are the addresses Notion gave, through
the URL policy, or their local copies when `download_external` downloads them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .context import Block
from .escape import escape_text
from .rich_text import plain_text
from .urls import link_target, safe_url
from .walk import Walk, payload

DESCRIPTION_LENGTH = 200
"""Characters of a description shown on a card; Notion shows about two lines."""


def bookmark(block: Block, walk: Walk) -> str:
    """bookmark and link_preview (and embeds that do not play): a card for the URL."""
    data = payload(block)
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        return walk.inline(data.get("caption"))
    return card(url.strip(), walk, title=walk.inline(data.get("caption"), links=False))


def card(
    url: str,
    walk: Walk,
    *,
    title: str = "",
    description: str = "",
    provider: str = "",
    icon: str | None = None,
    thumbnail: str | None = None,
    owner_id: str = "",
    colour: str = "",
) -> str:
    """A card linking to `url`: its title (inline Markdown), description and provider
    (plain text), icon and thumbnail (URLs from Notion). Without an allowed link, only
    the title (or the URL) as text."""
    target = link_target(url, walk.ctx)
    shown_url = escape_text(_display(url))
    if target is None:
        return title or shown_url
    host = urlsplit(target).hostname if "://" in target else None
    parts = [f'<span class="notion-card-title">{title or shown_url}</span>']
    if description:
        short = " ".join(description.split())
        if len(short) > DESCRIPTION_LENGTH:
            short = short[: DESCRIPTION_LENGTH - 1].rstrip() + "…"
        parts.append(f'<span class="notion-card-description">{escape_text(short)}</span>')
    source = provider.strip() or (host or "")
    icon_url = _image(icon, walk, owner_id)
    if source:
        badge = f"![]({icon_url}){{ .notion-card-icon }} " if icon_url else ""
        parts.append(f'<span class="notion-card-url">{badge}{escape_text(source)}</span>')
    thumbnail_url = _image(thumbnail, walk, owner_id)
    if thumbnail_url:
        parts.append(f'![]({thumbnail_url}){{ .notion-card-thumbnail loading="lazy" }}')
    classes = "notion-card" + (f" {colour}" if colour else "")
    return f"[{' '.join(parts)}]({target})\n{{: .{classes.replace(' ', ' .')} }}"


def _display(url: str) -> str:
    """A URL as a card's title when nothing better is known: without its scheme."""
    shown = url.split("://", 1)[1] if "://" in url else url
    return " ".join(shown.split()).rstrip("/") or url


def _image(url: Any, walk: Walk, owner_id: str) -> str | None:
    """An icon or thumbnail Notion named: its local copy when downloads allow it, else
    the address itself if it is a web address (never a site-relative path or another
    scheme: it is somebody else's picture)."""
    if not isinstance(url, str) or not url.strip():
        return None
    cleaned = safe_url(url.strip())
    if cleaned is None or not cleaned.startswith(("https://", "http://")):
        return None
    local = walk.ctx.asset_url({"type": "external", "external": {"url": url.strip()}}, owner_id)
    return safe_url(local) if local else cleaned


def is_link_card(rich_text: Any) -> bool:
    """A paragraph that is one link mention and nothing else, which Notion shows as a
    preview: it becomes a card."""
    if not isinstance(rich_text, list):
        return False
    found = False
    for item in rich_text:
        if not isinstance(item, dict):
            continue
        mention = item.get("mention") if item.get("type") == "mention" else None
        if isinstance(mention, dict) and mention.get("type") == "link_mention" and not found:
            found = True
        elif plain_text([item]).strip():
            return False  # text beside it: an inline mention, not a preview
    return found


def mention_card(rich_text: Any, walk: Walk, *, owner_id: str, colour: str) -> str:
    """The card of a paragraph that `is_link_card`."""
    if not is_link_card(rich_text):
        return ""
    item = next(i for i in rich_text if isinstance(i, dict) and i.get("type") == "mention")
    data = payload(item["mention"])
    url = data.get("href")
    if not isinstance(url, str) or not url.strip():
        return ""
    title = data.get("title")
    shown = item.get("plain_text")
    title = title if isinstance(title, str) and title.strip() else shown
    return card(
        url.strip(),
        walk,
        title=escape_text(" ".join(title.split())) if isinstance(title, str) else "",
        description=_text(data.get("description")),
        provider=_text(data.get("link_provider")) or _text(data.get("link_author")),
        icon=data.get("icon_url"),
        thumbnail=data.get("thumbnail_url"),
        owner_id=owner_id,
        colour=colour,
    )


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
