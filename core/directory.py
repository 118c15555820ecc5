"""Who and what, by key or by Telegram account: schools, people, children and their lessons.

Every lookup is scoped by school; an id of school A asked for in school B is "not found".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import lesson_query
from core.db.driver import Driver
from core.db.engine import engine_of, unit_of_work
from core.db.models import (
    Admin,
    Enrolment,
    Family,
    Lesson,
    LessonType,
    Location,
    Parent,
    School,
    Student,
    Teacher,
)
from core.errors import NotFound
from core.i18n import N_
from core.kept_identities import kept as kept_identities
from core.keys import unknown_key
from core.schedule import week_monday

# every role of a Telegram account ($1), one row each; core.languages reads them with the
# language as well (core.kept_identities)
IDENTITY_ROWS = """
SELECT 'admin' AS role, a.id, a.name, NULL::integer AS family_id, s.id AS school_id, s.key,
       s.name AS school_name, s.timezone, false AS blocked, 0 AS ord, s.language AS school_language
  FROM admins a JOIN schools s ON s.id = a.school_id WHERE a.telegram_id = $1
UNION ALL
SELECT 'teacher', t.id, t.name, NULL::integer, s.id, s.key, s.name, s.timezone, false, 1,
       s.language
  FROM teachers t JOIN schools s ON s.id = t.school_id WHERE t.telegram_id = $1
UNION ALL
SELECT 'parent', p.id, p.name, p.family_id, s.id, s.key, s.name, s.timezone,
       p.blocked_at IS NOT NULL, 2, s.language
  FROM parents p JOIN schools s ON s.id = p.school_id WHERE p.telegram_id = $1
