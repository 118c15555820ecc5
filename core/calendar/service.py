"""Calendar events for a date range: regular lessons, hybrid weeks, booked sessions, events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.lessons import Occurrence, occurrences
from core.booking.service import booking_query, lesson_query, to_view
from core.calendar.events import CalendarEvent, EventKind
from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    Enrolment,
    Event,
    Lesson,
    Location,
    School,
    Student,
    Term,
)
from core.errors import NotFound
from core.i18n import gettext as _
from core.views import BookingView


@dataclass(frozen=True, slots=True)
class CalendarFilter:
    """Who is looking and what they asked for; None means no filter."""

    term_id: int | None = None
    teacher_id: int | None = None
    location_id: int | None = None
    family_id: int | None = None  # a parent sees only their family's lessons and bookings
    cancelled: bool = False  # cancelled bookings too (a feed shows them as STATUS:CANCELLED)
    school_events: bool | None = None  # None: not in a teacher's filtered view, else as said
    staff: bool = False  # a teacher or admin looking: they don't book, so no "book a slot"


def booking_event(booking: BookingView) -> CalendarEvent:
    """A booked individual session as a calendar entry; the uid is stable across changes."""
    return CalendarEvent(
        uid=f"booking-{booking.id}",
        kind=EventKind.BOOKED_SESSION,
        title=_("{lesson}: {child} (individual)").format(
            lesson=booking.lesson_name, child=booking.student_name
        ),
        start=booking.start_at,
        end=booking.end_at,
        teacher=booking.teacher_name,
        location=booking.location_name,
        room=booking.room_name,
        description=_(
            "Individual session of {child} with {teacher}, week {week}. Booking #{number}."
        ).format(
            child=booking.student_name,
            teacher=booking.teacher_name,
            week=booking.week,
            number=booking.id,
        ),
        sequence=booking.sequence,
        cancelled=booking.status is BookingStatus.CANCELLED,
        tentative=booking.status is BookingStatus.PENDING,
        short=booking.student_name,
        lesson_key=booking.lesson_key,
        lesson_name=booking.lesson_name,
        week=booking.week,
        student_name=booking.student_name,
    )


def lesson_event(
    occ: Occurrence,
    lesson_name: str,
    term_name: str,
    teacher: str,
    location: str | None,
    room: str | None,
    sequence: int = 0,
    staff: bool = False,
    lesson_key: str | None = None,
    enrolled: int | None = None,
    max_students: int | None = None,
    short: str | None = None,
    to_book: int | None = None,
) -> CalendarEvent:
    """One weekly session of a lesson (a hybrid lesson's individual week: a placeholder;
    ``staff`` look at it and don't book, so theirs says no "book a slot" but that the
    booked sessions are entries of their own)."""
    placeholder = occ.kind is EventKind.HYBRID_PLACEHOLDER
    suffix = (
        (_(" (individual week)") if staff else _(" (individual week: book a slot)"))
        if placeholder
        else ""
    )
    description = _("Week {week} of {term}").format(week=occ.week, term=term_name)
    if placeholder and staff:
        description += "\n" + _(
            "Individual week: no group class; each booked session is an entry of its own."
        )
    return CalendarEvent(
        uid=f"lesson-{occ.lesson_id}-w{occ.week}",
        kind=occ.kind,
        title=f"{lesson_name}{suffix}",
        start=occ.slot.start_at,
        end=occ.slot.end_at,
        teacher=teacher,
        location=location,
        room=room,
        description=description,
        sequence=sequence,
        lesson_key=lesson_key,
        lesson_name=lesson_name,
        week=occ.week,
        enrolled=enrolled,
        max_students=max_students,
        short=short,
        to_book=to_book,
    )


@dataclass(frozen=True, slots=True)
class Pupil:
    """An enrolled student of a lesson, as the calendar needs them."""

    student_id: int
    name: str
    family_id: int


def first_names(pupils: list[Pupil]) -> str:
    """'Emma', 'Emma & Liam', 'Emma, Liam & Zoe': a family's children by first name."""
    names = [(p.name.split() or [p.name])[0] for p in pupils]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"


def lesson_short(
    kind: EventKind, lesson_name: str, mine: list[Pupil] | None, to_book: int | None
) -> str | None:
    """What a lesson's picture block says: in a family's view (``mine``: the family's
    children in it, for a placeholder those still to book) who attends; a placeholder in
    the school's view how many still book."""
    if kind is EventKind.HYBRID_PLACEHOLDER:
        if not mine:
            return _("{lesson}: {count} to book").format(lesson=lesson_name, count=to_book)
        return _("{lesson}: {children} to book").format(
            lesson=lesson_name, children=first_names(mine)
        )
    if mine:
        return f"{lesson_name} · {first_names(mine)}"
    return None


