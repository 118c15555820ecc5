"""The booking service: every operation on hybrid-lesson bookings, one unit of work each.

Rules (DESIGN.md) live in core.booking.rules, once, for both paths: create and available
slots use the cached lesson catalog and one SQL statement (core.booking.sql); reschedule,
``slot_at`` and ``check_conflict`` use ORM lessons (core.booking.queries). The database
enforces one active booking per student, lesson and week (partial unique index) and no
overlapping bookings of one teacher (exclusion constraint); the checks here run in the same
statement or transaction, for plain-words errors. Reads and stats: core.booking.reads.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.attendance import AttendanceService
from core.booking.catalog import CatalogCache
from core.booking.new_bookings import CatalogBookings, log_not_yours
from core.booking.queries import (
    active_booking_of_week,
    booking_of,
    booking_query,
    is_parent_of,
    lesson_query,
    timezone_of,
    to_view,
)
from core.booking.reads import BookingReads
from core.booking.rules import (
    CLOSED_FOR_MOVES,
    acts_for_school,
    check_open,
    check_time,
    check_week,
    family_parent_id,
    find_slot,
    hybrid_of,
    individual_slots,
    is_free,
    notice_refused,
    refuse_not_a_slot,
    refuse_notice,
)
from core.booking.slots_cache import WeekReads
from core.clock import Clock
from core.db.driver import (
    EXCLUSION_VIOLATION,
    UNIQUE_VIOLATION,
    Driver,
)
from core.db.engine import engine_of, unit_of_work
from core.db.models import Booking, BookingStatus
from core.errors import (
    AlreadyBooked,
    InvalidState,
    NotAllowed,
    NotYourStudent,
    SlotTaken,
    SlotUnavailable,
)
from core.i18n import N_, Later, format_weekday
from core.views import Actor, BookingView

# re-exported: other modules build their queries and views from these
__all__ = ["BookingService", "booking_query", "lesson_query", "to_view"]

logger = logging.getLogger(__name__)

UNDOABLE = (BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
MARKED = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def refuse_marked(booking: Booking, tz: ZoneInfo, verb: str) -> NoReturn:
    """A session already marked (present or no-show) is history: refused in plain words
    (``verb``: a catalog word, 'moved' or 'cancelled', translated when shown)."""
    if booking.status is BookingStatus.COMPLETED:
        message = N_(
            "{student}'s session of {when} has already taken place and was marked present; "
            "it can't be {verb}."
        )
    else:
        message = N_(
            "{student}'s session of {when} has already taken place and was marked a no-show; "
            "it can't be {verb}."
        )
    raise InvalidState(
        message,
        student=booking.student.name,
        when=booking.start_at.astimezone(tz),
        verb=Later(verb),
    )


def _sqlstate(exc: IntegrityError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


class BookingService(CatalogBookings, BookingReads):
    """All booking operations of the original plan, each one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        catalogs: CatalogCache | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.catalogs = catalogs or CatalogCache()
        self.driver = Driver(engine_of(sessions))
        self.week_reads = WeekReads(self.driver)  # slots reads of concurrent requests

    # ---------------------------------------------------------------- slots (ORM)

    async def slot_at(
        self, school_id: int, lesson_id: int, week: int, at: time, day: int | None = None
    ) -> datetime:
        """The start instant of the slot at a local clock time in an individual week."""
        async with unit_of_work(self.sessions) as session:
            tz = ZoneInfo(await timezone_of(session, school_id))
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            check_week(lesson, week)
            matches = [
                slot
                for slot in individual_slots(lesson, week, tz)
                if slot.start_at.astimezone(tz).time() == at
                and (day is None or slot.start_at.astimezone(tz).weekday() == day)
            ]
            if not matches:
                raise SlotUnavailable(
                    N_("No slot of {lesson} starts at {at} in week {week}."),
                    lesson=lesson.name,
                    at=at,
                    week=week,
                )
            if len(matches) > 1:
                days = [m.start_at.astimezone(tz).date() for m in matches]
                raise SlotUnavailable(
                    N_(
                        "Slots start at {at} on several days of week {week} ({days}): say which day."
                    ),
                    at=at,
                    week=week,
                    days=Later(build=lambda: ", ".join(format_weekday(d, "wide") for d in days)),
                )
            return matches[0].start_at

    async def _check_family(
        self, session: AsyncSession, school_id: int, actor: Actor, student_id: int
    ) -> None:
        """The actor is the school, or a parent of the student's family (else refused)."""
        parent_id = family_parent_id(actor)
        if parent_id is not None and not await is_parent_of(
            session, school_id, parent_id, student_id
        ):
            log_not_yours(actor, student_id, school_id)
            raise NotYourStudent()

    async def _flush_or_refuse(
        self, session: AsyncSession, student_name: str, lesson_name: str, week: int
    ) -> None:
        try:
            await session.flush()
        except IntegrityError as exc:
            await session.rollback()
            self._refuse(exc, student_name, lesson_name, week)

    @staticmethod
    def _refuse(exc: IntegrityError, student_name: str, lesson_name: str, week: int) -> NoReturn:
        """The database's refusal of a booking write, in plain words (or re-raised)."""
        state = _sqlstate(exc)
        if state == EXCLUSION_VIOLATION:
            raise SlotTaken() from None
        if state == UNIQUE_VIOLATION:
            raise AlreadyBooked(
                N_("{child} already has a booking for {lesson} in week {week}."),
                child=student_name,
                lesson=lesson_name,
                week=week,
            ) from None
        raise exc

    # ---------------------------------------------------------------- change

    async def reschedule_booking(
        self,
        school_id: int,
        actor: Actor,
        booking_id: int,
        week: int,
        start_at: datetime,
    ) -> BookingView:
        """Move a booking to another slot in one atomic swap; the old one stays if this fails."""
        async with unit_of_work(self.sessions) as session:
            tz = ZoneInfo(await timezone_of(session, school_id))
            booking = await booking_of(session, school_id, booking_id, lock=True)
            await self._check_family(session, school_id, actor, booking.student_id)
            if booking.status in MARKED:
                refuse_marked(booking, tz, N_("moved"))
            if booking.status in UNDOABLE:  # cancelled: the marked ones are refused above
                raise InvalidState(
                    N_("Booking #{id} is cancelled; it can't be moved."), id=booking.id
                )
            lesson = await self._hybrid_lesson(session, school_id, booking.lesson_id)
            check_week(lesson, week)
            check_open(actor, hybrid_of(lesson).bookings_open, CLOSED_FOR_MOVES)
            slot = find_slot(individual_slots(lesson, week, tz), start_at)
            if slot is None:
                refuse_not_a_slot(lesson, week, tz, start_at)
            if slot.start_at == booking.start_at:
                raise InvalidState(N_("The booking is already at that time."))
            now = self.clock.now()
            check_time(actor, booking.start_at, now, tz, "current")
            check_time(actor, slot.start_at, now, tz, "new")
            if week != booking.week and await active_booking_of_week(
                session, lesson.id, booking.student_id, week
            ):
                raise AlreadyBooked(
                    N_("{child} already has a booking in week {week}."),
                    child=booking.student.name,
                    week=week,
                )
            busy = await self._teacher_busy(
                session,
                school_id,
                lesson.teacher_id,
                slot.start_at,
                slot.end_at,
                exclude_booking_id=booking.id,
            )
            if not is_free(slot, busy):
                raise SlotTaken()
            old_start = booking.start_at
            booking.week = week
            booking.start_at = slot.start_at
            booking.end_at = slot.end_at
            booking.sequence += 1
            booking.updated_by = actor.label
            booking.updated_at = self.clock.now()
            await self._flush_or_refuse(session, booking.student.name, lesson.name, week)
            await session.commit()
            logger.info(
                "booking %s rescheduled from %s to %s by %s",
                booking.id,
                old_start.isoformat(),
                slot.start_at.isoformat(),
                actor.label,
            )
        return await self.get_booking(school_id, booking_id)

    async def cancel_booking(
        self, school_id: int, actor: Actor, booking_id: int, reason: str | None = None
    ) -> BookingView:
        """Cancel with a reason, recording who cancelled; parents need 24 hours' notice."""
        async with unit_of_work(self.sessions) as session:
            booking = await booking_of(session, school_id, booking_id, lock=True)
            await self._check_family(session, school_id, actor, booking.student_id)
            if booking.status is BookingStatus.CANCELLED:
                raise InvalidState(N_("Booking #{id} is already cancelled."), id=booking.id)
            if booking.status in MARKED:
                tz = ZoneInfo(await timezone_of(session, school_id))
                refuse_marked(booking, tz, N_("cancelled"))
            now = self.clock.now()
            if notice_refused(actor, booking.start_at, now):
                refuse_notice(booking.start_at, ZoneInfo(await timezone_of(session, school_id)))
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_by = actor.label
            booking.cancel_reason = (reason or "").strip()[:500] or None
            booking.cancelled_at = now
            booking.updated_at = now
            booking.sequence += 1
            await session.commit()
            logger.info("booking %s cancelled by %s", booking.id, actor.label)
        return await self.get_booking(school_id, booking_id)

    async def mark_attendance(
        self, school_id: int, actor: Actor, booking_id: int, status: BookingStatus
    ) -> BookingView:
        """After the session has started: COMPLETED or NO_SHOW. One rule set, the attendance
        service's (the school, or the lesson's teacher)."""
        return await AttendanceService(self.sessions, self.clock).mark(
            school_id, actor, booking_id, status
        )

    async def set_bookings_open(
        self, school_id: int, lesson_id: int, is_open: bool, actor: Actor
    ) -> bool:
        """Open or close a hybrid lesson's bookings; returns whether anything changed."""
        if not acts_for_school(actor):
            raise NotAllowed(N_("Only the school's admins can open or close bookings."))
        async with unit_of_work(self.sessions) as session:
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            hybrid = lesson.hybrid
            if hybrid is None:  # pragma: no cover - _hybrid_lesson refuses such a lesson
                raise NotAllowed(N_("{lesson} is not a hybrid lesson."), lesson=lesson.name)
            if hybrid.bookings_open == is_open:
                return False
            hybrid.bookings_open = is_open
            if is_open:
                hybrid.opened_at = self.clock.now()
            await session.commit()
            logger.info(
                "lesson %s bookings %s by %s",
                lesson.id,
                "opened" if is_open else "closed",
                actor.label,
            )
            return True
