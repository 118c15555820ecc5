"""The language each recipient of a message the bot starts itself is addressed in.

The same order as in chat (core.languages): the account's /language choice, else the
language its Telegram client last reported, else the school's, else English.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import School, UserLanguage
from core.i18n import pick_language


async def languages_of(
    session: AsyncSession, school_id: int, chat_ids: Iterable[int]
) -> dict[int, str]:
    """chat id -> the language to address that account in (one query for all of them)."""
    ids = sorted(set(chat_ids))
    if not ids:
        return {}
    school = await session.scalar(select(School.language).where(School.id == school_id))
    rows = await session.execute(
        select(UserLanguage.telegram_id, UserLanguage.chosen, UserLanguage.client).where(
            UserLanguage.telegram_id.in_(ids)
        )
    )
    found = {tid: pick_language(chosen, client, school) for tid, chosen, client in rows}
    fallback = pick_language(school)
    return {chat_id: found.get(chat_id, fallback) for chat_id in ids}
