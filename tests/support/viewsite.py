"""A workspace whose database has a view of every layout (and a hostile entry, option
and view name), a linked view of it in another page, and a plain child database: what
the views, layouts and warm-budget tests build."""

from __future__ import annotations

from typing import Any

from .workspaces import PEOPLE

PROJECTS = "a7a7a7a7-0000-4000-8000-000000000001"
HOME = "a7a7a7a7-0000-4000-8000-000000000002"
TASKS = "7a5c0000-0000-4000-8000-000000000001"
TASKS_DS = "7a5c0000-0000-4000-8000-0000000000d5"
NOTES = "7a5c0000-0000-4000-8000-000000000002"
LINKED = "7a5c0000-0000-4000-8000-000000000003"

TABLE = "7a5c0000-0000-4000-8000-0000000000a1"
BOARD = "7a5c0000-0000-4000-8000-0000000000a2"
GALLERY = "7a5c0000-0000-4000-8000-0000000000a3"
LIST = "7a5c0000-0000-4000-8000-0000000000a4"
CALENDAR = "7a5c0000-0000-4000-8000-0000000000a5"
TIMELINE = "7a5c0000-0000-4000-8000-0000000000a6"
DONE = "7a5c0000-0000-4000-8000-0000000000a7"
PROGRESS = "7a5c0000-0000-4000-8000-0000000000a8"
HOSTILE_VIEW = "7a5c0000-0000-4000-8000-0000000000a9"
LINKED_VIEW = "7a5c0000-0000-4000-8000-0000000000b1"

WRITE = "7a5c0000-0000-4000-8000-00000000e001"
REVIEW = "7a5c0000-0000-4000-8000-00000000e002"
SHIP = "7a5c0000-0000-4000-8000-00000000e003"
SHIP_OLD = "7a5c0000-0000-4000-8000-00000000e004"
PLAN = "7a5c0000-0000-4000-8000-00000000e005"
EVIL = "7a5c0000-0000-4000-8000-00000000e006"

EVIL_TITLE = '"><script>alert(1)</script>'
EVIL_OPTION = "<img src=x onerror=alert(1)>"
EVIL_VIEW = '"><img src=x onerror=alert(2)>'
STATUSES = ["Not started", "Doing", "Review", EVIL_OPTION, "Done"]


def _entry(entry_id: str, title: str, status: str, due: str | None, **extra: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"Status": status, "Owner": [PEOPLE[0]["id"]]}
    if due:
        properties["Due"] = due
    properties.update(extra.pop("properties", {}))
    return {
        "id": entry_id,
        "title": title,
        "properties": properties,
        "blocks": [{"paragraph": f"Body of {title}."}],
        **extra,
    }


def tasks_database() -> dict[str, Any]:
    return {
        "id": TASKS,
        "data_source_id": TASKS_DS,
        "title": "Tasks",
        "properties": {
            "Name": "title",
            "Status": {"type": "status", "options": STATUSES},
            "Due": "date",
            "Owner": "people",
            "Link": "url",
            "Notes": "rich_text",
        },
        "entries": [
            _entry(
                WRITE,
                "Write the guide",
                "Doing",
                "2026-03-02",
                cover={"generate": "png", "color": "#16a34a", "name": "write.png"},
            ),
            _entry(REVIEW, "Review the guide", "Review", "2026-03-05"),
            _entry(SHIP, "Ship 1.0", "Done", "2026-02-20"),
            _entry(SHIP_OLD, "Ship 0.9", "Done", "2026-01-15"),
            _entry(PLAN, "Plan 2.0", "Not started", None),
            _entry(
                EVIL,
                EVIL_TITLE,
                EVIL_OPTION,
                "2026-03-10",
                cover={"external": "javascript:alert(3)"},
                properties={"Link": "javascript:alert(4)", "Notes": "<b>bold?</b> | pipe"},
            ),
        ],
        "views": [
            {"id": TABLE, "name": "All tasks", "type": "table", "properties": ["Name", "Status"]},
            {
                "id": BOARD,
                "name": "Board",
                "type": "board",
                "group_by": {"property": "Status", "by": "option"},
                "properties": ["Name", "Due", "Link", "Notes"],
            },
            {
                "id": GALLERY,
                "name": "Gallery",
                "type": "gallery",
                "cover": "page_cover",
                "properties": ["Name", "Status"],
            },
            {"id": LIST, "name": "List", "type": "list", "properties": ["Name", "Due"]},
            {"id": CALENDAR, "name": "Calendar", "type": "calendar", "date": "Due"},
            {"id": TIMELINE, "name": "Timeline", "type": "timeline", "date": "Due"},
            {
                "id": DONE,
                "name": "Done, newest first",
                "type": "table",
                "properties": ["Due", "Name"],
                "filter": {"property": "Status", "status": {"equals": "Done"}},
                "sorts": [{"property": "Due", "direction": "descending"}],
            },
            {
                "id": PROGRESS,
                "name": "In progress",
                "type": "board",
                "group_by": {"property": "Status", "by": "group"},
                "filter": {"property": "Status", "status": {"equals": "In progress"}},
            },
            {"id": HOSTILE_VIEW, "name": EVIL_VIEW, "type": "list"},
        ],
    }


def views_workspace() -> dict[str, Any]:
    return {
        "seed": "views",
        "users": PEOPLE,
        "pages": [
            {
                "id": PROJECTS,
                "title": "Projects",
                "blocks": [{"paragraph": "The tasks."}, {"database": tasks_database()}],
            },
            {
                "id": HOME,
                "title": "Home",
                "blocks": [
                    {"paragraph": "What is on the board."},
                    {
                        "linked_database": {
                            "id": LINKED,
                            "database": TASKS,
                            "views": [
                                {
                                    "id": LINKED_VIEW,
                                    "name": "My board",
                                    "type": "board",
                                    "group_by": "Status",
                                    "filter": {
                                        "property": "Status",
                                        "status": {"does_not_equal": "Done"},
                                    },
                                    "properties": ["Name", "Due"],
                                }
                            ],
                        }
                    },
                    {
                        "database": {
                            "id": NOTES,
                            "title": "Notes",
                            "properties": {"Name": "title", "Topic": "select"},
                            "entries": [
                                {"title": "Note A", "properties": {"Topic": "x"}},
                                {"title": "Note B", "properties": {"Topic": "y"}},
                            ],
                        }
                    },
                ],
            },
        ],
    }
