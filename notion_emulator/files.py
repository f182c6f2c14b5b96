"""Notion-hosted files: bytes kept in memory and served at signed, expiring URLs.

Real Notion hands out S3 URLs that stop working after an hour; a client that caches the
URL instead of the bytes breaks in production. The emulator reproduces that contract with
an HMAC over the path and the expiry, so a tampered or stale URL is refused with S3's own
XML error.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import mimetypes
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class HostedFile:
    """The bytes behind one Notion-hosted file."""

    id: str
    name: str
    data: bytes
    content_type: str


@functools.lru_cache(maxsize=256)
def png_bytes(
    width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (37, 99, 235)
) -> bytes:
    """A valid solid-colour PNG, so demo images need no binary files in the repo."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(title: str = "Document") -> bytes:
    """A minimal one-page PDF; enough for viewers and content-type sniffing."""
    safe = title.replace("(", "").replace(")", "").replace("\\", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _hex_colour(value: Any) -> tuple[int, int, int]:
    if isinstance(value, (list, tuple)) and len(value) == 3:
        return (int(value[0]), int(value[1]), int(value[2]))
    if isinstance(value, str) and value.startswith("#") and len(value) == 7:
        return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
    return (37, 99, 235)


def load_bytes(spec: JSON, base_dir: Path | None) -> tuple[bytes, str]:
    """Reads a hosted file spec (`base64`, `path` or `generate`) into bytes and a name."""
    if "base64" in spec:
        return base64.b64decode(spec["base64"]), str(spec.get("name", "file.bin"))
    if "path" in spec:
        path = Path(spec["path"])
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        return path.read_bytes(), str(spec.get("name", path.name))
    kind = spec.get("generate")
    if kind == "png":
        data = png_bytes(
            int(spec.get("width", 16)), int(spec.get("height", 16)), _hex_colour(spec.get("color"))
        )
        return data, str(spec.get("name", "image.png"))
    if kind == "pdf":
        name = str(spec.get("name", "document.pdf"))
        return pdf_bytes(str(spec.get("title", name))), name
    if kind == "text":
        return str(spec.get("content", "")).encode(), str(spec.get("name", "file.txt"))
    raise ValueError(f"hosted file needs base64, path or generate (png|pdf|text): {spec!r}")


def content_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def iso_ms(moment: datetime) -> str:
    """`expiry_time` keeps milliseconds, unlike last_edited_time."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


class FileSigner:
    """Mints and checks signed URLs; the key is random per emulator, like a real secret."""

    def __init__(self, key: bytes, ttl: float) -> None:
        self.key = key
        self.ttl = ttl

    def _signature(self, path: str, date: str, expires: str) -> str:
        message = f"{path}\n{date}\n{expires}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def sign(self, base_url: str, hosted: HostedFile, now: datetime) -> JSON:
        """A fresh `{url, expiry_time}`: every serve mints a new URL, as Notion does."""
        path = f"/files/{hosted.id}/{quote(hosted.name)}"
        # Milliseconds in the date keep sub-second TTLs (used by tests) exact.
        date = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S") + (
            f".{now.microsecond // 1000:03d}Z"
        )
        expires = f"{self.ttl:g}"
        query = (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD"
            f"&X-Amz-Date={date}&X-Amz-Expires={expires}"
            f"&X-Amz-Signature={self._signature(path, date, expires)}&x-id=GetObject"
        )
        expiry = now + timedelta(seconds=self.ttl)
        return {"url": f"{base_url}{path}?{query}", "expiry_time": iso_ms(expiry)}

    def check(self, path: str, params: dict[str, str], now: datetime) -> str | None:
        """None when the URL is valid, else the S3 error message to send with a 403."""
        date = params.get("X-Amz-Date", "")
        expires = params.get("X-Amz-Expires", "")
        signature = params.get("X-Amz-Signature", "")
        expected = self._signature(path, date, expires)
        if not hmac.compare_digest(expected, signature):
            return "The request signature we calculated does not match the signature you provided."
        try:
            issued = datetime.strptime(date, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=timezone.utc)
            ttl = float(expires)
        except ValueError:
            return "Invalid date or expiry in the request."
        if now >= issued + timedelta(seconds=ttl):
            return "Request has expired"
        return None


def access_denied(message: str, request_id: str) -> bytes:
    """The XML body S3 sends with a 403, so clients see what they would in production."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>AccessDenied</Code><Message>{message}</Message>"
        f"<RequestId>{request_id[:16].upper()}</RequestId>"
        f"<HostId>{request_id}</HostId></Error>"
    ).encode()
