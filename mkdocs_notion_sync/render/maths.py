"""Notion equations as the HTML pymdownx.arithmatex (generic) writes, built here.

An expression is not Markdown: written as `$...$` or `$$...$$` for arithmatex to find,
a `$`, `\\)`, a blank line or a failed match ended the maths early and the rest, a
`<script>` included, was read as Markdown and raw HTML. So the converter writes the
element arithmatex would have written (`<span class="arithmatex">\\(...\\)</span>`,
`<div class="arithmatex">\\[...\\]</div>`) with every character of the expression that
means anything to Markdown or HTML as a numeric character reference, on one line.
Python-markdown passes references through untouched, the browser turns them back into
the expression's text, and MathJax or KaTeX (configured as mkdocs-material documents)
typeset that text; whatever the expression holds, it is maths or text, never markup.

TeX's `\\href` makes a link: its URL goes through the one URL policy like any other.
"""

from __future__ import annotations

import re

from .escape import strip_controls
from .urls import safe_url

_TEX_LINK = re.compile(r"\\href(?![A-Za-z])(\s*\{([^{}]*)\})?")


def inline_maths(expression: str) -> str:
    """An inline equation; `` for an empty one."""
    expression = " ".join(_tex(strip_controls(expression)).split())
    if not expression:
        return ""
    maths = _references("\\(" + expression + "\\)")
    return f'<span class="arithmatex">{maths}</span>'


def block_maths(expression: str) -> str:
    """A block equation on one line; blank lines inside it are dropped, as before."""
    lines = [line for line in strip_controls(expression).strip().split("\n") if line.strip()]
    if not lines:
        return ""
    maths = _references("\\[\n" + _tex("\n".join(lines)) + "\n\\]")
    return f'<div class="arithmatex">{maths}</div>'


def _tex(expression: str) -> str:
    """`\\href{URL}` stays for an allowed URL; any other `\\href` (its URL refused, or
    used through a macro) becomes the word "href" in text."""

    def checked(match: re.Match[str]) -> str:
        url = match.group(2)
        if url is not None and safe_url(url) is not None:
            return match.group(0)
        return "\\text{href}" + (match.group(1) or "")

    return _TEX_LINK.sub(checked, expression)


def _references(text: str) -> str:
    """Every ASCII character but letters, digits and spaces as `&#N;`."""
    return "".join(
        f"&#{ord(char)};" if char.isascii() and not (char.isalnum() or char == " ") else char
        for char in text
    )
