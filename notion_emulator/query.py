"""Data source query filters and sorts, evaluated over the emulator's property values.

Only what a docs sync needs is implemented, but unknown shapes are refused with a 400
like the real API rather than silently matching everything, so client bugs surface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from . import richtext
from .clock import parse_iso
from .workspace import DataSource, Page, Workspace

JSON = dict[str, Any]


class FilterError(ValueError):
    """Becomes a 400 validation_error; the message mimics Notion's wording."""


@dataclass(frozen=True)
class Rules:
    """What the API version changes in how filters match (versions.py)."""

    groups: bool = True
    """A status `equals` also matches every option of the status group of that name
    (before 2026-12-01)."""


def _status_names(schema: JSON, wanted: set[str]) -> set[str]:
    """`wanted`, plus the options of any status group it names."""
    config = schema.get("status") or {}
    by_id = {o["id"]: o["name"] for o in config.get("options", [])}
    names = set(wanted)
    for group in config.get("groups", []):
        if group["name"] in wanted:
            names.update(by_id.get(option, "") for option in group["option_ids"])
    return names


TEXT_KINDS = frozenset({"title", "rich_text", "url", "email", "phone_number"})
DATE_OPS = ("equals", "before", "after", "on_or_before", "on_or_after", "is_empty", "is_not_empty")


def _day_bounds(value: str) -> tuple[datetime, datetime, bool]:
    """Start, end (exclusive) and whether the filter value was a bare date."""
    if len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError as error:
            raise FilterError(f"body failed validation: {value!r} is not a date. {error}") from None
        start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        return start, start + timedelta(days=1), True
    try:
        moment = parse_iso(value)
    except ValueError:
        raise FilterError(
            f"body failed validation: body.filter date should be an ISO 8601 date, "
            f"instead was `{value!r}`."
        ) from None
    return moment, moment, False


def _date_match(actual: str | None, condition: JSON, path: str) -> bool:
    if not isinstance(condition, dict) or len(condition) != 1:
        raise FilterError(
            f"body failed validation: {path} should be an object with one of {', '.join(DATE_OPS)}."
        )
    op, raw = next(iter(condition.items()))
    if op == "is_empty":
        return actual is None
    if op == "is_not_empty":
        return actual is not None
    if op not in DATE_OPS:
        raise FilterError(
            f"body failed validation. Fix one:\n{path}.{op} is not a valid date filter condition."
        )
    if actual is None:
        return False
    start, end, whole_day = _day_bounds(str(raw))
    moment = parse_iso(actual)
    if whole_day:
        if len(actual) == 10:
            moment = datetime.fromisoformat(actual).replace(tzinfo=timezone.utc)
        return {
            "equals": start <= moment < end,
            "before": moment < start,
            "after": moment >= end,
            "on_or_before": moment < end,
            "on_or_after": moment >= start,
        }[op]
    return {
        "equals": moment == start,
        "before": moment < start,
        "after": moment > start,
        "on_or_before": moment <= start,
        "on_or_after": moment >= start,
    }[op]


def _text_match(actual: str, condition: JSON, path: str) -> bool:
    op, raw = _one(condition, path)
    value = "" if raw is None else str(raw)
    checks = {
        "equals": lambda: actual == value,
        "does_not_equal": lambda: actual != value,
        "contains": lambda: value.lower() in actual.lower(),
        "does_not_contain": lambda: value.lower() not in actual.lower(),
        "starts_with": lambda: actual.lower().startswith(value.lower()),
        "ends_with": lambda: actual.lower().endswith(value.lower()),
        "is_empty": lambda: actual == "",
        "is_not_empty": lambda: actual != "",
    }
    if op not in checks:
        raise FilterError(
            f"body failed validation. Fix one:\n{path}.{op} is not a valid text filter condition."
        )
    return checks[op]()


def _one(condition: Any, path: str) -> tuple[str, Any]:
    if not isinstance(condition, dict) or len(condition) != 1:
        raise FilterError(
            f"body failed validation: {path} should be an object with exactly "
            f"one condition, instead was `{condition!r}`."
        )
    op, raw = next(iter(condition.items()))
    return str(op), raw