def school_event(
    event_id: int,
    event_type: str,
    title: str,
    start: datetime,
    end: datetime,
    location: str | None,
    sequence: int = 0,
) -> CalendarEvent:
    """One of the school's events (a meet and greet, a concert...)."""
    return CalendarEvent(
        uid=f"event-{event_id}",
        kind=EventKind.MEET_AND_GREET
        if event_type.upper() == "MEET_AND_GREET"
        else EventKind.OTHER_EVENT,
        title=title,
        start=start,
        end=end,
        location=location,
        sequence=sequence,
    )


class CalendarService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def events(
        self,
        school_id: int,
        first_day: date,
        last_day: date,
        filters: CalendarFilter | None = None,
    ) -> list[CalendarEvent]:
        """Every calendar entry between two local dates (inclusive), sorted by start."""
        filters = filters or CalendarFilter()
        async with unit_of_work(self.sessions) as session:
            tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
            if tz_name is None:
                raise NotFound("No such school.")
            tz = ZoneInfo(tz_name)
            lo = datetime.combine(first_day, time()).replace(tzinfo=tz)
            hi = datetime.combine(last_day + timedelta(days=1), time()).replace(tzinfo=tz)
            result = await self._lesson_events(session, school_id, filters, tz, lo, hi)
            result += await self._booking_events(session, school_id, filters, tz_name, lo, hi)
            school_events = filters.school_events
            if school_events is None:
                school_events = filters.teacher_id is None or filters.family_id is not None
            if school_events:
                result += await self._school_events(session, school_id, filters, lo, hi)
        return sorted(result, key=lambda e: (e.start, e.kind, e.title))

    async def _lesson_events(
        self,
        session: AsyncSession,
        school_id: int,
        filters: CalendarFilter,
        tz: ZoneInfo,
        lo: datetime,
        hi: datetime,
    ) -> list[CalendarEvent]:
        query = lesson_query(school_id)
        if filters.term_id is not None:
            query = query.where(Lesson.term_id == filters.term_id)
        if filters.teacher_id is not None:
            query = query.where(Lesson.teacher_id == filters.teacher_id)
        if filters.location_id is not None:
            query = query.where(Lesson.location_id == filters.location_id)
        if filters.family_id is not None:
            query = query.where(
                Lesson.id.in_(
                    select(Enrolment.lesson_id)
                    .join(Student, Student.id == Enrolment.student_id)
                    .where(Student.family_id == filters.family_id)
                )
            )
        # only the terms that reach into the range (a day either side for the zone): a week
        # reads its term's lessons, not every lesson the school ever had
        query = query.where(
            Lesson.term_id.in_(
                select(Term.id).where(
                    Term.school_id == school_id,
                    Term.start_date <= hi.date() + timedelta(days=1),
                    Term.start_date + Term.weeks * 7 >= lo.date() - timedelta(days=1),
                )
            )
        )
        lessons = (await session.scalars(query)).unique().all()
        scheduled = [(lesson, list(occurrences(lesson, tz, lo, hi))) for lesson in lessons]
        scheduled = [(lesson, occs) for lesson, occs in scheduled if occs]
        pupils = await self._pupils(session, [lesson.id for lesson, _ in scheduled])
        individual = [
            (lesson.id, occ.week)
            for lesson, occs in scheduled
            for occ in occs
            if occ.kind is EventKind.HYBRID_PLACEHOLDER
        ]
        booked = await self._booked(session, individual)
        family = filters.family_id
        events: list[CalendarEvent] = []
        for lesson, occs in scheduled:
            enrolled = pupils.get(lesson.id, [])
            scope = enrolled if family is None else [p for p in enrolled if p.family_id == family]
            for occ in occs:
                to_book = None
                mine = None if family is None else scope
                if occ.kind is EventKind.HYBRID_PLACEHOLDER:
                    waiting = [
                        p for p in scope if (lesson.id, occ.week, p.student_id) not in booked
                    ]
                    to_book = len(waiting)
                    mine = None if family is None else waiting
                events.append(
                    lesson_event(
                        occ,
                        lesson.name,
                        lesson.term.name,
                        lesson.teacher.name,
                        lesson.location.name if lesson.location else None,
                        lesson.room.name if lesson.room else None,
                        staff=filters.staff,
                        lesson_key=lesson.key,
                        enrolled=len(enrolled),
                        max_students=lesson.max_students,
                        short=lesson_short(occ.kind, lesson.name, mine, to_book),
                        to_book=to_book,
                    )
                )
        return events

    @staticmethod
    async def _pupils(session: AsyncSession, lesson_ids: list[int]) -> dict[int, list[Pupil]]:
        """Enrolled students per lesson, by name."""
        found: dict[int, list[Pupil]] = {}
        if not lesson_ids:
            return found
        rows = await session.execute(
            select(Enrolment.lesson_id, Student.id, Student.name, Student.family_id)
            .join(Student, Student.id == Enrolment.student_id)
            .where(Enrolment.lesson_id.in_(lesson_ids))
            .order_by(Student.name, Student.id)
        )
        for lesson_id, student_id, name, family_id in rows:
            found.setdefault(lesson_id, []).append(Pupil(student_id, name, family_id))
        return found

    @staticmethod
    async def _booked(
        session: AsyncSession, lesson_weeks: list[tuple[int, int]]
    ) -> set[tuple[int, int, int]]:
        """(lesson, week, student) of every active booking of these lessons' weeks."""
        if not lesson_weeks:
            return set()
        lesson_ids = sorted({lesson_id for lesson_id, _ in lesson_weeks})
        weeks = sorted({week for _, week in lesson_weeks})
        rows = await session.execute(
            select(Booking.lesson_id, Booking.week, Booking.student_id).where(
                Booking.lesson_id.in_(lesson_ids),
                Booking.week.in_(weeks),
                Booking.status != BookingStatus.CANCELLED,
            )
        )
        wanted = set(lesson_weeks)
        return {
            (lesson_id, week, student_id)
            for lesson_id, week, student_id in rows
            if (lesson_id, week) in wanted
        }

    async def _booking_events(
        self,
        session: AsyncSession,
        school_id: int,
        filters: CalendarFilter,
        tz_name: str,
        lo: datetime,
        hi: datetime,
    ) -> list[CalendarEvent]:
        query = booking_query(school_id).where(Booking.start_at < hi, Booking.end_at > lo)
        if not filters.cancelled:
            query = query.where(Booking.status != BookingStatus.CANCELLED)
        if filters.teacher_id is not None:
            query = query.where(Booking.teacher_id == filters.teacher_id)
        if filters.family_id is not None:
            query = query.where(
                Booking.student_id.in_(
                    select(Student.id).where(Student.family_id == filters.family_id)
                )
            )
        if filters.term_id is not None or filters.location_id is not None:
            lesson_ids = select(Lesson.id).where(Lesson.school_id == school_id)
            if filters.term_id is not None:
                lesson_ids = lesson_ids.where(Lesson.term_id == filters.term_id)
            if filters.location_id is not None:
                lesson_ids = lesson_ids.where(Lesson.location_id == filters.location_id)
            query = query.where(Booking.lesson_id.in_(lesson_ids))
        rows = (await session.scalars(query)).unique().all()
        return [booking_event(to_view(b, tz_name)) for b in rows]

    async def _school_events(
        self,
        session: AsyncSession,
        school_id: int,
        filters: CalendarFilter,
        lo: datetime,
        hi: datetime,
    ) -> list[CalendarEvent]:
        # plain rows, not ORM objects: a busy week holds hundreds of them
        query = (
            select(Event.id, Event.type, Event.title, Event.start_at, Event.end_at, Location.name)
            .outerjoin(Location, Location.id == Event.location_id)
            .where(Event.school_id == school_id, Event.start_at < hi, Event.end_at > lo)
        )
        if filters.location_id is not None:
            query = query.where(Event.location_id == filters.location_id)
        rows = (await session.execute(query)).all()
        return [
            school_event(event_id, event_type, title, start_at, end_at, location)
            for event_id, event_type, title, start_at, end_at, location in rows
        ]

    async def booking_events(self, school_id: int, booking_ids: list[int]) -> list[CalendarEvent]:
        """Calendar entries of given bookings, cancelled ones included (for .ics updates)."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
            if tz_name is None:
                raise NotFound("No such school.")
            rows = (
                await session.scalars(booking_query(school_id).where(Booking.id.in_(booking_ids)))
            ).all()
            return [booking_event(to_view(b, tz_name)) for b in rows]
