"""Domain errors: each says in plain words what went wrong; handlers and the CLI show it."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can understand. ``message`` is shown as it is."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseUnavailable(DomainError):
    """The database is down, restarting or not answering: nothing was done (unless the
    message says the outcome is unknown). Try again later."""

    code = "database_unavailable"

    def __init__(
        self,
        message: str = (
            "The booking system is temporarily unavailable. Nothing was changed. "
            "Please try again in a few minutes."
        ),
    ) -> None:
        super().__init__(message)


class NotFound(DomainError):
    code = "not_found"


class SlotTaken(DomainError):
    code = "slot_taken"

    def __init__(self, message: str = "That slot has just been taken.") -> None:
        super().__init__(message)


class TeacherBusy(SlotTaken):
    code = "teacher_busy"


class SlotUnavailable(DomainError):
    """The time asked for is not one of the lesson's slots (wrong week, time or window)."""

    code = "slot_unavailable"


class AlreadyBooked(DomainError):
    code = "already_booked"


class NoticeTooShort(DomainError):
    code = "notice_too_short"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "That is less than 24 hours away, so it can't be changed here. "
            "Please contact the school."
        )


class BookingsClosed(DomainError):
    code = "bookings_closed"

    def __init__(self, message: str = "Bookings for this lesson are closed right now.") -> None:
        super().__init__(message)


class NotYourStudent(DomainError):
    code = "not_your_student"

    def __init__(self, message: str = "That child is not in your family.") -> None:
        super().__init__(message)


class NotAllowed(DomainError):
    code = "not_allowed"


class InvalidState(DomainError):
    """E.g. cancelling a booking that is already cancelled."""

    code = "invalid_state"


class InvalidInvite(DomainError):
    code = "invalid_invite"


class SchoolFileError(DomainError):
    """A school file that cannot be imported; ``problems`` lists `path: message` lines."""

    code = "school_file"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid school file"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class AlreadyDecided(DomainError):
    """A PENDING booking's confirmation asked for again after it was decided (a second
    press, a stale button, a confirm racing a decline): who decided says the message."""

    code = "already_decided"
