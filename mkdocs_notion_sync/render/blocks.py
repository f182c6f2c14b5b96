"""Notion blocks to Markdown for mkdocs-material: one small function per block type.

`RENDERERS` maps a block type to a function `(block, walk) -> Markdown`; adding a block
type is adding one function (here or in the module of its kind: callouts, lists, layout,
pages, media) and one golden test. List items are the exception: consecutive items form
one list, so `render` groups them before dispatching.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import NotionSyncError
from . import callouts, layout, media, pages
from .context import Block, RenderContext
from .custom import SKIPPED, Dispatch
from .lists import LIST_BREAK, LIST_TYPES, render_list
from .rich_text import colour_class
from .walk import MAX_DEPTH, Walk, children, details, payload

__all__ = ["LIST_TYPES", "RENDERERS", "block_anchor", "render", "render_blocks"]

Renderer = Callable[[Block, Walk], str]


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def render_blocks(blocks: list[Block], ctx: RenderContext, dispatch: Dispatch | None = None) -> str:
    """A page body in Markdown, ending with one newline; `dispatch` brings the site's
    custom renderers and ignored block types (render/custom.py)."""
    active = dispatch if dispatch is not None and dispatch.active else None
    return render(blocks, Walk(ctx, dispatch=active)).strip("\n") + "\n"


def block_anchor(block_id: str) -> str:
    """The HTML id a heading block gets, so `page.md#<anchor>` can target it.

    Only headings carry it (`## Setup { #n-<32 hex> }`): the id follows the block, not its
    text, so links survive a rename. Links to other blocks should target the page.
    """
    return "n-" + _NOT_ALNUM.sub("", block_id.lower())


def render(blocks: Any, walk: Walk) -> str:
    """Blocks at one level, separated by blank lines, with list items grouped."""
    if not isinstance(blocks, list) or not blocks:
        return ""
    if walk.depth > MAX_DEPTH:
        walk.ctx.warn(f"blocks nested deeper than {MAX_DEPTH} skipped")
        return ""
    chunks: list[str] = []
    last_was_list = False
    units = _dispatched(blocks, walk)
    index, count = 0, len(units)
    while index < count:
        block = units[index]
        index += 1
        if isinstance(block, str):
            if block:  # a custom renderer's Markdown
                chunks.append(block)
                last_was_list = False
            continue
        kind = block.get("type")
        if isinstance(kind, str) and kind in LIST_TYPES:
            items = [block]
            while index < count:
                following = units[index]
                if not isinstance(following, dict) or following.get("type") != kind:
                    break
                items.append(following)
                index += 1
            if last_was_list:
                chunks.append(LIST_BREAK)
            chunks.append(render_list(items, walk))
            last_was_list = True
            continue
        markdown = render_block(block, walk)
        if markdown:
            chunks.append(markdown)
            last_was_list = False
    return "\n\n".join(chunks)


def _dispatched(blocks: list[Any], walk: Walk) -> list[Block | str]:
    """The blocks to render in order, with ignored ones dropped and those a custom
    renderer drew replaced by its Markdown (before list items are grouped, so a
    renderer for `to_do` gets each item)."""
    dispatch = walk.dispatch
    units: list[Block | str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        outcome = dispatch.handle(block, walk) if dispatch is not None else None
        if outcome is SKIPPED:
            continue
        units.append(outcome if isinstance(outcome, str) else block)
    return units


def render_block(block: Block, walk: Walk) -> str:
    """One block; a malformed block becomes a placeholder, never an exception."""
    kind = block.get("type")
    renderer = RENDERERS.get(kind) if isinstance(kind, str) else None
    if renderer is None:
        return unsupported(block, walk)
    try:
        return renderer(block, walk)
    except NotionSyncError:
        raise  # a custom renderer inside this block failed: that fails the build
    except Exception as error:  # a bad block must not cost the whole page
        walk.ctx.warn(f"could not render {kind} block {block.get('id')}: {error!r}")
        return _placeholder(str(kind))


def children_markdown(block: Block, walk: Walk, *, nested: bool) -> str:
    """The block's children, one level deeper."""
    return render(children(block), walk.deeper(nested=nested))


