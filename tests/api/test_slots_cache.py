"""The slots GET of concurrent readers (core.booking.slots_cache): every answer from a read
made after the request arrived, so a slot booked by another process is gone from the next
GET (also after a database restart); concurrent reads share one statement; a kept answer
follows the clock."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta
from pathlib import Path

from core.booking.slots_cache import WEEK_STATES
from core.clock import FixedClock
from core.db.driver import Driver
from core.db.engine import make_engine, make_session_factory
from core.services import Services
from core.views import Actor
from tests.support.api_client import Api
from tests.support.factories import SchoolIds

SLOTS = "/api/hybrid-bookings/available-slots?lessonId=piano&weekNumber=4"
ROOT = Path(__file__).resolve().parents[2]

# books one slot through the booking service of a process of its own
OTHER_PROCESS = """
import asyncio, sys
from datetime import datetime
from core.clock import FixedClock
from core.db.engine import make_engine, make_session_factory
from core.booking.slots_cache import WEEK_STATES
from core.services import Services
from core.views import Actor

async def main(url, school, lesson, student, start, now):
    engine = make_engine(url, pool_size=1)
    services = Services.build(make_session_factory(engine), FixedClock(datetime.fromisoformat(now)))
    await services.booking.create_booking(
        int(school), Actor.system("other process"), int(lesson), int(student), 4,
        datetime.fromisoformat(start),
    )
    await engine.dispose()

asyncio.run(main(*sys.argv[1:]))
"""


async def book_elsewhere(
    db_url: str, alpha: SchoolIds, start: str, clock: FixedClock, student: int | None = None
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        OTHER_PROCESS,
        db_url,
        str(alpha.school),
        str(alpha.piano),
        str(student or alpha.emma),
        start,
        clock.now().isoformat(),
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def starts(api: Api) -> list[str]:
    status, body = await api.call("GET", SLOTS, api.key())
    assert status == 200, body
    return [slot["start"] for slot in body["data"]]


async def test_a_slot_booked_by_another_process_is_gone_from_the_next_get(
    api: Api, schools: tuple[SchoolIds, SchoolIds], db_url: str
) -> None:
    alpha, _ = schools
    before = await starts(api)
    assert await starts(api) == before  # the kept answer, for an equal state
    await book_elsewhere(db_url, alpha, before[2], api.clock)
    after = await starts(api)
    assert before[2] not in after and len(after) == len(before) - 1
    assert await starts(api) == after


async def test_after_a_database_restart_the_next_get_still_sees_every_booking(
    api: Api, services: Services, schools: tuple[SchoolIds, SchoolIds], db_url: str
) -> None:
    alpha, _ = schools
    before = await starts(api)
    # what a database restart does to every connection of the server
    async with services.engine.connect() as conn:
        await conn.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    await book_elsewhere(db_url, alpha, before[0], api.clock)
    assert before[0] not in await starts(api)


async def test_concurrent_reads_share_one_statement(
    services: Services, schools: tuple[SchoolIds, SchoolIds], clock: FixedClock
) -> None:
    alpha, _ = schools
    booking = services.booking
    alone = await booking.available_slots(alpha.school, alpha.piano, 4)
    theory = await booking.available_slots(alpha.school, alpha.theory, 4)
    reads = booking.week_reads
    sent = reads.statements
    answers = await asyncio.gather(
        *(booking.available_slots(alpha.school, alpha.piano, 4) for _ in range(10)),
        *(booking.available_slots(alpha.school, alpha.theory, 4) for _ in range(5)),
    )
    assert reads.statements == sent + 1  # two weeks asked, one statement
    assert answers == [alone] * 10 + [theory] * 5


async def test_what_the_api_itself_books_and_cancels_shows_at_once(api: Api) -> None:
    before = await starts(api)
    status, body = await api.call(
        "POST",
        "/api/hybrid-bookings",
        api.key(),
        json={
            "lessonId": "piano",
            "studentId": "emma",
            "weekNumber": 4,
            "scheduledDate": "2027-02-22",
            "startTime": "16:00",
        },
    )
    assert status == 201, body
    booked = body["data"]["start"]
    assert booked in before and booked not in await starts(api)
    status, body = await api.call(
        "DELETE", f"/api/hybrid-bookings/{body['data']['id']}", api.key(), json={}
    )
    assert status == 200, body
    assert await starts(api) == before


async def test_an_answer_kept_follows_the_clock(api: Api) -> None:
    parent = api.tma(1011)

    async def parent_starts() -> list[str]:
        status, body = await api.call("GET", SLOTS, api.tma(1011))
        assert status == 200, body
        return [slot["start"] for slot in body["data"]]

    status, body = await api.call("GET", SLOTS, parent)
    before = [slot["start"] for slot in body["data"]]
    assert await parent_starts() == before
    first = datetime.fromisoformat(before[0])
    start = api.clock.now()
    # 23 hours 59 minutes before the first slot: too late for a parent, not for the school
    api.clock.set(first - timedelta(hours=23, minutes=59))
    assert await parent_starts() == before[1:]
    assert before[0] in await starts(api)
    api.clock.set(start)  # a clock set back: the slot is bookable again
    assert await parent_starts() == before


async def test_a_week_read_has_no_array_type_and_sees_each_booking_once(
    db_url: str, schools: tuple[SchoolIds, SchoolIds], clock: FixedClock
) -> None:
    alpha, _ = schools
    engine = make_engine(db_url, pool_size=1)  # a fresh connection, as a new pooled one
    try:
        booking = Services.build(make_session_factory(engine), clock).booking
        free = await booking.available_slots(alpha.school, alpha.piano, 4)
        made = await booking.create_booking(
            alpha.school, Actor.system("test"), alpha.piano, alpha.emma, 4, free[1].start_at
        )
        # two weeks in one statement: the booked week, and the other lesson's
        both = await asyncio.gather(
            booking.available_slots(alpha.school, alpha.piano, 4),
            booking.available_slots(alpha.school, alpha.theory, 4),
        )
        assert [s.start_at for s in both[0]] == [
            s.start_at for s in free if s.start_at != made.start_at
        ]
        assert both[1] == await booking.available_slots(alpha.school, alpha.theory, 4)
        # the week-states statement has no array among its parameters and columns, so a
        # pooled connection's first read of a week asks asyncpg for no type introspection
        types = await Driver(engine).fetch(
            "SELECT parameter_types::text AS p, result_types::text AS r "
            "FROM pg_prepared_statements WHERE statement = $1",
            WEEK_STATES,
        )
        assert len(types) == 1
        assert "[]" not in types[0]["p"] + types[0]["r"], dict(types[0])
    finally:
        await engine.dispose()
