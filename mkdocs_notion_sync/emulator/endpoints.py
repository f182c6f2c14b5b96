"""The API itself: routing, auth, faults, pagination and the handlers of each endpoint.

Kept apart from the socket plumbing in `server` so the answer to a request can be
computed (and profiled) without HTTP. Every handler returns JSON text, since large
listings are assembled from per-block JSON cached until the workspace changes.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import query as query_mod
from . import richtext, shapes
from .faults import Faults, Stats
from .files import FileSigner, access_denied
from .ids import normalize_id
from .workspace import Workspace, notion_url

if TYPE_CHECKING:
    from .server import Emulator

JSON = dict[str, Any]

# Accepted, but every version is answered with 2025-09-03 shapes (notion-client 3.1.0's).
SUPPORTED_VERSIONS = frozenset({"2022-06-28", "2025-09-03", "2026-03-11"})
MAX_PAGE_SIZE = 100

FAULT_BODIES: dict[int, tuple[str, str]] = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad Gateway."),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Notion timed out while handling the request."),
    529: ("service_overload", "Notion is experiencing high traffic, please try again later."),
}


class ApiError(Exception):
    """An error response in Notion's envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        additional: JSON | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional = additional
        self.headers = headers or {}

    def body(self, request_id: str) -> bytes:
        out: JSON = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional is not None:
            out["additional_data"] = self.additional
        out["request_id"] = request_id
        return shapes.dumps(out).encode()


class Response:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


Handler = Callable[["_Request"], str]


class _Request:
    """What one API handler needs: ids from the path, the query string and the body."""

    __slots__ = ("args", "body", "params", "request_id")

    def __init__(
        self,
        args: list[str],
        params: dict[str, list[str]],
        body: JSON,
        request_id: str,
    ) -> None:
        self.args = args
        self.params = params
        self.body = body
        self.request_id = request_id

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


def _page_size(raw: Any, where: str) -> int:
    if raw is None:
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise ApiError(
            400,
            "validation_error",
            f"{where}.page_size should be a number, instead was `{json.dumps(raw)}`.",
        ) from None
    if size < 1:
        raise ApiError(
            400,
            "validation_error",
            f"{where}.page_size should be greater than 0, instead was `{size}`.",
        )
    return min(size, MAX_PAGE_SIZE)  # Notion answers 200 to page_size=101, capped


