"""Which pages of a source are published: `include` and `exclude`, by title glob, id
or URL, each naming a whole subtree.

The walk asks before it fetches a page, so a left-out subtree costs no requests beyond
what it takes to learn the title of its top page (usually none: search, a database
query or the cache already hold it). The rules, in order:

1. the source's own root is always published (to leave it out, remove the source);
2. a page that matches `exclude` is left out with everything below it;
3. with `include`, a page that matches it is published with everything below it (but
   what `exclude` names); a page that does not is walked only to look for included
   pages below it, and published as their section when it holds any;
4. a database entry (a leaf of its database) that `include` does not name is left out.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from enum import Enum

from ..notion.ids import parse_notion_id
from .model import Source


class Verdict(Enum):
    PUBLISH = "publish"
    """Published, and so is everything below it that `exclude` does not name."""
    LOOK_BELOW = "look below"
    """Not included itself: walked to find included pages below it, and published only
    as the section that holds them."""
    LEAVE_OUT = "leave out"
    """Left out with everything below it; nothing below it is fetched."""


def _normalised(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class Pattern:
    """One entry of `include` or `exclude`: a page id (from an id or a URL), or a title
    glob (`Drafts`, `Draft*`, `*[internal]`), matched without letter case and with
    runs of whitespace as one space."""

    text: str
    page_id: str | None

    @classmethod
    def parse(cls, text: str) -> Pattern:
        return cls(text, parse_notion_id(text))

    def matches(self, page_id: str, title: str | None) -> bool:
        if self.page_id is not None:
            return page_id.lower() == self.page_id
        if title is None:
            return False
        wanted, shown = _normalised(self.text), _normalised(title)
        # A title with brackets is matched as written too: `[` starts a glob class.
        return shown == wanted or fnmatch.fnmatchcase(shown, wanted)


class PublishRules:
    """A source's include and exclude patterns."""

    def __init__(self, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> None:
        self.include = tuple(Pattern.parse(text) for text in include)
        self.exclude = tuple(Pattern.parse(text) for text in exclude)

    @classmethod
    def of(cls, source: Source) -> PublishRules:
        return cls(source.include, source.exclude)

    @property
    def active(self) -> bool:
        return bool(self.include or self.exclude)

    @property
    def needs_title(self) -> bool:
        """Whether a page's title is needed to judge it (some pattern is a title glob)."""
        return any(p.page_id is None for p in (*self.include, *self.exclude))

    def includes_all_below(self, page_id: str, title: str | None) -> bool:
        """Whether everything below this page is included: there is no `include`, or
        the page matches it."""
        return not self.include or any(p.matches(page_id, title) for p in self.include)

    def verdict(self, page_id: str, title: str | None, *, inside: bool, leaf: bool) -> Verdict:
        """`inside`: the page's parent is included with everything below it. `leaf`: a
        database entry, which is not walked for included pages below it. A `title` of
        None (unknown) matches no title glob."""
        if any(p.matches(page_id, title) for p in self.exclude):
            return Verdict.LEAVE_OUT
        if inside or any(p.matches(page_id, title) for p in self.include):
            return Verdict.PUBLISH
        return Verdict.LEAVE_OUT if leaf else Verdict.LOOK_BELOW
