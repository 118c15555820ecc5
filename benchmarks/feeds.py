"""Benchmark the calendar feeds over HTTP: a term's family feed, and the 304 of a poll.

Run ``python benchmarks/feeds.py`` (``--requests N``, ``--runs N``, ``--markdown`` for a
section to paste into docs/benchmarks.md). It starts a throwaway embedded PostgreSQL (or
uses ``TEST_DATABASE_URL``), migrates a fresh database and builds one school: a 15-week
term, 6 teachers with 3 hybrid lessons each (5 individual weeks apiece), 300 students in
~180 families, each student in 3 lessons, every student booked in every individual week of
their lessons (one in eight of those bookings cancelled, and booked again), and 4 school
events. The family measured is the biggest (three children: 9 lessons, so 135 lesson
entries and 45 sessions in its term); the teacher measured has 3 lessons and every booking
of them.

The feed handler (handlers/api/feeds.py) is served by aiohttp on 127.0.0.1; one client on
a keep-alive connection asks, one request at a time: the full feed (200) and the same URL
with its ETag in ``If-None-Match`` (304), and, as the floor, a handler on the same server
that answers a constant 304 without touching the database. Reported: medians and p90 of wall time per
request, as the client sees it. Targets: family feed under 20 ms, a 304 under 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

# benchmarks/calendar.py would shadow the stdlib ``calendar`` (which aiohttp imports): drop
# this script's folder from the import path, and add the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core.calendar.feeds import FeedOwner, feed_path  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.db.engine import make_engine, make_session_factory, migrate  # noqa: E402
from core.db.models import (  # noqa: E402
    Booking,
    BookingStatus,
    Enrolment,
    Event,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Location,
    Parent,
    Room,
    School,
    Student,
    Teacher,
    Term,
)
from core.services import Services  # noqa: E402
from handlers.api.feeds import FEEDS, routes  # noqa: E402
from tests.support.pg import start_test_server, unique_name  # noqa: E402

NOW = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)  # in week 2 of the term
TERM_START = date(2027, 2, 1)
WEEKS = 15
TIMEZONE = "Australia/Sydney"
FEED_TARGET_MS = 20.0
NOT_MODIFIED_TARGET_MS = 2.0


async def build_school(sessions: Any, students: int, seed: int) -> tuple[int, int, int]:
    """The school above; returns (school id, the biggest family's id, a teacher's id)."""
    rng = random.Random(seed)
    tz_offset = timedelta(hours=-11)  # 16:00 in Sydney in February is 05:00 UTC
    async with sessions() as session, session.begin():
        school = School(key="feeds", name="Feed School", timezone=TIMEZONE, reminders={})
        session.add(school)
        await session.flush()
        sid = school.id
        location = Location(school_id=sid, key="main", name="Main Studio")
        term = Term(school_id=sid, key="t1", name="Term 1", start_date=TERM_START, weeks=WEEKS)
        teachers = [Teacher(school_id=sid, key=f"t{n}", name=f"Teacher {n}") for n in range(6)]
        session.add_all([location, term, *teachers])
        await session.flush()
        room = Room(school_id=sid, location_id=location.id, key="r1", name="Room 1")
        session.add(room)
        await session.flush()
        lessons = [
            Lesson(
                school_id=sid,
                key=f"l{t}-{n}",
                name=f"Lesson {t}-{n}",
                type=LessonType.HYBRID,
                term_id=term.id,
                teacher_id=teacher.id,
                location_id=location.id,
                room_id=room.id,
                day=n,
                start_time=clock_time(16 + n),
                duration_minutes=60,
                max_students=None,
            )
            for t, teacher in enumerate(teachers)
            for n in range(3)
        ]
        session.add_all(lessons)
        await session.flush()
        weeks_of = {x.id: sorted(rng.sample(range(2, WEEKS + 1), 5)) for x in lessons}
        session.add_all(
            HybridPattern(
                lesson_id=x.id,
                school_id=sid,
                individual_weeks=weeks_of[x.id],
                slot_minutes=15,
                bookings_open=True,
            )
            for x in lessons
        )
        families: list[Family] = []
        sizes: list[int] = []
        n = 0
        while n < students:
            size = 3 if not families else min(rng.choice((1, 1, 2, 2, 3)), students - n)
            families.append(Family(school_id=sid, key=f"f{len(families)}", name=f"Family {n}"))
            sizes.append(size)
            n += size
        session.add_all(families)
        await session.flush()
        session.add_all(
            Parent(school_id=sid, family_id=f.id, key=f"p{i}", name=f"Parent {i}")
            for i, f in enumerate(families)
        )
        kids = [
            Student(school_id=sid, family_id=f.id, key=f"s{f.id}-{k}", name=f"Child {f.id}-{k}")
            for f, size in zip(families, sizes, strict=True)
            for k in range(size)
        ]
        session.add_all(kids)
        await session.flush()
        enrolled: list[tuple[Lesson, Student]] = []
        for kid in kids:
            for lesson in rng.sample(lessons, 3):
                session.add(Enrolment(lesson_id=lesson.id, student_id=kid.id, school_id=sid))
                enrolled.append((lesson, kid))
        # every enrolment booked in every individual week, at its own quarter hour of the
        # teacher's week (the exclusion constraint); one in eight cancelled and booked again
        next_slot: dict[tuple[int, int], int] = {}
        stamp = NOW - timedelta(days=20)
        for lesson, kid in enrolled:
            for week in weeks_of[lesson.id]:
                for cancelled in (True, False) if rng.random() < 0.125 else (False,):
                    index = next_slot.get((lesson.teacher_id, week), 0)
                    next_slot[(lesson.teacher_id, week)] = index + 1
                    start = (
                        datetime.combine(TERM_START, clock_time(16), UTC)
                        + tz_offset
                        + timedelta(weeks=week - 1, minutes=15 * index)
                    )
                    session.add(
                        Booking(
                            school_id=sid,
                            lesson_id=lesson.id,
                            student_id=kid.id,
                            teacher_id=lesson.teacher_id,
                            week=week,
                            start_at=start,
                            end_at=start + timedelta(minutes=15),
                            status=BookingStatus.CANCELLED
                            if cancelled
                            else BookingStatus.CONFIRMED,
                            booked_by="bench",
                            sequence=1 if cancelled else 0,
                            created_at=stamp,
                            updated_at=stamp,
                        )
                    )
        for k in range(4):
            start = datetime.combine(TERM_START, clock_time(8), UTC) + timedelta(weeks=3 * k + 1)
            session.add(
                Event(
                    school_id=sid,
                    key=f"e{k}",
                    title=f"School event {k}",
                    type="MEET_AND_GREET",
                    start_at=start,
                    end_at=start + timedelta(hours=2),
                )
            )
    async with sessions() as session, session.begin():
        await session.execute(text("ANALYZE"))
    return sid, families[0].id, teachers[0].id


async def serve(services: Services) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.add_routes(routes)
    app[FEEDS] = services.feeds

    async def floor(_: web.Request) -> web.Response:  # the server's own cost of a request
        return web.Response(status=304)

    app.router.add_get("/floor", floor)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def timed(
    client: aiohttp.ClientSession, url: str, headers: dict[str, str], count: int, status: int
) -> tuple[list[float], int]:
    """Wall time of ``count`` sequential requests (seconds), and the body size."""
    times, size = [], 0
    for _ in range(count):
        started = time.perf_counter()
        async with client.get(url, headers=headers) as response:
            body = await response.read()
        times.append(time.perf_counter() - started)
        assert response.status == status, (response.status, url)
        size = len(body)
    return times, size


async def one_run(args: argparse.Namespace, seed: int) -> dict[str, Any]:
    server = start_test_server()
    name = unique_name("feeds")
    url = await server.create_database(name)
    engine = make_engine(url, pool_size=4)
    runner = None
    try:
        await migrate(engine)
        sessions = make_session_factory(engine)
        services = Services.build(sessions, FixedClock(NOW))
        school_id, family_id, teacher_id = await build_school(sessions, args.students, seed)
        runner, base = await serve(services)
        family = await services.feeds.token(FeedOwner(school_id, family_id=family_id))
        teacher = await services.feeds.token(FeedOwner(school_id, teacher_id=teacher_id))
        result: dict[str, Any] = {}
        async with aiohttp.ClientSession() as client:
            await timed(client, base + "/floor", {}, 20, 304)
            result["floor"], _ = await timed(client, base + "/floor", {}, args.requests, 304)
            for label, token in (("family", family), ("teacher", teacher)):
                feed = base + feed_path(token)
                async with client.get(feed) as first:
                    etag = first.headers["ETag"]
                    events = (await first.read()).count(b"BEGIN:VEVENT")
                await timed(client, feed, {}, 10, 200)  # warm: connections, prepared plans
                full, size = await timed(client, feed, {}, args.requests, 200)
                await timed(client, feed, {"If-None-Match": etag}, 20, 304)
                cached, _ = await timed(client, feed, {"If-None-Match": etag}, args.requests, 304)
                result[label] = {"full": full, "cached": cached, "events": events, "size": size}
        return result
    finally:
        if runner is not None:
            await runner.cleanup()
        await engine.dispose()
        await server.drop_database(name)
        server.close()


def ms(values: list[float], q: float | None = None) -> float:
    if q is None:
        return statistics.median(values) * 1000
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per measurement")
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--markdown", action="store_true", help="print a docs section")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="platformdirs")
    runs = [asyncio.run(one_run(args, args.seed + n)) for n in range(args.runs)]
    machine = (
        f"{os.cpu_count()} CPU ({platform.machine()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    rows = []
    for label in ("family", "teacher"):
        last = runs[-1][label]
        full = statistics.median(ms(r[label]["full"]) for r in runs)
        full90 = statistics.median(ms(r[label]["full"], 0.9) for r in runs)
        cached = statistics.median(ms(r[label]["cached"]) for r in runs)
        cached90 = statistics.median(ms(r[label]["cached"], 0.9) for r in runs)
        rows.append((label, last["events"], last["size"], full, full90, cached, cached90))
    if args.markdown:
        print("| feed | events | bytes | 200 p50 ms | 200 p90 ms | 304 p50 ms | 304 p90 ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, events, size, full, full90, cached, cached90 in rows:
            print(
                f"| {label} | {events} | {size} | {full:.2f} | {full90:.2f} | "
                f"{cached:.2f} | {cached90:.2f} |"
            )
        print(f"\n{machine}; {args.runs} runs x {args.requests} requests, medians of runs.")
    else:
        print(machine)
        for label, events, size, full, full90, cached, cached90 in rows:
            print(
                f"{label:8} {events:4} events {size:7} bytes: 200 p50 {full:6.2f} ms "
                f"(p90 {full90:6.2f}), 304 p50 {cached:5.2f} ms (p90 {cached90:5.2f})"
            )
    floor = statistics.median(ms(r["floor"]) for r in runs)
    print(
        f"\nthe same server answering a constant 304 (no database): p50 {floor:.2f} ms"
        if args.markdown
        else f"constant 304 handler on the same server: p50 {floor:.2f} ms"
    )
    family = rows[0]
    ok = family[3] < FEED_TARGET_MS and family[5] < NOT_MODIFIED_TARGET_MS
    print(
        f"targets: family feed < {FEED_TARGET_MS:.0f} ms, 304 < {NOT_MODIFIED_TARGET_MS:.0f} ms: "
        + ("met" if ok else "NOT met")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
