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
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..log import log
from ..notion.ids import parse_notion_id
from .model import Page, Source


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


class Publishing:
    """One walk's include/exclude bookkeeping: the verdicts, what was left out, what is
    included with everything below it and what was walked only to look below."""

    def __init__(self, *, show_drafts: bool, was_left_out: Mapping[str, dict[str, Any]]) -> None:
        self.show_drafts = show_drafts
        """`mkdocs serve` with `drafts_in_serve`: left-out pages are shown as drafts."""
        self.was_left_out = dict(was_left_out)
        """What the last sync left out without fetching it (Cache.left_out)."""
        self.left_out: dict[str, str] = {}
        """Page id -> title ("" unknown) of every page left out now (links to them are text)."""
        self.left_out_now: dict[str, dict[str, Any]] = {}
        """What to record for the next sync: `{"id", "title"}` (`{}` judged by id alone)."""
        self._rules: dict[str, PublishRules] = {}
        self._inside: set[str] = set()
        self._looking: set[str] = set()
        self._lock = threading.Lock()

    def rules_of(self, source: Source) -> PublishRules:
        with self._lock:
            rules = self._rules.get(source.id)
            if rules is None:
                rules = self._rules[source.id] = PublishRules.of(source)
            return rules

    def applies(self, source: Source, parent: Page | None) -> bool:
        """Whether a page is judged at all: not a source's root, not below a draft, and
        only when its source has rules."""
        return parent is not None and not parent.draft and self.rules_of(source).active

    def judge(
        self, page_id: str, source: Source, parent: Page, title: str | None, *, leaf: bool
    ) -> Verdict | None:
        """The page's verdict; None when it is left out (and so recorded), which a
        LEAVE_OUT verdict means only while drafts are shown."""
        verdict = self.rules_of(source).verdict(
            page_id, title, inside=parent.id in self._inside, leaf=leaf
        )
        if verdict is not Verdict.LEAVE_OUT or self.show_drafts:
            return verdict
        with self._lock:
            self.left_out[page_id] = title or ""
            self.left_out_now[page_id] = {"id": page_id, "title": title} if title else {}
        return None

    def place(self, page: Page, verdict: Verdict) -> None:
        """Records what a published page's verdict means for the pages below it."""
        if page.parent is None:
            inside = self.rules_of(page.source).includes_all_below(page.id, page.title)
        else:
            page.draft = page.parent.draft or verdict is Verdict.LEAVE_OUT
            inside = verdict is Verdict.PUBLISH
        with self._lock:
            if inside:
                self._inside.add(page.id)
            if verdict is Verdict.LOOK_BELOW:
                self._looking.add(page.id)

    def settle(self, page: Page, uncount: Callable[[str], None]) -> bool:
        """After the walk: a page walked only to look for included pages below it that
        holds none is left out (or, with drafts shown, a draft), and `uncount`ed from
        the summary. True when the page is published and not a draft."""
        kept: list[Page] = []
        published_below = False
        for child in page.children:
            published = self.settle(child, uncount)
            if published or child.draft:
                kept.append(child)
            published_below = published_below or published
        page.children = kept
        if page.id not in self._looking or published_below:
            return not page.draft
        for below in page.walk():
            if self.show_drafts:
                below.draft = True
            else:
                self.left_out.setdefault(below.id, below.title)
                uncount(below.id)
        return False

    def report(self, roots: list[Page]) -> None:
        if self.left_out:
            log.info("left out %d page(s) by include/exclude", len(self.left_out))
        drafts = sum(1 for root in roots for page in root.walk() if page.draft)
        if drafts:
            log.info("showing %d page(s) left out by include/exclude as drafts", drafts)
