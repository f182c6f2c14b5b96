"""Real recorded Notion pages, served by the emulator and built by a real `mkdocs build`."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import ROOT, TOKEN
from .test_render_support import CORPUS, load_corpus_page

pytestmark = pytest.mark.skipif(
    not (CORPUS / "misc").is_dir(), reason=f"Notion recordings not found at {CORPUS}"
)


def _servable(block: dict[str, Any]) -> dict[str, Any]:
    """The recording as the emulator takes it: signed S3 URLs (long expired) become
    files the emulator hosts itself, under the same names."""
    block = copy.deepcopy(block)
    for key in ("object", "parent", "created_by", "last_edited_by", "has_children"):
        block.pop(key, None)
    kind = block.get("type")
    payload = block.get(kind) if isinstance(kind, str) else None
    if isinstance(payload, dict) and payload.get("type") == "file":
        url = str(payload["file"].get("url", ""))
        name = url.split("?")[0].rsplit("/", 1)[-1] or "file.png"
        payload["file"] = {"generate": "png", "name": name}
    if kind == "synced_block" and isinstance(payload, dict) and payload.get("synced_from"):
        block.pop("children", None)  # a reference: the emulator serves the original's
    if kind == "child_page":
        return {"paragraph": f"(child page: {payload.get('title') if payload else ''})"}
    if isinstance(block.get("children"), list):
        block["children"] = [_servable(child) for child in block["children"]]
    return block


def _build(tmp_path: Path, name: str) -> BuiltSite:
    blocks = [_servable(block) for block in load_corpus_page(name)]
    workspace = {"pages": [{"id": ROOT, "title": "Recorded page", "blocks": blocks}]}
    with emulate(workspace) as emu:
        plugin = {"api_url": emu.url, "token": TOKEN, "sources": [{"page": ROOT, "dest": "rec"}]}
        site = run_build(write_site(tmp_path, plugin))
    assert site.error is None, site.messages()
    return site


def test_the_notion_to_md_recording(tmp_path: Path) -> None:
    site = _build(tmp_path, "notion-to-md-output.json")
    article = site.html("rec/index.html").select_one("article")
    assert article is not None
    top = article.find("ol")
    assert top is not None
    items = [li.find(string=True).strip() for li in top.find_all("li", recursive=False)]
    assert items == ["Point 1", "Point 2", "Point 3"]
    table = article.find("table")
    assert table is not None and table.find("td").get_text() == "head 1"
    hosted = [img["src"] for img in article.find_all("img") if "://" not in img["src"]]
    assert hosted and all("assets/notion/" in src for src in hosted)
    for src in hosted:
        assert (site.site / "rec" / src).resolve().is_file()
    html = (site.site / "rec/index.html").read_text(encoding="utf-8")
    assert "X-Amz" not in html and "prod-files-secure" not in html


def test_the_notion2svelte_recordings(tmp_path: Path) -> None:
    columns = _build(tmp_path / "columns", "notion2svelte-columns.json")
    assert columns.html("rec/index.html").select_one("article .grid") is not None
    equation = _build(tmp_path / "equation", "notion2svelte-equation.json")
    assert equation.html("rec/index.html").select_one("article .arithmatex") is not None
    synced = _build(tmp_path / "synced", "notion2svelte-synced-blocks.json")
    text = synced.html("rec/index.html").select_one("article").get_text()
    assert text.count("Everything but the kitchen sync") >= 2  # original and reference
