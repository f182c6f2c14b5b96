"""The plugin's options: typed, validated, overridable from the environment, and turned
into the one `Settings` the core runs on.

Every option can be set by `NOTION_SYNC_<OPTION>` so that CI can switch a build to
offline or point it at another API root without editing mkdocs.yml; the environment
wins because it is the more specific, per-run setting. This module imports MkDocs (its
config classes); the core imports only `settings.py`.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .errors import ConfigError
from .notion.ids import parse_notion_id
from .settings import DEFAULT_API_URL, DEFAULT_CACHE_DIR, Settings
from .sync.model import Source

ENV_PREFIX = "NOTION_SYNC_"


class NotionId(c.Type[str]):
    """An id or any Notion URL form, normalised to the dashed id the API answers with."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        notion_id = parse_notion_id(text)
        if notion_id is None:
            raise ValidationError(
                f"{text!r} is not a Notion id or URL; copy the page's link from Notion "
                "(Share > Copy link) or its 32-character id"
            )
        return notion_id


class Number(c.Type[float]):
    """A number within bounds; ints are accepted where floats are meant."""

    def __init__(self, default: float, minimum: float, maximum: float) -> None:
        super().__init__((int, float), default=default)
        self.minimum, self.maximum = minimum, maximum

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool):
            raise ValidationError(f"expected a number but received {value!r}")
        number = super().run_validation(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                f"must be between {self.minimum:g} and {self.maximum:g}, not {number!r}"
            )
        return float(number)


class Count(c.Type[int]):
    """A whole number within bounds."""

    def __init__(self, default: int | None, minimum: int, maximum: int) -> None:
        super().__init__(int, default=default)
        self.minimum, self.maximum = minimum, maximum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise ValidationError(f"expected a whole number but received {value!r}")
        number = super().run_validation(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                f"must be between {self.minimum} and {self.maximum}, not {number!r}"
            )
        return number


class SiteFolder(c.Type[str]):
    """A folder inside the site: relative, normalised, never escaping it."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).strip().replace("\\", "/")
        folder = posixpath.normpath(text.strip("/")) if text.strip("/") else "."
        if folder == ".." or folder.startswith("../") or "\x00" in folder:
            raise ValidationError(f"{text!r} must be a folder inside the site, like 'handbook'")
        return "" if folder == "." else folder


class SourceConfig(base.Config):
    """One Notion page tree or database mounted at a folder of the site."""

    page = c.Optional(NotionId())
    database = c.Optional(NotionId())
    dest = SiteFolder()
    filter = c.Optional(c.Type(dict))
    sorts = c.Optional(c.Type(list))
    columns = c.Optional(c.ListOfItems(c.Type(str)))
    slug_property = c.Optional(c.Type(str))
    blog = c.Type(bool, default=False)


class SourceOption(c.SubConfig[SourceConfig]):
    """A source names exactly one page or database; anything else is a typo to report."""

    def run_validation(self, value: object) -> SourceConfig:
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"each source must be a mapping like {{page: ID, dest: folder}}, not {value!r}"
            )
        source = super().run_validation(value)
        if (source.page is None) == (source.database is None):
            raise ValidationError("each source needs exactly one of 'page' or 'database'")
        database_only = ("filter", "sorts", "columns", "slug_property", "blog")
        if source.page and any(source[key] not in (None, False) for key in database_only):
            raise ValidationError(
                "'filter', 'sorts', 'columns', 'slug_property' and 'blog' apply to "
                "'database' sources only"
            )
        return source


OPTION_HELP = {
    "enabled": "turn the plugin off without removing its configuration",
    "token": "integration token; defaults to the NOTION_TOKEN environment variable",
    "api_url": "API root (the bundled emulator in tests and the demo)",
    "sources": "pages and databases to publish, each mounted at a `dest` folder",
    "cache_dir": "cache folder, relative to mkdocs.yml's folder",
    "offline": "build only from the cache; never contact the API",
    "concurrency": "requests in flight at most",
    "rate_limit": "requests per second, on average, the client allows itself",
    "max_retries": "retries per request for 429, 5xx, 529, timeouts and dropped connections",
    "on_error": "`fail` stops the build; `warn` serves the cached copy (or leaves the page out)",
    "poll_interval": "seconds between change checks during `mkdocs serve`; 0 turns polling off",
    "metrics_file": "path relative to site_dir; `.json` writes JSON, `.prom` Prometheus text",
    "timeout": "seconds one HTTP request may take in all: connecting, sending, the whole answer",
    "edit_link": "show an 'edit in Notion' button on every Notion page",
    "comments": "append the page's Notion comments (needs the 'Read comments' capability)",
    "download_external": "also download external (non-Notion) images and files",
    "max_asset_size": "largest file downloaded, in MiB; bigger files are left out with a warning",
    "processes": "deprecated, does nothing: worker processes were removed (one process keeps "
    "up with Notion's rate limit)",
    "demo": "serve the bundled demo workspace from the in-process emulator (no token needed)",
    "page": "a Notion page id or URL: the page and all its child pages",
    "database": "a Notion database id or URL: an index page and one page per entry",
    "dest": "folder of the site where the source is mounted",
    "filter": "database query filter, in Notion's JSON syntax",
    "sorts": "database query sorts, in Notion's JSON syntax",
    "columns": "properties shown as columns of the database's index table",
    "slug_property": "a property whose text pins each entry's URL slug",
    "blog": "publish the database as mkdocs-material blog posts",
    "max_retry_after": "longest Retry-After (seconds) that Notion may ask for; a longer one fails "
    "the build with one line instead of sleeping",
    "max_rate_limit_wait": "seconds a build may spend waiting out Notion's rate limits in all; "
    "past it the build fails with one line",
}
"""One line per option, for the generated configuration reference."""


class NotionSyncConfig(base.Config):
    """Options of the `notion-sync` plugin; names are fixed by the user contract."""

    enabled = c.Type(bool, default=True)
    token = c.Optional(c.Type(str))
    api_url = c.URL(default=DEFAULT_API_URL)
    sources = c.ListOfItems(SourceOption(), default=[])
    cache_dir = c.Type(str, default=DEFAULT_CACHE_DIR)
    offline = c.Type(bool, default=False)
    concurrency = Count(default=4, minimum=1, maximum=64)
    rate_limit = Number(default=3.0, minimum=0.01, maximum=10_000)
    max_retries = Count(default=5, minimum=0, maximum=50)
    on_error = c.Choice(("fail", "warn"), default="fail")
    poll_interval = Number(default=30, minimum=0, maximum=86_400)
    metrics_file = c.Optional(c.Type(str))
    timeout = Number(default=30, minimum=0.1, maximum=600)
    edit_link = c.Type(bool, default=True)
    comments = c.Type(bool, default=False)
    download_external = c.Type(bool, default=False)
    max_asset_size = Number(default=50, minimum=0.000001, maximum=10_000)
    processes = c.Deprecated(
        message="notion-sync option '{}' does nothing now and can be removed: worker "
        "processes were removed, one process keeps up with Notion's rate limit",
        option_type=c.Optional(Count(default=None, minimum=0, maximum=64)),
    )
    demo = c.Type(bool, default=False)
    max_retry_after = Number(default=60, minimum=0, maximum=86_400)
    max_rate_limit_wait = Number(default=600, minimum=0, maximum=86_400)


def apply_env_overrides(
    options: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Options with `NOTION_SYNC_<OPTION>` values laid over them, parsed as YAML scalars
    (so `true`, `8`, `0.5` and `[{page: ..., dest: ...}]` mean what they say)."""
    env = os.environ if environ is None else environ
    merged = dict(options)
    for name, _option in NotionSyncConfig._schema:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        try:
            merged[name] = raw if name in ("token", "api_url") else yaml.safe_load(raw)
        except yaml.YAMLError:
            merged[name] = raw
    return merged


