"""`/files/{id}/{name}`: Notion-hosted file bytes behind signed, expiring URLs (S3's part)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..files import access_denied
from .common import Response

if TYPE_CHECKING:
    from . import Api


def serve_file(api: Api, method: str, target: str) -> Response:
    split = urlsplit(target)
    request_id = str(uuid.uuid4())
    parts = split.path.split("/")
    file_id = parts[2] if len(parts) > 3 else ""
    hosted = api.workspace.files.get(file_id)
    params = {k: v[0] for k, v in parse_qs(split.query).items()}
    xml = {"Content-Type": "application/xml"}
    if hosted is None or unquote(split.path) != f"/files/{file_id}/{hosted.name}":
        return Response(403, access_denied("Access Denied", request_id), xml)
    problem = api.signer.check(
        f"/files/{file_id}/{quote(hosted.name)}", params, api.workspace.clock.now()
    )
    if problem is None and api.faults.take_expired_download():
        problem = "Request has expired"
    if problem is not None:
        return Response(403, access_denied(problem, request_id), xml)
    api.stats.record_download(len(hosted.data))
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
