"""Bulleted, numbered and to-do items: consecutive items of one type form one list."""

from __future__ import annotations

from . import blocks
from .context import Block
from .rich_text import colour_class
from .walk import Walk, children, indent, payload

LIST_TYPES = frozenset({"bulleted_list_item", "numbered_list_item", "to_do"})
LIST_BREAK = "<!-- -->"
"""Ends a list: python-markdown would otherwise merge two adjacent lists into one."""


_LIST_FORMATS = {"letters": "a", "roman": "i"}


def render_list(items: list[Block], walk: Walk) -> str:
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
        # The colour line is the item's own: attr_list gives its class to the <li>.
        line = f"{marker} {text}" + blocks.coloured(data.get("color")).replace("\n", "\n    ")
        below = blocks.children_markdown(item, walk, nested=True)
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
        data = payload(item)
        text = walk.inline(data.get("rich_text")) or "&nbsp;"
        colour = colour_class(data.get("color"))
        coloured = f' class="{colour}"' if colour else ""
        below = blocks.children_markdown(item, walk, nested=False)
        if below:
            lines.append(f'<li{coloured} markdown="block">\n{text}\n\n{below}\n\n</li>')
        else:
            lines.append(f"<li{coloured} markdown>{text}</li>")
    lines.append("</ol>")
    return "\n".join(lines)
