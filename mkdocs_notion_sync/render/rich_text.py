"""Notion rich text to inline Markdown.

Annotations are opened and closed like a stack over consecutive runs, so a bold phrase
split across runs stays one `**...**` and combined annotations nest. Whitespace at the
edge of an annotated run moves outside its markers (`**bold** text`), because Markdown
does not close emphasis after a space. Strikethrough, underline and colours use inline
HTML tags: unlike `~~`/`==`, a tag also works in the middle of a word.
"""

from __future__ import annotations

from typing import Any

from ..notion.ids import parse_notion_id, parse_notion_url
from ..notion.objects import plain_text
from .context import RenderContext, RichText
from .escape import (
    code_span,
    escape_block_start,
    escape_cell,
    escape_text,
    strip_controls,
)
from .maths import inline_maths
from .urls import link_target

Mark = tuple[str, str]
"""(opener, closer): one open annotation."""

_BOLD: Mark = ("**", "**")
_ITALIC: Mark = ("*", "*")
_STRIKE: Mark = ("<del>", "</del>")
_UNDERLINE: Mark = ("<u>", "</u>")
_NO_MARKS: tuple[Mark, ...] = ()
PLAIN = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}
"""Most runs look like this: no marks to work out."""

__all__ = ["colour_class", "format_date", "inline", "plain_text", "render_rich_text"]


def render_rich_text(rich_text: RichText, ctx: RenderContext) -> str:
    """Inline Markdown that renders to the same visible text, on one line."""
    return inline(rich_text, ctx)


def inline(rich_text: Any, ctx: RenderContext, *, cell: bool = False, links: bool = True) -> str:
    """Inline Markdown, safe at the start of a line; `cell` escapes table pipes too.
    `links=False` keeps every annotation but makes no links (links and page mentions
    show as their text): for text that becomes the text of a link, where a link inside
    a link would break both."""
    if not isinstance(rich_text, list) or not rich_text:
        return ""
    out: list[str] = []
    stack: list[Mark] = []
    for item in rich_text if len(rich_text) == 1 else _coalesce(rich_text):
        if not isinstance(item, dict):
            continue
        body, marks = _item(item, ctx, cell, links)
        if not body:
            continue
        shared = 0
        for opened, wanted in zip(stack, marks, strict=False):
            if opened != wanted:
                break
            shared += 1
        if shared < len(stack):
            _close(out, stack, shared)
        if body.isspace():
            out.append(body)
            continue
        if shared < len(marks):
            stripped = body.lstrip()
            if len(stripped) != len(body):
                out.append(body[: len(body) - len(stripped)])
                body = stripped
            for mark in marks[shared:]:
                out.append(mark[0])
                stack.append(mark)
        if body[0] == "`" and out and out[-1][-1:] == "`":
            out.append("<!-- -->")  # two code spans side by side would merge into one
        out.append(body)
    _close(out, stack, 0)
    markdown = "".join(out).strip()
    return escape_block_start(markdown) if markdown else ""


def _coalesce(rich_text: list[Any]) -> list[dict[str, Any]]:
    """Join adjacent code runs that look the same, skipping empty runs between them:
    Notion splits runs arbitrarily, and `a` `b` side by side should read as `ab`."""
    merged: list[dict[str, Any]] = []
    previous_look: tuple[Any, ...] | None = None
    for item in rich_text:
        if not isinstance(item, dict):
            continue
        notes = item.get("annotations")
        if not (isinstance(notes, dict) and notes.get("code")):
            text = item.get("text")
            if not (isinstance(text, dict) and text.get("content") == ""):
                merged.append(item)
                previous_look = None
            continue
        look = _look(item)
        if look is not None and look == previous_look:
            previous = merged[-1]
            content = _text_content(previous) + _text_content(item)
            merged[-1] = {**previous, "text": {**previous["text"], "content": content}}
        else:
            merged.append(item)
            previous_look = look
    return merged


