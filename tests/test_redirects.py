"""Links that never break (#21): pages renamed or moved in Notion keep their old URLs as
redirect pages, chains collapse, each page has an id URL, the `redirects_file` keeps the
history without the cache, live pages win, and `slugs` chooses the paths. Real builds
against the emulator, read as a visitor's browser would."""

from __future__ import annotations

import json
import logging
import posixpath
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_notion_sync.cli import main
from mkdocs_notion_sync.site.redirects import plan_redirects
from mkdocs_notion_sync.sync.history import PathHistory
from mkdocs_notion_sync.sync.model import Page, Source
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.hostile import active_content
from .support.sitebuild import BuiltSite, collecting_logs, run_build, write_site

ROOT = "d1d1d1d1-0000-4000-8000-000000000001"
GUIDE = "d1d1d1d1-0000-4000-8000-000000000002"
SETUP = "d1d1d1d1-0000-4000-8000-000000000003"
FAQ = "d1d1d1d1-0000-4000-8000-000000000004"
TEAM = "d1d1d1d1-0000-4000-8000-000000000005"
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _hex(page_id: str) -> str:
    return page_id.replace("-", "")


def workspace() -> dict[str, Any]:
    return {
        "seed": "redirects",
        "pages": [
            {
                "id": ROOT,
                "title": "Handbook",
                "blocks": [
                    {"paragraph": ["Read ", {"mention": {"page": SETUP}}, " first."]},
                    {"link_to_page": {"page_id": FAQ}},
                    {
                        "page": {
                            "id": GUIDE,
                            "title": "Guide",
                            "blocks": [
                                {"paragraph": ["See ", {"mention": {"page": FAQ}}]},
                                {
                                    "page": {
                                        "id": SETUP,
                                        "title": "Set up",
                                        "blocks": [{"paragraph": "Install it."}],
                                    }
                                },
                            ],
                        }
                    },
                    {"page": {"id": FAQ, "title": "FAQ", "blocks": [{"paragraph": "Answers."}]}},
                    {"page": {"id": TEAM, "title": "Team", "blocks": [{"paragraph": "Us."}]}},
                ],
            }
        ],
    }


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(workspace()) as emu:
        yield emu


def _config(tmp_path: Path, emulator: Emulator, **options: Any) -> Path:
    docs = options.pop("docs", None)
    extra = options.pop("extra", None)
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "handbook"}],
        **options,
    }
    return write_site(tmp_path, plugin, docs=docs, extra=extra)


def _build(config: Path, *, strict: bool = True) -> BuiltSite:
    site = run_build(config, strict=strict)
    assert site.error is None, (site.error, site.warnings())
    return site


def _redirect(site: BuiltSite, url: str) -> str:
    """Where the redirect page at `url` leads (a site URL), checked three ways: meta
    refresh, canonical and the visible link all agree, and the target is a real page."""
    file = site.site / url / "index.html"
    assert file.is_file(), f"no redirect page at /{url}"
    soup = site.html(f"{url}/index.html")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None, f"/{url} is not a redirect page"
    delay, _, target = str(refresh["content"]).partition("; url=")
    assert delay == "0"
    canonical = soup.find("link", rel="canonical")
    link = soup.find("a")
    assert canonical is not None and link is not None
    assert link["href"] == target
    resolved = posixpath.normpath(posixpath.join(url, target))
    resolved = "" if resolved == "." else resolved
    href = str(canonical["href"])
    assert href == target or (href.startswith("https://") and href.endswith(f"/{resolved}/"))
    page = site.site / resolved / "index.html"
    assert page.is_file(), f"/{url} leads to /{resolved}/, which is not a page"
    assert page.read_text(encoding="utf-8").find('http-equiv="refresh"') == -1
    return f"{resolved}/"


