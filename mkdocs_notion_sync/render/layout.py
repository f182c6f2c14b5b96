"""Code, maths, dividers, tables, columns, tabs, synced blocks and meeting notes."""

from __future__ import annotations

from . import blocks
from .code_languages import lexer_for
from .context import Block
from .escape import code_fence, escape_text, strip_controls
from .maths import block_maths
from .rich_text import plain_text
from .walk import Walk, children, indent, payload


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
    return block_maths(expression) if isinstance(expression, str) else ""


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
        content = blocks.children_markdown(each, walk, nested=False)
        cells.append(f"<div markdown>\n\n{content}\n\n</div>" if content else "<div></div>")
    return '<div class="grid" markdown>\n\n' + "\n\n".join(cells) + "\n\n</div>"


def column(block: Block, walk: Walk) -> str:
    """A column's blocks (also a synced block's: its content is just its children)."""
    return blocks.children_markdown(block, walk, nested=False)


def tabs(block: Block, walk: Walk) -> str:
    """Notion's tabs block: each child is one tab, a paragraph whose text (and icon) is
    the tab's title and whose children are its content. Material's content tabs
    (pymdownx.tabbed) where the site has them, else titles and contents in turn."""
    panes = []
    for number, pane in enumerate((c for c in children(block) if isinstance(c, dict)), 1):
        data = payload(pane)
        title = walk.inline(data.get("rich_text"), links=False) or f"Tab {number}"
        icon = data.get("icon")
        emoji = icon.get("emoji") if isinstance(icon, dict) else None
        if isinstance(emoji, str) and emoji.strip():
            title = f"{escape_text(' '.join(emoji.split()))} {title}"
        panes.append((title, blocks.children_markdown(pane, walk, nested=True)))
    if not walk.options.tabs:
        parts = [f"{title}\n{{: .notion-tab-title }}\n\n{body}".strip() for title, body in panes]
        return "\n\n".join(parts)
    # `===!` opens a new set: a tabs block right after another must not join it.
    return "\n\n".join(
        f'==={"!" if index == 0 else ""} "{title.replace(chr(34), "&quot;")}"\n\n'
        + indent(body or "&nbsp;")
        for index, (title, body) in enumerate(panes)
    )


def synced_block(block: Block, walk: Walk) -> str:
    content = blocks.children_markdown(block, walk, nested=False)
    source = payload(block).get("synced_from")
    if not content and source and block.get("has_children"):
        walk.ctx.warn(
            f"synced block {block.get('id')} has no content "
            "(its original is not shared with the integration)"
        )
    return content


def meeting_notes(block: Block, walk: Walk) -> str:
    """meeting_notes (`transcription` before 2026-03-11): title, then summary and notes."""
    title = payload(block).get("title")
    shown = walk.inline(title) if isinstance(title, list) else ""
    if isinstance(title, str) and title.strip():
        shown = escape_text(" ".join(title.split()))
    content = blocks.children_markdown(block, walk, nested=False)
    head = f"**{shown}**" if shown else ""
    return "\n\n".join(part for part in (head, content) if part)
