"""The warm build's request budget (#23, the database part), counted by the emulator:
with nothing changed, one search plus one request per source root and nothing else;
and what each kind of change in a database costs, no more, no less."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.viewsite import HOME, NOTES, PROJECTS, SHIP, TASKS, TASKS_DS, WRITE, views_workspace

SEARCH = "POST /v1/search"
PAGE = "GET /v1/pages/{id}"
QUERY = "POST /v1/data_sources/{id}/query"
SOURCES = [
    {"page": HOME, "dest": "home"},  # a linked view and a child database inside
    {"page": PROJECTS, "dest": "projects"},  # the tasks database inside
    {"database": TASKS, "dest": "board", "view": "Board"},
]


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(views_workspace()) as emu:
        yield emu


def _site(tmp_path: Path, emulator: Emulator, sources: list[dict[str, Any]]) -> Path:
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": sources}
    return write_site(tmp_path, plugin)


def _build(config: Path, emulator: Emulator) -> tuple[BuiltSite, dict[str, int]]:
    """A build, and the requests Notion saw for it."""
    emulator.stats.reset()
    site = run_build(config, strict=True)
    assert site.error is None, site.messages()
    return site, dict(emulator.stats.by_endpoint)


def _later(emulator: Emulator) -> None:
    """Past the minute of the last sync: Notion stamps edits to the minute."""
    emulator.workspace.advance(120)


def test_nothing_changed_costs_one_search_and_one_request_per_root(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _site(tmp_path, emulator, SOURCES)
    _cold, cold_requests = _build(config, emulator)
    assert cold_requests.get("GET /v1/views", 0) >= 1, "the Board is found by name"
    _later(emulator)
    warm, requests = _build(config, emulator)
    assert requests == {SEARCH: 1, PAGE: 2, QUERY: 1}, requests
    total = warm.summary().split(" pages")[0].split()[-1]
    assert f"{total} pages ({total} cached, 0 fetched)" in warm.summary(), warm.summary()
    assert "4 API requests" in warm.summary()


def test_an_edited_entry_refetches_its_database_and_that_entry_only(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _site(tmp_path, emulator, SOURCES)
    _build(config, emulator)
    _later(emulator)
    emulator.workspace.set_property(WRITE, "Due", "2026-04-01")
    site, requests = _build(config, emulator)
    # Search names the entry; its database (in Projects, and the Board root) is read
    # again: container, schema, the view and its query; and the entry's blocks once.
    assert requests[SEARCH] == 1
    assert requests["GET /v1/blocks/{id}/children"] == 1
    assert requests["GET /v1/users"] == 1, "something was fetched: names may be new"
    assert requests[QUERY] == 2, (
        "the tasks (the Board root, which Projects links to) and the linked view"
    )
    assert "GET /v1/databases/{id}" in requests
    html = site.html("board/index.html").get_text()
    assert "Due: 2026-04-01" in html
    assert "2026-04-01" in site.html("home/index.html").get_text(), "the linked view too"
    assert "2 fetched)" in site.summary(), "the entry and its database's index"


def test_an_entry_trashed_leaves_the_root_database_at_once(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _site(tmp_path, emulator, [{"database": TASKS, "dest": "board", "view": "Board"}])
    _build(config, emulator)
    _later(emulator)
    # Not in search any more; only the root's entries query notices.
    emulator.workspace.blocks[SHIP].in_trash = True
    emulator.workspace.generation += 1
    site, requests = _build(config, emulator)
    assert requests == {SEARCH: 1, QUERY: 1}, requests
    assert "Ship 1.0" not in site.html("board/index.html").get_text()
    assert "6 pages (5 cached, 1 fetched)" in site.summary(), site.summary()


def test_a_schema_change_is_read_through_search(tmp_path: Path, emulator: Emulator) -> None:
    config = _site(tmp_path, emulator, [{"page": HOME, "dest": "home"}])
    _build(config, emulator)
    _later(emulator)
    emulator.workspace.add_property(NOTES, "Owner", "people")
    site, requests = _build(config, emulator)
    assert requests["GET /v1/data_sources/{id}"] == 1, requests
    assert requests[QUERY] == 1, "the notes database only, not the linked view"
    rows = site.html("home/notes/index.html").select("article table th")
    assert "Owner" in [th.get_text(strip=True) for th in rows]


def test_a_new_entry_shows_in_a_database_inside_a_page(tmp_path: Path, emulator: Emulator) -> None:
    config = _site(tmp_path, emulator, [{"page": HOME, "dest": "home"}])
    _build(config, emulator)
    _later(emulator)
    emulator.workspace.add_page(NOTES, "Note C")
    site, requests = _build(config, emulator)
    assert requests[QUERY] == 1
    assert (site.site / "home/notes/note-c/index.html").is_file()


def test_the_users_list_is_not_asked_for_when_nothing_was_fetched(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _site(tmp_path, emulator, [{"database": TASKS, "dest": "t"}])
    _, cold = _build(config, emulator)
    assert cold["GET /v1/users"] == 1
    _later(emulator)
    _, warm = _build(config, emulator)
    assert "GET /v1/users" not in warm and warm == {SEARCH: 1, QUERY: 1}, warm
    assert TASKS_DS  # the one data source queried
