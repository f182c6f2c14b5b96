"""Where the options may point: the API (http or https, with a host), files inside the
site, and a cache folder apart from the site's own folders.

Plain checks on strings and paths, free of MkDocs: config.py turns their answers into
MkDocs' config errors, and the same rules hold wherever options come from.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PureWindowsPath
from urllib.parse import urlsplit

from .log import redact
from .settings import DEFAULT_API_URL, DEFAULT_CACHE_DIR


def api_url_problem(text: str) -> str | None:
    """Why `text` cannot be the API root, or None. Anything but http(s) with a host
    would send the token somewhere odd, or fail later with an error that does not name
    the option; a line break in it would end up in a request line."""
    example = f"like {DEFAULT_API_URL}"
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        return f"must be a URL without spaces or control characters, {example}"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return f"{redact(text)!r} is not a valid URL; use one {example}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL with a host, {example}, not {redact(text)!r}"
    return None


def site_file(text: str) -> str | None:
    """`text` as a normalised file path inside the site (`reports/./m.json` ->
    `reports/m.json`), or None when it is not one: empty, absolute (`/x`, `C:/x`), a
    folder (`x/`), escaping (`../x`, `a/../../x`) or holding control characters."""
    path = text.strip().replace("\\", "/")
    normal = posixpath.normpath(path) if path else ""
    if (
        normal in ("", ".", "..")
        or normal.startswith("../")
        or path.startswith("/")
        or path.endswith("/")
        or PureWindowsPath(path).drive
        or not path.isprintable()
    ):
        return None
    return normal


def cache_dir_problem(cache_dir: Path, name: str, folder: Path) -> str | None:
    """Why the cache cannot be where it is with respect to docs_dir or site_dir (`name`),
    or None. Inside docs_dir MkDocs would publish it (and a serve rebuild would follow
    every cache write); inside site_dir MkDocs empties it at every build; around either,
    the cache's staged pages would land on the site's own folders."""
    cache_dir, folder = cache_dir.resolve(), folder.resolve()
    if cache_dir == folder or folder in cache_dir.parents:
        return (
            f"cache_dir {cache_dir} must not be inside {name} {folder}; use the default "
            f"({DEFAULT_CACHE_DIR}, next to mkdocs.yml) or another folder outside it"
        )
    if cache_dir in folder.parents:
        return (
            f"cache_dir {cache_dir} must not contain {name} {folder}; give the cache a "
            f"folder of its own, like the default {DEFAULT_CACHE_DIR}"
        )
    return None
