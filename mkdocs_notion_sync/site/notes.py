"""What rendering noted about each page, for the build's own lines and the render cache.

A page notes the block types it holds (the render cache keys a page on the custom
renderers and ignored types it touches), how many blocks `ignore_blocks` skipped (one
INFO line per build counts them) and which pages left out by include/exclude it links
to (one WARNING per build lists them). A page served from the render cache replays its
stored notes, so a warm build prints what the cold one printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..log import Warnings, log
from ..render.escape import strip_controls

SHOWN_TARGETS = 10
"""Left-out pages named in the WARNING; the rest are counted."""
SHOWN_SOURCES = 3
"""Linking pages named per left-out page."""


@dataclass
class PageNotes:
    kinds: set[str] = field(default_factory=set)
    ignored: Counter[str] = field(default_factory=Counter)
    left_out_links: set[str] = field(default_factory=set)

    def stored(self) -> dict[str, Any]:
        """Plain data for the render cache's record."""
        return {
            "kinds": sorted(self.kinds),
            "ignored": dict(sorted(self.ignored.items())),
            "left_out_links": sorted(self.left_out_links),
        }

    @classmethod
    def from_stored(cls, value: object) -> PageNotes | None:
        """The notes of a stored record, or None when it holds none that can be read."""
        if not isinstance(value, dict):
            return None
        kinds, ignored, links = (value.get(k) for k in ("kinds", "ignored", "left_out_links"))
        if not (isinstance(kinds, list) and isinstance(ignored, dict) and isinstance(links, list)):
            return None
        counts = Counter({str(k): int(v) for k, v in ignored.items() if isinstance(v, int)})
        return cls(set(map(str, kinds)), counts, set(map(str, links)))


def _shown(title: str) -> str:
    text = " ".join(strip_controls(title).split()) or "Untitled"
    return text if len(text) <= 80 else text[:79] + "…"


class BuildNotes:
    """Every page's notes, and the two lines they add up to."""

    def __init__(self, left_out: Mapping[str, str]) -> None:
        self.left_out = left_out
        self.ignored: Counter[str] = Counter()
        self.links: dict[str, set[str]] = {}
        """Left-out page id -> titles of the published pages that link to it."""

    def add(self, title: str, notes: PageNotes) -> None:
        self.ignored.update(notes.ignored)
        for target in notes.left_out_links:
            if target in self.left_out:
                self.links.setdefault(target, set()).add(_shown(title))

    def report(self, warnings: Warnings) -> None:
        if self.ignored:
            counts = ", ".join(f"{kind} ({n})" for kind, n in sorted(self.ignored.items()))
            log.info(
                "left out %d block(s) of the types in ignore_blocks: %s",
                sum(self.ignored.values()),
                counts,
            )
        if self.links:
            warnings.warn(self._left_out_line())

    def _left_out_line(self) -> str:
        targets = sorted(self.links, key=lambda t: (_shown(self.left_out[t]).casefold(), t))
        parts = [self._target(t) for t in targets[:SHOWN_TARGETS]]
        more = len(targets) - SHOWN_TARGETS
        if more > 0:
            parts.append(f"and {more} more")
        return (
            f"links to {len(targets)} page(s) left out by include/exclude became plain "
            f"text: {'; '.join(parts)}"
        )

    def _target(self, target: str) -> str:
        title = self.left_out.get(target) or ""
        name = f'"{_shown(title)}" ({target})' if title else target
        sources = sorted(self.links[target])
        shown = ", ".join(f'"{s}"' for s in sources[:SHOWN_SOURCES])
        if len(sources) > SHOWN_SOURCES:
            shown += f" and {len(sources) - SHOWN_SOURCES} more"
        return f"{name} from {shown}"
