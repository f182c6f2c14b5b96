"""`mkdocs-notion-sync [-f mkdocs.yml] check | changed | pull | links | cache | sync |
watch | webhook`: the plugin without a build.

It reads the plugin's options from mkdocs.yml (with the same validation and environment
overrides as a build) and runs the same pipeline, so `pull` writes exactly what a build
would publish and `check` sees the same token and sources.

This module is over 400 lines because it is where every command meets the terminal:
arguments, printed lines and exit codes, one short section per command; what each
command does lives in its own module (sync/changes.py, site/redirects.py, folder_sync.py,
webhook.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import ConfigError, NotionSyncError, NotSharedError, UnreachableError
from .folder_sync import (
    SiteConfig,
    counting_warnings,
    folder_for,
    require_polling,
    sync_into,
    watch_into,
)
from .log import log, redact
from .notion.api import NotionAPI
from .notion.objects import one_line, title_of
from .pipeline import Session
from .progress import ProgressBar
from .project import Project, load_project
from .report import human_bytes
from .settings import Settings
from .site.redirects import id_path, url_of
from .sync.cache import Cache
from .sync.changes import ChangeCheck
from .sync.views import find_view, layout_of

PROG = "mkdocs-notion-sync"
DEFAULT_CONFIG = Path("mkdocs.yml")


# -- check ----------------------------------------------------------------------------


def check(project: Project, as_json: bool) -> int:
    """Token, reachability and latency, every source, and the cache: exit 0 if healthy."""
    settings = project.settings
    rows: list[dict[str, Any]] = []
    if settings.offline:
        rows.append(_row(settings.api_url, "api", "", "skipped (offline: true)", ok=True))
    else:
        rows.extend(_check_api(settings))
    rows.append(_check_cache(settings))
    rows = [{k: redact(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    healthy = all(row["ok"] for row in rows)
    if as_json:
        print(json.dumps({"healthy": healthy, "checks": rows}, indent=2, ensure_ascii=False))
    else:
        _print_table(rows)
        print("healthy" if healthy else "UNHEALTHY")
    return 0 if healthy else 1


def _row(
    source: str, kind: str, title: str, status: str, *, ok: bool, **extra: Any
) -> dict[str, Any]:
    return {"source": source, "kind": kind, "title": title, "status": status, "ok": ok, **extra}


def _check_api(settings: Settings) -> list[dict[str, Any]]:
    """The token row (integration name and round trip), then one row per source."""
    try:
        api = NotionAPI(settings)
    except NotionSyncError as error:
        return [_row("token", "token", "", f"error: {error}", ok=False, reachable=None)]
    try:
        started = time.monotonic()
        try:
            me = api.me()
        except NotionSyncError as error:
            # A 401 or 403 is an answer: the API is reachable, the token is what fails.
            reachable = not isinstance(error, UnreachableError)
            status = f"error: {error}"
            return [_row(settings.api_url, "token", "", status, ok=False, reachable=reachable)]
        latency = (time.monotonic() - started) * 1000
        bot = str(me.get("name") or me.get("id") or "")
        rows = [
            _row(
                settings.api_url,
                "token",
                bot,
                f"ok ({latency:.0f} ms)",
                ok=True,
                reachable=True,
                latency_ms=round(latency, 1),
            )
        ]
        rows.extend(
            _check_source(api, source.kind, source.id, source.view) for source in settings.sources
        )
        return rows
    finally:
        api.close()


def _check_source(
    api: NotionAPI, kind: str, object_id: str, view: str | None = None
) -> dict[str, Any]:
    try:
        obj = api.database(object_id) if kind == "database" else api.page(object_id)
        followed = find_view(api, object_id, view) if view else None
    except NotionSyncError as error:
        return _row(object_id, kind, "", f"error: {error}", ok=False, reachable=False)
    title = title_of(obj)
    if obj.get("in_trash") or obj.get("archived"):
        trashed = NotSharedError(object_id, kind, trashed=True)
        return _row(object_id, kind, title, f"error: {trashed}", ok=False, reachable=True)
    status = f'ok (view "{layout_of(followed, []).view_name}")' if followed else "ok"
    return _row(object_id, kind, title, status, ok=True, reachable=True)


def _check_cache(settings: Settings) -> dict[str, Any]:
    source = str(settings.cache_dir)
    if not (settings.cache_dir / "store").is_dir():
        stats: dict[str, int] = {}
    else:
        cache = Cache(settings.cache_dir)
        try:
            stats = cache.stats()
        finally:
            cache.close()
    pages = stats.get("page", 0)
    title = (
        f"{pages} pages, {stats.get('asset_files', 0)} files "
        f"({human_bytes(stats.get('asset_bytes', 0))})"
    )
    if settings.offline and not pages:
        status = "error: offline: true but the cache is empty; run a build or pull online first"
        return _row(source, "cache", title, status, ok=False, pages=pages)
    return _row(source, "cache", title, "ok", ok=True, pages=pages)


def _print_table(rows: list[dict[str, Any]]) -> None:
    """Aligned columns; the last (status) is not padded, so no line ends in spaces."""
    columns = ("source", "kind", "title", "status")
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(widths[c]) for c, cell in zip(columns[:-1], cells, strict=False)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    print(line([c.upper() for c in columns]))
    for row in rows:
        print(line([str(row[c]) for c in columns]))


# -- changed --------------------------------------------------------------------------

CHANGED, UNCHANGED, FAILED = 0, 1, 2


def changed_command(project: Project) -> int:
    """Exit 0 and one line per change when a build would publish something new, 1 when
    nothing changed: a scheduled job builds only on 0 (2 is an error, from main)."""
    settings = project.settings
    if settings.offline:
        raise ConfigError("changed asks Notion, but offline: true is set; unset it")
    if not (settings.cache_dir / "store").is_dir():
        print(f"no sync recorded in {settings.cache_dir}: a build fetches everything")
        return CHANGED
    cache = Cache(settings.cache_dir)
    api = NotionAPI(settings)
    try:
        changes = ChangeCheck(api, cache, settings).run()
        requests = api.metrics.requests
    finally:
        api.close()
        cache.close()
    if changes is None:
        print(f"no sync recorded in {settings.cache_dir}: a build fetches everything")
        return CHANGED
    for change in changes:
        print(redact(change.line()))
    noun = "request" if requests == 1 else "requests"
    if not changes:
        print(
            f"{PROG}: nothing changed since the last sync ({requests} API {noun})", file=sys.stderr
        )
        return UNCHANGED
    print(
        f"{PROG}: {len(changes)} changed since the last sync ({requests} API {noun})",
        file=sys.stderr,
    )
    return CHANGED


# -- pull -----------------------------------------------------------------------------


def pull(project: Project, out: Path, fmt: str) -> int:
    """What a build would publish, written to a folder (or the raw Notion objects)."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a folder")
    with _progress_bar() as bar:
        session = Session(project.settings, progress=bar)
        try:
            outcome = session.build(hold=True)  # the staged files are copied below
            out.mkdir(parents=True, exist_ok=True)
            if fmt == "json":
                for page in outcome.tree.pages():
                    cached = session.cache.get_page(page.id)
                    record = {"object": page.obj, "blocks": cached.blocks if cached else []}
                    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
                    _inside(out, page.path[:-3] + ".json").write_text(text, encoding="utf-8")
            else:
                for document in outcome.documents:
                    _inside(out, document.path).write_bytes(document.file.read_bytes())
                for path, staged in outcome.extra_files.items():
                    _inside(out, path).write_bytes(staged.read_bytes())
                for path, stored in outcome.assets.items():
                    _inside(out, path).write_bytes(stored.read_bytes())
        finally:
            session.close()
    print(session.report.summary(), file=sys.stderr)
    return 0


