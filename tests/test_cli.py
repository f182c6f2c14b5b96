"""`mkdocs-notion-sync check | pull | cache` against the emulator, in-process and as a program."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync.cli import main
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.local_http import serving
from .support.sitebuild import run_build, write_site
from .support.workspaces import GUIDE, ROOT, TOKEN, handbook

UNSHARED = "99999999-9999-4999-8999-999999999999"
TRASHED = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
WRONG_TOKEN = "secret_wrong_token_0123456789abcdef"
UNREACHABLE = "http://127.0.0.1:9"


def _workspace() -> dict[str, Any]:
    data = handbook()
    data["pages"].append({"id": UNSHARED, "title": "Private", "shared": False})
    data["pages"].append({"id": TRASHED, "title": "Old", "in_trash": True})
    return data


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(_workspace()) as emu:
        yield emu


def _config(root: Path, api_url: str, **options: Any) -> Path:
    plugin: dict[str, Any] = {
        "api_url": api_url,
        "sources": [{"page": ROOT, "dest": "handbook"}],
        "rate_limit": 1000,
    }
    plugin.update(options)
    return write_site(root, plugin)


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_error_line(err: str) -> str:
    """The whole of stderr is one `mkdocs-notion-sync: error: ...` line."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mkdocs-notion-sync: error: "), err
    assert "Traceback" not in err
    return lines[0]


# -- check ----------------------------------------------------------------------------


def test_check_prints_a_table_and_exits_0(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url)
    code, out, err = _run(capsys, "-f", config, "check")
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].split() == ["SOURCE", "KIND", "TITLE", "STATUS"]
    assert lines[-1] == "healthy"
    token_row = next(line for line in lines if line.startswith(emulator.url))
    assert "token" in token_row and "Notion Emulator" in token_row and " ms)" in token_row
    source_row = next(line for line in lines if line.startswith(ROOT))
    assert source_row.split() == [ROOT, "page", "Handbook", "ok"]
    assert any(" cache " in line and "0 pages" in line for line in lines)
    # A neat table: every column starts where its header does, no trailing spaces.
    status_at = lines[0].index("STATUS")
    assert all(line[status_at - 2 : status_at] == "  " for line in lines[:-1])
    assert all(line == line.rstrip() for line in lines)
    assert TOKEN not in out + err
    assert "HTTP Request" not in err


def test_check_json_lists_the_token_every_source_and_the_cache(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [{"page": ROOT, "dest": "handbook"}, {"page": GUIDE, "dest": "guide"}]
    config = _config(tmp_path, emulator.url, sources=sources)
    code, out, _err = _run(capsys, "-f", config, "check", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["healthy"] is True
    checks = report["checks"]
    assert [c["kind"] for c in checks] == ["token", "page", "page", "cache"]
    for entry in checks:
        assert {"source", "kind", "title", "status", "ok"} <= entry.keys()
    token, root, guide, cache = checks
    assert token["source"] == emulator.url and token["reachable"] is True
    assert isinstance(token["latency_ms"], float)
    assert (root["source"], root["title"], root["reachable"]) == (ROOT, "Handbook", True)
    assert (guide["source"], guide["title"], guide["ok"]) == (GUIDE, "Guide", True)
    assert cache["source"] == str((tmp_path / ".cache/plugin/notion-sync").resolve())


def test_check_reports_an_unshared_source_and_how_to_share_it(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [{"page": ROOT, "dest": "handbook"}, {"page": UNSHARED, "dest": "private"}]
    config = _config(tmp_path, emulator.url, sources=sources)
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith(UNSHARED))
    assert "error: Notion page" in row and UNSHARED in row.split("error:")[1]
    assert "share it with your integration" in row and "Connections" in row
    assert out.splitlines()[-1] == "UNHEALTHY"

    code, out, _err = _run(capsys, "-f", config, "check", "--json")
    assert code == 1
    checks = json.loads(out)["checks"]
    unshared = next(c for c in checks if c["source"] == UNSHARED)
    assert unshared["ok"] is False and unshared["reachable"] is False


def test_check_reports_a_source_in_the_trash(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url, sources=[{"page": TRASHED, "dest": "old"}])
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith(TRASHED))
    assert "trash" in row


def test_a_rejected_token_is_named_and_never_printed(
    tmp_path: Path,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTION_TOKEN", WRONG_TOKEN)
    config = _config(tmp_path, emulator.url)
    code, out, err = _run(capsys, "-f", config, "check")
    assert code == 1
    assert "401" in out and "NOTION_TOKEN" in out
    assert WRONG_TOKEN not in out + err and TOKEN not in out + err
    code, out, err = _run(capsys, "-f", config, "check", "--json")
    token_row = json.loads(out)["checks"][0]
    assert (token_row["ok"], token_row["reachable"]) == (False, True)
    assert WRONG_TOKEN not in out + err

    code, out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1
    line = _one_error_line(err)
    assert "rejected the token" in line and "NOTION_TOKEN" in line
    assert WRONG_TOKEN not in out + err


def test_a_missing_token_names_notion_token(
    tmp_path: Path,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NOTION_TOKEN")
    config = _config(tmp_path, emulator.url)
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    assert "no Notion token" in out and "NOTION_TOKEN" in out

    code, _out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1
    assert "NOTION_TOKEN" in _one_error_line(err)
    assert emulator.stats.total == 0


def test_an_unreachable_api_names_the_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, UNREACHABLE, max_retries=0, timeout=2)
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    assert f"cannot reach the Notion API at {UNREACHABLE}" in out
    code, out, _err = _run(capsys, "-f", config, "check", "--json")
    assert json.loads(out)["checks"][0]["reachable"] is False

    code, _out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1
    assert UNREACHABLE in _one_error_line(err)


class _Restricted(BaseHTTPRequestHandler):
    """The token works, but the integration may not read content: Notion's 403."""

    def do_GET(self) -> None:
        body: dict[str, Any]
        if self.path == "/v1/users/me":
            status, body = 200, {"object": "user", "id": "b0", "type": "bot", "name": "Bot"}
        else:
            status, body = (
                403,
                {
                    "object": "error",
                    "status": 403,
                    "code": "restricted_resource",
                    "message": "Insufficient permissions for this endpoint.",
                    "request_id": "req-403",
                },
            )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def restricted_api() -> Iterator[str]:
    """The emulator grants every capability, so a tiny server on 127.0.0.1 answers 403."""
    with serving(_Restricted) as url:
        yield url


def test_a_missing_capability_is_explained(
    tmp_path: Path, restricted_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, restricted_api, max_retries=0)
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith(ROOT))
    assert "lacks a capability" in row and "(403)" in row and "Read content" in row
    assert "req-403" in row

    code, _out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1
    assert "lacks a capability" in _one_error_line(err)


def test_offline_check_skips_the_api_and_needs_a_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, UNREACHABLE, offline=True)
    code, out, _err = _run(capsys, "-f", config, "check")
    assert code == 1
    assert "skipped (offline: true)" in out and "the cache is empty" in out


