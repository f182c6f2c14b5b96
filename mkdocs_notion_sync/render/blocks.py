"""Notion blocks to Markdown for mkdocs-material: one small function per block type.

`RENDERERS` maps a block type to a function `(block, walk) -> Markdown`; adding a block
type is adding one function here and one golden test. List items are the exception:
consecutive items form one list, so `render` groups them before dispatching.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import media
from .code_languages import lexer_for
from .context import Block, RenderContext
from .escape import code_fence, escape_text, safe_url, strip_controls
from .rich_text import colour_class, plain_text
from .walk import MAX_DEPTH, Walk, children, indent, payload

Renderer = Callable[[Block, Walk], str]

LIST_TYPES = frozenset({"bulleted_list_item", "numbered_list_item", "to_do"})
_LIST_BREAK = "<!-- -->"
"""Ends a list: python-markdown would otherwise merge two adjacent lists into one."""
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def render_blocks(blocks: list[Block], ctx: RenderContext) -> str:
    """A page body in Markdown, ending with one newline."""
    return render(blocks, Walk(ctx)).strip("\n") + "\n"


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
    index, count = 0, len(blocks)
    while index < count:
        block = blocks[index]
        index += 1
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if isinstance(kind, str) and kind in LIST_TYPES:
            items = [block]
            while index < count:
                following = blocks[index]
                if not isinstance(following, dict) or following.get("type") != kind:
                    break
                items.append(following)
                index += 1
            if last_was_list:
                chunks.append(_LIST_BREAK)
            chunks.append(_list(items, walk))
            last_was_list = True
            continue
        markdown = render_block(block, walk)
        if markdown:
            chunks.append(markdown)
            last_was_list = False
    return "\n\n".join(chunks)


def render_block(block: Block, walk: Walk) -> str:
    """One block; a malformed block becomes a placeholder, never an exception."""
    kind = block.get("type")
    renderer = RENDERERS.get(kind) if isinstance(kind, str) else None
    if renderer is None:
        return unsupported(block, walk)
    try:
        return renderer(block, walk)
    except Exception as error:  # a bad block must not cost the whole page
        walk.ctx.warn(f"could not render {kind} block {block.get('id')}: {error!r}")
        return _placeholder(str(kind))


def _children(block: Block, walk: Walk, *, nested: bool) -> str:
    return render(children(block), walk.deeper(nested=nested))


# --- text blocks -------------------------------------------------------------------


def paragraph(block: Block, walk: Walk) -> str:
    # An empty paragraph is Notion's blank line; `&nbsp;` keeps the spacing.
    data = payload(block)
    text = walk.inline(data.get("rich_text")) or "&nbsp;"
    colour = colour_class(data.get("color"))
    if colour:
        text += f"\n{{: .{colour} }}"
    # Indented blocks under a paragraph would become a code block in Markdown.
    below = _children(block, walk, nested=False)
    return f"{text}\n\n{below}" if below else text


def heading(level: int) -> Renderer:
    """heading_1..4 become h2..h5: the page title is the page's only h1."""
    hashes = "#" * min(level + 1, 6)

    def render_heading(block: Block, walk: Walk) -> str:
        data = payload(block)
        text = walk.inline(data.get("rich_text"))
        if data.get("is_toggleable") and children(block):
            # A toggle heading collapses like a toggle; it leaves the TOC (documented).
            return _details("???", "note", text, _children(block, walk, nested=True))
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
    body = "\n\n".join(part for part in (text, _children(block, walk, nested=True)) if part)
    if not body:
        return ""
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def toggle(block: Block, walk: Walk) -> str:
    text = walk.inline(payload(block).get("rich_text"))
    return _details("???", "note", text, _children(block, walk, nested=True))


def _details(marker: str, kind: str, title: str, body: str) -> str:
    """An admonition (`!!!`) or collapsed details (`???`) with an indented body."""
    head = f'{marker} {kind} "{title}"'
    return f"{head}\n\n{indent(body)}" if body else head


# Callouts: the icon picks the admonition kind, then the colour, then `note`.
_CALLOUT_ICONS = {
    "⚠": "warning",
    "🚧": "warning",
    "⚡": "warning",
    "💡": "tip",
    "✨": "tip",
    "❗": "danger",
    "‼": "danger",
    "🚨": "danger",
    "⛔": "danger",
    "🛑": "danger",
    "❌": "danger",
    "🔥": "danger",
    "\u2139": "info",  # information source
    "📘": "info",
    "✅": "success",
    "✔": "success",
    "❓": "question",
    "🤔": "question",
    "🐛": "bug",
    "🐞": "bug",
    "📝": "note",
    "✏": "note",
    "📌": "abstract",
    "💬": "quote",
    "🧪": "example",
}
_CALLOUT_COLOURS = {
    "red": "danger",
    "orange": "warning",
    "yellow": "warning",
    "green": "success",
    "blue": "info",
    "purple": "example",
    "pink": "quote",
}


