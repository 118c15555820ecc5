"""Freed slots offered to the waiting families in order of joining, one family at a time.

The scheduler's waitlist sweep (scheduler/waitlist.py) calls :func:`prepare_offers` under an
advisory lock, then sends what :func:`due_offers` lists through the sent-reminder log (one
key per offer and parent: a restart or a second process never sends an offer twice).

For each freed slot of the outbox (written by the bookings trigger, migration 0013):
inside the 24-hour notice it is closed; booked again, closed; while an offer of it stands,
nothing; otherwise the first family on the list (by joining) not yet offered it, and not
holding another offer now, is offered it until ``offer_for`` has passed (never past the
24-hour mark); nobody left, closed. Expired offers move the slot on to the next family.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import BookingService
from core.db.engine import unit_of_work
from core.db.models import Lesson, Parent, School, Student, Teacher
from core.errors import BookingsClosed, NotFound
from core.reminders.languages import languages_of
from core.reminders.notices import Reminder
from core.waitlist import tables as t
from core.waitlist.notice import WaitlistOfferNotice
from core.waitlist.rules import OFFER_FOR, WAITLIST, offer_expiry, offer_key, offerable
from core.waitlist.tables import FreedSlot, WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)


async def _close(session: AsyncSession, freed: FreedSlot, outcome: str, now: datetime) -> None:
    freed.closed_at, freed.outcome = now, outcome
    await session.execute(
        update(WaitlistOffer)
        .where(WaitlistOffer.freed_slot_id == freed.id, WaitlistOffer.status == t.OPEN)
        .values(status=t.WITHDRAWN if outcome != t.TAKEN else t.LOST, answered_at=now)
    )


async def expire_offers(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Offers past their time are EXPIRED; those of a family that left are WITHDRAWN."""
    async with unit_of_work(sessions) as session:
        expired = await session.scalars(
            update(WaitlistOffer)
            .where(WaitlistOffer.status == t.OPEN, WaitlistOffer.expires_at <= now)
            .values(status=t.EXPIRED)
            .returning(WaitlistOffer.id)
        )
        count = len(list(expired))
        left = exists().where(
            WaitlistEntry.id == WaitlistOffer.entry_id, WaitlistEntry.left_at.is_not(None)
        )
        await session.execute(
            update(WaitlistOffer)
            .where(WaitlistOffer.status == t.OPEN, left)
            .values(status=t.WITHDRAWN, answered_at=now)
        )
        await session.commit()
    if count:
        logger.info("waitlist: %s offers expired", count)
    return count


async def _offer_one(
    sessions: async_sessionmaker[AsyncSession],
    booking: BookingService,
    freed_id: int,
    now: datetime,
    offer_for: timedelta,
) -> int | None:
    """Move one freed slot on: close it, or offer it to the next family; the offer's id."""
    async with unit_of_work(sessions) as session:
        freed = await session.get(FreedSlot, freed_id, with_for_update=True)
        if freed is None or freed.closed_at is not None:
            return None
        if not offerable(freed.start_at, now):
            await _close(session, freed, t.TOO_LATE, now)
            await session.commit()
            return None
        earlier = await session.scalar(
            select(FreedSlot.id).where(
                FreedSlot.lesson_id == freed.lesson_id,
                FreedSlot.start_at == freed.start_at,
                FreedSlot.closed_at.is_(None),
                FreedSlot.id < freed.id,
            )
        )
        if earlier is not None:
            await _close(session, freed, t.DUPLICATE, now)
            await session.commit()
            return None
        standing = await session.scalar(
            select(WaitlistOffer.id).where(
                WaitlistOffer.freed_slot_id == freed.id, WaitlistOffer.status == t.OPEN
            )
        )
        if standing is not None:
            return None
        try:
            free = await booking.available_slots(freed.school_id, freed.lesson_id, freed.week)
        except BookingsClosed:
            return None  # bookings may open again before the slot is too close
        except NotFound:
            await _close(session, freed, t.NOBODY, now)
            await session.commit()
            return None
        if all(slot.start_at != freed.start_at for slot in free):
            await _close(session, freed, t.TAKEN, now)
            await session.commit()
            return None
        offered = select(WaitlistOffer.id).where(
            WaitlistOffer.freed_slot_id == freed.id, WaitlistOffer.entry_id == WaitlistEntry.id
        )
        candidates = (
            await session.execute(
                select(WaitlistEntry.id, WaitlistEntry.school_id)
                .where(
                    WaitlistEntry.lesson_id == freed.lesson_id,
                    WaitlistEntry.week == freed.week,
                    WaitlistEntry.left_at.is_(None),
                    ~exists(offered),
                )
                .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)
            )
        ).all()
        if not candidates:
            await _close(session, freed, t.NOBODY, now)
            await session.commit()
            return None
        busy = set(
            await session.scalars(
                select(WaitlistOffer.entry_id).where(
                    WaitlistOffer.entry_id.in_([c.id for c in candidates]),
                    WaitlistOffer.status == t.OPEN,
                )
            )
        )
        entry_id = next((c.id for c in candidates if c.id not in busy), None)
        if entry_id is None:
            return None  # the next family holds another offer: it is their turn once answered
        offer_id = await session.scalar(
            insert(WaitlistOffer)
            .values(
                school_id=freed.school_id,
                freed_slot_id=freed.id,
                entry_id=entry_id,
                offered_at=now,
                expires_at=offer_expiry(freed.start_at, now, offer_for),
                status=t.OPEN,
            )
            .on_conflict_do_nothing()
            .returning(WaitlistOffer.id)
        )
        await session.commit()
    if offer_id is not None:
        logger.info("waitlist: freed slot %s offered to entry %s (offer %s)", freed_id, entry_id,
                    offer_id)  # fmt: skip
    return offer_id


