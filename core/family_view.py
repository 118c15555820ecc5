"""What a parent sees of their family: children, their hybrid lessons and a term's weeks.

The week overview marks every week of the term for one child and one hybrid lesson:
a group week (no booking needed), an individual week still to book, one already booked,
one in the past, or one whose bookings are closed. ``week_overview`` is pure;
:class:`FamilyViewService` loads what it needs in one unit of work, scoped by school and
checked against the parent's own family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.catalog import CatalogCache, LessonPlan
from core.booking.service import booking_query, to_view
from core.clock import Clock
from core.db.driver import Driver
from core.db.engine import engine_of, unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    LessonType,
)
from core.errors import NotFound, NotYourStudent
from core.i18n import N_
from core.refs import Child, LessonRef
from core.schedule import notice_ok
from core.views import BookingView

FAMILY = """
SELECT p.family_id, f.name AS family_name, s.name AS school_name, s.timezone,
       s.catalog_version, st.id AS student_id, st.key AS student_key,
       st.name AS student_name, e.lesson_id, hp.bookings_open, hp.opened_at
  FROM parents p
  JOIN schools s ON s.id = p.school_id
  JOIN families f ON f.id = p.family_id
  LEFT JOIN students st ON st.family_id = p.family_id AND st.school_id = p.school_id
  LEFT JOIN enrolments e ON e.student_id = st.id
  LEFT JOIN hybrid_patterns hp ON hp.lesson_id = e.lesson_id
 WHERE p.id = $2 AND p.school_id = $1
"""

CHILD_BOOKINGS = """
SELECT id, week, start_at, end_at, status, booked_by, updated_by, cancelled_by,
       cancel_reason, sequence
  FROM bookings
 WHERE school_id = $1 AND student_id = $2 AND lesson_id = $3 AND status <> 'CANCELLED'
 ORDER BY start_at
"""


class WeekStatus(StrEnum):
    GROUP = "group"  # a group week: no booking needed
    TO_BOOK = "to_book"  # an individual week, open, not booked yet
    BOOKED = "booked"  # an individual week with an active booking
    PAST = "past"  # an individual week that is over
    CLOSED = "closed"  # an individual week to book, but bookings are closed


@dataclass(frozen=True, slots=True)
class WeekEntry:
    week: int
    monday: date
    status: WeekStatus
    booking: BookingView | None = None


def week_overview(
    lesson: LessonRef, bookings: Sequence[BookingView], now: datetime, tz: ZoneInfo
) -> list[WeekEntry]:
    """Every week of the term, with its marker, for one child in one hybrid lesson."""
    booked = {b.week: b for b in bookings if b.active and b.lesson_id == lesson.id}
    entries: list[WeekEntry] = []
    for week in range(1, lesson.term_weeks + 1):
        monday = lesson.week_monday(week)
        week_end = datetime.combine(monday + timedelta(days=7), time()).replace(tzinfo=tz)
        if week not in lesson.individual_weeks:
            status, booking = WeekStatus.GROUP, None
        elif week in booked:
            status, booking = WeekStatus.BOOKED, booked[week]
        elif week_end <= now:
            status, booking = WeekStatus.PAST, None
        elif not lesson.bookings_open:
            status, booking = WeekStatus.CLOSED, None
        else:
            status, booking = WeekStatus.TO_BOOK, None
        entries.append(WeekEntry(week, monday, status, booking))
    return entries


def plan_ref(plan: LessonPlan, bookings_open: bool, opened_at: datetime | None) -> LessonRef:
    """A cached lesson's structure with its live open/closed state, as the screens show it."""
    hybrid = plan.hybrid
    return LessonRef(
        id=plan.id,
        key=plan.key,
        name=plan.name,
        type=plan.type,
        teacher_id=plan.teacher_id,
        teacher_name=plan.teacher_name,
        location_name=plan.location_name,
        room_name=plan.room_name,
        day=plan.day,
        start_time=plan.start_time.strftime("%H:%M"),
        duration_minutes=plan.duration_minutes,
        term_name=plan.term.name,
        term_start=plan.term.start_date,
        term_weeks=plan.term.weeks,
        individual_weeks=tuple(hybrid.individual_weeks) if hybrid else (),
        slot_minutes=hybrid.slot_minutes if hybrid else None,
        bookings_open=bookings_open,
        opened_at=opened_at,
    )


def parent_can_change(view: BookingView, now: datetime) -> bool:
    """Whether a parent may still move or cancel this booking (24 hours' notice, not cancelled)."""
    return view.active and notice_ok(view.start_at, now)


@dataclass(frozen=True, slots=True)
class FamilySnapshot:
    """A parent's family in one school: children with their hybrid lessons."""

    school_id: int
    school_name: str
    timezone: str
    parent_id: int
    children: tuple[Child, ...]
    family_id: int = 0
    family_name: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def child(self, student_id: int) -> Child:
        for child in self.children:
            if child.id == student_id:
                return child
        raise NotYourStudent()

    def lesson(self, student_id: int, lesson_id: int) -> LessonRef:
        child = self.child(student_id)
        for lesson in child.hybrid_lessons:
            if lesson.id == lesson_id:
                return lesson
        raise NotYourStudent(N_("{child} is not enrolled in that lesson."), child=child.name)


