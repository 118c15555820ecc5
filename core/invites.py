"""Invite links: one-time, expiring tokens that link a Telegram account to a parent.

Only a SHA-256 hash of each token is stored; the token itself is shown once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db.engine import unit_of_work
from core.db.models import Family, Parent, School
from core.db.records import Invite
from core.errors import InvalidInvite, NotFound
from core.i18n import N_

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(days=14)
TOKEN_BYTES = 24  # 32 URL-safe characters: fits Telegram's 64-character start parameter


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    parent_id: int
    parent_name: str
    token: str

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username}?start={self.token}"


@dataclass(frozen=True, slots=True)
class LinkedParent:
    school_id: int
    school_name: str
    parent_id: int
    parent_name: str


class InviteService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def issue(
        self, school_id: int, family_id: int, ttl: timedelta = DEFAULT_TTL
    ) -> list[IssuedInvite]:
        """One fresh invite per parent of the family."""
        async with unit_of_work(self.sessions) as session:
            family = await session.scalar(
                select(Family).where(Family.id == family_id, Family.school_id == school_id)
            )
            if family is None:
                raise NotFound(N_("No such family in this school."))
            parents = (
                await session.scalars(
                    select(Parent).where(Parent.family_id == family.id).order_by(Parent.id)
                )
            ).all()
            if not parents:
                raise NotFound(
                    N_("{family} has no parents in the school file."), family=family.name
                )
            now = self.clock.now()
            issued: list[IssuedInvite] = []
            for parent in parents:
                token = secrets.token_urlsafe(TOKEN_BYTES)
                session.add(
                    Invite(
                        school_id=school_id,
                        parent_id=parent.id,
                        token_hash=hash_token(token),
                        created_at=now,
                        expires_at=now + ttl,
                    )
                )
                issued.append(IssuedInvite(parent.id, parent.name, token))
            await session.commit()
            logger.info("issued %s invites for family %s", len(issued), family.id)
            return issued

    async def redeem(self, token: str, telegram_id: int) -> LinkedParent:
        """Link the Telegram account to the invite's parent; the invite is then spent."""
        async with unit_of_work(self.sessions) as session:
            invite = await session.scalar(
                select(Invite).where(Invite.token_hash == hash_token(token)).with_for_update()
            )
            if invite is None:
                raise InvalidInvite(
                    N_("This invite link is not valid. Please ask the school for a new one.")
                )
            if invite.used_at is not None:
                if invite.used_by_telegram_id == telegram_id:
                    return await self._linked(session, invite)
                raise InvalidInvite(
                    N_(
                        "This invite link has already been used. Please ask the school for a new one."
                    )
                )
            now = self.clock.now()
            if invite.expires_at <= now:
                raise InvalidInvite(
                    N_("This invite link has expired. Please ask the school for a new one.")
                )
            parent = await session.get(Parent, invite.parent_id)
            if parent is None:  # never: the invite's foreign key
                raise RuntimeError(f"invite {invite.id} names no parent")
            parent.telegram_id = telegram_id
            parent.blocked_at = None
            invite.used_at = now
            invite.used_by_telegram_id = telegram_id
            linked = await self._linked(session, invite)
            await session.commit()
            logger.info("invite %s linked parent %s", invite.id, parent.id)
            return linked

    async def _linked(self, session: AsyncSession, invite: Invite) -> LinkedParent:
        parent = await session.get(Parent, invite.parent_id)
        school = await session.get(School, invite.school_id)
        if parent is None or school is None:  # never: the invite's foreign keys
            raise RuntimeError(f"invite {invite.id} names no parent or school")
        return LinkedParent(school.id, school.name, parent.id, parent.name)