# -- links ----------------------------------------------------------------------------


def links_command(project: Project, fmt: str) -> int:
    """Notion id -> site URL of every published page (a sync like a build's, so warm it
    costs what a warm build costs, and `offline: true` answers from the cache)."""
    settings = project.settings
    site_url = project.mkdocs_yml.get("site_url")
    prefix = str(site_url).rstrip("/") + "/" if isinstance(site_url, str) and site_url else "/"
    with _progress_bar() as bar:
        session = Session(settings, progress=bar)
        try:
            outcome = session.build()
        finally:
            session.close()
    print(session.report.summary(), file=sys.stderr)
    rows = []
    for page in outcome.tree.pages():
        if page.draft:
            continue
        permanent = id_path(page)
        rows.append(
            {
                "id": page.id,
                "title": page.title,
                "url": prefix + url_of(page.path, directory_urls=settings.use_directory_urls),
                "id_url": prefix + url_of(permanent, directory_urls=settings.use_directory_urls),
                "path": page.path,
                "notion_url": page.url,
            }
        )
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max([len("URL"), *(len(row["url"]) for row in rows)])
    print(f"{'NOTION ID':<36}  {'URL':<{width}}  TITLE")
    for row in rows:
        print(f"{row['id']:<36}  {row['url']:<{width}}  {one_line(row['title'])}".rstrip())
    return 0


