"""The plugin's options: typed, validated, overridable from the environment, and turned
into the one `Settings` the core runs on.

Every option can be set by `NOTION_SYNC_<OPTION>` so that CI can switch a build to
offline or point it at another API root without editing mkdocs.yml; the environment
wins because it is the more specific, per-run setting. This module imports MkDocs (its
config classes); the core imports only `settings.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .credentials import TOKEN_IN_FILE, resolve_token, token_written_in_file
from .errors import ConfigError
from .log import log, redact
from .notion.ids import view_in_url
from .options import (
    AllowedHosts,
    ApiUrl,
    BlockTypes,
    CacheDir,
    Count,
    FrontMatterMap,
    MetricsFile,
    NotionId,
    NotionVersion,
    Number,
    PagePatterns,
    RedirectsFile,
    Renderers,
    SiteFolder,
    Token,
)
from .places import cache_dir_problem
from .settings import Settings
from .site.paths import dests_overlap
from .sync.model import Source

ENV_PREFIX = "NOTION_SYNC_"
TABBED = "pymdownx.tabbed"
"""The extension Notion's tabs need (content tabs); without it they are written out."""


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
    front_matter = FrontMatterMap()
    include = PagePatterns()
    exclude = PagePatterns()
    view = c.Optional(c.Type(str))


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
        database_only = ("filter", "sorts", "columns", "slug_property", "blog", "view")
        if source.page and any(source[key] not in (None, False) for key in database_only):
            raise ValidationError(
                "'filter', 'sorts', 'columns', 'slug_property', 'blog' and 'view' apply to "
                "'database' sources only"
            )
        if source.view is not None and not source.view.strip():
            raise ValidationError("'view' names a view of the database: its id, URL or name")
        raw = value.get("database")
        if source.view is None and isinstance(raw, str):
            source.view = view_in_url(raw)  # the database's URL with ?v= names its view
        return source


class Sources(c.ListOfItems[SourceConfig]):
    """The sources, each in a folder of its own: two sources in one folder, or one inside
    another's folder, would publish pages over each other's (`x` and `x/foo`: a child
    page "Foo" of the first is `x/foo/`, the second's root too), and one page listed
    twice would be published twice. Folders are compared without letter case, as a
    case-insensitive disk (macOS, Windows) compares them."""

    def __init__(self) -> None:
        super().__init__(SourceOption(), default=[])

    def run_validation(self, value: object) -> list[SourceConfig]:
        sources = super().run_validation(value)
        for second, later in enumerate(sources):
            for first, earlier in enumerate(sources[:second]):
                problem = _overlap(earlier, later)
                if problem:
                    raise ValidationError(
                        f"sources {first + 1} ({_describe(earlier)}) and {second + 1} "
                        f"({_describe(later)}) {problem}"
                    )
        return sources


def _describe(source: SourceConfig) -> str:
    kind = "page" if source.page else "database"
    dest = f"dest '{source.dest}'" if source.dest else "dest '' (the site root)"
    return f"{kind} {source.page or source.database}, {dest}"


def _overlap(a: SourceConfig, b: SourceConfig) -> str | None:
    """Why two sources cannot both be published, or None."""
    if (a.page or a.database) == (b.page or b.database):
        return "name the same Notion object twice: list it once"
    return dests_overlap(a.dest, b.dest)


