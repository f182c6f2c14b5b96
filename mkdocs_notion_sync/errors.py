"""The failures a user can act on, each a one-line message that names what to fix.

They carry Notion's own `code` and `request_id` (as notion-sdk-py does) so that a user
can quote the request to Notion support. Messages never contain the token.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    """Notion's error codes (https://developers.notion.com/reference/status-codes), plus
    the ones notion-client reports for answers without a Notion body."""

    UNAUTHORIZED = "unauthorized"
    RESTRICTED_RESOURCE = "restricted_resource"
    OBJECT_NOT_FOUND = "object_not_found"
    RATE_LIMITED = "rate_limited"
    INVALID_JSON = "invalid_json"
    INVALID_REQUEST_URL = "invalid_request_url"
    INVALID_REQUEST = "invalid_request"
    VALIDATION_ERROR = "validation_error"
    MISSING_VERSION = "missing_version"
    CONFLICT_ERROR = "conflict_error"
    INTERNAL_SERVER_ERROR = "internal_server_error"
    BAD_GATEWAY = "bad_gateway"
    SERVICE_UNAVAILABLE = "service_unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"
    SERVICE_OVERLOAD = "service_overload"
    CLIENT_RESPONSE_ERROR = "notionhq_client_response_error"
    """notion-client's code for an answer that is not a Notion error body."""
    NONE = ""
    """Not an error Notion reported (our own checks, the network)."""

    @classmethod
    def of(cls, value: object) -> ErrorCode:
        """The code of a raw value (a str or notion-client's own enum), or NONE."""
        raw = str(getattr(value, "value", value) or "")
        try:
            return cls(raw)
        except ValueError:
            return cls.NONE

    def __str__(self) -> str:
        return self.value


class NotionSyncError(Exception):
    """Base of every error the plugin reports instead of a traceback."""

    def __init__(
        self, message: str, *, code: ErrorCode = ErrorCode.NONE, request_id: str | None = None
    ) -> None:
        if request_id:
            message = f"{message} (Notion request id {request_id})"
        super().__init__(message)
        self.code = code
        self.request_id = request_id


class ConfigError(NotionSyncError):
    """The user's configuration cannot work (no token, no sources, offline without cache)."""


class AuthError(NotionSyncError):
    """Notion rejected the token."""


class NotSharedError(NotionSyncError):
    """The page or database does not exist or is not shared with the integration."""

    def __init__(
        self,
        object_id: str,
        kind: str = "page",
        request_id: str | None = None,
        *,
        trashed: bool = False,
    ) -> None:
        if trashed:
            message = (
                f"Notion {kind} {object_id} is in the trash: restore it in Notion or remove "
                "it from `sources`"
            )
        else:
            message = (
                f"Notion {kind} {object_id} was not found: share it with your integration "
                f"(in Notion: open the {kind}, ... menu > Connections > add your integration) "
                "and check the id"
            )
        super().__init__(message, code=ErrorCode.OBJECT_NOT_FOUND, request_id=request_id)
        self.object_id = object_id


class CapabilityError(NotionSyncError):
    """The integration lacks a capability (e.g. read content, read comments)."""


class RequestRejected(NotionSyncError):
    """Notion refused a request as invalid (a bad filter or sort, for instance)."""


class UnreachableError(NotionSyncError):
    """The API could not be reached, or kept failing until the circuit breaker opened."""


class OfflineMiss(NotionSyncError):
    """An offline build needs something the cache does not hold."""


class CacheError(NotionSyncError):
    """The cache under cache_dir cannot be used as it is: a disk that is full, failing
    or read-only, a folder that cannot be made, an entry that cannot be read, or another
    build holding it too long. The cache itself is left as it was."""


class RendererError(NotionSyncError):
    """A custom renderer (the `renderers` option) raised, or returned something other
    than Markdown or None: the message names the callable, the block and the page."""


class FolderError(NotionSyncError):
    """The folder `sync` writes into cannot take the sync's files as they are: a file the
    sync did not write (or that was changed since) in the way of a Notion page, a damaged
    manifest, or a disk that is full or read-only. Nothing is overwritten or deleted."""
