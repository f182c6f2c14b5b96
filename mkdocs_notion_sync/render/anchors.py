"""Heading anchors: readable ids from heading text, unique within the page, and where a
link to any block of a page lands.

`page_anchors` decides them from a page's block tree alone, so the page's own headings
(rendered here) and links to them from other pages (site/paths.py) always agree. The
slug is python-slugify's, as for page paths: lower case, unicode letters kept, words
joined by `-` (`Your first week` -> `your-first-week`); a repeated heading gets `-2`,
`-3`. Each heading also keeps its old id, `n-<block id>`, so links made before
readable anchors still land.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from ..notion.objects import payload, plain_text

HEADING_TYPES = frozenset({"heading_1", "heading_2", "heading_3", "heading_4"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_SLUG_LENGTH = 64


def legacy_anchor(block_id: str) -> str:
    """The id every heading had before readable anchors (`n-<32 hex>`), kept beside the
    new one so that old links still land."""
    return "n-" + _NOT_ALNUM.sub("", block_id.lower())


def heading_slug(text: str) -> str:
    """The readable part of a heading's anchor; "" when the text has no letters or
    digits at all (an emoji), and the heading then keeps its `n-<id>` anchor only."""
    return str(slugify(text, allow_unicode=True, max_length=_SLUG_LENGTH, word_boundary=True))


def is_heading(block: dict[str, Any]) -> bool:
    """A heading block that renders as a heading (a toggle heading with children is a
    collapsed block, which has no anchor)."""
    kind = block.get("type")
    if not isinstance(kind, str) or kind not in HEADING_TYPES:
        return False
    data = payload(block)
    return not (data.get("is_toggleable") and block.get("children"))


@dataclass(frozen=True)
class PageAnchors:
    """Where links to a page's blocks land."""

    headings: dict[str, str] = field(default_factory=dict)
    """Heading block id (32 hex digits, no dashes) -> the heading's id."""
    sections: dict[str, str] = field(default_factory=dict)
    """Any block id -> the id of the heading it sits under (the heading itself for a
    heading); blocks before the first heading are not here: links land on the page."""

    def anchor(self, block_id: str) -> str | None:
        """The id a link to this block (any spelling of its id) lands on, or None."""
        return self.sections.get(_key(block_id))


def _key(block_id: str) -> str:
    """One spelling of a block id whatever the link wrote (dashes, capitals)."""
    return block_id.replace("-", "").lower()


def page_anchors(blocks: Any, *, sections: bool = True) -> PageAnchors:
    """Every heading's id, in document order, and (unless `sections` is false: the
    page's own rendering needs only its headings) every block's section. A heading
    keeps its own slug unless an earlier heading has it; a repeat takes the first
    `-N` that is no heading's own slug, so adding a second "Setup" never moves the
    anchor of "Setup 2"."""
    order = list(_in_order(blocks))
    wanted: dict[str, str] = {}
    for block in order:
        raw_id = block.get("id")
        if is_heading(block) and isinstance(raw_id, str) and raw_id:
            slug = heading_slug(plain_text(payload(block).get("rich_text")).strip())
            if slug:
                wanted.setdefault(_key(raw_id), slug)
    headings: dict[str, str] = {}
    taken = set(wanted.values())
    given: set[str] = set()
    for block_id, slug in wanted.items():
        anchor = slug if slug not in given else unique(slug, taken)
        given.add(anchor)
        headings[block_id] = anchor
    if not sections:
        return PageAnchors(headings)
    landing: dict[str, str] = {}
    current: str | None = None
    for block in order:
        raw_id = block.get("id")
        if not isinstance(raw_id, str) or not raw_id:
            continue
        block_id = _key(raw_id)
        current = headings.get(block_id, current)
        if current is not None:
            landing.setdefault(block_id, current)
    return PageAnchors(headings, landing)


def _in_order(blocks: Any) -> Iterator[dict[str, Any]]:
    """Every block in document order, each block object once: a tree that contains
    itself (hostile, or a synced block gone wrong) is read once, not forever."""
    seen: set[int] = set()
    stack = list(reversed(blocks)) if isinstance(blocks, list) else []
    while stack:
        block = stack.pop()
        if not isinstance(block, dict) or id(block) in seen:
            continue
        seen.add(id(block))
        yield block
        children = block.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))


def unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`... whichever is free; it is then taken."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return candidate


class HeadingIds:
    """The ids the headings of one rendering get: each its anchor from `page_anchors`,
    once. A heading rendered twice (a synced block shown twice on the page) gets a
    fresh id the second time, so no two elements share one."""

    def __init__(self, anchors: PageAnchors) -> None:
        self._anchors = anchors
        self._taken = set(anchors.headings.values())
        self._given: set[str] = set()

    def claim(self, block_id: Any) -> tuple[str | None, str | None]:
        """(readable id, old `n-<id>` id) for a heading block; either may be None."""
        legacy = legacy_anchor(block_id) if isinstance(block_id, str) and block_id else None
        anchor = self._anchors.headings.get(_key(block_id)) if legacy else None
        if anchor is None:
            return None, self._give(legacy)
        if anchor in self._given:
            return self._give(unique(anchor, self._taken)), None
        return self._give(anchor), self._give(legacy)

    def _give(self, anchor: str | None) -> str | None:
        if anchor is None or anchor in self._given:
            return None
        self._given.add(anchor)
        return anchor