def _property_match(
    page: Page, ws: Workspace, source: DataSource, spec: JSON, path: str, rules: Rules
) -> bool:
    name = str(spec["property"])
    schema = source.properties.get(name)
    if schema is None:
        for candidate in source.properties.values():
            if candidate["id"] == name:
                schema = candidate
                break
    if schema is None:
        raise FilterError(f"Could not find property with name or id: {name}")
    kind = schema["type"]
    keys = [k for k in spec if k != "property"]
    if len(keys) != 1:
        raise FilterError(
            f"body failed validation: {path} should have exactly one type key besides `property`."
        )
    filter_kind = keys[0]
    condition = spec[filter_kind]
    if filter_kind != kind and not (filter_kind == "rich_text" and kind in TEXT_KINDS):
        raise FilterError(
            f"body failed validation: {path}.{filter_kind} does not match the "
            f"property type `{kind}` of {name}."
        )
    value = page.properties.get(schema["name"])
    if kind in ("created_time", "last_edited_time"):
        record = ws.blocks[page.id]
        return _date_match(getattr(record, kind), condition, f"{path}.{filter_kind}")
    if kind in ("title", "rich_text"):
        return _text_match(richtext.plain_text(value or []), condition, f"{path}.{filter_kind}")
    if kind in TEXT_KINDS:
        return _text_match(value or "", condition, f"{path}.{filter_kind}")
    op, raw = _one(condition, f"{path}.{filter_kind}")
    if kind == "checkbox":
        if op not in ("equals", "does_not_equal") or not isinstance(raw, bool):
            raise FilterError(
                f"body failed validation: {path}.checkbox.{op} should be a "
                f"boolean equals/does_not_equal."
            )
        return (bool(value) == raw) == (op == "equals")
    if kind in ("select", "status"):
        name_value: str | None = value["name"] if value else None
        if op == "is_empty":
            return name_value is None
        if op == "is_not_empty":
            return name_value is not None
        if op in ("equals", "does_not_equal"):
            wanted = {str(v) for v in raw} if isinstance(raw, list) else {str(raw)}
            if kind == "status" and rules.groups:
                wanted = _status_names(schema, wanted)
            return (name_value in wanted) == (op == "equals")
    if kind == "multi_select":
        names = [v["name"] for v in value or []]
        if op == "contains":
            return raw in names
        if op == "does_not_contain":
            return raw not in names
        if op == "is_empty":
            return not names
        if op == "is_not_empty":
            return bool(names)
    if kind == "number":
        ops: dict[str, Callable[[], Any]] = {
            "equals": lambda: value == raw,
            "does_not_equal": lambda: value != raw,
            "greater_than": lambda: value is not None and value > raw,
            "less_than": lambda: value is not None and value < raw,
            "greater_than_or_equal_to": lambda: value is not None and value >= raw,
            "less_than_or_equal_to": lambda: value is not None and value <= raw,
            "is_empty": lambda: value is None,
            "is_not_empty": lambda: value is not None,
        }
        if op in ops:
            return bool(ops[op]())
    if kind == "date":
        return _date_match(value["start"] if value else None, condition, f"{path}.date")
    if kind in ("relation", "people"):
        ids = [v["id"] for v in value or []]
        if op == "contains":
            return raw in ids
        if op == "does_not_contain":
            return raw not in ids
        if op == "is_empty":
            return not ids
        if op == "is_not_empty":
            return bool(ids)
    raise FilterError(f"body failed validation. Fix one:\n{path}.{kind}.{op} is not supported.")