def test_renamed_and_moved_pages_redirect_and_chains_collapse(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _config(tmp_path, emulator)
    first = _build(config)
    assert (first.site / "handbook/faq/index.html").is_file()
    assert (first.site / "handbook/guide/set-up/index.html").is_file()

    emulator.workspace.rename_page(FAQ, "Questions")
    emulator.workspace.move_page(SETUP, TEAM)
    second = _build(config)  # --strict: a build with redirects is clean
    assert _redirect(second, "handbook/faq") == "handbook/questions/"
    assert _redirect(second, "handbook/guide/set-up") == "handbook/team/set-up/"
    assert "Answers." in second.html("handbook/questions/index.html").get_text()

    emulator.workspace.rename_page(FAQ, "Answers")
    third = _build(config)
    # A -> B -> C: both old URLs lead straight to C, no hop through B.
    assert _redirect(third, "handbook/faq") == "handbook/answers/"
    assert _redirect(third, "handbook/questions") == "handbook/answers/"
    assert _redirect(third, "handbook/guide/set-up") == "handbook/team/set-up/"
    # Links between pages point at the live pages, never at a redirect.
    root = third.html("handbook/index.html")
    hrefs = {a["href"] for a in root.select("article a[href]")}
    assert "answers/" in hrefs and "team/set-up/" in hrefs
    # Redirect pages are not pages of the site: not in the search index.
    index = json.loads((third.site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any("faq" in doc["location"] for doc in index["docs"])


def test_every_page_has_an_id_url(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(_config(tmp_path, emulator))
    assert _redirect(site, f"handbook/{_hex(SETUP)}") == "handbook/guide/set-up/"
    assert _redirect(site, f"handbook/{_hex(ROOT)}") == "handbook/"
    emulator.workspace.rename_page(SETUP, "Installing")
    moved = _build(site.root / "mkdocs.yml")
    assert _redirect(moved, f"handbook/{_hex(SETUP)}") == "handbook/guide/installing/"


def test_a_live_page_at_an_old_url_wins_with_a_warning(tmp_path: Path, emulator: Emulator) -> None:
    config = _config(tmp_path, emulator)
    _build(config)
    emulator.workspace.rename_page(FAQ, "Questions")
    _build(config)
    # A hand-written page now takes the old URL of FAQ.
    (tmp_path / "docs/handbook").mkdir(parents=True)
    (tmp_path / "docs/handbook/faq.md").write_text("# Our own FAQ\n", encoding="utf-8")
    taken = run_build(config)
    warning = [w for w in taken.warnings() if "live page wins" in w]
    assert len(warning) == 1, taken.warnings()
    assert "handbook/faq.md" in warning[0] and FAQ in warning[0] and "Questions" in warning[0]
    assert "Our own FAQ" in taken.html("handbook/faq/index.html").get_text()
    # Said once: the old path left the history, so the next build is clean under --strict.
    again = _build(config)
    assert "Our own FAQ" in again.html("handbook/faq/index.html").get_text()

    # A Notion page renamed to an old title takes its URL back from the redirect.
    emulator.workspace.rename_page(TEAM, "Guide")  # Guide's URL is handbook/guide/
    emulator.workspace.rename_page(GUIDE, "Manual")
    renamed = run_build(config)
    warning = [w for w in renamed.warnings() if "live page wins" in w]
    assert len(warning) == 1 and TEAM in warning[0] and GUIDE in warning[0], renamed.warnings()
    assert "Us." in renamed.html("handbook/guide/index.html").get_text()
    assert _redirect(renamed, "handbook/team") == "handbook/guide/"


def test_the_redirects_file_keeps_redirects_without_the_cache(
    tmp_path: Path, emulator: Emulator
) -> None:
    config = _config(tmp_path, emulator, redirects_file="redirects.yml")
    _build(config)
    emulator.workspace.rename_page(FAQ, "Questions")
    _build(config)
    committed = yaml.safe_load((tmp_path / "redirects.yml").read_text(encoding="utf-8"))
    assert committed["pages"][_hex(FAQ)] == ["handbook/faq.md", "handbook/questions.md"]
    assert [p.name for p in tmp_path.glob(".redirects.yml*")] == []  # no temporary left
    before = (tmp_path / "redirects.yml").stat().st_mtime_ns
    _build(config)
    assert (tmp_path / "redirects.yml").stat().st_mtime_ns == before  # unchanged: not rewritten

    shutil.rmtree(tmp_path / ".cache")  # a CI run without the cache
    fresh = _build(config)
    assert _redirect(fresh, "handbook/faq") == "handbook/questions/"

    # Without the file, a fresh cache knows nothing: the redirect is gone.
    shutil.rmtree(tmp_path / ".cache")
    plain = _build(_config(tmp_path, emulator))
    assert not (plain.site / "handbook/faq/index.html").exists()


def test_hostile_titles_cannot_inject_html_into_redirect_pages(
    tmp_path: Path, emulator: Emulator
) -> None:
    site_url = 'https://docs.example.com/"><script>alert(3)</script>/'
    config = _config(tmp_path, emulator, extra={"site_url": site_url})
    _build(config)
    emulator.workspace.rename_page(FAQ, HOSTILE)
    site = _build(config)
    for url in ("handbook/faq", f"handbook/{_hex(FAQ)}"):
        page = (site.site / url / "index.html").read_text(encoding="utf-8")
        # The one active thing is the redirect itself, to a page of the site.
        found = active_content(page)
        assert len(found) == 1 and found[0].startswith("refresh:"), found
        assert "<script" not in page and "<img" not in page, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, shown as text
        soup = site.html(f"{url}/index.html")
        assert [t.name for t in soup.find_all(True)] == [
            "html", "head", "meta", "title", "link", "meta", "meta", "body", "p", "a"
        ]  # fmt: skip
        canonical = str(soup.find("link", rel="canonical")["href"])  # type: ignore[index]
        assert canonical.startswith("https://docs.example.com/")
        assert '"' not in canonical and "<" not in canonical
        assert _redirect(site, url).startswith("handbook/script-alert-1")


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"pages": {"<script>alert(1)</script>": ["handbook/x.md"]}}, "is not a Notion page id"),
        ({"pages": {_hex(FAQ): ["../../etc/passwd.md"]}}, "../../etc/passwd.md"),
        ({"pages": {_hex(FAQ): ['x"><script>alert(1)</script>.md']}}, "of page"),
        ({"pages": {_hex(FAQ): ["/abs/olute.md"]}}, "/abs/olute.md"),
        ({"pages": {_hex(FAQ): "handbook/x.md"}}, "must be a list"),
        ({"pages": ["nope"]}, "expected a mapping"),
    ],
)
def test_a_hostile_redirects_file_is_one_line_error(
    tmp_path: Path, emulator: Emulator, content: dict[str, Any], named: str
) -> None:
    (tmp_path / "redirects.json").write_text(json.dumps(content), encoding="utf-8")
    site = run_build(_config(tmp_path, emulator, redirects_file="redirects.json"))
    assert site.error is not None
    [message] = site.messages(logging.ERROR)
    assert message.startswith("notion-sync: redirects_file ") and named in message
    assert "\n" not in message and "Traceback" not in message
    assert not (tmp_path / "site/handbook").exists()
    assert emulator.stats.total == 0  # refused before any request


