"""The types of the plugin's option values, each checking one kind of value and saying
what to write instead (MkDocs prints the message with the option's name)."""

from __future__ import annotations

import datetime
import posixpath
import re
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError

from . import settings
from .credentials import token_problem
from .log import redact
from .notion.ids import parse_notion_id
from .places import api_url_problem, site_file
from .render.custom import CustomRenderer
from .render.loader import RendererNotFound, load_renderer
from .settings import DEFAULT_API_URL, DEFAULT_CACHE_DIR, NOTION_VERSIONS
from .site.netguard import parse_allowed


class NotionId(c.Type[str]):
    """An id or any Notion URL form, normalised to the dashed id the API answers with."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        notion_id = parse_notion_id(text)
        if notion_id is None:
            raise ValidationError(
                f"{text!r} is not a Notion id or URL; copy the page's link from Notion "
                "(Share > Copy link) or its 32-character id"
            )
        return notion_id


class Number(c.Type[float]):
    """A number within bounds; ints are accepted where floats are meant."""

    def __init__(self, default: float, minimum: float, maximum: float) -> None:
        super().__init__((int, float), default=default)
        self.minimum, self.maximum = minimum, maximum

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool):
            raise ValidationError(f"expected a number but received {value!r}")
        number = super().run_validation(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                f"must be between {self.minimum:g} and {self.maximum:g}, not {number!r}"
            )
        return float(number)


class Count(c.Type[int]):
    """A whole number within bounds."""

    def __init__(self, default: int | None, minimum: int, maximum: int) -> None:
        super().__init__(int, default=default)
        self.minimum, self.maximum = minimum, maximum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise ValidationError(f"expected a whole number but received {value!r}")
        number = super().run_validation(value)
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                f"must be between {self.minimum} and {self.maximum}, not {number!r}"
            )
        return number


class SiteFolder(c.Type[str]):
    """A folder inside the site: relative, normalised, never escaping it."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).strip().replace("\\", "/")
        folder = posixpath.normpath(text.strip("/")) if text.strip("/") else "."
        if folder == ".." or folder.startswith("../") or "\x00" in folder:
            raise ValidationError(f"{text!r} must be a folder inside the site, like 'handbook'")
        return "" if folder == "." else folder


class Token(c.Type[str]):
    """The integration token; its value is never part of an error message."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"expected a string, not {type(value).__name__}")
        redact.add_token(value)
        problem = token_problem(value)
        if problem:
            raise ValidationError(problem)
        return value


class ApiUrl(c.Type[str]):
    """An http(s) URL with a host (see `places.api_url_problem`)."""

    def __init__(self) -> None:
        super().__init__(str, default=DEFAULT_API_URL)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        redact.add_url(text)
        problem = api_url_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class CacheDir(c.Type[str]):
    """A folder for the cache, relative to mkdocs.yml's folder; never empty (which would
    be mkdocs.yml's folder itself, docs and site included)."""

    def __init__(self) -> None:
        super().__init__(str, default=DEFAULT_CACHE_DIR)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if not text.strip() or "\x00" in text:
            raise ValidationError(
                f"must name a folder for the cache, like {DEFAULT_CACHE_DIR!r}, not {text!r}"
            )
        return text


class MetricsFile(c.Type[str]):
    """A file inside site_dir (see `places.site_file`)."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        path = site_file(text)
        if path is None:
            raise ValidationError(
                f"{text!r} must be a file path inside site_dir, like 'metrics.json' or "
                "'reports/notion.prom'"
            )
        return path


class RedirectsFile(c.Type[str]):
    """A `.json`, `.yml` or `.yaml` file relative to mkdocs.yml's folder (its place
    against docs_dir and site_dir is checked with the paths resolved, in config.py)."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        path = site_file(text)
        if path is None or not path.endswith((".json", ".yml", ".yaml")):
            raise ValidationError(
                f"{text!r} must be a .json, .yml or .yaml file relative to mkdocs.yml's "
                "folder, like 'redirects.yml'"
            )
        return path


class AllowedHosts(c.ListOfItems[str]):
    """Host names or IP networks; one string is read as a comma-separated list, so the
    environment can say `NOTION_SYNC_DOWNLOAD_ALLOWED_HOSTS=wiki.internal,10.1.0.0/16`."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        hosts = super().run_validation(value)
        for host in hosts:
            try:
                parse_allowed(host)
            except ValueError as error:
                raise ValidationError(str(error)) from None
        return [host.strip() for host in hosts]


_BLOCK_TYPE = re.compile(r"[a-z][a-z0-9_]{0,63}")
PART_OF_PARENT = {"table_row": "table", "column": "column_list"}
"""Block types drawn by their parent block, never on their own."""


def block_type_problem(name: object) -> str | None:
    """Why `name` cannot be a block type in `renderers` or `ignore_blocks`, or None."""
    if not isinstance(name, str) or not _BLOCK_TYPE.fullmatch(name):
        return (
            f"{name!r} is not a Notion block type (lower case, like 'callout', 'to_do' or "
            "'unsupported')"
        )
    if name in PART_OF_PARENT:
        return (
            f"'{name}' blocks are drawn by their '{PART_OF_PARENT[name]}' block; name "
            f"'{PART_OF_PARENT[name]}' instead"
        )
    return None


class Renderers(c.Type[dict]):  # type: ignore[type-arg]
    """Block type -> the renderer that draws it: `module:function`, an installed
    renderer's entry-point name, or `{renderer: ..., options: {...}}`. Each is imported
    here, so a name that does not load is a configuration error naming the option."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, CustomRenderer]:
        if value is None:
            return {}
        mapping = super().run_validation(value)
        loaded: dict[str, CustomRenderer] = {}
        for block_type, spec in mapping.items():
            problem = block_type_problem(block_type)
            if problem:
                raise ValidationError(problem)
            target, options = _renderer_spec(block_type, spec)
            try:
                loaded[block_type] = load_renderer(block_type, target, options)
            except RendererNotFound as error:
                raise ValidationError(f"{block_type}: {error}") from None
        return loaded


