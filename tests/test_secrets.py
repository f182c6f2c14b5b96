"""Secrets never reach a message: the token (whole, or any line of a token pasted with a
line break) and the user:password of `api_url` are redacted from every log line, error,
`check` table and `check --json`; a token with whitespace inside is refused up front;
a token written into mkdocs.yml gets a WARNING recommending `!ENV`."""

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
from .support.sitebuild import BuiltSite, collecting_logs, run_build, write_site
from .support.workspaces import ROOT, TOKEN, handbook

UNREACHABLE = "127.0.0.1:9"
PLAIN = {"pages": [{"id": ROOT, "title": "Handbook", "blocks": [{"paragraph": "Hello."}]}]}
"""A workspace a strict build passes on (the handbook links outside the sources)."""
HALVES = ("secret_first_half_0123456789", "second_half_abcdefghijkl")


def _site(root: Path, plugin_yaml: str) -> Path:
    """A project whose plugin options are written as YAML text (for `!ENV`)."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Secrets\nplugins:\n  - notion-sync:\n"
        + "".join(f"      {line}\n" for line in plugin_yaml.strip().splitlines()),
        encoding="utf-8",
    )
    return config


def _cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _everything(site: BuiltSite) -> str:
    return "\n".join([*site.messages(), str(site.error or "")])


# -- a token with whitespace inside ---------------------------------------------------


@pytest.mark.parametrize("gap", ["\n", "\r\n", " ", "\t"])
def test_a_token_with_whitespace_inside_is_refused_in_one_line_that_hides_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    gap: str,
) -> None:
    monkeypatch.setenv("NOTION_TOKEN", gap.join(HALVES))
    config = _site(
        tmp_path,
        f"api_url: http://{UNREACHABLE}\nmax_retries: 0\n"
        f"sources: [{{page: {ROOT}, dest: handbook}}]",
    )
    site = run_build(config)
    assert site.error is not None
    errors = [m for m in site.messages(logging.ERROR) if "notion-sync" in m]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    assert "NOTION_TOKEN" in errors[0] and "whitespace" in errors[0]
    for half in HALVES:
        assert half not in _everything(site)

    for command in (["check"], ["check", "--json"], ["pull", "--out", tmp_path / "out"]):
        code, out, err = _cli(capsys, "-f", config, *command)
        assert code == 1
        assert err.count("\n") == 1 and "whitespace" in err, err
        for half in HALVES:
            assert half not in out + err


@pytest.mark.parametrize("odd", ["\x07", "é", "\u200b"])
def test_a_token_with_characters_no_header_can_carry_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    monkeypatch.setenv("NOTION_TOKEN", odd.join(HALVES))
    config = _site(tmp_path, f"api_url: http://{UNREACHABLE}\nsources: [{{page: {ROOT}, dest: x}}]")
    code, out, err = _cli(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1 and err.count("\n") == 1, err
    assert "NOTION_TOKEN" in err and "characters a Notion token never has" in err
    assert "Traceback" not in err and "unexpected" not in err
    for half in HALVES:
        assert half not in out + err


def test_a_token_option_with_whitespace_is_a_config_error_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASTED_TOKEN", "\n".join(HALVES))
    config = _site(
        tmp_path, f"token: !ENV PASTED_TOKEN\nsources: [{{page: {ROOT}, dest: handbook}}]"
    )
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    with collecting_logs() as records, pytest.raises(Abort):
        load_config(str(config))
    logged = "\n".join(r.getMessage() for r in records)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "option 'token'" in errors[0], errors
    assert "whitespace" in errors[0]
    code, out, err = _cli(capsys, "-f", config, "check")
    assert code == 1 and "option 'token'" in err
    for half in HALVES:
        assert half not in logged + out + err


def test_whitespace_around_a_token_is_only_a_pasting_artefact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_TOKEN", f"  {TOKEN}\n")
    with emulate(handbook()) as emu:
        config = _site(tmp_path, f"api_url: {emu.url}\nsources: [{{page: {ROOT}, dest: handbook}}]")
        code, out, err = _cli(capsys, "-f", config, "check")
    assert code == 0, out + err


# -- user:password in api_url ----------------------------------------------------------


@pytest.mark.parametrize(
    ("userinfo", "hidden"),
    [
        ("alice:hunter2secret", ["alice:hunter2secret", "hunter2secret"]),
        ("tok%3Aen:p%40ss-word-long", ["p%40ss-word-long", "p@ss-word-long"]),
        ("only-a-long-username-token", ["only-a-long-username-token"]),
    ],
)
def test_api_url_credentials_never_appear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], userinfo: str, hidden: list[str]
) -> None:
    config = _site(
        tmp_path,
        f"api_url: http://{userinfo}@{UNREACHABLE}\nmax_retries: 0\ntimeout: 2\n"
        f"sources: [{{page: {ROOT}, dest: handbook}}]",
    )
    site = run_build(config)
    assert site.error is not None
    errors = [m for m in site.messages(logging.ERROR) if "notion-sync" in m]
    assert len(errors) == 1 and "cannot reach the Notion API at http://***@127.0.0.1:9" in errors[0]

    code, table, err = _cli(capsys, "-f", config, "check")
    assert code == 1 and "http://***@127.0.0.1:9" in table
    code, report, err_json = _cli(capsys, "-f", config, "check", "--json")
    checks = json.loads(report)["checks"]
    assert checks[0]["source"] == "http://***@127.0.0.1:9"
    code, _out, err_pull = _cli(capsys, "-f", config, "pull", "--out", tmp_path / "out")
    assert code == 1 and "http://***@127.0.0.1:9" in err_pull
    for secret in hidden:
        assert secret not in _everything(site) + table + err + report + err_json + err_pull


def test_every_log_line_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter sits on the one logger, so warnings and info lines from any stage
    (the poller's "change check failed (...)", a retry notice) are covered."""
    from mkdocs_notion_sync.log import log, redact

    redact.add_token("\n".join(HALVES))
    with collecting_logs() as records:
        log.warning("change check failed (Bearer %s); next try in 60s", "\n".join(HALVES))
        log.warning("header %r refused", f"Bearer {chr(10).join(HALVES)}")
        log.info("retrying http://bob:pa55word-long@api.example.com/v1/search")
    shown = [r.getMessage() for r in records if r.name == "mkdocs.plugins.notion-sync"]
    assert shown == [
        "notion-sync: change check failed (Bearer ***); next try in 60s",
        "notion-sync: header 'Bearer ***\\n***' refused",
        "notion-sync: retrying http://***@api.example.com/v1/search",
    ]


