"""Answers that are valid JSON but the wrong shape, for every endpoint the plugin calls:
each ends as one line (or, where nothing is lost, is read as empty), never a traceback
out of `mkdocs build` or the command line.

The emulator's `rewrite` fault replaces the 200 answers the real notion-client receives
over HTTP, so the whole path (transport, notion-client, our checks, the sync) is tested.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_notion_sync.cli import main
from mkdocs_notion_sync.errors import NotionSyncError
from mkdocs_notion_sync.notion.api import NotionAPI
from mkdocs_notion_sync.notion.ids import parse_notion_id
from mkdocs_notion_sync.settings import Settings
from notion_emulator import Emulator

from .support.bounded import finishes
from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import (
    DB,
    FIRST,
    PEOPLE,
    ROOT,
    SETUP_PARA,
    TOKEN,
    changelog_database,
    handbook,
)

Answer = Any
Mutation = Callable[[Answer], Answer]


def _workspace() -> dict[str, Any]:
    data = handbook()
    data["users"] = PEOPLE
    root = data["pages"][0]
    root["comments"] = ["A comment on the handbook."]
    root["blocks"].append(changelog_database(DB))
    return data


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with emulate(_workspace()) as emu:
        yield emu


@pytest.fixture(autouse=True)
def _clean_faults(emulator: Emulator) -> Iterator[None]:
    emulator.faults.rewrite = None
    yield
    emulator.faults.rewrite = None


@pytest.fixture(scope="module")
def api(emulator: Emulator) -> Iterator[NotionAPI]:
    client = NotionAPI(
        Settings(token=TOKEN, api_url=emulator.url, rate_limit=1000.0, max_retries=0)
    )
    yield client
    client.close()


@pytest.fixture(scope="module")
def data_source(api: NotionAPI) -> str:
    return str(api.database(DB)["data_sources"][0]["id"])


def _calls(data_source: str) -> dict[str, Callable[[NotionAPI], Any]]:
    """Every endpoint the plugin calls, and the call it makes."""
    return {
        "GET /v1/users/me": lambda api: api.me(),
        "GET /v1/pages/{id}": lambda api: api.page(ROOT),
        "GET /v1/blocks/{id}": lambda api: api.block(SETUP_PARA),
        "GET /v1/blocks/{id}/children": lambda api: api.children(ROOT),
        "GET /v1/databases/{id}": lambda api: api.database(DB),
        "GET /v1/data_sources/{id}": lambda api: api.data_source(data_source),
        "POST /v1/data_sources/{id}/query": lambda api: list(api.query(data_source)),
        "POST /v1/search": lambda api: list(api.recently_edited("")),
        "GET /v1/users": lambda api: api.users(),
        "GET /v1/comments": lambda api: api.comments(ROOT),
        "GET /v1/pages/{id}/properties/{property_id}": lambda api: api.property_items(
            FIRST, "title"
        ),
    }


LISTS = {
    "GET /v1/blocks/{id}/children",
    "POST /v1/data_sources/{id}/query",
    "POST /v1/search",
    "GET /v1/users",
    "GET /v1/comments",
    "GET /v1/pages/{id}/properties/{property_id}",
}
WITHOUT_IDS = {"GET /v1/users/me", "GET /v1/pages/{id}/properties/{property_id}"}


def _assert_usable(endpoint: str, result: Any) -> None:
    """What the sync relies on: objects, and ids it can put in the next request's path."""
    items = result if endpoint in LISTS else [result]
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, dict), item
        if endpoint not in WITHOUT_IDS:
            assert isinstance(item.get("id"), str) and parse_notion_id(item["id"]) == item["id"]
        if endpoint == "GET /v1/blocks/{id}/children":
            assert "children" not in item  # children are fetched, never smuggled in
    if endpoint == "GET /v1/databases/{id}":
        for data_source in result.get("data_sources") or []:
            assert isinstance(data_source, dict)
            assert parse_notion_id(str(data_source.get("id"))) == data_source["id"]