def _renderer_spec(block_type: str, spec: object) -> tuple[str, dict[str, Any]]:
    if isinstance(spec, str) and spec.strip():
        return spec, {}
    if isinstance(spec, dict) and set(spec) <= {"renderer", "options"}:
        target, options = spec.get("renderer"), spec.get("options", {})
        if isinstance(target, str) and target.strip() and isinstance(options, dict):
            return target, options
    raise ValidationError(
        f"{block_type}: expected `module:function`, an installed renderer's name, or "
        f"{{renderer: module:function, options: {{...}}}}, not {spec!r}"
    )


class BlockTypes(c.ListOfItems[str]):
    """Block types; one string is read as a comma-separated list (for the environment:
    `NOTION_SYNC_IGNORE_BLOCKS=button,ai_block`)."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        names = super().run_validation(value)
        for name in names:
            problem = block_type_problem(name)
            if problem:
                raise ValidationError(problem)
        return list(dict.fromkeys(names))


class PagePatterns(c.ListOfItems[str]):
    """Pages by title glob (`Drafts`, `Draft*`), id or Notion URL; an id or URL is kept
    as the dashed id, so every spelling of one page matches it."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        patterns = []
        for text in super().run_validation(value):
            stripped = " ".join(text.split())
            if not stripped:
                raise ValidationError("an empty entry names no page; write a title, id or URL")
            page_id = parse_notion_id(stripped)
            looks_like_url = "://" in stripped or stripped.startswith(
                ("notion.so/", "www.notion.so/", "app.notion.com/")
            )
            if page_id is None and looks_like_url:
                raise ValidationError(
                    f"{stripped!r} is a URL without a Notion page id; copy the page's link "
                    "from Notion (Share > Copy link), or write its title"
                )
            patterns.append(page_id or stripped)
        return patterns


RESERVED_FRONT_MATTER = {
    "notion_id": "the plugin writes it",
    "notion_url": "the plugin writes it",
    "notion_edit_url": "the plugin writes it (the edit link)",
    "last_edited_time": "the plugin writes it",
    "properties": "the plugin writes it (every property of a database entry)",
    "template": "a page's template is the site's choice, and a missing one fails the build",
}
_FRONT_MATTER_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


class FrontMatterMap(c.Type[dict]):  # type: ignore[type-arg]
    """Front-matter key -> the property that feeds it (`description: Summary`)."""

    def __init__(self) -> None:
        super().__init__(dict, default={})

    def run_validation(self, value: object) -> dict[str, str]:
        if value is None:
            return {}
        mapping = super().run_validation(value)
        result: dict[str, str] = {}
        for key, name in mapping.items():
            if not isinstance(key, str) or not _FRONT_MATTER_KEY.fullmatch(key):
                raise ValidationError(f"{key!r} is not a front-matter key (like 'description')")
            if key in RESERVED_FRONT_MATTER:
                raise ValidationError(
                    f"'{key}' cannot come from a property: {RESERVED_FRONT_MATTER[key]}"
                )
            if not isinstance(name, str) or not name.strip():
                raise ValidationError(
                    f"{key}: expected the name of a Notion property (like 'Summary'), not {name!r}"
                )
            result[key] = name
        return result


class NotionVersion(BaseConfigOption[str]):
    """A Notion API version the plugin speaks. YAML reads an unquoted `2026-12-01` as a
    date, which is accepted as the same version; the default is read when the config is
    validated (settings.DEFAULT_NOTION_VERSION)."""

    @property
    def default(self) -> str:
        return settings.DEFAULT_NOTION_VERSION

    @default.setter
    def default(self, value: Any) -> None:
        pass  # BaseConfigOption.__init__ sets None; the default is always the current one

    def run_validation(self, value: object) -> str:
        if value is None:
            return self.default
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = value.isoformat()
        text = value.strip() if isinstance(value, str) else None
        if text not in NOTION_VERSIONS:
            raise ValidationError(
                f"{value!r} is not a Notion API version notion-sync speaks; use one of "
                + ", ".join(NOTION_VERSIONS)
            )
        return text