def resolve_token(configured: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The token option wins; otherwise NOTION_TOKEN, the name every Notion tool uses."""
    env = os.environ if environ is None else environ
    token = configured or env.get("NOTION_TOKEN")
    return token.strip() if token and token.strip() else None


class Endpoint(Protocol):
    """Where the API is, when it is not where the options say: the demo emulator."""

    @property
    def url(self) -> str: ...

    @property
    def token(self) -> str: ...


def settings_from(
    config: NotionSyncConfig,
    *,
    config_file: str | Path | None,
    docs_dir: str | Path | None,
    endpoint: Endpoint | None = None,
) -> Settings:
    """The one Settings of a build: paths resolved against mkdocs.yml's folder (as
    Material's plugins resolve theirs), the token looked up, the demo's API if any."""
    base_dir = Path(config_file or ".").resolve().parent
    cache_dir = (base_dir / config.cache_dir).resolve()
    docs = Path(docs_dir).resolve() if docs_dir is not None else None
    if docs is not None and (cache_dir == docs or docs in cache_dir.parents):
        raise ConfigError(f"cache_dir {cache_dir} must not be inside docs_dir")
    sources = tuple(
        Source(
            kind="page" if s.page else "database",
            id=str(s.page or s.database),
            dest=s.dest,
            filter=s.filter,
            sorts=s.sorts,
            columns=tuple(s.columns) if s.columns else None,
            slug_property=s.slug_property,
            blog=s.blog,
        )
        for s in config.sources
    )
    return Settings(
        sources=sources,
        cache_dir=cache_dir,
        docs_dir=docs,
        token=endpoint.token if endpoint else resolve_token(config.token),
        api_url=endpoint.url if endpoint else config.api_url,
        offline=config.offline,
        concurrency=config.concurrency,
        rate_limit=config.rate_limit,
        max_retries=config.max_retries,
        timeout=config.timeout,
        on_error="warn" if config.on_error == "warn" else "fail",
        edit_link=config.edit_link,
        comments=config.comments,
        download_external=config.download_external,
        max_asset_size=config.max_asset_size,
        poll_interval=config.poll_interval,
        metrics_file=config.metrics_file,
        demo=config.demo,
        max_retry_after=config.max_retry_after,
        max_rate_limit_wait=config.max_rate_limit_wait,
    )
