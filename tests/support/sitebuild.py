"""Build real MkDocs sites in a temporary folder and read what a visitor would see."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException

from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS


@dataclass
class BuiltSite:
    root: Path
    site: Path
    logs: list[logging.LogRecord] = field(default_factory=list)
    error: Exception | None = None

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / path).read_text(encoding="utf-8"), "html.parser")

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        return [r.getMessage() for r in self.logs if r.levelno >= level]

    def warnings(self) -> list[str]:
        return [
            r.getMessage()
            for r in self.logs
            if r.levelno >= logging.WARNING and r.name.startswith("mkdocs.plugins.")
        ]

    def summary(self) -> str:
        lines = [
            m for m in self.messages(logging.INFO) if re.match(r"notion-sync: \d+ pages \(", m)
        ]
        assert lines, f"no summary line in {self.messages(logging.INFO)}"
        return lines[-1]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def collecting_logs() -> Iterator[list[logging.LogRecord]]:
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def write_site(
    root: Path,
    plugin: dict[str, Any],
    *,
    docs: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    plugins_before: list[Any] | None = None,
) -> Path:
    """A project folder with mkdocs.yml (material theme) and docs/."""
    docs_dir = root / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (docs or {"index.md": "# Home\n\nHand-written home page.\n"}).items():
        (docs_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (docs_dir / name).write_text(text, encoding="utf-8")
    config: dict[str, Any] = {
        "site_name": "Test site",
        "theme": {"name": "material"},
        "plugins": [*(plugins_before or ["search"]), {"notion-sync": plugin}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    config.update(extra or {})
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def run_build(config_file: Path, *, strict: bool = False, command: str = "build") -> BuiltSite:
    """`mkdocs build` in-process, as the CLI runs it (startup, build, shutdown)."""
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    root = config_file.parent
    result = BuiltSite(root=root, site=root / "site")
    with collecting_logs() as records:
        cfg = load_config(str(config_file), strict=strict)
        cfg.plugins.on_startup(command=command, dirty=False)  # type: ignore[arg-type]
        try:
            build(cfg)
        except (Abort, MkDocsException) as error:
            result.error = error
        finally:
            cfg.plugins.on_shutdown()
    result.logs = records
    return result
