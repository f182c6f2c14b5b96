"""`/v1/users`, `/v1/users/{id}` and `/v1/users/me` (the integration's bot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import shapes
from .common import ApiError, Request, page_size

if TYPE_CHECKING:
    from . import Api


def list_users(api: Api, req: Request) -> str:
    ws = api.workspace
    ids = list(ws.users)
    size = page_size(req.param("page_size"), "query")
    chunk, next_cursor, has_more = api.paginate(ids, req.param("start_cursor"), size)
    results = ",".join(shapes.dumps(ws.users[u]) for u in chunk)
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
    return shapes.dumps({**user, "request_id": req.request_id})


ROUTES = [
    ("GET", "users", list_users),
    ("GET", "users/*", get_user),
]
