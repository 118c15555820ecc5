"""What a reminder says (plain data the handlers' side renders) and who it goes to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.views import BookingView
from core.waitlist.notice import WaitlistOfferNotice


@dataclass(frozen=True, slots=True)
class BookNow:
    """A child who still has to book an individual week (one "Book now" button)."""

    student_id: int
    student_name: str
    week: int
    week_monday: date


@dataclass(frozen=True, slots=True)
class NotBookedNotice:
    school_id: int
    lesson_id: int
    lesson_name: str
    family_name: str
    timezone: str
    items: tuple[BookNow, ...]


@dataclass(frozen=True, slots=True)
class SessionNotice:
    booking: BookingView
    lead: timedelta | None = None  # the lead time this reminder is for (None: unnamed)


@dataclass(frozen=True, slots=True)
class AgendaNotice:
    """A teacher's booked sessions of one day (local date), in order."""

    teacher_name: str
    day: date
    timezone: str
    sessions: tuple[BookingView, ...]


@dataclass(frozen=True, slots=True)
class StillToBook:
    """A family of a digest and the children and weeks it still has to book."""

    family_name: str
    items: tuple[BookNow, ...]
    unreachable: bool  # no parent of the family can be reached in chat


@dataclass(frozen=True, slots=True)
class DigestNotice:
    """An admin's digest: a lesson's bookings have been open a while; who has not booked."""

    lesson_key: str
    lesson_name: str
    open_days: int
    families: tuple[StillToBook, ...]


@dataclass(frozen=True, slots=True)
class AdminDigestNotice:
    """One message to an admin: the digests of every lesson due (in lesson order; the
    reminder's ``keys`` in the same order, one per lesson)."""

    lessons: tuple[DigestNotice, ...]


Notice = (
    NotBookedNotice
    | SessionNotice
    | WaitlistOfferNotice
    | AgendaNotice
    | DigestNotice
    | AdminDigestNotice
)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One message to one chat, with the key that makes it go out once.

    A message that carries several reminders (an admin's digest of several lessons) has the
    others' keys in ``covers``: all of them are claimed in one statement and marked together
    (core.reminders.sending), so each goes out exactly once with the message."""

    key: str
    kind: str
    school_id: int
    parent_id: int | None  # None: a teacher's agenda or an admin's digest
    chat_id: int
    notice: Notice
    language: str | None = None  # the recipient's (core.languages); None: the current one
    covers: tuple[str, ...] = ()  # the other keys this message settles with ``key``

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this message settles: ``key`` first."""
        return (self.key, *self.covers)


@dataclass(frozen=True, slots=True)
class OnDemandPlan:
    """An admin's reminder now, before it is sent: who would get it."""

    lesson_name: str
    reminders: list[Reminder]
    families: int  # families with a child still to book
    unreachable: int  # of those, families with no parent reachable in chat
    family_of: dict[str, int] = field(default_factory=dict)  # reminder key -> family id

    @property
    def reachable_families(self) -> int:
        return self.families - self.unreachable

    @property
    def parents(self) -> int:
        """Parent chats the reminder would go to (one message each)."""
        return len(self.reminders)
