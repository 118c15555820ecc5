"""An import and a booking at the same moment (real PostgreSQL, real commits).

The importer refuses a file that takes an individual week from under upcoming bookings. A
booking committed after the importer read those bookings, but before it committed, would
land in a week the import removes. The test holds the importer just after its check (a row
lock on the lesson's hybrid pattern, which it then updates), books into that week meanwhile,
lets the import go on, and checks that no active booking is left outside its lesson's
individual weeks: one of the two must lose.
"""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import FixedClock
from core.db import models as m
from core.errors import DomainError
from core.school_file.importer import import_school
from core.services import Services
from core.views import Actor

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-school.yaml"
LESSON, STUDENT = "piano-hybrid-wed", "ava-nguyen"

OUT_OF_PLACE = """
SELECT count(*) FROM bookings b JOIN hybrid_patterns hp ON hp.lesson_id = b.lesson_id
 WHERE b.status <> 'CANCELLED' AND NOT (b.week = ANY (hp.individual_weeks))
"""
WAITING = """
SELECT count(*) FROM pg_stat_activity
 WHERE datname = current_database() AND wait_event_type = 'Lock'
"""


async def _id(sessions: async_sessionmaker[AsyncSession], model: Any, key: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(model.id).where(model.key == key)))


async def _until(engine: AsyncEngine, condition: Any) -> None:
    """Poll (at most ~10 s) until ``condition(waiting_lock_count)`` holds."""
    async with engine.connect() as conn:
        for _ in range(500):
            waiting = int(await conn.scalar(text(WAITING)))
            await conn.rollback()
            if condition(waiting):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the transactions never reached the expected point")


async def test_a_booking_racing_an_import_that_removes_its_week_never_lands_there(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, clock: FixedClock
) -> None:
    await import_school(sessions, DEMO, clock=clock)
    services = Services.build(sessions, clock)
    school = await _id(sessions, m.School, "music-n-me")
    lesson = await _id(sessions, m.Lesson, LESSON)
    student = await _id(sessions, m.Student, STUDENT)
    start = await services.booking.slot_at(school, lesson, 4, time(17), day=3)
    assert await services.booking.available_slots(school, lesson, 4, Actor.admin("t"))  # warm

    data = yaml.safe_load(DEMO.read_text())
    wed = next(item for item in data["lessons"] if item["key"] == LESSON)
    wed["hybrid"]["individual_weeks"] = [w for w in wed["hybrid"]["individual_weeks"] if w != 4]

    async with engine.connect() as holder:
        # hold the importer right after its "bookings in the way" check
        await holder.execute(
            text("SELECT 1 FROM hybrid_patterns WHERE lesson_id = :l FOR UPDATE"), {"l": lesson}
        )
        importing = asyncio.create_task(import_school(sessions, yaml.safe_dump(data), clock=clock))
        await _until(engine, lambda waiting: waiting >= 1)
        booking = asyncio.create_task(
            services.booking.create_booking(school, Actor.admin("racer"), lesson, student, 4, start)
        )
        # the booking either goes through now (the race) or waits for the import
        await _until(engine, lambda waiting: booking.done() or waiting >= 2)
        await holder.rollback()

    outcomes = await asyncio.gather(importing, booking, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, DomainError):
            raise outcome
    async with sessions() as session:
        assert await session.scalar(text(OUT_OF_PLACE)) == 0
    imported, booked = (not isinstance(o, BaseException) for o in outcomes)
    assert imported != booked  # exactly one of the two won