def _look(item: dict[str, Any]) -> tuple[Any, ...] | None:
    """What decides a text run's markers, or None for mentions and equations."""
    text = item.get("text")
    if item.get("type", "text") != "text" or not isinstance(text, dict):
        return None
    notes = item.get("annotations")
    notes = notes if isinstance(notes, dict) else {}
    link = text.get("link")
    return (
        bool(notes.get("bold")),
        bool(notes.get("italic")),
        bool(notes.get("strikethrough")),
        bool(notes.get("underline")),
        bool(notes.get("code")),
        str(notes.get("color") or "default"),
        str(link.get("url")) if isinstance(link, dict) else None,
        item.get("href") if isinstance(item.get("href"), str) else None,
    )


def _text_content(item: dict[str, Any]) -> str:
    content = item["text"].get("content")
    if isinstance(content, str):
        return content
    shown = item.get("plain_text")
    return shown if isinstance(shown, str) else ""


def _close(out: list[str], stack: list[Mark], keep: int) -> None:
    """Close marks above `keep`, moving trailing whitespace after the closers."""
    trailing = ""
    while out:
        last = out[-1]
        stripped = last.rstrip()
        if len(stripped) == len(last):
            break
        trailing = last[len(stripped) :] + trailing
        if stripped:
            out[-1] = stripped
            break
        out.pop()
    while len(stack) > keep:
        out.append(stack.pop()[1])
    if trailing:
        out.append(trailing)


def _item(
    item: dict[str, Any], ctx: RenderContext, cell: bool, links: bool = True
) -> tuple[str, tuple[Mark, ...]]:
    """(inline Markdown of the run, annotations to have open around it)."""
    kind = item.get("type")
    annotations = item.get("annotations")
    link: str | None = None
    if kind == "mention":
        body = _mention(item, ctx, links)
        body = escape_cell(body) if cell else body
    elif kind == "equation":
        body = _equation(item)  # HTML with no pipe left to split a table cell
    else:
        text = item.get("text")
        if isinstance(text, dict):
            content = text.get("content")
            target = text.get("link")
            if isinstance(target, dict) and isinstance(target.get("url"), str):
                link = target["url"]
        else:
            content = None
        if not isinstance(content, str):
            content = item.get("plain_text")
            if not isinstance(content, str):
                return "", _NO_MARKS
        if link is None and isinstance(item.get("href"), str):
            link = item["href"]
        if not links:
            link = None
        if isinstance(annotations, dict) and annotations.get("code"):
            body = _code(content)  # python-markdown's tables skip pipes in code spans
        else:
            body = escape_text(content)
            body = escape_cell(body) if cell else body
    if link is None and (not isinstance(annotations, dict) or annotations == PLAIN):
        return body, _NO_MARKS
    return body, _marks(annotations if isinstance(annotations, dict) else {}, link, ctx)


def _marks(annotations: dict[str, Any], link: str | None, ctx: RenderContext) -> tuple[Mark, ...]:
    """Marks outermost first, in a fixed order so runs that share a prefix share markers."""
    marks: list[Mark] = []
    if link is not None:
        target = link_target(link, ctx)
        if target is not None:
            marks.append(("[", f"]({target})"))
    colour = colour_class(annotations.get("color"))
    if colour.endswith("-background"):
        marks.append((f'<mark class="{colour}">', "</mark>"))
    elif colour:
        marks.append((f'<span class="{colour}">', "</span>"))
    if annotations.get("bold"):
        marks.append(_BOLD)
    if annotations.get("italic"):
        marks.append(_ITALIC)
    if annotations.get("strikethrough"):
        marks.append(_STRIKE)
    if annotations.get("underline"):
        marks.append(_UNDERLINE)
    return tuple(marks)


def colour_class(color: Any) -> str:
    """`red_background` -> `notion-red-background`: a class the site's CSS may style;
    "" for the default colour or anything that is not a plain colour name."""
    if not isinstance(color, str) or color == "default" or not color.replace("_", "").isalpha():
        return ""
    return "notion-" + color.replace("_", "-")


