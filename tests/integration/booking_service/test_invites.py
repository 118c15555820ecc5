"""Invite links: one parent, once, only a hash stored; expired and unknown invites refused.

On a real PostgreSQL, read as the rules of DESIGN.md (the school: tests.support.bookings)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.models import Parent
from core.db.records import Invite
from core.errors import InvalidInvite


async def test_invite_links_one_parent_once_and_only_a_hash_is_stored(world, sessions):
    services, alpha, _ = world
    issued = await services.invites.issue(alpha.school, alpha.smith_family)
    assert [i.parent_id for i in issued] == [alpha.smith_parent, alpha.smith_second_parent]
    assert issued[0].link("musicbot").startswith("https://t.me/musicbot?start=")
    assert len(issued[0].token) <= 64
    async with sessions() as session:
        hashes = set((await session.scalars(select(Invite.token_hash))).all())
    assert hashes == {hashlib.sha256(i.token.encode()).hexdigest() for i in issued}
    assert not any(i.token in hashes for i in issued)
    linked = await services.invites.redeem(issued[1].token, 777)
    assert (linked.school_id, linked.parent_id, linked.parent_name) == (
        alpha.school,
        alpha.smith_second_parent,
        "John Smith",
    )
    async with sessions() as session:
        john = await session.get(Parent, alpha.smith_second_parent)
        assert john is not None and john.telegram_id == 777
    assert await services.invites.redeem(issued[1].token, 777) == linked  # same account again
    with pytest.raises(InvalidInvite, match="already been used"):
        await services.invites.redeem(issued[1].token, 778)


async def test_expired_and_unknown_invites_are_refused(world, clock):
    services, alpha, _ = world
    [issued] = await services.invites.issue(alpha.school, alpha.brown_family, timedelta(days=1))
    with pytest.raises(InvalidInvite, match="not valid"):
        await services.invites.redeem("no-such-token", 555)
    clock.advance(timedelta(days=1))
    with pytest.raises(InvalidInvite, match="expired"):
        await services.invites.redeem(issued.token, 555)
