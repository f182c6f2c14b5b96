"""The reads the plugin makes of the Notion API, through notion-client.

notion-client builds the requests and parses the answers; under it sits the paced,
retrying, counting transport (pacing.py) on a keep-alive socket (transport.py). Every
read returns plain JSON of the shape its endpoint promises (answers.py) or raises a
NotionSyncError that says what to do, in one line; every list endpoint goes through the
one paginator, which refuses to loop.

Over 400 lines because every endpoint the plugin reads (pages, blocks, databases, data
sources, views, search, users, comments) is one small method here, beside the one error
mapping they all share.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from notion_client import APIResponseError, Client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from ..errors import (
    AuthError,
    CapabilityError,
    ConfigError,
    ErrorCode,
    NotionSyncError,
    NotSharedError,
    RequestRejected,
    UnreachableError,
)
from ..settings import Settings
from . import answers
from .answers import Malformed
from .limits import MAX_ANSWER_BYTES, AnswerTooLarge
from .objects import one_line
from .pacing import (
    BLOCKED,
    RETRY_STATUSES,
    CircuitBreaker,
    CircuitOpen,
    PacedTransport,
    Pacer,
    RequestMetrics,
    RetryPolicy,
    WaitBudget,
    WaitRefused,
)
from .transport import DirectClient, inner_transport

PAGE_SIZE = 100
"""Notion's maximum page size for every list endpoint."""
MAX_PAGES = 10_000
"""Pages of one listing at most (a million results): past it, a server that invents
new cursors for ever would keep a build going for ever."""
SERVER_CLOCK_TRUST = timedelta(days=1)
"""A Date header further than this from our clock is not Notion's clock: ignored."""
GARBLED = (json.JSONDecodeError, UnicodeDecodeError, RecursionError, Malformed)
"""What reading a 200 answer raises when its body is not what the endpoint sends."""

T = TypeVar("T")