def test_redirects_file_inside_docs_dir_is_a_config_error(
    tmp_path: Path, emulator: Emulator
) -> None:
    site = run_build(_config(tmp_path, emulator, redirects_file="docs/redirects.yml"))
    assert site.error is not None
    assert any("must not be inside docs_dir" in m for m in site.messages(logging.ERROR))
    with collecting_logs() as records, pytest.raises(Abort):
        run_build(_config(tmp_path, emulator, redirects_file="redirects.txt"))
    said = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert any("option 'redirects_file': 'redirects.txt' must be a .json" in m for m in said)


def _page_links_resolve(site: BuiltSite, url: str) -> set[str]:
    """The in-site links of a page's article, each checked to land on a real page."""
    soup = site.html(f"{url}/index.html" if url else "index.html")
    found = set()
    for a in soup.select("article a[href]"):
        href = str(a["href"]).split("#")[0]
        if not href or "://" in href or href.startswith(("/", "mailto:")):
            continue
        target = posixpath.normpath(posixpath.join(url, href))
        assert (site.site / target / "index.html").is_file(), f"{href} from /{url} is broken"
        found.add(f"{target}/")
    return found


def test_slugs_id_publishes_every_page_at_its_id_url(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(_config(tmp_path, emulator, slugs="id"))
    for page_id in (GUIDE, SETUP, FAQ, TEAM):
        page = site.site / f"handbook/{_hex(page_id)}/index.html"
        assert page.is_file() and 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")
    assert _page_links_resolve(site, "handbook") >= {
        f"handbook/{_hex(SETUP)}/",
        f"handbook/{_hex(FAQ)}/",
    }
    assert f"handbook/{_hex(FAQ)}/" in _page_links_resolve(site, f"handbook/{_hex(GUIDE)}")
    # Renamed and moved, the URLs stay: nothing to redirect.
    emulator.workspace.rename_page(FAQ, "Questions")
    emulator.workspace.move_page(SETUP, TEAM)
    again = _build(site.root / "mkdocs.yml")
    assert "Answers." in again.html(f"handbook/{_hex(FAQ)}/index.html").get_text()
    assert (again.site / f"handbook/{_hex(SETUP)}/index.html").is_file()
    assert not (again.site / "handbook/questions").exists()


def test_slugs_title_id_keeps_the_id_in_every_path(tmp_path: Path, emulator: Emulator) -> None:
    site = _build(_config(tmp_path, emulator, slugs="title-id"))
    guide = f"handbook/guide-{_hex(GUIDE)}"
    setup = f"{guide}/set-up-{_hex(SETUP)}"
    assert (site.site / setup / "index.html").is_file()
    assert _page_links_resolve(site, "handbook") >= {f"{setup}/", f"handbook/faq-{_hex(FAQ)}/"}
    assert _redirect(site, f"handbook/{_hex(SETUP)}") == f"{setup}/"


def test_the_links_command_maps_notion_ids_to_site_urls(
    tmp_path: Path, emulator: Emulator, capsys: pytest.CaptureFixture[str], caplog: Any
) -> None:
    config = _config(tmp_path, emulator)
    text = yaml.safe_load(config.read_text(encoding="utf-8"))
    text["site_url"] = "https://docs.example.com/"
    config.write_text(yaml.safe_dump(text), encoding="utf-8")
    caplog.set_level(logging.WARNING)
    assert main(["-f", str(config), "links", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[SETUP]["url"] == "https://docs.example.com/handbook/guide/set-up/"
    assert rows[SETUP]["id_url"] == f"https://docs.example.com/handbook/{_hex(SETUP)}/"
    assert rows[ROOT]["url"] == "https://docs.example.com/handbook/"
    assert rows[FAQ]["title"] == "FAQ"
    assert main(["-f", str(config), "links"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NOTION", "ID", "URL", "TITLE"]
    assert any(
        line.split() == [FAQ, "https://docs.example.com/handbook/faq/", "FAQ"] for line in lines
    )


def test_mkdocs_redirects_maps_win_over_ours(tmp_path: Path, emulator: Emulator) -> None:
    """With mkdocs-redirects configured, an old path its `redirect_maps` names is its
    redirect (the user's choice); every other old path and id URL is still ours."""
    plugin = {"api_url": emulator.url, "rate_limit": 1000}
    plugin["sources"] = [{"page": ROOT, "dest": "handbook"}]
    maps = {"handbook/faq.md": "index.md"}
    before = ["search", {"redirects": {"redirect_maps": maps}}]
    config = write_site(tmp_path, plugin, plugins_before=before)
    _build(config)
    emulator.workspace.rename_page(FAQ, "Questions")
    emulator.workspace.rename_page(TEAM, "People")
    site = _build(config)
    assert _redirect(site, "handbook/faq") == "/"
    assert "new destination" in (site.site / "handbook/faq/index.html").read_text("utf-8")
    assert _redirect(site, "handbook/team") == "handbook/people/"
    assert _redirect(site, f"handbook/{_hex(FAQ)}") == "handbook/questions/"
    assert any("redirect_maps names handbook/faq.md" in m for m in site.messages(logging.INFO))


def test_histories_merged_from_cache_and_file_give_each_old_url_one_target() -> None:
    """Two pages that both held one old path (the cache and the file disagree) leave one
    redirect there, to the same page whatever the order they were merged in."""
    source = Source(kind="page", id=ROOT, dest="handbook")
    one = Page(id=FAQ, kind="page", title="One", source=source, path="handbook/one.md")
    two = Page(id=TEAM, kind="page", title="Two", source=source, path="handbook/two.md")
    cache = PathHistory({FAQ: {"handbook/old.md"}})
    committed = PathHistory({TEAM: {"handbook/old.md"}})
    plans = []
    for first, second in ((cache, committed), (committed, cache)):
        merged = PathHistory(first.paths)
        merged.merge(second)
        plans.append(plan_redirects(merged, [one, two], directory_urls=True))
    assert plans[0] == plans[1]
    old = [r for r in plans[0] if r.dest == "handbook/old/index.html"]
    assert [r.page_id for r in old] == [FAQ]