OPTION_HELP = {
    "enabled": "turn the plugin off without removing its configuration",
    "token": "integration token; defaults to the NOTION_TOKEN environment variable. Set it "
    "with `!ENV` (a token typed into mkdocs.yml gets a warning); whitespace inside it is "
    "refused",
    "api_url": "API root, http:// or https:// with a host (the bundled emulator in tests "
    "and the demo)",
    "sources": "pages and databases to publish, each mounted at a `dest` folder of its own "
    "(no two in one folder or one inside another, no page or database twice)",
    "cache_dir": "cache folder, relative to mkdocs.yml's folder; not empty, and neither "
    "inside nor around docs_dir or site_dir",
    "offline": "build only from the cache; never contact the API",
    "concurrency": "requests in flight at most",
    "rate_limit": "requests per second, on average, the client allows itself",
    "max_retries": "retries per request for 429, 5xx, 529, timeouts and dropped connections",
    "on_error": "`fail` stops the build; `warn` serves the cached copy (or leaves the page out)",
    "poll_interval": "seconds between change checks during `mkdocs serve`; 0 turns polling off",
    "metrics_file": "path inside site_dir; `.json` writes JSON, `.prom` Prometheus text",
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
    "download_allowed_hosts": "host names or IP networks (`wiki.internal`, `10.1.0.0/16`) "
    "that downloads may reach although they are not public addresses",
    "lock_timeout": "seconds a build waits for another build on the same cache_dir",
    "max_retry_after": "longest Retry-After (seconds) that Notion may ask for; a longer one fails "
    "the build with one line instead of sleeping",
    "max_rate_limit_wait": "seconds a build may spend waiting out Notion's rate limits in all; "
    "past it the build fails with one line",
    "renderers": "block type -> your own renderer: `module:function`, an installed renderer's "
    "name (entry points `mkdocs_notion_sync.renderers`), or `{renderer: ..., options: {...}}`; "
    "see [Custom renderers](custom-renderers.md)",
    "ignore_blocks": "block types left out without a warning (one INFO line per build counts "
    "them), e.g. `[unsupported]` or `[button, ai_block]`",
    "drafts_in_serve": "during `mkdocs serve`, show the pages `include`/`exclude` leave out, "
    "marked as drafts (never in `mkdocs build`)",
    "front_matter": "front-matter key -> the property that feeds it (`description: Summary`), "
    "typed: dates as dates, multi-selects and people as lists",
    "include": "publish only these subtrees: page title globs (`Guides*`), ids or URLs; the "
    "source's root and the pages on the way to them are kept",
    "exclude": "leave these subtrees out: page title globs (`Drafts`), ids or URLs; nothing "
    "below them is fetched, and links to them become plain text",
    "view": "a view of the database (its id, its URL, or its name) whose filter, sorts, "
    "shown properties and layout the index page follows; a database URL with `?v=` names one",
    "notion_version": "the Notion API version to speak: 2025-09-03, 2026-03-11 or 2026-12-01 "
    "(an unquoted date in YAML is fine)",
    "embeds": "`iframe`: embeds of allow-listed providers (YouTube, Vimeo, Loom, Google Maps, "
    "Figma, Google Docs and Drive, Miro, CodePen) play in the page; `link`: every embed is a "
    "link card and pages load nothing from other sites",
    "stylesheet": "add the plugin's stylesheet (Notion's colours in light and dark schemes, "
    "link cards, embeds, covers) to the site as assets/notion-sync.css",
    "cover": "show each page's Notion cover above its title",
    "slugs": "how page paths are made: `title` (`guide/`), `title-id` (`guide-<32 hex id>/`) "
    "or `id` (`<dest>/<32 hex id>/`, flat: no rename or move changes a URL); see "
    "[Redirects](redirects.md)",
    "redirects_file": "a `.json` or `.yml` file, relative to mkdocs.yml's folder and outside "
    "docs_dir and site_dir, that keeps every path each page was published at, so that old "
    "URLs still redirect in a build without the cache; commit it with the site",
    "redirects": "publish redirect pages: each page's old URLs and its id URL "
    "`/<dest>/<32 hex id>/` lead to where it is now",
}
"""One line per option, for the generated configuration reference."""


class NotionSyncConfig(base.Config):
    """Options of the `notion-sync` plugin; names are fixed by the user contract."""

    enabled = c.Type(bool, default=True)
    token = c.Optional(Token())
    api_url = ApiUrl()
    sources = Sources()
    cache_dir = CacheDir()
    offline = c.Type(bool, default=False)
    concurrency = Count(default=4, minimum=1, maximum=64)
    rate_limit = Number(default=3.0, minimum=0.01, maximum=10_000)
    max_retries = Count(default=5, minimum=0, maximum=50)
    on_error = c.Choice(("fail", "warn"), default="fail")
    poll_interval = Number(default=30, minimum=0, maximum=86_400)
    metrics_file = c.Optional(MetricsFile())
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
    download_allowed_hosts = AllowedHosts()
    lock_timeout = Number(default=600, minimum=0, maximum=86_400)
    max_retry_after = Number(default=60, minimum=0, maximum=86_400)
    max_rate_limit_wait = Number(default=600, minimum=0, maximum=86_400)
    renderers = Renderers()
    ignore_blocks = BlockTypes()
    drafts_in_serve = c.Type(bool, default=False)
    notion_version = NotionVersion()
    embeds = c.Choice(("iframe", "link"), default="iframe")
    stylesheet = c.Type(bool, default=True)
    cover = c.Type(bool, default=True)
    slugs = c.Choice(("title", "title-id", "id"), default="title")
    redirects = c.Type(bool, default=True)
    redirects_file = c.Optional(RedirectsFile())


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_INTEGER = re.compile(r"[+-]?\d+")


