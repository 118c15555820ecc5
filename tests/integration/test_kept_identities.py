"""A bot update's roles and chat step come with its language (one round trip), kept for its task.

Real PostgreSQL. The roles kept are the ones a direct read gives, in the same order, for an
account with roles in two schools; an unknown account keeps none. What is kept is answered
without a read (a change made behind the task's back is not seen) until the task opens a
unit of work (which may change roles: an invite redeemed, a school file imported), and only
for the account it was read for.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.chat_steps import ChatStep
from core.clock import FixedClock
from core.db.engine import unit_of_work
from core.db.models import Admin, Teacher
from core.identities import IDENTITIES, Identity, identities_of
from core.services import Services
from tests.support.factories import build_two_schools

ALICE = 1001  # alpha's admin
SAM = 1002  # alpha's teacher


async def direct(services: Services, telegram_id: int) -> list[Identity]:
    return identities_of(await services.directory.driver.fetch(IDENTITIES, telegram_id))


async def test_kept_roles_are_the_direct_read_until_a_unit_of_work(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    _alpha, beta = await build_two_schools(sessions)
    async with unit_of_work(sessions) as session:  # Alice also teaches at beta
        await session.execute(
            update(Teacher).where(Teacher.id == beta.teacher).values(telegram_id=ALICE)
        )
        await session.commit()
    services = Services.build(sessions, clock)

    async def one_update() -> None:
        await services.languages.for_bot_update(ALICE, "en", services.chat_steps)
        expected = await direct(services, ALICE)
        assert [i.role.value for i in expected] == ["admin", "teacher"]
        assert [i.school.key for i in expected] == ["alpha", "beta"]
        assert await services.directory.identities(ALICE) == expected
        # behind the task's back (another process): the kept roles answer, no read
        await services.directory.driver.execute(
            "UPDATE admins SET name = 'Alice Renamed' WHERE telegram_id = $1", ALICE
        )
        assert (await services.directory.identities(ALICE))[0].name == "Alice Admin"
        # another account's roles are read, not taken from what this update kept
        assert [i.role.value for i in await services.directory.identities(SAM)] == ["teacher"]
        # a unit of work in the task (it may link or unlink the account): read afresh
        async with unit_of_work(sessions) as session:
            await session.execute(
                update(Admin).where(Admin.telegram_id == ALICE).values(telegram_id=None)
            )
            await session.commit()
        fresh = await services.directory.identities(ALICE)
        assert fresh == await direct(services, ALICE)
        assert [(i.role.value, i.school.key) for i in fresh] == [("teacher", "beta")]

    await asyncio.create_task(one_update())  # an update's own task, as PTB runs it
    # outside that task nothing was kept: a plain read
    assert await services.directory.identities(ALICE) == await direct(services, ALICE)


async def test_an_unknown_account_keeps_no_roles(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await build_two_schools(sessions)
    services = Services.build(sessions, clock)

    async def one_update() -> None:
        await services.languages.for_bot_update(777, "de", services.chat_steps)
        assert await services.directory.identities(777) == []

    await asyncio.create_task(one_update())


async def test_the_step_read_with_the_language_keeps_its_numbers(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    await services.chat_steps.set(ALICE, "ask", (7, -12, 123456), "typed")
    await services.chat_steps.set(SAM, "none", ())

    async def one_update(telegram_id: int) -> ChatStep | None:
        await services.languages.for_bot_update(telegram_id, "en", services.chat_steps)
        return await services.chat_steps.get(telegram_id)

    assert await asyncio.create_task(one_update(ALICE)) == ChatStep(
        "ask", (7, -12, 123456), "typed"
    )
    assert await asyncio.create_task(one_update(SAM)) == ChatStep("none", (), None)
    assert await asyncio.create_task(one_update(777)) is None


async def test_a_process_that_saw_the_code_remembered_still_reads_every_change(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """The second update of an account reads without writing; a choice or a client code
    written meanwhile by another process is seen (and the code reported is remembered)."""
    await build_two_schools(sessions)
    this, other = Services.build(sessions, clock), Services.build(sessions, clock)

    async def update(services: Services, code: str | None) -> str:
        return await asyncio.create_task(
            services.languages.for_bot_update(ALICE, code, services.chat_steps)
        )

    async def client() -> str | None:
        row = await this.directory.driver.fetchrow(
            "SELECT client FROM user_languages WHERE telegram_id = $1", ALICE
        )
        return None if row is None else row["client"]

    assert await update(this, "ru") == "ru"
    assert await client() == "ru"
    assert await update(this, "ru") == "ru"  # seen remembered: the read-only statement
    await other.languages.choose(ALICE, "de")  # /language in another process
    assert await update(this, "ru") == "de"
    await update(other, "en")  # the client now says English, to the other process
    assert await client() == "en"
    assert await update(this, "ru") == "de"  # the choice still rules ...
    assert await client() == "ru"  # ... and the code reported here is remembered again
    assert await update(this, None) == "de"
