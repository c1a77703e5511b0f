"""What a service says when it refuses: one small hierarchy, known to every domain, tied to no transport.

Services raise these with a polite Thai message for the person who asked. The HTTP layer maps the kind to a
status code (`bot.http.handle_error`, registered once in `bot.main`); the chat engine answers the message in
the resident's chat. Nothing here imports FastAPI or LINE.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; `str(error)` is the Thai message shown to the person."""

    def __init__(
        self, message: str = "", *, problems: list[str] | None = None, allowed: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.problems = list(problems or [])  # several named problems (e.g. every fault of a definition)
        self.allowed = allowed  # a refused change of status: where the record may go instead


class NotFound(DomainError):
    """The thing asked for does not exist (or the caller may not know that it does)."""


class Conflict(DomainError):
    """The request is well formed but the record's current state forbids it (sent already, closed…)."""


class Invalid(DomainError, ValueError):
    """The request breaks a rule about its content (unknown village, a date in the past, a missing note)."""


class Unavailable(DomainError):
    """Something the service depends on cannot answer now (LINE, the database); trying later may work."""


def kind(error: DomainError) -> str:
    """The most specific kind; a class may be two (an invalid transition is a conflict and a complaint error)."""
    for cls, name in ((NotFound, "not_found"), (Conflict, "conflict"), (Unavailable, "unavailable")):
        if isinstance(error, cls):
            return name
    return "invalid"
