"""`/v1/users`, `/v1/users/{id}` and `/v1/users/me` (the integration's bot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import shapes
from ..model import JSON
from ..versions import names_may_be_null
from .common import ApiError, Request, page_size

if TYPE_CHECKING:
    from . import Api


def as_served(user: JSON, version: str) -> JSON:
    """A person who set no display name: `name` is null from 2026-12-01 on; before,
    Notion showed their email in its place."""
    if user.get("name") is not None or names_may_be_null(version):
        return user
    email = (user.get("person") or {}).get("email")
    return {**user, "name": email or ""}


def list_users(api: Api, req: Request) -> str:
    ws = api.workspace
    ids = list(ws.users)
    size = page_size(req.param("page_size"), "query")
    chunk, next_cursor, has_more = api.paginate(ids, req.param("start_cursor"), size)
    results = ",".join(shapes.dumps(as_served(ws.users[u], req.version)) for u in chunk)
    return shapes.list_envelope(results, next_cursor, has_more, "user", req.request_id)


def get_user(api: Api, req: Request) -> str:
    ws = api.workspace
    if req.args[0] == "me":
        user = ws.bot
    else:
        user_id = api.id_arg(req.args[0], "user_id")
        if user_id not in ws.users:
            raise ApiError(404, "object_not_found", f"Could not find user with ID: {user_id}.")
        user = ws.users[user_id]
    return shapes.dumps({**as_served(user, req.version), "request_id": req.request_id})


ROUTES = [
    ("GET", "users", list_users),
    ("GET", "users/*", get_user),
]
