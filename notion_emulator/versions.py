"""What differs between the API versions the emulator answers, in one place.

A client picks the version per request (the `Notion-Version` header) and real Notion
answers in that version's shapes and semantics, so the emulator does too; every
difference it knows is a function of the version here, named for what changes:

* 2025-09-03 (notion-client 3.1.0's default): databases are containers of data sources;
  the Views API exists.
* 2026-03-11: `archived` is gone from every object (`in_trash` stays); the
  `transcription` block type is called `meeting_notes`.
* 2026-12-01: search and data source queries return only the title property of each
  page unless `filter_properties` names more; a status `equals` (or `does_not_equal`)
  filter matches option names only, no longer the name of a status group; a person's
  `name` may be null.

Versions are ISO dates, so comparing the strings compares the dates.
"""

from __future__ import annotations

V2022 = "2022-06-28"
V2025 = "2025-09-03"
V2026_03 = "2026-03-11"
V2026_12 = "2026-12-01"
SUPPORTED_VERSIONS = frozenset({V2022, V2025, V2026_03, V2026_12})


def has_archived(version: str) -> bool:
    """Objects still carry the deprecated `archived` next to `in_trash`."""
    return version < V2026_03


def meeting_notes_type(version: str) -> str:
    """The name of the meeting notes block type."""
    return "meeting_notes" if version >= V2026_03 else "transcription"


def lists_only_titles(version: str) -> bool:
    """Search and queries leave out every property but the title unless asked."""
    return version >= V2026_12


def status_matches_groups(version: str) -> bool:
    """A status `equals` filter also matches the options of a group of that name."""
    return version < V2026_12


def names_may_be_null(version: str) -> bool:
    """A person without a display name has `name: null` (before: their email)."""
    return version >= V2026_12


def has_views(version: str) -> bool:
    """The Views API exists from 2025-09-03 on."""
    return version >= V2025
