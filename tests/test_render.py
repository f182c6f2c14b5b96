"""Golden tests: each block type's JSON in, Markdown out, and unit tests of the details.

Regenerate the goldens after an intended change with `NOTION_RENDER_REGEN=1 pytest
tests/test_render.py`, then review the diff.
"""

from __future__ import annotations

import json
import os

import pytest
from pygments.lexers import get_lexer_by_name

try:  # tests/ is a package today; keep working if it stops being one
    from .test_render_support import GOLDEN, MARKUP, FakeContext, soup, to_html
except ImportError:
    from test_render_support import GOLDEN, MARKUP, FakeContext, soup, to_html  # type: ignore[no-redef]

from mkdocs_notion_sync.render import (
    LANGUAGES,
    RENDERERS,
    block_anchor,
    lexer_for,
    plain_text,
    render_blocks,
    render_rich_text,
)

REGENERATE = os.environ.get("NOTION_RENDER_REGEN") == "1"
CASES = sorted(path.stem for path in GOLDEN.glob("*.json"))


def rt(text: str, **annotations: object) -> dict[str, object]:
    link = annotations.pop("link", None)
    return {
        "type": "text",
        "text": {"content": text, "link": {"url": link} if link else None},
        "annotations": annotations,
        "plain_text": text,
        "href": link,
    }


def para(*items: dict[str, object]) -> dict[str, object]:
    return {"type": "paragraph", "id": "p", "paragraph": {"rich_text": list(items)}}


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    blocks = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    ctx = FakeContext()
    rendered = render_blocks(blocks, ctx)
    warnings = "".join(f"{line}\n" for line in ctx.warnings)
    expected_md, expected_warn = GOLDEN / f"{name}.md", GOLDEN / f"{name}.warnings"
    if REGENERATE:
        expected_md.write_text(rendered, encoding="utf-8")
        if warnings:
            expected_warn.write_text(warnings, encoding="utf-8")
        elif expected_warn.exists():
            expected_warn.unlink()
    assert rendered == expected_md.read_text(encoding="utf-8")
    assert warnings == (expected_warn.read_text(encoding="utf-8") if expected_warn.exists() else "")
    assert rendered.endswith("\n") and not rendered.endswith("\n\n")
    tree = soup(rendered)
    assert tree.find("script") is None
    if name != "escaping":  # that one shows Markdown syntax on purpose
        leaked = [markup for markup in MARKUP if markup in tree.get_text()]
        assert not leaked


def test_every_block_type_has_a_golden() -> None:
    covered = set()
    for name in CASES:
        for block in json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8")):
            if isinstance(block, dict):
                covered.add(block.get("type"))
    missing = set(RENDERERS) - covered - {"column", "tab"}
    assert not missing


@pytest.mark.parametrize("notion", sorted(LANGUAGES))
def test_every_language_maps_to_a_pygments_lexer(notion: str) -> None:
    lexer = lexer_for(notion)
    assert " " not in lexer
    if lexer != "mermaid":  # a superfences custom fence, not a lexer
        get_lexer_by_name(lexer)


def test_language_map_covers_notions_90_names() -> None:
    assert len(LANGUAGES) == 90
    assert lexer_for("C++") == "cpp"
    assert lexer_for("plain text") == "text"
    assert lexer_for(None) == "text"
    assert lexer_for("not a language") == "text"


def test_edge_spaces_move_outside_the_markers() -> None:
    ctx = FakeContext()
    assert render_rich_text([rt("bold ", bold=True), rt("text")], ctx) == "**bold** text"
    assert render_rich_text([rt(" it ", italic=True)], ctx) == "*it*"


def test_trailing_spaces_over_several_runs_move_out() -> None:
    text = [rt("a ", bold=True), rt("  ", bold=True, italic=True), rt("b")]
    assert render_rich_text(text, FakeContext()) == "**a**   b"


def test_runs_sharing_an_annotation_share_one_marker() -> None:
    ctx = FakeContext()
    text = [rt("a", bold=True), rt("b", bold=True, italic=True), rt("c", bold=True)]
    assert render_rich_text(text, ctx) == "**a*b*c**"
    assert "<strong>a<em>b</em>c</strong>" in to_html(render_rich_text(text, ctx))


def test_script_in_text_is_shown_not_run() -> None:
    html = to_html(render_rich_text([rt("<script>alert(1)</script>")], FakeContext()))
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_snake_case_stays_upright() -> None:
    md = render_rich_text([rt("my_var_name")], FakeContext())
    assert md == "my_var_name"
    assert "<em>" not in to_html(md)


def test_inline_code_is_never_escaped() -> None:
    md = render_rich_text([rt("a*b <c> `d`", code=True)], FakeContext())
    assert md == "`` a*b <c> `d` ``"
    assert soup(md).code.get_text() == "a*b <c> `d`"  # type: ignore[union-attr]


