"""The emulator's Views API and its answers per API version, through notion-client.

The emulator is the oracle the plugin is tested against, so what it says about views
and versions is tested on its own, in the shapes notion-sdk-js types give
(src/api-endpoints/views.ts) and the upgrade guides describe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from notion_client import APIResponseError, Client
from notion_client.helpers import collect_paginated_api

from notion_emulator import Emulator, Workspace

from .support.emulators import emulate
from .support.workspaces import TOKEN

DB = "d1d1d1d1-0000-4000-8000-000000000001"
DS = "d1d1d1d1-0000-4000-8000-0000000000d5"
BOARD = "b0b0b0b0-0000-4000-8000-000000000001"
LINKED = "1e1e1e1e-0000-4000-8000-000000000001"
LINKED_VIEW = "1e1e1e1e-0000-4000-8000-0000000000f1"
HOLDER = "a0a0a0a0-0000-4000-8000-000000000001"
NAMELESS = "5e5e5e5e-0000-4000-8000-000000000001"

_OPEN: list[Client] = []


def tasks_workspace() -> dict[str, Any]:
    return {
        "seed": "emulator-views",
        "users": [
            {"id": "5e5e5e5e-0000-4000-8000-000000000002", "name": "Ada"},
            {"id": NAMELESS, "name": None, "email": "nameless@example.org"},
        ],
        "pages": [
            {
                "id": HOLDER,
                "title": "Holder",
                "blocks": [
                    {
                        "database": {
                            "id": DB,
                            "data_source_id": DS,
                            "title": "Tasks",
                            "properties": {
                                "Name": "title",
                                "Status": {
                                    "type": "status",
                                    "options": ["Not started", "Doing", "Review", "Done"],
                                },
                                "Due": "date",
                                "Notes": "rich_text",
                            },
                            "entries": [
                                {"title": "Write", "properties": {"Status": "Doing"}},
                                {"title": "Check", "properties": {"Status": "Review"}},
                                {"title": "Ship", "properties": {"Status": "Done"}},
                                {"title": "Plan", "properties": {"Status": "Not started"}},
                            ],
                            "views": [
                                {"name": "All", "type": "table"},
                                {
                                    "id": BOARD,
                                    "name": "Board",
                                    "type": "board",
                                    "group_by": "Status",
                                    "properties": ["Name", "Due"],
                                    "filter": {"property": "Status", "status": {"equals": "Done"}},
                                    "sorts": [{"property": "Name", "direction": "ascending"}],
                                },
                            ],
                        }
                    },
                    {
                        "linked_database": {
                            "id": LINKED,
                            "database": DB,
                            "views": [{"id": LINKED_VIEW, "name": "Mine", "type": "list"}],
                        }
                    },
                ],
            }
        ],
    }


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with emulate(tasks_workspace()) as emulator:
        yield emulator
    while _OPEN:
        _OPEN.pop().close()


def client(emulator: Emulator, version: str = "2025-09-03") -> Client:
    made = Client(
        auth=TOKEN,
        base_url=emulator.url,
        notion_version=version,
        logger=logging.getLogger("test_emulator_views"),
        retry=False,
    )
    _OPEN.append(made)
    return made


def test_a_view_has_the_shape_of_the_views_api(emu: Emulator) -> None:
    view = client(emu).views.retrieve(view_id=BOARD)
    assert view["object"] == "view" and view["id"] == BOARD
    assert view["parent"] == {"type": "database_id", "database_id": DB}
    assert view["data_source_id"] == DS and view["type"] == "board" and view["name"] == "Board"
    assert view["url"].endswith("?v=" + BOARD.replace("-", ""))
    assert view["filter"] == {"property": "Status", "status": {"equals": "Done"}}
    assert view["sorts"] == [{"property": "Name", "direction": "ascending"}]
    config = view["configuration"]
    assert config["type"] == "board"
    assert (
        config["group_by"]["type"] == "status" and config["group_by"]["property_name"] == "Status"
    )
    shown = [p["property_name"] for p in config["properties"] if p["visible"]]
    assert shown == ["Name", "Due"]
    assert {p["property_name"] for p in config["properties"]} == {"Name", "Status", "Due", "Notes"}


def test_views_are_listed_by_database_and_by_data_source(emu: Emulator) -> None:
    notion = client(emu)
    by_database = collect_paginated_api(notion.views.list, database_id=DB)
    assert all(ref == {"object": "view", "id": ref["id"]} for ref in by_database)
    assert [ref["id"] for ref in by_database][1] == BOARD and len(by_database) == 2
    by_source = {ref["id"] for ref in collect_paginated_api(notion.views.list, data_source_id=DS)}
    assert {BOARD, LINKED_VIEW} <= by_source, "linked views of the data source are listed too"
    with pytest.raises(APIResponseError) as error:
        notion.views.list()
    assert error.value.code == "validation_error"


def test_a_linked_database_is_not_retrievable_but_its_views_are(emu: Emulator) -> None:
    notion = client(emu)
    with pytest.raises(APIResponseError) as error:
        notion.databases.retrieve(database_id=LINKED)
    assert error.value.code == "validation_error" and "linked database" in str(error.value)
    (ref,) = collect_paginated_api(notion.views.list, database_id=LINKED)
    view = notion.views.retrieve(view_id=ref["id"])
    assert view["parent"]["database_id"] == LINKED and view["data_source_id"] == DS
    block = notion.blocks.retrieve(block_id=LINKED)
    assert block["type"] == "child_database" and block["child_database"]["title"] == "Untitled"


def test_views_need_api_2025_09_03(emu: Emulator) -> None:
    with pytest.raises(APIResponseError) as error:
        client(emu, "2022-06-28").views.retrieve(view_id=BOARD)
    assert error.value.code == "validation_error"


def test_an_unknown_or_unshared_view_is_not_found(emu: Emulator) -> None:
    emu.workspace.databases[DB].shared = False
    with pytest.raises(APIResponseError) as error:
        client(emu).views.retrieve(view_id=BOARD)
    assert error.value.code == "object_not_found"
    with pytest.raises(APIResponseError):
        client(emu).views.retrieve(view_id="00000000-0000-4000-8000-00000000abcd")


def _titles(answer: dict[str, Any]) -> list[str]:
    return [r["properties"]["Name"]["title"][0]["plain_text"] for r in answer["results"]]


def test_2026_12_01_lists_only_titles_unless_filter_properties_says(emu: Emulator) -> None:
    old = client(emu, "2026-03-11").data_sources.query(data_source_id=DS)
    assert set(old["results"][0]["properties"]) == {"Name", "Status", "Due", "Notes"}
    new = client(emu, "2026-12-01")
    bare = new.data_sources.query(data_source_id=DS)
    assert set(bare["results"][0]["properties"]) == {"Name"}
    status_id = emu.workspace.data_sources[DS].properties["Status"]["id"]
    asked = new.data_sources.query(data_source_id=DS, filter_properties=["title", status_id])
    assert set(asked["results"][0]["properties"]) == {"Name", "Status"}
    found = new.search(query="Write")["results"]
    assert found and set(found[0]["properties"]) == {"Name"}
    page = new.pages.retrieve(page_id=found[0]["id"])
    assert set(page["properties"]) == {"Name", "Status", "Due", "Notes"}, "retrieve has all"


def test_status_equals_matches_a_group_only_before_2026_12_01(emu: Emulator) -> None:
    group = {"property": "Status", "status": {"equals": "In progress"}}
    before = client(emu, "2026-03-11").data_sources.query(data_source_id=DS, filter=group)
    assert sorted(_titles(before)) == ["Check", "Write"]
    after = client(emu, "2026-12-01").data_sources.query(
        data_source_id=DS, filter=group, filter_properties=["title"]
    )
    assert _titles(after) == []
    several = {"property": "Status", "status": {"equals": ["Doing", "Review"]}}
    listed = client(emu, "2026-12-01").data_sources.query(
        data_source_id=DS, filter=several, filter_properties=["title"]
    )
    assert sorted(_titles(listed)) == ["Check", "Write"]


def test_archived_is_gone_from_2026_03_11(emu: Emulator) -> None:
    for version, present in (("2025-09-03", True), ("2026-03-11", False), ("2026-12-01", False)):
        notion = client(emu, version)
        page = notion.pages.retrieve(page_id=HOLDER)
        children = notion.blocks.children.list(block_id=HOLDER)["results"]
        source = notion.data_sources.retrieve(data_source_id=DS)
        database = notion.databases.retrieve(database_id=DB)
        for obj in (page, children[0], source, database):
            assert ("archived" in obj) is present, (version, obj["object"])
            assert obj["in_trash"] is False


def test_meeting_notes_are_called_by_their_versions_name() -> None:
    workspace = Workspace.from_dict(
        {"pages": [{"id": HOLDER, "title": "Notes", "blocks": [{"meeting_notes": {}}]}]}
    )
    with emulate(workspace) as emulator:
        old = client(emulator, "2025-09-03").blocks.children.list(block_id=HOLDER)["results"]
        new = client(emulator, "2026-03-11").blocks.children.list(block_id=HOLDER)["results"]
    assert old[0]["type"] == "transcription" and "transcription" in old[0]
    assert new[0]["type"] == "meeting_notes" and "meeting_notes" in new[0]


def test_a_person_without_a_name_is_null_from_2026_12_01(emu: Emulator) -> None:
    def named(version: str) -> Any:
        users = collect_paginated_api(client(emu, version).users.list)
        return next(u["name"] for u in users if u["id"] == NAMELESS)

    assert named("2025-09-03") == "nameless@example.org"
    assert named("2026-12-01") is None
    assert client(emu, "2026-12-01").users.retrieve(user_id=NAMELESS)["name"] is None


def test_editing_a_view_stamps_it_and_its_database(emu: Emulator) -> None:
    emu.workspace.advance(120)
    emu.workspace.edit_view(BOARD, {"filter": None, "type": "gallery", "cover": "page_cover"})
    view = client(emu).views.retrieve(view_id=BOARD)
    assert view["type"] == "gallery" and view["filter"] is None
    assert view["configuration"]["cover"] == {"type": "page_cover"}
    database = client(emu).databases.retrieve(database_id=DB)
    assert view["last_edited_time"] == database["last_edited_time"] > "2026-07-04T09:08"


def test_a_schema_change_stamps_the_data_source(emu: Emulator) -> None:
    before = client(emu).data_sources.retrieve(data_source_id=DS)["last_edited_time"]
    emu.workspace.advance(120)
    emu.workspace.add_property(DS, "Owner", "people")
    source = client(emu).data_sources.retrieve(data_source_id=DS)
    assert "Owner" in source["properties"] and source["last_edited_time"] > before
    found = client(emu).search(sort={"timestamp": "last_edited_time", "direction": "descending"})
    assert found["results"][0]["id"] == DS, "search lists the edited data source first"