# -- configuration mistakes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"concurrency": 0}, "'concurrency'"),
        ({"rate_limit": "fast"}, "'rate_limit'"),
        ({"on_error": "explode"}, "'on_error'"),
        ({"sources": [{"page": "not-an-id", "dest": "x"}]}, "'sources'"),
    ],
)
def test_a_bad_option_value_is_one_line_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: dict[str, Any], named: str
) -> None:
    config = _config(tmp_path, UNREACHABLE, **options)
    code, out, err = _run(capsys, "-f", config, "check")
    assert code == 1 and out == ""
    assert named in _one_error_line(err)


def test_a_missing_mkdocs_yml_says_how_to_point_at_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = _run(capsys, "check")
    assert code == 1
    line = _one_error_line(err)
    assert "mkdocs.yml" in line and "-f" in line


def test_an_mkdocs_yml_without_the_plugin_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Plain\nplugins:\n  - search\n", encoding="utf-8")
    code, _out, err = _run(capsys, "-f", config, "cache", "info")
    assert code == 1
    assert "does not enable the notion-sync plugin" in _one_error_line(err)


def test_other_plugins_yaml_tags_do_not_get_in_the_way(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Material sites use `!!python/name:` and `!relative`; options may use `!ENV`."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Tags\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.snippets:\n"
        "      base_path: !relative $config_dir\n"
        "plugins:\n"
        "  - notion-sync:\n"
        f"      api_url: !ENV [CLI_TEST_API_URL, {UNREACHABLE}]\n"
        f"      sources: [{{page: {ROOT}, dest: handbook}}]\n",
        encoding="utf-8",
    )
    os.environ["CLI_TEST_API_URL"] = emulator.url
    try:
        code, out, err = _run(capsys, "-f", config, "check")
    finally:
        del os.environ["CLI_TEST_API_URL"]
    assert code == 0, out + err


def test_config_file_is_accepted_after_the_command_too(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url)
    code, out, _err = _run(capsys, "check", "-f", config)
    assert code == 0 and out.splitlines()[-1] == "healthy"
    code, out, _err = _run(capsys, "cache", "info", "--config-file", config)
    assert code == 0 and str(tmp_path) in out


def test_an_out_that_is_a_file_is_refused(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url)
    (tmp_path / "taken").write_text("x")
    code, _out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "taken")
    assert code == 1
    assert "--out" in _one_error_line(err)
    assert emulator.stats.total == 0


