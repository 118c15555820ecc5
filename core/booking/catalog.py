"""A per-process cache of each school's lesson structure, checked against the database.

Lessons, terms, teachers, rooms and availability windows change only when a school file is
imported, and every such import bumps ``schools.catalog_version`` in its transaction. A
cached catalog is used only after the current version has been read in the same statement
or transaction as the work it serves, so a process never acts on a stale lesson — it reloads.
Booking state (open/closed, bookings) is never cached.

A :class:`LessonPlan` and an ORM lesson are both a :class:`core.booking.rules.LessonShape`,
so slot and occurrence arithmetic (core.booking.lessons, core.booking.rules) is shared.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.booking.lessons import busy_occurrences, individual_slots
from core.db.models import (
    AvailabilityWindow,
    BookingStatus,
    HybridPattern,
    Lesson,
    LessonType,
    Location,
    Room,
    School,
    Teacher,
    Term,
)
from core.errors import NotFound
from core.i18n import N_
from core.schedule import Slot
from core.views import BookingView


@dataclass(frozen=True, slots=True)
class TermPlan:
    id: int
    name: str
    start_date: date
    weeks: int


@dataclass(frozen=True, slots=True)
class WindowPlan:
    day: int
    start_time: time
    end_time: time


@dataclass(frozen=True, slots=True)
class HybridPlan:
    individual_weeks: tuple[int, ...]
    slot_minutes: int
    windows: tuple[WindowPlan, ...]


@dataclass(frozen=True, slots=True)
class LessonPlan:
    """A lesson's structure: what places it and its slots in time, and the names shown."""

    id: int
    school_id: int
    key: str
    name: str
    type: LessonType
    teacher_id: int
    teacher_name: str
    location_id: int | None
    location_name: str | None
    room_name: str | None
    day: int
    start_time: time
    duration_minutes: int
    term: TermPlan
    hybrid: HybridPlan | None

    def booking_view(
        self,
        *,
        booking_id: int,
        student: tuple[int, str, str],  # id, key, name
        family: tuple[int, str],  # id, name
        week: int,
        start_at: datetime,
        end_at: datetime,
        status: BookingStatus,
        booked_by: str,
        timezone: str,
        updated_by: str | None = None,
        cancelled_by: str | None = None,
        cancel_reason: str | None = None,
        sequence: int = 0,
        confirmed_at: datetime | None = None,
    ) -> BookingView:
        """A booking of this lesson as the screens show it, without reading the lesson."""
        return BookingView(
            id=booking_id,
            school_id=self.school_id,
            lesson_id=self.id,
            lesson_key=self.key,
            lesson_name=self.name,
            student_id=student[0],
            student_key=student[1],
            student_name=student[2],
            family_id=family[0],
            family_name=family[1],
            teacher_id=self.teacher_id,
            teacher_name=self.teacher_name,
            location_name=self.location_name,
            room_name=self.room_name,
            week=week,
            start_at=start_at,
            end_at=end_at,
            status=status,
            booked_by=booked_by,
            updated_by=updated_by,
            cancelled_by=cancelled_by,
            cancel_reason=cancel_reason,
            sequence=sequence,
            confirmed_at=confirmed_at,
            timezone=timezone,
        )


@dataclass(frozen=True)
class SchoolCatalog:
    school_id: int
    version: int
    timezone: str
    lessons: dict[int, LessonPlan]
    by_teacher: dict[int, tuple[LessonPlan, ...]] = field(default_factory=dict)
    _slots: dict[tuple[int, int], tuple[Slot, ...]] = field(default_factory=dict, repr=False)
    _busy: dict[int, tuple[Slot, ...]] = field(default_factory=dict, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def regular_busy(self, teacher_id: int, lo: datetime, hi: datetime) -> list[Slot]:
        """The teacher's regular weekly sessions overlapping [lo, hi), from every term;
        all of them are computed once per catalog version."""
        busy = self._busy.get(teacher_id)
        if busy is None:
            everything = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))
            busy = tuple(
                sorted(
                    (
                        o.slot
                        for plan in self.teacher_lessons(teacher_id)
                        for o in busy_occurrences(plan, self.tz, *everything)
                    ),
                    key=lambda slot: slot.start_at,
                )
            )
            self._busy[teacher_id] = busy
        return [slot for slot in busy if slot.overlaps(lo, hi)]

    def week_slots(self, lesson: LessonPlan, week: int) -> tuple[Slot, ...]:
        """The slots of a lesson's individual week, computed once per catalog version."""
        key = (lesson.id, week)
        slots = self._slots.get(key)
        if slots is None:
            slots = tuple(individual_slots(lesson, week, self.tz))
            self._slots[key] = slots
        return slots

    def lesson(self, lesson_id: int) -> LessonPlan | None:
        return self.lessons.get(lesson_id)

    def teacher_lessons(self, teacher_id: int) -> tuple[LessonPlan, ...]:
        return self.by_teacher.get(teacher_id, ())


