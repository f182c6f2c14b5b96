"""Bad option values fail the build with MkDocs' own config error naming the option."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.config import NotionSyncConfig, apply_env_overrides

from .support.sitebuild import collecting_logs, write_site

PAGE = "1f2e3d4c5b6a79881f2e3d4c5b6a7988"
DATABASE = "8a7b6c5d4e3f21008a7b6c5d4e3f2100"


def _load(tmp_path: Path, plugin: dict[str, Any]) -> MkDocsConfig:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    return load_config(str(write_site(tmp_path, plugin)))


def _error(tmp_path: Path, plugin: dict[str, Any]) -> str:
    """The one line MkDocs prints before "Aborted with a configuration error!"."""
    with collecting_logs() as records, pytest.raises(Abort):
        _load(tmp_path, plugin)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert "Traceback" not in errors[0]
    return errors[0]


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        ({"sources": [{"page": "not-an-id", "dest": "x"}]}, "option 'sources'"),
        ({"sources": [{"page": "not-an-id", "dest": "x"}]}, "is not a Notion id or URL"),
        ({"sources": [{"dest": "x"}]}, "exactly one of 'page' or 'database'"),
        ({"sources": [{"page": PAGE, "database": PAGE, "dest": "x"}]}, "exactly one of"),
        ({"sources": [{"page": PAGE}]}, "Sub-option 'dest'"),
        ({"sources": [{"page": PAGE, "dest": "../outside"}]}, "must be a folder inside the site"),
        ({"sources": [{"page": PAGE, "dest": "x", "filter": {}}]}, "apply to 'database' sources"),
        ({"sources": ["just-a-string"]}, "must be a mapping"),
        ({"concurrency": 0}, "option 'concurrency': must be between 1 and 64"),
        ({"rate_limit": "fast"}, "option 'rate_limit'"),
        ({"max_retries": -1}, "option 'max_retries'"),
        ({"on_error": "ignore"}, "option 'on_error'"),
        ({"poll_interval": -5}, "option 'poll_interval'"),
        ({"offline": "perhaps"}, "option 'offline'"),
        ({"sources": [{"page": PAGE, "dest": "x", "view": "Board"}]}, "apply to 'database'"),
        ({"sources": [{"database": DATABASE, "dest": "x", "view": " "}]}, "names a view"),
        ({"notion_version": "2022-06-28"}, "option 'notion_version'"),
        ({"notion_version": 20261201}, "option 'notion_version'"),
        ({"embeds": "frame"}, "option 'embeds'"),
        ({"stylesheet": "yes please"}, "option 'stylesheet'"),
        ({"cover": 3}, "option 'cover'"),
    ],
)
def test_bad_values_name_the_option(
    tmp_path: Path, plugin: dict[str, Any], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTION_SYNC_NOTION_VERSION", raising=False)  # a suite-wide override
    assert expected in _error(tmp_path, plugin)


def test_every_url_form_is_accepted_and_normalised(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        {
            "sources": [
                {"page": f"https://app.notion.com/p/Handbook-{PAGE}", "dest": "/handbook/"},
                {
                    "database": f"https://www.notion.so/acme/{DATABASE}?v=0123456789abcdef0123456789abcdef",
                    "dest": "log",
                },
            ]
        },
    )
    options = config.plugins["notion-sync"].config
    assert options.sources[0].page == "1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988"
    assert options.sources[0].dest == "handbook"
    assert options.sources[1].database == "8a7b6c5d-4e3f-2100-8a7b-6c5d4e3f2100"
    assert options.sources[1].view == "01234567-89ab-cdef-0123-456789abcdef", "?v= is the view"


def test_an_explicit_view_wins_over_the_urls(tmp_path: Path) -> None:
    url = f"https://www.notion.so/acme/{DATABASE}?v=0123456789abcdef0123456789abcdef"
    config = _load(tmp_path, {"sources": [{"database": url, "dest": "x", "view": "Board"}]})
    assert config.plugins["notion-sync"].config.sources[0].view == "Board"


def test_environment_wins_over_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    monkeypatch.setenv("NOTION_SYNC_CONCURRENCY", "9")
    monkeypatch.setenv("NOTION_SYNC_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("NOTION_SYNC_SOURCES", f"[{{page: {PAGE}, dest: env}}]")
    config = _load(
        tmp_path, {"offline": False, "concurrency": 2, "sources": [{"page": PAGE, "dest": "yml"}]}
    )
    options = config.plugins["notion-sync"].config
    assert options.offline is True
    assert options.concurrency == 9
    assert options.api_url == "http://127.0.0.1:9"
    assert options.sources[0].dest == "env"


def test_a_bad_environment_value_is_reported_like_a_config_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_RATE_LIMIT", "lots")
    assert "option 'rate_limit'" in _error(tmp_path, {"sources": []})


def test_every_option_has_an_environment_override() -> None:
    env = {f"NOTION_SYNC_{name.upper()}": "1" for name, _ in NotionSyncConfig._schema}
    assert set(apply_env_overrides({}, env)) == {name for name, _ in NotionSyncConfig._schema}
