"""Real `mkdocs build` runs against the emulator, judged by the HTML a reader gets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site
from .support.workspaces import FAQ, GUIDE, ROOT, SETUP, SETUP_PARA, TOKEN, handbook


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(handbook()) as emu:
        yield emu


def _plugin(emulator: Emulator, **extra: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_url": emulator.url,
        "sources": [{"page": ROOT, "dest": "handbook"}],
        "rate_limit": 1000,
        "metrics_file": "metrics.json",
    }
    options.update(extra)
    return options


def _build(tmp_path: Path, emulator: Emulator, strict: bool = False, **extra: Any) -> BuiltSite:
    config = write_site(tmp_path, _plugin(emulator, **extra))
    return run_build(config, strict=strict)


def _summary_counts(site: BuiltSite) -> dict[str, int]:
    match = re.match(
        r"notion-sync: (\d+) pages \((\d+) cached, (\d+) fetched\), (\d+) API requests "
        r"\((\d+) rate-limited, (\d+) retried\), (\d+) assets \(.+\) in [\d.]+s$",
        site.summary(),
    )
    assert match, site.summary()
    keys = ("pages", "cached", "fetched", "requests", "rate_limited", "retried", "assets")
    return dict(zip(keys, map(int, match.groups()), strict=True))


def test_a_built_page_shows_its_notion_content(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator)
    assert site.error is None, site.messages()
    html = site.html("handbook/index.html")
    article = html.select_one("article")
    assert article is not None
    assert "📘 Handbook" in article.h1.get_text()
    assert article.find("strong", string="handbook") is not None
    assert "Start here" in article.get_text()
    setup = site.html("handbook/guide/set-up/index.html")
    assert "Install the thing." in setup.get_text()


def test_child_pages_appear_in_the_nav_in_notion_order(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator)
    nav = [
        a.get_text(strip=True)
        for a in site.html("index.html").select("nav.md-nav--primary a.md-nav__link")
    ]
    titles = ("📘 Handbook", "Guide", "Set up", "FAQ", "Notes")  # an emoji icon leads its title
    handbook_part = [t for t in nav if t in titles]
    assert handbook_part[:1] == ["📘 Handbook"]
    order = [t for t in handbook_part if t != "📘 Handbook"]
    assert order.index("Guide") < order.index("FAQ") < order.index("Notes")
    assert order.count("Notes") == 2
    assert (site.site / "handbook/notes/index.html").is_file()
    assert (site.site / "handbook/notes-666666/index.html").is_file()


def test_the_summary_counts_equal_what_the_server_saw(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator)
    counts = _summary_counts(site)
    assert counts["requests"] == emulator.stats.total
    assert counts["pages"] == 6
    assert counts["fetched"] == 6
    assert counts["assets"] == 1
    metrics = (site.site / "metrics.json").read_text()
    assert f'"api_requests": {emulator.stats.total}' in metrics


def test_links_between_synced_pages_become_site_links(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(tmp_path, emulator)
    hrefs = [a["href"] for a in site.html("handbook/index.html").select("article a[href]")]
    assert "guide/set-up/" in hrefs  # page mention
    assert "faq/" in hrefs  # link_to_page
    assert "guide/" in hrefs  # notion.so URL of a synced page
    assert any("notion.so/Outside-" in h for h in hrefs)  # outside the sources: kept
    warnings = site.warnings()
    assert any("not part of the synced sources" in w for w in warnings), warnings


def test_images_are_served_from_the_site_never_from_signed_urls(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator)
    images = site.html("handbook/index.html").select("article img")
    assert images
    for image in images:
        src = image["src"]
        assert "assets/notion/" in src and "://" not in src
        assert (site.site / "handbook" / src).resolve().is_file()
    for page in site.pages():
        text = page.read_text(encoding="utf-8")
        assert "X-Amz-Signature" not in text and "/files/" not in text, page
        assert TOKEN not in text


def test_nothing_is_written_into_docs_dir(tmp_path: Path, emulator: Emulator) -> None:
    _build(tmp_path, emulator)
    assert sorted(p.name for p in (tmp_path / "docs").rglob("*")) == ["index.md"]


def test_a_warm_rebuild_fetches_no_block_content(tmp_path: Path, emulator: Emulator) -> None:
    _build(tmp_path, emulator)
    emulator.stats.reset()
    site = run_build(tmp_path / "mkdocs.yml")
    assert site.error is None
    counts = _summary_counts(site)
    assert counts == {**counts, "pages": 6, "cached": 6, "fetched": 0, "assets": 0}
    assert counts["requests"] == emulator.stats.total <= 2
    assert not any("children" in endpoint for endpoint in emulator.stats.by_endpoint)
    assert "Install the thing." in site.html("handbook/guide/set-up/index.html").get_text()


def test_an_edited_page_is_refetched_even_within_the_same_minute(
    tmp_path: Path, emulator: Emulator
) -> None:
    _build(tmp_path, emulator)
    emulator.workspace.set_text(SETUP_PARA, "Install the other thing.")
    emulator.stats.reset()
    site = run_build(tmp_path / "mkdocs.yml")
    counts = _summary_counts(site)
    assert counts["fetched"] == 1, site.summary()
    assert "Install the other thing." in site.html("handbook/guide/set-up/index.html").get_text()


def test_a_new_child_page_appears_after_a_rebuild(tmp_path: Path, emulator: Emulator) -> None:
    _build(tmp_path, emulator)
    emulator.workspace.add_page(
        GUIDE, "Troubleshooting", blocks=[{"paragraph": "Turn it off and on."}]
    )
    site = run_build(tmp_path / "mkdocs.yml")
    assert (
        "Turn it off and on." in site.html("handbook/guide/troubleshooting/index.html").get_text()
    )


def test_offline_builds_from_the_cache_without_any_request(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(tmp_path, emulator)
    emulator.stats.reset()
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    monkeypatch.delenv("NOTION_TOKEN")
    site = run_build(tmp_path / "mkdocs.yml")
    assert site.error is None, site.messages()
    assert emulator.stats.total == 0
    assert "Install the thing." in site.html("handbook/guide/set-up/index.html").get_text()
    assert list((site.site / "assets/notion").iterdir())


def test_offline_without_a_cache_fails_clearly(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_OFFLINE", "true")
    site = _build(tmp_path, emulator)
    assert site.error is not None
    assert any("not in the cache" in m for m in site.messages()), site.messages()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("bad_token", "Notion rejected the token (401 unauthorized): set NOTION_TOKEN"),
        ("no_token", "no Notion token: set the NOTION_TOKEN environment variable"),
        ("not_shared", "was not found: share it with your integration"),
        ("unreachable", "cannot reach the Notion API at http://127.0.0.1:9"),
    ],
)
def test_startup_errors_are_one_clear_line(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, setup: str, expected: str
) -> None:
    extra: dict[str, Any] = {"max_retries": 1}
    if setup == "bad_token":
        monkeypatch.setenv("NOTION_TOKEN", "secret_wrong")
    elif setup == "no_token":
        monkeypatch.delenv("NOTION_TOKEN")
    elif setup == "not_shared":
        extra["sources"] = [{"page": "99999999-9999-4999-8999-999999999999", "dest": "x"}]
    else:
        extra["api_url"] = "http://127.0.0.1:9"
    site = _build(tmp_path, emulator, **extra)
    assert site.error is not None
    errors = [m for m in site.messages() if m.startswith("notion-sync:") and "pages (" not in m]
    assert any(expected in m for m in errors), errors
    for message in site.messages():
        assert "Traceback" not in message
        assert "secret_wrong" not in message and TOKEN not in message


def test_strict_mode_fails_on_a_link_outside_the_sources(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = _build(tmp_path, emulator, strict=True)
    assert site.error is not None


def test_the_token_never_reaches_the_site_or_the_cache(tmp_path: Path, emulator: Emulator) -> None:
    _build(tmp_path, emulator)
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "mkdocs.yml":
            assert TOKEN.encode() not in path.read_bytes(), path


def test_pages_are_rebuilt_without_a_nav_in_mkdocs_yml_and_with_a_placeholder(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = write_site(
        tmp_path,
        _plugin(emulator),
        extra={"nav": [{"Home": "index.md"}, {"Our handbook": "handbook/"}]},
    )
    site = run_build(config)
    assert site.error is None, site.messages()
    nav = [
        a.get_text(strip=True)
        for a in site.html("index.html").select("nav.md-nav--primary a.md-nav__link")
    ]
    assert "Our handbook" in nav or "📘 Handbook" in nav
    assert "Set up" in nav and "FAQ" in nav


def test_ids_are_stable_between_sources(emulator: Emulator) -> None:
    assert {SETUP, FAQ} <= set(emulator.workspace.page_ids())


def test_an_unknown_block_warns_naming_the_page_and_block_and_fails_strict(tmp_path: Path) -> None:
    workspace = {
        "pages": [
            {
                "id": ROOT,
                "title": "Forms",
                "blocks": [
                    {"paragraph": "Before."},
                    {"id": "f0f0f0f0-0000-4000-8000-000000000001", "type": "form", "form": {}},
                    {"paragraph": "After."},
                ],
            }
        ]
    }
    with emulate(workspace) as emu:
        lenient = run_build(write_site(tmp_path / "lenient", _plugin(emu)))
        strict = run_build(write_site(tmp_path / "strict", _plugin(emu)), strict=True)
    assert lenient.error is None
    warning = [w for w in lenient.warnings() if "unsupported" in w]
    assert (
        warning
        and 'page "Forms"' in warning[0]
        and "f0f0f0f0-0000-4000-8000-000000000001" in warning[0]
    )
    text = lenient.html("handbook/index.html").get_text()
    assert "Before." in text and "After." in text and "Unsupported Notion block: form" in text
    assert strict.error is not None


@pytest.mark.parametrize("nav_plugin", ["awesome-nav", "literate-nav"])
def test_nav_plugins_keep_working_and_keep_notions_order(
    tmp_path: Path, emulator: Emulator, nav_plugin: str
) -> None:
    pytest.importorskip(
        "mkdocs_awesome_nav" if nav_plugin == "awesome-nav" else "mkdocs_literate_nav"
    )
    config = write_site(tmp_path, _plugin(emulator), plugins_before=["search", nav_plugin])
    site = run_build(config)
    assert site.error is None, site.messages()
    nav = [
        a.get_text(strip=True)
        for a in site.html("index.html").select("nav.md-nav--primary a.md-nav__link")
    ]
    order = [t for t in nav if t in ("Guide", "FAQ", "Notes")]
    assert order[:1] == ["Guide"] and order.index("FAQ") < order.index("Notes"), nav
    assert "Set up" in nav


def test_a_warm_build_warns_like_the_cold_one(tmp_path: Path, emulator: Emulator) -> None:
    cold = _build(tmp_path, emulator, strict=True)
    warm = run_build(tmp_path / "mkdocs.yml", strict=True)
    assert cold.error is not None and warm.error is not None
    assert [w for w in warm.warnings() if "not part of" in w] == [
        w for w in cold.warnings() if "not part of" in w
    ]


def test_a_warm_build_reuses_unchanged_pages_and_rerenders_edited_ones(
    tmp_path: Path, emulator: Emulator
) -> None:
    _build(tmp_path, emulator)
    staged = tmp_path / ".cache/plugin/notion-sync/site/handbook/faq.md"
    before = staged.stat().st_mtime_ns
    emulator.workspace.set_text(SETUP_PARA, "Install version two.")
    site = run_build(tmp_path / "mkdocs.yml")
    assert staged.stat().st_mtime_ns == before  # not rewritten: --dirty skips it
    assert "Install version two." in site.html("handbook/guide/set-up/index.html").get_text()
    assert "Questions." in site.html("handbook/faq/index.html").get_text()
