"""Benchmark the HTTP API: many clients booking and reading slots at once, against two
references measured in the same run.

Run ``python benchmarks/api_throughput.py`` (``--markdown`` for docs/benchmarks.md). It
starts a throwaway embedded PostgreSQL (or uses ``--database-url`` / ``TEST_DATABASE_URL``),
builds a school of ``--lessons`` hybrid lessons (each its own teacher and 15 students, 15-
minute slots, individual weeks 1..10), and measures at ``--clients`` concurrent clients:

1. **constant**: a minimal aiohttp handler returning a constant JSON (the server's ceiling
   on this machine), served by a process of its own;
2. **slots GET**: ``GET /api/hybrid-bookings/available-slots`` with a school key, against
   the real HTTP server (bot.http) in a process of its own;
3. **core booking**: ``BookingService.create_booking`` called directly (weeks 1..5);
4. **booking POST**: ``POST /api/hybrid-bookings`` for the same kind of bookings (weeks
   6..10), each to a distinct free slot, so every one is made (201).

The four run in turn ``--rounds`` times (default 3; the bookings are split between the
rounds), so a shared machine's load swings hit the references and the API alike. Reported:
requests/s, p50 and p99 latency and the load average per round, the medians of the rounds,
and the ratios of the targets per round and their medians: booking POST at least 1/3 of the
direct core rate, slots GET at least 1/4 of the constant handler, p99 under 50 ms at 32
clients. The client runs in this process, the servers in others.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
_ROOT = Path(__file__).resolve().parent.parent
# benchmarks/calendar.py would shadow the standard library's calendar module
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]
sys.path.insert(0, str(_ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from core.api_keys import ApiKeys  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.db.engine import make_engine, make_session_factory, migrate  # noqa: E402
from core.db.models import (  # noqa: E402
    AvailabilityWindow,
    Enrolment,
    Family,
    HybridPattern,
    Lesson,
    LessonType,
    Location,
    School,
    Student,
    Teacher,
    Term,
)
from core.services import Services  # noqa: E402
from core.views import Actor  # noqa: E402

NOW = datetime(2029, 12, 3, 9, 0, tzinfo=UTC)
TERM_START = date(2030, 1, 7)  # a Monday
STUDENTS_PER_LESSON = 15
WEEKS = range(1, 11)
CORE_WEEKS = range(1, 6)
API_WEEKS = range(6, 11)


@dataclass
class Result:
    name: str
    count: int
    seconds: float
    latencies: list[float]
    failures: int = 0
    load: tuple[float, float] = (0.0, 0.0)  # the 1-minute load average before and after

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"| {self.name} | {self.count} | {self.rate:,.0f} | {self.pct(0.5):.1f} | "
            f"{self.pct(0.99):.1f} | {self.failures} |"
        )


# ------------------------------------------------------------------ the school


async def build_school(url: str, lessons: int) -> list[tuple[str, list[str]]]:
    """(lesson key, student keys) of a school made for the run."""
    engine = make_engine(url, pool_size=2)
    await migrate(engine)
    sessions = make_session_factory(engine)
    made: list[tuple[str, list[str]]] = []
    async with sessions() as session, session.begin():
        school = School(key="bench", name="Bench School", timezone="Europe/London", reminders={})
        session.add(school)
        await session.flush()
        location = Location(school_id=school.id, key="main", name="Main")
        term = Term(school_id=school.id, key="t1", name="Term", start_date=TERM_START, weeks=10)
        session.add_all([location, term])
        await session.flush()
        for n in range(lessons):
            teacher = Teacher(school_id=school.id, key=f"t{n}", name=f"Teacher {n}")
            family = Family(school_id=school.id, key=f"f{n}", name=f"Family {n}")
            session.add_all([teacher, family])
            await session.flush()
            lesson = Lesson(
                school_id=school.id,
                key=f"l{n}",
                name=f"Lesson {n}",
                type=LessonType.HYBRID,
                term_id=term.id,
                teacher_id=teacher.id,
                location_id=location.id,
                room_id=None,
                day=6,
                start_time=clock_time(7),
                duration_minutes=30,
                max_students=20,
            )
            session.add(lesson)
            await session.flush()
            session.add(
                HybridPattern(
                    lesson_id=lesson.id,
                    school_id=school.id,
                    individual_weeks=list(WEEKS),
                    slot_minutes=15,
                    bookings_open=True,
                )
            )
            session.add(
                AvailabilityWindow(
                    lesson_id=lesson.id, day=0, start_time=clock_time(9), end_time=clock_time(18)
                )
            )
            keys = []
            for s in range(STUDENTS_PER_LESSON):
                student = Student(
                    school_id=school.id, family_id=family.id, key=f"s{n}-{s}", name=f"S {s}"
                )
                session.add(student)
                await session.flush()
                session.add(
                    Enrolment(lesson_id=lesson.id, student_id=student.id, school_id=school.id)
                )
                keys.append(student.key)
            made.append((lesson.key, keys))
    await engine.dispose()
    return made


def slot_of(week: int, index: int) -> tuple[str, str]:
    """The (date, HH:MM) of a student's own slot: distinct per student, so all succeed."""
    day = TERM_START + timedelta(weeks=week - 1)
    minutes = 9 * 60 + 15 * index
    return day.isoformat(), f"{minutes // 60:02d}:{minutes % 60:02d}"


