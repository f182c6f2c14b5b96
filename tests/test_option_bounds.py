"""Options that point somewhere are checked before anything runs: `api_url` is http(s)
with a host, `metrics_file` stays inside site_dir (and a path that cannot be written is
one line), `cache_dir` is neither empty nor inside (or around) docs_dir or site_dir;
`NOTION_SYNC_*` values are read by the option's type."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.cli import main

from .support.emulators import emulate
from .support.sitebuild import collecting_logs, run_build, write_site
from .support.workspaces import ROOT

PLAIN = {"pages": [{"id": ROOT, "title": "Handbook", "blocks": [{"paragraph": "Hello."}]}]}
SOURCES = [{"page": ROOT, "dest": "handbook"}]


def _load(tmp_path: Path, plugin: dict[str, Any]) -> Any:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    return load_config(str(write_site(tmp_path, plugin))).plugins["notion-sync"].config


def _config_error(tmp_path: Path, plugin: dict[str, Any]) -> str:
    """The one line MkDocs prints before "Aborted with a configuration error!"."""
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    config = write_site(tmp_path, plugin)
    with collecting_logs() as records, pytest.raises(Abort):
        load_config(str(config))
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return errors[0]


def _build_error(tmp_path: Path, plugin: dict[str, Any], **site: Any) -> str:
    """The one `notion-sync:` line a failed build prints (no traceback)."""
    built = run_build(write_site(tmp_path, plugin, **site))
    assert built.error is not None, built.messages()
    errors = [m for m in built.messages(logging.ERROR) if "notion-sync" in m]
    assert len(errors) == 1 and "\n" not in errors[0], built.messages(logging.ERROR)
    assert "Traceback" not in "\n".join(built.messages())
    return errors[0]


# -- api_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "api_url",
    [
        "ftp://api.notion.com",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "api.notion.com",
        "http://",
        "https://:443/v1",
        "",
        "http://api.notion.com:99999",
        "http://api.notion .com",
        "http://api.notion.com/\nInjected: header",
    ],
)
def test_an_api_url_that_is_not_http_with_a_host_is_a_config_error(
    tmp_path: Path, api_url: str
) -> None:
    error = _config_error(tmp_path, {"api_url": api_url, "sources": SOURCES})
    assert "option 'api_url'" in error


def test_an_api_url_error_does_not_quote_its_credentials(tmp_path: Path) -> None:
    error = _config_error(
        tmp_path, {"api_url": "ftp://deploy:hunter2-long-secret@files.example.com"}
    )
    assert "option 'api_url'" in error and "hunter2-long-secret" not in error


@pytest.mark.parametrize(
    "api_url", ["https://api.notion.com", "http://127.0.0.1:8765", "https://proxy.example/notion/"]
)
def test_http_api_urls_with_a_host_are_accepted(tmp_path: Path, api_url: str) -> None:
    assert _load(tmp_path, {"api_url": api_url}).api_url == api_url


# -- metrics_file --------------------------------------------------------------------


@pytest.mark.parametrize(
    "metrics_file",
    [
        "../metrics.json",
        "/tmp/metrics.json",
        "reports/../../metrics.json",
        "",
        "reports/",
        "C:/m.json",
    ],
)
def test_a_metrics_file_outside_site_dir_is_a_config_error(
    tmp_path: Path, metrics_file: str
) -> None:
    error = _config_error(tmp_path, {"metrics_file": metrics_file, "sources": SOURCES})
    assert "option 'metrics_file'" in error and "inside site_dir" in error


def test_a_metrics_file_in_a_sub_folder_is_written_there(tmp_path: Path) -> None:
    with emulate(PLAIN) as emu:
        plugin = {
            "api_url": emu.url,
            "rate_limit": 1000,
            "sources": SOURCES,
            "metrics_file": "reports/./notion.json",
        }
        built = run_build(write_site(tmp_path, plugin))
    assert built.error is None, built.messages()
    assert json.loads((built.site / "reports/notion.json").read_text())["pages_total"] == 1


@pytest.mark.parametrize(
    ("metrics_file", "docs"),
    [
        ("index.html/metrics.json", None),  # a folder where the home page is a file
        ("assets", None),  # the theme's folder, not a file
        ("handbook", None),  # the folder of a Notion source
    ],
)
def test_a_metrics_file_that_cannot_be_written_is_one_line(
    tmp_path: Path, metrics_file: str, docs: dict[str, str] | None
) -> None:
    with emulate(PLAIN) as emu:
        plugin = {
            "api_url": emu.url,
            "rate_limit": 1000,
            "sources": SOURCES,
            "metrics_file": metrics_file,
        }
        error = _build_error(tmp_path, plugin, docs=docs)
    assert "metrics_file" in error and metrics_file in error


# -- cache_dir -----------------------------------------------------------------------


@pytest.mark.parametrize("cache_dir", ["", "   "])
def test_an_empty_cache_dir_is_a_config_error(tmp_path: Path, cache_dir: str) -> None:
    error = _config_error(tmp_path, {"cache_dir": cache_dir, "sources": SOURCES})
    assert "option 'cache_dir'" in error


@pytest.mark.parametrize(
    ("cache_dir", "site_dir", "problem"),
    [
        ("site/.cache", None, "inside site_dir"),
        ("public/notion", "public", "inside site_dir"),
        ("docs/.cache", None, "inside docs_dir"),
        (".", None, "must not contain"),  # mkdocs.yml's folder holds docs/ and site/
        ("..", None, "must not contain"),
    ],
)
def test_a_cache_dir_sharing_a_folder_with_the_site_is_one_line(
    tmp_path: Path, cache_dir: str, site_dir: str | None, problem: str
) -> None:
    project = tmp_path / "project"
    extra = {"site_dir": site_dir} if site_dir else None
    plugin = {"cache_dir": cache_dir, "sources": SOURCES, "offline": True}
    error = _build_error(project, plugin, extra=extra)
    assert "cache_dir" in error and problem in error


def test_the_command_line_checks_cache_dir_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_site(tmp_path, {"cache_dir": "site/cache", "sources": SOURCES})
    code = main(["-f", str(config), "cache", "info"])
    err = capsys.readouterr().err
    assert code == 1 and "inside site_dir" in err and err.count("\n") == 1


# -- NOTION_SYNC_* by the option's type -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("cache_dir", "2024", "2024"),  # a folder name, not a number
        ("cache_dir", "~", "~"),  # not YAML's null
        ("cache_dir", "yes", "yes"),  # not YAML's true
        ("metrics_file", "2024.10", "2024.10"),  # not a float
        ("on_error", "warn", "warn"),
        ("token", "secret_0123456789abcdef", "secret_0123456789abcdef"),
        ("offline", "TRUE", True),
        ("offline", "off", False),
        ("concurrency", " 8 ", 8),
        ("rate_limit", "1e3", 1000.0),  # YAML 1.1 reads this as a string
        ("timeout", "2", 2.0),
    ],
)
def test_environment_values_are_read_by_the_options_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str, expected: Any
) -> None:
    monkeypatch.setenv(f"NOTION_SYNC_{name.upper()}", raw)
    assert _load(tmp_path, {"sources": SOURCES})[name] == expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [("offline", "perhaps"), ("concurrency", "4.5"), ("rate_limit", "inf"), ("sources", "{x")],
)
def test_a_bad_environment_value_is_the_options_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    monkeypatch.setenv(f"NOTION_SYNC_{name.upper()}", raw)
    assert f"option '{name}'" in _config_error(tmp_path, {"sources": SOURCES})
