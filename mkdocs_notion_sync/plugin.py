"""MkDocs events only: config -> sync -> files/nav -> report.

Everything with substance lives in the core (pipeline and below); this module turns
MkDocs events into calls and core errors into `PluginError`s with one clear line.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, file_sort_key
from mkdocs.structure.pages import Page
from mkdocs.utils import nest_paths

from .config import NotionSyncConfig, apply_env_overrides, settings_from
from .demo import Demo
from .errors import NotionSyncError, UnreachableError
from .log import log, redact
from .pipeline import Outcome, Session
from .site.embeds import EmbedRequest, fill_embeds, find_embeds, rewrite_notion_links
from .site.folder import SyncFolder
from .site.nav import NavItem, awesome_nav_files, expand_nav, literate_nav_files, nav_entry
from .site.paths import rebase_players, served_folder, url_folder
from .site.redirects import file_of, plan_redirects, redirect_html, url_of
from .site.stylesheet import STYLESHEET
from .watch import ChangePoller

DIRTY_HINT_PAGES = 300
"""From this many Notion pages, a plain serve's rebuild (every page rendered again) is
slow enough to point at `--dirty` (docs/live-preview.md)."""


class NotionSyncPlugin(BasePlugin[NotionSyncConfig]):
    """Publishes Notion pages as virtual files of the MkDocs site."""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.outcome: Outcome | None = None
        self.demo: Demo | None = None
        self.poller: ChangePoller | None = None
        self.watched: frozenset[str] = frozenset()
        """The pages of the last good build, which the serve poller watches."""
        self._own: dict[str, File] = {}
        """This build's hand-written files by the URL each is served at."""
        self.serving = False
        """Under `mkdocs serve`, where a rebuild must not leave the preview empty."""
        self.built = False
        """A build of this instance succeeded (so the cache holds the site)."""
        self.dirty = False
        """`mkdocs serve --dirty` (or `build --dirty`): MkDocs rebuilds only the pages
        whose source file is newer than their HTML."""
        self._layout: str | None = None
        """A digest of the last build's nav, page places and titles, and embeds
        (`_mark_all_if_layout_changed`)."""

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[Any, Any]:
        return super().load_config(apply_env_overrides(options), config_file_path)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across `serve` rebuilds: the cache,
        the pacer's learned rate, the pools, the demo emulator and the poller live as long
        as serve."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.config.demo and self.demo is None:
            self.demo = Demo()
        try:
            settings = settings_from(
                self.config,
                config_file=config.config_file_path,
                docs_dir=config.docs_dir,
                site_dir=config.site_dir,
                endpoint=self.demo if self.config.demo else None,
                serving=self.serving,
                use_directory_urls=config.use_directory_urls,
                markdown_extensions=config.markdown_extensions,
            )
        except NotionSyncError as error:
            raise PluginError(f"notion-sync: {redact(str(error))}") from None
        if self.session is None or self.session.settings != settings:
            if self.session is not None:
                self.session.close()
            self.session = Session(settings)
        self.outcome = None
        if settings.stylesheet and STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return None

    # Before other plugins' on_files (blog -50, literate-nav -100, awesome-nav), so that
    # they see the Notion pages as ordinary files.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.session is None:
            return None
        embeds = find_embeds(files)
        if not self.session.settings.sources and not embeds:
            log.warning(
                "nothing to publish; add `sources:` to the plugin options or a "
                "`<!-- notion: ID -->` embed to a page"
            )
            return None
        try:
            outcome = self._build(embeds)
        except NotionSyncError as error:
            raise PluginError(f"notion-sync: {redact(str(error))}") from None
        self.outcome = outcome
        self.built = True
        self.watched = outcome.synced_ids
        self._drop_synced_copies(files, config)
        # Hand-written files by the URL they are served at: `x/faq/index.md`, `x/faq.md`
        # and `x/README.md`-style indexes share one, so comparing names is not enough.
        self._own = {f.dest_uri: f for f in files if f.generated_by is None}
        for document in outcome.documents:
            self._add(files, File.generated(config, document.path, abs_src_path=str(document.file)))
        for path, staged in outcome.extra_files.items():
            if path == STYLESHEET and files.get_file_from_path(path) is not None:
                continue  # a stylesheet of the site's own at that path replaces ours
            self._add(files, File.generated(config, path, abs_src_path=str(staged)))
        for path, stored in outcome.assets.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, abs_src_path=str(stored)))
        if self.session.settings.redirects:
            self._add_redirects(files, config, outcome)
        self._place_in_nav(config, outcome, files)
        self._mark_all_if_layout_changed(outcome, files)
        return files

    def _mark_all_if_layout_changed(self, outcome: Outcome, files: Files) -> None:
        """A dirty build writes only pages whose source is newer than their HTML; a
        Notion page re-rendered gets a new staged file, the others keep theirs (and
        their mtime). What that misses is what every page shows: the nav (a page
        renamed, added, moved or removed) and embeds in hand-written pages. When those
        changed, every page's HTML is dated back to 1970 so that MkDocs rewrites it:
        one full build, the next ones dirty again. Nothing is deleted."""
        layout = hashlib.sha256(
            repr(
                (
                    outcome.nav,
                    sorted(outcome.links.paths.items()),
                    sorted(outcome.links.titles.items()),
                    sorted((repr(r), text) for r, text in outcome.embeds.items()),
                )
            ).encode()
        ).hexdigest()
        previous, self._layout = self._layout, layout
        if not self.dirty or previous is None or previous == layout:
            return
        log.info("the Notion pages' titles, places or embeds changed: rebuilding every page")
        for file in files.documentation_pages():
            dest = file.abs_dest_path
            if os.path.isfile(dest):
                os.utime(dest, (0, 0))

    def _add_redirects(self, files: Files, config: MkDocsConfig, outcome: Outcome) -> None:
        """Redirect pages as generated files of the build, so that `serve`, `--strict`
        and gh-deploy treat them as any other file, and a file already at a URL (a
        hand-written page, another plugin's) is known here: the live file wins, with a
        WARNING, and the old path leaves the history, so that warning is given once."""
        assert self.session is not None
        directory_urls = config.use_directory_urls
        taken = {f.dest_uri.lower(): f for f in files}
        theirs = _mapped_by_mkdocs_redirects(config)
        forgotten = False
        for redirect in plan_redirects(
            outcome.history, outcome.tree.pages(), directory_urls=directory_urls
        ):
            if redirect.dest.lower() in theirs:
                log.info(
                    f"mkdocs-redirects' redirect_maps names {theirs[redirect.dest.lower()]}, an "
                    f"old path of the Notion page {redirect.title!r}: its redirect is used there"
                )
                continue
            live = taken.get(redirect.dest.lower())
            if live is not None:
                url = "/" + url_of(redirect.old_path, directory_urls=directory_urls)
                what = "the id URL" if redirect.permanent else "an old URL"
                log.warning(
                    f"{live.src_uri} is published at {url}, {what} of the Notion page "
                    f"{redirect.title!r} ({redirect.page_id}); the live page wins and that "
                    "URL does not redirect"
                )
                if not redirect.permanent:
                    outcome.history.forget(redirect.page_id, redirect.old_path)
                    forgotten = True
                continue
            text = redirect_html(redirect, directory_urls=directory_urls, site_url=config.site_url)
            files.append(File.generated(config, redirect.dest, content=text))
        if forgotten:
            try:
                self.session.save_history(outcome.history)
            except NotionSyncError as error:
                raise PluginError(f"notion-sync: {redact(str(error))}") from None

    def _drop_synced_copies(self, files: Files, config: MkDocsConfig) -> None:
        """Files `mkdocs-notion-sync sync` wrote into docs_dir (for Zensical) are copies
        of what this build publishes: they give way to this build's own, instead of
        being taken for hand-written pages in the way. A copy changed by hand stays."""
        try:
            synced = SyncFolder(Path(config.docs_dir)).as_left()
        except NotionSyncError as error:
            raise PluginError(f"notion-sync: {redact(str(error))}") from None
        for file in [f for f in files if f.generated_by is None and f.src_uri in synced]:
            files.remove(file)

    def _build(self, embeds: list[EmbedRequest]) -> Outcome:
        """One sync. The first build obeys `on_error`; a later `serve` rebuild (a local
        edit, say) that cannot reach Notion is made from the cache with a WARNING,
        since MkDocs has already emptied the preview's site and would otherwise leave
        it empty until Notion answers again. The next rebuild tries Notion again."""
        assert self.session is not None
        # Held until post_build or build_error: MkDocs reads the staged pages later.
        try:
            return self.session.build(embeds, hold=True)
        except UnreachableError as error:
            if not (self.serving and self.built):
                raise
            log.warning(
                f"{error}; this rebuild is made from the cache, so Notion pages show their "
                "last synced version"
            )
            return self.session.build(embeds, offline=True, hold=True)

    def _add(self, files: Files, file: File) -> None:
        """A generated file, never in place of a hand-written one (by name or by URL)."""
        existing = files.get_file_from_path(file.src_uri)
        hand_written = self._own.get(file.dest_uri)
        if existing is not None and existing.generated_by is None:
            hand_written = existing
        if hand_written is not None:
            raise PluginError(
                f"notion-sync: {hand_written.src_uri} in docs_dir and the Notion page "
                f"{file.src_uri} would both be published at {hand_written.dest_uri}; change "
                "the source's dest or rename the file"
            )
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def _place_in_nav(self, config: MkDocsConfig, outcome: Outcome, files: Files) -> None:
        """Notion's order and titles: a generated nav when there is none, or `dest/`
        placeholders expanded inside the user's nav."""
        nav: list[NavItem] = outcome.nav
        if "awesome-nav" in config.plugins:
            for path, text in awesome_nav_files(nav).items():
                self._add(files, File.generated(config, path, content=text))
            return
        if "literate-nav" in config.plugins:
            for path, text in literate_nav_files(nav).items():
                self._add(files, File.generated(config, path, content=text))
            return
        if config.nav is None:
            generated = {doc.path for doc in outcome.documents}
            own = sorted(
                (
                    f
                    for f in files.documentation_pages()
                    if f.src_uri not in generated and f.inclusion.is_in_nav()
                ),
                key=file_sort_key,
            )
            config.nav = list(nest_paths(f.src_uri for f in own)) + [nav_entry(i) for i in nav]
            return
        config.nav = expand_nav(config.nav, nav)

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
        return rewrite_notion_links(markdown, src, self.outcome.links, log.warning)

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Players of Notion media are raw HTML, written relative to the URL a page's
        file is served at; a plugin that serves a page elsewhere (Material's blog puts
        posts at `<date>/<slug>/`) gets them re-aimed here."""
        if not self.config.enabled or self.outcome is None:
            return None
        written_for = served_folder(page.file.src_uri, directory_urls=config.use_directory_urls)
        return rebase_players(html, written_for=written_for, served_at=url_folder(page.url))

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Polls Notion during serve; a change touches a file that serve watches, which
        is MkDocs' public way to ask for a rebuild."""
        session, outcome = self.session, self.outcome
        if not self.config.enabled or session is None or self.poller is not None:
            return server
        settings = session.settings
        if not settings.poll_interval or settings.offline or outcome is None:
            return server
        if not self.watched:
            return server  # nothing from Notion on this site (sources or embeds) to follow
        stamp_dir = settings.cache_dir / "serve"
        stamp_dir.mkdir(parents=True, exist_ok=True)
        stamp = stamp_dir / "changed"
        stamp.write_text("0", encoding="utf-8")
        server.watch(str(stamp_dir), recursive=False)

        def request_rebuild() -> None:
            stamp.write_text(str(time.time()), encoding="utf-8")

        self.poller = ChangePoller(self._poll, request_rebuild, settings.poll_interval)
        self.poller.start()
        log.info("watching Notion for changes every %gs", settings.poll_interval)
        if not self.dirty and len(outcome.documents) >= DIRTY_HINT_PAGES:
            log.info(
                "%d Notion pages: `mkdocs serve --dirty` renders only the pages an edit "
                "changed, instead of every page on every rebuild",
                len(outcome.documents),
            )
        return server

    def _poll(self) -> bool:
        """The poller asks the current session about the last good build's pages (serve
        may have replaced the session since the poller started)."""
        session = self.session
        return session.poll(self.watched) if session is not None else False

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.session is not None:
            self.session.release()  # every staged page has been read
        if not self.config.enabled or self.session is None or self.outcome is None:
            return
        report = self.outcome.report
        metrics_file = self.session.settings.metrics_file
        if metrics_file:
            try:
                report.write(Path(config.site_dir), metrics_file)
            except NotionSyncError as error:
                raise PluginError(f"notion-sync: {redact(str(error))}") from None
        log.info(report.summary())

    def on_build_error(self, *, error: Exception) -> None:
        if self.session is not None:
            self.session.release()
        if self.session is not None and self.session.report.api_requests:
            log.info(self.session.report.summary())

    def on_shutdown(self) -> None:
        if self.poller is not None:
            self.poller.stop()
            self.poller = None
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.demo is not None:
            self.demo.stop()
            self.demo = None


def _mapped_by_mkdocs_redirects(config: MkDocsConfig) -> dict[str, str]:
    """The site files mkdocs-redirects writes (its `redirect_maps`, by the old page),
    when it is configured: the user's own redirects win over ours for those URLs (it
    writes them after the build, over whatever is there)."""
    plugin = config.plugins.get("redirects")
    options = getattr(plugin, "config", None)
    maps = options.get("redirect_maps") if options is not None else None
    if not isinstance(maps, dict):
        return {}
    return {
        file_of(str(old), directory_urls=config.use_directory_urls).lower(): str(old)
        for old in maps
        if str(old).endswith(".md")
    }
