"""A whole site built from a hostile workspace (issue #16): every page, every theme
template that prints a Notion string (titles, nav, tags, blog categories, meta
description, edit link) stays inert. The same site opens in a real browser in
test_browser.py."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support.emulators import emulate
from .support.hostile import (
    HOSTILE_CHILD,
    HOSTILE_URLS,
    IMG,
    SCRIPT,
    TEXTS,
    active_content,
    browser_scheme,
    build_hostile_site,
    hostile_site_config,
    hostile_site_docs,
    hostile_workspace,
)
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import TOKEN


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    yield build_hostile_site(tmp_path_factory.mktemp("hostile"))


def test_no_page_of_the_site_can_run_a_payload(site: BuiltSite) -> None:
    pages = site.pages()
    assert len(pages) > 15, pages
    problems = {
        page.relative_to(site.site).as_posix(): found
        for page in pages
        if (found := active_content(page.read_text(encoding="utf-8"), theme=True))
    }
    assert problems == {}


def test_the_hostile_text_is_shown_as_typed(site: BuiltSite) -> None:
    page = site.html("hostile/index.html")
    text = page.get_text()
    for payload in TEXTS:
        assert payload in text, payload
    assert f"Hostile {SCRIPT}" in page.title.get_text()  # type: ignore[union-attr]
    entry = next((site.site / "hostile").rglob("entry-0*/index.html"))
    meta = site.html(entry.relative_to(site.site).as_posix()).find(
        "meta", attrs={"name": "description"}
    )
    assert meta is not None and meta["content"] == SCRIPT
    tags = [t.get_text(strip=True) for t in site.html("tags/index.html").select(".md-tag")]
    assert IMG in tags or any(IMG in tag for tag in tags), tags


def test_blog_categories_are_text_even_where_material_decodes_them(site: BuiltSite) -> None:
    """Material prints a category page's title through `striptags`, which decodes
    character references: there a category shows its angle brackets as U+2039 and U+203A."""
    pages = [
        p for p in (site.site / "blog/category").rglob("index.html") if p.parent.name != "category"
    ]
    assert len(pages) == len(TEXTS), pages
    titles = {site.html(p.relative_to(site.site).as_posix()).h1.get_text() for p in pages}  # type: ignore[union-attr]
    assert SCRIPT.replace("<", "\u2039").replace(">", "\u203a") in titles, titles


def _front_matter(site: BuiltSite, path: str) -> dict[str, Any]:
    staged = (site.root / ".cache/plugin/notion-sync/site" / path).read_text(encoding="utf-8")
    return yaml.safe_load(staged.split("---\n")[1])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_front_matter_string_is_inert_wherever_a_theme_prints_it(site: BuiltSite) -> None:
    staged = site.root / ".cache/plugin/notion-sync/site"
    checked = 0
    for path in staged.rglob("*.md"):
        meta = _front_matter(site, path.relative_to(staged).as_posix())
        for value in _strings(meta):
            printed = (
                f'<meta name="description" content="{value}">'
                f"<p>{value}</p><a href=\"{value}\">x</a><a href='{value}'>y</a>"
            )
            assert active_content(printed) == [], (path, value)
            checked += 1
    assert checked > 100


def test_url_properties_in_front_matter_are_refused_links(site: BuiltSite) -> None:
    staged = site.root / ".cache/plugin/notion-sync/site"
    for path in staged.rglob("entry-*.md"):
        meta = _front_matter(site, path.relative_to(staged).as_posix())
        link = meta["properties"]["Link"]
        assert link == "" or browser_scheme(html.unescape(link)) in ("http", "https"), link
    assert any(url.startswith("javascript") for url in HOSTILE_URLS)


def _published(site: Path) -> dict[str, bytes]:
    """Every file of the built site but the sitemap (it dates itself)."""
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not path.name.startswith("sitemap.xml")
    }


def test_a_cold_and_a_warm_strict_build_of_the_hostile_site_agree(tmp_path: Path) -> None:
    """A page renamed to another hostile title: the warm rebuild (cache kept) and a cold
    one (cache gone, `redirects_file` kept) publish the same files byte for byte,
    redirect pages included, print the same warnings and pass or fail --strict alike."""
    with pytest.MonkeyPatch.context() as env, emulate(hostile_workspace()) as emu:
        env.setenv("NOTION_TOKEN", TOKEN)
        options = hostile_site_config(emu.url)
        config = write_site(
            tmp_path,
            {**options["plugin"], "redirects_file": "redirects.yml"},
            docs=hostile_site_docs(),
            extra=options["extra"],
            plugins_before=options["plugins_before"],
        )
        first = run_build(config)
        assert first.error is None, first.messages()
        old = {p for p in _published(first.site) if p.endswith("index.html")}
        emu.workspace.rename_page(HOSTILE_CHILD, f"Moved {SCRIPT}\n\x1b[31m")
        warm = run_build(config, strict=True)
        warm_files = _published(warm.site)
        shutil.rmtree(tmp_path / ".cache")
        shutil.rmtree(warm.site)
        cold = run_build(config, strict=True)
        cold_files = _published(cold.site)
    assert (cold.error is None) == (warm.error is None), (cold.messages(), warm.messages())
    assert sorted(cold.warnings()) == sorted(warm.warnings())
    assert sorted(cold_files) == sorted(warm_files)
    differing = [name for name in cold_files if cold_files[name] != warm_files[name]]
    assert differing == []
    redirects = [
        name
        for name in old - {p for p in warm_files if b'http-equiv="refresh"' not in warm_files[p]}
        if name in warm_files
    ]
    assert redirects, "the renamed page's old URL redirects"
    for name in redirects:
        page = warm_files[name].decode("utf-8")
        assert active_content(page, theme=True) == [], name
        assert "<script" not in page and "\x1b" not in page
