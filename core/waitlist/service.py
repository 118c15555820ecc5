"""Who waits for a full individual week: join, leave, lists, and answering an offer.

A child waits for one lesson's individual week (at most once at a time: a partial unique
index). Joining is refused for a week the child is booked in, a group week, a child not
enrolled in the lesson, or a week whose every slot is inside the 24-hour notice. A child
booked in the week by any path leaves the list (a trigger, migration 0013).

Accepting an offer books through the normal transactional booking path
(:meth:`core.booking.service.BookingService.create_booking`): a second acceptance of one
freed slot loses to the database's exclusion constraint, and that family stays on the list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.queries import active_booking_of_week, is_parent_of, lesson_of, timezone_of
from core.booking.rules import check_week, family_parent_id, individual_slots
from core.booking.service import BookingService
from core.clock import Clock
from core.db.driver import Driver
from core.db.engine import engine_of, unit_of_work
from core.db.models import Enrolment, Family, Lesson, Parent, Student
from core.errors import AlreadyBooked, InvalidState, NotFound, NotYourStudent, SlotTaken
from core.i18n import N_
from core.views import Actor, BookingView
from core.waitlist import tables as t
from core.waitlist.rules import NOTICE, OFFER_FOR
from core.waitlist.tables import FreedSlot, WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WaitingView:
    """One child on one week's list, with their place in the queue (1 = next offered)."""

    id: int
    school_id: int
    lesson_id: int
    lesson_key: str
    lesson_name: str
    week: int
    student_id: int
    student_key: str
    student_name: str
    family_key: str
    family_name: str
    joined_at: datetime
    joined_by: str
    position: int
    offered_until: datetime | None = None  # an open offer to this family, until then


_WAITS = """
SELECT 1 FROM waitlist_entries
 WHERE lesson_id = $3 AND week = $4 AND student_id = $2 AND school_id = $1 AND left_at IS NULL
"""


def _entries(school_id: int) -> Select[WaitlistEntry, Lesson, Student, Family]:
    return (
        select(WaitlistEntry, Lesson, Student, Family)
        .join(Lesson, Lesson.id == WaitlistEntry.lesson_id)
        .join(Student, Student.id == WaitlistEntry.student_id)
        .join(Family, Family.id == Student.family_id)
        .where(WaitlistEntry.school_id == school_id, WaitlistEntry.left_at.is_(None))
        .order_by(Lesson.key, WaitlistEntry.week, WaitlistEntry.joined_at, WaitlistEntry.id)
    )


async def _views(
    session: AsyncSession, query: Select[WaitlistEntry, Lesson, Student, Family]
) -> list[WaitingView]:
    rows = (await session.execute(query)).all()
    if not rows:
        return []
    weeks = {(entry.lesson_id, entry.week) for entry, *_ in rows}
    ranked = select(
        WaitlistEntry.id,
        func.row_number()
        .over(
            partition_by=(WaitlistEntry.lesson_id, WaitlistEntry.week),
            order_by=(WaitlistEntry.joined_at, WaitlistEntry.id),
        )
        .label("position"),
    ).where(
        WaitlistEntry.left_at.is_(None),
        func.row(WaitlistEntry.lesson_id, WaitlistEntry.week).in_(
            [func.row(lesson, week) for lesson, week in weeks]
        ),
    )
    positions = {row.id: int(row.position) for row in (await session.execute(ranked)).all()}
    ids = [entry.id for entry, *_ in rows]
    offers = dict(
        (
            await session.execute(
                select(WaitlistOffer.entry_id, func.max(WaitlistOffer.expires_at))
                .where(WaitlistOffer.entry_id.in_(ids), WaitlistOffer.status == t.OPEN)
                .group_by(WaitlistOffer.entry_id)
            )
        ).all()
    )
    return [
        WaitingView(
            id=entry.id,
            school_id=entry.school_id,
            lesson_id=lesson.id,
            lesson_key=lesson.key,
            lesson_name=lesson.name,
            week=entry.week,
            student_id=student.id,
            student_key=student.key,
            student_name=student.name,
            family_key=family.key,
            family_name=family.name,
            joined_at=entry.joined_at,
            joined_by=entry.joined_by,
            position=positions.get(entry.id, 0),
            offered_until=offers.get(entry.id),
        )
        for entry, lesson, student, family in rows
    ]


