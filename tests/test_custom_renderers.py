"""Custom block renderers (`renderers`, entry points) and `ignore_blocks`, end to end."""

from __future__ import annotations

import logging
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_notion_sync.render import loader
from notion_emulator import Emulator

from .support.emulators import emulate
from .support.sitebuild import BuiltSite, run_build, write_site

ROOT = "b0b0b0b0-0000-4000-8000-000000000001"
OTHER = "b0b0b0b0-0000-4000-8000-000000000002"
CARDS = "b0b0b0b0-0000-4000-8000-0000000000c1"
TIP = "b0b0b0b0-0000-4000-8000-0000000000c2"
QUOTE = "b0b0b0b0-0000-4000-8000-0000000000c3"
BUTTON = "b0b0b0b0-0000-4000-8000-0000000000c4"
SCRIPT = '"><script>alert(1)</script>'

WORKED_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "notion_cards.py"


def workspace(title: str = "Home") -> dict[str, Any]:
    return {
        "seed": "renderers",
        "pages": [
            {
                "id": ROOT,
                "title": title,
                "blocks": [
                    {
                        "id": CARDS,
                        "callout": {"rich_text": "Start here", "icon": "🗂️"},
                        "children": [
                            {
                                "toggle": "Install",
                                "children": [{"paragraph": f"pip install it {SCRIPT}"}],
                            },
                            {"toggle": f"Configure {SCRIPT}", "children": ["Edit mkdocs.yml."]},
                        ],
                    },
                    {"id": TIP, "callout": {"rich_text": "A plain tip.", "icon": "💡"}},
                    {"to_do": {"rich_text": "first", "checked": True}},
                    {"to_do": "second"},
                    {
                        "page": {
                            "id": OTHER,
                            "title": "Other",
                            "blocks": [{"id": QUOTE, "quote": "Quoted."}],
                        }
                    },
                ],
            }
        ],
    }


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with emulate(workspace()) as emu:
        yield emu


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for renderer modules; what the test imported is forgotten."""
    folder = tmp_path / "pylib"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        sys.modules.pop(name, None)
        loader._MODULE_DIGESTS.pop(name, None)


def _module(folder: Path, name: str, source: str) -> str:
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return name


def _build(
    tmp_path: Path, emulator: Emulator, *, strict: bool = False, **options: Any
) -> BuiltSite:
    plugin = {
        "api_url": emulator.url,
        "rate_limit": 1000,
        "sources": [{"page": ROOT, "dest": "home"}],
        **options,
    }
    return run_build(write_site(tmp_path / "site", plugin), strict=strict)


def test_the_worked_example_renders_callouts_as_a_card_grid(
    tmp_path: Path, emulator: Emulator, modules: Path
) -> None:
    _module(modules, "notion_cards", WORKED_EXAMPLE.read_text(encoding="utf-8"))
    site = _build(
        tmp_path,
        emulator,
        strict=True,
        renderers={"callout": {"renderer": "notion_cards:callout", "options": {"emoji": "🗂️"}}},
    )
    assert site.error is None, site.messages(logging.WARNING)
    article = site.html("home/index.html").select_one("article")
    assert article is not None
    grid = article.select_one("div.grid.cards")
    assert grid is not None
    cards = grid.select("ul > li")
    assert [c.find("strong").get_text() for c in cards] == ["Install", f"Configure {SCRIPT}"]
    assert f"pip install it {SCRIPT}" in cards[0].get_text()
    assert article.find("script") is None and "<script>" not in str(article)
    # Any other callout keeps the built-in admonition.
    tip = article.select_one(".admonition.tip")
    assert tip is not None and "A plain tip." in tip.get_text()


def test_a_renderer_for_list_items_and_the_builtin_rendering_it_wraps(
    tmp_path: Path, emulator: Emulator, modules: Path
) -> None:
    name = _module(
        modules,
        "wrapping",
        """
        def todo(block, ctx):
            if ctx.payload().get("checked"):
                return None
            return "- [ ] " + ctx.rich_text(ctx.payload()["rich_text"]) + " *(open)*"

        def quote(block, ctx):
            return '<div class="boxed" markdown>\\n\\n' + ctx.render_builtin() + "\\n\\n</div>"
        """,
    )
    site = _build(tmp_path, emulator, renderers={"to_do": f"{name}:todo", "quote": f"{name}:quote"})
    assert site.error is None, site.messages()
    home = site.html("home/index.html").get_text()
    assert "second (open)" in " ".join(home.split()) and "first (open)" not in home
    boxed = site.html("home/other/index.html").select_one("div.boxed blockquote")
    assert boxed is not None and "Quoted." in boxed.get_text()


@pytest.mark.parametrize("kind", ["callout", "toggle"])  # a toggle sits inside the callout
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("raise ValueError('no\\nway')", "failed: ValueError: no way"),
        ("return 42", "returned int; a renderer returns Markdown (a str), or None"),
        ("return ['a list']", "returned list;"),
    ],
)
def test_a_failing_renderer_fails_the_build_with_one_line(
    tmp_path: Path, modules: Path, kind: str, body: str, expected: str
) -> None:
    name = _module(modules, f"failing_{abs(hash(body))}", f"def render(block, ctx):\n    {body}\n")
    with emulate(workspace(f"Home\n\x1b[31m{SCRIPT}")) as emu:
        site = _build(tmp_path, emu, renderers={kind: f"{name}:render"})
    assert site.error is not None
    errors = site.messages(logging.ERROR)
    assert len(errors) == 1, errors
    line = errors[0]
    assert "\n" not in line and "\x1b" not in line and "Traceback" not in line
    assert line.startswith(f"notion-sync: renderer {name}:render ({kind} block ")
    assert f' on page "Home [31m{SCRIPT}", home/index.md)' in line
    assert expected in line
    if kind == "callout":
        assert f"({kind} block {CARDS} on page" in line


def test_changing_a_renderer_renders_again_only_the_pages_it_touches(
    tmp_path: Path, emulator: Emulator, modules: Path
) -> None:
    name = _module(
        modules,
        "counting",
        """
        CALLS = []

        def callout(block, ctx):
            CALLS.append(ctx.page.title)
            return "Callout " + ctx.escape(ctx.options.get("word", "one"))

        """,
    )
    _module(
        modules,
        "counting_quotes",
        f"""
        from {name} import CALLS

        def quote(block, ctx):
            CALLS.append(ctx.page.title)
            return None
        """,
    )
    renderers: dict[str, Any] = {"callout": f"{name}:callout", "quote": "counting_quotes:quote"}
    first = _build(tmp_path, emulator, renderers=renderers)
    assert first.error is None, first.messages()
    calls = sys.modules[name].CALLS  # type: ignore[attr-defined]
    assert sorted(set(calls)) == ["Home", "Other"]
    calls.clear()
    assert run_build(tmp_path / "site/mkdocs.yml").error is None
    assert calls == []  # nothing changed: nothing rendered
    renderers["callout"] = {"renderer": f"{name}:callout", "options": {"word": "two"}}
    changed = _build(tmp_path, emulator, renderers=renderers)
    assert set(calls) == {"Home"}  # the page with callouts; not "Other"
    assert "Callout two" in changed.html("home/index.html").get_text()
    calls.clear()
    # New code (as a new process would load it): the same pages again.
    source = (modules / f"{name}.py").read_text(encoding="utf-8")
    (modules / f"{name}.py").write_text(source.replace('"Callout "', '"Box "'), encoding="utf-8")
    del sys.modules[name]
    loader._MODULE_DIGESTS.pop(name, None)
    calls.clear()
    recoded = _build(tmp_path, emulator, renderers=renderers)
    assert "Box two" in recoded.html("home/index.html").get_text()
    assert set(sys.modules[name].CALLS) == {"Home"}  # type: ignore[attr-defined]
    assert calls == []  # the quote renderer (another module, unchanged): "Other" was kept


def _install(target: Path, name: str, version: str, entry_points: str, code: str) -> None:
    """An installed distribution as pip lays one out in a folder of sys.path (`pip install
    --target`): the package, and a .dist-info with METADATA, entry_points.txt and RECORD
    (written here directly, so the test needs no build backend and no network)."""
    package = name.replace("-", "_")
    (target / package).mkdir(parents=True)
    (target / package / "__init__.py").write_text(code, encoding="utf-8")
    info = target / f"{package}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    (info / "top_level.txt").write_text(package + "\n", encoding="utf-8")
    (info / "RECORD").write_text(
        f"{package}/__init__.py,,\n{info.name}/METADATA,,\n{info.name}/RECORD,,\n",
        encoding="utf-8",
    )


def test_an_installed_distribution_offers_a_renderer_by_entry_point(
    tmp_path: Path, emulator: Emulator, modules: Path
) -> None:
    _install(
        modules,
        "shiny-renderers",
        "1.2.3",
        "[mkdocs_notion_sync.renderers]\nshiny = shiny_renderers:callout\n",
        "def callout(block, ctx):\n"
        "    return '**Shiny:** ' + ctx.rich_text(ctx.payload()['rich_text'])\n",
    )
    site = _build(tmp_path, emulator, renderers={"callout": "shiny"})
    assert site.error is None, site.messages()
    assert "Shiny: Start here" in site.html("home/index.html").get_text()
    (renderer,) = _loaded(tmp_path / "site/mkdocs.yml")
    assert renderer.name == "shiny"
    assert renderer.fingerprint == loader.fingerprint(
        "shiny", renderer.function, "shiny-renderers==1.2.3", {}
    )


def _loaded(config_file: Path) -> tuple[Any, ...]:
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]
    config = load_config(str(config_file))
    return tuple(config.plugins["notion-sync"].config.renderers.values())


def test_ignore_blocks_leaves_unsupported_blocks_out_quietly(tmp_path: Path) -> None:
    space = workspace()
    space["pages"][0]["blocks"] += [
        {"id": BUTTON, "type": "unsupported", "unsupported": {"block_type": "button"}},
        {"type": "ai_block", "ai_block": {}},
        {"type": "ai_block", "ai_block": {}},
    ]
    with emulate(space) as emu:
        default = _build(tmp_path / "default", emu, strict=True)
        assert default.error is not None  # as before: a placeholder and a WARNING each
        assert sum("unsupported Notion block" in w for w in default.warnings()) == 3
        cold = _build(tmp_path, emu, strict=True, ignore_blocks=["button", "ai_block"])
        warm = run_build(tmp_path / "site/mkdocs.yml", strict=True)
    for site in (cold, warm):
        assert site.error is None, site.messages(logging.WARNING)
        assert "Unsupported Notion block" not in site.html("home/index.html").get_text()
        info = [m for m in site.messages(logging.INFO) if "notion-sync: left out" in m]
        assert info == [
            "notion-sync: left out 3 block(s) of the types in ignore_blocks: "
            "ai_block (2), button (1)"
        ]


def test_every_unsupported_block_can_be_ignored_at_once(tmp_path: Path) -> None:
    space = workspace()
    space["pages"][0]["blocks"].append(
        {"id": BUTTON, "type": "unsupported", "unsupported": {"block_type": "button"}}
    )
    with emulate(space) as emu:
        site = _build(tmp_path, emu, strict=True, ignore_blocks="unsupported,table")
    assert site.error is None, site.messages(logging.WARNING)


def test_a_renderer_that_renders_itself_forever_is_cut_off_with_a_warning(
    tmp_path: Path, emulator: Emulator, modules: Path
) -> None:
    name = _module(
        modules, "looping", "def callout(block, ctx):\n    return ctx.render_blocks([block])\n"
    )
    site = _build(tmp_path, emulator, renderers={"callout": f"{name}:callout"})
    assert site.error is None, site.messages()
    assert any("nested deeper than 64" in w for w in site.warnings())


def test_the_context_links_pages_files_and_urls_safely(tmp_path: Path, modules: Path) -> None:
    name = _module(
        modules,
        "context_user",
        """
        def image(block, ctx):
            data = ctx.payload()
            src = ctx.asset_url(data)
            caption = ctx.plain_text(data.get("caption"))
            if src is None:
                ctx.warn("an image without a local copy")
                return ""
            alt = ctx.html(caption)
            return f'<figure class="mine"><img src="{ctx.html(src)}" alt="{alt}"></figure>'

        def bookmark(block, ctx):
            url = ctx.safe_url(ctx.payload().get("url", ""))
            shown = ctx.escape(ctx.payload().get("url", ""))
            return f"[{shown}]({url})" if url else shown

        def link_to_page(block, ctx):
            target = ctx.link_to_page(ctx.payload()["page_id"])
            return f"[{ctx.escape(ctx.page.title)} links on]({target})" if target else ""
        """,
    )
    space = workspace()
    space["pages"][0]["blocks"] += [
        {"image": {"file": {"generate": "png", "name": "x.png"}, "caption": SCRIPT}},
        {"image": {"external": "https://example.org/far.png"}},
        {"bookmark": "javascript:alert(1)"},
        {"bookmark": "java\tscript:alert(1)"},
        {"bookmark": "https://example.org/ok"},
        {"link_to_page": {"page_id": OTHER}},
    ]
    renderers = {kind: f"{name}:{kind}" for kind in ("image", "bookmark", "link_to_page")}
    with emulate(space) as emu:
        cold = _build(tmp_path, emu, renderers=renderers)
        warm = run_build(tmp_path / "site/mkdocs.yml")
    for site in (cold, warm):
        assert site.error is None, site.messages()
        article = site.html("home/index.html").select_one("article")
        assert article is not None
        (figure,) = article.select("figure.mine")
        image = figure.find("img")
        assert image["alt"] == SCRIPT and (site.site / "home" / image["src"]).is_file()
        assert article.find("script") is None
        hrefs = [a["href"] for a in article.find_all("a")]
        assert not any("javascript" in h.lower() for h in hrefs)
        assert "https://example.org/ok" in hrefs and "other/" in hrefs
        assert [w for w in site.warnings() if "context_user:image: an image without" in w]
