"""The API itself: routing, auth, faults and dispatch; one module per resource.

Kept apart from the socket plumbing in `server` so the answer to a request can be
computed (and profiled) without HTTP. Every handler returns JSON text, since large
listings are assembled from per-block JSON cached until the workspace changes.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Container
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..faults import Faults, Rewrite, Stats, retry_after_seconds
from ..files import FileSigner
from ..ids import normalize_id
from ..versions import SUPPORTED_VERSIONS
from ..workspace import Workspace
from . import blocks, comments, databases, hosted, pages, search, users, views
from .common import JSON, ApiError, Request, Response, paginate, validation_error

if TYPE_CHECKING:
    from ..server import Emulator

__all__ = ["Api", "ApiError", "Request", "Response"]

FAULT_BODIES: dict[int, tuple[str, str]] = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad Gateway."),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Notion timed out while handling the request."),
    529: ("service_overload", "Notion is experiencing high traffic, please try again later."),
}

Handler = Callable[["Api", Request], str]
RESOURCES = (pages, blocks, databases, search, users, comments, views)


class Api:
    """Answers requests for one `Emulator`; reads its workspace, faults and token live,
    because tests swap them while the server runs."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.block_cache: dict[str, str] = {}
        """Block id -> its JSON text, until the workspace changes."""
        self._cache_generation = -1
        self._results: OrderedDict[str, list[str]] = OrderedDict()
        self._routes = _build_routes()

    @property
    def workspace(self) -> Workspace:
        return self.emulator.workspace

    @property
    def faults(self) -> Faults:
        return self.emulator.faults

    @property
    def stats(self) -> Stats:
        return self.emulator.stats

    @property
    def signer(self) -> FileSigner:
        return self.emulator.signer

    @property
    def url(self) -> str:
        return self.emulator.url

    @property
    def token(self) -> str:
        return self.emulator.token

    # ------------------------------------------------------------------ for handlers

    def sign(self, file_id: str) -> JSON:
        return self.signer.sign(self.url, self.workspace.files[file_id], self.workspace.clock.now())

    def not_found(self, kind: str, object_id: str) -> ApiError:
        bot = self.workspace.bot
        return ApiError(
            404,
            "object_not_found",
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
            f'databases are shared with your integration "{bot["name"]}".',
            {"integration_id": bot["id"]},
        )

    def id_arg(self, raw: str, name: str) -> str:
        found = normalize_id(unquote(raw))
        if found is None:
            raise validation_error(
                f"path failed validation: path.{name} should be a valid uuid, "
                f"instead was `{json.dumps(unquote(raw))}`."
            )
        return found

    def visible(self, raw: str, arg: str, kind: str, known: Container[str]) -> str:
        """The id in a path segment, if it names a `kind` the integration may see;
        anything else is Notion's 404 (unknown and unshared look the same)."""
        object_id = self.id_arg(raw, arg)
        if object_id not in known or not self.workspace.accessible(object_id):
            raise self.not_found(kind, object_id)
        return object_id

    def paginate(
        self, ids: list[str], cursor: str | None, size: int
    ) -> tuple[list[str], str | None, bool]:
        return paginate(ids, cursor, size, broken_cursor=self.faults.broken_cursor)

    def cached_results(self, key: str, compute: Callable[[], list[str]]) -> list[str]:
        """Paging through a large query re-runs the same filter; keep the last few."""
        found = self._results.get(key)
        if found is None:
            found = compute()
            self._results[key] = found
            while len(self._results) > 32:
                self._results.popitem(last=False)
        return found

    def _sync_cache(self) -> None:
        if self._cache_generation != self.workspace.generation:
            self.block_cache.clear()
            self._results.clear()
            self._cache_generation = self.workspace.generation

    # ------------------------------------------------------------------ dispatch

    def route(self, method: str, path: str) -> tuple[str, Handler | None, list[str]]:
        parts = [p for p in path[len("/v1/") :].split("/") if p]
        exact = (method, tuple(parts))
        if exact in self._routes:
            name, handler = self._routes[exact]
            return name, handler, []
        shape = tuple("*" if index % 2 == 1 else part for index, part in enumerate(parts))
        found = self._routes.get((method, shape))
        if found is None:
            return f"{method} (invalid)", None, []
        args = [part for index, part in enumerate(parts) if index % 2 == 1]
        if parts == ["users", "me"]:
            return f"{method} /v1/users/me", found[1], args
        return found[0], found[1], args

    def handle_api(
        self, method: str, target: str, headers: Any, raw_body: bytes
    ) -> tuple[Response, bool]:
        """Answers one /v1/ request; the flag says whether to drop the connection."""
        request_id = str(uuid.uuid4())
        split = urlsplit(target)
        endpoint, handler, args = self.route(method, split.path)
        faults = self.faults
        status = 200
        extra: dict[str, str] = {}
        try:
            self._inject_faults()
            auth = headers.get("Authorization", "")
            if auth != f"Bearer {self.token}":
                raise ApiError(401, "unauthorized", "API token is invalid.")
            version = _version(headers.get("Notion-Version"))
            if handler is None:
                raise ApiError(400, "invalid_request_url", "Invalid request URL.")
            req = Request(args, parse_qs(split.query), _body(method, raw_body), request_id, version)
            with self.workspace.lock:
                self._sync_cache()
                text = handler(self, req)
            payload = text.encode()
        except ApiError as error:
            status = error.status
            payload = error.body(request_id)
            extra = error.headers
        except Exception as error:  # a bug in the emulator must not kill the connection
            status = 500
            payload = ApiError(
                500, "internal_server_error", f"Emulator error: {type(error).__name__}: {error}"
            ).body(request_id)
        drop = False
        if status == 200 and faults.rewrite is not None:
            payload = _rewritten(faults.rewrite, endpoint, payload)
        if status == 200 and faults.roll(faults.malformed_rate):
            payload = payload[: max(1, len(payload) // 2)] + b"<!-- not json"
        if faults.roll(faults.drop_rate):
            drop = True
        trickle = 0.0
        if faults.trickle_seconds > 0 and faults.roll(faults.trickle_rate):
            trickle = faults.trickle_seconds
        # Notion's clock stamps last_edited_time; clients compare against this header.
        now = self.workspace.clock.now()
        extra = {**extra, "Date": format_datetime(now, usegmt=True), "x-request-id": request_id}
        self.stats.record(
            endpoint,
            status,
            retry_after_seconds(extra.get("Retry-After"), now),
            headers.get("Notion-Version"),
        )
        return Response(status, payload, extra, trickle=trickle), drop

    def _inject_faults(self) -> None:
        """Slowness, the rate limit and random server errors, before anything else."""
        faults = self.faults
        delay = faults.delay()
        if delay:
            time.sleep(delay)
        forced = faults.forced_status()
        if forced is not None:
            raise self._fault(forced, 1)
        wait = faults.take_token()
        if wait > 0:
            raise self._fault(429, faults.retry_after(wait))
        if faults.roll(faults.error_rate):
            raise self._fault(faults.choose_status(), 1)

    def _fault(self, status: int, seconds: int) -> ApiError:
        """An injected failure in Notion's envelope; 429s (and 529s when the fault says
        so) carry Retry-After."""
        faults = self.faults
        header = faults.retry_after_header
        if status == 429:
            text = header if header is not None else str(seconds)
            return ApiError(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                {"retry_after": text, "rate_limit_reason": faults.rate_limit_reason},
                {"Retry-After": text},
            )
        code, message = FAULT_BODIES.get(status, ("internal_server_error", "Unexpected error."))
        headers = {"Retry-After": header} if status == 529 and header is not None else None
        return ApiError(status, code, message, None, headers)

    def handle_file(self, method: str, target: str) -> Response:
        return hosted.serve_file(self, method, target)


def _rewritten(rewrite: Rewrite, endpoint: str, payload: bytes) -> bytes:
    """A 200 answer as the `rewrite` fault wants it, sent as compact JSON."""
    return json.dumps(rewrite(endpoint, json.loads(payload)), allow_nan=True).encode()


def _version(version: str | None) -> str:
    if version is None:
        raise ApiError(
            400,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header "
            "should be defined, instead was `undefined`.",
        )
    if version not in SUPPORTED_VERSIONS:
        raise validation_error(
            "Notion-Version header failed validation: Notion-Version header "
            f'should be a supported API version, instead was `"{version}"`.'
        )
    return version


def _body(method: str, raw_body: bytes) -> JSON:
    if method not in ("POST", "PATCH") or not raw_body.strip():
        return {}
    try:
        parsed = json.loads(raw_body)
    except ValueError:
        raise ApiError(400, "invalid_json", "Error parsing JSON body.") from None
    if not isinstance(parsed, dict):
        raise validation_error("body failed validation: body should be an object.")
    return parsed


def _build_routes() -> dict[tuple[str, tuple[str, ...]], tuple[str, Handler]]:
    """(method, path shape) -> (stats key, handler); `*` stands for an id segment."""
    routes = {}
    for resource in RESOURCES:
        for method, shape, handler in resource.ROUTES:
            parts = tuple(shape.split("/"))
            key = "/v1/" + "/".join("{id}" if p == "*" else p for p in parts)
            if parts[-1] == "*" and parts[0] == "pages" and len(parts) == 4:
                key = "/v1/pages/{id}/properties/{property_id}"
            routes[(method, parts)] = (f"{method} {key}", handler)
    return routes
