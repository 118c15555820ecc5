"""What a school's Mini App needs to draw its menus: terms, teachers, locations and hybrid
lessons by school-file key, each lesson with its enrolled students.

Read-only and scoped by school; a teacher's overview holds only their own lessons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import lesson_query
from core.db.engine import unit_of_work
from core.db.models import (
    Enrolment,
    Family,
    Lesson,
    LessonType,
    Location,
    Student,
    Teacher,
    Term,
)


@dataclass(frozen=True, slots=True)
class Named:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class TermEntry:
    key: str
    name: str
    start_date: date
    weeks: int


@dataclass(frozen=True, slots=True)
class EnrolledStudent:
    key: str
    name: str
    family_name: str


@dataclass(frozen=True, slots=True)
class HybridLessonEntry:
    id: int
    key: str
    name: str
    term_key: str
    term_name: str
    teacher_key: str
    teacher_name: str
    location_name: str | None
    room_name: str | None
    day: int
    start_time: str
    duration_minutes: int
    individual_weeks: tuple[int, ...]
    slot_minutes: int
    bookings_open: bool
    max_students: int | None
    students: tuple[EnrolledStudent, ...]


@dataclass(frozen=True, slots=True)
class SchoolOverview:
    terms: tuple[TermEntry, ...]
    teachers: tuple[Named, ...]
    locations: tuple[Named, ...]
    lessons: tuple[HybridLessonEntry, ...]


class SchoolOverviewService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def overview(self, school_id: int, teacher_id: int | None = None) -> SchoolOverview:
        """The school's terms and, for the whole school or one teacher, the hybrid lessons."""
        async with unit_of_work(self.sessions) as session:
            terms = (
                await session.scalars(
                    select(Term).where(Term.school_id == school_id).order_by(Term.start_date)
                )
            ).all()
            teachers = select(Teacher.key, Teacher.name).where(Teacher.school_id == school_id)
            if teacher_id is not None:
                teachers = teachers.where(Teacher.id == teacher_id)
            teacher_rows = (await session.execute(teachers.order_by(Teacher.name))).all()
            location_rows = (
                await session.execute(
                    select(Location.key, Location.name)
                    .where(Location.school_id == school_id)
                    .order_by(Location.name)
                )
            ).all()
            query = lesson_query(school_id).where(Lesson.type == LessonType.HYBRID)
            if teacher_id is not None:
                query = query.where(Lesson.teacher_id == teacher_id)
            lessons = (await session.scalars(query.order_by(Lesson.name))).unique().all()
            enrolled = await self._enrolled(session, school_id, [lesson.id for lesson in lessons])
            return SchoolOverview(
                terms=tuple(TermEntry(t.key, t.name, t.start_date, t.weeks) for t in terms),
                teachers=tuple(Named(k, n) for k, n in teacher_rows),
                locations=tuple(Named(k, n) for k, n in location_rows),
                lessons=tuple(_entry(lesson, enrolled.get(lesson.id, ())) for lesson in lessons),
            )

    @staticmethod
    async def _enrolled(
        session: AsyncSession, school_id: int, lesson_ids: list[int]
    ) -> dict[int, tuple[EnrolledStudent, ...]]:
        if not lesson_ids:
            return {}
        rows = await session.execute(
            select(Enrolment.lesson_id, Student.key, Student.name, Family.name)
            .join(Student, Student.id == Enrolment.student_id)
            .join(Family, Family.id == Student.family_id)
            .where(Enrolment.school_id == school_id, Enrolment.lesson_id.in_(lesson_ids))
            .order_by(Student.name, Student.id)
        )
        by_lesson: dict[int, list[EnrolledStudent]] = {}
        for lesson_id, key, name, family in rows:
            by_lesson.setdefault(lesson_id, []).append(EnrolledStudent(key, name, family))
        return {lesson_id: tuple(students) for lesson_id, students in by_lesson.items()}


def _entry(lesson: Lesson, students: tuple[EnrolledStudent, ...]) -> HybridLessonEntry:
    hybrid = lesson.hybrid
    if hybrid is None:  # hybrid lessons only
        raise RuntimeError("hybrid is None")
    return HybridLessonEntry(
        id=lesson.id,
        key=lesson.key,
        name=lesson.name,
        term_key=lesson.term.key,
        term_name=lesson.term.name,
        teacher_key=lesson.teacher.key,
        teacher_name=lesson.teacher.name,
        location_name=lesson.location.name if lesson.location else None,
        room_name=lesson.room.name if lesson.room else None,
        day=lesson.day,
        start_time=lesson.start_time.strftime("%H:%M"),
        duration_minutes=lesson.duration_minutes,
        individual_weeks=tuple(sorted(hybrid.individual_weeks)),
        slot_minutes=hybrid.slot_minutes,
        bookings_open=hybrid.bookings_open,
        max_students=lesson.max_students,
        students=students,
    )
