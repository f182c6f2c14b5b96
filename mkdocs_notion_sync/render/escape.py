"""Escaping of Notion text for the Markdown dialect mkdocs-material reads.

Text is escaped where it lands, not with one blanket regex: inline text, the start of a
block, a table cell, a link target and a code span each have their own rules. Characters
whose meaning depends on optional extensions (`$` arithmatex, `~` tilde, `=` mark, `^`
caret) become numeric entities, which render as the character whatever is enabled.
"""

from __future__ import annotations

import html
import re

# python-markdown marks its placeholders with STX/ETX; no control character is visible.
_CONTROLS: dict[str, str | None] = {chr(c): None for c in range(32) if chr(c) not in "\t\n\r"}
_NO_CONTROLS = str.maketrans(_CONTROLS)
_TEXT = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
        "{": "\\{",
        "}": "\\}",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "$": "&#36;",
        "~": "&#126;",
        "^": "&#94;",
        "\r": " ",
        "\n": "<br>",
        **_CONTROLS,
    }
)
# An underscore between two letters never starts emphasis (snake_case stays readable).
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# `==` starts a mark, also when two text runs meet, so edges count as neighbours.
_MARK_EQUALS = re.compile(r"^=|=$|=(?==)|(?<==)=")
# What would turn the start of a block into a list, heading, quote, admonition or rule.
_BLOCK_START = re.compile(r"(\d+)\.|[-+#!?]|=")
_REFERENCE = re.compile(r"\[[^\[\]]*\]:")
_BACKTICKS = re.compile(r"`+")
# A browser reading a link drops controls and spaces before it and tabs and newlines in it.
_URL_LEADING = "".join(map(chr, range(0x21)))
_URL_INSIDE = re.compile(r"[\t\n\r]")


def escape_text(text: str) -> str:
    """Text that shows exactly as typed wherever inline Markdown is allowed."""
    text = text.translate(_TEXT)
    if "_" in text:
        text = _LONE_UNDERSCORE.sub(r"\\_", text)
    if "=" in text:
        text = _MARK_EQUALS.sub("&#61;", text)
    if "]:" in text:
        # `[...]:` at a line start is a reference definition, even inside a link's text.
        text = text.replace("]:", "]&#58;")
    return text


def escape_block_start(markdown: str) -> str:
    """Inline Markdown placed at the start of a line, made unable to open a block."""
    if markdown[0] == "[" and _REFERENCE.match(markdown):
        # A link whose text holds `]:` in code would read as a reference definition.
        return "<span></span>" + markdown
    match = _BLOCK_START.match(markdown)
    if match is None:
        return markdown
    if match.group(1) is not None:
        end = match.end(1)
        return f"{markdown[:end]}\\{markdown[end:]}"
    first = markdown[0]
    if first == "?":
        return "&#63;" + markdown[1:]
    if first == "=":
        return "&#61;" + markdown[1:]
    return "\\" + markdown


def escape_cell(markdown: str) -> str:
    """Inline Markdown inside a table row, where a bare pipe would split the cell."""
    return markdown.replace("|", "\\|") if "|" in markdown else markdown


def code_span(code: str) -> str:
    """Inline code is never escaped: a fence longer than any backtick run inside."""
    code = code.replace("\n", " ").translate(_NO_CONTROLS)
    longest = max(map(len, _BACKTICKS.findall(code))) if "`" in code else 0
    fence = "`" * (longest + 1)
    if code.startswith("`") or code.endswith("`"):
        code = f" {code} "
    return f"{fence}{code}{fence}"


def strip_controls(text: str) -> str:
    return text.translate(_NO_CONTROLS)


def code_fence(code: str) -> str:
    """A backtick fence longer than any backtick run at a line start in a code block."""
    longest = 0
    for line in code.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("`"):
            longest = max(longest, len(stripped) - len(stripped.lstrip("`")))
    return "`" * max(3, longest + 1)


def attribute(value: str) -> str:
    """A value for a double-quoted attribute in generated HTML or a fence header."""
    return (
        value.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def html_text(text: str) -> str:
    """Text for a template to print as it is: inert inside an element, a quoted
    attribute or a link, whatever the theme does with it.

    Themes print front matter and nav titles unescaped (MkDocs' Jinja has no
    autoescape; Material writes `page.meta.description` into `<meta content="...">`
    and tags, categories and titles as HTML), so the value itself is HTML: `&<>"'` are
    character references, which every one of those places shows as typed. A value a
    browser would follow as a `javascript:` or `vbscript:` link gets a zero-width space
    before its colon, which leaves it looking the same and makes it a relative URL
    (`data:` is left alone: browsers no longer open it from a link). Control
    characters (terminal escapes typed into a title) are dropped, as in the Markdown.
    """
    text = strip_controls(text)
    head, colon, tail = text.partition(":")
    scheme = _URL_INSIDE.sub("", head.lstrip(_URL_LEADING)).lower()
    if colon and scheme in ("javascript", "vbscript"):
        text = f"{head}\u200b:{tail}"
    return html.escape(text, quote=True)
