"""Domain errors: each says in plain words what went wrong; handlers and the CLI show it.

A refusal keeps its English template (a catalog text, marked with ``N_``) and the values
that go in it; :attr:`DomainError.message` puts them together in the language current where
it is read (core.i18n.fill): the chat's user's, the Mini App's, English for the command
line, the API keys and the logs. Dates and times are passed as values (a datetime already in
the school's timezone, a date) and written in that language then, never formatted in the
core. ``str(error)`` is the English sentence (what a log line shows).
"""

from __future__ import annotations

from core.i18n import N_, fill, in_english


class DomainError(Exception):
    """A refusal the user can understand. ``message`` is shown as it is."""

    code = "error"

    def __init__(self, message: str, /, **values: object) -> None:
        self.template = message
        self.values = values
        super().__init__(self.english)

    @property
    def message(self) -> str:
        """The refusal in the current language (its dates in that language's words)."""
        return fill(self.template, self.values)

    @property
    def english(self) -> str:
        """The refusal in English, whatever the current language (logs, the CLI's JSON)."""
        return in_english(lambda: fill(self.template, self.values))


class DatabaseUnavailable(DomainError):
    """The database is down, restarting or not answering: nothing was done (unless the
    message says the outcome is unknown). Try again later."""

    code = "database_unavailable"

    def __init__(
        self,
        message: str = N_(
            "The booking system is temporarily unavailable. Nothing was changed. "
            "Please try again in a few minutes."
        ),
        /,
        **values: object,
    ) -> None:
        super().__init__(message, **values)


class NotFound(DomainError):
    code = "not_found"


class SlotTaken(DomainError):
    code = "slot_taken"

    def __init__(
        self, message: str = N_("That slot has just been taken."), /, **values: object
    ) -> None:
        super().__init__(message, **values)


class TeacherBusy(SlotTaken):
    code = "teacher_busy"


class SlotUnavailable(DomainError):
    """The time asked for is not one of the lesson's slots (wrong week, time or window)."""

    code = "slot_unavailable"


class AlreadyBooked(DomainError):
    code = "already_booked"


class NoticeTooShort(DomainError):
    code = "notice_too_short"

    def __init__(self, message: str | None = None, /, **values: object) -> None:
        super().__init__(
            message
            or N_(
                "That is less than 24 hours away, so it can't be changed here. "
                "Please contact the school."
            ),
            **values,
        )


class BookingsClosed(DomainError):
    code = "bookings_closed"

    def __init__(
        self,
        message: str = N_("Bookings for this lesson are closed right now."),
        /,
        **values: object,
    ) -> None:
        super().__init__(message, **values)


class NotYourStudent(DomainError):
    code = "not_your_student"

    def __init__(
        self, message: str = N_("That child is not in your family."), /, **values: object
    ) -> None:
        super().__init__(message, **values)


class NotAllowed(DomainError):
    code = "not_allowed"


class InvalidState(DomainError):
    """E.g. cancelling a booking that is already cancelled."""

    code = "invalid_state"


class InvalidInvite(DomainError):
    code = "invalid_invite"


class SchoolFileError(DomainError):
    """A school file that cannot be imported; ``problems`` lists `path: message` lines
    (English: the command line's, never a chat's)."""

    code = "school_file"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid school file"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__("{text}", text=first + more)


class AlreadyDecided(DomainError):
    """A PENDING booking's confirmation asked for again after it was decided (a second
    press, a stale button, a confirm racing a decline): who decided says the message."""

    code = "already_decided"