class CatalogCache:
    """The catalogs of the schools this process has served, keyed by school id."""

    def __init__(self) -> None:
        self._catalogs: dict[int, SchoolCatalog] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def peek(self, school_id: int) -> SchoolCatalog | None:
        """The cached catalog, whatever its version (the caller must check it)."""
        return self._catalogs.get(school_id)

    async def current(self, session: AsyncSession, school_id: int) -> SchoolCatalog:
        """The catalog at the database's current version (one small query when cached)."""
        version = await session.scalar(select(School.catalog_version).where(School.id == school_id))
        if version is None:
            raise NotFound(N_("No such school."))
        return await self.at_version(session, school_id, version)

    async def at_version(
        self, session: AsyncSession, school_id: int, version: int
    ) -> SchoolCatalog:
        cached = self._catalogs.get(school_id)
        if cached is not None and cached.version == version:
            return cached
        # one load per school at a time: when a restarted bot meets a rush, the first
        # caller loads and the others wait for it instead of all loading the same catalog
        async with self._locks[school_id]:
            cached = self._catalogs.get(school_id)
            if cached is not None and cached.version >= version:
                return cached
            catalog = await load_catalog(session, school_id)
            self._catalogs[school_id] = catalog
            return catalog

    def forget(self, school_id: int | None = None) -> None:
        if school_id is None:
            self._catalogs.clear()
        else:
            self._catalogs.pop(school_id, None)


async def load_catalog(session: AsyncSession, school_id: int) -> SchoolCatalog:
    """Read a school's whole lesson structure in three light queries."""
    school = (
        await session.execute(
            select(School.timezone, School.catalog_version).where(School.id == school_id)
        )
    ).first()
    if school is None:
        raise NotFound(N_("No such school."))
    timezone, version = school
    windows: defaultdict[int, list[WindowPlan]] = defaultdict(list)
    window_rows = await session.execute(
        select(
            AvailabilityWindow.lesson_id,
            AvailabilityWindow.day,
            AvailabilityWindow.start_time,
            AvailabilityWindow.end_time,
        )
        .join(Lesson, Lesson.id == AvailabilityWindow.lesson_id)
        .where(Lesson.school_id == school_id)
        .order_by(AvailabilityWindow.id)
    )
    for lesson_id, day, start, end in window_rows:
        windows[lesson_id].append(WindowPlan(day, start, end))
    location = aliased(Location)
    room = aliased(Room)
    rows = await session.execute(
        select(
            Lesson.id,
            Lesson.key,
            Lesson.name,
            Lesson.type,
            Lesson.teacher_id,
            Teacher.name,
            Lesson.location_id,
            location.name,
            room.name,
            Lesson.day,
            Lesson.start_time,
            Lesson.duration_minutes,
            Term.id,
            Term.name,
            Term.start_date,
            Term.weeks,
            HybridPattern.individual_weeks,
            HybridPattern.slot_minutes,
        )
        .join(Teacher, Teacher.id == Lesson.teacher_id)
        .join(Term, Term.id == Lesson.term_id)
        .outerjoin(location, location.id == Lesson.location_id)
        .outerjoin(room, room.id == Lesson.room_id)
        .outerjoin(HybridPattern, HybridPattern.lesson_id == Lesson.id)
        .where(Lesson.school_id == school_id)
    )
    lessons: dict[int, LessonPlan] = {}
    by_teacher: defaultdict[int, list[LessonPlan]] = defaultdict(list)
    for row in rows:
        hybrid = (
            HybridPlan(tuple(sorted(row[16])), row[17], tuple(windows.get(row[0], ())))
            if row[16] is not None
            else None
        )
        plan = LessonPlan(
            id=row[0],
            school_id=school_id,
            key=row[1],
            name=row[2],
            type=row[3],
            teacher_id=row[4],
            teacher_name=row[5],
            location_id=row[6],
            location_name=row[7],
            room_name=row[8],
            day=row[9],
            start_time=row[10],
            duration_minutes=row[11],
            term=TermPlan(row[12], row[13], row[14], row[15]),
            hybrid=hybrid,
        )
        lessons[plan.id] = plan
        by_teacher[plan.teacher_id].append(plan)
    return SchoolCatalog(
        school_id=school_id,
        version=version,
        timezone=timezone,
        lessons=lessons,
        by_teacher={t: tuple(ls) for t, ls in by_teacher.items()},
    )