def callout(block: Block, walk: Walk) -> str:
    data = payload(block)
    icon = data.get("icon")
    emoji = icon.get("emoji") if isinstance(icon, dict) else None
    emoji = emoji.strip() if isinstance(emoji, str) else ""
    kind = _CALLOUT_ICONS.get(emoji.replace("\ufe0f", ""))
    if kind is None:
        colour = data.get("color")
        colour = colour.removesuffix("_background") if isinstance(colour, str) else ""
        kind = _CALLOUT_COLOURS.get(colour, "note")
    title = f"{emoji} {kind.capitalize()}" if emoji else kind.capitalize()
    text = walk.inline(data.get("rich_text"))
    body = "\n\n".join(part for part in (text, _children(block, walk, nested=True)) if part)
    return _details("!!!", kind, title.replace('"', "'"), body)


# --- lists -------------------------------------------------------------------------


_LIST_FORMATS = {"letters": "a", "roman": "i"}


def _list(items: list[Block], walk: Walk) -> str:
    """One Markdown list from consecutive items of one type, numbered from its start."""
    kind = items[0].get("type")
    number = 1
    if kind == "numbered_list_item":
        first = payload(items[0])
        start = first.get("list_start_index")
        if isinstance(start, int) and not isinstance(start, bool) and start >= 1:
            number = start
        style = _LIST_FORMATS.get(str(first.get("list_format")))
        if (number != 1 or style) and not walk.nested:
            return _html_list(items, walk, number, style)
    loose = False
    rendered = []
    for item in items:
        data = payload(item)
        if kind == "numbered_list_item":
            marker = f"{number}."
            number += 1
        elif kind == "to_do":
            marker = "- [x]" if data.get("checked") else "- [ ]"
        else:
            marker = "-"
        text = walk.inline(data.get("rich_text")) or "&nbsp;"
        line = f"{marker} {text}"
        below = _children(item, walk, nested=True)
        if below:
            only_lists = all(
                isinstance(child, dict) and child.get("type") in LIST_TYPES
                for child in children(item)
            )
            loose = loose or not only_lists
            line += ("\n" if only_lists else "\n\n") + indent(below)
        rendered.append(line)
    return ("\n\n" if loose else "\n").join(rendered)


def _html_list(items: list[Block], walk: Walk, start: int, style: str | None) -> str:
    """An md_in_html `<ol>`: Markdown lists ignore start numbers (python-markdown's
    lazy_ol) and have no letters or roman numerals. Not inside indentation, where
    md_in_html is not parsed; there the list falls back to plain numbers."""
    attributes = (f' start="{start}"' if start != 1 else "") + (f' type="{style}"' if style else "")
    lines = [f"<ol{attributes} markdown>"]
    for item in items:
        text = walk.inline(payload(item).get("rich_text")) or "&nbsp;"
        below = _children(item, walk, nested=False)
        if below:
            lines.append(f'<li markdown="block">\n{text}\n\n{below}\n\n</li>')
        else:
            lines.append(f"<li markdown>{text}</li>")
    lines.append("</ol>")
    return "\n".join(lines)


# --- code, maths, layout -----------------------------------------------------------


def code(block: Block, walk: Walk) -> str:
    data = payload(block)
    source = plain_text(data.get("rich_text")).replace("\r\n", "\n")
    source = strip_controls(source).strip("\n")
    fence = code_fence(source)
    header = fence + lexer_for(data.get("language"))
    caption = " ".join(plain_text(data.get("caption")).split())
    if caption:
        # A double quote would end superfences' title option early.
        header += f' title="{caption.replace(chr(34), chr(39))}"'
    return f"{header}\n{source}\n{fence}"


def equation(block: Block, walk: Walk) -> str:
    expression = payload(block).get("expression")
    if not isinstance(expression, str):
        return ""
    # A blank line would end arithmatex's block early.
    lines = [line for line in expression.strip().split("\n") if line.strip()]
    return "$$\n" + "\n".join(lines) + "\n$$" if lines else ""


def divider(block: Block, walk: Walk) -> str:
    # Not `---`: at the very top of a page MkDocs would read it as front matter.
    return "***"


