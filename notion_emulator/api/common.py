"""What every endpoint shares: Notion's error envelope, the request handlers see, page
sizes and cursor pagination."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from .. import shapes
from ..versions import lists_only_titles

JSON = dict[str, Any]
MAX_PAGE_SIZE = 100


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


def validation_error(message: str) -> ApiError:
    return ApiError(400, "validation_error", message)


class Response:
    __slots__ = ("body", "headers", "status", "trickle")

    def __init__(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        trickle: float = 0.0,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.trickle = trickle
        """Seconds over which the server writes the answer, a few bytes at a time."""


class Request:
    """What one API handler needs: ids from the path, the query string, the body and
    the API version the client asked for."""

    __slots__ = ("args", "body", "params", "request_id", "version")

    def __init__(
        self,
        args: list[str],
        params: dict[str, list[str]],
        body: JSON,
        request_id: str,
        version: str = "2025-09-03",
    ) -> None:
        self.args = args
        self.params = params
        self.body = body
        self.request_id = request_id
        self.version = version

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


def wanted_properties(req: Request, *, listing: bool) -> set[str] | None:
    """The property ids `filter_properties` names (in the query string, repeated), in
    every spelling an id may arrive in; None for all. A listing (search, a query) under
    a version that lists only titles gets the title alone when nothing is named."""
    named = req.params.get("filter_properties") or req.params.get("filter_properties[]")
    if named:
        ids = {part for value in named for part in value.split(",") if part}
        return ids | {unquote(i) for i in ids} | {quote(i, safe="") for i in ids}
    return {"title"} if listing and lists_only_titles(req.version) else None


def page_size(raw: Any, where: str) -> int:
    if raw is None:
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise validation_error(
            f"{where}.page_size should be a number, instead was `{json.dumps(raw)}`."
        ) from None
    if size < 1:
        raise validation_error(f"{where}.page_size should be greater than 0, instead was `{size}`.")
    return min(size, MAX_PAGE_SIZE)  # Notion answers 200 to page_size=101, capped


def paginate(
    ids: list[str], cursor: str | None, size: int, *, broken_cursor: bool = False
) -> tuple[list[str], str | None, bool]:
    """One page of `ids` from `cursor` (an id of the list, as Notion's cursors are)."""
    start = 0
    if cursor:
        try:
            start = ids.index(cursor)
        except ValueError:
            raise validation_error(f"The start_cursor provided is invalid: {cursor}") from None
    chunk = ids[start : start + size]
    has_more = start + size < len(ids)
    next_cursor = ids[start + size] if has_more else None
    if has_more and broken_cursor:
        next_cursor = None
    return chunk, next_cursor, has_more
