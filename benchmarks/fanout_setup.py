"""What every fan-out scenario sets up and counts (benchmarks/reminder_fanout.py and
benchmarks/term_fanout.py): a throwaway database with the schema, the local Bot API server
enforcing Telegram's limits (30/s overall, 1/s per chat), the Application on it, and the
deliveries per chat compared with what was expected."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from bot.app import build_application
from bot.local_api import FloodLimits, LocalBotApi
from core.clock import Clock
from core.db.engine import make_engine, make_session_factory, migrate
from core.services import Services
from scheduler.notifier import Notifier
from tests.support.pg import start_test_server, unique_name

TOKEN = "123456:BENCH-TOKEN"
# one school's place and term, and :t teachers (chats :teacher_chat + g) with a lesson each
TEACHER_LESSONS_SQL = [
    "INSERT INTO teachers (id, school_id, key, name, telegram_id) SELECT g, 1, 't' || g,"
    " 'Teacher ' || g, :teacher_chat + g FROM generate_series(1, :t) g",
    "INSERT INTO locations (id, school_id, key, name) VALUES (1, 1, 'main', 'Main Studio')",
    "INSERT INTO rooms (id, school_id, location_id, key, name) VALUES (1, 1, 1, 'r1', 'Room 1')",
    "INSERT INTO terms (id, school_id, key, name, start_date, weeks)"
    " VALUES (1, 1, 't1', 'Term 1', '2027-02-01', 10)",
    "INSERT INTO lessons (id, school_id, key, name, type, term_id, teacher_id, location_id,"
    " room_id, day, start_time, duration_minutes) SELECT g, 1, 'l' || g, 'Piano ' || g,"
    " 'HYBRID', 1, g, 1, 1, 0, '08:00', 60 FROM generate_series(1, :t) g",
]
# :n families of one parent (chat :first + g) and one child each
FAMILIES_SQL = [
    "INSERT INTO families (id, school_id, key, name)"
    " SELECT g, 1, 'f' || g, 'Family ' || g FROM generate_series(1, :n) g",
    "INSERT INTO parents (id, school_id, family_id, key, name, telegram_id)"
    " SELECT g, 1, g, 'p' || g, 'Parent ' || g, :first + g FROM generate_series(1, :n) g",
    "INSERT INTO students (id, school_id, family_id, key, name)"
    " SELECT g, 1, g, 's' || g, 'Student ' || g FROM generate_series(1, :n) g",
]


@dataclass(frozen=True, slots=True)
class Bench:
    engine: AsyncEngine
    api: LocalBotApi


@asynccontextmanager
async def bench_database(pool_size: int, *, bot_api: bool = True) -> AsyncIterator[Bench]:
    """A fresh database (migrated) on the embedded server and, unless told not to, the local
    Bot API server with Telegram's limits; all of it gone afterwards."""
    server = start_test_server()
    name = unique_name("bench")
    url = await server.create_database(name)
    engine = make_engine(url, pool_size=pool_size)
    api = LocalBotApi(limits=FloodLimits(global_per_second=30, per_chat_per_second=1))
    if bot_api:
        await api.start()
    try:
        await migrate(engine)
        yield Bench(engine, api)
    finally:
        if bot_api:
            await api.stop()
        await engine.dispose()
        await server.drop_database(name)
        server.close()


async def run_sql(
    engine: AsyncEngine, statements: Sequence[str], params: Mapping[str, Any]
) -> float:
    """The scenario's bulk inserts in one transaction; seconds taken."""
    started = time.perf_counter()
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement), dict(params))
    return time.perf_counter() - started


async def start_bot(
    bench: Bench, clock: Clock
) -> tuple[Services, Application[Any, Any, Any, Any, Any, Any]]:
    """The services on the bench's database and the Application on its Bot API, initialized."""
    services = Services.build(make_session_factory(bench.engine), clock)
    application = build_application(
        services, token=TOKEN, base_url=bench.api.base_url, base_file_url=bench.api.base_file_url
    )
    await application.initialize()
    return services, application


def outcome(
    metrics: Mapping[str, Any], expected: Mapping[str, int], notifier: Notifier, repeats: int
) -> dict[str, float | int | str]:
    """429s, and the server's deliveries per chat against ``expected`` (messages per chat):
    extra ones to an expected chat are duplicates, missing ones lost."""
    delivered: dict[str, int] = metrics["delivered"]
    return {
        "responses_429": int(metrics["responses_429"]),
        "flood_waits": notifier.flood_waits,
        "duplicates": sum(max(0, n - expected[c]) for c, n in delivered.items() if c in expected),
        "lost": sum(max(0, n - delivered.get(c, 0)) for c, n in expected.items()),
        "unexpected": sum(n for c, n in delivered.items() if c not in expected),
        "second_sweep_sent": repeats,
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())
