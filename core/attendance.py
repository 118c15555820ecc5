"""Attendance: marking a booked session COMPLETED (present) or NO_SHOW once it has started.

The school (admins, the CLI) may mark any booking; a teacher only those of their own lessons.
A cancelled booking cannot be marked, a session that has not started yet cannot be marked, and
a marked booking stays active: its slot and its week stay taken (the booking service refuses
to move or cancel it), so a marked session cannot be rebooked. A mark may be corrected
(present <-> no-show). Each call is one unit of work: several marks land together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.queries import booking_query, to_view
from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import Booking, BookingStatus, Lesson, School, Student
from core.errors import InvalidState, NotAllowed, NotFound
from core.i18n import N_
from core.views import Actor, ActorRole, BookingView

logger = logging.getLogger(__name__)

MARKS = (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def may_mark(actor: Actor, lesson_teacher_id: int) -> bool:
    """The school, or the lesson's own teacher."""
    if actor.acts_for_school:
        return True
    return actor.role is ActorRole.TEACHER and actor.teacher_id == lesson_teacher_id


def check_markable(booking: Booking, now: datetime, tz: ZoneInfo) -> None:
    """Refuse, in plain words, a cancelled booking or a session that has not started."""
    who = booking.student.name
    if booking.status is BookingStatus.CANCELLED:
        raise InvalidState(
            N_("{child}'s booking #{id} was cancelled; there is nothing to mark."),
            child=who,
            id=booking.id,
        )
    if booking.start_at > now:
        raise InvalidState(
            N_("{child}'s session starts {when}; attendance can be marked once it has started."),
            child=who,
            when=booking.start_at.astimezone(tz),
        )


class AttendanceService:
    """Marks attendance; the same rules for the admin's dashboard, the teacher and the CLI."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def _context(
        self, session: AsyncSession, school_id: int, actor: Actor, lesson_id: int
    ) -> tuple[Lesson, ZoneInfo]:
        lesson = await session.scalar(
            select(Lesson).where(Lesson.school_id == school_id, Lesson.id == lesson_id)
        )
        if lesson is None:
            raise NotFound(N_("No such lesson in this school."))
        if not may_mark(actor, lesson.teacher_id):
            raise NotAllowed(N_("Only the school or the lesson's teacher can mark attendance."))
        school = await session.get(School, school_id)
        if school is None:
            raise RuntimeError("school is None")
        return lesson, ZoneInfo(school.timezone)

    def _apply(
        self, booking: Booking, status: BookingStatus, actor: Actor, now: datetime, tz: ZoneInfo
    ) -> None:
        if status not in MARKS:
            raise InvalidState(N_("Attendance is present (COMPLETED) or no-show (NO_SHOW)."))
        check_markable(booking, now, tz)
        booking.status = status
        booking.updated_by = actor.label
        booking.updated_at = now
        logger.info("booking %s marked %s by %s", booking.id, status.value, actor.label)

    async def _views(
        self, session: AsyncSession, school_id: int, tz: ZoneInfo, ids: Sequence[int]
    ) -> list[BookingView]:
        found = await session.scalars(
            booking_query(school_id).where(Booking.id.in_(ids)).order_by(Booking.start_at)
        )
        return [to_view(b, tz.key) for b in found.unique().all()]

    async def mark(
        self, school_id: int, actor: Actor, booking_id: int, status: BookingStatus
    ) -> BookingView:
        """One booking: present or no-show."""
        async with unit_of_work(self.sessions) as session:
            booking = (
                await session.scalars(
                    booking_query(school_id)
                    .where(Booking.id == booking_id)
                    .with_for_update(of=Booking)
                )
            ).first()
            if booking is None:
                raise NotFound(N_("No booking #{id} in this school."), id=booking_id)
            _, tz = await self._context(session, school_id, actor, booking.lesson_id)
            self._apply(booking, status, actor, self.clock.now(), tz)
            await session.commit()
            return (await self._views(session, school_id, tz, [booking.id]))[0]

    async def _week_bookings(
        self, session: AsyncSession, school_id: int, lesson_id: int, week: int
    ) -> dict[int, Booking]:
        """The active bookings of the lesson's week, by student, locked for the marks."""
        found = await session.scalars(
            booking_query(school_id)
            .where(
                Booking.lesson_id == lesson_id,
                Booking.week == week,
                Booking.status != BookingStatus.CANCELLED,
            )
            .with_for_update(of=Booking)
        )
        return {b.student_id: b for b in found.unique().all()}

    async def mark_session(
        self,
        school_id: int,
        actor: Actor,
        lesson_id: int,
        week: int,
        *,
        present: Sequence[int] = (),
        no_show: Sequence[int] = (),
    ) -> list[BookingView]:
        """Students of one lesson's week (by id): present or no-show, all or nothing."""
        both = set(present) & set(no_show)
        if both:
            raise InvalidState(N_("A student can't be both present and a no-show."))
        async with unit_of_work(self.sessions) as session:
            lesson, tz = await self._context(session, school_id, actor, lesson_id)
            by_student = await self._week_bookings(session, school_id, lesson_id, week)
            now = self.clock.now()
            marked: list[int] = []
            for student_id, status in [(s, BookingStatus.COMPLETED) for s in present] + [
                (s, BookingStatus.NO_SHOW) for s in no_show
            ]:
                booking = by_student.get(student_id)
                if booking is None:
                    student = await session.get(Student, student_id)
                    name = student.name if student and student.school_id == school_id else "?"
                    raise NotFound(
                        N_(
                            "{student} has no booking of {lesson} in week {week}; nothing was marked."
                        ),
                        student=name,
                        lesson=lesson.name,
                        week=week,
                    )
                self._apply(booking, status, actor, now, tz)
                marked.append(booking.id)
            await session.commit()
            return await self._views(session, school_id, tz, marked)

    async def mark_day_present(
        self, school_id: int, actor: Actor, lesson_id: int, day: date
    ) -> list[BookingView]:
        """'All present' for one day of a lesson: every booking of that local day whose session
        has started and is not marked yet becomes COMPLETED; later sessions are left alone."""
        async with unit_of_work(self.sessions) as session:
            _, tz = await self._context(session, school_id, actor, lesson_id)
            start = datetime.combine(day, datetime.min.time(), tz)
            end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
            now = self.clock.now()
            found = await session.scalars(
                booking_query(school_id)
                .where(
                    Booking.lesson_id == lesson_id,
                    Booking.start_at >= start,
                    Booking.start_at < end,
                    Booking.start_at <= now,
                    Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.PENDING)),
                )
                .with_for_update(of=Booking)
            )
            bookings = found.unique().all()
            if not bookings:
                raise InvalidState(
                    N_("No session of {day} has started and still waits to be marked."), day=day
                )
            for booking in bookings:
                self._apply(booking, BookingStatus.COMPLETED, actor, now, tz)
            await session.commit()
            return await self._views(session, school_id, tz, [b.id for b in bookings])
