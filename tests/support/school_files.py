"""School files for tests: a small valid one to change a field at a time, the examples, and
what an import did (its counts, every row of the database)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import FixedClock
from core.db import models as m
from core.school_file.loader import school_file_problems
from core.school_file.result import ImportResult
from core.services import Services
from core.views import Actor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO = EXAMPLES / "demo-school.yaml"
SECOND = EXAMPLES / "second-school.yaml"

Sessions = async_sessionmaker[AsyncSession]
Snapshot = dict[str, list[tuple[Any, ...]]]

BASE = """
school:
  key: music-n-me
  name: "Music 'n Me"
  timezone: Australia/Sydney
admins:
  - key: alice
    name: Alice Admin
    telegram_id: 1001
teachers:
  - key: jones
    name: Sam Jones
    telegram_id: 2001
  - key: lee
    name: Mei Lee
locations:
  - key: main
    name: Main Studio
    rooms:
      - key: room-1
        name: Room 1
terms:
  - key: 2027-t1
    name: Term 1 2027
    start_date: 2027-02-01
    weeks: 10
families:
  - key: smith
    name: Smith family
    parents:
      - key: jane-smith
        name: Jane Smith
        telegram_id: 3001
        phone: "+61400000001"
    students:
      - key: emma-smith
        name: Emma Smith
      - key: tom-smith
        name: Tom Smith
lessons:
  - key: piano-hybrid-mon
    name: Piano Foundations
    type: HYBRID
    term: 2027-t1
    teacher: jones
    location: main
    room: room-1
    day: MONDAY
    start_time: "16:00"
    duration_minutes: 60
    max_students: 8
    students: [emma-smith]
    hybrid:
      individual_weeks: [4, 8]
      slot_minutes: 30
      availability:
        - day: MONDAY
          start: "15:00"
          end: "19:00"
        - day: WEDNESDAY
          start: "15:30"
          end: "18:00"
      bookings_open: false
  - key: band
    name: Rock Band
    type: BAND
    term: 2027-t1
    teacher: lee
    location: main
    day: SATURDAY
    start_time: "10:00"
    duration_minutes: 90
    students: [emma-smith, tom-smith]
events:
  - key: mg-feb
    title: Meet & Greet
    type: MEET_AND_GREET
    start: 2027-01-30T10:00
    end: 2027-01-30T11:00
    location: main
"""


def base() -> dict[str, Any]:
    """A fresh copy of BASE as data, to change."""
    return copy.deepcopy(yaml.safe_load(BASE))


def problems_after(change: Callable[[dict[str, Any]], object]) -> list[str]:
    """The problems of BASE after ``change`` (which edits the data in place)."""
    data = base()
    change(data)
    return school_file_problems(yaml.safe_dump(data, sort_keys=False))


async def snapshot(sessions: Sessions) -> Snapshot:
    """Every row of every table, in primary-key order."""
    tables: Snapshot = {}
    async with sessions() as session:
        for table in m.Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = await session.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}"))
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def demo_data() -> dict[str, Any]:
    return yaml.safe_load(DEMO.read_text())


def counts(result: ImportResult) -> dict[str, tuple[int, int, int]]:
    return {
        k: (c.created, c.updated, c.unchanged)
        for k, c in result.counts.items()
        if any((c.created, c.updated, c.unchanged))
    }


async def ids_by_key(sessions: Sessions, model: Any, *keys: str) -> list[int]:
    """The ids of the ``model`` rows with these keys, in the order given."""
    async with sessions() as session:
        rows = {key: id_ for key, id_ in await session.execute(select(model.key, model.id))}
    return [rows[k] for k in keys]


async def demo_booking(
    sessions: Sessions, clock: FixedClock, lesson: str, student: str, at: time
) -> int:
    """An admin's booking in week 4 (Thursday 25 February 2027) of the demo school."""
    services = Services.build(sessions, clock)
    [school_id] = await ids_by_key(sessions, m.School, "music-n-me")
    [lesson_id] = await ids_by_key(sessions, m.Lesson, lesson)
    [student_id] = await ids_by_key(sessions, m.Student, student)
    start = await services.booking.slot_at(school_id, lesson_id, 4, at, day=3)
    view = await services.booking.create_booking(
        school_id, Actor.admin("test"), lesson_id, student_id, 4, start
    )
    return view.id