def test_dangerous_link_schemes_are_dropped() -> None:
    ctx = FakeContext()
    assert render_rich_text([rt("x", link="javascript:alert(1)")], ctx) == "x"
    assert render_rich_text([rt("x", link=" JavaScript:alert(1)")], ctx) == "x"
    assert render_rich_text([rt("x", link="data:text/html,hi")], ctx) == "x"
    assert render_rich_text([rt("x", link="../a.md#b:c")], ctx) == "[x](../a.md#b:c)"
    assert render_rich_text([rt("x", link="mailto:a@b.c")], ctx) == "[x](mailto:a@b.c)"
    assert render_rich_text([rt("x", link="https://e.x/a b(c)")], ctx) == (
        "[x](https://e.x/a%20b%28c%29)"
    )


def test_numbered_list_is_one_list_and_restarts_after_a_block() -> None:
    def item(text: str, **extra: object) -> dict[str, object]:
        payload = {"rich_text": [rt(text)], **extra}
        return {"type": "numbered_list_item", "numbered_list_item": payload}

    blocks = [item("a"), item("b"), para(rt("x")), item("c", list_start_index=4), item("d")]
    tree = soup(render_blocks(blocks, FakeContext()))
    lists = tree.find_all("ol")
    assert [len(ol.find_all("li")) for ol in lists] == [2, 2]
    assert lists[0].get("start") is None and lists[1]["start"] == "4"


def test_adjacent_lists_of_different_kinds_stay_apart() -> None:
    blocks = [
        {"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": [rt("a")]}},
        {"type": "numbered_list_item", "numbered_list_item": {"rich_text": [rt("b")]}},
    ]
    tree = soup(render_blocks(blocks, FakeContext()))
    assert len(tree.find_all("ul")) == 1 and len(tree.find_all("ol")) == 1


def test_table_header_cells_only_with_a_column_header() -> None:
    def table(header: bool) -> dict[str, object]:
        rows = [
            {"type": "table_row", "table_row": {"cells": [[rt("h1")], [rt("h|2")]]}},
            {"type": "table_row", "table_row": {"cells": [[rt("1")], [rt("2")]]}},
        ]
        payload = {"table_width": 2, "has_column_header": header, "has_row_header": False}
        return {"type": "table", "table": payload, "children": rows}

    with_header = soup(render_blocks([table(True)], FakeContext()))
    assert [th.get_text() for th in with_header.find_all("th")] == ["h1", "h|2"]
    without = soup(render_blocks([table(False)], FakeContext()))
    assert all(th["style"] == "display: none" for th in without.find_all("th"))
    assert [td.get_text() for td in without.find_all("td")] == ["h1", "h|2", "1", "2"]


def test_heading_anchor_comes_from_its_text_and_keeps_the_old_one() -> None:
    block_id = "1404171b-8be6-809c-af66-e099ab1db458"
    heading = {"type": "heading_1", "id": block_id, "heading_1": {"rich_text": [rt("Setup")]}}
    tree = soup(render_blocks([heading], FakeContext()))
    assert tree.h2["id"] == "setup"
    old = tree.h2.find("span")
    assert old["id"] == block_anchor(block_id) == "n-1404171b8be6809caf66e099ab1db458"
    assert old.get_text() == ""


def test_unknown_block_warns_with_its_type_and_id() -> None:
    ctx = FakeContext("My page")
    md = render_blocks([{"type": "form", "id": "abc", "form": {}}], ctx)
    assert "Unsupported Notion block: form" in md
    assert ctx.warnings == ["unsupported Notion block 'form' (abc)"]


def test_self_containing_synced_block_stops() -> None:
    block: dict[str, object] = {"type": "synced_block", "id": "s", "synced_block": {}}
    block["children"] = [block]
    ctx = FakeContext()
    assert render_blocks([block], ctx) == "\n"
    assert len(ctx.warnings) == 1


def test_plain_text_tolerates_anything() -> None:
    assert plain_text(None) == ""
    assert (
        plain_text([rt("a"), None, {"type": "equation", "equation": {"expression": "x"}}]) == "ax"
    )


def test_code_block_language_and_caption_reach_the_html() -> None:
    code = {
        "type": "code",
        "code": {"rich_text": [rt("int x;")], "caption": [rt("a.cpp")], "language": "c++"},
    }
    tree = soup(render_blocks([code], FakeContext()))
    assert tree.select_one("div.language-cpp") is not None
    assert tree.select_one(".filename").get_text() == "a.cpp"  # type: ignore[union-attr]


def test_nested_containers_render_their_content() -> None:
    blocks = json.loads((GOLDEN / "nesting.json").read_text(encoding="utf-8"))
    tree = soup(render_blocks(blocks, FakeContext()))
    item = tree.find("li")
    assert item is not None
    assert item.find("table") is not None and item.find("blockquote") is not None
    assert item.select_one("details .admonition.tip .highlight") is not None
    grid = tree.select_one("div.grid")
    assert grid is not None and grid.select_one("ol[start='3']") is not None
    assert grid.select_one("div.grid") is not None  # columns inside a column


def test_mentions_of_pages_link_through_the_context() -> None:
    blocks = json.loads((GOLDEN / "rich_text_mentions.json").read_text(encoding="utf-8"))
    tree = soup(render_blocks(blocks, FakeContext()))
    links = {a.get_text(): a["href"] for a in tree.find_all("a")}
    assert links["Setup guide"] == "../pages/11111111.md"
    assert links["Tasks"] == "../pages/22222222.md"
    assert "Private page" not in links and "Private page" in tree.get_text()
