"""The booking rules, once: who may do what, which times are slots, and when a slot is free.

Both paths of the booking service use these: create and available slots (the cached
:class:`core.booking.catalog.LessonPlan` and one SQL statement) and reschedule, ``slot_at``
and ``check_conflict`` (ORM lessons). A lesson of either kind is a :class:`LessonShape`.

Who may act (DESIGN.md): the school (admins, its CLI and API keys) may act for any student
of the school, while bookings are closed and inside 24 hours; anyone else must be a parent
of the student's family, is held to 24 hours' notice, and may book or move a booking only
while bookings are open (cancelling stays possible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Literal, NoReturn, Protocol, TypeVar
from zoneinfo import ZoneInfo

from core.db.models import LessonType
from core.errors import (
    BookingsClosed,
    InvalidState,
    NotAllowed,
    NoticeTooShort,
    SlotUnavailable,
)
from core.i18n import N_
from core.schedule import Slot, Window, cut_slots, notice_ok
from core.views import Actor

CLOSED_FOR_MOVES = N_(
    "Bookings for this lesson are closed, so it can't be moved right now. "
    "You can still cancel it, or contact the school."
)

# check_time's refusals, whole sentences for each thing refused (the languages' genders)
_PASSED = {
    "session": N_("That session has already started or passed."),
    "current": N_("The current booking has already started or passed."),
    "new": N_("The new time has already started or passed."),
}
_TOO_SOON = {
    "session": N_(
        "That session ({when}) is less than 24 hours away, so it can't be changed in the bot. "
        "Please contact the school."
    ),
    "current": N_(
        "The current booking ({when}) is less than 24 hours away, so it can't be changed in "
        "the bot. Please contact the school."
    ),
    "new": N_(
        "The new time ({when}) is less than 24 hours away, so it can't be changed in the bot. "
        "Please contact the school."
    ),
}


# ---------------------------------------------------------------- the shape of a lesson


class TermShape(Protocol):
    @property
    def start_date(self) -> date: ...
    @property
    def weeks(self) -> int: ...


class WindowShape(Protocol):
    @property
    def day(self) -> int: ...
    @property
    def start_time(self) -> time: ...
    @property
    def end_time(self) -> time: ...


class HybridShape(Protocol):
    @property
    def individual_weeks(self) -> Sequence[int]: ...
    @property
    def slot_minutes(self) -> int: ...
    @property
    def windows(self) -> Sequence[WindowShape]: ...


class LessonShape(Protocol):
    """What places a lesson and its slots in time: an ORM ``Lesson`` or a ``LessonPlan``."""

    @property
    def id(self) -> int: ...
    @property
    def school_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> LessonType: ...
    @property
    def teacher_id(self) -> int: ...
    @property
    def day(self) -> int: ...
    @property
    def start_time(self) -> time: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def term(self) -> TermShape: ...
    @property
    def hybrid(self) -> HybridShape | None: ...


H = TypeVar("H", bound=HybridShape, covariant=True)


class WithHybrid(Protocol[H]):
    """A lesson with (perhaps) a hybrid pattern of type ``H``: an ORM ``Lesson`` (its
    ``HybridPattern``, with ``bookings_open``) or any ``LessonShape``."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> LessonType: ...
    @property
    def hybrid(self) -> H | None: ...


# ---------------------------------------------------------------- who may act


def acts_for_school(actor: Actor | None) -> bool:
    """The one predicate: the school acts (no notice, closed bookings allowed, any student);
    everyone else is held to the family, the notice and the open/closed switch."""
    return actor is not None and actor.acts_for_school


def family_parent_id(actor: Actor) -> int | None:
    """The parent whose family must hold the student (None: the school, any student).

    Refuses an actor who is neither the school nor a parent (a teacher is read-only)."""
    if acts_for_school(actor):
        return None
    if not actor.is_parent or actor.parent_id is None:
        raise NotAllowed(N_("Only a parent of the family or the school can change bookings."))
    return actor.parent_id


def check_open(actor: Actor | None, bookings_open: bool | None, message: str | None = None) -> None:
    """Booking or moving a booking while bookings are closed: the school only."""
    if not bookings_open and not acts_for_school(actor):
        raise BookingsClosed(message) if message else BookingsClosed()


