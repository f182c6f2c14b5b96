"""Everything the API client waits for is bounded, and every way it gives up is one line:
Retry-After in both RFC forms and with hostile values, a blocked integration, answers
that trickle, answers that never end, and pagination that loops.

Each test drives the real notion-client over HTTP against the emulator's faults."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync.errors import NotionSyncError, RequestRejected
from mkdocs_notion_sync.notion import api as api_module
from mkdocs_notion_sync.notion import limits
from mkdocs_notion_sync.notion.api import NotionAPI
from mkdocs_notion_sync.notion.pacing import Pacer, WaitBudget, WaitRefused
from mkdocs_notion_sync.notion.proxied import ProxyTransport
from mkdocs_notion_sync.settings import Settings
from notion_emulator import Emulator

from .support.bounded import finishes
from .support.checks import assert_no_request_inside_a_retry_after_window
from .support.emulators import emulate
from .support.local_http import serving
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import ROOT, TOKEN, many_pages

CHILDREN = "GET /v1/blocks/{id}/children"
SEARCH = "POST /v1/search"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(many_pages(30)) as emu:
        yield emu


_OPEN: list[NotionAPI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _api(emulator: Emulator, **options: Any) -> NotionAPI:
    settings: dict[str, Any] = {"rate_limit": 1000.0, "max_retries": 5, "timeout": 5.0}
    settings.update(options)
    api = NotionAPI(Settings(token=TOKEN, api_url=emulator.url, retry_base_delay=0.01, **settings))
    _OPEN.append(api)
    return api


def _one_line(error: BaseException | None, *fragments: str) -> str:
    """The failure is one of ours, on one line, and says what it is about."""
    assert isinstance(error, NotionSyncError), repr(error)
    message = str(error)
    assert "\n" not in message and "\r" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _counts_match(api: NotionAPI, emulator: Emulator) -> None:
    assert api.metrics.requests == emulator.stats.total
    assert api.metrics.rate_limited == emulator.stats.rate_limited


def _http_date(emulator: Emulator, seconds: float) -> str:
    """An RFC 9110 HTTP-date `seconds` ahead of the emulator's clock (its Date header)."""
    return format_datetime(emulator.workspace.clock.now() + timedelta(seconds=seconds), usegmt=True)


def _build(tmp_path: Path, emulator: Emulator, **options: Any) -> BuiltSite:
    plugin: dict[str, Any] = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "many"}],
    }
    plugin.update(options)
    config = write_site(tmp_path, plugin)
    site: list[BuiltSite] = []
    error = finishes(lambda: site.append(run_build(config)), 60)
    assert error is None, repr(error)  # a traceback out of `mkdocs build`
    return site[0]


def _build_error(site: BuiltSite, *fragments: str) -> str:
    """The build failed with one `notion-sync: ...` line."""
    assert site.error is not None, site.messages(logging.INFO)
    errors = site.messages(logging.ERROR)
    assert len(errors) == 1, errors
    message = errors[0]
    assert message.startswith("notion-sync: ") and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _summary_requests(site: BuiltSite) -> tuple[int, int]:
    """(API requests, retried) from the summary line, or from the one printed on failure."""
    lines = [m for m in site.messages(logging.INFO) if " API requests (" in m]
    assert lines, site.messages(logging.INFO)
    found = re.search(r"(\d+) API requests \((\d+) rate-limited, (\d+) retried\)", lines[-1])
    assert found, lines[-1]
    return int(found.group(1)), int(found.group(3))


# -- Retry-After ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["3600", "inf", "1e999", "86400.5", "date+3600"], ids=lambda h: f"Retry-After={h}"
)
def test_a_retry_after_past_the_cap_fails_at_once_with_one_line(
    emulator: Emulator, header: str
) -> None:
    emulator.faults.fail_first = 1
    emulator.faults.error_statuses = (429,)
    emulator.faults.retry_after_header = (
        _http_date(emulator, 3600) if header == "date+3600" else header
    )
    api = _api(emulator)
    error = finishes(api.me)
    _one_line(error, "max_retry_after", "60s", "the token check")
    assert emulator.stats.total == 1  # neither waited nor retried
    _counts_match(api, emulator)


def test_a_529_with_a_long_retry_after_is_refused_the_same_way(emulator: Emulator) -> None:
    emulator.faults.fail_first = 1
    emulator.faults.error_statuses = (529,)
    emulator.faults.retry_after_header = "7200"
    api = _api(emulator, max_retry_after=30)
    _one_line(finishes(lambda: api.children(ROOT)), "max_retry_after", "30s", ROOT)
    assert emulator.stats.total == 1
    _counts_match(api, emulator)


@pytest.mark.parametrize("status", [429, 529])
def test_an_http_date_retry_after_is_waited_out(emulator: Emulator, status: int) -> None:
    emulator.faults.fail_first = 1
    emulator.faults.error_statuses = (status,)
    emulator.faults.retry_after_header = _http_date(emulator, 3)
    api = _api(emulator)
    assert finishes(api.me) is None
    assert emulator.stats.total == 2
    assert_no_request_inside_a_retry_after_window(emulator)
    _counts_match(api, emulator)