def _code(content: str) -> str:
    """A code span; edge spaces go outside because Markdown strips them inside."""
    content = strip_controls(content.replace("\n", " ").replace("\r", " "))
    stripped = content.strip()
    if not stripped:
        return content
    start = content.index(stripped[0])
    return content[:start] + code_span(stripped) + content[start + len(stripped) :]


def _equation(item: dict[str, Any]) -> str:
    equation = item.get("equation")
    expression = equation.get("expression") if isinstance(equation, dict) else None
    if not isinstance(expression, str):
        return escape_text(str(item.get("plain_text") or ""))
    return inline_maths(expression)


def _mention(item: dict[str, Any], ctx: RenderContext, links: bool = True) -> str:
    """A mention as a link or text (only text without `links`); never fetches anything."""
    mention = item.get("mention")
    shown = item.get("plain_text")
    text = shown if isinstance(shown, str) else ""
    if not isinstance(mention, dict):
        return escape_text(text)
    kind = mention.get("type")
    data = mention.get(kind) if isinstance(kind, str) else None
    data = data if isinstance(data, dict) else {}
    if kind in ("page", "database"):
        target_id = data.get("id")
        block_id = _linked_block(item.get("href"), target_id)
        target = (
            ctx.link_to_page(target_id, block_id) if links and isinstance(target_id, str) else None
        )
        return _link(text or "Untitled", target)
    if kind == "date":
        return escape_text(format_date(data) or text)
    if kind == "user":
        name = data.get("name")
        if isinstance(name, str) and name:
            return escape_text(name if name.startswith("@") else "@" + name)
        return escape_text(text or "@user")
    if kind in ("link_preview", "link_mention"):
        url = data.get("url") if kind == "link_preview" else data.get("href")
        title = data.get("title") if kind == "link_mention" else None
        if not isinstance(url, str):
            return escape_text(text)
        shown = title if isinstance(title, str) and title else text or url
        return _link(shown, link_target(url, ctx) if links else None)
    if kind == "template_mention":
        value = data.get("template_mention_date") or data.get("template_mention_user")
        fallback = "@" + value.capitalize() if isinstance(value, str) else ""
        return escape_text(text or fallback)
    if kind == "custom_emoji":
        name = data.get("name")
        return escape_text(f":{name}:" if isinstance(name, str) and name else text)
    return escape_text(text)


def _linked_block(href: Any, page_id: Any) -> str | None:
    """The block a page mention points at: Notion writes a mention of a block as a
    mention of its page whose `href` ends in `#<block id>`."""
    if not isinstance(href, str) or "#" not in href or not isinstance(page_id, str):
        return None
    parsed = parse_notion_url(href)
    if parsed is None or parsed[0] != parse_notion_id(page_id):
        return None
    return parsed[1]


def _link(text: str, target: str | None) -> str:
    shown = escape_text(text.replace("\n", " "))
    return f"[{shown}]({target})" if target else shown


def format_date(date: dict[str, Any]) -> str:
    """`2024-05-01 10:30 → 2024-05-02 (Europe/Paris)`: what Notion shows, ISO-ordered."""
    start = date.get("start")
    if not isinstance(start, str) or not start:
        return ""
    shown = _moment(start)
    end = date.get("end")
    if isinstance(end, str) and end:
        shown += " → " + _moment(end)
    zone = date.get("time_zone")
    if isinstance(zone, str) and zone:
        shown += f" ({zone})"
    elif "T" in start:
        offset = start[-6:] if start[-6:-5] in "+-" and start[-3:-2] == ":" else ""
        if start.endswith("Z") or offset in ("+00:00", "-00:00"):
            shown += " (UTC)"
        elif offset:
            shown += f" (UTC{offset})"
    return shown


def _moment(value: str) -> str:
    """`2024-05-01T10:30:00.000+02:00` -> `2024-05-01 10:30`; a plain date stays."""
    day, sep, time = value.partition("T")
    return f"{day} {time[:5]}" if sep and len(time) >= 5 else day