async def prepare_offers(
    sessions: async_sessionmaker[AsyncSession],
    booking: BookingService,
    now: datetime,
    offer_for: timedelta = OFFER_FOR,
) -> int:
    """Expire what ran out, then move every open freed slot on; how many offers were made."""
    await expire_offers(sessions, now)
    async with unit_of_work(sessions) as session:
        freed_ids = list(
            await session.scalars(
                select(FreedSlot.id).where(FreedSlot.closed_at.is_(None)).order_by(FreedSlot.id)
            )
        )
    made = 0
    for freed_id in freed_ids:
        if await _offer_one(sessions, booking, freed_id, now, offer_for) is not None:
            made += 1
    return made


async def due_offers(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """One message per standing offer and parent of the family reachable in chat."""
    async with unit_of_work(sessions) as session:
        rows = (
            await session.execute(
                select(
                    WaitlistOffer,
                    WaitlistEntry,
                    FreedSlot,
                    Lesson,
                    Teacher,
                    Student,
                    School,
                    Parent.id,
                    Parent.telegram_id,
                )  # fmt: skip
                .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
                .join(FreedSlot, FreedSlot.id == WaitlistOffer.freed_slot_id)
                .join(Lesson, Lesson.id == WaitlistEntry.lesson_id)
                .join(Teacher, Teacher.id == Lesson.teacher_id)
                .join(Student, Student.id == WaitlistEntry.student_id)
                .join(School, School.id == WaitlistOffer.school_id)
                .join(
                    Parent,
                    and_(
                        Parent.family_id == Student.family_id,
                        Parent.telegram_id.is_not(None),
                        Parent.blocked_at.is_(None),
                    ),
                )
                .where(WaitlistOffer.status == t.OPEN, WaitlistOffer.expires_at > now)
                .order_by(WaitlistOffer.id, Parent.id)
            )
        ).all()
        reminders = []
        for offer, entry, freed, lesson, teacher, student, school, parent_id, chat_id in rows:
            notice = WaitlistOfferNotice(
                offer_id=offer.id,
                school_id=school.id,
                lesson_id=lesson.id,
                lesson_name=lesson.name,
                teacher_name=teacher.name,
                student_id=student.id,
                student_name=student.name,
                week=entry.week,
                start_at=freed.start_at,
                end_at=freed.end_at,
                expires_at=offer.expires_at,
                timezone=school.timezone,
            )
            reminders.append(
                Reminder(
                    key=offer_key(offer.id, parent_id),
                    kind=WAITLIST,
                    school_id=school.id,
                    parent_id=parent_id,
                    chat_id=int(chat_id or 0),  # never 0: the join skips parents not in chat
                    notice=notice,
                )
            )
        schools = {r.school_id for r in reminders}
        languages: dict[tuple[int, int], str] = {}
        for school_id in schools:
            chats = (r.chat_id for r in reminders if r.school_id == school_id)
            for chat_id, language in (await languages_of(session, school_id, chats)).items():
                languages[(school_id, chat_id)] = language
    return [replace(r, language=languages.get((r.school_id, r.chat_id))) for r in reminders]
