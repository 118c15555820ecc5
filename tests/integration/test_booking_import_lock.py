"""The booking statement's hold on the school's row (core.booking.sql): only a booking that
is made waits for an import; a refusal takes no lock; a booking an import overtook is undone
and made again against the new catalog (real PostgreSQL, real commits)."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import FixedClock
from core.db import models as m
from core.errors import AlreadyBooked
from core.school_file.importer import import_school
from core.services import Services
from core.views import Actor

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-school.yaml"
LESSON, STUDENT = "piano-hybrid-wed", "ava-nguyen"
WAITING = """
SELECT count(*) FROM pg_stat_activity
 WHERE datname = current_database() AND wait_event_type = 'Lock'
"""
ACTIVE = "SELECT count(*) FROM bookings WHERE student_id = :s AND status <> 'CANCELLED'"


async def _id(sessions: async_sessionmaker[AsyncSession], model: Any, key: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(model.id).where(model.key == key)))


async def _setup(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> tuple[Services, int, int, int, Any]:
    await import_school(sessions, DEMO, clock=clock)
    services = Services.build(sessions, clock)
    school = await _id(sessions, m.School, "music-n-me")
    lesson = await _id(sessions, m.Lesson, LESSON)
    student = await _id(sessions, m.Student, STUDENT)
    start = await services.booking.slot_at(school, lesson, 4, time(17), day=3)
    assert await services.booking.available_slots(school, lesson, 4, Actor.admin("t"))  # warm
    return services, school, lesson, student, start


async def test_a_refused_booking_does_not_wait_for_an_import_holding_the_school(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, clock: FixedClock
) -> None:
    services, school, lesson, student, start = await _setup(sessions, clock)
    admin = Actor.admin("racer")
    await services.booking.create_booking(school, admin, lesson, student, 4, start)
    async with engine.connect() as importer:
        await importer.execute(
            text("SELECT 1 FROM schools WHERE id = :s FOR UPDATE"), {"s": school}
        )
        with pytest.raises(AlreadyBooked):  # answered at once, the import still holding on
            await asyncio.wait_for(
                services.booking.create_booking(school, admin, lesson, student, 4, start), 10
            )
        await importer.rollback()


async def test_a_booking_an_import_overtakes_is_undone_and_made_against_the_new_catalog(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, clock: FixedClock
) -> None:
    services, school, lesson, student, start = await _setup(sessions, clock)
    async with engine.connect() as importer:
        await importer.execute(
            text("SELECT 1 FROM schools WHERE id = :s FOR UPDATE"), {"s": school}
        )
        await importer.execute(
            text("UPDATE schools SET catalog_version = catalog_version + 1 WHERE id = :s"),
            {"s": school},
        )
        booking = asyncio.create_task(
            services.booking.create_booking(school, Actor.admin("racer"), lesson, student, 4, start)
        )
        async with engine.connect() as watch:
            for _ in range(500):  # until the booking, inserted, waits for the "import"
                waiting = int(await watch.scalar(text(WAITING)))
                await watch.rollback()
                if waiting >= 1 or booking.done():
                    break
                await asyncio.sleep(0.02)
        assert not booking.done()
        await importer.commit()
    made = await asyncio.wait_for(booking, 10)
    assert made.week == 4
    async with sessions() as session:
        assert await session.scalar(text(ACTIVE), {"s": student}) == 1
        version = await session.scalar(
            select(m.School.catalog_version).where(m.School.id == school)
        )
    catalog = services.booking.catalogs.peek(school)
    assert catalog is not None and catalog.version == version