def time_ok(actor: Actor | None, start_at: datetime, now: datetime) -> bool:
    """Not started, and (unless the school acts) at least 24 hours ahead."""
    return start_at > now and (acts_for_school(actor) or notice_ok(start_at, now))


Refused = Literal["session", "current", "new"]


def check_time(
    actor: Actor, start_at: datetime, now: datetime, tz: ZoneInfo, what: Refused = "session"
) -> None:
    """:func:`time_ok`, refused in plain words (``what``: that session, the current booking
    or the new time; the refusal names its day and time in the school's timezone)."""
    if start_at <= now:
        raise InvalidState(_PASSED[what])
    if not acts_for_school(actor) and not notice_ok(start_at, now):
        refuse_notice(start_at, tz, what)


def notice_refused(actor: Actor, start_at: datetime, now: datetime) -> bool:
    """Whether the 24-hour notice refuses this actor a change of that session."""
    return not acts_for_school(actor) and not notice_ok(start_at, now)


def notice_refusal(start_at: datetime, tz: ZoneInfo, what: Refused = "session") -> NoticeTooShort:
    """The 24-hour notice's refusal, naming the session's day and time."""
    return NoticeTooShort(_TOO_SOON[what], when=start_at.astimezone(tz))


def refuse_notice(start_at: datetime, tz: ZoneInfo, what: Refused = "session") -> NoReturn:
    raise notice_refusal(start_at, tz, what)


# ---------------------------------------------------------------- slots


def hybrid_of(lesson: WithHybrid[H]) -> H:
    """The lesson's hybrid pattern; refused for a lesson that has none."""
    if lesson.type is not LessonType.HYBRID or lesson.hybrid is None:
        raise NotAllowed(
            N_("{lesson} is not a hybrid lesson; it has no individual weeks."), lesson=lesson.name
        )
    return lesson.hybrid


def check_week(lesson: LessonShape, week: int) -> None:
    """An individual week of the lesson's term, or refused in plain words."""
    term_weeks = lesson.term.weeks
    if not 1 <= week <= term_weeks:
        raise SlotUnavailable(
            N_("Week {week} is outside the term (weeks 1 to {weeks})."), week=week, weeks=term_weeks
        )
    if week not in hybrid_of(lesson).individual_weeks:
        raise SlotUnavailable(
            N_("Week {week} of {lesson} is a group week: no individual booking is needed."),
            week=week,
            lesson=lesson.name,
        )


def individual_slots(lesson: LessonShape, week: int, tz: ZoneInfo) -> list[Slot]:
    """Every slot cut from the lesson's availability windows in one individual week."""
    hybrid = lesson.hybrid
    if hybrid is None or week not in hybrid.individual_weeks:
        return []
    windows = [Window(w.day, w.start_time, w.end_time) for w in hybrid.windows]
    return cut_slots(lesson.term.start_date, week, windows, hybrid.slot_minutes, tz)


def find_slot(slots: Iterable[Slot], start_at: datetime) -> Slot | None:
    return next((slot for slot in slots if slot.start_at == start_at), None)


def refuse_not_a_slot(lesson: LessonShape, week: int, tz: ZoneInfo, start_at: datetime) -> NoReturn:
    raise SlotUnavailable(
        N_("{when} is not one of the slots of {lesson} in week {week}."),
        when=start_at.astimezone(tz),
        lesson=lesson.name,
        week=week,
    )


def is_free(slot: Slot, busy: Iterable[Slot]) -> bool:
    """The one place that decides: a slot is free when nothing that keeps the teacher busy
    (another booking, a regular lesson) overlaps it."""
    return not any(slot.overlaps(b.start_at, b.end_at) for b in busy)


def bookable(
    slots: Iterable[Slot], busy: Sequence[Slot], now: datetime, actor: Actor | None
) -> list[Slot]:
    """The slots this actor may book now: in time and free."""
    return [slot for slot in slots if time_ok(actor, slot.start_at, now) and is_free(slot, busy)]
