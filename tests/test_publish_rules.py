"""The include/exclude rules and the front-matter shapes, one decision at a time."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from mkdocs_notion_sync.site.front_matter import mapped_front_matter
from mkdocs_notion_sync.sync.model import Page, Source
from mkdocs_notion_sync.sync.publish import PublishRules, Verdict

ID = "c0c0c0c0-0000-4000-8000-000000000004"


@pytest.mark.parametrize(
    ("pattern", "title", "matches"),
    [
        ("Drafts", "drafts", True),
        ("Drafts", "  Drafts\n", True),
        ("Draft*", "Drafts and ideas", True),
        ("Drafts [old]", "Drafts [old]", True),  # brackets as written
        ("Drafts [old]", "Drafts o", True),  # ... or as a glob class
        ("Drafts", "Drafts 2", False),
        ("*internal*", "Team (Internal)", True),
        (ID, "anything", True),
        (ID.replace("-", ""), "anything", True),
    ],
)
def test_a_pattern_matches_titles_and_ids(pattern: str, title: str, matches: bool) -> None:
    rules = PublishRules(exclude=(pattern,))
    verdict = rules.verdict(ID, title, inside=True, leaf=False)
    assert (verdict is Verdict.LEAVE_OUT) is matches


def test_an_unknown_title_is_judged_by_id_alone() -> None:
    rules = PublishRules(include=("Guide",), exclude=("Drafts",))
    assert rules.verdict(ID, None, inside=False, leaf=False) is Verdict.LOOK_BELOW
    assert rules.verdict(ID, None, inside=False, leaf=True) is Verdict.LEAVE_OUT
    assert rules.verdict(ID, None, inside=True, leaf=True) is Verdict.PUBLISH
    assert rules.needs_title and not PublishRules(exclude=(ID,)).needs_title


def _entry(front_matter: dict[str, str], **properties: dict[str, Any]) -> Page:
    source = Source("database", "d", "x", front_matter=tuple(front_matter.items()))
    obj = {
        "properties": {name: {"type": prop["type"], **prop} for name, prop in properties.items()}
    }
    return Page(id="e", kind="entry", title="E", source=source, obj=obj)


def _text(value: str) -> dict[str, Any]:
    return {"type": "rich_text", "rich_text": [{"plain_text": value, "type": "text"}]}


@pytest.mark.parametrize(
    ("key", "prop", "expected", "warns"),
    [
        ("icon", _text("material/rocket"), "material/rocket", False),
        ("icon", _text("material/no-such-icon-at-all"), None, True),
        ("icon", _text("../../../../etc/passwd"), None, True),
        ("icon", _text("material/../../x"), None, True),
        (
            "date",
            {"type": "date", "date": {"start": "2026-05-01"}},
            datetime.date(2026, 5, 1),
            False,
        ),
        (
            "date",
            {"type": "date", "date": {"start": "2026-05-01T10:30:00.000Z"}},
            datetime.datetime(2026, 5, 1, 10, 30, tzinfo=datetime.timezone.utc),
            False,
        ),
        ("date", _text("2026-05-01"), datetime.date(2026, 5, 1), False),
        ("date", _text("next week <b>"), None, True),
        ("date", {"type": "date", "date": {"start": "2026-13-45"}}, None, True),
        ("slug", _text("Über <x> / ../y"), "über-x-y", False),
        ("homepage", {"type": "url", "url": "javascript:alert(1)"}, None, False),
        ("homepage", {"type": "url", "url": "java\tscript:alert(1)"}, None, False),
        ("tags", {"type": "select", "select": {"name": "One"}}, ["One"], False),
        (
            "description",
            {"type": "multi_select", "multi_select": [{"name": "a"}, {"name": "b"}]},
            "a, b",
            False,
        ),
        ("flag", {"type": "checkbox", "checkbox": False}, False, False),
    ],
)
def test_values_take_the_shape_their_key_wants(
    key: str, prop: dict[str, Any], expected: Any, warns: bool
) -> None:
    warnings: list[str] = []
    page = _entry({key: "P"}, P=prop)
    found = mapped_front_matter(page, titles={}, blog_authors=None, warn=warnings.append)
    assert found.get(key) == expected
    assert bool(warnings) is warns, warnings
