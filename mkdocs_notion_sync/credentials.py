"""The integration token: where it comes from, what makes it impossible, and whether it
was typed into mkdocs.yml. Free of MkDocs, so the command line and the plugin share it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import ConfigError
from .log import redact


def token_problem(token: str) -> str | None:
    """What makes a token impossible (said without quoting it), or None. Whitespace
    around it is a pasting artefact and is dropped; inside it, it is a token pasted
    with a line break, which would otherwise end up in an HTTP header error, verbatim."""
    inner = token.strip()
    if any(ch.isspace() for ch in inner):
        return (
            "contains whitespace (a line break, tab or space) inside it, which a Notion "
            "token never has: copy the integration's secret again, as one line"
        )
    if not inner.isascii() or not inner.isprintable():
        return (
            "contains characters a Notion token never has (control or non-ASCII "
            "characters): copy the integration's secret again"
        )
    return None


def resolve_token(configured: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The token option wins; otherwise NOTION_TOKEN, the name every Notion tool uses.
    A token that cannot be right is refused here, before it is sent anywhere."""
    env = os.environ if environ is None else environ
    where = "the `token` option" if configured else "the NOTION_TOKEN environment variable"
    token = configured or env.get("NOTION_TOKEN")
    if not token or not token.strip():
        return None
    redact.add_token(token)
    problem = token_problem(token)
    if problem:
        raise ConfigError(f"the Notion token in {where} {problem}")
    return token.strip()


def token_written_in_file(configured: str | None, environ: Mapping[str, str]) -> bool:
    """Whether the `token` option was typed into mkdocs.yml. MkDocs resolves `!ENV`
    before the plugin sees the value, so the tell is the value itself: one that no
    environment variable holds came from the file (a literal, or the fallback of
    `!ENV [NAME, fallback]`)."""
    return bool(configured) and configured not in environ.values()


TOKEN_IN_FILE = (
    "the Notion token is written in mkdocs.yml, where everyone who can read the file or "
    "its history can use it: write `token: !ENV NOTION_TOKEN` and set that variable (or "
    "remove `token` and set NOTION_TOKEN)"
)