class NotionAPI:
    """One client of the API; its metrics count every request it sent. A missing token
    is a configuration mistake, said plainly."""

    def __init__(self, settings: Settings, pacer: Pacer | None = None) -> None:
        if not settings.token:
            raise ConfigError(
                "no Notion token: set the NOTION_TOKEN environment variable to your "
                "integration's secret (or use offline: true to build from the cache)"
            )
        self.api_url = settings.api_url.rstrip("/")
        self.timeout = settings.timeout
        self.version = settings.notion_version
        self.metrics = RequestMetrics()
        self.pacer = pacer or Pacer(settings.rate_limit)
        self.breaker = CircuitBreaker(threshold=max(10, 2 * (settings.max_retries + 1)))
        self.policy = RetryPolicy(
            max_retries=settings.max_retries, base_delay=settings.retry_base_delay
        )
        transport = PacedTransport(
            inner_transport(self.api_url),
            self.pacer,
            self.policy,
            self.metrics,
            settings.concurrency,
            self.breaker,
            WaitBudget(settings.max_retry_after, settings.max_rate_limit_wait),
        )
        # Proxies from the environment are handled by inner_transport, so that no
        # request can bypass the pacing and the counting.
        self._http = DirectClient(transport)
        self._client = Client(
            client=self._http,
            auth=settings.token,
            base_url=self.api_url,
            timeout_ms=int(settings.timeout * 1000),
            notion_version=settings.notion_version,
            retry=False,
            logger=logging.getLogger("mkdocs_notion_sync.notion_client"),
            log_level=logging.CRITICAL,
        )

    def close(self) -> None:
        self._http.close()

    def server_now(self, *, first: bool = False) -> str:
        """Notion's idea of now (ISO, a second early to be safe), else ours: edit times
        are Notion's, so freshness is judged on Notion's clock. `first`: the time of the
        first answer this client got, i.e. about when a sync began. A Date header a day
        or more away from our clock is ignored: a server cannot make the cache fresh for
        ever by claiming the year 9999."""
        local = datetime.now(timezone.utc)
        moment = local
        header = self.metrics.first_server_date if first else self.metrics.server_date
        if header:
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                claimed = parsedate_to_datetime(header)
                if claimed.tzinfo is None:
                    claimed = claimed.replace(tzinfo=timezone.utc)
                if abs(claimed - local) < SERVER_CLOCK_TRUST:
                    moment = claimed
        return (moment - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _call(
        self, what: str, fn: Callable[..., Any], check: Callable[[Any], T], **kwargs: Any
    ) -> T:
        """One API call with our errors, its answer in the shape `check` wants; a garbled
        or malformed body is retried like a dropped one."""
        for attempt in range(self.policy.max_retries + 1):
            try:
                return check(fn(**kwargs))
            except GARBLED as error:
                if attempt >= self.policy.max_retries:
                    problem = error if isinstance(error, Malformed) else "not JSON"
                    tries = "1 attempt" if attempt == 0 else f"{attempt + 1} attempts"
                    raise UnreachableError(
                        f"Notion's answer to {what} is malformed ({problem}), in {tries}"
                    ) from None
                self.metrics.add(retries=1)
            except APIResponseError as error:
                raise translate_api_error(error, what) from None
            except HTTPResponseError as error:
                if error.status not in RETRY_STATUSES:
                    raise UnreachableError(
                        f"Notion answered {what} with an unexpected HTTP {error.status}; "
                        "check api_url",
                        code=ErrorCode.of(error.code),
                    ) from None
                raise UnreachableError(
                    f"Notion failed {what} with HTTP {error.status} after "
                    f"{self.policy.max_retries} retries",
                    code=ErrorCode.of(error.code),
                ) from None
            except RequestTimeoutError:
                raise UnreachableError(
                    f"Notion did not answer {what} in time: {self.policy.max_retries + 1} "
                    f"attempts each took longer than timeout ({self.timeout:g}s) "
                    f"({self.api_url})"
                ) from None
            except WaitRefused as error:
                raise UnreachableError(error.message(what), code=ErrorCode.RATE_LIMITED) from None
            except AnswerTooLarge:
                raise UnreachableError(
                    f"Notion's answer to {what} is larger than "
                    f"{MAX_ANSWER_BYTES / (1024 * 1024):g} MiB, more than Notion ever sends; "
                    "stopped reading it"
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

    def _object(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
        return self._call(what, fn, answers.an_object, **kwargs)

    def _paginate(
        self, what: str, fn: Callable[..., Any], *, ids: bool = True, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Every result of a list endpoint, 100 a request, following `next_cursor`. A
        cursor that comes back, a page of results already given, or a listing past
        MAX_PAGES is a server going round in circles: stopped, in one line."""

        def check(answer: Any) -> tuple[list[dict[str, Any]], bool, str | None]:
            return answers.a_list_page(answer, ids=ids)

        cursors: set[str] = set()
        seen: set[str] = set()
        pages = 0
        while True:
            results, has_more, cursor = self._call(what, fn, check, page_size=PAGE_SIZE, **kwargs)
            pages += 1
            if ids:
                new = {str(result["id"]) for result in results} - seen
                if results and not new and pages > 1:
                    raise UnreachableError(_loops(what, "a page repeated results it had given"))
                seen |= new
            yield from results
            if not has_more:
                return
            if cursor is None:
                # Stopping here would publish a silently truncated page.
                raise UnreachableError(
                    f"Notion said {what} has more results but gave no cursor to fetch them"
                )
            if cursor in cursors:
                raise UnreachableError(_loops(what, "a cursor came back that it had given"))
            if pages >= MAX_PAGES:
                raise UnreachableError(
                    f"Notion's listing of {what} went on for more than {MAX_PAGES} pages; "
                    "stopped rather than fetch for ever"
                )
            cursors.add(cursor)
            kwargs["start_cursor"] = cursor

    def me(self) -> dict[str, Any]:
        """https://developers.notion.com/reference/get-self"""
        return self._call(
            "the token check",
            self._client.users.me,
            lambda answer: answers.an_object(answer, with_id=False),
        )

    def page(self, page_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-page"""
        return self._object(f"page {page_id}", self._client.pages.retrieve, page_id=page_id)

    def block(self, block_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-block"""
        return self._object(f"block {block_id}", self._client.blocks.retrieve, block_id=block_id)

    def children(self, block_id: str) -> list[dict[str, Any]]:
        """https://developers.notion.com/reference/get-block-children (every page of
        them). A block's `children` are only ever the ones fetched for it: any that an
        answer carries inline are dropped, so no answer can smuggle in a deeper tree."""
        blocks = list(
            self._paginate(
                f"the children of {block_id}", self._client.blocks.children.list, block_id=block_id
            )
        )
        for block in blocks:
            block.pop("children", None)
        return blocks

    def database(self, database_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-database"""
        return self._call(
            f"database {database_id}",
            self._client.databases.retrieve,
            answers.a_database,
            database_id=database_id,
        )

    def data_source(self, data_source_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-data-source"""
        return self._object(
            f"data source {data_source_id}",
            self._client.data_sources.retrieve,
            data_source_id=data_source_id,
        )

    def query(
        self,
        data_source_id: str,
        *,
        filter: dict[str, Any] | None = None,
        sorts: list[Any] | None = None,
        properties: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """https://developers.notion.com/reference/query-a-data-source (every entry).
        `properties`: the ids of the properties the answer must carry
        (`filter_properties`; from API 2026-12-01 a query without it returns titles)."""
        kwargs: dict[str, Any] = {"data_source_id": data_source_id, "result_type": "page"}
        if filter is not None:
            kwargs["filter"] = filter
        if sorts is not None:
            kwargs["sorts"] = sorts
        if properties:
            kwargs["filter_properties"] = properties
        return self._paginate(
            f"the query of data source {data_source_id}", self._client.data_sources.query, **kwargs
        )

    def view(self, view_id: str) -> dict[str, Any]:
        """https://developers.notion.com/reference/retrieve-a-view"""
        return self._call(
            f"view {view_id}", self._client.views.retrieve, answers.a_view, view_id=view_id
        )

    def views(self, database_id: str) -> list[str]:
        """The ids of a database's views, in the order of its tabs.
        https://developers.notion.com/reference/list-views"""
        return [
            str(ref["id"])
            for ref in self._paginate(
                f"the views of database {database_id}",
                self._client.views.list,
                database_id=database_id,
            )
        ]

    def recently_edited(
        self, since: str, *, data_sources: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Pages edited at or after `since` (ISO time), newest first, from search, which
        returns 100 pages a request: the cheap change check of incremental builds. With
        `data_sources`, edited data sources too (a schema change stamps its data source).
        https://developers.notion.com/reference/post-search"""
        only_pages: dict[str, Any] = (
            {} if data_sources else {"filter": {"property": "object", "value": "page"}}
        )
        for result in self._paginate(
            "the search for edited pages",
            self._client.search,
            sort={"timestamp": "last_edited_time", "direction": "descending"},
            **only_pages,
        ):
            if str(result.get("last_edited_time", "")) < since:
                return
            yield result

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
                ids=False,
                page_id=page_id,
                property_id=property_id,
            )
        )


def _loops(what: str, how: str) -> str:
    return f"Notion's pagination of {what} loops ({how}); stopped rather than fetch for ever"


_REQUEST_ID = re.compile(r"[\w-]{1,64}")


def _said(text: object, limit: int = 300) -> str:
    """Text from Notion's answer as part of our one line, cut at `limit`."""
    return one_line(text, limit)


def translate_api_error(error: APIResponseError, what: str) -> NotionSyncError:
    """Notion's error codes, as messages that say what to do."""
    code = ErrorCode.of(error.code)
    raw_code = str(getattr(error.code, "value", error.code))
    request_id = error.request_id
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        request_id = None  # quoted to Notion support; anything else is not Notion's
    if code is ErrorCode.UNAUTHORIZED:
        return AuthError(
            "Notion rejected the token (401 unauthorized): set NOTION_TOKEN to your "
            "integration's secret from https://www.notion.so/profile/integrations",
            code=code,
            request_id=request_id,
        )
    if code is ErrorCode.OBJECT_NOT_FOUND:
        object_id = what.split()[-1]
        kind = what.split()[0] if what.split()[0] in ("page", "database", "block") else "page"
        return NotSharedError(object_id, kind, request_id)
    if code is ErrorCode.RESTRICTED_RESOURCE:
        return CapabilityError(
            f"the integration lacks a capability needed for {what} (403): enable "
            "'Read content' (and 'Read comments' for comments) in its settings",
            code=code,
            request_id=request_id,
        )
    extra = error.additional_data
    if isinstance(extra, dict) and extra.get("rate_limit_reason") == BLOCKED:
        return RequestRejected(
            f"Notion blocked {what}: requests from this integration are restricted "
            f"(rate_limit_reason {BLOCKED}), so notion-sync does not retry; ask your "
            "workspace owner or Notion support",
            code=code,
            request_id=request_id,
        )
    if code is ErrorCode.RATE_LIMITED:
        return UnreachableError(
            f"Notion kept rate-limiting {what} past max_retries; lower rate_limit or "
            "raise max_retries",
            code=code,
            request_id=request_id,
        )
    if error.status >= 500 or code is ErrorCode.CONFLICT_ERROR:
        return UnreachableError(
            f"Notion kept failing {what} (HTTP {error.status} {raw_code}) past max_retries; "
            "try again later",
            code=code,
            request_id=request_id,
        )
    return RequestRejected(
        f"Notion rejected {what}: {_said(error)}", code=code, request_id=request_id
    )
