"""Callouts as admonitions: the icon picks the kind, then the colour, then `note`."""

from __future__ import annotations

from . import blocks
from .context import Block
from .escape import escape_text
from .walk import Walk, details, payload

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
    # The title is inline Markdown: the icon is Notion's text like any other.
    shown = escape_text(" ".join(emoji.split()))
    title = f"{shown} {kind.capitalize()}" if shown else kind.capitalize()
    text = walk.inline(data.get("rich_text"))
    body = "\n\n".join(
        part for part in (text, blocks.children_markdown(block, walk, nested=True)) if part
    )
    return details("!!!", kind, title.replace('"', "&quot;"), body)
