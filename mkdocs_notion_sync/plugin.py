"""MkDocs events only: config -> sync -> files/nav -> report.

Everything with substance lives in the core (pipeline and below); this module turns
MkDocs events into calls and core errors into `PluginError`s with one clear line.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .config import NotionSyncConfig, apply_env_overrides, resolve_token
from .embeds import fill_embeds, find_embeds, rewrite_notion_links
from .errors import NotionSyncError
from .pipeline import BlogAuthors, Pipeline, SyncOutcome, settings_from
from .publish import NavItem, awesome_nav_files, literate_nav_files
from .watch import ChangePoller

# Our messages carry the contract's `notion-sync: ` prefix themselves; the logger sits
# under `mkdocs.plugins` so that `--strict` counts its warnings.
log = logging.getLogger("mkdocs.plugins.mkdocs_notion_sync.plugin")


def _warn(message: str) -> None:
    log.warning("notion-sync: %s", message)


class NotionSyncPlugin(BasePlugin[NotionSyncConfig]):
    """Publishes Notion pages as virtual files of the MkDocs site."""

    def __init__(self) -> None:
        self.pipeline: Pipeline | None = None
        self.outcome: SyncOutcome | None = None
        self._demo: Any = None
        self.poller: ChangePoller | None = None

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[Any, Any]:
        return super().load_config(apply_env_overrides(options), config_file_path)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across `serve` rebuilds: the cache,
        the pacer's learned rate, the demo emulator and the poller live as long as serve."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        base = Path(config.config_file_path or ".").resolve().parent
        cache_dir = (base / self.config.cache_dir).resolve()
        docs_dir = Path(config.docs_dir).resolve()
        if cache_dir == docs_dir or docs_dir in cache_dir.parents:
            raise PluginError(f"notion-sync: cache_dir {cache_dir} must not be inside docs_dir")
        token = resolve_token(self.config.token)
        api_url = self.config.api_url
        if self.config.demo:
            token, api_url = self._start_demo()
        settings = settings_from(self.config, cache_dir, token)
        settings.api_url = api_url
        if self.pipeline is None or self.pipeline.settings.cache_dir != cache_dir:
            if self.pipeline is not None:
                self.pipeline.close()
            self.pipeline = Pipeline(settings, warn=_warn)
        self.pipeline.settings = settings
        self.pipeline.blog_authors = BlogAuthors(docs_dir)
        self.outcome = None
        return None

    def _start_demo(self) -> tuple[str, str]:
        """The bundled emulator serves the demo workspace in-process: the example site
        builds with no token and no network. Only `demo: true` asks for this."""
        from .emulator import DEMO_TOKEN, Emulator, Workspace

        if self._demo is None:
            self._demo = Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0)
            self._demo.start()
            log.info(
                "notion-sync: demo workspace served by the bundled emulator at %s", self._demo.url
            )
        return DEMO_TOKEN, str(self._demo.url)

    # Before other plugins' on_files (blog -50, literate-nav -100, awesome-nav), so that
    # they see the Notion pages as ordinary files.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.pipeline is None:
            return None
        embeds = find_embeds(files)
        if not self.pipeline.settings.sources and not embeds:
            log.warning(
                "notion-sync: nothing to publish; add `sources:` to the plugin options or a "
                "`<!-- notion: ID -->` embed to a page"
            )
            return None
        try:
            outcome = self.pipeline.run(embeds=embeds)
        except NotionSyncError as error:
            raise PluginError(f"notion-sync: {error}") from None
        self.outcome = outcome
        for document in outcome.documents:
            self._add(files, File.generated(config, document.path, abs_src_path=str(document.file)))
        for path, staged in outcome.extra_files.items():
            self._add(files, File.generated(config, path, abs_src_path=str(staged)))
        for path, stored in outcome.assets.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, abs_src_path=str(stored)))
        self._place_in_nav(config, outcome.nav, files)
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None and existing.generated_by is None:
            raise PluginError(
                f"notion-sync: {file.src_uri} exists in docs_dir and would be replaced by a "
                "Notion page; change the source's dest or rename the file"
            )
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def _place_in_nav(self, config: MkDocsConfig, nav: list[NavItem], files: Files) -> None:
        """Notion's order and titles: a generated nav when there is none, or `dest/`
        placeholders expanded inside the user's nav."""
        if "awesome-nav" in config.plugins:
            for path, text in awesome_nav_files(nav).items():
                self._add(files, File.generated(config, path, content=text))
            return
        if "literate-nav" in config.plugins:
            for path, text in literate_nav_files(nav).items():
                self._add(files, File.generated(config, path, content=text))
            return
        by_dest = {item.path.rsplit("/", 1)[0] if "/" in item.path else "": item for item in nav}
        if config.nav is None:
            from mkdocs.structure.files import file_sort_key
            from mkdocs.utils import nest_paths

            generated = {doc.path for doc in self.outcome.documents} if self.outcome else set()
            own = sorted(
                (
                    f
                    for f in files.documentation_pages()
                    if f.src_uri not in generated and f.inclusion.is_in_nav()
                ),
                key=file_sort_key,
            )
            config.nav = list(nest_paths(f.src_uri for f in own)) + [
                _nav_entry(item) for item in nav
            ]
            return
        config.nav = _expand(config.nav, by_dest)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Notion pages get their edit link; hand-written pages get their embeds filled
        in and their Notion links pointed at the site."""
        if not self.config.enabled or self.outcome is None:
            return None
        edit_url = page.meta.get("notion_edit_url")
        if isinstance(edit_url, str) and page.file.generated_by:
            page.edit_url = edit_url
            return None
        if page.file.generated_by:
            return None
        src = page.file.src_uri
        markdown = fill_embeds(markdown, src, self.outcome.embeds)
        links = self.pipeline.links if self.pipeline else None
        if links is not None:
            markdown = rewrite_notion_links(markdown, src, links, log.warning)
        return markdown

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Polls Notion during serve; a change touches a file that serve watches, which
        is MkDocs' public way to ask for a rebuild."""
        settings = self.pipeline.settings if self.pipeline else None
        if not self.config.enabled or settings is None or self.poller is not None:
            return server
        watched = self.pipeline.synced_ids if self.pipeline else set()
        if not self.config.poll_interval or settings.offline or not watched:
            return server  # nothing from Notion on this site (sources or embeds) to follow
        stamp_dir = settings.cache_dir / "serve"
        stamp_dir.mkdir(parents=True, exist_ok=True)
        stamp = stamp_dir / "changed"
        stamp.write_text("0", encoding="utf-8")
        server.watch(str(stamp_dir), recursive=False)
        pipeline = self.pipeline
        assert pipeline is not None

        def request_rebuild() -> None:
            stamp.write_text(str(time.time()), encoding="utf-8")

        self.poller = ChangePoller(
            lambda: pipeline.poll(), request_rebuild, self.config.poll_interval
        )
        self.poller.start()
        log.info("notion-sync: watching Notion for changes every %gs", self.config.poll_interval)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.pipeline is None or self.outcome is None:
            return
        report = self.pipeline.report
        if self.config.metrics_file:
            report.write(Path(config.site_dir) / self.config.metrics_file)
        log.info(report.summary())

    def on_build_error(self, *, error: Exception) -> None:
        if self.pipeline is not None and self.pipeline.report.api_requests:
            log.info(self.pipeline.report.summary())

    def on_shutdown(self) -> None:
        if self.poller is not None:
            self.poller.stop()
            self.poller = None
        if self.pipeline is not None:
            self.pipeline.close()
            self.pipeline = None
        if self._demo is not None:
            self._demo.stop()
            self._demo = None


def _nav_entry(item: NavItem) -> Any:
    if not item.children:
        return {item.title: item.path}
    return {item.title: [{item.title: item.path}, *(_nav_entry(child) for child in item.children)]}


def _expand(nav: Any, by_dest: dict[str, NavItem]) -> Any:
    """Replace `dest/` (a source's folder) in a user nav with that source's tree."""
    if isinstance(nav, list):
        return [_expand(entry, by_dest) for entry in nav]
    if isinstance(nav, dict):
        return {key: _expand(value, by_dest) for key, value in nav.items()}
    if isinstance(nav, str) and nav.endswith("/") and nav.rstrip("/") in by_dest:
        item = by_dest[nav.rstrip("/")]
        return [{item.title: item.path}, *(_nav_entry(child) for child in item.children)]
    return nav
