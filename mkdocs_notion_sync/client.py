"""notion-client behind one paced, retrying, counting HTTP transport.

notion-client 3.1.0 does no pacing and retries only some failures, so all of that lives
in an httpx transport under it: every request (retries included) passes one token
bucket and one concurrency gate, a 429 pauses the whole client for Retry-After, and the
counts are taken where the bytes go out, so they equal what the server saw.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import multiprocessing
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from notion_client import APIResponseError, Client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from .connection import DirectClient, inner_transport
from .errors import (
    AuthError,
    CapabilityError,
    NotionSyncError,
    NotSharedError,
    RequestRejected,
    UnreachableError,
)

log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.client")

MIN_RATE = 0.5
"""Requests per second the pacer never goes below: Notion's documented floor is 3."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
_ID_SEGMENT = re.compile(
    r"/[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_PROPERTY_SEGMENT = re.compile(r"(/properties/)[^/]+")


def endpoint_name(method: str, path: str) -> str:
    """`GET /v1/blocks/{id}/children`: one bucket per endpoint, whatever the ids."""
    path = _PROPERTY_SEGMENT.sub(r"\1{property_id}", _ID_SEGMENT.sub("/{id}", path))
    return f"{method} {path}"


@dataclass
class RequestMetrics:
    """What went over the wire; shared by all threads, so every change holds the lock."""

    requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    wait_seconds: float = 0.0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    server_date: str | None = None
    """The `Date` header of the latest answer: Notion's clock, which stamps edits."""
    first_server_date: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, endpoint: str, status: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_endpoint[endpoint] += 1
            self.by_status[status] += 1
            if status == "429":
                self.rate_limited += 1

    def add(self, *, retries: int = 0, wait: float = 0.0) -> None:
        with self._lock:
            self.retries += retries
            self.wait_seconds += wait

    def take(self) -> RequestMetrics:
        """The counts since the last take, which start again from zero: a worker
        process hands them back with each page, and the build's client adds them up."""
        with self._lock:
            taken = RequestMetrics(
                self.requests,
                self.rate_limited,
                self.retries,
                self.wait_seconds,
                self.by_endpoint,
                self.by_status,
            )
            self.requests = self.rate_limited = self.retries = 0
            self.wait_seconds = 0.0
            self.by_endpoint, self.by_status = Counter(), Counter()
        return taken

    def merge(self, other: RequestMetrics) -> None:
        with self._lock:
            self.requests += other.requests
            self.rate_limited += other.rate_limited
            self.retries += other.retries
            self.wait_seconds += other.wait_seconds
            self.by_endpoint.update(other.by_endpoint)
            self.by_status.update(other.by_status)

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _lock=threading.Lock())


class _PacerState(ctypes.Structure):
    """The pacer's numbers as one C struct, so worker processes can share them."""

    _fields_ = (
        ("rate", ctypes.c_double),
        ("next_slot", ctypes.c_double),
        ("paused_until", ctypes.c_double),
        ("successes", ctypes.c_double),
    )