def env_value(option: Any, raw: str) -> Any:
    """A `NOTION_SYNC_*` value read by the option's type: booleans and numbers parsed,
    lists and mappings (sources) as YAML, and every string and path exactly as written
    (`2024` is a folder name, `~` is not YAML's null). A value that does not parse is
    passed on as the text, for the option's own error message."""
    while isinstance(option, (c.Optional, c.Deprecated)):
        option = option.option
    text = raw.strip()
    if isinstance(option, Count):
        return int(text) if _INTEGER.fullmatch(text) else raw
    if isinstance(option, Number):
        try:
            return float(text)
        except ValueError:
            return raw
    if isinstance(option, c.Type) and option._type is bool:
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else raw
    if isinstance(option, (c.ListOfItems, c.SubConfig)) or (
        isinstance(option, c.Type) and option._type in (list, dict)
    ):
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError:
            return raw
    return raw


def apply_env_overrides(
    options: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Options with `NOTION_SYNC_<OPTION>` values laid over them, each read by its
    option's type (see `env_value`)."""
    env = os.environ if environ is None else environ
    merged = dict(options)
    for name, option in NotionSyncConfig._schema:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            merged[name] = env_value(option, raw)
    return merged


class Endpoint(Protocol):
    """Where the API is, when it is not where the options say: the demo emulator."""

    @property
    def url(self) -> str: ...

    @property
    def token(self) -> str: ...


def _slugs(value: str) -> Literal["title", "title-id", "id"]:
    """The validated `slugs` choice, typed."""
    return "id" if value == "id" else "title-id" if value == "title-id" else "title"


def settings_from(
    config: NotionSyncConfig,
    *,
    config_file: str | Path | None,
    docs_dir: str | Path | None,
    site_dir: str | Path | None = None,
    endpoint: Endpoint | None = None,
    serving: bool = False,
    use_directory_urls: bool = True,
    markdown_extensions: Iterable[str] | None = None,
) -> Settings:
    """The one Settings of a build: paths resolved against mkdocs.yml's folder (as
    Material's plugins resolve theirs), the token looked up, the demo's API if any, and
    what of the site's own configuration the Markdown depends on (its URL style, and
    whether pymdownx.tabbed is there; without a list of extensions it is assumed)."""
    base_dir = Path(config_file or ".").resolve().parent
    cache_dir = (base_dir / config.cache_dir).resolve()
    for name, folder in (("docs_dir", docs_dir), ("site_dir", site_dir)):
        problem = cache_dir_problem(cache_dir, name, Path(folder)) if folder else None
        if problem:
            raise ConfigError(problem)
    redirects_file = (base_dir / config.redirects_file).resolve() if config.redirects_file else None
    for name, folder in (("docs_dir", docs_dir), ("site_dir", site_dir)):
        inside = folder and redirects_file and Path(folder).resolve() in redirects_file.parents
        if inside:
            raise ConfigError(
                f"redirects_file {config.redirects_file} must not be inside {name}: there "
                f"{'MkDocs would publish it' if name == 'docs_dir' else 'each build deletes it'}"
                "; keep it beside mkdocs.yml"
            )
    redact.add_url(config.api_url)
    if endpoint is None and token_written_in_file(config.token, os.environ):
        log.warning(TOKEN_IN_FILE)
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
            front_matter=tuple(s.front_matter.items()),
            include=tuple(s.include),
            exclude=tuple(s.exclude),
            view=s.view.strip() if s.view else None,
        )
        for s in config.sources
    )
    return Settings(
        sources=sources,
        cache_dir=cache_dir,
        docs_dir=Path(docs_dir).resolve() if docs_dir is not None else None,
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
        download_allowed_hosts=tuple(config.download_allowed_hosts),
        lock_timeout=config.lock_timeout,
        max_retry_after=config.max_retry_after,
        max_rate_limit_wait=config.max_rate_limit_wait,
        renderers=tuple(config.renderers.values()),
        ignore_blocks=tuple(config.ignore_blocks),
        drafts_in_serve=config.drafts_in_serve,
        serving=serving,
        notion_version=config.notion_version,
        embeds="link" if config.embeds == "link" else "iframe",
        stylesheet=config.stylesheet,
        cover=config.cover,
        slugs=_slugs(config.slugs),
        redirects=config.redirects,
        redirects_file=redirects_file,
        use_directory_urls=use_directory_urls,
        markdown_tabs=markdown_extensions is None or TABBED in markdown_extensions,
    )
