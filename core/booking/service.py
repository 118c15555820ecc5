"""The booking service: every operation on hybrid-lesson bookings, one unit of work each.

Rules (DESIGN.md): slots are cut from the teacher's availability in individual weeks; a slot
is available when it starts at least 24 hours ahead (for parents), bookings are open, and the
teacher is free across all of their lessons. The database enforces one active booking per
student, lesson and week (partial unique index) and no overlapping bookings of one teacher
(exclusion constraint); the checks here run in the same transaction, for plain-words errors.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, time
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload, selectinload

from core.booking import sql as booking_sql
from core.booking.catalog import CatalogCache, LessonPlan, SchoolCatalog
from core.booking.lessons import individual_slots
from core.booking.stats import BookingFact, EnrolledStudent, compute_stats
from core.clock import Clock
from core.db.driver import FOREIGN_KEY_VIOLATION, Driver, StatementRefused
from core.db.engine import engine_of, unit_of_work
from core.db.models import (
    Booking,
    BookingStatus,
    Enrolment,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Parent,
    School,
    Student,
    Teacher,
)
from core.errors import (
    AlreadyBooked,
    BookingsClosed,
    InvalidState,
    NotAllowed,
    NotFound,
    NoticeTooShort,
    NotYourStudent,
    SlotTaken,
    SlotUnavailable,
    TeacherBusy,
)
from core.schedule import Slot, notice_ok
from core.views import Actor, BookingView, LessonStats

logger = logging.getLogger(__name__)

EXCLUSION_VIOLATION = "23P01"
UNIQUE_VIOLATION = "23505"
UNDOABLE = (BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


def _sqlstate(exc: IntegrityError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def lesson_query(school_id: int) -> Select[tuple[Lesson]]:
    """Lessons of one school, with everything needed to compute their times."""
    return (
        select(Lesson)
        .where(Lesson.school_id == school_id)
        .options(
            joinedload(Lesson.term),
            joinedload(Lesson.teacher),
            joinedload(Lesson.location),
            joinedload(Lesson.room),
            selectinload(Lesson.hybrid).selectinload(HybridPattern.windows),
        )
    )


def booking_query(school_id: int) -> Select[tuple[Booking]]:
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
    )


class BookingService:
    """All booking operations of the original plan, each one transaction."""

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

    # ---------------------------------------------------------------- lookups

    async def _timezone(self, session: AsyncSession, school_id: int) -> str:
        tz_name = await session.scalar(select(School.timezone).where(School.id == school_id))
        if tz_name is None:
            raise NotFound("No such school.")
        return tz_name

    async def _lesson(self, session: AsyncSession, school_id: int, lesson_id: int) -> Lesson:
        lesson = (
            await session.scalars(lesson_query(school_id).where(Lesson.id == lesson_id))
        ).first()
        if lesson is None:
            raise NotFound("No such lesson in this school.")
        return lesson

    async def _hybrid_lesson(self, session: AsyncSession, school_id: int, lesson_id: int) -> Lesson:
        lesson = await self._lesson(session, school_id, lesson_id)
        if lesson.type is not LessonType.HYBRID or lesson.hybrid is None:
            raise NotAllowed(f"{lesson.name} is not a hybrid lesson; it has no individual weeks.")
        return lesson

    async def _booking(
        self, session: AsyncSession, school_id: int, booking_id: int, *, lock: bool = False
    ) -> Booking:
        query = booking_query(school_id).where(Booking.id == booking_id)
        if lock:
            query = query.with_for_update(of=Booking)
        booking = (await session.scalars(query)).first()
        if booking is None:
            raise NotFound(f"No booking #{booking_id} in this school.")
        return booking

    async def _parent_of(
        self, session: AsyncSession, school_id: int, parent_id: int, student_id: int
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

    async def _check_parent(
        self, session: AsyncSession, school_id: int, actor: Actor, student_id: int
    ) -> None:
        if actor.is_parent and (
            actor.parent_id is None
            or not await self._parent_of(session, school_id, actor.parent_id, student_id)
        ):
            logger.warning(
                "refused: parent %s acting for student %s (school %s)",
                actor.parent_id,
                student_id,
                school_id,
            )
            raise NotYourStudent()

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
        catalog = await self.catalogs.current(session, school_id)
        return [Slot(start, end) for start, end in rows] + catalog.regular_busy(teacher_id, lo, hi)

    def _week_window(self, slots: Sequence[Slot]) -> tuple[datetime, datetime]:
        return slots[0].start_at, slots[-1].end_at

    # ---------------------------------------------------------------- slots

    async def available_slots(
        self, school_id: int, lesson_id: int, week: int, actor: Actor | None = None
    ) -> list[Slot]:
        """Slots of an individual week a booking can take now (for ``actor``; default parent).

        One statement on the common path: the cached lesson structure gives the slots and
        the teacher's regular sessions; the database gives open/closed, the teacher's
        bookings that week and the catalog version the cache is checked against.
        """
        return await self._available(school_id, lesson_id, week, actor, exclude_booking_id=None)

    async def _catalog(self, school_id: int, *, lesson_id: int | None = None) -> SchoolCatalog:
        """The cached catalog if it knows the lesson, else a fresh one (version checked later)."""
        catalog = self.catalogs.peek(school_id)
        if catalog is None or (lesson_id is not None and lesson_id not in catalog.lessons):
            async with unit_of_work(self.sessions) as session:
                catalog = await self.catalogs.current(session, school_id)
        return catalog

    async def _reload(self, school_id: int, version: int | None) -> SchoolCatalog:
        if version is None:
            raise NotFound("No such school.")
        async with unit_of_work(self.sessions) as session:
            return await self.catalogs.at_version(session, school_id, version)

    def _plan(self, catalog: SchoolCatalog, lesson_id: int) -> LessonPlan:
        lesson = catalog.lesson(lesson_id)
        if lesson is None:
            raise NotFound("No such lesson in this school.")
        if lesson.type is not LessonType.HYBRID or lesson.hybrid is None:
            raise NotAllowed(f"{lesson.name} is not a hybrid lesson; it has no individual weeks.")
        return lesson

    async def _available(
        self,
        school_id: int,
        lesson_id: int,
        week: int,
        actor: Actor | None,
        *,
        exclude_booking_id: int | None,
    ) -> list[Slot]:
        catalog = await self._catalog(school_id, lesson_id=lesson_id)
        for _attempt in range(3):
            lesson = self._plan(catalog, lesson_id)
            self._check_week(lesson, week)  # type: ignore[arg-type]
            slots = list(catalog.week_slots(lesson, week))
            lo, hi = self._week_window(slots) if slots else (self.clock.now(), self.clock.now())
            state = await booking_sql.week_state(
                self.driver,
                school_id=school_id,
                lesson_id=lesson_id,
                teacher_id=lesson.teacher_id,
                lo=lo,
                hi=hi,
                exclude_booking_id=exclude_booking_id,
            )
            if state.version != catalog.version:
                catalog = await self._reload(school_id, state.version)
                continue
            break
        else:  # pragma: no cover - the school's file imported three times meanwhile
            raise InvalidState("The school's lessons are being updated; please try again.")
        for_school = actor is not None and actor.acts_for_school
        if not for_school and not state.bookings_open:
            raise BookingsClosed()
        if not slots:
            return []
        now = self.clock.now()
        busy = [Slot(start, end) for start, end in state.busy]
        busy += catalog.regular_busy(lesson.teacher_id, lo, hi)
        return [
            slot
            for slot in slots
            if (slot.start_at > now if for_school else notice_ok(slot.start_at, now))
            and not any(slot.overlaps(b.start_at, b.end_at) for b in busy)
        ]

    async def slot_at(
        self, school_id: int, lesson_id: int, week: int, at: time, day: int | None = None
    ) -> datetime:
        """The start instant of the slot at a local clock time in an individual week."""
        async with unit_of_work(self.sessions) as session:
            tz = ZoneInfo(await self._timezone(session, school_id))
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            self._check_week(lesson, week)
            matches = [
                slot
                for slot in individual_slots(lesson, week, tz)
                if slot.start_at.astimezone(tz).time() == at
                and (day is None or slot.start_at.astimezone(tz).weekday() == day)
            ]
            if not matches:
                raise SlotUnavailable(
                    f"No slot of {lesson.name} starts at {at:%H:%M} in week {week}."
                )
            if len(matches) > 1:
                days = ", ".join(f"{m.start_at.astimezone(tz):%A}" for m in matches)
                raise SlotUnavailable(
                    f"Slots start at {at:%H:%M} on several days of week {week} ({days}): "
                    "say which day."
                )
            return matches[0].start_at

    def _check_week(self, lesson: Lesson, week: int) -> None:
        term_weeks = lesson.term.weeks
        if not 1 <= week <= term_weeks:
            raise SlotUnavailable(f"Week {week} is outside the term (weeks 1 to {term_weeks}).")
        if week not in lesson.hybrid.individual_weeks:  # type: ignore[union-attr]
            raise SlotUnavailable(
                f"Week {week} of {lesson.name} is a group week: no individual booking is needed."
            )

    def _find_slot(self, lesson: Lesson, week: int, tz: ZoneInfo, start_at: datetime) -> Slot:
        for slot in individual_slots(lesson, week, tz):
            if slot.start_at == start_at:
                return slot
        local = start_at.astimezone(tz)
        raise SlotUnavailable(
            f"{local:%a %d %b %H:%M} is not one of the slots of {lesson.name} in week {week}."
        )

    async def _check_slot_free(
        self,
        session: AsyncSession,
        lesson: Lesson,
        slot: Slot,
        *,
        exclude_booking_id: int | None = None,
    ) -> None:
        busy = await self._teacher_busy(
            session,
            lesson.school_id,
            lesson.teacher_id,
            slot.start_at,
            slot.end_at,
            exclude_booking_id=exclude_booking_id,
        )
        if any(slot.overlaps(b.start_at, b.end_at) for b in busy):
            raise SlotTaken("That slot has just been taken.")

    def _check_time(self, actor: Actor, start_at: datetime, what: str = "That session") -> None:
        now = self.clock.now()
        if start_at <= now:
            raise InvalidState(f"{what} has already started or passed.")
        if not actor.acts_for_school and not notice_ok(start_at, now):
            raise NoticeTooShort(
                f"{what} is less than 24 hours away, so it can't be changed in the bot. "
                "Please contact the school."
            )

    # ---------------------------------------------------------------- create

    async def create_booking(
        self,
        school_id: int,
        actor: Actor,
        lesson_id: int,
        student_id: int,
        week: int,
        start_at: datetime,
    ) -> BookingView:
        """Book a student's individual slot; refuses with a domain error, writing nothing.

        The hot path of a booking rush: the slot, the notice and the teacher's regular
        lessons are checked against the cached lesson structure; then one statement reads
        every fact about the student and inserts only if they all allow it (see
        core.booking.sql). The refusals come in the order the rules are listed in.
        """
        catalog = await self._catalog(school_id, lesson_id=lesson_id)
        for _attempt in range(3):
            lesson = self._plan(catalog, lesson_id)
            tz = catalog.tz
            week_ok = lesson.hybrid is not None and week in lesson.hybrid.individual_weeks
            slot = (
                next(
                    (s for s in catalog.week_slots(lesson, week) if s.start_at == start_at),
                    None,
                )
                if week_ok
                else None
            )
            now = self.clock.now()
            time_ok = (
                slot is not None
                and slot.start_at > now
                and (actor.acts_for_school or notice_ok(slot.start_at, now))
            )
            regular_clash = slot is not None and any(
                slot.overlaps(b.start_at, b.end_at)
                for b in catalog.regular_busy(lesson.teacher_id, slot.start_at, slot.end_at)
            )
            may_insert = slot is not None and time_ok and not regular_clash
            try:
                facts = await booking_sql.book(
                    self.driver,
                    school_id=school_id,
                    lesson_id=lesson_id,
                    parent_id=actor.parent_id if actor.is_parent else None,
                    student_id=student_id,
                    week=week,
                    teacher_id=lesson.teacher_id,
                    start_at=slot.start_at if slot else start_at,
                    end_at=slot.end_at if slot else start_at,
                    label=actor.label,
                    now=now,
                    may_insert=may_insert,
                    version=catalog.version,
                    for_school=actor.acts_for_school,
                )
            except StatementRefused as exc:
                if exc.sqlstate != FOREIGN_KEY_VIOLATION:
                    raise
                # an import gave the lesson another teacher (or removed the student) after
                # this statement read the catalog version: read it afresh and try again
                self.catalogs.forget(school_id)
                catalog = await self._catalog(school_id, lesson_id=lesson_id)
                continue
            if facts is None:
                await self._catalog(school_id)  # "No such school." when it is that
                raise NotFound("No such student in this school.")
            if facts.version != catalog.version:
                catalog = await self._reload(school_id, facts.version)
                continue
            break
        else:  # pragma: no cover - the school's file imported three times meanwhile
            raise InvalidState("The school's lessons are being updated; please try again.")
        if facts.booking_id is None:
            await self._refuse_booking(
                actor, lesson, facts, school_id, student_id, week, start_at, slot, regular_clash, tz
            )
        assert slot is not None and facts.booking_id is not None
        logger.info(
            "booking %s created: lesson %s student %s week %s by %s",
            facts.booking_id,
            lesson.id,
            student_id,
            week,
            actor.label,
        )
        return lesson.booking_view(
            booking_id=facts.booking_id,
            student=(student_id, facts.student_key, facts.student_name),
            family=(facts.family_id, facts.family_name),
            week=week,
            start_at=slot.start_at,
            end_at=slot.end_at,
            status=BookingStatus.CONFIRMED,
            booked_by=actor.label,
            timezone=catalog.timezone,
        )

    async def _refuse_booking(
        self,
        actor: Actor,
        lesson: LessonPlan,
        facts: booking_sql.BookFacts,
        school_id: int,
        student_id: int,
        week: int,
        start_at: datetime,
        slot: Slot | None,
        regular_clash: bool,
        tz: ZoneInfo,
    ) -> NoReturn:
        """Why nothing was inserted, in the order of the rules."""
        if actor.is_parent and not facts.is_parent:
            logger.warning(
                "refused: parent %s acting for student %s (school %s)",
                actor.parent_id,
                student_id,
                school_id,
            )
            raise NotYourStudent()
        if not facts.enrolled:
            raise NotAllowed(f"{facts.student_name} is not enrolled in {lesson.name}.")
        self._check_week(lesson, week)  # type: ignore[arg-type]
        if actor.is_parent and not facts.bookings_open:
            raise BookingsClosed()
        if slot is None:
            self._find_slot(lesson, week, tz, start_at)  # type: ignore[arg-type]
            raise SlotUnavailable("That is not one of the lesson's slots.")
        self._check_time(actor, slot.start_at)
        # refused by the database's constraints: the student's booking that week (a double
        # tap, say), or the teacher's at that time
        if await booking_sql.active_booking_of_week(self.driver, lesson.id, student_id, week):
            raise AlreadyBooked(
                f"{facts.student_name} already has a booking for {lesson.name} in week {week}."
            )
        if regular_clash:
            raise TeacherBusy("The teacher has another lesson at that time.")
        raise SlotTaken()

    async def _flush_or_refuse(
        self, session: AsyncSession, student_name: str, lesson_name: str, week: int
    ) -> None:
        try:
            await session.flush()
        except IntegrityError as exc:
            await session.rollback()
            self._refuse(exc, student_name, lesson_name, week)

    @staticmethod
    def _refuse(exc: IntegrityError, student_name: str, lesson_name: str, week: int) -> NoReturn:
        """The database's refusal of a booking write, in plain words (or re-raised)."""
        state = _sqlstate(exc)
        if state == EXCLUSION_VIOLATION:
            raise SlotTaken() from None
        if state == UNIQUE_VIOLATION:
            raise AlreadyBooked(
                f"{student_name} already has a booking for {lesson_name} in week {week}."
            ) from None
        raise exc

    # ---------------------------------------------------------------- read

    async def get_booking(self, school_id: int, booking_id: int) -> BookingView:
        async with unit_of_work(self.sessions) as session:
            tz_name = await self._timezone(session, school_id)
            return to_view(await self._booking(session, school_id, booking_id), tz_name)

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
            tz_name = await self._timezone(session, school_id)
            family_id = await session.scalar(
                select(Parent.family_id).where(
                    Parent.id == parent_id, Parent.school_id == school_id
                )
            )
            if family_id is None:
                raise NotFound("No such parent in this school.")
            query = booking_query(school_id).where(
                Booking.student_id.in_(select(Student.id).where(Student.family_id == family_id))
            )
            query = self._filters(
                query, upcoming_only, student_id, lesson_id, None, include_cancelled
            )
            rows = (await session.scalars(query.order_by(Booking.start_at, Booking.id))).all()
            return [to_view(b, tz_name) for b in rows]

    def _filters(
        self,
        query: Select[tuple[Booking]],
        upcoming_only: bool,
        student_id: int | None,
        lesson_id: int | None,
        week: int | None,
        include_cancelled: bool,
        status: BookingStatus | None = None,
    ) -> Select[tuple[Booking]]:
        if upcoming_only:
            query = query.where(Booking.end_at > self.clock.now())
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
            tz_name = await self._timezone(session, school_id)
            await self._lesson(session, school_id, lesson_id)
            query = self._filters(
                booking_query(school_id),
                upcoming_only,
                None,
                lesson_id,
                week,
                include_cancelled,
                status,
            )
            rows = (await session.scalars(query.order_by(Booking.start_at, Booking.id))).all()
            return [to_view(b, tz_name) for b in rows]

    async def school_bookings(
        self,
        school_id: int,
        *,
        lesson_id: int | None = None,
        week: int | None = None,
        include_cancelled: bool = False,
    ) -> list[BookingView]:
        async with unit_of_work(self.sessions) as session:
            tz_name = await self._timezone(session, school_id)
            query = self._filters(
                booking_query(school_id), False, None, lesson_id, week, include_cancelled
            )
            rows = (await session.scalars(query.order_by(Booking.start_at, Booking.id))).all()
            return [to_view(b, tz_name) for b in rows]

    async def is_parent_of(self, school_id: int, parent_id: int, student_id: int) -> bool:
        """The parent-student check: is the student in this parent's family (same school)?"""
        async with unit_of_work(self.sessions) as session:
            return await self._parent_of(session, school_id, parent_id, student_id)

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
            await self._timezone(session, school_id)  # "No such school." first
            teacher = await session.scalar(
                select(Teacher.id).where(Teacher.id == teacher_id, Teacher.school_id == school_id)
            )
            if teacher is None:
                raise NotFound("No such teacher in this school.")
            busy = await self._teacher_busy(
                session,
                school_id,
                teacher_id,
                start_at,
                end_at,
                exclude_booking_id=exclude_booking_id,
            )
            return any(b.overlaps(start_at, end_at) for b in busy)

    # ---------------------------------------------------------------- change

    async def reschedule_booking(
        self,
        school_id: int,
        actor: Actor,
        booking_id: int,
        week: int,
        start_at: datetime,
    ) -> BookingView:
        """Move a booking to another slot in one atomic swap; the old one stays if this fails."""
        async with unit_of_work(self.sessions) as session:
            tz_name = await self._timezone(session, school_id)
            tz = ZoneInfo(tz_name)
            booking = await self._booking(session, school_id, booking_id, lock=True)
            await self._check_parent(session, school_id, actor, booking.student_id)
            if booking.status in UNDOABLE:
                raise InvalidState(
                    f"Booking #{booking.id} is {booking.status.value.lower()}; it can't be moved."
                )
            lesson = await self._hybrid_lesson(session, school_id, booking.lesson_id)
            self._check_week(lesson, week)
            if actor.is_parent and not lesson.hybrid.bookings_open:  # type: ignore[union-attr]
                raise BookingsClosed(
                    "Bookings for this lesson are closed, so it can't be moved right now. "
                    "You can still cancel it, or contact the school."
                )
            slot = self._find_slot(lesson, week, tz, start_at)
            if slot.start_at == booking.start_at:
                raise InvalidState("The booking is already at that time.")
            self._check_time(actor, booking.start_at, "The current booking")
            self._check_time(actor, slot.start_at, "The new time")
            if week != booking.week:
                taken = await session.scalar(
                    select(Booking.id).where(
                        Booking.lesson_id == lesson.id,
                        Booking.student_id == booking.student_id,
                        Booking.week == week,
                        Booking.status != BookingStatus.CANCELLED,
                    )
                )
                if taken is not None:
                    raise AlreadyBooked(
                        f"{booking.student.name} already has a booking in week {week}."
                    )
            await self._check_slot_free(session, lesson, slot, exclude_booking_id=booking.id)
            old_start = booking.start_at
            booking.week = week
            booking.start_at = slot.start_at
            booking.end_at = slot.end_at
            booking.sequence += 1
            booking.updated_by = actor.label
            booking.updated_at = self.clock.now()
            await self._flush_or_refuse(session, booking.student.name, lesson.name, week)
            await session.commit()
            logger.info(
                "booking %s rescheduled from %s to %s by %s",
                booking.id,
                old_start.isoformat(),
                slot.start_at.isoformat(),
                actor.label,
            )
        return await self.get_booking(school_id, booking_id)

    async def cancel_booking(
        self, school_id: int, actor: Actor, booking_id: int, reason: str | None = None
    ) -> BookingView:
        """Cancel with a reason, recording who cancelled; parents need 24 hours' notice."""
        async with unit_of_work(self.sessions) as session:
            booking = await self._booking(session, school_id, booking_id, lock=True)
            await self._check_parent(session, school_id, actor, booking.student_id)
            if booking.status is BookingStatus.CANCELLED:
                raise InvalidState(f"Booking #{booking.id} is already cancelled.")
            if booking.status in UNDOABLE:
                raise InvalidState(
                    f"Booking #{booking.id} is {booking.status.value.lower()}; "
                    "it can't be cancelled."
                )
            if not actor.acts_for_school and not notice_ok(booking.start_at, self.clock.now()):
                raise NoticeTooShort()
            now = self.clock.now()
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_by = actor.label
            booking.cancel_reason = (reason or "").strip()[:500] or None
            booking.cancelled_at = now
            booking.updated_at = now
            booking.sequence += 1
            await session.commit()
            logger.info("booking %s cancelled by %s", booking.id, actor.label)
        return await self.get_booking(school_id, booking_id)

    async def mark_attendance(
        self, school_id: int, actor: Actor, booking_id: int, status: BookingStatus
    ) -> BookingView:
        """After the session: COMPLETED or NO_SHOW (the school only)."""
        if not actor.acts_for_school:
            raise NotAllowed("Only the school can mark attendance.")
        if status not in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
            raise InvalidState("Attendance is COMPLETED or NO_SHOW.")
        async with unit_of_work(self.sessions) as session:
            booking = await self._booking(session, school_id, booking_id, lock=True)
            if booking.status is BookingStatus.CANCELLED:
                raise InvalidState(f"Booking #{booking.id} was cancelled.")
            if booking.start_at > self.clock.now():
                raise InvalidState("The session has not started yet.")
            booking.status = status
            booking.updated_by = actor.label
            booking.updated_at = self.clock.now()
            await session.commit()
            logger.info("booking %s marked %s by %s", booking.id, status.value, actor.label)
        return await self.get_booking(school_id, booking_id)

    async def set_bookings_open(
        self, school_id: int, lesson_id: int, is_open: bool, actor: Actor
    ) -> bool:
        """Open or close a hybrid lesson's bookings; returns whether anything changed."""
        if not actor.acts_for_school:
            raise NotAllowed("Only the school's admins can open or close bookings.")
        async with unit_of_work(self.sessions) as session:
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            hybrid = lesson.hybrid
            assert hybrid is not None
            if hybrid.bookings_open == is_open:
                return False
            hybrid.bookings_open = is_open
            if is_open:
                hybrid.opened_at = self.clock.now()
            await session.commit()
            logger.info(
                "lesson %s bookings %s by %s",
                lesson.id,
                "opened" if is_open else "closed",
                actor.label,
            )
            return True

    # ---------------------------------------------------------------- stats

    async def lesson_stats(self, school_id: int, lesson_id: int) -> LessonStats:
        async with unit_of_work(self.sessions) as session:
            lesson = await self._hybrid_lesson(session, school_id, lesson_id)
            return await self._stats(session, lesson)

    async def school_stats(self, school_id: int) -> list[LessonStats]:
        """Stats of every hybrid lesson of the school, by lesson name."""
        async with unit_of_work(self.sessions) as session:
            lessons = (
                await session.scalars(
                    lesson_query(school_id)
                    .where(Lesson.type == LessonType.HYBRID)
                    .order_by(Lesson.name, Lesson.id)
                )
            ).all()
            return [await self._stats(session, lesson) for lesson in lessons if lesson.hybrid]

    async def _stats(self, session: AsyncSession, lesson: Lesson) -> LessonStats:
        hybrid = lesson.hybrid
        assert hybrid is not None
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
        )
