"""Freed slots offered to the waiting families in order of joining, one family at a time.

The scheduler's waitlist sweep (scheduler/waitlist.py) calls :func:`prepare_offers` under an
advisory lock, then sends what :func:`due_offers` lists through the sent-reminder log (one
key per offer and parent: a restart or a second process never sends an offer twice).

For each freed slot of the outbox (written by the bookings trigger, migration 0013):
inside the 24-hour notice it is closed; booked again, closed; while an offer of it stands,
nothing; otherwise the first family on the list (by joining) not yet offered it, and not
holding another offer now, is offered it until ``offer_for`` has passed (never past the
24-hour mark); nobody left, closed. Expired offers move the slot on to the next family.
All freed slots at once, in a few set-based statements (:mod:`core.waitlist.picking`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.service import BookingService
from core.db.engine import unit_of_work
from core.db.models import Lesson, Parent, School, Student, Teacher
from core.reminders.languages import languages_of
from core.reminders.notices import Reminder
from core.waitlist import picking
from core.waitlist import tables as t
from core.waitlist.notice import WaitlistOfferNotice
from core.waitlist.rules import OFFER_FOR, WAITLIST, offer_key
from core.waitlist.tables import FreedSlot, WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)


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


async def prepare_offers(
    sessions: async_sessionmaker[AsyncSession],
    booking: BookingService,
    now: datetime,
    offer_for: timedelta = OFFER_FOR,
) -> int:
    """Expire what ran out, then move every open freed slot on; how many offers were made.

    Set-based (core.waitlist.picking): the same few statements for one freed slot or ten
    thousand, in one transaction holding the open slots' rows."""
    await expire_offers(sessions, now)
    async with unit_of_work(sessions) as session:
        await session.execute(picking.CLOSE_EARLY, {"now": now})
        rows = (await session.execute(picking.OPEN_SLOTS)).all()
        verdicts = await picking.judge(session, booking.catalogs, rows, now)
        if verdicts.close:
            await session.execute(
                picking.CLOSE,
                {
                    "ids": list(verdicts.close),
                    "outcomes": list(verdicts.close.values()),
                    "now": now,
                },
            )
        made: list[tuple[int, int, int]] = []
        if verdicts.offer:
            picked = await session.execute(
                picking.PICK, {"ids": verdicts.offer, "now": now, "offer_for": offer_for}
            )
            made = [(row.id, row.freed_slot_id, row.entry_id) for row in picked]
        await session.commit()
    for offer_id, freed_id, entry_id in made:
        logger.info("waitlist: freed slot %s offered to entry %s (offer %s)", freed_id, entry_id,
                    offer_id)  # fmt: skip
    if verdicts.close:
        logger.info("waitlist: %s freed slots closed", len(verdicts.close))
    return len(made)


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