# -- random wrong shapes on every endpoint -----------------------------------------------

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "type", "results", "x"]) | st.text(), inner)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "results",
        "id",
        "has_more",
        "next_cursor",
        "data_sources",
        "object",
        "type",
        "properties",
        "children",
        "has_children",
    ]
)


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    """Replace the answer, set or drop one of its fields, or spoil one of its results."""
    how = draw(st.sampled_from(["replace", "set", "drop", "insert", "spoil"]))
    junk = draw(JUNK)
    key = draw(FIELDS)
    index = draw(st.integers(0, 5))

    def mutate(answer: Answer) -> Answer:
        answer = copy.deepcopy(answer)
        if how == "replace" or not isinstance(answer, dict):
            return junk
        results = answer.get("results")
        if how == "set":
            answer[key] = junk
        elif how == "drop":
            answer.pop(key, None)
        elif isinstance(results, list) and results:
            if how == "insert":
                results.insert(index % (len(results) + 1), junk)
            elif isinstance(results[index % len(results)], dict):
                results[index % len(results)][key] = junk
        elif isinstance(answer.get("data_sources"), list) and answer["data_sources"]:
            answer["data_sources"][0][key] = junk
        return answer

    return mutate


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_endpoint_answers_any_wrong_shape_with_one_line_or_usable_data(
    emulator: Emulator, api: NotionAPI, data_source: str, data: st.DataObject
) -> None:
    calls = _calls(data_source)
    endpoint = data.draw(st.sampled_from(sorted(calls)), label="endpoint")
    mutate = data.draw(mutations(), label="mutation")
    emulator.faults.rewrite = lambda seen, answer: mutate(answer) if seen == endpoint else answer
    try:
        result = calls[endpoint](api)
    except NotionSyncError as error:
        assert "\n" not in str(error) and "\r" not in str(error), str(error)
        return
    finally:
        emulator.faults.rewrite = None
    _assert_usable(endpoint, result)


# -- the examples of the issue, through `mkdocs build` -----------------------------------


def _add_result(value: Any) -> Mutation:
    def mutate(answer: Answer) -> Answer:
        return {**answer, "results": [*answer["results"], value]}

    return mutate


def _only_for_setup(mutate: Mutation) -> Mutation:
    """Spoils only the children of the "Set up" page, so the rest of the site builds."""

    def maybe(answer: Answer) -> Answer:
        ids = {r.get("id") for r in answer.get("results", []) if isinstance(r, dict)}
        return mutate(answer) if SETUP_PARA in ids else answer

    return maybe


def _once(mutate: Mutation) -> Mutation:
    """Spoils the first matching answer only (a block added to every children list
    would be its own child, for ever)."""
    done: list[bool] = []

    def first(answer: Answer) -> Answer:
        if done:
            return answer
        done.append(True)
        return mutate(answer)

    return first


def _child_block(**fields: Any) -> dict[str, Any]:
    return {
        "object": "block",
        "id": "12345678-0000-4000-8000-00000000abcd",
        "type": "paragraph",
        "has_children": True,
        "paragraph": {"rich_text": []},
        **fields,
    }


def _entry_with_long_relation(answer: Answer) -> Answer:
    """A query whose first entry says its relation goes on (so it is fetched in full)."""
    entry = answer["results"][0]
    entry["properties"]["Related"]["has_more"] = True
    return answer


FAILS = "fails"
BUILDS = "builds"
CASES: dict[str, tuple[str, Mutation, str]] = {
    "search answers a list": ("POST /v1/search", lambda a: a["results"], FAILS),
    "search results hold a string": ("POST /v1/search", _add_result("page"), FAILS),
    "search has_more is a string": ("POST /v1/search", lambda a: {**a, "has_more": "no"}, FAILS),
    "children hold a number": ("GET /v1/blocks/{id}/children", _add_result(7), FAILS),
    "a child's id is a path": (
        "GET /v1/blocks/{id}/children",
        _add_result(_child_block(id="../../users/me")),
        FAILS,
    ),
    "a child without id": (
        "GET /v1/blocks/{id}/children",
        _add_result({"object": "block", "type": "paragraph", "has_children": True}),
        FAILS,
    ),
    "a synced block whose payload is a list": (
        "GET /v1/blocks/{id}/children",
        _once(_add_result(_child_block(id=SETUP_PARA, type="synced_block", synced_block=[1]))),
        BUILDS,
    ),
    "children smuggled into a block": (
        "GET /v1/blocks/{id}/children",
        _add_result(_child_block(has_children=False, children=[{"type": "x"}] * 3)),
        BUILDS,
    ),
    # The root page is always retrieved (to notice it going away), but a cold build has
    # its object from search too: a broken retrieve loses nothing.
    "a null page body": ("GET /v1/pages/{id}", lambda a: None, BUILDS),
    "a page that is a list": ("GET /v1/pages/{id}", lambda a: [a], BUILDS),
    "a page with a numeric id": ("GET /v1/pages/{id}", lambda a: {**a, "id": 5}, BUILDS),
    "data_sources is a string": (
        "GET /v1/databases/{id}",
        lambda a: {**a, "data_sources": "all"},
        FAILS,
    ),
    "a data source without id": (
        "GET /v1/databases/{id}",
        lambda a: {**a, "data_sources": [{"name": "x"}]},
        FAILS,
    ),
    "a data source that is a number": ("GET /v1/data_sources/{id}", lambda a: 3, FAILS),
    "query results hold a string": (
        "POST /v1/data_sources/{id}/query",
        _add_result("entry"),
        FAILS,
    ),
    "users hold a list": ("GET /v1/users", _add_result([1]), FAILS),
}


