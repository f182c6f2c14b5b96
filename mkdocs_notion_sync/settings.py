"""The one set of options the core runs on, free of MkDocs types.

Made once per build from the validated plugin config (config.py, which imports MkDocs)
or by the command line from the same mkdocs.yml; frozen, so no stage can change what
another stage sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .render.custom import CustomRenderer
from .sync.model import Source

DEFAULT_API_URL = "https://api.notion.com"
DEFAULT_CACHE_DIR = ".cache/plugin/notion-sync"
NOTION_VERSIONS = ("2025-09-03", "2026-03-11", "2026-12-01")
"""The API versions the plugin speaks (the `Notion-Version` header it sends)."""
DEFAULT_NOTION_VERSION = "2026-12-01"
"""Read when a Settings is made, so the test suite can run on another version."""


def default_notion_version() -> str:
    return DEFAULT_NOTION_VERSION


@dataclass(frozen=True)
class Settings:
    """Every option that changes what a build does, resolved (paths absolute, token
    looked up)."""

    sources: tuple[Source, ...] = ()
    cache_dir: Path = Path(DEFAULT_CACHE_DIR)
    docs_dir: Path | None = None
    """The site's docs_dir: Material's blog authors file is read from it."""
    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    offline: bool = False
    concurrency: int = 4
    rate_limit: float = 3.0
    max_retries: int = 5
    timeout: float = 30.0
    on_error: Literal["fail", "warn"] = "fail"
    retry_base_delay: float = 0.25
    """Seconds of the first retry's backoff (tests make it short)."""
    edit_link: bool = True
    comments: bool = False
    download_external: bool = False
    max_asset_size: float = 50.0
    """MiB."""
    poll_interval: float = 30.0
    metrics_file: str | None = None
    """Relative to site_dir."""
    demo: bool = False
    download_allowed_hosts: tuple[str, ...] = ()
    """Hosts and networks downloads may reach that are not public (site/netguard.py)."""
    lock_timeout: float = 600.0
    """Seconds a build waits for another build using the same cache_dir."""
    max_retry_after: float = 60.0
    """Seconds: the longest Retry-After obeyed; a longer one fails the request."""
    max_rate_limit_wait: float = 600.0
    """Seconds a build may spend waiting out Retry-After in all."""
    renderers: tuple[CustomRenderer, ...] = ()
    """The site's own block renderers (render/custom.py), one per block type."""
    ignore_blocks: tuple[str, ...] = ()
    """Block types left out without a warning."""
    drafts_in_serve: bool = False
    """Under `mkdocs serve`, show the pages include/exclude leave out, as drafts."""
    serving: bool = False
    """The build is `mkdocs serve`'s (set by the plugin, not an option)."""
    notion_version: str = field(default_factory=default_notion_version)
    """The Notion API version every request asks for (NOTION_VERSIONS)."""
    embeds: Literal["iframe", "link"] = "iframe"
    """Allow-listed embeds play in an iframe, or (`link`) every embed is a link card."""
    stylesheet: bool = True
    """Publish the plugin's stylesheet (Notion's colours, cards, embeds) with the site."""
    cover: bool = True
    """Show each page's cover above its title."""
    slugs: Literal["title", "title-id", "id"] = "title"
    """How page paths are made (site/paths.py)."""
    redirects: bool = True
    """Publish redirect pages for old paths and id URLs (site/redirects.py)."""
    redirects_file: Path | None = None
    """Absolute: the committed path history (sync/history.py), or None."""
    use_directory_urls: bool = True
    """The generator serves `x/page.md` at `x/page/` (else at `x/page.html`): links
    inside raw HTML (media players) are written relative to the page's URL."""
    markdown_tabs: bool = True
    """The site's Markdown has pymdownx.tabbed, so Notion tabs become content tabs."""

    def __post_init__(self) -> None:
        # A list is accepted where a tuple is meant (tests, scripts); stored as a tuple
        # so that two equal configurations compare equal.
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "download_allowed_hosts", tuple(self.download_allowed_hosts))
        object.__setattr__(self, "renderers", tuple(self.renderers))
        object.__setattr__(self, "ignore_blocks", tuple(self.ignore_blocks))

    @property
    def max_asset_bytes(self) -> int:
        return int(self.max_asset_size * 1024 * 1024)

    @property
    def show_drafts(self) -> bool:
        """Pages left out by include/exclude are shown, marked as drafts."""
        return self.drafts_in_serve and self.serving