# -- a token written in mkdocs.yml -----------------------------------------------------


def _token_warnings(site: BuiltSite) -> list[str]:
    return [w for w in site.warnings() if "!ENV" in w]


@pytest.mark.parametrize(
    "token_yaml",
    [f"token: {TOKEN}", f"token: !ENV [NOT_SET_ANYWHERE, {TOKEN}]"],
)
def test_a_token_written_in_mkdocs_yml_gets_a_warning_recommending_env(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    token_yaml: str,
) -> None:
    monkeypatch.delenv("NOTION_TOKEN")
    with emulate(handbook()) as emu:
        config = _site(
            tmp_path,
            f"{token_yaml}\napi_url: {emu.url}\nrate_limit: 1000\n"
            f"sources: [{{page: {ROOT}, dest: handbook}}]",
        )
        site = run_build(config)
        code, _out, err = _cli(capsys, "-f", config, "check")
    assert site.error is None, site.messages()
    warned = _token_warnings(site)
    assert len(warned) == 1 and "mkdocs.yml" in warned[0], site.warnings()
    assert TOKEN not in _everything(site)
    assert code == 0 and "!ENV" in err and TOKEN not in err


@pytest.mark.parametrize("how", ["env-tag", "override", "notion-token"])
def test_a_token_from_the_environment_gets_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("MY_NOTION_SECRET", TOKEN)
    token_yaml = {"env-tag": "token: !ENV MY_NOTION_SECRET", "override": "", "notion-token": ""}
    if how == "override":
        monkeypatch.setenv("NOTION_SYNC_TOKEN", TOKEN)
    with emulate(PLAIN) as emu:
        config = _site(
            tmp_path,
            f"{token_yaml[how]}\napi_url: {emu.url}\nrate_limit: 1000\n"
            f"sources: [{{page: {ROOT}, dest: handbook}}]",
        )
        site = run_build(config, strict=True)
    assert site.error is None, site.messages()
    assert _token_warnings(site) == []


def test_plugin_errors_are_redacted_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PluginError that quotes the API root (here: the circuit of an API that is down)
    goes through the same redaction as log lines."""
    plugin: dict[str, Any] = {
        "api_url": "https://carol:long-password-9@127.0.0.1:9",
        "max_retries": 0,
        "sources": [{"page": ROOT, "dest": "handbook"}],
    }
    site = run_build(write_site(tmp_path, plugin))
    assert "long-password-9" not in _everything(site)
    assert "https://***@127.0.0.1:9" in str(site.error) + _everything(site)
