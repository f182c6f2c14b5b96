"""The paced client against a misbehaving emulator: every page arrives, counts are exact."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mkdocs_notion_sync.errors import (
    AuthError,
    NotSharedError,
    RequestRejected,
    UnreachableError,
)
from mkdocs_notion_sync.notion.api import NotionAPI
from mkdocs_notion_sync.notion.pacing import CircuitBreaker, Pacer, endpoint_name
from mkdocs_notion_sync.settings import Settings
from notion_emulator import Emulator, Workspace

from .support.checks import assert_no_request_inside_a_retry_after_window
from .support.emulators import emulate
from .support.workspaces import ROOT, TOKEN, many_pages


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(many_pages(30)) as emu:
        yield emu


_OPEN: list[NotionAPI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Clients are closed even when a test fails, so no socket outlives its test."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def _api(emulator: Emulator, **options: Any) -> NotionAPI:
    settings = {"concurrency": 4, "rate_limit": 1000.0, "max_retries": 5, "timeout": 5.0}
    settings.update(options)
    return _new(token=TOKEN, api_url=emulator.url, retry_base_delay=0.01, **settings)


def _new(**options: Any) -> NotionAPI:
    api = NotionAPI(Settings(**options))
    _OPEN.append(api)
    return api


def _fetch_everything(api: NotionAPI) -> list[str]:
    """Root's children, then every child page's children: 31 list requests."""
    from concurrent.futures import ThreadPoolExecutor

    children = api.children(ROOT)
    ids = [str(block["id"]) for block in children if block["type"] == "child_page"]
    with ThreadPoolExecutor(4) as pool:
        texts = list(
            pool.map(
                lambda pid: api.children(pid)[0]["paragraph"]["rich_text"][0]["plain_text"], ids
            )
        )
    return texts


def _assert_counts_match(api: NotionAPI, emulator: Emulator) -> None:
    assert api.metrics.requests == emulator.stats.total
    assert api.metrics.rate_limited == emulator.stats.rate_limited
    assert dict(api.metrics.by_status) == {str(k): v for k, v in emulator.stats.by_status.items()}


def test_a_clean_run_counts_every_request(emulator: Emulator) -> None:
    api = _api(emulator)
    assert len(_fetch_everything(api)) == 30
    assert api.metrics.requests == emulator.stats.total == 31
    assert api.metrics.by_endpoint == {"GET /v1/blocks/{id}/children": 31}


def test_a_429_storm_still_delivers_every_page(emulator: Emulator) -> None:
    emulator.faults.rate_limit = 20.0
    emulator.faults.burst = 2.0
    api = _api(emulator, max_retries=8)
    texts = _fetch_everything(api)
    assert texts == [f"Text {i}.0" for i in range(30)]
    assert emulator.stats.rate_limited > 0
    assert api.metrics.retries >= emulator.stats.rate_limited
    _assert_counts_match(api, emulator)
    assert api.pacer.rate < 1000.0  # it learned to slow down
    assert_no_request_inside_a_retry_after_window(emulator)


def test_server_errors_on_a_quarter_of_requests_are_retried(emulator: Emulator) -> None:
    emulator.faults.error_rate = 0.25
    api = _api(emulator, max_retries=8)
    assert len(_fetch_everything(api)) == 30
    assert sum(v for k, v in emulator.stats.by_status.items() if k >= 500) > 0
    _assert_counts_match(api, emulator)


def test_post_queries_are_retried_too(emulator: Emulator) -> None:
    emulator.faults.error_rate = 0.5
    emulator.faults.error_statuses = (502, 529)
    api = _api(emulator, max_retries=10)
    results = list(api.recently_edited("2000-01-01T00:00:00.000Z"))
    assert len(results) >= 31
    _assert_counts_match(api, emulator)


def test_slow_responses_past_the_timeout_are_retried(emulator: Emulator) -> None:
    emulator.faults.slow_seconds = 0.6
    emulator.faults.slow_rate = 0.3
    api = _api(emulator, timeout=0.3, max_retries=10)
    assert len(_fetch_everything(api)) == 30
    assert api.metrics.retries > 0


def test_dropped_connections_and_garbled_bodies_are_retried(emulator: Emulator) -> None:
    emulator.faults.drop_rate = 0.15
    emulator.faults.malformed_rate = 0.1
    api = _api(emulator, max_retries=10)
    assert len(_fetch_everything(api)) == 30
    assert api.metrics.retries > 0


def test_an_api_that_keeps_failing_opens_the_circuit(emulator: Emulator) -> None:
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (500,)
    api = _api(emulator, max_retries=3)
    for _ in range(3):
        with pytest.raises(UnreachableError):
            api.children(ROOT)
    sent = emulator.stats.total
    with pytest.raises(UnreachableError, match="circuit breaker open"):
        api.children(ROOT)
    assert emulator.stats.total == sent  # nothing more was sent


def test_errors_say_what_to_fix(emulator: Emulator) -> None:
    bad = _new(token="secret_nope", api_url=emulator.url, max_retries=0)
    with pytest.raises(AuthError, match="NOTION_TOKEN") as caught:
        bad.me()
    assert "secret_nope" not in str(caught.value)
    api = _api(emulator)
    with pytest.raises(NotSharedError, match="share it with your integration"):
        api.page("99999999-9999-4999-8999-999999999999")
    unreachable = _new(
        token=TOKEN, api_url="http://127.0.0.1:9", max_retries=1, retry_base_delay=0.01
    )
    with pytest.raises(
        UnreachableError, match=r"cannot reach the Notion API at http://127\.0\.0\.1:9"
    ):
        unreachable.me()


def test_a_rejected_query_names_notions_complaint() -> None:
    workspace = Workspace.from_dict(
        {
            "pages": [
                {
                    "title": "Root",
                    "blocks": [
                        {
                            "database": {
                                "id": "88888888-8888-4888-8888-888888888888",
                                "title": "Log",
                                "properties": {"Name": "title", "Done": "checkbox"},
                                "entries": [{"title": "One", "properties": {"Done": True}}],
                            }
                        }
                    ],
                }
            ],
        }
    )
    with emulate(workspace) as emu:
        api = _api(emu)
        database = api.database("88888888-8888-4888-8888-888888888888")
        source = database["data_sources"][0]["id"]
        with pytest.raises(RequestRejected, match="Notion rejected"):
            list(api.query(source, filter={"property": "Nope", "checkbox": {"equals": True}}))


def test_pacing_spaces_requests_at_the_configured_rate(emulator: Emulator) -> None:
    api = _api(emulator, rate_limit=20.0)
    started = time.monotonic()
    for _ in range(11):
        api.me()
    elapsed = time.monotonic() - started
    assert elapsed >= 10 / 20.0 * 0.9  # 11 requests at 20/s need at least 0.5 s


def test_one_429_pauses_every_thread() -> None:
    pauses: list[float] = []
    pacer = Pacer(1000.0, pauses.append)
    pacer.rate_limited(0.3)
    started = time.monotonic()
    pacer.wait_turn()
    assert time.monotonic() - started >= 0.25
    assert pauses == [0.3]
    assert pacer.rate == pytest.approx(500.0)


def test_the_rate_climbs_back_after_clean_answers() -> None:
    pacer = Pacer(10.0)
    pacer.rate_limited(0.0)
    lowered = pacer.rate
    for _ in range(200):
        pacer.succeeded()
    assert lowered < pacer.rate <= 10.0


def test_the_breaker_closes_after_a_success() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown=60)
    breaker.failed()
    breaker.failed()
    assert breaker.is_open
    breaker.succeeded()
    assert not breaker.is_open


def test_endpoints_are_named_without_ids() -> None:
    assert endpoint_name("GET", "/v1/blocks/1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988/children") == (
        "GET /v1/blocks/{id}/children"
    )
    assert endpoint_name("GET", "/v1/pages/1f2e3d4c5b6a79881f2e3d4c5b6a7988/properties/GV%7BQ") == (
        "GET /v1/pages/{id}/properties/{property_id}"
    )


def test_a_proxy_from_the_environment_is_used_and_no_proxy_respected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mkdocs_notion_sync.errors import ConfigError
    from mkdocs_notion_sync.notion.proxied import ProxyTransport
    from mkdocs_notion_sync.notion.transport import KeepAliveTransport, inner_transport

    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(inner_transport("https://api.notion.com"), KeepAliveTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@127.0.0.1:3128")
    assert isinstance(inner_transport("https://api.notion.com"), ProxyTransport)
    monkeypatch.setenv("HTTPS_PROXY", "socks5://user:secret@127.0.0.1:1080")
    with pytest.raises(ConfigError, match="http or https proxies only") as refused:
        inner_transport("https://api.notion.com")
    assert "secret" not in str(refused.value)
    monkeypatch.setenv("NO_PROXY", "api.notion.com")
    assert isinstance(inner_transport("https://api.notion.com"), KeepAliveTransport)


def test_a_stale_keep_alive_connection_is_reopened(emulator: Emulator) -> None:
    api = _api(emulator)
    api.me()
    for connection in list(api._http._transport.inner._open):  # type: ignore[attr-defined]
        connection.sock.shutdown(socket.SHUT_RDWR)  # as if the server had hung up meanwhile
    assert api.me()["object"] == "user"
    assert api.metrics.requests == emulator.stats.total == 2


def test_the_lean_client_sends_what_httpx_would() -> None:
    """DirectClient builds requests from strings instead of httpx's URL merging: every
    call shape notion-client makes must come out byte for byte as httpx would send it."""
    import httpx
    from notion_client import Client

    from mkdocs_notion_sync.notion.transport import DirectClient

    def recorder(sent: list[httpx.Request]) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200, json={"object": "list", "results": []})

        return httpx.MockTransport(answer)

    def calls(client: Client) -> None:
        client.blocks.children.list(block_id=ROOT, page_size=100, start_cursor="c/1?x")
        client.pages.retrieve(page_id=ROOT, filter_properties=["title", "a%2Fb"])
        client.data_sources.query(
            data_source_id=ROOT, filter={"property": "Done", "checkbox": {"equals": True}}
        )
        client.search(query="naïve & co", page_size=5)
        client.users.me()

    lean: list[httpx.Request] = []
    plain: list[httpx.Request] = []
    base = "http://127.0.0.1:9/"
    calls(Client(auth=TOKEN, base_url=base, client=DirectClient(recorder(lean))))
    calls(Client(auth=TOKEN, base_url=base, client=httpx.Client(transport=recorder(plain))))
    assert len(lean) == len(plain) == 5
    for mine, theirs in zip(lean, plain, strict=True):
        assert (mine.method, str(mine.url)) == (theirs.method, str(theirs.url))
        assert mine.read() == theirs.read()
        for header in ("authorization", "notion-version", "content-type", "user-agent"):
            assert mine.headers.get(header) == theirs.headers.get(header), header