class Pacer:
    """A token bucket shared by every thread, a pause that a 429 imposes on all of them,
    and a rate that drops after repeated 429s and climbs back slowly.

    `share()` moves the numbers into shared memory behind a process lock, so the worker
    processes of a big sync (see workers.py) draw from the same budget and honour the
    same pause; time.monotonic is one clock for every process on the machine."""

    def __init__(self, rate: float, on_pause: Callable[[float], None] | None = None) -> None:
        self.configured_rate = rate
        self.on_pause = on_pause
        self.shared = False
        self._state: Any = _PacerState(rate, 0.0, 0.0, 0.0)
        self._lock: Any = threading.Lock()

    def share(self) -> None:
        """From now on in shared memory, for worker processes: only once they are about
        to start, because a process lock also starts multiprocessing's tracker process."""
        with self._lock:
            if self.shared:
                return
            context = multiprocessing.get_context("spawn")
            old = self._state
            self._state = context.RawValue(
                _PacerState, old.rate, old.next_slot, old.paused_until, old.successes
            )
            self._lock = context.Lock()
            self.shared = True

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process inherits: the shared numbers and lock, not the callback."""
        if not self.shared:
            raise TypeError("only a shared Pacer can be handed to another process")
        return {**self.__dict__, "on_pause": None}

    @property
    def rate(self) -> float:
        return float(self._state.rate)

    def wait_turn(self) -> float:
        """Block until this thread may send; returns the seconds waited. A thread takes
        a slot 1/rate after the previous one; a 429 that arrives while it waits sends it
        back to wait out the pause and take a new slot after it."""
        state = self._state
        waited = 0.0
        slot: float | None = None
        while True:
            with self._lock:
                now = time.monotonic()
                if now < state.paused_until:
                    slot = None
                    delay = state.paused_until - now
                else:
                    if slot is None:
                        slot = max(now, state.next_slot)
                        state.next_slot = slot + 1.0 / state.rate
                    if slot <= now:
                        return waited
                    delay = slot - now
            time.sleep(delay)
            waited += delay

    def rate_limited(self, retry_after: float) -> None:
        """Everyone waits out Retry-After, and the rate halves so it does not happen
        again; 429s that answer requests sent before the pause count once."""
        state = self._state
        with self._lock:
            now = time.monotonic()
            fresh = now >= state.paused_until
            state.paused_until = max(state.paused_until, now + retry_after)
            state.next_slot = max(state.next_slot, state.paused_until)
            if fresh:
                state.rate = max(state.rate * 0.5, MIN_RATE)
                state.successes = 0
        if fresh and self.on_pause is not None:
            self.on_pause(retry_after)

    def succeeded(self) -> None:
        """Every 50 clean answers the rate climbs 10 % back towards the configured one."""
        state = self._state
        if state.rate >= self.configured_rate:
            return
        with self._lock:
            state.successes += 1
            if state.successes >= 50:
                state.successes = 0
                state.rate = min(state.rate * 1.1, self.configured_rate)


class CircuitBreaker:
    """Stops sending after many consecutive failures, so a dead API is not hammered."""

    def __init__(self, threshold: int, cooldown: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._failures = 0
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._open_until = time.monotonic() + self.cooldown

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._open_until = 0.0


class CircuitOpen(httpx.TransportError):
    """Raised instead of sending while the breaker is open."""


@dataclass
class RetryPolicy:
    max_retries: int = 5
    base_delay: float = 0.25
    max_delay: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Exponential with full jitter, so parallel retries do not arrive together."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "1")), 0.0)
    except ValueError:
        return 1.0


class PacedTransport(httpx.BaseTransport):
    """Sends each request through the pacer, retries what is worth retrying, counts all."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        pacer: Pacer,
        policy: RetryPolicy,
        metrics: RequestMetrics,
        concurrency: int,
        breaker: CircuitBreaker,
    ) -> None:
        self.inner = inner
        self.pacer = pacer
        self.policy = policy
        self.metrics = metrics
        self.breaker = breaker
        self._slots = threading.Semaphore(concurrency)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        endpoint = endpoint_name(request.method, request.url.path)
        attempt = 0
        while True:
            if self.breaker.is_open:
                raise CircuitOpen("the Notion API kept failing; stopped sending requests")
            response: httpx.Response | None = None
            with self._slots:
                waited = self.pacer.wait_turn()
                try:
                    response = self.inner.handle_request(request)
                    response.read()
                except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
                    response = None
                    if attempt >= self.policy.max_retries:
                        self.metrics.record(endpoint, "error")
                        self.metrics.add(wait=waited)
                        self.breaker.failed()
                        raise
            status = str(response.status_code) if response is not None else "error"
            self.metrics.record(endpoint, status)
            self.metrics.add(wait=waited)
            if response is not None and response.status_code not in RETRY_STATUSES:
                date = response.headers.get("date")
                if date:
                    self.metrics.server_date = date
                    self.metrics.first_server_date = self.metrics.first_server_date or date
                self.breaker.succeeded()
                self.pacer.succeeded()
                return response
            if response is not None and response.status_code == 429:
                self.pacer.rate_limited(_retry_after(response))
            else:
                self.breaker.failed()
            if attempt >= self.policy.max_retries:
                assert response is not None
                return response
            if response is not None:
                response.close()
                if response.status_code == 529 and "retry-after" in response.headers:
                    self.pacer.rate_limited(_retry_after(response))
            if response is None or response.status_code != 429:
                delay = self.policy.backoff(attempt)
                self.metrics.add(wait=delay)
                time.sleep(delay)
            attempt += 1
            self.metrics.add(retries=1)

    def close(self) -> None:
        self.inner.close()


