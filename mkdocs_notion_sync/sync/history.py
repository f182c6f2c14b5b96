"""Every site path each page was ever published at, so that its old URLs can redirect.

Kept per page id in the cache and, with `redirects_file:`, in a small file committed
with the site sources: a CI run that starts without the cache still knows the old
paths. The two are merged (union per id): nothing either one knew is lost.

Paths are the Markdown paths of the site (`handbook/guide/index.md`), not URLs, so
that the history stays right when `use_directory_urls` changes. The file is read as
hostile (anyone with commit access, or a bad merge, writes it): an id that is not a
Notion id, or a path that is not a plain relative `.md` path inside the site, is a
one-line error naming the file and the entry.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_atomically
from ..errors import ConfigError
from ..notion.ids import api_id
from .cache import Cache
from .model import Page

Warn = Callable[[str], None]

FILE_VERSION = 1
_SAFE_SEGMENT = re.compile(r"[\w][\w.\-]*", re.UNICODE)
"""A path segment: letters, digits, `_`, `.` and `-` (slugs are all of these), not
starting with a dot, so `..`, hidden files and anything HTML could read are refused."""
MAX_ENTRIES = 100_000
"""Pages or paths the file may hold: a bigger one is a mistake, not a history."""


class PathHistory:
    """Page id (dashed) -> every Markdown path it was published at (including now)."""

    def __init__(self, paths: Mapping[str, Iterable[str]] | None = None) -> None:
        self.paths: dict[str, set[str]] = {k: set(v) for k, v in (paths or {}).items()}

    def merge(self, other: PathHistory) -> None:
        for page_id, paths in other.paths.items():
            self.paths.setdefault(page_id, set()).update(paths)

    def record(self, pages: Iterable[Page], warn: Warn) -> None:
        """This build's paths join the history. A path a page holds now is taken out of
        every other page's history: the live page wins its URL (WARNING naming both),
        and a redirect there would shadow it."""
        live: dict[str, Page] = {}
        for page in pages:
            if page.draft or (page.source.blog and page.parent is not None):
                continue  # Material's blog serves posts at <date>/<slug>/, not their path
            live[url_key(page.path)] = page
            self.paths.setdefault(page.id, set()).add(page.path)
        for page_id, paths in self.paths.items():
            for path in sorted(paths):
                owner = live.get(url_key(path))
                if owner is None or owner.id == page_id:
                    continue
                paths.discard(path)
                warn(
                    f"page {owner.title!r} ({owner.id}) is now published at {shown(path)}, "
                    f"where page {page_id} was before; the live page wins and that old URL "
                    "no longer redirects"
                )

    def forget(self, page_id: str, path: str) -> None:
        self.paths.get(page_id, set()).discard(path)

    def as_data(self) -> dict[str, Any]:
        """The file's content: sorted, so that a commit shows only what changed."""
        pages = {
            page_id.replace("-", ""): sorted(paths)
            for page_id, paths in sorted(self.paths.items())
            if paths
        }
        return {"version": FILE_VERSION, "pages": pages}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PathHistory) and self.as_data() == other.as_data()


def _served_stem(path: str) -> str:
    """The folder a Markdown path is served as: `x/a.md` and `x/a/index.md` are `x/a`."""
    stem = path.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index")


def url_key(path: str) -> str:
    """What two Markdown paths served at one URL share (`x/a.md`, `x/a/index.md`),
    without letter case (a case-insensitive disk holds only one of the two files)."""
    return _served_stem(path).lower()


def shown(path: str) -> str:
    """A path as a reader sees its URL: `handbook/notes/`."""
    stem = _served_stem(path)
    return f"{stem}/" if stem else "the site root"


def load_history(cache: Cache, file: Path | None) -> PathHistory:
    """The cache's history merged with the committed file's."""
    history = PathHistory(cache.path_history())
    if file is not None:
        history.merge(read_history_file(file))
    return history


def save_history(cache: Cache, file: Path | None, history: PathHistory) -> None:
    """Into the cache, and the file if there is one; each only when it changed."""
    kept = {page_id: sorted(paths) for page_id, paths in history.paths.items() if paths}
    if kept != cache.path_history():
        cache.put_path_history(kept)
    if file is not None:
        write_history_file(file, history)


# -- the redirects file ----------------------------------------------------------------


def _problem(path: object) -> str | None:
    """Why `path` is not a Markdown path inside the site, or None."""
    if not isinstance(path, str) or not path.endswith(".md") or len(path) > 1000:
        return "must be a relative path ending in .md"
    segments = path.split("/")
    if not all(_SAFE_SEGMENT.fullmatch(segment) for segment in segments):
        return (
            "must be a relative path of letters, digits, '_', '-' and '.' "
            "(no '..', no leading '/', no spaces or markup)"
        )
    if posixpath.normpath(path) != path:
        return "must be a normalised relative path"
    return None


def parse_history_file(data: Any, where: str) -> PathHistory:
    """The file's content, checked entry by entry (see the module's docstring)."""
    if data is None:
        return PathHistory()
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict):
        raise ConfigError(f"{where}: expected a mapping with 'pages: {{<page id>: [paths]}}'")
    if len(pages) > MAX_ENTRIES:
        raise ConfigError(f"{where}: more than {MAX_ENTRIES} pages")
    history = PathHistory()
    for raw_id, paths in pages.items():
        page_id = api_id(raw_id)
        if page_id is None:
            raise ConfigError(f"{where}: {str(raw_id)[:80]!r} is not a Notion page id")
        if not isinstance(paths, list) or len(paths) > MAX_ENTRIES:
            raise ConfigError(f"{where}: the paths of page {page_id} must be a list")
        for path in paths:
            problem = _problem(path)
            if problem:
                raise ConfigError(f"{where}: path {str(path)[:120]!r} of page {page_id} {problem}")
        history.paths.setdefault(page_id, set()).update(paths)
    return history


def read_history_file(file: Path) -> PathHistory:
    """The committed history, or an empty one when the file is not there yet."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return PathHistory()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"redirects_file {file} cannot be read: {error}") from None
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        first = " ".join(str(error).split())[:200]
        raise ConfigError(f"redirects_file {file} is not valid: {first}") from None
    return parse_history_file(data, f"redirects_file {file}")


def write_history_file(file: Path, history: PathHistory) -> None:
    """Atomically (a temporary file renamed over it), and only when it changed, so
    that a build with nothing new leaves the committed file untouched."""
    data = history.as_data()
    if file.suffix == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
    try:
        if file.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    try:
        write_atomically(file, text.encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"redirects_file {file} cannot be written: {error}") from None
