"""Races on one slot: many connections, two lessons of one teacher, and separate CLI processes.

The database decides (a partial unique index and an exclusion constraint); the service turns
the loser's refusal into a plain SlotTaken, never a raw IntegrityError.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from core.booking import catalog as catalog_module
from core.db.engine import make_engine, make_session_factory
from core.db.models import Booking, BookingStatus, Enrolment, Family, Parent, Student
from core.errors import SlotTaken
from core.services import Services
from core.views import Actor
from tests.support.cli import cli_env, run_cli
from tests.support.factories import SchoolIds, build_two_schools

SYDNEY = ZoneInfo("Australia/Sydney")
ADMIN = Actor.admin("alice")
MON4_1500 = datetime(2027, 2, 22, 15, tzinfo=SYDNEY).astimezone(UTC)


async def add_crowd(sessions, ids: SchoolIds, count: int, lesson_ids: list[int]) -> list[Student]:
    """``count`` more students, each of their own family with one parent, enrolled in lessons."""
    async with sessions() as session, session.begin():
        students = []
        for n in range(count):
            family = Family(school_id=ids.school, key=f"crowd-{n}", name=f"Crowd family {n}")
            session.add(family)
            await session.flush()
            session.add(
                Parent(school_id=ids.school, family_id=family.id, key=f"crowd-p{n}", name=f"P {n}")
            )
            student = Student(
                school_id=ids.school, family_id=family.id, key=f"kid-{n}", name=f"Kid {n}"
            )
            session.add(student)
            await session.flush()
            for lesson_id in lesson_ids:
                session.add(
                    Enrolment(lesson_id=lesson_id, student_id=student.id, school_id=ids.school)
                )
            students.append(student)
    return students


async def warm_up(engine, connections: int) -> None:
    """Open ``connections`` pooled connections at once and give them back to the pool."""

    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await asyncio.sleep(0.05)

    await asyncio.gather(*(hold() for _ in range(connections)))


async def active_bookings(sessions) -> list[Booking]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(Booking).where(Booking.status != BookingStatus.CANCELLED)
                )
            ).all()
        )


async def test_fifty_clients_racing_for_one_slot_one_wins_the_rest_hear_slot_taken(
    db_url, sessions, clock
):
    alpha, _ = await build_two_schools(sessions)
    crowd = await add_crowd(sessions, alpha, 50, [alpha.piano])
    engine = make_engine(db_url, pool_size=50)
    try:
        services = Services.build(make_session_factory(engine), clock)
        await warm_up(engine, 50)  # so that the attempts really start together
        results = await asyncio.gather(
            *(
                services.booking.create_booking(
                    alpha.school, ADMIN, alpha.piano, student.id, 4, MON4_1500
                )
                for student in crowd
            ),
            return_exceptions=True,
        )
    finally:
        await engine.dispose()
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, BaseException)]
    assert len(wins) == 1
    assert [type(e) for e in losses] == [SlotTaken] * 49, {type(e).__name__ for e in losses}
    [booking] = await active_bookings(sessions)
    assert booking.id == wins[0].id and booking.start_at == MON4_1500


async def test_a_cold_process_meeting_a_rush_loads_the_school_catalog_once(
    db_url, sessions, clock, monkeypatch
):
    alpha, _ = await build_two_schools(sessions)
    crowd = await add_crowd(sessions, alpha, 12, [alpha.piano])
    loads = []
    real_load = catalog_module.load_catalog

    async def counting_load(session, school_id):
        loads.append(school_id)
        return await real_load(session, school_id)

    monkeypatch.setattr(catalog_module, "load_catalog", counting_load)
    engine = make_engine(db_url, pool_size=12)
    try:
        services = Services.build(make_session_factory(engine), clock)  # an empty cache
        slots = await asyncio.gather(
            *(services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN) for _ in crowd)
        )
    finally:
        await engine.dispose()
    assert loads == [alpha.school]
    assert len({tuple(s.start_at for s in week) for week in slots}) == 1 and slots[0]


async def test_two_lessons_of_one_teacher_booked_at_the_same_time_one_wins_every_round(
    sessions, clock
):
    alpha, _ = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    # piano (Emma) and theory (Mia) share teacher Sam and Monday 15:00-17:00 in week 4
    slots = await services.booking.available_slots(alpha.school, alpha.theory, 4, ADMIN)
    assert len(slots) == 4
    for round_no in range(20):
        start = slots[round_no % len(slots)].start_at
        results = await asyncio.gather(
            services.booking.create_booking(alpha.school, ADMIN, alpha.piano, alpha.emma, 4, start),
            services.booking.create_booking(alpha.school, ADMIN, alpha.theory, alpha.mia, 4, start),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        losses = [r for r in results if isinstance(r, BaseException)]
        assert len(wins) == 1, f"round {round_no}: {results}"
        assert [type(e) for e in losses] == [SlotTaken], f"round {round_no}: {losses}"
        active = await active_bookings(sessions)
        assert [b.id for b in active] == [wins[0].id]
        await services.booking.cancel_booking(alpha.school, ADMIN, wins[0].id, f"round {round_no}")


async def test_cli_processes_racing_for_one_slot_one_books_the_others_are_told_it_is_taken(
    db_url, sessions, tmp_path
):
    alpha, _ = await build_two_schools(sessions)
    crowd = await add_crowd(sessions, alpha, 8, [alpha.piano])
    env = cli_env(db_url)
    results = await asyncio.gather(
        *(
            run_cli(
                env,
                tmp_path,
                "book",
                "--school",
                "alpha",
                "--lesson",
                "piano",
                "--student",
                student.key,
                "--week",
                "4",
                "--at",
                "15:00",
                "--day",
                "MONDAY",
            )
            for student in crowd
        )
    )
    codes = sorted(code for code, _, _ in results)
    assert codes == [0] + [1] * 7, results
    for code, out, err in results:
        if code == 0:
            assert out.startswith("booked #")
            continue
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), err
        assert "taken" in lines[0], err
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.status != BookingStatus.CANCELLED)
        )
    assert count == 1

    # the listing commands speak JSON, and unknown keys are named in one line
    code, out, err = await run_cli(
        env, tmp_path, "bookings", "--school", "alpha", "--format", "json"
    )
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["lesson"], row["start"], row["week"]) == ("piano", "15:00", 4)
    code, out, err = await run_cli(
        env, tmp_path, "stats", "--school", "alpha", "--lesson", "piano", "--format", "json"
    )
    assert code == 0, err
    stats = json.loads(out)
    assert (stats["enrolled"], stats["booked"], stats["expected"]) == (11, 1, 22)
    code, out, err = await run_cli(
        env, tmp_path, "slots", "--school", "alpha", "--lesson", "piano", "--week", "4",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    slots = json.loads(out)
    assert "15:00" not in [s["start"] for s in slots if s["day"] == "MONDAY"]
    assert len(slots) == 10
    code, out, err = await run_cli(env, tmp_path, "stats", "--school", "alpha", "--lesson", "nope")
    assert code == 1 and out == ""
    assert (
        err.strip()
        == "error: No lesson 'nope' in this school. Known lesson keys: choir, piano, theory."
    )
    code, _, err = await run_cli(env, tmp_path, "bookings", "--school", "nowhere")
    assert code == 1 and err.startswith("error: No school 'nowhere'")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("rounds", [3])
async def test_reschedule_racing_a_new_booking_keeps_the_old_slot_when_it_loses(
    sessions, clock, rounds
):
    alpha, _ = await build_two_schools(sessions)
    services = Services.build(sessions, clock)
    slots = [
        s.start_at
        for s in await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
    ]
    for round_no in range(rounds):
        emma = await services.booking.create_booking(
            alpha.school, ADMIN, alpha.piano, alpha.emma, 4, slots[0]
        )
        target = slots[1 + round_no]
        moved, liam = await asyncio.gather(
            services.booking.reschedule_booking(alpha.school, ADMIN, emma.id, 4, target),
            services.booking.create_booking(
                alpha.school, ADMIN, alpha.piano, alpha.liam, 4, target
            ),
            return_exceptions=True,
        )
        outcomes = [isinstance(r, SlotTaken) for r in (moved, liam)]
        assert sorted(outcomes) == [False, True], (moved, liam)
        current = await services.booking.get_booking(alpha.school, emma.id)
        if isinstance(moved, SlotTaken):
            assert current == emma  # the old slot was kept, untouched
        else:
            assert current.start_at == target and current.sequence == 1
        for booking in await services.booking.school_bookings(alpha.school):
            await services.booking.cancel_booking(alpha.school, ADMIN, booking.id)


async def test_more_clients_than_pooled_connections_all_get_an_answer_and_leak_nothing(
    db_url, sessions, clock, caplog
):
    """Past the pool's size, overflow connections are opened and closed again cleanly."""
    alpha, _ = await build_two_schools(sessions)
    crowd = await add_crowd(sessions, alpha, 10, [alpha.piano])
    engine = make_engine(db_url, pool_size=2)  # 2 pooled + 2 overflow for 10 clients
    try:
        services = Services.build(make_session_factory(engine), clock)
        slots = await services.booking.available_slots(alpha.school, alpha.piano, 4, ADMIN)
        results = await asyncio.gather(
            *(
                services.booking.create_booking(
                    alpha.school, ADMIN, alpha.piano, student.id, 4, slots[n].start_at
                )
                for n, student in enumerate(crowd)
            ),
            return_exceptions=True,
        )
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert len(await active_bookings(sessions)) == 10
    assert not [r for r in caplog.records if "Exception closing connection" in r.getMessage()]