class NotionAPI:
    """The reads the plugin makes, each returning plain JSON or raising a NotionSyncError."""

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        concurrency: int = 4,
        rate_limit: float = 3.0,
        max_retries: int = 5,
        timeout: float = 30.0,
        retry_base_delay: float = 0.25,
        on_pause: Callable[[float], None] | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.metrics = RequestMetrics()
        self.pacer = pacer or Pacer(rate_limit, on_pause)
        self.breaker = CircuitBreaker(threshold=max(10, 2 * (max_retries + 1)))
        self.policy = RetryPolicy(max_retries=max_retries, base_delay=retry_base_delay)
        transport = PacedTransport(
            inner_transport(self.api_url),
            self.pacer,
            self.policy,
            self.metrics,
            concurrency,
            self.breaker,
        )
        # Proxies from the environment are handled by inner_transport, so that no
        # request can bypass the pacing and the counting.
        self._http = DirectClient(transport)
        self._client = Client(
            client=self._http,
            auth=token,
            base_url=self.api_url,
            timeout_ms=int(timeout * 1000),
            retry=False,
            logger=logging.getLogger("mkdocs_notion_sync.notion_client"),
            log_level=logging.CRITICAL,
        )

    def close(self) -> None:
        self._http.close()

    def server_now(self, *, first: bool = False) -> str:
        """Notion's idea of now (ISO, a second early to be safe), else ours: edit times
        are Notion's, so freshness is judged on Notion's clock. `first`: the time of the
        first answer this client got, i.e. about when a sync began."""
        moment = datetime.now(timezone.utc)
        header = self.metrics.first_server_date if first else self.metrics.server_date
        if header:
            with contextlib.suppress(TypeError, ValueError):
                moment = parsedate_to_datetime(header)
        return (moment - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _call(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """One API call with our errors; a garbled body is retried like a dropped one."""
        for attempt in range(self.policy.max_retries + 1):
            try:
                return fn(**kwargs)
            except json.JSONDecodeError:
                if attempt >= self.policy.max_retries:
                    raise UnreachableError(
                        f"Notion answered {what} with malformed JSON {attempt + 1} times"
                    ) from None
                self.metrics.add(retries=1)
            except APIResponseError as error:
                raise translate_api_error(error, what) from None
            except HTTPResponseError as error:
                raise UnreachableError(
                    f"Notion failed {what} with HTTP {error.status} after "
                    f"{self.policy.max_retries} retries",
                    code=str(error.code),
                ) from None
            except RequestTimeoutError:
                raise UnreachableError(
                    f"Notion did not answer {what} in time after "
                    f"{self.policy.max_retries} retries ({self.api_url})"
                ) from None
            except CircuitOpen:
                raise UnreachableError(
                    f"the Notion API at {self.api_url} kept failing, so notion-sync stopped "
                    "sending requests (circuit breaker open); try again later"
                ) from None
            except httpx.HTTPError as error:
                raise UnreachableError(
                    f"cannot reach the Notion API at {self.api_url} "
                    f"({type(error).__name__}); check api_url and the network"
                ) from None
        raise AssertionError("unreachable")

    def _paginate(
        self, what: str, fn: Callable[..., Any], **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            if cursor:
                kwargs["start_cursor"] = cursor
            page = self._call(what, fn, page_size=100, **kwargs)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise UnreachableError(f"Notion answered {what} with something that is not a list")
            yield from page["results"]
            cursor = page.get("next_cursor")
            if not page.get("has_more"):
                return
            if not isinstance(cursor, str) or not cursor:
                # Stopping here would publish a silently truncated page.
                raise UnreachableError(
                    f"Notion said {what} has more results but gave no cursor to fetch them"
                )

    def me(self) -> dict[str, Any]:
        """https://developers.notion.com/reference/get-self"""
        return dict(self._call("the token check", self._client.users.me))

    def page(self, page_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-page"""
        return dict(self._call(f"page {page_id}", self._client.pages.retrieve, page_id=page_id))

    def block(self, block_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-block"""
        return dict(
            self._call(f"block {block_id}", self._client.blocks.retrieve, block_id=block_id)
        )

    def children(self, block_id: str) -> list[dict[str, Any]]:
        """https://developers.notion.com/reference/get-block-children (every page of them)"""
        return list(
            self._paginate(
                f"the children of {block_id}", self._client.blocks.children.list, block_id=block_id
            )
        )

    def database(self, database_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-database"""
        return dict(
            self._call(
                f"database {database_id}", self._client.databases.retrieve, database_id=database_id
            )
        )

    def data_source(self, data_source_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-data-source"""
        return dict(
            self._call(
                f"data source {data_source_id}",
                self._client.data_sources.retrieve,
                data_source_id=data_source_id,
            )
        )

    def query(
        self,
        data_source_id: str,
        *,
        filter: dict[str, Any] | None = None,
        sorts: list[Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """https://developers.notion.com/reference/query-a-data-source (every entry)"""
        kwargs: dict[str, Any] = {"data_source_id": data_source_id, "result_type": "page"}
        if filter is not None:
            kwargs["filter"] = filter
        if sorts is not None:
            kwargs["sorts"] = sorts
        return self._paginate(
            f"the query of data source {data_source_id}", self._client.data_sources.query, **kwargs
        )

    def recently_edited(self, since: str) -> Iterator[dict[str, Any]]:
        """Pages edited at or after `since` (ISO time), newest first, from search, which
        returns 100 pages a request: the cheap change check of incremental builds."""
        cursor: str | None = None
        while True:
            body: dict[str, Any] = {
                "filter": {"property": "object", "value": "page"},
                "sort": {"timestamp": "last_edited_time", "direction": "descending"},
                "page_size": 100,
            }
            if cursor:
                body["start_cursor"] = cursor
            page = self._call("the search for edited pages", self._client.search, **body)
            for result in page.get("results", []):
                if str(result.get("last_edited_time", "")) < since:
                    return
                yield result
            cursor = page.get("next_cursor")
            if not page.get("has_more"):
                return
            if not isinstance(cursor, str) or not cursor:
                raise UnreachableError(
                    "Notion's search said it has more results but gave no cursor"
                )

    def users(self) -> list[dict[str, Any]]:
        """https://developers.notion.com/reference/get-users (names for people and authors)"""
        return list(self._paginate("the list of users", self._client.users.list))

    def comments(self, block_id: str) -> list[dict[str, Any]]:
        """https://developers.notion.com/reference/retrieve-a-comment"""
        return list(
            self._paginate(
                f"the comments of {block_id}", self._client.comments.list, block_id=block_id
            )
        )

    def property_items(self, page_id: str, property_id: str) -> list[dict[str, Any]]:
        """https://developers.notion.com/reference/retrieve-a-page-property (all items)"""
        return list(
            self._paginate(
                f"property {property_id} of page {page_id}",
                self._client.pages.properties.retrieve,
                page_id=page_id,
                property_id=property_id,
            )
        )


def translate_api_error(error: APIResponseError, what: str) -> NotionSyncError:
    """Notion's error codes, as messages that say what to do."""
    code = str(getattr(error.code, "value", error.code))
    request_id = error.request_id
    if code == "unauthorized":
        return AuthError(
            "Notion rejected the token (401 unauthorized): set NOTION_TOKEN to your "
            "integration's secret from https://www.notion.so/profile/integrations",
            code=code,
            request_id=request_id,
        )
    if code == "object_not_found":
        object_id = what.split()[-1]
        kind = what.split()[0] if what.split()[0] in ("page", "database", "block") else "page"
        return NotSharedError(object_id, kind, request_id)
    if code == "restricted_resource":
        return CapabilityError(
            f"the integration lacks a capability needed for {what} (403): enable "
            "'Read content' (and 'Read comments' for comments) in its settings",
            code=code,
            request_id=request_id,
        )
    if code == "rate_limited":
        return UnreachableError(
            f"Notion kept rate-limiting {what} past max_retries; lower rate_limit or "
            "raise max_retries",
            code=code,
            request_id=request_id,
        )
    if error.status >= 500 or code == "conflict_error":
        return UnreachableError(
            f"Notion kept failing {what} (HTTP {error.status} {code}) past max_retries; "
            "try again later",
            code=code,
            request_id=request_id,
        )
    return RequestRejected(f"Notion rejected {what}: {error}", code=code, request_id=request_id)
