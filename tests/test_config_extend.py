"""The options of issue #19 (renderers, ignore_blocks, drafts_in_serve, front_matter,
include, exclude): bad values are MkDocs' config error naming the option; good values
reach the Settings."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.config import settings_from
from mkdocs_notion_sync.render import loader

from .support.sitebuild import collecting_logs, write_site

PAGE = "1f2e3d4c5b6a79881f2e3d4c5b6a7988"
DASHED = "1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988"


@pytest.fixture
def pylib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "pylib"
    folder.mkdir()
    (folder / "good_renderers.py").write_text(
        "def callout(block, ctx):\n    return None\n\nNOT_CALLABLE = 3\n", encoding="utf-8"
    )
    (folder / "broken_renderers.py").write_text("raise RuntimeError('boom\\nbang')\n")
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in ("good_renderers", "broken_renderers"):
        sys.modules.pop(name, None)
        loader._MODULE_DIGESTS.pop(name, None)


def _config(tmp_path: Path, plugin: dict[str, Any]) -> MkDocsConfig:
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    return load_config(str(write_site(tmp_path, plugin)))


def _error(tmp_path: Path, plugin: dict[str, Any]) -> str:
    with collecting_logs() as records, pytest.raises(Abort):
        _config(tmp_path, plugin)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert "Traceback" not in errors[0] and "\n" not in errors[0]
    return errors[0]


def _source(**keys: Any) -> dict[str, Any]:
    return {"sources": [{"page": PAGE, "dest": "x", **keys}]}


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        ({"renderers": {"callout": "no_such_module_x:f"}}, "cannot import 'no_such_module_x'"),
        ({"renderers": {"callout": "broken_renderers:f"}}, "RuntimeError: boom bang"),
        ({"renderers": {"callout": "good_renderers:missing"}}, "has no 'missing'"),
        (
            {"renderers": {"callout": "good_renderers:NOT_CALLABLE"}},
            "is not callable (it is 'int')",
        ),
        ({"renderers": {"callout": "no-such-renderer"}}, "nor an installed renderer"),
        ({"renderers": {"callout": "bad path:x"}}, "is not `module:function`"),
        ({"renderers": {"callout": 3}}, "expected `module:function`"),
        ({"renderers": {"callout": {"renderer": "good_renderers:callout", "x": 1}}}, "expected"),
        (
            {"renderers": {"callout": {"renderer": "good_renderers:callout", "options": 3}}},
            "expected",
        ),
        ({"renderers": {"Callout!": "good_renderers:callout"}}, "is not a Notion block type"),
        ({"renderers": {"table_row": "good_renderers:callout"}}, "name 'table' instead"),
        ({"renderers": ["callout"]}, "option 'renderers'"),
        ({"ignore_blocks": ["column"]}, "name 'column_list' instead"),
        ({"ignore_blocks": [3]}, "option 'ignore_blocks'"),
        ({"ignore_blocks": ["Button"]}, "is not a Notion block type"),
        ({"drafts_in_serve": "sometimes"}, "option 'drafts_in_serve'"),
        (_source(front_matter={"notion_edit_url": "Link"}), "the plugin writes it (the edit link)"),
        (_source(front_matter={"template": "Layout"}), "a page's template is the site's choice"),
        (_source(front_matter={"description": ""}), "expected the name of a Notion property"),
        (_source(front_matter={"bad key!": "Summary"}), "is not a front-matter key"),
        (_source(front_matter=["description"]), "front_matter"),
        (_source(exclude=["https://www.notion.so/acme/Drafts"]), "a URL without a Notion page id"),
        (_source(include=["   "]), "an empty entry names no page"),
        (_source(exclude=[{"title": "x"}]), "exclude"),
    ],
)
def test_bad_values_name_the_option(
    tmp_path: Path, pylib: Path, plugin: dict[str, Any], expected: str
) -> None:
    line = _error(tmp_path, plugin)
    assert "Plugin 'notion-sync' option" in line
    assert expected in line, line


def test_good_values_reach_the_settings(tmp_path: Path, pylib: Path) -> None:
    plugin = {
        "renderers": {
            "callout": "good_renderers:callout",
            "quote": {"renderer": "good_renderers:callout", "options": {"n": [1, 2]}},
        },
        "ignore_blocks": ["button", "button", "ai_block"],
        "drafts_in_serve": True,
        **_source(
            front_matter={"description": "Summary", "tags": "Tags"},
            include=[f"https://www.notion.so/acme/Guide-{PAGE}", "Guides*"],
            exclude=[PAGE, "  Drafts   old "],
        ),
    }
    config = _config(tmp_path, plugin)
    settings = settings_from(
        config.plugins["notion-sync"].config,  # type: ignore[arg-type]
        config_file=config.config_file_path,
        docs_dir=config.docs_dir,
        serving=True,
    )
    assert [r.block_type for r in settings.renderers] == ["callout", "quote"]
    quote = settings.renderers[1]
    assert dict(quote.options) == {"n": [1, 2]}
    with pytest.raises(TypeError):
        quote.options["n"] = 3  # type: ignore[index]
    assert quote.fingerprint != settings.renderers[0].fingerprint  # options differ
    assert settings.ignore_blocks == ("button", "ai_block")
    assert settings.show_drafts
    (source,) = settings.sources
    assert source.front_matter == (("description", "Summary"), ("tags", "Tags"))
    assert source.include == (DASHED, "Guides*")
    assert source.exclude == (DASHED, "Drafts old")


def test_the_environment_sets_the_new_options(
    tmp_path: Path, pylib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_RENDERERS", "{callout: 'good_renderers:callout'}")
    monkeypatch.setenv("NOTION_SYNC_IGNORE_BLOCKS", "button,ai_block")
    monkeypatch.setenv("NOTION_SYNC_DRAFTS_IN_SERVE", "yes")
    options = _config(tmp_path, _source()).plugins["notion-sync"].config
    assert list(options.renderers) == ["callout"]
    assert options.ignore_blocks == ["button", "ai_block"]
    assert options.drafts_in_serve is True


def test_drafts_show_only_while_serving(tmp_path: Path) -> None:
    config = _config(tmp_path, {**_source(), "drafts_in_serve": True})
    options = config.plugins["notion-sync"].config
    built = settings_from(options, config_file=config.config_file_path, docs_dir=None)  # type: ignore[arg-type]
    assert built.drafts_in_serve and not built.show_drafts
