"""The emulator, driven by the real notion-client over HTTP and compared to recordings."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from notion_client import APIResponseError, Client
from notion_client.errors import UnknownHTTPResponseError
from notion_client.helpers import collect_paginated_api

from notion_emulator import (
    DEMO_DATA_SOURCE_ID,
    DEMO_DATABASE_ID,
    DEMO_ROOT_PAGE_ID,
    DEMO_TOKEN,
    Clock,
    Emulator,
    Faults,
    Workspace,
    richtext,
)

CORPUS = Path(__file__).parents[2] / "shared" / "notion-corpus" / "notion-sdk-py-cassettes-json"
VERSION = "2025-09-03"
ENGINEERING = "3c1f5a2e-9b7d-4e21-8a64-1d2e3f4a5b02"
GETTING_STARTED = "3c1f5a2e-9b7d-4e21-8a64-1d2e3f4a5b01"

_LOGGER = logging.getLogger("test_emulator")


_OPEN: list[Client] = []


def client(emu: Emulator, token: str = DEMO_TOKEN, **kwargs: Any) -> Client:
    """A real notion-client; closed after the test so no socket leaks into the next one."""
    made = Client(auth=token, base_url=emu.url, logger=_LOGGER, **kwargs)
    _OPEN.append(made)
    return made


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def raw(emu: Emulator, token: str = DEMO_TOKEN) -> httpx.Client:
    return httpx.Client(
        base_url=emu.url + "/v1/",
        headers={"Authorization": f"Bearer {token}", "Notion-Version": VERSION},
    )


def small_workspace(children: int = 0, clock: Clock | None = None) -> Workspace:
    return Workspace.from_dict(
        {
            "seed": "tests",
            "pages": [
                {
                    "id": "11111111-1111-4111-8111-111111111111",
                    "title": "Root",
                    "blocks": [{"paragraph": f"line {i}"} for i in range(children)],
                    "pages": [
                        {
                            "id": "22222222-2222-4222-8222-222222222222",
                            "title": "Hidden",
                            "shared": False,
                            "blocks": ["secret"],
                        },
                    ],
                }
            ],
        },
        clock=clock,
    )


def recorded(name: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{name}.json"
    if not path.exists():
        pytest.skip(f"real recordings not found at {CORPUS}")
    data: list[dict[str, Any]] = json.loads(path.read_text())
    return data


def recorded_body(name: str, method: str, uri_part: str, status: int = 200) -> dict[str, Any]:
    for exchange in recorded(name):
        if (
            exchange["method"] == method
            and uri_part in exchange["uri"]
            and (exchange["status"] == status)
        ):
            body: dict[str, Any] = exchange["response_body"]
            return body
    raise AssertionError(f"no {method} {uri_part} in {name}")


@pytest.fixture
def notion(emulator: Emulator) -> Iterator[Client]:
    yield client(emulator)


# ---------------------------------------------------------------------- reading


def test_retrieve_page_matches_recorded_shape(emulator: Emulator, notion: Client) -> None:
    page = notion.pages.retrieve(page_id=DEMO_ROOT_PAGE_ID)
    real = recorded_body("test_pages_retrieve", "GET", "/v1/pages/")
    assert list(page) == list(real)
    assert page["properties"]["title"]["title"][0]["plain_text"] == "Acme Handbook"
    assert page["url"] == "https://www.notion.so/Acme-Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988"
    assert page["icon"] == {"type": "emoji", "emoji": "📘"}
    assert page["cover"]["type"] == "file"
    assert page["last_edited_time"].endswith(":00.000Z")


def test_block_and_list_shapes_match_recordings(notion: Client) -> None:
    listing = notion.blocks.children.list(block_id=DEMO_ROOT_PAGE_ID)
    real_list = recorded_body("test_blocks_children_list", "GET", "/children")
    assert list(listing) == list(real_list)
    paragraph = next(b for b in listing["results"] if b["type"] == "paragraph")
    real_block = recorded_body("test_blocks_retrieve", "GET", "/v1/blocks/")
    assert list(paragraph) == [k for k in real_block if k != "request_id"]
    assert list(paragraph["paragraph"]) == list(real_block["paragraph"])
    assert list(paragraph["paragraph"]["rich_text"][0]) == list(
        real_block["paragraph"]["rich_text"][0]
    )
    single = notion.blocks.retrieve(block_id=paragraph["id"])
    assert list(single) == list(real_block)


def test_child_pages_and_databases_appear_in_place(notion: Client) -> None:
    results = notion.blocks.children.list(block_id=DEMO_ROOT_PAGE_ID)["results"]
    kinds = [b["type"] for b in results]
    assert kinds[-4:] == ["child_page", "child_page", "child_page", "child_database"]
    child = results[-4]
    assert child["id"] == GETTING_STARTED
    assert child["child_page"] == {"title": "Getting started"}
    assert child["has_children"] is True
    assert results[-1]["id"] == DEMO_DATABASE_ID
    sub = notion.blocks.children.list(block_id=child["id"])["results"]
    assert sub[0]["parent"] == {"type": "page_id", "page_id": GETTING_STARTED}
    nested = next(b for b in sub if b["type"] == "numbered_list_item" and b["has_children"])
    grand = notion.blocks.children.list(block_id=nested["id"])["results"]
    assert grand[0]["parent"] == {"type": "block_id", "block_id": nested["id"]}


def test_children_pagination_250(emulator: Emulator) -> None:
    with Emulator(small_workspace(250)) as emu:
        notion = client(emu)
        root = "11111111-1111-4111-8111-111111111111"
        first = notion.blocks.children.list(block_id=root)
        assert len(first["results"]) == 100 and first["has_more"] is True
        assert first["next_cursor"] == first["results"][-1]["id"] or first["next_cursor"]
        everything = collect_paginated_api(notion.blocks.children.list, block_id=root)
        texts = [
            b["paragraph"]["rich_text"][0]["plain_text"]
            for b in everything
            if b["type"] == "paragraph"
        ]
        assert texts == [f"line {i}" for i in range(250)]
        assert emu.stats.by_endpoint["GET /v1/blocks/{id}/children"] == 4  # 1 + 3 pages
        small = notion.blocks.children.list(block_id=root, page_size=2)
        assert len(small["results"]) == 2
        assert small["next_cursor"] == everything[2]["id"]


def test_synced_reference_lists_the_originals_children(notion: Client) -> None:
    on_call = "3c1f5a2e-9b7d-4e21-8a64-1d2e3f4a5b04"
    reference = notion.blocks.children.list(block_id=on_call)["results"][-1]
    assert reference["type"] == "synced_block"
    assert reference["synced_block"]["synced_from"]["type"] == "block_id"
    assert reference["has_children"] is True
    children = notion.blocks.children.list(block_id=reference["id"])["results"]
    assert children[0]["type"] == "callout"


def test_database_data_source_and_query(notion: Client) -> None:
    database = notion.databases.retrieve(database_id=DEMO_DATABASE_ID)
    real_db = recorded_body("test_databases_retrieve", "GET", "/v1/databases/")
    assert list(database) == list(real_db)
    assert "properties" not in database
    ds_id = database["data_sources"][0]["id"]
    assert ds_id == DEMO_DATA_SOURCE_ID
    source = notion.data_sources.retrieve(data_source_id=ds_id)
    real_ds = recorded_body("test_data_sources_retrieve", "GET", "/v1/data_sources/")
    assert list(source) == list(real_ds)
    assert source["parent"] == {"type": "database_id", "database_id": DEMO_DATABASE_ID}
    assert source["properties"]["Name"]["id"] == "title"
    assert {p["type"] for p in source["properties"].values()} >= {
        "title",
        "select",
        "status",
        "date",
        "multi_select",
        "checkbox",
        "rich_text",
        "relation",
        "url",
    }

    everything = notion.data_sources.query(data_source_id=ds_id)
    assert len(everything["results"]) == 4
    real_q = recorded_body("test_data_sources_query", "POST", "/query")
    assert list(everything) == list(real_q)
    entry = everything["results"][0]
    assert entry["parent"] == {
        "type": "data_source_id",
        "data_source_id": ds_id,
        "database_id": DEMO_DATABASE_ID,
    }

    def names(result: dict[str, Any]) -> list[str]:
        return [r["properties"]["Name"]["title"][0]["plain_text"] for r in result["results"]]

    published = notion.data_sources.query(
        data_source_id=ds_id,
        filter={
            "and": [
                {"property": "Published", "checkbox": {"equals": True}},
                {
                    "or": [
                        {"property": "Tags", "multi_select": {"contains": "policy"}},
                        {"property": "Status", "select": {"equals": "Released"}},
                    ]
                },
            ]
        },
        sorts=[{"property": "Date", "direction": "descending"}],
    )
    assert names(published) == ["On-call rotation", "Security policy update", "Handbook 1.0"]
    recent = notion.data_sources.query(
        data_source_id=ds_id,
        filter={"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2026-07-02"}},
        sorts=[{"timestamp": "last_edited_time", "direction": "ascending"}],
    )
    assert names(recent) == ["On-call rotation", "Travel per diem"]
    titled = notion.data_sources.query(
        data_source_id=ds_id, filter={"property": "Name", "title": {"contains": "policy"}}
    )
    assert names(titled) == ["Security policy update"]
    paged = notion.data_sources.query(data_source_id=ds_id, page_size=3)
    assert paged["has_more"] is True and len(paged["results"]) == 3
    rest = notion.data_sources.query(data_source_id=ds_id, start_cursor=paged["next_cursor"])
    assert names(rest) == ["Travel per diem"]


def test_bad_filter_is_a_validation_error(notion: Client) -> None:
    with pytest.raises(APIResponseError) as caught:
        notion.data_sources.query(data_source_id=DEMO_DATA_SOURCE_ID, filter={"nonsense": 1})
    assert caught.value.status == 400
    assert caught.value.code == "validation_error"
    assert "body failed validation" in str(caught.value)
    with pytest.raises(APIResponseError) as missing:
        notion.data_sources.query(
            data_source_id=DEMO_DATA_SOURCE_ID,
            filter={"property": "Nope", "checkbox": {"equals": True}},
        )
    assert str(missing.value) == "Could not find property with name or id: Nope"


def test_search_pages_and_data_sources(notion: Client) -> None:
    everything = collect_paginated_api(notion.search)
    objects = {r["object"] for r in everything}
    assert objects == {"page", "data_source"}
    found = notion.search(query="secur", filter={"property": "object", "value": "page"})
    titles = [
        r["properties"]["title"]["title"][0]["plain_text"]
        if "title" in r["properties"]
        else r["properties"]["Name"]["title"][0]["plain_text"]
        for r in found["results"]
    ]
    assert titles == ["Security", "Security policy update"]
    sources = notion.search(filter={"property": "object", "value": "data_source"})
    assert [r["id"] for r in sources["results"]] == [DEMO_DATA_SOURCE_ID]
    ordered = notion.search(sort={"direction": "descending", "timestamp": "last_edited_time"})
    stamps = [r["last_edited_time"] for r in ordered["results"]]
    assert stamps == sorted(stamps, reverse=True)
    with pytest.raises(APIResponseError) as caught:
        notion.search(filter={"property": "object", "value": "database"})
    assert caught.value.code == "validation_error"


def test_users(notion: Client) -> None:
    me = notion.users.me()
    real = recorded_body("test_users_me", "GET", "/users/me")
    assert list(me) == list(real) and list(me["bot"]) == list(real["bot"])
    users = notion.users.list()
    assert {u["type"] for u in users["results"]} == {"person", "bot"}
    ada = notion.users.retrieve(user_id=users["results"][0]["id"])
    assert ada["name"] == "Ada Lovelace"


def test_comments_and_property_items(notion: Client) -> None:
    comments = notion.comments.list(block_id=DEMO_ROOT_PAGE_ID)
    real = recorded_body("test_comments_list", "GET", "/v1/comments")
    assert list(comments) == list(real)
    assert list(comments["results"][0]) == list(real["results"][0])
    title = notion.pages.properties.retrieve(page_id=DEMO_ROOT_PAGE_ID, property_id="title")
    real_title = recorded_body("test_pages_properties_retrieve", "GET", "/properties/title")
    assert list(title) == list(real_title)
    assert list(title["results"][0]) == list(real_title["results"][0])


def test_relation_with_more_than_25_refs_is_paginated() -> None:
    entries: list[dict[str, Any]] = [{"properties": {"Name": f"e{i}"}} for i in range(30)]
    entries.append({"properties": {"Name": "hub", "Links": [f"e{i}" for i in range(30)]}})
    ws = Workspace.from_dict(
        {
            "pages": [
                {
                    "title": "Root",
                    "blocks": [
                        {
                            "database": {
                                "title": "Big",
                                "properties": {
                                    "Name": "title",
                                    "Links": {"type": "relation", "data_source": "self"},
                                },
                                "entries": entries,
                            }
                        }
                    ],
                }
            ]
        }
    )
    with Emulator(ws) as emu:
        notion = client(emu)
        source = next(iter(ws.data_sources))
        hub = notion.data_sources.query(
            data_source_id=source, filter={"property": "Name", "title": {"equals": "hub"}}
        )["results"][0]
        relation = hub["properties"]["Links"]
        assert len(relation["relation"]) == 25 and relation["has_more"] is True
        items = collect_paginated_api(
            notion.pages.properties.retrieve, page_id=hub["id"], property_id=relation["id"]
        )
        assert len(items) == 30 and items[0]["type"] == "relation"


# ---------------------------------------------------------------------- errors


def test_bad_token_is_unauthorized(emulator: Emulator) -> None:
    with pytest.raises(APIResponseError) as caught:
        client(emulator, token="secret_wrong").users.me()
    real = recorded_body("test_api_response_error", "GET", "/v1/users", 401)
    assert caught.value.code == "unauthorized"
    body = json.loads(caught.value.body)
    assert list(body) == list(real)
    assert body["message"] == real["message"]


def test_unshared_and_unknown_pages_are_not_found() -> None:
    with Emulator(small_workspace()) as emu:
        notion = client(emu)
        hidden = "22222222-2222-4222-8222-222222222222"
        with pytest.raises(APIResponseError) as caught:
            notion.pages.retrieve(page_id=hidden)
        assert caught.value.status == 404 and caught.value.code == "object_not_found"
        assert str(caught.value).startswith(
            f"Could not find page with ID: {hidden}. Make sure the relevant pages and "
            "databases are shared with your integration"
        )
        real = recorded_body("test_build_request_error_integration", "GET", "/v1/pages/", 404)
        assert list(json.loads(caught.value.body)) == list(real)
        with pytest.raises(APIResponseError) as block:
            notion.blocks.children.list(block_id=hidden.replace("-", ""))
        assert str(block.value).startswith(f"Could not find block with ID: {hidden}.")
        with pytest.raises(APIResponseError):
            notion.databases.retrieve(database_id="33333333333343338333333333333333")


def test_protocol_errors(emulator: Emulator) -> None:
    with raw(emulator) as http:
        invalid = http.get("invalid")
        assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_request_url"
        bad_json = http.post(
            "search", content=b"{nope", headers={"Content-Type": "application/json"}
        )
        assert bad_json.status_code == 400 and bad_json.json()["code"] == "invalid_json"
        no_version = http.get("users/me", headers={"Notion-Version": ""})
        assert no_version.status_code == 400
        bad_id = http.get("pages/not-an-id")
        assert bad_id.status_code == 400 and bad_id.json()["code"] == "validation_error"
        assert all("request_id" in r.json() for r in (invalid, bad_json, no_version, bad_id))
    missing = httpx.get(
        emulator.url + "/v1/users/me", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}
    )
    assert missing.json()["code"] == "missing_version"


# ---------------------------------------------------------------------- faults


def test_rate_limit_answers_429_with_integer_retry_after(emulator: Emulator) -> None:
    emulator.faults.rate_limit = 3.0
    notion = client(emulator, retry=False)
    statuses = []
    for _ in range(6):
        try:
            notion.users.me()
            statuses.append(200)
        except APIResponseError as error:
            statuses.append(error.status)
            assert error.code == "rate_limited"
            retry_after = error.headers["Retry-After"]
            assert retry_after.isdigit() and int(retry_after) >= 1
            body = json.loads(error.body)
            assert body["additional_data"]["retry_after"] == retry_after  # a string, like Notion
            assert body["additional_data"]["rate_limit_reason"] == "public_api_request_rate_limit"
            assert body["additional_data"]["rate_limit_reason"]
    assert statuses[:3] == [200, 200, 200] and 429 in statuses
    assert emulator.stats.rate_limited == statuses.count(429)
    assert emulator.stats.by_status[429] == statuses.count(429)
    emulator.faults.rate_limit = None
    notion.users.me()


def test_error_rate_returns_5xx_and_529(emulator: Emulator) -> None:
    emulator.faults = Faults(error_rate=0.5, seed=7)
    seen: set[int] = set()
    with raw(emulator) as http:
        for _ in range(60):
            response = http.get(f"blocks/{DEMO_ROOT_PAGE_ID}")
            seen.add(response.status_code)
            if response.status_code == 529:
                assert response.json()["code"] == "service_overload"
    assert 200 in seen and seen - {200} <= {500, 502, 503, 504, 529} and len(seen) >= 4
    notion = client(emulator, retry=False)
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (529,)
    with pytest.raises(UnknownHTTPResponseError):
        notion.users.me()


def test_drop_malformed_slow_and_broken_cursor() -> None:
    with Emulator(small_workspace(150), faults=Faults(drop_rate=1.0)) as emu, raw(emu) as http:
        with pytest.raises(httpx.HTTPError):
            http.get("users/me")
        emu.faults.drop_rate = 0.0
        emu.faults.malformed_rate = 1.0
        garbled = http.get("users/me")
        assert garbled.status_code == 200
        with pytest.raises(ValueError):
            garbled.json()
        emu.faults.malformed_rate = 0.0
        emu.faults.slow_seconds = 0.2
        started = time.perf_counter()
        http.get("users/me")
        assert time.perf_counter() - started >= 0.2
        emu.faults.slow_seconds = 0.0
        emu.faults.broken_cursor = True
        page = http.get("blocks/11111111-1111-4111-8111-111111111111/children").json()
        assert page["has_more"] is True and page["next_cursor"] is None


# ---------------------------------------------------------------------- files


def test_hosted_files_are_signed_and_expire() -> None:
    with Emulator(Workspace.demo(), file_ttl=0.5) as emu:
        notion = client(emu)
        blocks = notion.blocks.children.list(block_id=DEMO_ROOT_PAGE_ID)["results"]
        image = next(b for b in blocks if b["type"] == "image")["image"]
        assert image["type"] == "file"
        assert image["caption"][0]["plain_text"] == "How Acme is organised"
        url = image["file"]["url"]
        assert url.startswith(emu.url + "/files/") and "X-Amz-Signature=" in url
        expiry = datetime.fromisoformat(image["file"]["expiry_time"].replace("Z", "+00:00"))
        assert expiry - datetime.now(timezone.utc) < timedelta(seconds=5)
        before = emu.stats.total
        fetched = httpx.get(url)
        assert fetched.status_code == 200 and fetched.content.startswith(b"\x89PNG")
        assert fetched.headers["content-type"] == "image/png"
        tampered = httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
        assert tampered.status_code == 403 and b"<Code>AccessDenied</Code>" in tampered.content
        time.sleep(0.6)
        expired = httpx.get(url)
        assert expired.status_code == 403 and b"AccessDenied" in expired.content
        assert emu.stats.file_downloads == 1 and emu.stats.total == before
        again = notion.blocks.retrieve(
            block_id=next(b for b in blocks if b["type"] == "image")["id"]
        )
        assert again["image"]["file"]["url"] != url
        assert httpx.get(again["image"]["file"]["url"]).status_code == 200


# ---------------------------------------------------------------------- stats & mutations


def test_stats_count_exactly(emulator: Emulator, notion: Client) -> None:
    emulator.stats.reset()
    notion.pages.retrieve(page_id=DEMO_ROOT_PAGE_ID)
    notion.blocks.children.list(block_id=DEMO_ROOT_PAGE_ID)
    notion.blocks.children.list(block_id=GETTING_STARTED)
    notion.data_sources.query(data_source_id=DEMO_DATA_SOURCE_ID)
    with pytest.raises(APIResponseError):
        notion.pages.retrieve(page_id="00000000-0000-4000-8000-000000000000")
    notion.users.me()
    snap = emulator.stats.snapshot()
    assert snap["total"] == 6
    assert snap["by_endpoint"] == {
        "GET /v1/users/me": 1,
        "GET /v1/pages/{id}": 2,
        "GET /v1/blocks/{id}/children": 2,
        "POST /v1/data_sources/{id}/query": 1,
    }
    assert snap["by_status"] == {200: 5, 404: 1}
    emulator.stats.reset()
    assert emulator.stats.total == 0 and emulator.stats.by_endpoint == {}


def test_mutations_bump_last_edited_time_to_the_minute() -> None:
    start = datetime(2026, 7, 4, 9, 8, 30, 123000, tzinfo=timezone.utc)
    ws = small_workspace(3, clock=Clock(lambda: start))
    root = "11111111-1111-4111-8111-111111111111"
    with Emulator(ws) as emu:
        notion = client(emu)
        first = notion.blocks.children.list(block_id=root)["results"][0]
        ws.advance(120)
        ws.set_text(first["id"], "changed")
        with raw(emu) as http:
            assert http.get("users/me").headers["Date"] == "Sat, 04 Jul 2026 09:10:30 GMT"
        block = notion.blocks.retrieve(block_id=first["id"])
        assert block["paragraph"]["rich_text"][0]["plain_text"] == "changed"
        assert block["last_edited_time"] == "2026-07-04T09:10:00.000Z"
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:10:00.000Z"

        ws.advance(60)
        child = ws.add_page(root, "New child", blocks=[{"paragraph": "hello"}])
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:11:00.000Z"
        kids = notion.blocks.children.list(block_id=root)["results"]
        assert kids[-1]["id"] == child and kids[-1]["child_page"]["title"] == "New child"
        assert notion.pages.retrieve(page_id=child)["created_time"] == "2026-07-04T09:11:00.000Z"

        ws.advance(60)
        grandchild = ws.add_page(child, "Grandchild")
        assert (
            notion.pages.retrieve(page_id=child)["last_edited_time"] == "2026-07-04T09:12:00.000Z"
        )
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:11:00.000Z"
        ws.set_text(grandchild, "Grandchild, renamed")
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:11:00.000Z"
        ws.move_page(grandchild, root)
        kids = notion.blocks.children.list(block_id=root)["results"]
        assert kids[-1]["id"] == grandchild and kids[-1]["parent"]["page_id"] == root
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:12:00.000Z"

        ws.advance(60)
        ws.rename_page(child, "Renamed")
        assert notion.blocks.retrieve(block_id=child)["child_page"]["title"] == "Renamed"
        ws.advance(60)
        ws.trash_page(child)
        assert notion.pages.retrieve(page_id=root)["last_edited_time"] == "2026-07-04T09:14:00.000Z"
        assert child not in [b["id"] for b in notion.blocks.children.list(block_id=root)["results"]]
        assert notion.pages.retrieve(page_id=child)["in_trash"] is True

        ws.advance(60)
        added = ws.append_blocks(root, [{"heading_2": "Appendix"}])
        ws.delete_block(first["id"])
        ids = [b["id"] for b in notion.blocks.children.list(block_id=root)["results"]]
        assert added[0] in ids and first["id"] not in ids


def test_entry_mutations_show_in_queries() -> None:
    ws = Workspace.demo()
    with Emulator(ws) as emu:
        notion = client(emu)
        ws.advance(3600 * 24 * 365)
        new = ws.add_page(DEMO_DATA_SOURCE_ID, "Fresh entry", properties={"Published": True})
        stamp = notion.pages.retrieve(page_id=new)["last_edited_time"]
        found = notion.data_sources.query(
            data_source_id=DEMO_DATA_SOURCE_ID,
            filter={"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": stamp}},
        )["results"]
        assert [r["id"] for r in found] == [new]
        ws.trash_page(new)
        assert len(notion.data_sources.query(data_source_id=DEMO_DATA_SOURCE_ID)["results"]) == 4


# ---------------------------------------------------------------------- loading


def test_workspace_ids_are_stable_and_explicit_ids_honoured() -> None:
    spec = {
        "seed": "s",
        "pages": [{"title": "A", "blocks": ["x", {"id": "ab" * 16, "paragraph": "y"}]}],
    }
    first, second = Workspace.from_dict(spec), Workspace.from_dict(spec)
    assert list(first.blocks) == list(second.blocks)
    assert "abababab-abab-abab-abab-abababababab" in first.blocks
    generated = next(iter(first.pages))
    assert generated[14] == "4" and generated[19] in "89ab"


def test_demo_covers_the_block_types() -> None:
    ws = Workspace.demo()
    types = {b.type for b in ws.blocks.values()}
    assert types >= {
        "heading_1",
        "heading_2",
        "heading_3",
        "paragraph",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "code",
        "equation",
        "divider",
        "table",
        "table_row",
        "column_list",
        "column",
        "image",
        "pdf",
        "file",
        "bookmark",
        "embed",
        "link_to_page",
        "synced_block",
        "table_of_contents",
        "breadcrumb",
        "child_page",
        "child_database",
        "video",
    }
    assert DEMO_ROOT_PAGE_ID in ws.pages and DEMO_DATABASE_ID in ws.databases


def test_throughput_through_notion_client(emulator: Emulator, notion: Client) -> None:
    """Guards the single-write/TCP_NODELAY path: ~40 ms per request would fail this."""
    started = time.perf_counter()
    for _ in range(200):
        notion.blocks.children.list(block_id=GETTING_STARTED)
    elapsed = time.perf_counter() - started
    assert elapsed < 4.0, f"200 requests took {elapsed:.2f}s"


def test_load_resolves_paths_base64_and_files_properties(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "notes.txt").write_bytes(b"hello from disk")
    spec = {
        "pages": [
            {
                "title": "Root",
                "cover": "https://example.test/cover.png",
                "blocks": [
                    {"file": {"file": {"path": "assets/notes.txt"}}},
                    {"image": {"file": {"base64": "iVBORw0KGgo=", "name": "tiny.png"}}},
                    {
                        "database": {
                            "title": "Docs",
                            "properties": {"Name": "title", "Attachments": "files"},
                            "entries": [
                                {
                                    "properties": {
                                        "Name": "one",
                                        "Attachments": [{"name": "a.png", "generate": "png"}],
                                    }
                                }
                            ],
                        }
                    },
                ],
            }
        ]
    }
    path = tmp_path / "workspace.json"
    path.write_text(json.dumps(spec))
    ws = Workspace.load(path)
    with Emulator(ws) as emu:
        notion = client(emu)
        root = next(iter(ws.top_level))
        page = notion.pages.retrieve(page_id=root)
        assert page["cover"] == {
            "type": "external",
            "external": {"url": "https://example.test/cover.png"},
        }
        blocks = notion.blocks.children.list(block_id=root)["results"]
        assert blocks[0]["file"]["name"] == "notes.txt"
        assert httpx.get(blocks[0]["file"]["file"]["url"]).content == b"hello from disk"
        assert httpx.get(blocks[1]["image"]["file"]["url"]).content == b"\x89PNG\r\n\x1a\n"
        source = next(iter(ws.data_sources))
        entry = notion.data_sources.query(data_source_id=source)["results"][0]
        attachment = entry["properties"]["Attachments"]["files"][0]
        assert attachment["name"] == "a.png" and attachment["type"] == "file"
        assert httpx.get(attachment["file"]["url"]).content.startswith(b"\x89PNG")


def test_command_line_serves_the_demo() -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "notion_emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = banner.split()[4]
        assert url.startswith("http://127.0.0.1:")
        rest = "".join(process.stdout.readline() for _ in range(5))
        assert DEMO_ROOT_PAGE_ID in rest and DEMO_DATABASE_ID in rest
        response = httpx.get(
            f"{url}/v1/pages/{DEMO_ROOT_PAGE_ID}",
            headers={"Authorization": f"Bearer {DEMO_TOKEN}", "Notion-Version": VERSION},
        )
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_concurrent_clients_are_counted_exactly(emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    emulator.stats.reset()

    def work(_: int) -> int:
        with raw(emulator) as http:
            return sum(
                http.get(f"blocks/{GETTING_STARTED}/children").status_code == 200 for _ in range(50)
            )

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sum(pool.map(work, range(4))) == 200
    assert emulator.stats.total == 200
    assert emulator.stats.by_endpoint == {"GET /v1/blocks/{id}/children": 200}


def test_a_link_mention_carries_the_preview_notion_made() -> None:
    """Notion fetches a pasted link's title, description and pictures once and serves
    them with the mention (notion-sdk-js `LinkMentionResponse`)."""
    preview = {
        "href": "https://github.com/acme/widgets",
        "title": "acme/widgets",
        "description": "Widgets.",
        "thumbnail_url": "https://example.org/t.png",
        "unknown_key": "dropped",
    }
    item = richtext.expand_item({"mention": {"link_mention": preview}})
    assert item["mention"] == {
        "type": "link_mention",
        "link_mention": {k: v for k, v in preview.items() if k != "unknown_key"},
    }
    assert item["href"] == "https://github.com/acme/widgets"
