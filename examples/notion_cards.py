"""Callouts with a chosen emoji as a Material card grid: a custom renderer for
mkdocs-notion-sync (docs/custom-renderers.md walks through it).

In Notion, write a callout with the 🗂️ icon and put one toggle per card inside it: the
toggle's text is the card's title, what the toggle holds is the card's body. Every
other callout keeps the built-in rendering (an admonition).

    plugins:
      - notion-sync:
          renderers:
            callout:
              renderer: notion_cards:callout
              options: {emoji: "🗂️"}
"""

from __future__ import annotations

from typing import Any


def callout(block: dict[str, Any], ctx: Any) -> str | None:
    """Markdown for a card-grid callout, or None for the built-in admonition."""
    icon = ctx.payload().get("icon") or {}
    wanted = ctx.options.get("emoji", "🗂️")
    if icon.get("type") != "emoji" or icon.get("emoji") != wanted:
        return None  # not ours: the built-in renderer draws it
    if ctx.nested:
        return None  # a grid needs md_in_html, which does not work inside indentation
    cards = []
    for child in ctx.children():
        # rich_text() escapes what Notion sent: a title cannot inject markup.
        title = ctx.rich_text(ctx.payload(child).get("rich_text"))
        body = ctx.render_children(child, nested=True)  # indented below: nested=True
        card = f"-   __{title}__" if title else "-   &nbsp;"
        if body:
            card += "\n\n    ---\n\n" + ctx.indent(body)
        cards.append(card)
    if not cards:
        return None
    heading = ctx.rich_text(ctx.payload().get("rich_text"))
    grid = '<div class="grid cards" markdown>\n\n' + "\n\n".join(cards) + "\n\n</div>"
    return f"{heading}\n\n{grid}" if heading else grid