# ------------------------------------------------------------------ the servers


async def _serve(kind: str, url: str, ready: Any) -> None:
    from bot.http import build_http_app, start_http_server

    if kind == "constant":
        app = web.Application()
        payload = {"status": "success", "data": []}

        async def constant(_: web.Request) -> web.Response:
            return web.json_response(payload)

        app.router.add_get("/constant", constant)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    else:
        engine = make_engine(url, pool_size=32)
        services = Services.build(make_session_factory(engine), FixedClock(NOW))
        runner = await start_http_server(build_http_app(services), "127.0.0.1", 0)
    ready.put(runner.addresses[0][1])
    await asyncio.Event().wait()


def serve(kind: str, url: str, ready: Any) -> None:
    warnings.filterwarnings("ignore")
    asyncio.run(_serve(kind, url, ready))


def start_server(kind: str, url: str) -> tuple[multiprocessing.Process, str]:
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    process = context.Process(target=serve, args=(kind, url, ready), daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{ready.get(timeout=60)}"


# ------------------------------------------------------------------ the clients


async def run_clients(name: str, jobs: list[Callable[[], Awaitable[bool]]], clients: int) -> Result:
    queue = list(reversed(jobs))
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        while queue:
            job = queue.pop()
            started = time.perf_counter()
            ok = await job()
            latencies.append(time.perf_counter() - started)
            failures += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return Result(name, len(jobs), time.perf_counter() - started, latencies, failures)


async def measure(
    url: str, lessons: int, clients: int, reads: int, rounds: int = 1
) -> list[list[Result]]:
    """``rounds`` rounds, each: constant handler, slots GET, direct core, booking POST (the
    bookings split evenly between the rounds, each still made once)."""
    school = await build_school(url, lessons)
    engine = make_engine(url, pool_size=clients)
    services = Services.build(make_session_factory(engine), FixedClock(NOW))
    school_id = (await services.directory.school("bench")).id
    key = await ApiKeys(engine, services.clock).create(school_id, "bench")
    headers = {"Authorization": f"Bearer {key}"}
    constant_process, constant_url = start_server("constant", url)
    api_process, api_url = start_server("api", url)
    results: list[list[Result]] = []
    try:
        connector = aiohttp.TCPConnector(limit=clients)
        async with aiohttp.ClientSession(connector=connector) as http:

            def get(target: str) -> Callable[[], Awaitable[bool]]:
                async def job() -> bool:
                    async with http.get(target, headers=headers) as response:
                        await response.read()
                        return response.status == 200

                return job

            warm = [get(f"{api_url}/api/hybrid-bookings/available-slots?lessonId=l0&weekNumber=1")]
            await run_clients("warm-up", warm * 200, clients)
            await run_clients("warm-up", [get(f"{constant_url}/constant")] * 200, clients)
            slot_reads = [
                get(
                    f"{api_url}/api/hybrid-bookings/available-slots"
                    f"?lessonId=l{i % lessons}&weekNumber={1 + i % 10}"
                )
                for i in range(reads)
            ]
            constant_reads = [get(f"{constant_url}/constant")] * reads

            lesson_ids = {k: await services.directory.lesson_id(school_id, k) for k, _ in school}
            student_ids = {
                s: await services.directory.student_id(school_id, s)
                for _, students in school
                for s in students
            }
            actor = Actor.system("bench")
            tz = (await services.directory.school("bench")).timezone

            def direct(
                lesson: str, student: str, week: int, index: int
            ) -> Callable[[], Awaitable[bool]]:
                day, at = slot_of(week, index)
                from zoneinfo import ZoneInfo

                start = datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=ZoneInfo(tz))

                async def job() -> bool:
                    await services.booking.create_booking(
                        school_id, actor, lesson_ids[lesson], student_ids[student], week, start
                    )
                    return True

                return job

            def post(
                lesson: str, student: str, week: int, index: int
            ) -> Callable[[], Awaitable[bool]]:
                day, at = slot_of(week, index)
                body = {
                    "lessonId": lesson,
                    "studentId": student,
                    "weekNumber": week,
                    "scheduledDate": day,
                    "startTime": at,
                }

                async def job() -> bool:
                    async with http.post(
                        f"{api_url}/api/hybrid-bookings", json=body, headers=headers
                    ) as response:
                        await response.read()
                        return response.status == 201

                return job

            def bookings(make: Any, weeks: range) -> list[Callable[[], Awaitable[bool]]]:
                return [
                    make(lesson, student, week, index)
                    for week in weeks
                    for lesson, students in school
                    for index, student in enumerate(students)
                ]

            # interleave lessons so that clients work on different teachers at once
            direct_jobs = bookings(direct, CORE_WEEKS)
            post_jobs = bookings(post, API_WEEKS)
            for n in range(rounds):
                load = os.getloadavg()[0]
                this: list[Result] = [
                    await run_clients("constant JSON handler", constant_reads, clients),
                    await run_clients("slots GET (API)", slot_reads, clients),
                    await run_clients(
                        "booking, core service direct", direct_jobs[n::rounds], clients
                    ),
                    await run_clients("booking POST (API)", post_jobs[n::rounds], clients),
                ]
                for result in this:
                    result.load = (load, os.getloadavg()[0])
                results.append(this)
    finally:
        for process in (constant_process, api_process):
            process.terminate()
            process.join(10)
        await engine.dispose()
    return results


