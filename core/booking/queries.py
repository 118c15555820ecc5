"""What the booking service reads through the ORM: lessons, bookings and their views.

Every query is scoped by school; a row of school A asked for in school B is "not found".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from core.db.models import (
    Booking,
    BookingStatus,
    HybridPattern,
    Lesson,
    Parent,
    School,
    Student,
)
from core.errors import NotFound
from core.i18n import N_
from core.schedule import Slot
from core.views import BookingView


def lesson_query(school_id: int) -> Select[Lesson]:
    """Lessons of one school, with everything needed to compute their times."""
    return select(Lesson).where(Lesson.school_id == school_id).options(*_lesson_loads())


def lessons_by_id(lesson_ids: Collection[int]) -> Select[Lesson]:
    """Lessons by id whatever their school (a sweep over every school), loaded as
    :func:`lesson_query` loads them."""
    return select(Lesson).where(Lesson.id.in_(list(lesson_ids))).options(*_lesson_loads())


def _lesson_loads() -> tuple[ExecutableOption, ...]:
    return (
        joinedload(Lesson.term),
        joinedload(Lesson.teacher),
        joinedload(Lesson.location),
        joinedload(Lesson.room),
        selectinload(Lesson.hybrid).selectinload(HybridPattern.windows),
    )


def booking_query(school_id: int) -> Select[Booking]:
    return (
        select(Booking)
        .where(Booking.school_id == school_id)
        .options(
            joinedload(Booking.lesson).joinedload(Lesson.teacher),
            joinedload(Booking.lesson).joinedload(Lesson.location),
            joinedload(Booking.lesson).joinedload(Lesson.room),
            joinedload(Booking.student).joinedload(Student.family),
        )
    )


def to_view(booking: Booking, tz_name: str) -> BookingView:
    lesson = booking.lesson
    student = booking.student
    return BookingView(
        id=booking.id,
        school_id=booking.school_id,
        lesson_id=lesson.id,
        lesson_key=lesson.key,
        lesson_name=lesson.name,
        student_id=student.id,
        student_key=student.key,
        student_name=student.name,
        family_id=student.family_id,
        family_name=student.family.name,
        teacher_id=booking.teacher_id,
        teacher_name=lesson.teacher.name,
        location_name=lesson.location.name if lesson.location else None,
        room_name=lesson.room.name if lesson.room else None,
        week=booking.week,
        start_at=booking.start_at,
        end_at=booking.end_at,
        status=booking.status,
        booked_by=booking.booked_by,
        updated_by=booking.updated_by,
        cancelled_by=booking.cancelled_by,
        cancel_reason=booking.cancel_reason,
        sequence=booking.sequence,
        timezone=tz_name,
        confirmed_at=booking.confirmed_at,
        confirmed_by=booking.confirmed_by,
        declined_at=booking.declined_at,
    )


async def hold_off_bookings(session: AsyncSession, school_key: str) -> None:
    """Until this transaction ends, no booking of the school is made (an import's guard).

    Locks the school's row ``FOR UPDATE``: bookings in progress are waited for, and a new
    booking that has inserted waits (core.booking.sql.BOOK then locks the row ``FOR KEY
    SHARE``), sees the catalog version this transaction wrote, is undone and retried."""
    await session.execute(select(School.id).where(School.key == school_key).with_for_update())


async def timezone_of(session: AsyncSession, school_id: int) -> str:
    tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
    if tz_name is None:
        raise NotFound(N_("No such school."))
    return tz_name


async def lesson_of(session: AsyncSession, school_id: int, lesson_id: int) -> Lesson:
    lesson = (await session.scalars(lesson_query(school_id).where(Lesson.id == lesson_id))).first()
    if lesson is None:
        raise NotFound(N_("No such lesson in this school."))
    return lesson


async def booking_of(
    session: AsyncSession, school_id: int, booking_id: int, *, lock: bool = False
) -> Booking:
    query = booking_query(school_id).where(Booking.id == booking_id)
    if lock:
        query = query.with_for_update(of=Booking)
    booking = (await session.scalars(query)).first()
    if booking is None:
        raise NotFound(N_("No booking #{id} in this school."), id=booking_id)
    return booking


async def is_parent_of(
    session: AsyncSession, school_id: int, parent_id: int, student_id: int
) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(Parent)
        .join(Student, Student.family_id == Parent.family_id)
        .where(
            Parent.id == parent_id,
            Parent.school_id == school_id,
            Student.id == student_id,
            Student.school_id == school_id,
        )
    )
    return bool(found)


async def active_booking_of_week(
    session: AsyncSession, lesson_id: int, student_id: int, week: int
) -> int | None:
    return await session.scalar(
        select(Booking.id).where(
            Booking.lesson_id == lesson_id,
            Booking.student_id == student_id,
            Booking.week == week,
            Booking.status != BookingStatus.CANCELLED,
        )
    )


async def teacher_bookings(
    session: AsyncSession,
    school_id: int,
    teacher_id: int,
    lo: datetime,
    hi: datetime,
    *,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """The teacher's active bookings overlapping [lo, hi) (any lesson)."""
    rows = await session.execute(
        select(Booking.start_at, Booking.end_at).where(
            Booking.school_id == school_id,
            Booking.teacher_id == teacher_id,
            Booking.status != BookingStatus.CANCELLED,
            Booking.start_at < hi,
            Booking.end_at > lo,
            Booking.id != (exclude_booking_id or 0),
        )
    )
    return [Slot(start, end) for start, end in rows]


def filtered(
    query: Select[Booking],
    now: datetime,
    *,
    upcoming_only: bool,
    student_id: int | None = None,
    lesson_id: int | None = None,
    week: int | None = None,
    include_cancelled: bool = False,
    status: BookingStatus | None = None,
) -> Select[Booking]:
    if upcoming_only:
        query = query.where(Booking.end_at > now)
    if student_id is not None:
        query = query.where(Booking.student_id == student_id)
    if lesson_id is not None:
        query = query.where(Booking.lesson_id == lesson_id)
    if week is not None:
        query = query.where(Booking.week == week)
    if status is not None:
        query = query.where(Booking.status == status)
    elif not include_cancelled:
        query = query.where(Booking.status != BookingStatus.CANCELLED)
    return query


async def soonest_first(
    session: AsyncSession, query: Select[Booking], tz_name: str
) -> list[BookingView]:
    """The bookings ``query`` selects, soonest first (then by id), as views."""
    rows = await session.scalars(query.order_by(Booking.start_at, Booking.id))
    return [to_view(b, tz_name) for b in rows.all()]
