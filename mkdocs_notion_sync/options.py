"""The types of the plugin's option values, each checking one kind of value and saying
what to write instead (MkDocs prints the message with the option's name)."""

from __future__ import annotations

import datetime
import posixpath
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError

from . import settings
from .credentials import token_problem
from .log import redact
from .notion.ids import parse_notion_id
from .places import api_url_problem, site_file
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