def table(block: Block, walk: Walk) -> str:
    """A pipe table; without a column header its header row is empty and hidden.

    Python-markdown needs a header row and md_in_html tables fail inside lists and
    admonitions, so the hidden row is the one form that renders correctly everywhere.
    """
    data = payload(block)
    rows: list[list[str]] = []
    for row in children(block):
        if not isinstance(row, dict) or row.get("type") != "table_row":
            continue
        cells = payload(row).get("cells")
        cells = cells if isinstance(cells, list) else []
        rows.append([walk.inline(cell, cell=True) for cell in cells])
    if not rows:
        return ""
    width = data.get("table_width")
    if not isinstance(width, int) or isinstance(width, bool) or width < 1:
        width = 0
    width = max(width, *(len(row) for row in rows))
    if data.get("has_row_header"):
        for row in rows:
            if row and row[0]:
                row[0] = f"<strong>{row[0]}</strong>"
    if data.get("has_column_header"):
        header, body = rows[0], rows[1:]
    else:
        header, body = ['&nbsp; { style="display: none" }'] * width, rows
    lines = [_row(header, width), "|" + " --- |" * width]
    lines.extend(_row(row, width) for row in body)
    return "\n".join(lines)


def _row(cells: list[str], width: int) -> str:
    padded = cells + [""] * (width - len(cells))
    return "| " + " | ".join(padded[:width]) + " |"


def column_list(block: Block, walk: Walk) -> str:
    """Columns side by side in material's grid; stacked where md_in_html cannot reach."""
    columns = [c for c in children(block) if isinstance(c, dict)]
    if walk.nested:
        return "\n\n".join(part for part in (column(c, walk) for c in columns) if part)
    cells = []
    for each in columns:
        content = _children(each, walk, nested=False)
        cells.append(f"<div markdown>\n\n{content}\n\n</div>" if content else "<div></div>")
    return '<div class="grid" markdown>\n\n' + "\n\n".join(cells) + "\n\n</div>"


def column(block: Block, walk: Walk) -> str:
    """A column's blocks; also synced_block and tab, whose content is just their children."""
    return _children(block, walk, nested=False)


def synced_block(block: Block, walk: Walk) -> str:
    content = _children(block, walk, nested=False)
    source = payload(block).get("synced_from")
    if not content and source and block.get("has_children"):
        walk.ctx.warn(
            f"synced block {block.get('id')} has no content "
            "(its original is not shared with the integration)"
        )
    return content


# --- links to other pages ----------------------------------------------------------


def child_page(block: Block, walk: Walk) -> str:
    """child_page and child_database: the sub-page is its own page; link to it."""
    title = payload(block).get("title")
    title = " ".join(title.split()) if isinstance(title, str) and title.strip() else "Untitled"
    block_id = block.get("id")
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
    if target is None:
        walk.ctx.warn(
            f"link_to_page {block.get('id')} points to {target_id}, which is not part of the site"
        )
    return _page_link(title, target)


def _page_link(title: str, target: str | None) -> str:
    shown = escape_text(title)
    url = safe_url(target) if target else None
    return f"[{shown}]({url})" if url else shown


# --- page furniture ----------------------------------------------------------------


def table_of_contents(block: Block, walk: Walk) -> str:
    # MkDocs always loads python-markdown's toc extension, whose marker is `[TOC]`.
    return "[TOC]"


def nothing(block: Block, walk: Walk) -> str:
    """breadcrumb (MkDocs draws its own) and template buttons (nothing to read)."""
    return ""


def meeting_notes(block: Block, walk: Walk) -> str:
    """meeting_notes (`transcription` before 2026-03-11): title, then summary and notes."""
    title = payload(block).get("title")
    shown = walk.inline(title) if isinstance(title, list) else ""
    if isinstance(title, str) and title.strip():
        shown = escape_text(" ".join(title.split()))
    content = _children(block, walk, nested=False)
    head = f"**{shown}**" if shown else ""
    return "\n\n".join(part for part in (head, content) if part)


def unsupported(block: Block, walk: Walk) -> str:
    """A visible placeholder and a warning, for `unsupported` and types newer than us."""
    kind = block.get("type")
    name = str(kind) if kind else "unknown"
    if kind == "unsupported":
        inner = payload(block).get("block_type")
        name = inner if isinstance(inner, str) and inner else "unsupported"
    walk.ctx.warn(f"unsupported Notion block {name!r} ({block.get('id')})")
    # A future container type still shows what it contains.
    content = _children(block, walk, nested=False)
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
    "callout": callout,
    "code": code,
    "equation": equation,
    "divider": divider,
    "table": table,
    "column_list": column_list,
    "column": column,
    "tab": column,
    "synced_block": synced_block,
    "image": media.image,
    "video": media.video,
    "audio": media.audio,
    "pdf": media.file,
    "file": media.file,
    "bookmark": media.bookmark,
    "embed": media.bookmark,
    "link_preview": media.bookmark,
    "child_page": child_page,
    "child_database": child_page,
    "link_to_page": link_to_page,
    "table_of_contents": table_of_contents,
    "breadcrumb": nothing,
    "template": nothing,
    "meeting_notes": meeting_notes,
    "transcription": meeting_notes,
}
"""Block type -> renderer. List item types are grouped by `render` and are not here."""
