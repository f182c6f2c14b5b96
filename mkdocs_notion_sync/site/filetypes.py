"""The extension a stored file gets: only ones a browser and MkDocs treat as inert.

A stored file is published at `assets/notion/<sha256>.<ext>`, and its extension decides
what it becomes: MkDocs makes a `.md` file a page of the site (in the nav), and a
static host serves `.html`, `.svg` or `.xml` as documents whose scripts run on the
site's origin. So the extension comes from an allow-list of inert types, grouped by the
kind of block that shows them; anything else is stored as `.bin`, which hosts serve as
`application/octet-stream` (a download), and the page links it under its original name.

The file's own name chooses first; its declared content type may choose only when the
name does not, and only from the same list, so no content type ever picks an active
extension. SVG is the one image type that can hold script: it is published only after
svg.py rebuilt it from elements that cannot run anything.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

INERT_BY_KIND: dict[str, dict[str, str]] = {
    "image, cover, icon": {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".bmp": "image/bmp",
        ".ico": "image/vnd.microsoft.icon",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
        ".heic": "image/heic",
        ".svg": "image/svg+xml",
    },
    "video": {
        ".mp4": "video/mp4",
        ".m4v": "video/x-m4v",
        ".webm": "video/webm",
        ".ogv": "video/ogg",
        ".mov": "video/quicktime",
    },
    "audio": {
        ".mp3": "audio/mpeg",
        ".m4a": "audio/mp4",
        ".aac": "audio/aac",
        ".wav": "audio/wav",
        ".ogg": "audio/ogg",
        ".oga": "audio/ogg",
        ".opus": "audio/opus",
        ".flac": "audio/flac",
    },
    "pdf": {".pdf": "application/pdf"},
    "file": {
        ".txt": "text/plain",
        ".csv": "text/csv",
        ".tsv": "text/tab-separated-values",
        ".json": "application/json",
        ".zip": "application/zip",
        ".gz": "application/gzip",
        ".tgz": "application/gzip",
        ".tar": "application/x-tar",
        ".7z": "application/x-7z-compressed",
        ".doc": "application/msword",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xls": "application/vnd.ms-excel",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".ppt": "application/vnd.ms-powerpoint",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".odt": "application/vnd.oasis.opendocument.text",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
        ".odp": "application/vnd.oasis.opendocument.presentation",
        ".rtf": "application/rtf",
        ".epub": "application/epub+zip",
    },
}
"""Every extension here is inert for any kind of block (a `.pdf` in an image block is
merely not shown); the grouping says which blocks show them inline. Deliberately absent:
.md and the other Markdown extensions (pages), .html/.htm/.xhtml/.xht/.mht, .xml/.xsl
(XSLT makes HTML), .js/.mjs/.css/.wasm, .svgz (not sanitised)."""

INERT = {ext: kind for group in INERT_BY_KIND.values() for ext, kind in group.items()}
FALLBACK = ".bin"
SVG = ".svg"
_BY_TYPE = {content_type: ext for ext, content_type in reversed(INERT.items())}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})$")


def extension_of(name_or_url: str) -> str:
    """The lowercased extension of the last path segment (`.png`), or ''."""
    path = urlsplit(name_or_url).path if "://" in name_or_url else name_or_url
    base = posixpath.basename(unquote(path).replace("\\", "/"))
    return posixpath.splitext(base)[1].lower()


def stored_extension(url: str, content_type: str | None) -> str:
    """The extension a downloaded file is stored under: the URL's file name's when it is
    inert, else the one the content type names when that is inert, else `.bin`."""
    ext = extension_of(url)
    if ext in INERT:
        return ext
    declared = (content_type or "").split(";")[0].strip().lower()
    return _BY_TYPE.get(declared, FALLBACK)


def publishable(name: str) -> bool:
    """A stored file name the site may publish: `<32 hex>.<inert extension>`."""
    match = _STORED_NAME.match(name)
    return match is not None and (match.group(1) in INERT or match.group(1) == FALLBACK)
