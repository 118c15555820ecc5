"""Available slots and new bookings: the hot path of a booking rush.

The cached lesson catalog gives the slots and the teacher's regular sessions; one statement
(core.booking.sql) gives open/closed, the teacher's bookings and the catalog version the
cache is checked against, or inserts the booking only when every fact allows it. The rules
are those of core.booking.rules, as for the ORM path. A mixin of
:class:`core.booking.service.BookingService`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking import sql as booking_sql
from core.booking.catalog import CatalogCache, LessonPlan, SchoolCatalog
from core.booking.rules import (
    acts_for_school,
    bookable,
    check_open,
    check_time,
    check_week,
    family_parent_id,
    find_slot,
    hybrid_of,
    is_free,
    refuse_not_a_slot,
    time_ok,
)
from core.booking.slots_cache import Answer, WeekReads
from core.clock import Clock
from core.db.driver import (
    DEADLOCK_DETECTED,
    FOREIGN_KEY_VIOLATION,
    INVALID_TEXT,
    Driver,
    StatementFailed,
)
from core.db.engine import unit_of_work
from core.db.models import BookingStatus
from core.errors import (
    AlreadyBooked,
    InvalidState,
    NotAllowed,
    NotFound,
    NotYourStudent,
    SlotTaken,
    TeacherBusy,
)
from core.i18n import N_, Later
from core.schedule import Slot
from core.views import Actor, BookingView

logger = logging.getLogger("core.booking.service")


def log_not_yours(actor: Actor, student_id: int, school_id: int) -> None:
    logger.warning(
        "refused: parent %s acting for student %s (school %s)",
        actor.parent_id,
        student_id,
        school_id,
    )


def _overtaken_by_import(exc: StatementFailed) -> bool:
    """Whether the booking statement failed because an import got there first."""
    if exc.sqlstate in (FOREIGN_KEY_VIOLATION, DEADLOCK_DETECTED):
        # a deadlock: an import re-teaching lessons met this booking's new row while the
        # booking waited for the import's lock (core.booking.sql); PostgreSQL undid one
        return True
    return exc.sqlstate == INVALID_TEXT and booking_sql.CATALOG_MOVED in str(exc)


class CatalogBookings:
    """Available slots and create, on the catalog and one statement each."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    catalogs: CatalogCache
    driver: Driver
    week_reads: WeekReads

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
            raise NotFound(N_("No such school."))
        async with unit_of_work(self.sessions) as session:
            return await self.catalogs.at_version(session, school_id, version)

    def _plan(self, catalog: SchoolCatalog, lesson_id: int) -> LessonPlan:
        lesson = catalog.lesson(lesson_id)
        if lesson is None:
            raise NotFound(N_("No such lesson in this school."))
        hybrid_of(lesson)
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
            check_week(lesson, week)
            slots = list(catalog.week_slots(lesson, week))
            now = self.clock.now()
            lo, hi = (slots[0].start_at, slots[-1].end_at) if slots else (now, now)
            if exclude_booking_id is None:  # concurrent readers share one statement
                state = await self.week_reads.state(school_id, lesson_id, lesson.teacher_id, lo, hi)
            else:
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
            raise InvalidState(N_("The school's lessons are being updated; please try again."))
        check_open(actor, state.bookings_open)
        if not slots:
            return []
        now = self.clock.now()
        key = (school_id, lesson_id, week, acts_for_school(actor))
        known = (
            self.week_reads.known(key, state, catalog, now) if exclude_booking_id is None else None
        )
        if known is not None and (known.earliest is None or time_ok(actor, known.earliest, now)):
            return list(known.slots)
        busy = [Slot(start, end) for start, end in state.busy]
        busy += catalog.regular_busy(lesson.teacher_id, lo, hi)
        free = bookable(slots, busy, now, actor)
        if exclude_booking_id is None:
            earliest = min((slot.start_at for slot in free), default=None)
            self.week_reads.keep(key, Answer(state, catalog, now, earliest, tuple(free)))
        return free

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
        parent_id = family_parent_id(actor)
        catalog = await self._catalog(school_id, lesson_id=lesson_id)
        for _attempt in range(3):
            lesson = self._plan(catalog, lesson_id)
            tz = catalog.tz
            slot = find_slot(catalog.week_slots(lesson, week), start_at)
            now = self.clock.now()
            regular_clash = slot is not None and not is_free(
                slot, catalog.regular_busy(lesson.teacher_id, slot.start_at, slot.end_at)
            )
            may_insert = (
                slot is not None and time_ok(actor, slot.start_at, now) and not regular_clash
            )
            try:
                facts = await booking_sql.book(
                    self.driver,
                    school_id=school_id,
                    lesson_id=lesson_id,
                    parent_id=parent_id,
                    student_id=student_id,
                    week=week,
                    teacher_id=lesson.teacher_id,
                    start_at=slot.start_at if slot else start_at,
                    end_at=slot.end_at if slot else start_at,
                    label=actor.label,
                    now=now,
                    may_insert=may_insert,
                    version=catalog.version,
                    for_school=acts_for_school(actor),
                )
            except StatementFailed as exc:
                if not _overtaken_by_import(exc):
                    raise
                # an import gave the lesson another teacher (or removed the student), or
                # changed the catalog while this booking waited for it: nothing was written;
                # read the catalog afresh and try again
                self.catalogs.forget(school_id)
                catalog = await self._catalog(school_id, lesson_id=lesson_id)
                continue
            if facts is None:
                await self._catalog(school_id)  # "No such school." when it is that
                raise NotFound(N_("No such student in this school."))
            if facts.version != catalog.version:
                catalog = await self._reload(school_id, facts.version)
                continue
            break
        else:  # pragma: no cover - the school's file imported three times meanwhile
            raise InvalidState(N_("The school's lessons are being updated; please try again."))
        if facts.booking_id is None:
            await self._refuse_booking(
                actor, lesson, facts, school_id, student_id, week, start_at, slot, regular_clash, tz
            )
        if slot is None or facts.booking_id is None:  # pragma: no cover - refused above
            raise InvalidState(N_("The booking was not made."))
        status = BookingStatus.PENDING if facts.pending else BookingStatus.CONFIRMED
        logger.info(
            "booking %s created %s: lesson %s student %s week %s by %s",
            facts.booking_id,
            status.value,
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
            status=status,
            booked_by=actor.label,
            timezone=catalog.timezone,
            confirmed_at=None if facts.pending else now,
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
        if family_parent_id(actor) is not None and not facts.is_parent:
            log_not_yours(actor, student_id, school_id)
            raise NotYourStudent()
        if not facts.enrolled:
            raise NotAllowed(
                N_("{child} is not enrolled in {lesson}."),
                child=facts.student_name,
                lesson=lesson.name,
            )
        check_week(lesson, week)
        check_open(actor, facts.bookings_open)
        if slot is None:
            refuse_not_a_slot(lesson, week, tz, start_at)
        check_time(actor, slot.start_at, self.clock.now(), tz)
        # refused by the database's constraints: the student's booking that week (a double
        # tap, say), or the teacher's at that time
        # one statement answers both: a marked session, or an active booking that week
        active = await booking_sql.active_booking_of_week(self.driver, lesson.id, student_id, week)
        if active is not None and active.marked:
            raise AlreadyBooked(
                N_(
                    "{student}'s session of {lesson} in week {week} ({when}) has already "
                    "taken place and was marked {mark}; it can't be booked again."
                ),
                student=facts.student_name,
                lesson=lesson.name,
                week=week,
                when=active.start_at.astimezone(tz),
                mark=Later(N_("present") if active.status == "COMPLETED" else N_("a no-show")),
            )
        if active is not None:
            raise AlreadyBooked(
                N_("{child} already has a booking for {lesson} in week {week}."),
                child=facts.student_name,
                lesson=lesson.name,
                week=week,
            )
        if regular_clash:
            raise TeacherBusy(N_("The teacher has another lesson at that time."))
        raise SlotTaken()