def paragraph(block: Block, walk: Walk) -> str:
    # An empty paragraph is Notion's blank line; `&nbsp;` keeps the spacing.
    data = payload(block)
    text = walk.inline(data.get("rich_text")) or "&nbsp;"
    colour = colour_class(data.get("color"))
    if colour:
        text += f"\n{{: .{colour} }}"
    # Indented blocks under a paragraph would become a code block in Markdown.
    below = children_markdown(block, walk, nested=False)
    return f"{text}\n\n{below}" if below else text


def heading(level: int) -> Renderer:
    """heading_1..4 become h2..h5: the page title is the page's only h1."""
    hashes = "#" * min(level + 1, 6)

    def render_heading(block: Block, walk: Walk) -> str:
        data = payload(block)
        text = walk.inline(data.get("rich_text"))
        if data.get("is_toggleable") and children(block):
            # A toggle heading collapses like a toggle; it leaves the TOC (documented).
            return details("???", "note", text, children_markdown(block, walk, nested=True))
        if not text:
            return ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        block_id = block.get("id")
        attributes = (
            [f"#{block_anchor(block_id)}"] if isinstance(block_id, str) and block_id else []
        )
        colour = colour_class(data.get("color"))
        if colour:
            attributes.append(f".{colour}")
        return f"{hashes} {text} {{ {' '.join(attributes)} }}" if attributes else f"{hashes} {text}"

    return render_heading


def quote(block: Block, walk: Walk) -> str:
    text = walk.inline(payload(block).get("rich_text"))
    body = "\n\n".join(part for part in (text, children_markdown(block, walk, nested=True)) if part)
    if not body:
        return ""
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def toggle(block: Block, walk: Walk) -> str:
    text = walk.inline(payload(block).get("rich_text"))
    return details("???", "note", text, children_markdown(block, walk, nested=True))


def table_of_contents(block: Block, walk: Walk) -> str:
    # MkDocs always loads python-markdown's toc extension, whose marker is `[TOC]`.
    return "[TOC]"


def nothing(block: Block, walk: Walk) -> str:
    """breadcrumb (MkDocs draws its own) and template buttons (nothing to read)."""
    return ""


def unsupported(block: Block, walk: Walk) -> str:
    """A visible placeholder and a warning, for `unsupported` and types newer than us."""
    kind = block.get("type")
    name = str(kind) if kind else "unknown"
    if kind == "unsupported":
        inner = payload(block).get("block_type")
        name = inner if isinstance(inner, str) and inner else "unsupported"
    walk.ctx.warn(f"unsupported Notion block {name!r} ({block.get('id')})")
    # A future container type still shows what it contains.
    content = children_markdown(block, walk, nested=False)
    return f"{_placeholder(name)}\n\n{content}" if content else _placeholder(name)


def _placeholder(name: str) -> str:
    safe = _NOT_ALNUM.sub("_", name.lower())[:40]
    return f'!!! warning "Unsupported Notion block: {safe}"'


RENDERERS: dict[str, Renderer] = {
    "paragraph": paragraph,
    "heading_1": heading(1),
    "heading_2": heading(2),
    "heading_3": heading(3),
    "heading_4": heading(4),
    "quote": quote,
    "toggle": toggle,
    "callout": callouts.callout,
    "code": layout.code,
    "equation": layout.equation,
    "divider": layout.divider,
    "table": layout.table,
    "column_list": layout.column_list,
    "column": layout.column,
    "tab": layout.column,
    "synced_block": layout.synced_block,
    "image": media.image,
    "video": media.video,
    "audio": media.audio,
    "pdf": media.file,
    "file": media.file,
    "bookmark": media.bookmark,
    "embed": media.bookmark,
    "link_preview": media.bookmark,
    "child_page": pages.child_page,
    "child_database": pages.child_page,
    "link_to_page": pages.link_to_page,
    "table_of_contents": table_of_contents,
    "breadcrumb": nothing,
    "template": nothing,
    "meeting_notes": layout.meeting_notes,
    "transcription": layout.meeting_notes,
}
"""Block type -> renderer. List item types are grouped by `render` and are not here."""
