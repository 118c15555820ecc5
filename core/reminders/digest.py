"""Admins' digests: a lesson's bookings have been open for N days; who has not booked.

With ``reminders.admin_digest_after_days: N`` in the school file, once a hybrid lesson's
bookings have been open N days, each admin linked in chat gets one message naming the
families still to book (children and weeks, and who cannot be reached in chat). Exactly
once per booking period: the key ``ad:<lesson>:<opened minute>:<admin>`` names the opening,
so closing and reopening bookings makes a new period with a digest of its own. Nobody
left to book, no digest (it goes later if someone cancels while bookings are still open).
Inside quiet hours nothing is due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.booking.rules import hybrid_of
from core.db.engine import unit_of_work
from core.db.models import Admin
from core.reminders.due import (
    _open_hybrid_lessons,
    _pending,
    _reachable_parents,
    schools_awake,
)
from core.reminders.languages import languages_of
from core.reminders.notices import DigestNotice, Reminder, StillToBook
from core.reminders.rules import (
    DIGEST,
    bookable_weeks,
    digest_due,
    opened_token,
)


def digest_key(lesson_id: int, opened_at: datetime | None, admin_id: int) -> str:
    return f"ad:{lesson_id}:{opened_token(opened_at)}:{admin_id}"


async def _admins(session: AsyncSession, school_id: int) -> list[tuple[int, int]]:
    rows = await session.execute(
        select(Admin.id, Admin.telegram_id)
        .where(Admin.school_id == school_id, Admin.telegram_id.is_not(None))
        .order_by(Admin.id)
    )
    return [(admin_id, chat) for admin_id, chat in rows if chat is not None]


async def due_digests(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Reminder]:
    """Every admin digest due now, in every school that asks for them."""
    due: list[Reminder] = []
    async with unit_of_work(sessions) as session:
        for school_id, _, tz, rules in await schools_awake(session, now):
            after = rules.admin_digest_after_days
            if after is None:
                continue
            admins = await _admins(session, school_id)
            if not admins:
                continue
            lessons = [
                lesson
                for lesson in await _open_hybrid_lessons(session, school_id)
                if digest_due(now, hybrid_of(lesson).opened_at, after)
            ]
            if not lessons:
                continue
            parents = await _reachable_parents(session, school_id)
            languages = await languages_of(session, school_id, (c for _, c in admins))
            for lesson in lessons:
                pending = await _pending(session, lesson, bookable_weeks(lesson, tz, now))
                if not pending:
                    continue
                opened_at = hybrid_of(lesson).opened_at
                families = tuple(
                    StillToBook(name, tuple(items), family_id not in parents)
                    for family_id, (name, items) in pending.items()
                )
                days = (now - opened_at).days if opened_at else after
                notice = DigestNotice(lesson.key, lesson.name, days, families)
                for admin_id, chat_id in admins:
                    key = digest_key(lesson.id, opened_at, admin_id)
                    language = languages.get(chat_id)
                    due.append(Reminder(key, DIGEST, school_id, None, chat_id, notice, language))
    return due
