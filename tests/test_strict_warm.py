"""`mkdocs build --strict` judges a warm build as it judged the cold one: every warning
the cold build printed about the content is printed again when the cache serves it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import OUTSIDE, ROOT, handbook

DEEP = "d0d0d0d0-0000-4000-8000-000000000001"
EMBEDDED = "e0e0e0e0-0000-4000-8000-000000000001"


def _nested(levels: int) -> dict[str, Any]:
    """A list item `levels` deep: past the walk's nesting limit of 64."""
    block: dict[str, Any] = {"bulleted_list_item": f"level {levels}"}
    for level in range(levels - 1, 0, -1):
        block = {"bulleted_list_item": f"level {level}", "children": [block]}
    return block


def _workspace(*blocks: Any, extra_pages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "seed": "strict",
        "pages": [
            {"id": ROOT, "title": "Root", "blocks": [{"paragraph": "Top."}, *blocks]},
            *(extra_pages or []),
        ],
    }


DEEP_TREE = _workspace({"page": {"id": DEEP, "title": "Deep", "blocks": [_nested(70)]}})
UNSUPPORTED = _workspace({"id": "f0f0f0f0-0000-4000-8000-000000000001", "type": "form", "form": {}})
OUTSIDE_LINK = _workspace(
    {"paragraph": [{"text": "elsewhere", "link": f"https://www.notion.so/x-{'7' * 32}"}]},
    extra_pages=[{"id": OUTSIDE, "title": "Outside", "blocks": ["Not synced."]}],
)
UNREACHABLE_IMAGE = _workspace({"image": {"external": "http://127.0.0.1:9/missing.png"}})
EMBEDDED_DEEP = {
    "seed": "strict-embed",
    "pages": [
        {"id": ROOT, "title": "Root", "blocks": ["Top."]},
        {"id": EMBEDDED, "title": "Embedded", "blocks": [_nested(70)]},
    ],
}

KINDS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    # (workspace, plugin options, what the warning says)
    "nesting-cut-off": (DEEP_TREE, {}, "nested deeper than 64 levels"),
    "nesting-cut-off-in-an-embed": (EMBEDDED_DEEP, {}, "nested deeper than 64 levels"),
    "unsupported-block": (UNSUPPORTED, {}, "unsupported"),
    "link-outside-the-sources": (OUTSIDE_LINK, {}, "not part of the synced sources"),
    "file-over-the-size-cap": (handbook(), {"max_asset_size": 0.00001}, "larger than the"),
    "external-file-not-downloadable": (UNREACHABLE_IMAGE, {"download_external": True}, "missing"),
}


def _ours(site: BuiltSite) -> list[str]:
    return sorted(w for w in site.warnings() if w.startswith("notion-sync: "))


def _site(tmp_path: Path, url: str, options: dict[str, Any], embed: bool) -> Path:
    plugin = {
        "api_url": url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "root"}],
        **options,
    }
    docs = {"index.md": "# Home\n\nHand-written.\n"}
    if embed:
        docs["embed.md"] = f"# Embed\n\n<!-- notion: {EMBEDDED} -->\n"
    return write_site(tmp_path, plugin, docs=docs)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_warm_strict_build_fails_with_the_warnings_of_the_cold_one(
    tmp_path: Path, kind: str
) -> None:
    workspace, options, says = KINDS[kind]
    with emulate(workspace) as emu:
        config = _site(tmp_path, emu.url, options, embed="embed" in kind)
        cold = run_build(config, strict=True)
        warm = run_build(config, strict=True)
    assert cold.error is not None, cold.messages()
    assert any(says in w for w in _ours(cold)), _ours(cold)
    assert warm.error is not None, warm.messages(logging.INFO)
    assert _ours(warm) == _ours(cold)


def test_an_offline_build_replays_the_warnings_of_the_pages_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with emulate(DEEP_TREE) as emu:
        config = _site(tmp_path, emu.url, {}, embed=False)
        cold = run_build(config, strict=True)
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    offline = run_build(config, strict=True)
    assert cold.error is not None and offline.error is not None
    deep = [w for w in _ours(offline) if "nested deeper" in w]
    assert deep == [w for w in _ours(cold) if "nested deeper" in w] != []
    assert 'page "Deep"' in deep[0], deep  # the line names the page to fix


def test_a_page_that_stops_warning_stops_failing_strict(tmp_path: Path) -> None:
    """Replayed warnings belong to the cached copy: an edit that fixes the page clears them."""
    with emulate(DEEP_TREE) as emu:
        config = _site(tmp_path, emu.url, {}, embed=False)
        assert run_build(config, strict=True).error is not None
        emu.workspace.delete_block(emu.workspace.children_of(DEEP)[0])
        fixed = run_build(config, strict=True)
    assert fixed.error is None, _ours(fixed)


def test_a_build_serving_cached_copies_while_notion_is_down_replays_them(
    tmp_path: Path,
) -> None:
    with emulate(DEEP_TREE) as emu:
        config = _site(tmp_path, emu.url, {"on_error": "warn", "max_retries": 0}, embed=False)
        cold = run_build(config, strict=True)
        emu.workspace.set_text(emu.workspace.children_of(ROOT)[0], "Edited: fetched again.")
        emu.faults.error_rate = 1.0
        emu.faults.error_statuses = (503,)
        degraded = run_build(config, strict=True)
    deep = [w for w in _ours(cold) if "nested deeper" in w]
    assert deep and [w for w in _ours(degraded) if "nested deeper" in w] == deep
    assert any("cached" in w for w in _ours(degraded)), _ours(degraded)