# ------------------------------------------------------------------ the run


async def _database(url: str | None) -> tuple[str, Any]:
    embedded = None
    if not url:
        from bot.embedded_db import start_embedded

        warnings.filterwarnings("ignore", module="platformdirs")
        data_dir = Path(tempfile.mkdtemp(prefix="musicbot-bench-"))
        embedded = await asyncio.to_thread(start_embedded, data_dir, cleanup_mode="delete")
        url = embedded.url("postgres")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    parsed = make_url(url)
    conn = await asyncpg.connect(
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.query.get("host") or parsed.host,
        port=parsed.port,
        database=parsed.database or "postgres",
    )
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return parsed.set(database=name).render_as_string(hide_password=False), embedded


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(rounds: list[list[Result]], clients: int, markdown: bool) -> str:
    lines = [
        f"{clients} clients; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(rounds)} round(s), each: constant, slots "
        "GET, direct core, booking POST",
        "",
        "| round | measured | requests | per second | p50 ms | p99 ms | failed | load |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    ratios: dict[str, list[float]] = {"post": [], "slots": [], "slots_p99": [], "post_p99": []}
    for n, results in enumerate(rounds, 1):
        by = {r.name: r for r in results}
        const, slots = by["constant JSON handler"], by["slots GET (API)"]
        core, post = by["booking, core service direct"], by["booking POST (API)"]
        for r in results:
            lines.append(f"| {n} {r.line()} {r.load[0]:.1f}-{r.load[1]:.1f} |")
        ratios["post"].append(post.rate / core.rate)
        ratios["slots"].append(slots.rate / const.rate)
        ratios["slots_p99"].append(slots.pct(0.99))
        ratios["post_p99"].append(post.pct(0.99))
    names = [r.name for r in rounds[0]] if rounds else []
    lines += ["", "| measured (median of rounds) | per second | p50 ms | p99 ms |"]
    lines += ["| --- | ---: | ---: | ---: |"]
    for i, name in enumerate(names):
        runs = [results[i] for results in rounds]
        lines.append(
            f"| {name} | {_median([r.rate for r in runs]):,.0f} | "
            f"{_median([r.pct(0.5) for r in runs]):.1f} | "
            f"{_median([r.pct(0.99) for r in runs]):.1f} |"
        )
    each = ", ".join
    lines += [
        "",
        f"- booking POST / direct core: median {_median(ratios['post']):.2f} "
        f"(rounds: {each(f'{v:.2f}' for v in ratios['post'])}; target >= 0.33)",
        f"- slots GET / constant handler: median {_median(ratios['slots']):.2f} "
        f"(rounds: {each(f'{v:.2f}' for v in ratios['slots'])}; target >= 0.25)",
        f"- p99 of the API at {clients} clients: slots median "
        f"{_median(ratios['slots_p99']):.1f} ms, booking median "
        f"{_median(ratios['post_p99']):.1f} ms (target < 50 ms)",
    ]
    return "\n".join(lines) if markdown else "\n".join(lines).replace("| ", "").replace(" |", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--reads", type=int, default=4000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternate the four measures this many times"
    )
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    async def run() -> str:
        url, embedded = await _database(args.database_url)
        try:
            results = await measure(url, args.lessons, args.clients, args.reads, args.rounds)
        finally:
            if embedded is not None:
                await asyncio.to_thread(embedded.stop)
        return report(results, args.clients, args.markdown)

    print(asyncio.run(run()))


if __name__ == "__main__":
    main()
