"""What a well-formed answer of each endpoint is, checked where answers arrive.

The rest of the plugin reads Notion's objects leniently (objects.py: a malformed field
reads as empty). A few things it must be able to rely on, though: an answer is a JSON
object, a list's results are objects, and every id it may put into the path of a later
request is a Notion id (an id like `../users` would otherwise become another request).
An answer that breaks one of these is broken as a whole (a proxy's page served with
200, a truncated rewrite, a hostile server), so it is never half used: the client
retries it like a garbled body and then reports it in one line.
"""

from __future__ import annotations

from typing import Any

from .ids import api_id


class Malformed(ValueError):
    """What is wrong with an answer, in a few words that quote none of it."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _with_id(obj: dict[str, Any], where: str) -> dict[str, Any]:
    """`obj`, its id in the dashed form, or Malformed when it has no Notion id."""
    notion_id = api_id(obj.get("id"))
    if notion_id is None:
        raise Malformed(f"{where} has no Notion id")
    obj["id"] = notion_id
    return obj


def an_object(answer: Any, *, with_id: bool = True) -> dict[str, Any]:
    """A single object (a page, block, database, user), with a Notion id."""
    if not isinstance(answer, dict):
        raise Malformed(f"{_kind(answer)} instead of an object")
    return _with_id(answer, "the object") if with_id else answer


def a_database(answer: Any) -> dict[str, Any]:
    """A database container: its data sources are what the next requests are about."""
    database = an_object(answer)
    sources = database.get("data_sources")
    if sources is None:
        return database
    if not isinstance(sources, list):
        raise Malformed(f"data_sources is {_kind(sources)}, not a list")
    for index, source in enumerate(sources, 1):
        if not isinstance(source, dict):
            raise Malformed(f"data source {index} is {_kind(source)}, not an object")
        _with_id(source, f"data source {index}")
    return database


def a_view(answer: Any) -> dict[str, Any]:
    """A view: the data source it shows is what the next requests are about."""
    view = an_object(answer)
    source = view.get("data_source_id")
    if source is not None:
        found = api_id(source)
        if found is None:
            raise Malformed("the view's data_source_id is not a Notion id")
        view["data_source_id"] = found
    return view


def a_list_page(answer: Any, *, ids: bool) -> tuple[list[dict[str, Any]], bool, str | None]:
    """(results, has_more, next_cursor) of one page of a list endpoint; `ids`: every
    result must carry a Notion id (all but property items do)."""
    page = an_object(answer, with_id=False)
    results = page.get("results")
    if not isinstance(results, list):
        raise Malformed(f"its results are {_kind(results)}, not a list")
    for index, item in enumerate(results, 1):
        if not isinstance(item, dict):
            raise Malformed(f"result {index} is {_kind(item)}, not an object")
        if ids:
            _with_id(item, f"result {index}")
    has_more = page.get("has_more")
    if not isinstance(has_more, bool):
        raise Malformed(f"has_more is {_kind(has_more)}, not true or false")
    cursor = page.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise Malformed(f"next_cursor is {_kind(cursor)}, not a string")
    return results, has_more, cursor or None
