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
from . import callouts, cards, layout, media, pages
from .anchors import HeadingIds, legacy_anchor, page_anchors
from .context import Block, RenderContext, RenderOptions
from .custom import SKIPPED, Dispatch
from .lists import LIST_BREAK, LIST_TYPES, render_list
from .rich_text import colour_class
from .walk import MAX_DEPTH, Walk, children, details, payload

__all__ = ["LIST_TYPES", "RENDERERS", "block_anchor", "render", "render_blocks"]

Renderer = Callable[[Block, Walk], str]


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def render_blocks(
    blocks: list[Block],
    ctx: RenderContext,
    options: RenderOptions | None = None,
    dispatch: Dispatch | None = None,
) -> str:
    """A page body in Markdown, ending with one newline; `dispatch` brings the site's
    custom renderers and ignored block types (render/custom.py)."""
    walk = Walk(
        ctx,
        options=options or RenderOptions(),
        headings=HeadingIds(page_anchors(blocks, sections=False)),
        dispatch=dispatch if dispatch is not None and dispatch.active else None,
    )
    return render(blocks, walk).strip("\n") + "\n"


def block_anchor(block_id: str) -> str:
    """The old id of a heading (`n-<32 hex>`), which every heading still carries beside
    its readable one (render/anchors.py), so links made before readable anchors land."""
    return legacy_anchor(block_id)


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
    rich_text = data.get("rich_text")
    card = ""
    if cards.is_link_card(rich_text):
        owner = str(block.get("id") or "")
        card = cards.mention_card(
            rich_text, walk, owner_id=owner, colour=colour_class(data.get("color"))
        )
    text = card or (walk.inline(rich_text) or "&nbsp;") + coloured(data.get("color"))
    # Indented blocks under a paragraph would become a code block in Markdown.
    below = children_markdown(block, walk, nested=False)
    return f"{text}\n\n{below}" if below else text


def coloured(color: object) -> str:
    """An attr_list line giving the block's colour class to the element it ends (a
    paragraph, a list item), or "" for the default colour."""
    colour = colour_class(color)
    return f"\n{{: .{colour} }}" if colour else ""


def heading(level: int) -> Renderer:
    """heading_1..4 become h2..h5: the page title is the page's only h1."""
    hashes = "#" * min(level + 1, 6)

    def render_heading(block: Block, walk: Walk) -> str:
        data = payload(block)
        text = walk.inline(data.get("rich_text"))
        colour = colour_class(data.get("color"))
        if data.get("is_toggleable") and children(block):
            # A toggle heading collapses like a toggle; it leaves the TOC (documented).
            body = children_markdown(block, walk, nested=True)
            return details("???", _classes("note", colour), text, body)
        if not text:
            return ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        anchor, legacy = walk.headings.claim(block.get("id"))
        attributes = [f"#{anchor or legacy}"] if anchor or legacy else []
        if anchor and legacy:
            text += f' <span id="{legacy}"></span>'  # old links (`#n-<id>`) still land
        if colour:
            attributes.append(f".{colour}")
        return f"{hashes} {text} {{ {' '.join(attributes)} }}" if attributes else f"{hashes} {text}"

    return render_heading


def _classes(kind: str, colour: str) -> str:
    """An admonition's or details' type and classes: `note notion-red`."""
    return f"{kind} {colour}" if colour else kind


def quote(block: Block, walk: Walk) -> str:
    data = payload(block)
    text = walk.inline(data.get("rich_text"))
    if text:
        text += coloured(data.get("color"))
    body = "\n\n".join(part for part in (text, children_markdown(block, walk, nested=True)) if part)
    if not body:
        return ""
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def toggle(block: Block, walk: Walk) -> str:
    data = payload(block)
    text = walk.inline(data.get("rich_text"))
    kind = _classes("note", colour_class(data.get("color")))
    return details("???", kind, text, children_markdown(block, walk, nested=True))


def table_of_contents(block: Block, walk: Walk) -> str:
    # MkDocs always loads python-markdown's toc extension, whose marker is `[TOC]`.
    colour = colour_class(payload(block).get("color"))
    if colour and not walk.nested:
        return f'<div class="{colour}" markdown>\n\n[TOC]\n\n</div>'
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
    "tab": layout.tabs,
    "synced_block": layout.synced_block,
    "image": media.image,
    "video": media.video,
    "audio": media.audio,
    "pdf": media.file,
    "file": media.file,
    "bookmark": cards.bookmark,
    "embed": media.embed,
    "link_preview": cards.bookmark,
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