def matches(
    page: Page,
    ws: Workspace,
    source: DataSource,
    spec: Any,
    rules: Rules = Rules(),
    path: str = "body.filter",
    depth: int = 0,
) -> bool:
    if not isinstance(spec, dict):
        raise FilterError(
            f"body failed validation: {path} should be an object, instead was `{spec!r}`."
        )
    if depth > 2:
        raise FilterError("body failed validation: filters can be nested at most 2 levels deep.")
    if "and" in spec or "or" in spec:
        key = "and" if "and" in spec else "or"
        parts = spec[key]
        if not isinstance(parts, list):
            raise FilterError(
                f"body failed validation: {path}.{key} should be an array, instead was `{parts!r}`."
            )
        # No short-circuit: an invalid branch must fail even when an earlier one decides.
        results = [
            matches(page, ws, source, part, rules, f"{path}.{key}[{i}]", depth + 1)
            for i, part in enumerate(parts)
        ]
        return all(results) if key == "and" else any(results)
    if "timestamp" in spec:
        kind = spec["timestamp"]
        if kind not in ("created_time", "last_edited_time") or kind not in spec:
            raise FilterError(
                f"body failed validation: {path}.timestamp should be "
                f"`created_time` or `last_edited_time` with a matching condition."
            )
        return _date_match(getattr(ws.blocks[page.id], kind), spec[kind], f"{path}.{kind}")
    if "property" in spec:
        return _property_match(page, ws, source, spec, path, rules)
    raise FilterError(
        f"body failed validation. Fix one:\n{path}.or should be defined, instead was "
        f"`undefined`.\n{path}.and should be defined, instead was `undefined`.\n"
        f"{path}.property should be defined, instead was `undefined`.\n"
        f"{path}.timestamp should be defined, instead was `undefined`."
    )


def validate(ws: Workspace, source: DataSource, spec: Any, rules: Rules = Rules()) -> None:
    """Checks a filter's shape even when the data source is empty."""
    probe = Page("00000000-0000-4000-8000-000000000000", [], None, None, None, None, source.id)
    try:
        if source.entries:
            matches(ws.pages[source.entries[0]], ws, source, spec, rules)
        else:
            _shape_only(ws, source, spec, probe)
    except KeyError as error:
        raise FilterError(f"body failed validation: missing {error}") from None


def _shape_only(ws: Workspace, source: DataSource, spec: Any, probe: Page) -> None:
    if isinstance(spec, dict) and "property" in spec:
        name = str(spec["property"])
        if name not in source.properties and all(
            p["id"] != name for p in source.properties.values()
        ):
            raise FilterError(f"Could not find property with name or id: {name}")
        return
    if isinstance(spec, dict) and ("and" in spec or "or" in spec):
        for part in spec.get("and", spec.get("or")) or []:
            _shape_only(ws, source, part, probe)
        return
    if isinstance(spec, dict) and "timestamp" in spec:
        return
    matches(probe, ws, source, spec)


def sort_key(ws: Workspace, source: DataSource, page: Page, sort: JSON) -> Any:
    if "timestamp" in sort:
        return getattr(ws.blocks[page.id], str(sort["timestamp"]))
    name = str(sort["property"])
    schema = source.properties.get(name)
    if schema is None:
        raise FilterError(f"Could not find sort property with name or id: {name}")
    kind = schema["type"]
    value = page.properties.get(name)
    if kind in ("created_time", "last_edited_time"):
        return getattr(ws.blocks[page.id], kind)
    if kind in ("title", "rich_text"):
        return richtext.plain_text(value or []).lower() or None
    if kind in ("select", "status"):
        return value["name"] if value else None
    if kind == "date":
        return value["start"] if value else None
    if kind == "multi_select":
        return ",".join(v["name"] for v in value or []) or None
    if kind == "checkbox":
        return bool(value)
    return value


def apply_sorts(ws: Workspace, source: DataSource, pages: list[Page], sorts: Any) -> list[Page]:
    if sorts is None:
        return pages
    if not isinstance(sorts, list):
        raise FilterError(
            f"body failed validation: body.sorts should be an array, instead was `{sorts!r}`."
        )
    for sort in reversed(sorts):
        if not isinstance(sort, dict) or not ({"property", "timestamp"} & sort.keys()):
            raise FilterError(
                "body failed validation: body.sorts[0].property or "
                "body.sorts[0].timestamp should be defined."
            )
        descending = sort.get("direction", "ascending") == "descending"
        keyed = [(sort_key(ws, source, p, sort), p) for p in pages]
        present = [kp for kp in keyed if kp[0] is not None]
        missing = [kp[1] for kp in keyed if kp[0] is None]
        present.sort(key=lambda kp: kp[0], reverse=descending)
        pages = [p for _, p in present] + missing
    return pages
