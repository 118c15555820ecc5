"""Who and what, by key or by Telegram account: schools, people, children and their lessons.

Every lookup is scoped by school; an id of school A asked for in school B is "not found".
What it answers are the plain values of core.identities (a Telegram account's roles) and
core.refs (lessons, children, families).
"""

from __future__ import annotations

from datetime import datetime

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
from core.identities import IDENTITIES, Identity, Role, SchoolRef, identities_of
from core.kept_identities import kept as kept_identities
from core.keys import unknown_key
from core.refs import Child, FamilyParent, FamilyRef, FamilySummary, LessonRef, lesson_ref

BLOCKED = "UPDATE parents SET blocked_at = $2 WHERE telegram_id = $1 AND blocked_at IS NULL"
UNBLOCKED = "UPDATE parents SET blocked_at = NULL WHERE telegram_id = $1 AND blocked_at IS NOT NULL"


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
