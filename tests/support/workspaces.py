"""Small workspaces for the emulator, written the way the tests want to read them."""

from __future__ import annotations

from typing import Any

ROOT = "11111111-1111-4111-8111-111111111111"
GUIDE = "22222222-2222-4222-8222-222222222222"
SETUP = "33333333-3333-4333-8333-333333333333"
FAQ = "44444444-4444-4444-8444-444444444444"
NOTES_A = "55555555-5555-4555-8555-555555555555"
NOTES_B = "66666666-6666-4666-8666-666666666666"
OUTSIDE = "77777777-7777-4777-8777-777777777777"
DB = "88888888-8888-4888-8888-888888888888"
SETUP_PARA = "33333333-0000-4000-8000-000000000001"
HEADING = "11111111-0000-4000-8000-000000000002"
IMAGE = "11111111-0000-4000-8000-000000000003"
TOKEN = "secret_test_token_3f9a"


def handbook() -> dict[str, Any]:
    """A handbook with nested pages, an image, links of every kind and two namesakes."""
    return {
        "seed": "tests",
        "pages": [
            {
                "id": ROOT,
                "title": "Handbook",
                "icon": "📘",
                "blocks": [
                    {"paragraph": ["Welcome to the ", {"text": "handbook", "bold": True}, "."]},
                    {"id": HEADING, "heading_1": "Start here"},
                    {"paragraph": ["Read ", {"mention": {"page": SETUP}}, " first."]},
                    {"link_to_page": {"page_id": FAQ}},
                    {
                        "paragraph": [
                            {
                                "text": "A notion.so link",
                                "link": f"https://www.notion.so/Guide-{GUIDE.replace('-', '')}",
                            },
                            " and ",
                            {
                                "text": "an outside one",
                                "link": f"https://www.notion.so/Outside-{OUTSIDE.replace('-', '')}",
                            },
                        ]
                    },
                    {
                        "id": IMAGE,
                        "image": {
                            "file": {"generate": "png", "name": "diagram.png"},
                            "caption": "The diagram",
                        },
                    },
                    {
                        "page": {
                            "id": GUIDE,
                            "title": "Guide",
                            "blocks": [
                                {"paragraph": "The guide."},
                                {
                                    "page": {
                                        "id": SETUP,
                                        "title": "Set up",
                                        "blocks": [
                                            {"id": SETUP_PARA, "paragraph": "Install the thing."}
                                        ],
                                    }
                                },
                            ],
                        }
                    },
                    {"page": {"id": FAQ, "title": "FAQ", "blocks": [{"paragraph": "Questions."}]}},
                    {
                        "page": {
                            "id": NOTES_A,
                            "title": "Notes",
                            "created_time": "2026-01-01T00:00:00.000Z",
                            "blocks": [{"paragraph": "First notes."}],
                        }
                    },
                    {
                        "page": {
                            "id": NOTES_B,
                            "title": "Notes",
                            "created_time": "2026-02-01T00:00:00.000Z",
                            "blocks": [{"paragraph": "Second notes."}],
                        }
                    },
                ],
            },
            {"id": OUTSIDE, "title": "Outside", "blocks": [{"paragraph": "Not synced."}]},
        ],
    }


def many_pages(count: int, blocks_per_page: int = 3) -> dict[str, Any]:
    """A root page with `count` child pages, for incremental and pacing tests."""
    children = [
        {
            "page": {
                "title": f"Page {i:04d}",
                "blocks": [{"paragraph": f"Text {i}.{j}"} for j in range(blocks_per_page)],
            }
        }
        for i in range(count)
    ]
    return {"seed": f"many-{count}", "pages": [{"id": ROOT, "title": "Many", "blocks": children}]}


# A changelog database with every property type, three entries (one a draft) and one
# workspace member: for database tests, and for pages rendered in worker processes.

ADA = "a0a0a0a0-0000-4000-8000-000000000001"
FIRST = "e1e1e1e1-0000-4000-8000-000000000001"
SECOND = "e2e2e2e2-0000-4000-8000-000000000002"
DRAFT = "e3e3e3e3-0000-4000-8000-000000000003"

SCHEMA: dict[str, Any] = {
    "Name": "title",
    "Notes": "rich_text",
    "Version": "number",
    "Kind": {"type": "select", "options": ["Feature", "Fix"]},
    "Tags": "multi_select",
    "Status": {"type": "status", "options": ["Draft", "Review", "Published"]},
    "Date": "date",
    "Owner": "people",
    "Attachment": "files",
    "Published": "checkbox",
    "Link": "url",
    "Mail": "email",
    "Phone": "phone_number",
    "Score": "formula",
    "Related": {"type": "relation", "data_source": "self"},
    "Total": "rollup",
    "Created": "created_time",
    "Edited": "last_edited_time",
    "Author": "created_by",
    "ID": {"type": "unique_id", "prefix": "CHG"},
    "Checked": "verification",
    "Slug": "rich_text",
}


def changelog_entry(
    entry_id: str, title: str, date: str, published: bool, **values: Any
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Notes": f"Notes on {title} with a | pipe and <b>html</b>",
        "Version": 1.5,
        "Kind": "Feature",
        "Tags": ["api", "docs"],
        "Status": "Published" if published else "Draft",
        "Date": {"start": date, "end": None, "time_zone": "Europe/Paris"},
        "Owner": [ADA],
        "Attachment": [{"generate": "pdf", "name": "notes.pdf"}],
        "Published": published,
        "Link": "https://example.org/release",
        "Mail": "team@example.org",
        "Phone": "+33 1 23 45 67 89",
        "Score": 42,
        "Total": {"type": "number", "number": 7, "function": "sum"},
        "Checked": {"state": "verified", "date": None, "verified_by": None},
        "Slug": f"pinned-{title.lower().replace(' ', '-')}",
    }
    properties.update(values)
    return {
        "id": entry_id,
        "title": title,
        "properties": properties,
        "blocks": [{"paragraph": f"Body of {title}."}],
    }


PEOPLE = [{"id": ADA, "name": "Ada Lovelace", "email": "ada@example.org"}]


def changelog_database(database_id: str) -> dict[str, Any]:
    """The changelog as a child-database block of a page."""
    return {
        "database": {
            "id": database_id,
            "title": "Changelog",
            "description": "What changed, and when.",
            "properties": SCHEMA,
            "entries": [
                changelog_entry(FIRST, "First release", "2026-01-10", True),
                changelog_entry(SECOND, "Second release", "2026-03-02", True, Related=[FIRST]),
                changelog_entry(DRAFT, "Unfinished", "2026-04-01", False),
            ],
        }
    }