@dataclass(frozen=True, slots=True)
class LessonWeeks:
    family: FamilySnapshot
    child: Child
    lesson: LessonRef
    weeks: tuple[WeekEntry, ...]


class FamilyViewService:
    """Read-only queries for the parent's screens; every id is checked against the family."""

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

    async def family(self, school_id: int, parent_id: int) -> FamilySnapshot:
        """The parent's children in this school, each with the hybrid lessons they take."""
        return await self._family(school_id, parent_id)

    async def _family(self, school_id: int, parent_id: int) -> FamilySnapshot:
        """One query for the family, its children, their enrolments and open/closed states;
        lesson structure from the catalog cache, checked against the school's version."""
        rows = await self.driver.fetch(FAMILY, school_id, parent_id)
        if not rows:
            raise NotFound(N_("No such parent in this school."))
        first = rows[0]
        catalog = self.catalogs.peek(school_id)
        if catalog is None or catalog.version != first["catalog_version"]:
            async with unit_of_work(self.sessions) as session:
                catalog = await self.catalogs.at_version(
                    session, school_id, first["catalog_version"]
                )
        students: dict[int, tuple[str, str]] = {}
        by_student: dict[int, list[LessonRef]] = {}
        for row in rows:
            student_id, lesson_id = row["student_id"], row["lesson_id"]
            if student_id is None:
                continue
            students[student_id] = (row["student_key"], row["student_name"])
            plan = catalog.lesson(lesson_id) if lesson_id is not None else None
            if plan is None or plan.type is not LessonType.HYBRID or plan.hybrid is None:
                continue
            by_student.setdefault(student_id, []).append(
                plan_ref(plan, bool(row["bookings_open"]), row["opened_at"])
            )
        children = tuple(
            Child(
                sid,
                key,
                name,
                tuple(sorted(by_student.get(sid, ()), key=lambda ref: (ref.name, ref.id))),
            )
            for sid, (key, name) in sorted(students.items(), key=lambda kv: (kv[1][1], kv[0]))
        )
        return FamilySnapshot(
            school_id,
            first["school_name"],
            first["timezone"],
            parent_id,
            children,
            first["family_id"],
            first["family_name"],
        )

    async def lesson_weeks(
        self,
        school_id: int,
        parent_id: int,
        student_id: int,
        lesson_id: int,
        family: FamilySnapshot | None = None,
    ) -> LessonWeeks:
        """The week overview of one child in one hybrid lesson (NotYourStudent otherwise).

        ``family``: a snapshot the caller has just read, to save reading it again."""
        if family is None or family.school_id != school_id or family.parent_id != parent_id:
            family = await self._family(school_id, parent_id)
        child = family.child(student_id)
        lesson = family.lesson(student_id, lesson_id)
        rows = await self.driver.fetch(CHILD_BOOKINGS, school_id, student_id, lesson_id)
        catalog = self.catalogs.peek(school_id)
        if catalog is None:  # never: loaded by _family
            raise RuntimeError(f"catalog of school {school_id} not loaded")
        plan = catalog.lesson(lesson_id)
        if plan is None:  # never: family.lesson found it
            raise RuntimeError(f"lesson {lesson_id} not in the catalog")
        bookings = [
            plan.booking_view(
                booking_id=row["id"],
                student=(child.id, child.key, child.name),
                family=(family.family_id, family.family_name),
                week=row["week"],
                start_at=row["start_at"],
                end_at=row["end_at"],
                status=BookingStatus(row["status"]),
                booked_by=row["booked_by"],
                timezone=family.timezone,
                updated_by=row["updated_by"],
                cancelled_by=row["cancelled_by"],
                cancel_reason=row["cancel_reason"],
                sequence=row["sequence"],
            )
            for row in rows
        ]
        weeks = week_overview(lesson, bookings, self.clock.now(), family.tz)
        return LessonWeeks(family, child, lesson, tuple(weeks))

    async def week_booking(
        self, school_id: int, parent_id: int, student_id: int, lesson_id: int, week: int
    ) -> BookingView | None:
        """The child's active booking of that lesson in that week, if any (own family only)."""
        family = await self._family(school_id, parent_id)
        family.lesson(student_id, lesson_id)
        async with unit_of_work(self.sessions) as session:
            row = (
                await session.scalars(
                    booking_query(school_id).where(
                        Booking.student_id == student_id,
                        Booking.lesson_id == lesson_id,
                        Booking.week == week,
                        Booking.status != BookingStatus.CANCELLED,
                    )
                )
            ).first()
            return to_view(row, family.timezone) if row is not None else None

    async def family_booking(self, school_id: int, parent_id: int, booking_id: int) -> BookingView:
        """One booking of the parent's own family (NotFound for anyone else's)."""
        family = await self._family(school_id, parent_id)
        ids = [c.id for c in family.children]
        async with unit_of_work(self.sessions) as session:
            row = (
                await session.scalars(
                    booking_query(school_id).where(
                        Booking.id == booking_id, Booking.student_id.in_(ids)
                    )
                )
            ).first()
            if row is None:
                raise NotFound(N_("That booking is not one of your family's."))
            return to_view(row, family.timezone)
