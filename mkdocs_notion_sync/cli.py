"""`mkdocs-notion-sync [-f mkdocs.yml] check | pull | cache`: the plugin without a build.

It reads the plugin's options from mkdocs.yml (with the same validation and environment
overrides as a build) and runs the same pipeline, so `pull` writes exactly what a build
would publish and `check` sees the same token and sources.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from .config import NotionSyncConfig, apply_env_overrides, resolve_token
from .errors import ConfigError, NotionSyncError
from .pipeline import Pipeline, Settings, open_api, settings_from
from .report import human_bytes

PLUGIN_NAMES = ("notion-sync", "mkdocs_notion_sync")


def load_settings(config_file: Path) -> tuple[Settings, NotionSyncConfig]:
    """The plugin's options from mkdocs.yml, validated as MkDocs would validate them."""
    from mkdocs.utils.yaml import yaml_load

    if not config_file.is_file():
        raise ConfigError(f"no MkDocs config at {config_file}; pass -f path/to/mkdocs.yml")
    with config_file.open("rb") as handle:
        data = yaml_load(handle) or {}
    options: dict[str, Any] | None = None
    for entry in data.get("plugins") or []:
        if isinstance(entry, str) and entry in PLUGIN_NAMES:
            options = {}
        elif isinstance(entry, dict):
            for name, value in entry.items():
                if name in PLUGIN_NAMES:
                    options = dict(value or {})
    if options is None and isinstance(data.get("plugins"), dict):
        for name in PLUGIN_NAMES:
            if name in data["plugins"]:
                options = dict(data["plugins"][name] or {})
    if options is None:
        raise ConfigError(f"{config_file} does not enable the notion-sync plugin")
    config = NotionSyncConfig(config_file_path=str(config_file))
    config.load_dict(apply_env_overrides(options))
    errors, _warnings = config.validate()
    if errors:
        key, error = errors[0]
        raise ConfigError(f"option '{key}': {error}")
    cache_dir = (config_file.resolve().parent / config.cache_dir).resolve()
    return settings_from(config, cache_dir, resolve_token(config.token)), config


def _demo(settings: Settings, config: NotionSyncConfig) -> Any:
    """`demo: true` works here too: the bundled emulator answers in-process."""
    if not config.demo:
        return None
    from .emulator import DEMO_TOKEN, Emulator, Workspace

    emulator = Emulator(Workspace.demo(), token=DEMO_TOKEN, port=0)
    emulator.start()
    settings.token, settings.api_url = DEMO_TOKEN, str(emulator.url)
    return emulator


def check(settings: Settings, as_json: bool) -> int:
    """Token, reachability and latency, every source, and the cache: exit 0 if healthy."""
    rows: list[dict[str, Any]] = []
    healthy = True
    if settings.offline:
        rows.append(
            {
                "source": "api",
                "kind": "api",
                "title": settings.api_url,
                "status": "skipped (offline)",
            }
        )
    else:
        try:
            api = open_api(settings)
        except NotionSyncError as error:
            api = None
            healthy = False
            rows.append(
                {"source": "token", "kind": "token", "title": "", "status": f"error: {error}"}
            )
        if api is not None:
            try:
                started = time.monotonic()
                me = api.me()
                latency = (time.monotonic() - started) * 1000
                rows.append(
                    {
                        "source": settings.api_url,
                        "kind": "token",
                        "title": str(me.get("name") or me.get("id")),
                        "status": f"ok ({latency:.0f} ms)",
                    }
                )
                for source in settings.sources:
                    rows.append(_check_source(api, source.kind, source.id))
                    healthy = healthy and rows[-1]["status"] == "ok"
            except NotionSyncError as error:
                healthy = False
                rows.append(
                    {
                        "source": settings.api_url,
                        "kind": "token",
                        "title": "",
                        "status": f"error: {error}",
                    }
                )
            finally:
                api.close()
    pipeline = Pipeline(settings)
    try:
        stats = pipeline.cache.stats()
    finally:
        pipeline.close()
    rows.append(
        {
            "source": str(settings.cache_dir),
            "kind": "cache",
            "title": f"{stats.get('page', 0)} pages, {stats['asset_files']} files "
            f"({human_bytes(stats['asset_bytes'])})",
            "status": "ok",
        }
    )
    if as_json:
        print(json.dumps({"healthy": healthy, "checks": rows}, indent=2))
    else:
        _print_table(rows)
        print("healthy" if healthy else "UNHEALTHY")
    return 0 if healthy else 1