class Endpoints:
    """Answers requests for one `Emulator`; reads its workspace, faults and token live,
    because tests swap them while the server runs."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._cache: dict[str, str] = {}
        self._cache_generation = -1
        self._results: OrderedDict[str, list[str]] = OrderedDict()
        self._routes = self._build_routes()

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

    # ------------------------------------------------------------------ helpers

    def _sign(self, file_id: str) -> JSON:
        return self.signer.sign(self.url, self.workspace.files[file_id], self.workspace.clock.now())

    def _sync_cache(self) -> None:
        if self._cache_generation != self.workspace.generation:
            self._cache.clear()
            self._results.clear()
            self._cache_generation = self.workspace.generation

    def _not_found(self, kind: str, object_id: str) -> ApiError:
        bot = self.workspace.bot
        return ApiError(
            404,
            "object_not_found",
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
            f'databases are shared with your integration "{bot["name"]}".',
            {"integration_id": bot["id"]},
        )

    def _id_arg(self, raw: str, name: str) -> str:
        found = normalize_id(unquote(raw))
        if found is None:
            raise ApiError(
                400,
                "validation_error",
                f"path failed validation: path.{name} should be a valid uuid, "
                f"instead was `{json.dumps(unquote(raw))}`.",
            )
        return found

    def _paginate(
        self, ids: list[str], cursor: str | None, size: int
    ) -> tuple[list[str], str | None, bool]:
        start = 0
        if cursor:
            try:
                start = ids.index(cursor)
            except ValueError:
                raise ApiError(
                    400, "validation_error", f"The start_cursor provided is invalid: {cursor}"
                ) from None
        chunk = ids[start : start + size]
        has_more = start + size < len(ids)
        next_cursor = ids[start + size] if has_more else None
        if has_more and self.faults.broken_cursor:
            next_cursor = None
        return chunk, next_cursor, has_more

    # ------------------------------------------------------------------ routes

    def _build_routes(self) -> dict[tuple[str, tuple[str, ...]], tuple[str, Handler]]:
        """(method, path shape) -> (stats key, handler); `*` stands for an id segment."""
        table: list[tuple[str, str, Handler]] = [
            ("GET", "pages/*", self._get_page),
            ("GET", "pages/*/properties/*", self._get_property),
            ("GET", "pages/*/markdown", self._get_markdown),
            ("GET", "blocks/*", self._get_block),
            ("GET", "blocks/*/children", self._get_children),
            ("GET", "databases/*", self._get_database),
            ("GET", "data_sources/*", self._get_data_source),
            ("POST", "data_sources/*/query", self._query),
            ("POST", "search", self._search),
            ("GET", "users", self._list_users),
            ("GET", "users/*", self._get_user),
            ("GET", "comments", self._list_comments),
        ]
        routes = {}
        for method, shape, handler in table:
            parts = tuple(shape.split("/"))
            key = "/v1/" + "/".join("{id}" if p == "*" else p for p in parts)
            if parts[-1] == "*" and parts[0] == "pages" and len(parts) == 4:
                key = "/v1/pages/{id}/properties/{property_id}"
            routes[(method, parts)] = (f"{method} {key}", handler)
        return routes

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

    # ------------------------------------------------------------------ handlers

    def _visible_page(self, raw: str) -> str:
        ws = self.workspace
        page_id = self._id_arg(raw, "page_id")
        if page_id not in ws.pages or not ws.accessible(page_id):
            raise self._not_found("page", page_id)
        return page_id

    def _get_page(self, req: _Request) -> str:
        ws = self.workspace
        page_id = self._visible_page(req.args[0])
        data = shapes.page(ws, ws.pages[page_id], self._sign)
        data["request_id"] = req.request_id
        return shapes.dumps(data)

    def _get_property(self, req: _Request) -> str:
        ws = self.workspace
        page_id = self._visible_page(req.args[0])
        page = ws.pages[page_id]
        wanted = unquote(req.args[1])
        if page.data_source_id is None:
            if wanted != "title":
                raise ApiError(
                    404, "object_not_found", f"Could not find property with ID: {wanted}."
                )
            name, kind, values = "title", "title", page.title
            prop_id = "title"
        else:
            source = ws.data_sources[page.data_source_id]
            match = None
            for prop_name, schema in source.properties.items():
                if (
                    unquote(schema["id"]) == wanted
                    or schema["id"] == req.args[1]
                    or (prop_name == wanted)
                ):
                    match = prop_name
                    break
            if match is None:
                raise ApiError(
                    404, "object_not_found", f"Could not find property with ID: {wanted}."
                )
            name = match
            full = shapes.property_value(ws, page, source, name, self._sign, limit=False)
            kind = full["type"]
            prop_id = full["id"]
            values = full[kind]
            if kind not in ("title", "rich_text", "relation", "people", "rollup"):
                item = {
                    "object": "property_item",
                    "id": prop_id,
                    "type": kind,
                    kind: values,
                    "request_id": req.request_id,
                }
                return shapes.dumps(item)
        values = list(values or [])
        size = _page_size(req.param("page_size"), "query")
        cursor = req.param("start_cursor")
        start = int(cursor) if cursor and cursor.isdigit() else 0
        chunk = values[start : start + size]
        has_more = start + size < len(values)
        items = [
            {"object": "property_item", "type": kind, "id": prop_id, kind: value} for value in chunk
        ]
        next_cursor = str(start + size) if has_more else None
        next_url = (
            f"{self.url}/v1/pages/{page_id}/properties/{quote(prop_id)}?start_cursor={next_cursor}"
            if has_more
            else None
        )
        return shapes.list_envelope(
            ",".join(shapes.dumps(i) for i in items),
            next_cursor,
            has_more,
            "property_item",
            req.request_id,
            {"id": prop_id, "next_url": next_url, "type": kind, kind: {}},
        )

    def _get_markdown(self, req: _Request) -> str:
        """A plain rendering of text blocks: enough to compare against, not Notion's
        enhanced Markdown."""
        ws = self.workspace
        page_id = self._visible_page(req.args[0])
        lines = []
        prefixes = {
            "heading_1": "# ",
            "heading_2": "## ",
            "heading_3": "### ",
            "bulleted_list_item": "- ",
            "numbered_list_item": "1. ",
            "quote": "> ",
            "to_do": "- [ ] ",
        }
        for block_id in ws.children_of(page_id):
            block = ws.blocks[block_id]
            text = richtext.plain_text(block.payload.get("rich_text", []))
            if block.type == "code":
                lines.append(f"```{block.payload.get('language', '')}\n{text}\n```")
            elif block.type == "child_page":
                lines.append(
                    f'<page url="{notion_url(ws.title_of(block_id), block_id)}">'
                    f"{ws.title_of(block_id)}</page>"
                )
            elif text:
                lines.append(prefixes.get(block.type, "") + text)
        return shapes.dumps(
            {
                "object": "page_markdown",
                "id": page_id,
                "markdown": "\n".join(lines),
                "truncated": False,
                "unknown_block_ids": [],
                "request_id": req.request_id,
            }
        )

    def _visible_block(self, raw: str) -> str:
        ws = self.workspace
        block_id = self._id_arg(raw, "block_id")
        if block_id not in ws.blocks or not ws.accessible(block_id):
            raise self._not_found("block", block_id)
        return block_id

    def _get_block(self, req: _Request) -> str:
        ws = self.workspace
        block_id = self._visible_block(req.args[0])
        text = shapes.block_json(ws, ws.blocks[block_id], self._sign, self._cache)
        return text[:-1] + ',"request_id":"' + req.request_id + '"}'

    def _get_children(self, req: _Request) -> str:
        ws = self.workspace
        block_id = self._visible_block(req.args[0])
        ids = ws.children_of(block_id)
        size = _page_size(req.param("page_size"), "query")
        chunk, next_cursor, has_more = self._paginate(ids, req.param("start_cursor"), size)
        results = ",".join(
            shapes.block_json(ws, ws.blocks[i], self._sign, self._cache) for i in chunk
        )
        return shapes.list_envelope(results, next_cursor, has_more, "block", req.request_id)

    def _get_database(self, req: _Request) -> str:
        ws = self.workspace
        db_id = self._id_arg(req.args[0], "database_id")
        if db_id not in ws.databases or not ws.accessible(db_id):
            raise self._not_found("database", db_id)
        data = shapes.database(ws, ws.databases[db_id], self._sign)
        data["request_id"] = req.request_id
        return shapes.dumps(data)

    def _data_source(self, raw: str) -> str:
        ws = self.workspace
        ds_id = self._id_arg(raw, "data_source_id")
        if ds_id not in ws.data_sources or not ws.accessible(ds_id):
            raise self._not_found("data source", ds_id)
        return ds_id

    def _get_data_source(self, req: _Request) -> str:
        ws = self.workspace
        ds_id = self._data_source(req.args[0])
        data = shapes.data_source(ws, ws.data_sources[ds_id], self._sign)
        data["request_id"] = req.request_id
        return shapes.dumps(data)

    def _cached_results(self, key: str, compute: Callable[[], list[str]]) -> list[str]:
        """Paging through a large query re-runs the same filter; keep the last few."""
        found = self._results.get(key)
        if found is None:
            found = compute()
            self._results[key] = found
            while len(self._results) > 32:
                self._results.popitem(last=False)
        return found

    def _query(self, req: _Request) -> str:
        ws = self.workspace
        ds_id = self._data_source(req.args[0])
        source = ws.data_sources[ds_id]
        body = req.body
        size = _page_size(body.get("page_size"), "body")
        spec = body.get("filter")
        sorts = body.get("sorts")
        include_trash = bool(body.get("in_trash") or body.get("archived"))

        def compute() -> list[str]:
            try:
                if spec is not None:
                    query_mod.validate(ws, source, spec)
                pages = [
                    ws.pages[pid]
                    for pid in source.entries
                    if (include_trash or not ws.blocks[pid].in_trash) and ws.accessible(pid)
                ]
                if spec is not None:
                    pages = [p for p in pages if query_mod.matches(p, ws, source, spec)]
                pages = query_mod.apply_sorts(ws, source, pages, sorts)
            except query_mod.FilterError as error:
                raise ApiError(400, "validation_error", str(error)) from None
            return [p.id for p in pages]

        key = "q:" + ds_id + shapes.dumps([spec, sorts, include_trash])
        ids = self._cached_results(key, compute)
        chunk, next_cursor, has_more = self._paginate(ids, body.get("start_cursor"), size)
        results = ",".join(
            shapes.dumps(shapes.page(ws, ws.pages[pid], self._sign)) for pid in chunk
        )
        return shapes.list_envelope(
            results, next_cursor, has_more, "page_or_data_source", req.request_id
        )

    def _search(self, req: _Request) -> str:
        ws = self.workspace
        body = req.body
        size = _page_size(body.get("page_size"), "body")
        text = str(body.get("query") or "").lower()
        spec = body.get("filter")
        kind = None
        if spec is not None:
            value = spec.get("value") if isinstance(spec, dict) else None
            if (
                not isinstance(spec, dict)
                or spec.get("property") != "object"
                or value not in ("page", "data_source")
            ):
                raise ApiError(
                    400,
                    "validation_error",
                    'body failed validation: body.filter.value should be `"page"` '
                    f'or `"data_source"`, instead was `{json.dumps(value)}`.',
                )
            kind = value
        sort = body.get("sort")
        if sort is not None and (
            not isinstance(sort, dict)
            or sort.get("timestamp") != "last_edited_time"
            or sort.get("direction", "descending") not in ("ascending", "descending")
        ):
            raise ApiError(
                400,
                "validation_error",
                "body failed validation: body.sort.timestamp should be "
                '`"last_edited_time"` and body.sort.direction `"ascending"` or '
                '`"descending"`.',
            )

        def compute() -> list[str]:
            found = []
            for object_id in ws.searchable:
                is_page = object_id in ws.pages
                if kind is not None and (kind == "page") != is_page:
                    continue
                holder = object_id if is_page else ws.data_sources[object_id].database_id
                if ws.blocks[holder].in_trash or not ws.accessible(object_id):
                    continue
                if text and text not in ws.title_of(object_id).lower():
                    continue
                found.append(object_id)
            if sort is not None:

                def edited(object_id: str) -> str:
                    if object_id in ws.pages:
                        return ws.blocks[object_id].last_edited_time
                    return ws.data_sources[object_id].last_edited_time

                found.sort(key=edited, reverse=sort.get("direction") == "descending")
            return found

        key = "s:" + shapes.dumps([text, kind, sort])
        ids = self._cached_results(key, compute)
        chunk, next_cursor, has_more = self._paginate(ids, body.get("start_cursor"), size)
        parts = []
        for object_id in chunk:
            if object_id in ws.pages:
                parts.append(shapes.dumps(shapes.page(ws, ws.pages[object_id], self._sign)))
            else:
                parts.append(
                    shapes.dumps(shapes.data_source(ws, ws.data_sources[object_id], self._sign))
                )
        return shapes.list_envelope(
            ",".join(parts), next_cursor, has_more, "page_or_data_source", req.request_id
        )

    def _list_users(self, req: _Request) -> str:
        ws = self.workspace
        ids = list(ws.users)
        size = _page_size(req.param("page_size"), "query")
        chunk, next_cursor, has_more = self._paginate(ids, req.param("start_cursor"), size)
        results = ",".join(shapes.dumps(ws.users[u]) for u in chunk)
        return shapes.list_envelope(results, next_cursor, has_more, "user", req.request_id)

    def _get_user(self, req: _Request) -> str:
        ws = self.workspace
        if req.args[0] == "me":
            user = ws.bot
        else:
            user_id = self._id_arg(req.args[0], "user_id")
            if user_id not in ws.users:
                raise ApiError(404, "object_not_found", f"Could not find user with ID: {user_id}.")
            user = ws.users[user_id]
        return shapes.dumps({**user, "request_id": req.request_id})

    def _list_comments(self, req: _Request) -> str:
        ws = self.workspace
        raw = req.param("block_id")
        if raw is None:
            raise ApiError(
                400,
                "validation_error",
                "body failed validation: query.block_id should be defined, instead "
                "was `undefined`.",
            )
        block_id = self._visible_block(raw)
        comments = ws.comments.get(block_id, [])
        ids = [c["id"] for c in comments]
        by_id = {c["id"]: c for c in comments}
        size = _page_size(req.param("page_size"), "query")
        chunk, next_cursor, has_more = self._paginate(ids, req.param("start_cursor"), size)
        results = ",".join(shapes.dumps(by_id[c]) for c in chunk)
        return shapes.list_envelope(results, next_cursor, has_more, "comment", req.request_id)

    # ------------------------------------------------------------------ dispatch

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
            if faults.slow_seconds > 0 and faults.roll(faults.slow_rate):
                time.sleep(faults.slow_seconds)
            wait = faults.take_token()
            if wait > 0:
                seconds = faults.retry_after(wait)
                raise ApiError(
                    429,
                    "rate_limited",
                    "You have been rate limited. Please try again in a few minutes.",
                    {
                        "retry_after": str(seconds),
                        "rate_limit_reason": "public_api_request_rate_limit",
                    },
                    {"Retry-After": str(seconds)},
                )
            if faults.roll(faults.error_rate):
                fault = faults.choose_status()
                code, message = FAULT_BODIES.get(
                    fault, ("internal_server_error", "Unexpected error.")
                )
                raise ApiError(fault, code, message)
            auth = headers.get("Authorization", "")
            if auth != f"Bearer {self.token}":
                raise ApiError(401, "unauthorized", "API token is invalid.")
            version = headers.get("Notion-Version")
            if version is None:
                raise ApiError(
                    400,
                    "missing_version",
                    "Notion-Version header failed validation: Notion-Version header "
                    "should be defined, instead was `undefined`.",
                )
            if version not in SUPPORTED_VERSIONS:
                raise ApiError(
                    400,
                    "validation_error",
                    "Notion-Version header failed validation: Notion-Version header "
                    f'should be a supported API version, instead was `"{version}"`.',
                )
            if handler is None:
                raise ApiError(400, "invalid_request_url", "Invalid request URL.")
            body: JSON = {}
            if method in ("POST", "PATCH") and raw_body.strip():
                try:
                    parsed = json.loads(raw_body)
                except ValueError:
                    raise ApiError(400, "invalid_json", "Error parsing JSON body.") from None
                if not isinstance(parsed, dict):
                    raise ApiError(
                        400, "validation_error", "body failed validation: body should be an object."
                    )
                body = parsed
            req = _Request(args, parse_qs(split.query), body, request_id)
            with self.workspace.lock:
                self._sync_cache()
                text = handler(req)
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
        if status == 200 and faults.roll(faults.malformed_rate):
            payload = payload[: max(1, len(payload) // 2)] + b"<!-- not json"
        if faults.roll(faults.drop_rate):
            drop = True
        # Notion's clock stamps last_edited_time; clients compare against this header.
        now = self.workspace.clock.now()
        extra = {**extra, "Date": format_datetime(now, usegmt=True), "x-request-id": request_id}
        retry_after = extra.get("Retry-After")
        self.stats.record(endpoint, status, float(retry_after) if retry_after else None)
        return Response(status, payload, extra), drop

    def handle_file(self, method: str, target: str) -> Response:
        split = urlsplit(target)
        request_id = str(uuid.uuid4())
        parts = split.path.split("/")
        file_id = parts[2] if len(parts) > 3 else ""
        hosted = self.workspace.files.get(file_id)
        params = {k: v[0] for k, v in parse_qs(split.query).items()}
        xml = {"Content-Type": "application/xml"}
        if hosted is None or unquote(split.path) != f"/files/{file_id}/{hosted.name}":
            return Response(403, access_denied("Access Denied", request_id), xml)
        problem = self.signer.check(
            f"/files/{file_id}/{quote(hosted.name)}", params, self.workspace.clock.now()
        )
        if problem is not None:
            return Response(403, access_denied(problem, request_id), xml)
        self.stats.record_download(len(hosted.data))
        body = b"" if method == "HEAD" else hosted.data
        return Response(
            200,
            body,
            {
                "Content-Type": hosted.content_type,
                "Content-Length": str(len(hosted.data)),
                "ETag": f'"{file_id.replace("-", "")}"',
            },
        )