def _build(tmp_path: Path, emulator: Emulator, **options: Any) -> BuiltSite:
    plugin: dict[str, Any] = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "max_retries": 1,
        "sources": [{"page": ROOT, "dest": "handbook"}],
    }
    plugin.update(options)
    config = write_site(tmp_path, plugin)
    site: list[BuiltSite] = []
    error = finishes(lambda: site.append(run_build(config)), 60)
    assert error is None, f"a traceback out of mkdocs build: {error!r}"
    return site[0]


def _build_error(site: BuiltSite) -> str:
    """The build failed, and said why in one `notion-sync: ...` line."""
    assert site.error is not None, f"published a broken answer: {site.messages(logging.INFO)}"
    errors = site.messages(logging.ERROR)
    assert len(errors) == 1, errors
    assert errors[0].startswith("notion-sync: ") and "\n" not in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrong_shape_in_a_build_is_one_line_or_harmless(
    tmp_path: Path, emulator: Emulator, case: str
) -> None:
    endpoint, mutate, expected = CASES[case]
    emulator.faults.rewrite = lambda seen, answer: mutate(answer) if seen == endpoint else answer
    site = _build(tmp_path, emulator)
    if expected == BUILDS:
        assert site.error is None, site.messages(logging.WARNING)
        assert (site.site / "handbook/guide/set-up/index.html").is_file()
        return
    assert "malformed" in _build_error(site)


def test_malformed_property_items_and_comments_end_the_build_with_one_line(
    tmp_path: Path, emulator: Emulator
) -> None:
    for endpoint, extra in (
        ("GET /v1/pages/{id}/properties/{property_id}", {}),
        ("GET /v1/comments", {"comments": True}),
    ):

        def rewrite(seen: str, answer: Answer, endpoint: str = endpoint) -> Answer:
            if seen == "POST /v1/data_sources/{id}/query":
                return _entry_with_long_relation(answer)
            return _add_result(None)(answer) if seen == endpoint else answer

        emulator.faults.rewrite = rewrite
        site = _build(tmp_path / endpoint.split()[1].replace("/", "_"), emulator, **extra)
        assert "malformed" in _build_error(site)


@pytest.mark.parametrize("on_error", ["fail", "warn"])
def test_one_pages_broken_children_follow_on_error(
    tmp_path: Path, emulator: Emulator, on_error: str
) -> None:
    """A children list holding a number means Notion's answer is broken: the page is not
    published from it. `fail` stops with one line; `warn` leaves the page out (or serves
    its cached copy) with a WARNING, and the rest of the site builds."""
    emulator.faults.rewrite = lambda seen, answer: (
        _only_for_setup(_add_result(7))(answer)
        if seen == "GET /v1/blocks/{id}/children"
        else answer
    )
    site = _build(tmp_path, emulator, on_error=on_error)
    if on_error == "fail":
        assert "malformed" in _build_error(site)
        return
    assert site.error is None, site.messages(logging.WARNING)
    assert not (site.site / "handbook/guide/set-up/index.html").exists()
    assert (site.site / "handbook/faq/index.html").is_file()
    assert any("left out page" in w and "malformed" in w for w in site.warnings()), site.warnings()


# -- the command line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "endpoint", "mutate"),
    [
        ("check", "GET /v1/users/me", lambda a: [a]),
        ("check", "GET /v1/pages/{id}", lambda a: "page"),
        ("pull", "GET /v1/blocks/{id}/children", _add_result(7)),
    ],
    ids=["check-me-list", "check-page-string", "pull-children-number"],
)
def test_the_command_line_reports_a_wrong_shape_in_one_line(
    tmp_path: Path,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    command: str,
    endpoint: str,
    mutate: Mutation,
) -> None:
    config = write_site(
        tmp_path,
        {
            "api_url": emulator.url,
            "rate_limit": 1000,
            "max_retries": 0,
            "sources": [{"page": ROOT, "dest": "handbook"}],
        },
    )
    emulator.faults.rewrite = lambda seen, answer: mutate(answer) if seen == endpoint else answer
    argv = ["-f", str(config), command]
    if command == "pull":
        argv += ["--out", str(tmp_path / "out")]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1
    text = out + err
    assert "Traceback" not in text and "unexpected" not in text, text
    lines = [line for line in text.splitlines() if "malformed" in line]
    assert len(lines) == 1, text