def _check_source(api: Any, kind: str, object_id: str) -> dict[str, Any]:
    from .tree import title_of

    try:
        obj = api.database(object_id) if kind == "database" else api.page(object_id)
        return {"source": object_id, "kind": kind, "title": title_of(obj), "status": "ok"}
    except NotionSyncError as error:
        return {"source": object_id, "kind": kind, "title": "", "status": f"error: {error}"}


def _print_table(rows: list[dict[str, Any]]) -> None:
    columns = ("source", "kind", "title", "status")
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))


def pull(settings: Settings, out: Path, fmt: str) -> int:
    """What a build would publish, written to a folder (or the raw Notion objects)."""
    pipeline = Pipeline(settings)
    try:
        outcome = pipeline.run()
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "json":
            assert outcome.tree is not None
            for page in outcome.tree.pages():
                cached = pipeline.cache.get_page(page.id)
                record = {"object": page.obj, "blocks": cached.blocks if cached else []}
                target = _inside(out, page.path[:-3] + ".json")
                target.write_text(
                    json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
                )
        else:
            for document in outcome.documents:
                _inside(out, document.path).write_bytes(document.file.read_bytes())
            for path, staged in outcome.extra_files.items():
                _inside(out, path).write_bytes(staged.read_bytes())
            for path, stored in outcome.assets.items():
                _inside(out, path).write_bytes(stored.read_bytes())
        print(pipeline.report.summary(), file=sys.stderr)
        return 0
    finally:
        pipeline.close()


def _inside(root: Path, relative: str) -> Path:
    """A path under root, created, and never outside it whatever the name says."""
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise ConfigError(f"refusing to write {relative} outside {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def cache_command(settings: Settings, action: str) -> int:
    pipeline = Pipeline(settings)
    try:
        if action == "clear":
            pipeline.cache.clear()
            print(f"cleared {settings.cache_dir}")
        else:
            stats = pipeline.cache.stats()
            print(f"cache: {settings.cache_dir}")
            for key, value in sorted(stats.items()):
                shown = human_bytes(value) if key.endswith("bytes") else str(value)
                print(f"  {key}: {shown}")
        return 0
    finally:
        pipeline.close()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mkdocs-notion-sync", description=__doc__.splitlines()[0])
    root.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        type=Path,
        help="MkDocs config (default ./mkdocs.yml)",
    )
    commands = root.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="verify the token, the API and every source")
    check_cmd.add_argument("--json", action="store_true", help="print JSON instead of a table")
    pull_cmd = commands.add_parser(
        "pull", help="write the Markdown and assets a build would publish"
    )
    pull_cmd.add_argument("--out", required=True, type=Path, help="folder to write into")
    pull_cmd.add_argument("--format", choices=("markdown", "json"), default="markdown")
    cache_cmd = commands.add_parser("cache", help="inspect or clear the cache")
    cache_cmd.add_argument("action", choices=("info", "clear"))
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    emulator = None
    try:
        settings, config = load_settings(args.config_file)
        emulator = _demo(settings, config)
        if args.command == "check":
            return check(settings, args.json)
        if args.command == "pull":
            return pull(settings, args.out, args.format)
        return cache_command(settings, args.action)
    except NotionSyncError as error:
        print(f"mkdocs-notion-sync: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    sys.exit(main())