@pytest.mark.parametrize("header", ["soon", "-5", "nan", "", "Fri, 99 Foo 2026"])
def test_an_unreadable_retry_after_waits_a_second(emulator: Emulator, header: str) -> None:
    """Negative, NaN or garbage asks for nothing sensible: wait as if it were absent (one
    second), never zero and never a crash."""
    emulator.faults.fail_first = 1
    emulator.faults.error_statuses = (429,)
    emulator.faults.retry_after_header = header
    api = _api(emulator)
    assert finishes(api.me) is None
    (first, _, _), (second, _, _) = list(emulator.stats.timeline)
    assert second - first >= 0.9
    _counts_match(api, emulator)


def test_the_total_wait_budget_ends_a_rate_limit_storm(emulator: Emulator) -> None:
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (429,)
    emulator.faults.retry_after_header = "1"
    api = _api(emulator, max_retries=20, max_rate_limit_wait=2)
    _one_line(finishes(api.me), "max_rate_limit_wait", "2s")
    assert 2 <= emulator.stats.total <= 4  # not 21
    _counts_match(api, emulator)


def test_a_build_in_a_rate_limit_storm_stops_at_the_budget(
    tmp_path: Path, emulator: Emulator
) -> None:
    """Through `mkdocs build`: one line naming the option, counts equal the server's."""
    emulator.faults.error_rate = 1.0
    emulator.faults.error_statuses = (429,)
    emulator.faults.retry_after_header = "1"
    site = _build(tmp_path, emulator, max_retries=50, max_rate_limit_wait=3, concurrency=4)
    _build_error(site, "max_rate_limit_wait")
    requests, _ = _summary_requests(site)
    assert requests == emulator.stats.total


def test_a_pause_every_thread_shares_is_charged_to_the_budget_once() -> None:
    pacer = Pacer(1000.0)
    budget = WaitBudget(longest=60, total=2.5)
    for _ in range(4):  # four threads' 429s at once, each asking for a second
        budget.spend(pacer.pause_extension(1.0))
        pacer.rate_limited(1.0)
    assert budget.spent < 1.5
    with pytest.raises(WaitRefused, match="max_rate_limit_wait"):
        budget.spend(pacer.pause_extension(3.0))  # two seconds more than the pause
    with pytest.raises(WaitRefused, match="max_retry_after"):
        budget.check(61)


@pytest.mark.parametrize("call", ["users/me", "search"])
def test_a_blocked_integration_is_not_retried(emulator: Emulator, call: str) -> None:
    emulator.faults.fail_first = 1
    emulator.faults.error_statuses = (429,)
    emulator.faults.rate_limit_reason = "public_api_request_blocked"
    api = _api(emulator)
    error = finishes(api.me if call == "users/me" else lambda: list(api.recently_edited("")))
    _one_line(error, "blocked", "public_api_request_blocked")
    assert isinstance(error, RequestRejected)
    assert emulator.stats.total == 1
    _counts_match(api, emulator)


# -- the whole-request deadline ---------------------------------------------------------


def test_an_answer_that_trickles_past_the_timeout_is_cut_off(emulator: Emulator) -> None:
    """Every read sees a few bytes well within the timeout; only the whole answer is late."""
    emulator.faults.trickle_seconds = 4.0
    api = _api(emulator, timeout=0.6, max_retries=1)
    _one_line(finishes(api.me), "in time", "0.6s")
    assert emulator.stats.total == 2  # the retry after a timeout counts as today
    _counts_match(api, emulator)


def test_a_build_with_trickling_answers_retries_them_and_counts_every_request(
    tmp_path: Path, emulator: Emulator
) -> None:
    emulator.faults.trickle_seconds = 2.0
    emulator.faults.trickle_rate = 0.3
    site = _build(tmp_path, emulator, timeout=0.5, max_retries=10)
    assert site.error is None, site.messages(logging.INFO)
    pages = (site.site / "many").glob("page-*/index.html")  # not the id URLs' redirects
    assert len(list(pages)) == 30
    requests, retried = _summary_requests(site)
    assert retried > 0
    assert requests == emulator.stats.total


