"""The Zensical path end to end (issue #18): the demo workspace synced into docs_dir by
`mkdocs-notion-sync sync`, built by a real `zensical build` subprocess, and the HTML
read as a visitor gets it; the hostile workspace the same way; `watch` as a program,
stopped by Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_notion_sync.cli import main
from mkdocs_notion_sync.folder_sync import EXTENSION
from mkdocs_notion_sync.markdown_extension import load_embeds, makeExtension, parse_embeds
from mkdocs_notion_sync.site.folder import SyncFolder, served_at
from mkdocs_notion_sync.site.manifest import MANIFEST
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.hostile import (
    HOSTILE_BLOG,
    HOSTILE_ROOT,
    TEXTS,
    active_content,
    hostile_site_docs,
    hostile_workspace,
)
from .support.workspaces import SETUP_PARA, TOKEN, handbook

pytest.importorskip("zensical")
ZENSICAL = shutil.which(
    "zensical", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
)
EXAMPLE = Path(__file__).resolve().parent.parent / "example-site"
HANDBOOK = "1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988"


def zensical_config(data: dict[str, Any]) -> dict[str, Any]:
    """What a Zensical user adds to mkdocs.yml: awesome-nav, the extension, its watch."""
    data = dict(data)
    data["plugins"] = ["awesome-nav", *data.get("plugins", [])]
    data["markdown_extensions"] = [EXTENSION, *data.get("markdown_extensions", [])]
    data["watch"] = ["docs/.notion-sync/embeds.json"]
    return data


def zensical_build(root: Path) -> subprocess.CompletedProcess[str]:
    assert ZENSICAL is not None
    result = subprocess.run(
        [ZENSICAL, "build", "--strict", "-f", str(root / "mkdocs.yml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def html(site: Path, url: str) -> BeautifulSoup:
    path = site / url.lstrip("/") / "index.html" if not url.endswith(".html") else site / url
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example site for Zensical (example-site/mkdocs-zensical.yml), synced and built."""
    root = tmp_path_factory.mktemp("zensical-demo")
    (root / "docs").mkdir()
    shutil.copy(EXAMPLE / "docs" / "index.md", root / "docs" / "index.md")
    shutil.copy(EXAMPLE / "mkdocs-zensical.yml", root / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("NOTION_TOKEN", raising=False)
        assert main(["-f", str(root / "mkdocs.yml"), "sync", "--strict"]) == 0
    zensical_build(root)
    yield root


def article(page: BeautifulSoup) -> Any:
    found = page.select_one("article")
    assert found is not None
    return found


def test_every_synced_page_is_in_the_zensical_site(demo: Path) -> None:
    pages = [p for p in SyncFolder(demo / "docs").owned() if p.endswith(".md")]
    assert len(pages) == 12
    for page in pages:
        built = demo / "site" / served_at(page).lstrip("/") / "index.html"
        assert built.is_file(), page
    assert "Acme Handbook" in article(html(demo / "site", "handbook/")).h1.get_text()


def test_the_nav_is_in_notions_order_with_notions_titles(demo: Path) -> None:
    nav = html(demo / "site", "/").select_one("nav.md-nav--primary")
    assert nav is not None
    shown = [a.get_text(" ", strip=True) for a in nav.select("a.md-nav__link")]
    # a page's emoji icon leads its title, as in Notion's sidebar
    assert "📘 Acme Handbook" in shown and "🛠️ Engineering" in shown, shown
    titles = [re.sub(r"^[^\w\s]+\s+", "", title) for title in shown]
    handbook = titles[titles.index("Acme Handbook") :]
    assert handbook[:8] == [
        "Acme Handbook",
        "Getting started",
        "Engineering",
        "Code review",
        "On-call",
        "Policies",
        "Security",
        "Travel",
    ], titles
    changelog = titles[titles.index("Changelog") + 1 :][:3]
    assert changelog == ["On-call rotation", "Security policy update", "Handbook 1.0"], titles


def test_images_load_from_local_files_and_links_between_pages_resolve(demo: Path) -> None:
    site = demo / "site"
    images = links = 0
    for built in sorted(site.rglob("index.html")):
        body = article(BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser"))
        for image in body.select("img[src]"):
            src = str(image["src"])
            assert "://" not in src and not src.startswith("data:"), (built, src)
            assert (built.parent / src).resolve().is_file(), (built, src)
            images += 1
        for anchor in body.select("a[href]"):
            href = str(anchor["href"]).split("#")[0]
            if not href or "://" in href or href.startswith(("mailto:", "tel:")):
                continue
            target = (built.parent / href).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (built, href)
            links += 1
    assert images >= 3 and links >= 10, (images, links)


def test_admonitions_details_task_lists_and_maths_render(demo: Path) -> None:
    site = demo / "site"
    started = article(html(site, "handbook/getting-started/"))
    assert started.select(".admonition") and started.select("details")
    assert started.select("li.task-list-item input[type=checkbox]")
    review = article(html(site, "handbook/engineering/code-review/"))
    assert review.select(".arithmatex")
    assert "$" not in "".join(e.get_text() for e in review.select(".arithmatex"))


def test_an_embed_in_a_hand_written_page_renders_with_links_to_the_site(demo: Path) -> None:
    home = article(html(demo / "site", "/"))
    assert "Welcome to the" in home.get_text()  # the handbook's first callout, embedded
    hrefs = [str(a["href"]) for a in home.select("a[href]")]
    assert "handbook/getting-started/" in hrefs
    assert "<!-- notion:" not in (demo / "site" / "index.html").read_text(encoding="utf-8")


def test_a_warm_sync_and_build_give_the_same_site(demo: Path) -> None:
    site = demo / "site"
    cold = {
        p: article(html(site, p.parent.relative_to(site).as_posix())).decode()
        for p in sorted(site.rglob("index.html"))
    }
    with pytest.MonkeyPatch.context() as env:
        env.delenv("NOTION_TOKEN", raising=False)
        assert main(["-f", str(demo / "mkdocs.yml"), "sync", "--strict"]) == 0
    zensical_build(demo)
    warm = {
        p: article(html(site, p.parent.relative_to(site).as_posix())).decode()
        for p in sorted(site.rglob("index.html"))
    }
    assert warm == cold


# -- the hostile workspace ---------------------------------------------------------------


def test_a_hostile_workspace_stays_inert_under_zensical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    for name, text in hostile_site_docs().items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    (docs / "index.md").write_text(f"# Home\n\n<!-- notion: {HOSTILE_ROOT} -->\n", encoding="utf-8")
    with emulate(hostile_workspace()) as emulator:
        config = {
            "site_name": "Hostile",
            "theme": {"name": "material", "features": ["content.action.edit"]},
            "repo_url": "https://example.org/repo",
            "plugins": [
                "search",
                "tags",
                {"blog": {"post_date_format": "short"}},
                {
                    "notion-sync": {
                        "api_url": emulator.url,
                        "rate_limit": 1000,
                        "comments": True,
                        "sources": [
                            {"page": HOSTILE_ROOT, "dest": "hostile"},
                            {"database": HOSTILE_BLOG, "dest": "blog", "blog": True},
                        ],
                    }
                },
            ],
            "markdown_extensions": list(_extensions()),
        }
        (tmp_path / "mkdocs.yml").write_text(
            yaml.safe_dump(zensical_config(config), sort_keys=False), encoding="utf-8"
        )
        assert main(["-f", str(tmp_path / "mkdocs.yml"), "sync"]) == 0, capsys.readouterr().err
    zensical_build(tmp_path)
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 15
    problems = {
        str(page.relative_to(tmp_path)): found
        for page in pages
        if (found := active_content(page.read_text(encoding="utf-8"), theme=True))
    }
    assert problems == {}
    page = html(tmp_path / "site", "hostile/")
    nav = " ".join(a.get_text() for a in page.select("nav.md-nav--primary a"))
    for payload in TEXTS:
        assert payload in article(page).get_text(), payload
        assert payload in nav, payload  # the .nav.yml titles show as typed, never as markup
    home = html(tmp_path / "site", "/")
    assert all(payload in article(home).get_text() for payload in TEXTS)  # the embed


def _extensions() -> list[Any]:
    from mkdocs_notion_sync.render import MARKDOWN_EXTENSIONS

    return list(MARKDOWN_EXTENSIONS)


# -- the extension outside Zensical ------------------------------------------------------


def test_the_extension_does_nothing_without_zensicals_page(tmp_path: Path) -> None:
    import markdown

    text = f"# Home\n\n<!-- notion: {HANDBOOK} -->\n"
    assert markdown.markdown(text, extensions=[makeExtension()]) == markdown.markdown(text)


@pytest.mark.parametrize(
    "raw", [b"{broken", b"[]", b'{"format": 9}', b'{"format": 1, "pages": [], "embeds": []}']
)
def test_a_damaged_embeds_file_replaces_nothing(tmp_path: Path, raw: bytes) -> None:
    assert parse_embeds(raw) is None
    path = tmp_path / "embeds.json"
    path.write_bytes(raw)
    assert load_embeds(path) is None
    assert load_embeds(tmp_path / "missing.json") is None


def test_odd_rows_of_the_embeds_file_are_skipped() -> None:
    content = parse_embeds(
        b'{"format": 1, "pages": {"a": "x.md", "b": 3}, "embeds": [7, {"host": "i.md",'
        b' "page": "a", "block": 5, "markdown": "M"}, {"host": 1}]}'
    )
    assert content is not None
    assert content.synced == {"x.md"}
    assert [(r.host_path, r.block_id, m) for r, m in content.embeds.items()] == [
        ("i.md", None, "M")
    ]


# -- watch, as a program ------------------------------------------------------------------

POLL = 1.0


def _start_watch(root: Path, emulator: Emulator) -> subprocess.Popen[bytes]:
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Watched",
        "plugins": [
            "search",
            "awesome-nav",
            {
                "notion-sync": {
                    "api_url": emulator.url,
                    "rate_limit": 1000,
                    "poll_interval": POLL,
                    "sources": [{"page": "11111111-1111-4111-8111-111111111111", "dest": "hb"}],
                }
            },
        ],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs_notion_sync.cli", "-f", str(root / "mkdocs.yml"), "watch"],
        cwd=root,
        env={**os.environ, "NOTION_TOKEN": TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait(check: Any, timeout: float, process: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0].decode())
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"not within {timeout}s: {process.communicate()[0].decode()}")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_watch_follows_an_edit_and_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    with emulate(handbook()) as emulator:
        process = _start_watch(tmp_path, emulator)
        page = tmp_path / "docs/hb/guide/set-up.md"
        _wait(page.is_file, 60, process)
        time.sleep(POLL)  # the watch is polling now
        emulator.workspace.set_text(SETUP_PARA, "Install the watched thing.")
        latency = _wait(
            lambda: "watched thing" in page.read_text(encoding="utf-8"), POLL + 5, process
        )
        print(f"edit-to-file latency: {latency:.2f}s with poll_interval {POLL}s")
        process.send_signal(stop)
        try:
            output = process.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("watch did not stop") from None
    assert process.returncode == 0, output
    assert "notion-sync: watching Notion for changes every 1s; Ctrl-C stops" in output
    assert "notion-sync: Notion changed, syncing" in output
    assert output.rstrip().endswith("notion-sync: stopped watching"), output
    assert "Traceback" not in output and TOKEN not in output
    leftovers = [p for p in (tmp_path / "docs").rglob(".*") if p.is_file() and p.suffix != ".yml"]
    assert [p.name for p in leftovers if p.parent.name != ".notion-sync"] == []
    assert (tmp_path / "docs" / MANIFEST).is_file()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _served(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def test_zensical_serve_shows_a_notion_edit_that_watch_synced(tmp_path: Path) -> None:
    """The whole live preview: Notion (the emulator) -> watch -> docs/ -> zensical serve."""
    assert ZENSICAL is not None
    with emulate(handbook()) as emulator:
        watch = _start_watch(tmp_path, emulator)
        port = _free_port()
        serve = None
        try:
            _wait((tmp_path / "docs/hb/guide/set-up.md").is_file, 60, watch)
            serve = subprocess.Popen(
                [ZENSICAL, "serve", "-f", str(tmp_path / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{port}/hb/guide/set-up/"
            _wait(lambda: "Install the thing." in _served(url), 60, watch)
            emulator.workspace.set_text(SETUP_PARA, "Install the served thing.")
            latency = _wait(lambda: "served thing" in _served(url), POLL + 10, watch)
            print(f"Notion edit to zensical serve: {latency:.2f}s with poll_interval {POLL}s")
        finally:
            if serve is not None:
                serve.terminate()
                serve.wait(20)
            watch.send_signal(signal.SIGINT)
            watch.communicate(timeout=20)
    assert watch.returncode == 0


def test_the_extension_fills_embeds_and_links_in_zensicals_rendering_context(
    tmp_path: Path,
) -> None:
    """In this process, with Zensical's own context extension (what `zensical build`
    puts first in every page's extensions): embeds filled, links pointed at the site,
    synced pages and pages without Notion left alone."""
    import markdown
    from zensical.extensions.context import ContextExtension, Page

    from mkdocs_notion_sync.markdown_extension import embeds_document
    from mkdocs_notion_sync.site.embeds import EmbedRequest

    docs = tmp_path / "docs"
    (docs / ".notion-sync").mkdir(parents=True)
    guide = "22222222-2222-4222-8222-222222222222"
    (docs / ".notion-sync/embeds.json").write_bytes(
        embeds_document(
            {guide: "handbook/guide/index.md"},
            {EmbedRequest("about/team.md", guide): "## Embedded\n\nFrom *Notion*."},
        )
    )

    def render(path: str, text: str) -> str:
        context = ContextExtension(
            page=Page(url=path, path=path), config={"root_dir": str(tmp_path), "docs_dir": "docs"}
        )
        return markdown.markdown(text, extensions=[context, makeExtension(), "md_in_html"])

    text = (
        f"# Team\n\n## Part\n\n<!-- notion: {guide} -->\n\n"
        f"[the guide](https://www.notion.so/Guide-{guide.replace('-', '')})\n"
    )
    page = BeautifulSoup(render("about/team.md", text), "html.parser")
    assert page.find("h3", string="Embedded") is not None  # one level below "Part"
    assert page.find("em", string="Notion") is not None
    assert [a["href"] for a in page.find_all("a")] == ["../handbook/guide/index.md"]
    synced = render("handbook/guide/index.md", f"<!-- notion: {guide} -->\n")
    assert "Embedded" not in synced
    assert render("other.md", "# Plain\n") == "<h1>Plain</h1>"
