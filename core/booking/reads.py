"""The booking service's reads: bookings by parent, lesson and school, conflicts and stats.

A mixin of :class:`core.booking.service.BookingService`; each method is one unit of work.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.catalog import CatalogCache
from core.booking.queries import (
    booking_of,
    booking_query,
    filtered,
    is_parent_of,
    lesson_of,
    lesson_query,
    soonest_first,
    teacher_bookings,
    timezone_of,
    to_view,
)
from core.booking.rules import hybrid_of, is_free
from core.booking.stats import BookingFact, EnrolledStudent, compute_stats, past_weeks
from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    Enrolment,
    Family,
    Lesson,
    LessonType,
    Parent,
    Student,
    Teacher,
)
from core.errors import NotFound
from core.i18n import N_
from core.schedule import Slot
from core.views import BookingView, LessonStats


class BookingReads:
    """Read-only operations of the booking service."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    catalogs: CatalogCache

    async def _hybrid_lesson(self, session: AsyncSession, school_id: int, lesson_id: int) -> Lesson:
        lesson = await lesson_of(session, school_id, lesson_id)
        hybrid_of(lesson)
        return lesson

    async def _teacher_busy(
        self,
        session: AsyncSession,
        school_id: int,
        teacher_id: int,
        lo: datetime,
        hi: datetime,
        *,
        exclude_booking_id: int | None = None,
    ) -> list[Slot]:
        """Everything that keeps the teacher busy in [lo, hi): bookings and regular lessons
        (these from the catalog, at the version this transaction reads)."""
        booked = await teacher_bookings(
            session, school_id, teacher_id, lo, hi, exclude_booking_id=exclude_booking_id
        )
        catalog = await self.catalogs.current(session, school_id)
        return booked + catalog.regular_busy(teacher_id, lo, hi)

    async def get_booking(self, school_id: int, booking_id: int) -> BookingView:
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            return to_view(await booking_of(session, school_id, booking_id), tz_name)

    async def parent_bookings(
        self,
        school_id: int,
        parent_id: int,
        *,
        upcoming_only: bool = True,
        student_id: int | None = None,
        lesson_id: int | None = None,
        include_cancelled: bool = False,
    ) -> list[BookingView]:
        """Bookings of the children of a parent's family, soonest first."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            family_id = await session.scalar(
                select(Parent.family_id).where(
                    Parent.id == parent_id, Parent.school_id == school_id
                )
            )
            if family_id is None:
                raise NotFound(N_("No such parent in this school."))
            query = booking_query(school_id).where(
                Booking.student_id.in_(select(Student.id).where(Student.family_id == family_id))
            )
            query = filtered(
                query,
                self.clock.now(),
                upcoming_only=upcoming_only,
                student_id=student_id,
                lesson_id=lesson_id,
                include_cancelled=include_cancelled,
            )
            return await soonest_first(session, query, tz_name)

    async def lesson_bookings(
        self,
        school_id: int,
        lesson_id: int,
        *,
        week: int | None = None,
        status: BookingStatus | None = None,
        include_cancelled: bool = False,
        upcoming_only: bool = False,
    ) -> list[BookingView]:
        """A lesson's bookings, in time order, optionally one week or one status."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            await lesson_of(session, school_id, lesson_id)
            query = filtered(
                booking_query(school_id),
                self.clock.now(),
                upcoming_only=upcoming_only,
                lesson_id=lesson_id,
                week=week,
                include_cancelled=include_cancelled,
                status=status,
            )
            return await soonest_first(session, query, tz_name)

    async def school_bookings(
        self,
        school_id: int,
        *,
        lesson_id: int | None = None,
        week: int | None = None,
        include_cancelled: bool = False,
        status: BookingStatus | None = None,
    ) -> list[BookingView]:
        """The school's bookings (one lesson, week or status), soonest first."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await timezone_of(session, school_id)
            query = filtered(
                booking_query(school_id),
                self.clock.now(),
                upcoming_only=False,
                lesson_id=lesson_id,
                week=week,
                include_cancelled=include_cancelled,
                status=status,
            )
            return await soonest_first(session, query, tz_name)

    async def is_parent_of(self, school_id: int, parent_id: int, student_id: int) -> bool:
        """The parent-student check: is the student in this parent's family (same school)?"""
        async with unit_of_work(self.sessions) as session:
            return await is_parent_of(session, school_id, parent_id, student_id)

    async def check_conflict(
        self,
        school_id: int,
        teacher_id: int,
        start_at: datetime,
        end_at: datetime,
        *,
        exclude_booking_id: int | None = None,
    ) -> bool:
        """Is the teacher busy (a booking or a regular lesson) at any moment of the range?"""
        async with unit_of_work(self.sessions) as session:
            await timezone_of(session, school_id)  # "No such school." first
            teacher = await session.scalar(
                select(Teacher.id).where(Teacher.id == teacher_id, Teacher.school_id == school_id)
            )
            if teacher is None:
                raise NotFound(N_("No such teacher in this school."))
            busy = await self._teacher_busy(
                session,
                school_id,
                teacher_id,
                start_at,
                end_at,
                exclude_booking_id=exclude_booking_id,
            )
            return not is_free(Slot(start_at, end_at), busy)

    async def lesson_stats(self, school_id: int, lesson_id: int) -> LessonStats:
        async with unit_of_work(self.sessions) as session:
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            return await self._stats(session, lesson)

    async def school_stats(
        self, school_id: int, *, term_id: int | None = None, teacher_id: int | None = None
    ) -> list[LessonStats]:
        """Stats of the school's hybrid lessons (of one term, of one teacher), by lesson name."""
        async with unit_of_work(self.sessions) as session:
            query = lesson_query(school_id).where(Lesson.type == LessonType.HYBRID)
            if term_id is not None:
                query = query.where(Lesson.term_id == term_id)
            if teacher_id is not None:
                query = query.where(Lesson.teacher_id == teacher_id)
            lessons = (await session.scalars(query.order_by(Lesson.name, Lesson.id))).all()
            return [await self._stats(session, lesson) for lesson in lessons if lesson.hybrid]

    async def _stats(self, session: AsyncSession, lesson: Lesson) -> LessonStats:
        hybrid = hybrid_of(lesson)
        tz = ZoneInfo(await timezone_of(session, lesson.school_id))
        reachable = (
            select(func.count())
            .select_from(Parent)
            .where(
                Parent.family_id == Family.id,
                Parent.telegram_id.is_not(None),
                Parent.blocked_at.is_(None),
            )
            .scalar_subquery()
        )
        rows = await session.execute(
            select(Student.id, Student.name, Family.id, Family.name, reachable)
            .join(Enrolment, Enrolment.student_id == Student.id)
            .join(Family, Family.id == Student.family_id)
            .where(Enrolment.lesson_id == lesson.id)
        )
        students = [
            EnrolledStudent(sid, sname, fid, fname, unreachable=count == 0)
            for sid, sname, fid, fname, count in rows
        ]
        facts = await session.execute(
            select(Booking.student_id, Booking.week, Booking.status).where(
                and_(Booking.lesson_id == lesson.id, Booking.status != BookingStatus.CANCELLED)
            )
        )
        return compute_stats(
            lesson_id=lesson.id,
            lesson_key=lesson.key,
            lesson_name=lesson.name,
            bookings_open=hybrid.bookings_open,
            individual_weeks=hybrid.individual_weeks,
            students=students,
            bookings=[BookingFact(s, w, st) for s, w, st in facts],
            past_weeks=past_weeks(lesson, tz, self.clock.now()),
        )
