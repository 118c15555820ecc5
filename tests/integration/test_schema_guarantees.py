"""What the database itself refuses, whatever the code above it does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core.db.models import Booking, BookingStatus, Lesson
from tests.support.factories import build_two_schools

START = datetime(2027, 2, 22, 4, 0, tzinfo=UTC)


def row(school: int, lesson: int, student: int, teacher: int, minutes: int = 0) -> dict:
    start = START + timedelta(minutes=minutes)
    return {
        "school_id": school,
        "lesson_id": lesson,
        "student_id": student,
        "teacher_id": teacher,
        "week": 4,
        "start_at": start,
        "end_at": start + timedelta(minutes=30),
        "status": BookingStatus.CONFIRMED,
        "booked_by": "test",
        "sequence": 0,
        "created_at": START,
        "updated_at": START,
    }


async def insert_booking(sessions, values: dict) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        await session.execute(insert(Booking).values(values))


async def test_a_booking_cannot_mix_schools(sessions) -> None:  # type: ignore[no-untyped-def]
    alpha, beta = await build_two_schools(sessions)
    mixes = [
        row(beta.school, alpha.piano, beta.mia, beta.teacher),  # lesson of alpha
        row(beta.school, beta.piano, alpha.mia, beta.teacher),  # student of alpha
        row(beta.school, beta.piano, beta.mia, alpha.teacher),  # teacher of alpha
    ]
    for values in mixes:
        with pytest.raises(IntegrityError, match="fk_bookings_"):
            await insert_booking(sessions, values)
    await insert_booking(sessions, row(beta.school, beta.piano, beta.mia, beta.teacher))


async def test_a_bookings_teacher_is_its_lessons_and_follows_it(sessions) -> None:  # type: ignore[no-untyped-def]
    alpha, _ = await build_two_schools(sessions)
    with pytest.raises(IntegrityError, match="fk_bookings_lesson_teacher"):  # not piano's teacher
        await insert_booking(
            sessions, row(alpha.school, alpha.piano, alpha.mia, alpha.other_teacher)
        )
    await insert_booking(sessions, row(alpha.school, alpha.piano, alpha.mia, alpha.teacher))
    async with sessions() as session, session.begin():
        await session.execute(
            update(Lesson).where(Lesson.id == alpha.piano).values(teacher_id=alpha.other_teacher)
        )
    async with sessions() as session:
        teachers = (await session.scalars(select(Booking.teacher_id))).all()
    assert teachers == [alpha.other_teacher]


async def test_overlap_and_second_booking_of_a_week_are_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    alpha, _ = await build_two_schools(sessions)
    await insert_booking(sessions, row(alpha.school, alpha.piano, alpha.emma, alpha.teacher))
    with pytest.raises(IntegrityError, match="ex_bookings_teacher_overlap"):
        await insert_booking(
            sessions, row(alpha.school, alpha.theory, alpha.mia, alpha.teacher, minutes=15)
        )
    with pytest.raises(IntegrityError, match="uq_bookings_active_student_week"):
        await insert_booking(
            sessions, row(alpha.school, alpha.piano, alpha.emma, alpha.teacher, minutes=60)
        )
