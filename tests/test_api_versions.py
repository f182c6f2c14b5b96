"""The `notion_version` option and what API 2026-12-01 changes for a build (#22)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync import settings
from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import collecting_logs, run_build, write_site

ROOT = "c1c1c1c1-0000-4000-8000-000000000001"
DB = "c1c1c1c1-0000-4000-8000-000000000002"
NAMELESS = "c1c1c1c1-0000-4000-8000-0000000000a1"
NAMED = "c1c1c1c1-0000-4000-8000-0000000000a2"


def workspace() -> dict[str, Any]:
    return {
        "seed": "versions",
        "users": [
            {"id": NAMED, "name": "Grace Hopper", "email": "grace@example.org"},
            {"id": NAMELESS, "name": None, "email": "quiet@example.org"},
        ],
        "pages": [
            {
                "id": ROOT,
                "title": "Team",
                "comments": [{"text": "From someone nameless", "user": NAMELESS}],
                "blocks": [
                    {"paragraph": ["Ask ", {"mention": {"user": NAMELESS}}, "."]},
                    {
                        "database": {
                            "id": DB,
                            "title": "People",
                            "properties": {
                                "Name": "title",
                                "Who": "people",
                                "Level": {"type": "select", "options": ["Junior", "Senior"]},
                                "Score": "number",
                            },
                            "entries": [
                                {
                                    "title": "Pairing",
                                    "properties": {
                                        "Who": [NAMELESS, NAMED],
                                        "Level": "Senior",
                                        "Score": 7,
                                    },
                                }
                            ],
                        }
                    },
                ],
            }
        ],
    }


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.delenv("NOTION_SYNC_NOTION_VERSION", raising=False)  # these tests choose
    with emulate(workspace()) as emu:
        yield emu


def _yaml_site(tmp_path: Path, emulator: Emulator, version_line: str) -> Path:
    """mkdocs.yml written by hand, so `notion_version: 2026-12-01` stays unquoted."""
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    extensions = yaml.safe_dump({"markdown_extensions": MARKDOWN_EXTENSIONS})
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Versions\ntheme: {name: material}\nplugins:\n  - search\n"
        f"  - notion-sync:\n      api_url: {emulator.url}\n      rate_limit: 1000\n"
        f"      {version_line}\n      sources:\n        - page: {ROOT}\n          dest: team\n"
        + extensions,
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("version", ["2025-09-03", "2026-03-11", "2026-12-01"])
def test_an_unquoted_version_is_a_date_in_yaml_and_is_accepted(
    tmp_path: Path, emulator: Emulator, version: str
) -> None:
    assert not isinstance(yaml.safe_load(f"v: {version}")["v"], str), "YAML reads a date"
    site = run_build(_yaml_site(tmp_path, emulator, f"notion_version: {version}"), strict=True)
    assert site.error is None, site.messages()
    assert set(emulator.stats.versions) == {version}, emulator.stats.versions


@pytest.mark.parametrize("line", ["notion_version: 2024-01-01", "notion_version: latest"])
def test_an_unknown_version_is_a_config_error_naming_the_option(
    tmp_path: Path, emulator: Emulator, line: str
) -> None:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    with collecting_logs() as records, pytest.raises(Abort):
        load_config(str(_yaml_site(tmp_path, emulator, line)))
    (said,) = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert "option 'notion_version'" in said and "2026-12-01" in said, said
    assert "Traceback" not in said and emulator.stats.total == 0


def test_the_default_version_and_the_environment(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = {"api_url": emulator.url, "rate_limit": 1000, "sources": [{"page": ROOT, "dest": "t"}]}
    site = run_build(write_site(tmp_path / "a", plugin))
    assert site.error is None
    assert set(emulator.stats.versions) == {settings.DEFAULT_NOTION_VERSION}
    emulator.stats.reset()
    monkeypatch.setenv("NOTION_SYNC_NOTION_VERSION", "2025-09-03")
    site = run_build(write_site(tmp_path / "b", plugin))
    assert site.error is None
    assert set(emulator.stats.versions) == {"2025-09-03"}


@pytest.mark.parametrize("version", ["2025-09-03", "2026-12-01"])
def test_entries_keep_every_property_and_nameless_people_show_no_none(
    tmp_path: Path, emulator: Emulator, version: str
) -> None:
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "notion_version": version,
        "comments": True,
        "sources": [{"page": ROOT, "dest": "team"}],
    }
    site = run_build(write_site(tmp_path, plugin), strict=True)
    assert site.error is None, site.messages()
    entry = site.html("team/people/pairing/index.html")
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[1].get_text(" ", strip=True)
        for tr in entry.select("article .notion-properties tbody tr")
    }
    assert rows["Level"] == "Senior" and rows["Score"] == "7", "not the titles alone"
    assert "Grace Hopper" in rows["Who"] and not rows["Who"].startswith(",")
    if version == "2026-12-01":
        assert rows["Who"] == "(no name), Grace Hopper"
    for path in ("team/index.html", "team/people/pairing/index.html", "team/people/index.html"):
        assert "None" not in site.html(path).find("article").get_text(), path
    assert "From someone nameless" in site.html("team/index.html").get_text()
