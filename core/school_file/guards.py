"""The guards of an import: what a school file may not pull from under bookings still to come.

A change to a lesson is refused, with the path and the booking's time, when one of its
active bookings still to come would lose its ground: an individual week dropped, a booked
student taken off the lesson, the lesson no longer HYBRID, a new teacher already booked
or teaching then, or its term's start date moved (or weeks cut) under it. Past and cancelled bookings are history and never stand in the way.

The guards read inside the import's own transaction (so they see what it has written so
far) and return their problems as ``path: message`` lines; the importer raises
:class:`~core.errors.SchoolFileError` with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.booking.catalog import load_catalog
from core.clock import Clock
from core.db import models as m
from core.school_file import schema as sf

__all__ = ["BookingGuards", "MovedLesson", "UpcomingBooking"]


class UpcomingBooking(NamedTuple):
    """An active booking still to come, as the guards need it."""

    week: int
    student_id: int
    start: datetime
    end: datetime


class MovedLesson(NamedTuple):
    """A lesson the file gives a new teacher: its index in the file, the item, its id."""

    position: int  # not ``index``: that is tuple.index
    item: sf.Lesson
    lesson_id: int


class BookingGuards:
    """The guards of one import of one school, in the import's session.

    ``ids`` are the import's ids by kind and key (``ids["student"]["ann"]``), with the
    teachers and students of the file already written.
    """

    def __init__(
        self,
        session: AsyncSession,
        school: m.School,
        ids: Mapping[str, Mapping[str, int]],
        clock: Clock,
    ) -> None:
        self.session = session
        self.school = school
        self.ids = ids
        self.clock = clock

    async def upcoming_bookings(self) -> dict[int, list[UpcomingBooking]]:
        """The school's active bookings still to come, per lesson id, in start order."""
        query = (
            select(
                m.Booking.lesson_id,
                m.Booking.week,
                m.Booking.student_id,
                m.Booking.start_at,
                m.Booking.end_at,
            )
            .where(
                m.Booking.school_id == self.school.id,
                m.Booking.status.in_((m.BookingStatus.CONFIRMED, m.BookingStatus.PENDING)),
                m.Booking.start_at > self.clock.now(),
            )
            .order_by(m.Booking.start_at)
        )
        found: dict[int, list[UpcomingBooking]] = {}
        for lesson_id, week, student_id, start_at, end_at in await self.session.execute(query):
            found.setdefault(lesson_id, []).append(
                UpcomingBooking(week, student_id, start_at, end_at)
            )
        return found

    def bookings_in_the_way(
        self, index: int, item: sf.Lesson, upcoming: list[UpcomingBooking]
    ) -> list[str]:
        """What the file would take from under bookings still to come: the lesson's individual
        weeks (or its being hybrid at all), or a booked student's place in it. Past bookings
        and cancelled ones are history and stay as they are."""
        if not upcoming:
            return []
        path = f"lessons[{index}]"
        if item.hybrid is None:
            first = upcoming[0].start
            return [
                f"{path}.type: {item.name} has {len(upcoming)} booking(s) still to come "
                f"(the first {self.local(first)}); cancel them before it stops being HYBRID"
            ]
        problems = []
        weeks = set(item.hybrid.individual_weeks)
        for week in sorted({w for w, _, _, _ in upcoming} - weeks):
            booked = [start for w, _, start, _ in upcoming if w == week]
            problems.append(
                f"{path}.hybrid.individual_weeks: week {week} has {len(booked)} booking(s) "
                f"still to come (the first {self.local(booked[0])}); cancel or move them first"
            )
        keys = {student_id: key for key, student_id in self.ids["student"].items()}
        staying = {self.ids["student"][key] for key in item.students}
        for student_id in sorted({s for _, s, _, _ in upcoming} - staying):
            start = next(start for _, s, start, _ in upcoming if s == student_id)
            problems.append(
                f"{path}.students: {keys.get(student_id, student_id)} has a booking still to "
                f"come ({self.local(start)}); cancel it before taking them off the lesson"
            )
        return problems

    async def new_teacher_clashes(
        self, index: int, item: sf.Lesson, lesson_id: int, teacher_id: int
    ) -> list[str]:
        """The lesson's new teacher must not already have a booking when it has one."""
        clash = await self.teacher_clash(lesson_id, teacher_id)
        if clash is None:
            return []
        return [
            f"lessons[{index}].teacher: {item.teacher} already has a booking "
            f"at {self.local(clash)}, when {item.name} has one; move or "
            "cancel one of them first"
        ]

    async def teacher_clash(self, lesson_id: int, teacher_id: int) -> datetime | None:
        """The start of the lesson's first active booking that an active booking of the
        teacher (of another lesson) overlaps; None when the teacher can take them all."""
        mine, theirs = aliased(m.Booking), aliased(m.Booking)
        query = (
            select(mine.start_at)
            .join(
                theirs,
                and_(
                    theirs.teacher_id == teacher_id,
                    theirs.lesson_id != lesson_id,
                    theirs.status != m.BookingStatus.CANCELLED,
                    theirs.start_at < mine.end_at,
                    mine.start_at < theirs.end_at,
                ),
            )
            .where(mine.lesson_id == lesson_id, mine.status != m.BookingStatus.CANCELLED)
            .order_by(mine.start_at)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def classes_of_new_teachers(
        self, moved: list[MovedLesson], upcoming: Mapping[int, list[UpcomingBooking]]
    ) -> list[str]:
        """A lesson's bookings still to come, now with its new teacher, must not fall on one
        of that teacher's classes, as the school file now has them (read in this import's
        own transaction, after the lessons are written)."""
        catalog = await load_catalog(self.session, self.school.id)
        problems = []
        for index, item, lesson_id in moved:
            teacher_id = self.ids["teacher"][item.teacher]
            for _week, _student, start, end in upcoming.get(lesson_id, []):
                if catalog.regular_busy(teacher_id, start, end):
                    problems.append(
                        f"lessons[{index}].teacher: {item.teacher} has a class at "
                        f"{self.local(start)}, when {item.name} has a booking; move or cancel "
                        "the booking first"
                    )
                    break
        return problems

    async def moved_terms(self, terms: Sequence[sf.Term]) -> list[str]:
        """A term whose start date moves, or that loses weeks, must have no booking still to
        come that would stay on the old dates under new week numbers (or past the end)."""
        rows = await self.session.scalars(select(m.Term).where(m.Term.school_id == self.school.id))
        existing = {row.key: row for row in rows}
        problems = []
        for index, item in enumerate(terms):
            row = existing.get(item.key)
            if row is None:
                continue
            if row.start_date != item.start_date:
                first = await self.first_booking_of_term(row.id)
                if first is not None:
                    problems.append(
                        f"terms[{index}].start_date: {item.name} has booking(s) still to come "
                        f"(the first {self.local(first)}); moving its start from "
                        f"{row.start_date.isoformat()} would leave them on the old dates under "
                        "new week numbers; cancel or move them first"
                    )
            elif item.weeks < row.weeks:
                first = await self.first_booking_of_term(row.id, after_week=item.weeks)
                if first is not None:
                    problems.append(
                        f"terms[{index}].weeks: {item.name} has booking(s) still to come after "
                        f"week {item.weeks} (the first {self.local(first)}); cancel them first"
                    )
        return problems

    async def first_booking_of_term(self, term_id: int, after_week: int = 0) -> datetime | None:
        """The start of the term's first active booking still to come (after a week)."""
        query = (
            select(m.Booking.start_at)
            .join(m.Lesson, m.Lesson.id == m.Booking.lesson_id)
            .where(
                m.Lesson.term_id == term_id,
                m.Booking.school_id == self.school.id,
                m.Booking.status.in_((m.BookingStatus.CONFIRMED, m.BookingStatus.PENDING)),
                m.Booking.start_at > self.clock.now(),
                m.Booking.week > after_week,
            )
            .order_by(m.Booking.start_at)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    def local(self, moment: datetime) -> str:
        """'Thu 25 Feb 2027 16:00' in the school's time."""
        at = moment.astimezone(ZoneInfo(self.school.timezone))
        return f"{at:%a} {at.day} {at:%b %Y %H:%M}"
