"""The failures a user can act on, each a one-line message that names what to fix.

They carry Notion's own `code` and `request_id` (as notion-sdk-py does) so that a user
can quote the request to Notion support. Messages never contain the token.
"""

from __future__ import annotations

from typing import Any


class NotionSyncError(Exception):
    """Base of every error the plugin reports instead of a traceback."""

    def __init__(self, message: str, *, code: str = "", request_id: str | None = None) -> None:
        if request_id:
            message = f"{message} (Notion request id {request_id})"
        super().__init__(message)
        self.code = code
        self.request_id = request_id

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt as it is, whatever the subclass's constructor: worker processes hand
        their errors back to the build."""
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    kind: type[NotionSyncError], args: tuple[Any, ...], state: dict[str, Any]
) -> NotionSyncError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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
        super().__init__(message, code="object_not_found", request_id=request_id)
        self.object_id = object_id


class CapabilityError(NotionSyncError):
    """The integration lacks a capability (e.g. read content, read comments)."""


class RequestRejected(NotionSyncError):
    """Notion refused a request as invalid (a bad filter or sort, for instance)."""


class UnreachableError(NotionSyncError):
    """The API could not be reached, or kept failing until the circuit breaker opened."""


class WorkerFailed(NotionSyncError):
    """A worker process of a big sync died (killed, out of memory, or never started)."""


class OfflineMiss(NotionSyncError):
    """An offline build needs something the cache does not hold."""
