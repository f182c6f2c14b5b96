"""Links to other pages: child pages and databases, and link_to_page blocks."""

from __future__ import annotations

from .context import Block
from .escape import escape_text
from .urls import safe_url
from .walk import Walk, payload


def child_page(block: Block, walk: Walk) -> str:
    """child_page and child_database: the sub-page is its own page; link to it. A
    linked database (a view of a database elsewhere) is shown where it is instead."""
    title = payload(block).get("title")
    title = " ".join(title.split()) if isinstance(title, str) and title.strip() else "Untitled"
    block_id = block.get("id")
    if isinstance(block_id, str) and walk.ctx.is_left_out(block_id):
        return ""  # include/exclude left the sub-page out: it stays out of sight
    if block.get("type") == "child_database" and isinstance(block_id, str):
        inline = walk.ctx.inline_database(block_id, nested=walk.nested)
        if inline is not None:
            return inline
    target = walk.ctx.link_to_page(block_id) if isinstance(block_id, str) else None
    return _page_link(title, target)


def link_to_page(block: Block, walk: Walk) -> str:
    """A link to a page or database; the API gives no title, the sync may add `title`."""
    data = payload(block)
    target_id = data.get(kind) if isinstance(kind := data.get("type"), str) else None
    if data.get("type") == "comment_id" or not isinstance(target_id, str):
        return ""
    title = data.get("title")
    title = title if isinstance(title, str) and title.strip() else "Linked page"
    target = walk.ctx.link_to_page(target_id)
    if target is None and not walk.ctx.is_left_out(target_id):
        walk.ctx.warn(
            f"link_to_page {block.get('id')} points to {target_id}, which is not part of the site"
        )
    return _page_link(title, target)


def _page_link(title: str, target: str | None) -> str:
    shown = escape_text(title)
    url = safe_url(target) if target else None
    return f"[{shown}]({url})" if url else shown