class WaitlistService:
    """The waitlist's operations, one unit of work each (accepting books through ``booking``)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        booking: BookingService,
        offer_for: timedelta = OFFER_FOR,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.booking = booking
        self.offer_for = offer_for  # how long an offer stands (WAITLIST_OFFER_MINUTES)
        self.driver = Driver(engine_of(sessions))

    async def _check_family(
        self, session: AsyncSession, school_id: int, actor: Actor, student_id: int
    ) -> None:
        parent_id = family_parent_id(actor)
        if parent_id is not None and not await is_parent_of(
            session, school_id, parent_id, student_id
        ):
            logger.warning(
                "waitlist: %s refused for student %s of school %s", actor.label, student_id,
                school_id,
            )  # fmt: skip
            raise NotYourStudent()

    # ---------------------------------------------------------------- join and leave

    async def join(
        self, school_id: int, actor: Actor, lesson_id: int, week: int, student_id: int
    ) -> WaitingView:
        """Put a child on a week's list (already there: the same entry again)."""
        async with unit_of_work(self.sessions) as session:
            await self._check_family(session, school_id, actor, student_id)
            tz = ZoneInfo(await timezone_of(session, school_id))
            lesson = await lesson_of(session, school_id, lesson_id)
            check_week(lesson, week)
            enrolled = await session.scalar(
                select(func.count())
                .select_from(Enrolment)
                .where(Enrolment.lesson_id == lesson_id, Enrolment.student_id == student_id)
            )
            if not enrolled:
                raise NotFound(N_("That child is not enrolled in {lesson}."), lesson=lesson.name)
            if await active_booking_of_week(session, lesson_id, student_id, week):
                raise AlreadyBooked(
                    N_("This child already has a booking in week {week}."), week=week
                )
            now = self.clock.now()
            if not any(s.start_at - now >= NOTICE for s in individual_slots(lesson, week, tz)):
                raise InvalidState(
                    N_(
                        "Week {week} is too close: every slot starts within 24 hours, "
                        "so no slot can be offered any more."
                    ),
                    week=week,
                )
            await session.execute(
                insert(WaitlistEntry)
                .values(
                    school_id=school_id,
                    lesson_id=lesson_id,
                    week=week,
                    student_id=student_id,
                    parent_id=family_parent_id(actor),
                    joined_by=actor.label,
                    joined_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=["lesson_id", "week", "student_id"],
                    index_where=WaitlistEntry.left_at.is_(None),
                )
            )
            await session.commit()
        waiting = await self.waiting(school_id, lesson_id, week)
        mine = next((w for w in waiting if w.student_id == student_id), None)
        if mine is None:  # pragma: no cover - booked in the instant between (the trigger)
            raise AlreadyBooked(N_("This child already has a booking in week {week}."), week=week)
        logger.info(
            "waitlist: student %s joined lesson %s week %s (entry %s, by %s)",
            student_id, lesson_id, week, mine.id, actor.label,
        )  # fmt: skip
        return mine

    async def leave(self, school_id: int, actor: Actor, entry_id: int) -> WaitingView:
        """Take a child off a list (an open offer to them is withdrawn)."""
        async with unit_of_work(self.sessions) as session:
            entry = await session.get(WaitlistEntry, entry_id, with_for_update=True)
            if entry is None or entry.school_id != school_id:
                raise NotFound(N_("No such waitlist entry."))
            await self._check_family(session, school_id, actor, entry.student_id)
            if entry.left_at is not None:
                raise InvalidState(N_("That child is no longer on the waitlist."))
            [view] = await _views(session, _entries(school_id).where(WaitlistEntry.id == entry_id))
            now = self.clock.now()
            entry.left_at, entry.left_reason = now, t.LEFT_BY_PARENT
            await session.execute(
                update(WaitlistOffer)
                .where(WaitlistOffer.entry_id == entry_id, WaitlistOffer.status == t.OPEN)
                .values(status=t.WITHDRAWN, answered_at=now)
            )
            await session.commit()
        logger.info("waitlist: entry %s left by %s", entry_id, actor.label)
        return view

    async def leave_week(
        self, school_id: int, actor: Actor, lesson_id: int, week: int, student_id: int
    ) -> WaitingView:
        """Take a child off one week's list, named by lesson, week and child (the API)."""
        async with unit_of_work(self.sessions) as session:
            await self._check_family(session, school_id, actor, student_id)
            entry_id = await session.scalar(
                select(WaitlistEntry.id).where(
                    WaitlistEntry.school_id == school_id,
                    WaitlistEntry.lesson_id == lesson_id,
                    WaitlistEntry.week == week,
                    WaitlistEntry.student_id == student_id,
                    WaitlistEntry.left_at.is_(None),
                )
            )
        if entry_id is None:
            raise NotFound(N_("That child is not on the waitlist of week {week}."), week=week)
        return await self.leave(school_id, actor, entry_id)

    # ---------------------------------------------------------------- lists

    async def waiting(
        self, school_id: int, lesson_id: int | None = None, week: int | None = None
    ) -> list[WaitingView]:
        """Who waits, in order of joining (the school's view; optionally one lesson, one week)."""
        query = _entries(school_id)
        if lesson_id is not None:
            query = query.where(WaitlistEntry.lesson_id == lesson_id)
        if week is not None:
            query = query.where(WaitlistEntry.week == week)
        async with unit_of_work(self.sessions) as session:
            return await _views(session, query)

    async def waits(self, school_id: int, student_id: int, lesson_id: int, week: int) -> bool:
        """Whether the child is on that week's list (one statement, no transaction: a screen
        asks before it reads the family's places, and almost always nobody waits)."""
        row = await self.driver.fetchrow(_WAITS, school_id, student_id, lesson_id, week)
        return row is not None

    async def family_entries(self, school_id: int, parent_id: int) -> list[WaitingView]:
        """The lists a parent's children wait on."""
        async with unit_of_work(self.sessions) as session:
            mine = select(Parent.family_id).where(
                Parent.id == parent_id, Parent.school_id == school_id
            )
            query = _entries(school_id).where(Student.family_id.in_(mine.scalar_subquery()))
            return await _views(session, query)

    # ---------------------------------------------------------------- offers

    async def accept(self, school_id: int, actor: Actor, offer_id: int) -> BookingView:
        """Book the offered slot for the family; a slot someone took first is refused in
        plain words and the family stays on the list."""
        async with unit_of_work(self.sessions) as session:
            found = (
                await session.execute(
                    select(WaitlistOffer, WaitlistEntry, FreedSlot)
                    .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
                    .join(FreedSlot, FreedSlot.id == WaitlistOffer.freed_slot_id)
                    .where(WaitlistOffer.id == offer_id, WaitlistOffer.school_id == school_id)
                )
            ).first()
            if found is None:
                raise NotFound(N_("No such offer."))
            offer, entry, freed = found
            await self._check_family(session, school_id, actor, entry.student_id)
            if offer.status == t.ACCEPTED:
                raise InvalidState(N_("You have already taken this slot."))
            if offer.status in (t.DECLINED, t.WITHDRAWN) or entry.left_at is not None:
                raise InvalidState(N_("This offer is no longer open."))
            lesson_id, student_id, week = entry.lesson_id, entry.student_id, entry.week
            start_at = freed.start_at
        try:
            view = await self.booking.create_booking(
                school_id, actor, lesson_id, student_id, week, start_at
            )
        except SlotTaken:
            await self._settle(offer_id, t.LOST)
            logger.info("waitlist: offer %s lost (slot taken first)", offer_id)
            raise SlotTaken(
                N_(
                    "Sorry, someone else took that slot just before you. "
                    "You stay on the waitlist for week {week}."
                ),
                week=week,
            ) from None
        await self._settle(offer_id, t.ACCEPTED, booking_id=view.id)
        logger.info("waitlist: offer %s accepted: booking %s", offer_id, view.id)
        return view

    async def decline(self, school_id: int, actor: Actor, offer_id: int) -> None:
        """Say no to one offer: the family stays on the list, the next family is offered."""
        async with unit_of_work(self.sessions) as session:
            offer = await session.get(WaitlistOffer, offer_id, with_for_update=True)
            if offer is None or offer.school_id != school_id:
                raise NotFound(N_("No such offer."))
            entry = await session.get(WaitlistEntry, offer.entry_id)
            if entry is None:  # pragma: no cover - a foreign key
                raise NotFound(N_("No such offer."))
            await self._check_family(session, school_id, actor, entry.student_id)
            if offer.status not in (t.OPEN, t.EXPIRED, t.LOST):
                raise InvalidState(N_("This offer is no longer open."))
            offer.status, offer.answered_at = t.DECLINED, self.clock.now()
            await session.commit()
        logger.info("waitlist: offer %s declined by %s", offer_id, actor.label)

    async def _settle(self, offer_id: int, status: str, *, booking_id: int | None = None) -> None:
        """Record an offer's answer; an accepted slot is closed and its other offers lost."""
        now = self.clock.now()
        async with unit_of_work(self.sessions) as session:
            offer = await session.get(WaitlistOffer, offer_id, with_for_update=True)
            if offer is None:  # pragma: no cover - offers are never deleted alone
                return
            offer.status, offer.answered_at, offer.booking_id = status, now, booking_id
            if status == t.ACCEPTED:
                await session.execute(
                    update(FreedSlot)
                    .where(FreedSlot.id == offer.freed_slot_id, FreedSlot.closed_at.is_(None))
                    .values(closed_at=now, outcome=t.TAKEN)
                )
                await session.execute(
                    update(WaitlistOffer)
                    .where(
                        WaitlistOffer.freed_slot_id == offer.freed_slot_id,
                        WaitlistOffer.id != offer_id,
                        WaitlistOffer.status == t.OPEN,
                    )
                    .values(status=t.LOST, answered_at=now)
                )
            await session.commit()


__all__ = ["WaitingView", "WaitlistService"]