"""
IDENTITY_ORDER = "ord, school_name, id"
IDENTITIES = IDENTITY_ROWS + "ORDER BY " + IDENTITY_ORDER

BLOCKED = "UPDATE parents SET blocked_at = $2 WHERE telegram_id = $1 AND blocked_at IS NULL"
UNBLOCKED = "UPDATE parents SET blocked_at = NULL WHERE telegram_id = $1 AND blocked_at IS NOT NULL"


def identities_of(rows: Iterable[Any]) -> list[Identity]:
    """Identities from rows (or JSON objects) of ``IDENTITY_ROWS``, in their order."""
    return [
        Identity(
            role=Role(row["role"]),
            school=SchoolRef(row["school_id"], row["key"], row["school_name"], row["timezone"]),
            person_id=row["id"],
            name=row["name"],
            family_id=row["family_id"],
            blocked=row["blocked"],
        )
        for row in rows
    ]


class Role(StrEnum):
    ADMIN = "admin"
    TEACHER = "teacher"
    PARENT = "parent"


@dataclass(frozen=True, slots=True)
class SchoolRef:
    id: int
    key: str
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Identity:
    """One role of a Telegram account in one school."""

    role: Role
    school: SchoolRef
    person_id: int  # admin, teacher or parent id
    name: str
    family_id: int | None = None
    blocked: bool = False  # a parent the notifier found had blocked the bot


@dataclass(frozen=True, slots=True)
class LessonRef:
    id: int
    key: str
    name: str
    type: LessonType
    teacher_id: int
    teacher_name: str
    location_name: str | None
    room_name: str | None
    day: int
    start_time: str
    duration_minutes: int
    term_name: str
    term_start: date
    term_weeks: int
    individual_weeks: tuple[int, ...] = ()
    slot_minutes: int | None = None
    bookings_open: bool = False
    opened_at: datetime | None = None
    term_id: int = 0

    @property
    def is_hybrid(self) -> bool:
        return self.type is LessonType.HYBRID

    def week_monday(self, week: int) -> date:
        return week_monday(self.term_start, week)


@dataclass(frozen=True, slots=True)
class Child:
    id: int
    key: str
    name: str
    hybrid_lessons: tuple[LessonRef, ...]


@dataclass(frozen=True, slots=True)
class FamilyRef:
    id: int
    key: str
    name: str
    parents: tuple[tuple[int, str, int | None], ...]  # (parent id, name, telegram id)


@dataclass(frozen=True, slots=True)
class FamilyParent:
    name: str
    linked: bool  # has a Telegram account on record
    phone: str | None


@dataclass(frozen=True, slots=True)
class FamilySummary:
    key: str
    name: str
    students: tuple[tuple[str, str], ...]  # (key, name)
    parents: tuple[FamilyParent, ...]
    id: int = 0

    @property
    def linked(self) -> bool:
        """Whether any parent has a Telegram account on record."""
        return any(p.linked for p in self.parents)


def lesson_ref(lesson: Lesson) -> LessonRef:
    hybrid = lesson.hybrid
    return LessonRef(
        id=lesson.id,
        key=lesson.key,
        name=lesson.name,
        type=lesson.type,
        teacher_id=lesson.teacher_id,
        teacher_name=lesson.teacher.name,
        location_name=lesson.location.name if lesson.location else None,
        room_name=lesson.room.name if lesson.room else None,
        day=lesson.day,
        start_time=lesson.start_time.strftime("%H:%M"),
        duration_minutes=lesson.duration_minutes,
        term_name=lesson.term.name,
        term_start=lesson.term.start_date,
        term_weeks=lesson.term.weeks,
        individual_weeks=tuple(sorted(hybrid.individual_weeks)) if hybrid else (),
        slot_minutes=hybrid.slot_minutes if hybrid else None,
        bookings_open=hybrid.bookings_open if hybrid else False,
        opened_at=hybrid.opened_at if hybrid else None,
        term_id=lesson.term_id,
    )


def _school_ref(school: School) -> SchoolRef:
    return SchoolRef(school.id, school.key, school.name, school.timezone)


class Directory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.driver = Driver(engine_of(sessions))

    # ------------------------------------------------------------ by key (CLI)

    async def school(self, key: str) -> SchoolRef:
        async with unit_of_work(self.sessions) as session:
            school = await session.scalar(select(School).where(School.key == key))
            if school is None:
                raise NotFound(f"No school '{key}'. Import its school file first.")
            return _school_ref(school)

    async def school_by_id(self, school_id: int) -> SchoolRef:
        async with unit_of_work(self.sessions) as session:
            school = await session.get(School, school_id)
            if school is None:
                raise NotFound(N_("No such school."))
            return _school_ref(school)

    async def schools(self) -> list[SchoolRef]:
        async with unit_of_work(self.sessions) as session:
            rows = (await session.scalars(select(School).order_by(School.key))).all()
            return [_school_ref(s) for s in rows]

    async def _id_by_key(
        self, model: type[Lesson | Student | Family | Teacher], school_id: int, key: str, what: str
    ) -> int:
        async with unit_of_work(self.sessions) as session:
            found = await session.scalar(
                select(model.id).where(model.school_id == school_id, model.key == key)
            )
            if found is None:
                known = await session.scalars(select(model.key).where(model.school_id == school_id))
                raise unknown_key(what, key, list(known))
            return int(found)

    async def lesson_id(self, school_id: int, key: str) -> int:
        return await self._id_by_key(Lesson, school_id, key, "lesson")

    async def student_id(self, school_id: int, key: str) -> int:
        return await self._id_by_key(Student, school_id, key, "student")

    async def family_id(self, school_id: int, key: str) -> int:
        return await self._id_by_key(Family, school_id, key, "family")

    async def teacher_id(self, school_id: int, key: str) -> int:
        return await self._id_by_key(Teacher, school_id, key, "teacher")

    async def student_keys(self, school_id: int) -> dict[int, str]:
        """Student id -> school-file key, for output that names students by key."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Student.id, Student.key).where(Student.school_id == school_id)
            )
            return {i: k for i, k in rows}

    async def families(self, school_id: int) -> list[FamilySummary]:
        """Every family of the school with its children and how many parents are linked."""
        async with unit_of_work(self.sessions) as session:
            families = (
                await session.scalars(
                    select(Family).where(Family.school_id == school_id).order_by(Family.key)
                )
            ).all()
            students = await session.execute(
                select(Student.family_id, Student.key, Student.name)
                .where(Student.school_id == school_id)
                .order_by(Student.name)
            )
            parents = await session.execute(
                select(Parent.family_id, Parent.name, Parent.telegram_id, Parent.phone)
                .where(Parent.school_id == school_id)
                .order_by(Parent.id)
            )
            children: dict[int, list[tuple[str, str]]] = {}
            for family_id, key, name in students:
                children.setdefault(family_id, []).append((key, name))
            people: dict[int, list[FamilyParent]] = {}
            for family_id, name, telegram_id, phone in parents:
                people.setdefault(family_id, []).append(
                    FamilyParent(name, telegram_id is not None, phone)
                )
            return [
                FamilySummary(
                    f.key,
                    f.name,
                    tuple(children.get(f.id, ())),
                    tuple(people.get(f.id, ())),
                    f.id,
                )
                for f in families
            ]

    # ------------------------------------------------------------ lessons

    async def lesson(self, school_id: int, lesson_id: int) -> LessonRef:
        async with unit_of_work(self.sessions) as session:
            lesson = (
                await session.scalars(lesson_query(school_id).where(Lesson.id == lesson_id))
            ).first()
            if lesson is None:
                raise NotFound(N_("No such lesson in this school."))
            return lesson_ref(lesson)

    async def lessons(
        self,
        school_id: int,
        *,
        hybrid_only: bool = False,
        teacher_id: int | None = None,
    ) -> list[LessonRef]:
        async with unit_of_work(self.sessions) as session:
            query = lesson_query(school_id)
            if hybrid_only:
                query = query.where(Lesson.type == LessonType.HYBRID)
            if teacher_id is not None:
                query = query.where(Lesson.teacher_id == teacher_id)
            rows = (await session.scalars(query.order_by(Lesson.name, Lesson.id))).unique().all()
            return [lesson_ref(lesson) for lesson in rows]

    async def teachers(self, school_id: int) -> list[tuple[int, str]]:
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Teacher.id, Teacher.name)
                .where(Teacher.school_id == school_id)
                .order_by(Teacher.name)
            )
            return [(i, n) for i, n in rows]

    async def locations(self, school_id: int) -> list[tuple[int, str]]:
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Location.id, Location.name)
                .where(Location.school_id == school_id)
                .order_by(Location.name)
            )
            return [(i, n) for i, n in rows]

    # ------------------------------------------------------------ families

    async def family(self, school_id: int, family_id: int) -> FamilyRef:
        async with unit_of_work(self.sessions) as session:
            family = await session.scalar(
                select(Family).where(Family.id == family_id, Family.school_id == school_id)
            )
            if family is None:
                raise NotFound(N_("No such family in this school."))
            parents = (
                await session.execute(
                    select(Parent.id, Parent.name, Parent.telegram_id)
                    .where(Parent.family_id == family.id)
                    .order_by(Parent.id)
                )
            ).all()
            return FamilyRef(
                family.id,
                family.key,
                family.name,
                tuple((pid, name, tid) for pid, name, tid in parents),
            )

    async def children(self, school_id: int, parent_id: int) -> list[Child]:
        """The children of a parent's family, each with the hybrid lessons they are enrolled in."""
        async with unit_of_work(self.sessions) as session:
            family_id = await session.scalar(
                select(Parent.family_id).where(
                    Parent.id == parent_id, Parent.school_id == school_id
                )
            )
            if family_id is None:
                raise NotFound(N_("No such parent in this school."))
            students = (
                await session.scalars(
                    select(Student)
                    .where(Student.family_id == family_id, Student.school_id == school_id)
                    .order_by(Student.name, Student.id)
                )
            ).all()
            by_student: dict[int, list[LessonRef]] = {}
            rows = await session.execute(
                lesson_query(school_id)
                .add_columns(Enrolment.student_id)
                .join(Enrolment, Enrolment.lesson_id == Lesson.id)
                .where(
                    Enrolment.student_id.in_([s.id for s in students]),
                    Lesson.type == LessonType.HYBRID,
                )
                .order_by(Lesson.name)
            )
            for lesson, student_id in rows.unique():
                by_student.setdefault(student_id, []).append(lesson_ref(lesson))
            return [Child(s.id, s.key, s.name, tuple(by_student.get(s.id, ()))) for s in students]

    # ------------------------------------------------------------ Telegram accounts

    async def identities(self, telegram_id: int) -> list[Identity]:
        """Every role this Telegram account holds, in every school, in one round trip
        (asked on every update): admin, then teacher, then parent; by school name."""
        kept = kept_identities(telegram_id)  # read with this update's language
        if kept is not None:
            return list(kept)
        return identities_of(await self.driver.fetch(IDENTITIES, telegram_id))

    async def telegram_accounts(self) -> dict[int, set[Role]]:
        """Every linked Telegram account and its roles, across schools (for command menus)."""
        async with unit_of_work(self.sessions) as session:
            accounts: dict[int, set[Role]] = {}
            for model, role in (
                (Admin, Role.ADMIN),
                (Teacher, Role.TEACHER),
                (Parent, Role.PARENT),
            ):
                rows = await session.scalars(
                    select(model.telegram_id).where(model.telegram_id.is_not(None))
                )
                for telegram_id in rows:
                    if telegram_id is not None:  # always: the query skips NULLs
                        accounts.setdefault(telegram_id, set()).add(role)
            return accounts

    async def parent_chat_ids(self, school_id: int, family_id: int) -> list[tuple[int, int]]:
        """(parent id, telegram id) of a family's parents who can be reached in chat."""
        async with unit_of_work(self.sessions) as session:
            rows = await session.execute(
                select(Parent.id, Parent.telegram_id).where(
                    Parent.school_id == school_id,
                    Parent.family_id == family_id,
                    Parent.telegram_id.is_not(None),
                    Parent.blocked_at.is_(None),
                )
            )
            return [(pid, tid) for pid, tid in rows if tid is not None]

    async def set_blocked(self, telegram_id: int, blocked_at: datetime | None) -> int:
        """Mark every parent row of this account as (un)reachable; returns rows changed.

        One statement on the driver (see handlers.presence)."""
        if blocked_at is None:
            status = await self.driver.execute(UNBLOCKED, telegram_id)
        else:
            status = await self.driver.execute(BLOCKED, telegram_id, blocked_at)
        return int(status.rsplit(" ", 1)[-1])
