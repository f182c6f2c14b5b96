"""Every way a user or the API spells a Notion id means the same page."""

import pytest

from mkdocs_notion_sync.notion.ids import parse_notion_id, parse_notion_url

PAGE = "1f2e3d4c-5b6a-7988-1f2e-3d4c5b6a7988"
BLOCK = "0a0b0c0d-0e0f-4011-8213-141516171819"


@pytest.mark.parametrize(
    "text",
    [
        PAGE,
        PAGE.upper(),
        PAGE.replace("-", ""),
        f"  {PAGE}  ",
        "https://www.notion.so/acme/Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
        "https://notion.so/Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
        "https://www.notion.so/1f2e3d4c5b6a79881f2e3d4c5b6a7988?v=aaaabbbbccccddddeeeeffff00001111",
        "https://app.notion.com/p/Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
        f"https://app.notion.com/p/{PAGE}",
        "https://acme.notion.site/Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
        "www.notion.so/acme/Handbook-1f2e3d4c5b6a79881f2e3d4c5b6a7988",
    ],
)
def test_every_spelling_of_an_id_gives_the_dashed_form(text: str) -> None:
    assert parse_notion_id(text) == PAGE


@pytest.mark.parametrize(
    "text",
    ["", "handbook", "https://example.com/1f2e3d4c5b6a79881f2e3d4c5b6a7988", "1234", "../etc"],
)
def test_text_that_names_no_notion_page_is_rejected(text: str) -> None:
    assert parse_notion_id(text) is None


def test_a_block_anchor_in_a_url_names_the_block() -> None:
    url = "https://www.notion.so/Guide-1f2e3d4c5b6a79881f2e3d4c5b6a7988#0a0b0c0d0e0f40118213141516171819"
    assert parse_notion_url(url) == (PAGE, BLOCK)


def test_a_peeked_page_wins_over_the_database_behind_it() -> None:
    url = (
        "https://www.notion.so/aaaabbbbccccddddeeeeffff00001111"
        "?v=bbbbbbbbccccddddeeeeffff00001111&p=1f2e3d4c5b6a79881f2e3d4c5b6a7988&pm=s"
    )
    assert parse_notion_url(url) == (PAGE, None)


def test_non_notion_urls_are_not_pages() -> None:
    assert parse_notion_url("https://github.com/1f2e3d4c5b6a79881f2e3d4c5b6a7988") is None