def _inside(root: Path, relative: str) -> Path:
    """A path under root, created, and never outside it whatever the name says."""
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise ConfigError(f"refusing to write {relative} outside {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


_active_bar: ProgressBar | None = None


@contextmanager
def _progress_bar() -> Iterator[ProgressBar | None]:
    """On a terminal, a bar the sync's page count drives instead of progress lines
    (which the build's ProgressLog writes through the log otherwise)."""
    global _active_bar
    if not sys.stderr.isatty():
        yield None
        return
    bar = ProgressBar()
    _active_bar = bar
    try:
        yield bar
    finally:
        _active_bar = None
        bar.finish()


class _StderrHandler(logging.Handler):
    """The plugin's log on the current sys.stderr, keeping a progress bar intact."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = redact(record.getMessage())
            if record.levelno >= logging.WARNING:
                message = f"{record.levelname}: {message}"
            bar = _active_bar
            if bar is not None:
                bar.clear()
            sys.stderr.write(message + "\n")
            if bar is not None:
                bar.redraw()
        except Exception:
            self.handleError(record)


@contextmanager
def _logging_to_stderr(level: int) -> Iterator[None]:
    """Only the plugin's own loggers (never httpx's, whose lines hold signed file URLs)."""
    handler = _StderrHandler()
    logger = log.logger
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


# -- cache ----------------------------------------------------------------------------


def cache_command(project: Project, action: str) -> int:
    cache_dir = project.settings.cache_dir
    if action == "clear":
        if (cache_dir / "store").is_dir():
            cache = Cache(cache_dir)
            try:
                cache.clear()
            finally:
                cache.close()
        shutil.rmtree(cache_dir / "site", ignore_errors=True)
        print(f"cleared {cache_dir}")
        return 0
    print(f"cache: {cache_dir}")
    if not (cache_dir / "store").is_dir():
        print("  empty (no build or pull has run yet)")
        return 0
    cache = Cache(cache_dir)
    try:
        stats = cache.stats()
    finally:
        cache.close()
    for key, value in sorted(stats.items()):
        shown = human_bytes(value) if key.endswith("bytes") else str(value)
        print(f"  {key}: {shown}")
    return 0


# -- sync, watch ----------------------------------------------------------------------


def sync_command(project: Project, out: Path | None, strict: bool) -> int:
    """The Notion pages written into docs_dir (or `--out`), incrementally."""
    root = folder_for(project.settings, project.site_dir, out)
    with _progress_bar() as bar, counting_warnings() as warned:
        session = Session(project.settings, progress=bar)
        try:
            sync_into(session, root, _site_config(project))
        finally:
            session.close()
    if strict and warned.count:
        noun = "warning" if warned.count == 1 else "warnings"
        print(f"{PROG}: error: {warned.count} {noun} with --strict", file=sys.stderr)
        return 1
    return 0


def watch_command(project: Project, out: Path | None) -> int:
    """Sync, then follow Notion until Ctrl-C or SIGTERM (the end of a watch, exit 0)."""
    require_polling(project.settings)
    root = folder_for(project.settings, project.site_dir, out)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    session = Session(project.settings)
    try:
        watch_into(session, root, _site_config(project), project.settings.poll_interval)
    except KeyboardInterrupt:
        log.info("stopped watching")
    finally:
        signal.signal(signal.SIGTERM, previous)
        session.close()
    return 0


# -- webhook --------------------------------------------------------------------------


def webhook_command(args: argparse.Namespace) -> int:
    """Receive Notion's webhook events until Ctrl-C or SIGTERM (exit 0)."""
    from . import webhook

    if args.run is not None:
        build = webhook.run_command(args.run)
    else:
        api = args.github_api or os.environ.get("GITHUB_API_URL") or webhook.GITHUB_API
        token = os.environ.get(webhook.GITHUB_TOKEN_ENV, "").strip()
        build = webhook.dispatch(args.dispatch, token, api)
    if args.debounce < 0 or args.max_age <= 0:
        raise ConfigError("--debounce must be 0 or more and --max-age more than 0 seconds")
    secret = webhook.secret_from_env()
    builds = webhook.Builds(build, args.debounce)
    receiver = webhook.Receiver(secret, args.token_file, builds, args.max_age)
    server = webhook.serve(args.host, args.port, receiver)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    host, port = server.server_address[:2]
    target = f"--run {args.run!r}" if args.run is not None else f"--dispatch {args.dispatch}"
    log.info("webhook listening on http://%s:%s/ (%s)", host, port, target)
    if not secret:
        log.warning(
            "webhook: no $%s set: events are refused until Notion's verification token "
            "is in it (it is written to %s when Notion sends it)",
            webhook.SECRET_ENV,
            args.token_file,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("webhook stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        builds.stop()
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _site_config(project: Project) -> SiteConfig:
    return SiteConfig(project.mkdocs_yml, project.config_file.resolve().parent)


# -- entry point ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    config_help = "MkDocs config (default ./mkdocs.yml)"
    root = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    root.add_argument("-f", "--config-file", type=Path, default=DEFAULT_CONFIG, help=config_help)
    root.add_argument(
        "--debug", action="store_true", help="debug logging, and tracebacks for internal errors"
    )
    # Accepted after the command too; SUPPRESS keeps it from overriding the one before.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-f", "--config-file", type=Path, default=argparse.SUPPRESS, help=config_help
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check_cmd = commands.add_parser(
        "check", parents=[common], help="verify the token, the API and every source"
    )
    check_cmd.add_argument("--json", action="store_true", help="print JSON instead of a table")
    commands.add_parser(
        "changed",
        parents=[common],
        help="exit 0 (listing what changed) if Notion changed since the last sync, else 1",
    )
    pull_cmd = commands.add_parser(
        "pull", parents=[common], help="write the Markdown and assets a build would publish"
    )
    pull_cmd.add_argument("--out", required=True, type=Path, help="folder to write into")
    pull_cmd.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown: the pages and assets a build publishes; json: raw Notion objects",
    )
    links_cmd = commands.add_parser(
        "links", parents=[common], help="list every page's Notion id and site URL"
    )
    links_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="a table, or JSON"
    )
    cache_cmd = commands.add_parser("cache", parents=[common], help="inspect or clear the cache")
    cache_cmd.add_argument("action", choices=("info", "clear"))
    out_help = "folder to write into (default: docs_dir of mkdocs.yml)"
    sync_cmd = commands.add_parser(
        "sync",
        parents=[common],
        help="write the Notion pages into docs_dir, for Zensical (incremental)",
    )
    sync_cmd.add_argument("--out", type=Path, default=None, help=out_help)
    sync_cmd.add_argument(
        "--strict", action="store_true", help="exit 1 if the sync logged any WARNING"
    )
    watch_cmd = commands.add_parser(
        "watch",
        parents=[common],
        help="sync, then follow Notion edits every poll_interval seconds (Ctrl-C stops)",
    )
    watch_cmd.add_argument("--out", type=Path, default=None, help=out_help)
    hook = commands.add_parser(
        "webhook",
        help="receive Notion webhook events and rebuild (--run) or dispatch to GitHub",
    )
    hook.add_argument("--port", type=int, required=True, help="port to listen on")
    hook.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)"
    )
    action = hook.add_mutually_exclusive_group(required=True)
    action.add_argument("--run", metavar="CMD", help="command to run for a build")
    action.add_argument(
        "--dispatch", metavar="OWNER/REPO", help="send GitHub a repository_dispatch instead"
    )
    hook.add_argument(
        "--debounce", type=float, default=10.0, help="seconds of quiet before a build (10)"
    )
    hook.add_argument(
        "--max-age", type=float, default=900.0, help="oldest event accepted, seconds (900)"
    )
    hook.add_argument(
        "--token-file",
        type=Path,
        default=Path("notion-webhook-token"),
        help="where Notion's verification token is written (mode 600)",
    )
    hook.add_argument(
        "--github-api", default=None, help="GitHub API root (default $GITHUB_API_URL or github)"
    )
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Known before mkdocs.yml is read, so that no error about it can quote them.
    redact.add_token(os.environ.get("NOTION_TOKEN"))
    redact.add_token(os.environ.get("NOTION_SYNC_TOKEN"))
    project: Project | None = None
    failed = FAILED if args.command == "changed" else 1
    try:
        with _logging_to_stderr(logging.DEBUG if args.debug else logging.INFO):
            if args.command == "webhook":
                return webhook_command(args)  # runs a command; needs no mkdocs.yml
            project = load_project(args.config_file)
            if args.command == "check":
                return check(project, args.json)
            if args.command == "changed":
                return changed_command(project)
            if args.command == "pull":
                return pull(project, args.out, args.format)
            if args.command == "links":
                return links_command(project, args.format)
            if args.command == "sync":
                return sync_command(project, args.out, args.strict)
            if args.command == "watch":
                return watch_command(project, args.out)
            return cache_command(project, args.action)
    except NotionSyncError as error:
        print(f"{PROG}: error: {redact(str(error))}", file=sys.stderr)
        return failed
    except OSError as error:
        print(f"{PROG}: error: {redact(str(error))}", file=sys.stderr)
        return failed
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            raise
        message = redact(f"{type(error).__name__}: {error}")
        print(
            f"{PROG}: error: unexpected {message} (run with --debug for the traceback)",
            file=sys.stderr,
        )
        return failed
    finally:
        if project is not None:
            project.close()


if __name__ == "__main__":
    sys.exit(main())