@pytest.fixture
def through_a_proxy(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY names the emulator, which answers the absolute-form requests a
    forward proxy would pass on: the client takes its proxy path (httpcore)."""
    for name in ("HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", emulator.url)
    monkeypatch.setenv("http_proxy", emulator.url)


def _proxied(api: NotionAPI) -> bool:
    return isinstance(api._http._direct.inner, ProxyTransport)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("through_a_proxy")
def test_behind_a_proxy_the_deadline_holds_too(emulator: Emulator) -> None:
    api = _api(emulator, timeout=0.6, max_retries=1)
    assert _proxied(api)
    assert api.me()["object"] == "user"  # the proxy path works...
    emulator.faults.trickle_seconds = 4.0
    _one_line(finishes(lambda: api.page(ROOT)), "in time", "0.6s")  # ...and is bounded
    assert emulator.stats.total == 3
    _counts_match(api, emulator)


@pytest.mark.parametrize("path", ["keep-alive", "proxy"])
def test_an_answer_larger_than_any_notion_sends_is_refused(
    request: pytest.FixtureRequest, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    if path == "proxy":
        request.getfixturevalue("through_a_proxy")
    monkeypatch.setattr(limits, "MAX_ANSWER_BYTES", 4096)
    api = _api(emulator)
    assert _proxied(api) == (path == "proxy")
    assert api.me()["object"] == "user"  # small answers pass
    _one_line(finishes(lambda: api.children(ROOT)), "larger than", ROOT)
    assert emulator.stats.total == 2  # not retried: the same answer would come back
    _counts_match(api, emulator)


class _NoLength(BaseHTTPRequestHandler):
    """HTTP/1.0 without Content-Length: the answer ends when the server closes."""

    def do_GET(self) -> None:
        size = 100 if self.path == "/v1/users/me" else 100_000
        body = json.dumps({"object": "user", "id": "b0", "name": "x" * size}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_an_answer_without_length_is_capped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ANSWER_BYTES", 4096)
    with serving(_NoLength) as url:
        api = NotionAPI(Settings(token=TOKEN, api_url=url, max_retries=0, rate_limit=1000.0))
        _OPEN.append(api)
        assert api.me()["name"] == "x" * 100
        _one_line(finishes(lambda: api.page(ROOT)), "larger than", ROOT)
        assert api.metrics.requests == 2


def test_an_absurd_server_date_is_not_notions_clock(emulator: Emulator) -> None:
    api = _api(emulator)
    now = datetime.now(timezone.utc)
    for date in ("Mon, 01 Jan 0001 00:00:00 GMT", "yesterday", "Fri, 31 Dec 9999 23:59:59 GMT"):
        api.metrics.server_date = date
        moment = datetime.strptime(api.server_now(), "%Y-%m-%dT%H:%M:%S.000Z")
        assert abs(moment.replace(tzinfo=timezone.utc) - now) < timedelta(minutes=1), date


# -- pagination that loops ------------------------------------------------------------


def _one_per_page(next_cursor: Any, *, same_results: bool = False) -> Any:
    """A rewrite of children answers to one result a page; `next_cursor(page, ids)`
    picks each page's cursor among the ids of the whole listing."""
    state: dict[str, Any] = {"page": 0, "ids": None, "first": None}

    def rewrite(endpoint: str, body: Any) -> Any:
        if endpoint != CHILDREN:
            return body
        state["ids"] = state["ids"] or [r["id"] for r in body["results"]]
        state["first"] = state["first"] or body["results"][:1]
        state["page"] += 1
        body["results"] = state["first"] if same_results else body["results"][:1]
        body["has_more"] = True
        body["next_cursor"] = next_cursor(state["page"], state["ids"])
        return body

    return rewrite


@pytest.mark.parametrize(
    "rewrite",
    [
        _one_per_page(lambda page, ids: ids[1]),
        _one_per_page(lambda page, ids: ids[1 + page % 2]),
        _one_per_page(lambda page, ids: ids[page], same_results=True),
    ],
    ids=["cursor-repeats", "cursors-cycle", "same-page-new-cursor"],
)
def test_pagination_that_loops_fails_with_one_line(emulator: Emulator, rewrite: Any) -> None:
    emulator.faults.rewrite = rewrite
    api = _api(emulator)
    _one_line(finishes(lambda: api.children(ROOT), 20), "loops", ROOT)
    assert emulator.stats.total <= 4
    _counts_match(api, emulator)


def test_a_listing_without_end_stops_at_the_page_cap(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New cursors and new results every time: the cap is the last line of defence."""
    monkeypatch.setattr(api_module, "MAX_PAGES", 5)
    # one result a page, the next one's id as its cursor: a 30-page listing
    emulator.faults.rewrite = _one_per_page(lambda page, ids: ids[page])
    api = _api(emulator)
    _one_line(finishes(lambda: api.children(ROOT), 20), "more than 5 pages", ROOT)
    assert emulator.stats.total == 5
    _counts_match(api, emulator)


def test_a_build_whose_search_repeats_itself_fails_with_one_line(
    tmp_path: Path, emulator: Emulator
) -> None:
    first: list[Any] = []

    def same_page_forever(endpoint: str, body: Any) -> Any:
        if endpoint != SEARCH:
            return body
        if not first:
            body["has_more"] = True
            body["next_cursor"] = body["results"][1]["id"]
            first.append(body)
        return first[0]

    emulator.faults.rewrite = same_page_forever
    site = _build(tmp_path, emulator)
    _build_error(site, "loops", "search")
    requests, _ = _summary_requests(site)
    assert requests == emulator.stats.total