# -- pull -----------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_pull_writes_what_a_build_publishes(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _config(tmp_path / "built", emulator.url)
    site = run_build(built)
    assert site.error is None, site.messages()
    staged = _files(tmp_path / "built/.cache/plugin/notion-sync/site")
    stylesheet = staged.pop("assets/notion-sync.css")

    config = _config(tmp_path / "pulled", emulator.url)
    out = tmp_path / "export"
    code, stdout, err = _run(capsys, "-f", config, "pull", "--out", out)
    assert code == 0, err
    assert "notion-sync: 6 pages (0 cached, 6 fetched)" in err
    assert "X-Amz-Signature" not in stdout + err  # httpx's request log stays quiet
    written = _files(out)
    pages = {path: data for path, data in written.items() if path.endswith(".md")}
    assert pages == staged
    assert written["assets/notion-sync.css"] == stylesheet  # for generators without the plugin
    assert (site.site / "assets/notion-sync.css").read_bytes() == stylesheet
    assert {
        "handbook/index.md",
        "handbook/guide/index.md",
        "handbook/guide/set-up.md",
        "handbook/faq.md",
    } <= pages.keys()
    images = [path for path in written if path.startswith("assets/notion/")]
    assert len(images) == 1 and images[0].endswith(".png")
    assert written[images[0]].startswith(b"\x89PNG")
    assert f"](../{images[0]})" in pages["handbook/index.md"].decode()
    for path, data in written.items():
        assert b"X-Amz-Signature" not in data, path
    # The same site: every pulled page became an HTML page of the build.
    for path in pages:
        html = path[:-3] + "/index.html" if not path.endswith("index.md") else path[:-2] + "html"
        assert (site.site / html).is_file(), html


def test_pull_json_writes_each_pages_raw_object_and_blocks(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url)
    out = tmp_path / "raw"
    code, _out, err = _run(capsys, "-f", config, "pull", "--out", out, "--format", "json")
    assert code == 0, err
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [
        "handbook/faq.json",
        "handbook/guide/index.json",
        "handbook/guide/set-up.json",
        "handbook/index.json",
        "handbook/notes-666666.json",
        "handbook/notes.json",
    ]
    record = json.loads((out / "handbook/index.json").read_text(encoding="utf-8"))
    assert record["object"]["object"] == "page" and record["object"]["id"] == ROOT
    types = [block["type"] for block in record["blocks"]]
    assert types[:2] == ["paragraph", "heading_1"] and "image" in types
    setup = json.loads((out / "handbook/guide/set-up.json").read_text(encoding="utf-8"))
    assert setup["blocks"][0]["paragraph"]["rich_text"][0]["plain_text"] == "Install the thing."


def test_pull_draws_a_bar_on_a_terminal(
    tmp_path: Path,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    config = _config(tmp_path, emulator.url)
    assert main(["-f", str(config), "pull", "--out", str(tmp_path / "out")]) == 0
    text = terminal.getvalue()
    assert "\r" in text and "6/6 pages" in text and "[########################]" in text
    # Warnings clear the bar's line first; the summary starts on a fresh line.
    assert "\rWARNING: " not in text
    assert "\nnotion-sync: 6 pages (0 cached, 6 fetched)" in text


# -- cache ----------------------------------------------------------------------------


def _cache_counts(out: str) -> dict[str, str]:
    return dict(
        line.strip().split(": ", 1) for line in out.splitlines()[1:] if ": " in line.strip()
    )


def test_cache_info_and_clear(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, emulator.url)
    cache_dir = (tmp_path / ".cache/plugin/notion-sync").resolve()
    code, out, _err = _run(capsys, "-f", config, "cache", "info")
    assert code == 0 and "empty" in out
    assert not cache_dir.exists()  # looking does not create it

    assert _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")[0] == 0
    code, out, _err = _run(capsys, "-f", config, "cache", "info")
    assert code == 0
    assert out.splitlines()[0] == f"cache: {cache_dir}"
    counts = _cache_counts(out)
    assert counts["page"] == "6" and counts["asset_files"] == "1"
    assert counts["asset_bytes"].endswith(" B")

    code, out, _err = _run(capsys, "-f", config, "cache", "clear")
    assert (code, out.strip()) == (0, f"cleared {cache_dir}")
    code, out, _err = _run(capsys, "-f", config, "cache", "info")
    counts = _cache_counts(out)
    assert "page" not in counts and counts["asset_files"] == "0"
    assert not (cache_dir / "site").exists()

    emulator.stats.reset()
    code, _out, err = _run(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 0 and "6 pages (0 cached, 6 fetched)" in err


# -- the installed program --------------------------------------------------------------


def _program() -> list[str]:
    script = shutil.which("mkdocs-notion-sync", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "mkdocs_notion_sync.cli"]


def test_the_console_script_runs_check(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, emulator.url)
    env = {**os.environ, "NOTION_TOKEN": TOKEN}
    result = subprocess.run(
        [*_program(), "-f", str(config), "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "healthy"
    assert ROOT in result.stdout
    assert "HTTP Request" not in result.stderr


def test_python_dash_m_reports_a_bad_token_in_one_line(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, emulator.url)
    env = {**os.environ, "NOTION_TOKEN": WRONG_TOKEN}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_notion_sync.cli", "-f", str(config), "pull", "--out", "x"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "NOTION_TOKEN" in _one_error_line(result.stderr)
    assert WRONG_TOKEN not in result.stdout + result.stderr
