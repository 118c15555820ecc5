"""Benchmark the booking rush: many parents booking scarce slots at once, against pgbench.

Run ``python benchmarks/booking_rush.py`` (``--markdown`` for a section to paste into
docs/benchmarks.md). By itself it starts a throwaway embedded PostgreSQL (or uses
``--database-url`` / ``TEST_DATABASE_URL``), creates and migrates a fresh database, and
builds a school of 400 students, 4 teachers and 12 hybrid lessons with 15-minute slots.
Two lessons of each teacher share the teacher's hours in the same individual weeks, so
slots run out and bookings of different lessons collide.

Then 32 clients (asyncio tasks over a pool of 32 connections; ``--processes N`` splits them
across processes) each repeatedly pick a student who still has to book (among the first few,
so clients pick the same student now and then) and one of the first few free slots (so they
collide), and book it through ``BookingService.create_booking`` as the student's parent.
Reported: bookings/s, attempts/s, p50/p99 latency per attempt, refusals (SlotTaken,
AlreadyBooked), and two invariants checked in SQL, both of which must be 0.

In the same run, pgbench inserts into a scratch copy of the bookings table (``LIKE bookings
INCLUDING ALL``: the same unique index and exclusion constraint) with the same concurrency,
and the ratio of our bookings/s to pgbench's tps is reported, and that of our attempts/s
(every attempt is one booking transaction, made or refused) to it.
Targets: at least 1/4 of pgbench's tps, p99 latency under 25 ms.

Each client first makes a few unmeasured attempts, so the clock runs on warm connections and
prepared statements, as in a bot that has been up for a while; the cold attempts are reported
apart. ``--schools N`` builds N identical schools on the one database and rushes them all.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

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
    Parent,
    Room,
    School,
    Student,
    Teacher,
    Term,
)
from core.errors import AlreadyBooked, DomainError, SlotTaken  # noqa: E402
from core.services import Services  # noqa: E402
from core.views import Actor  # noqa: E402

NOW = datetime(2027, 1, 19, 9, 0, tzinfo=UTC)  # before the term: the 24-hour rule never bites
TERM_START = date(2027, 2, 1)
TIMEZONE = "Australia/Sydney"
SLOT_MINUTES = 15
PICK_AMONG = 3  # clients choose among the first few students / free slots, so they collide
RATIO_TARGET = 0.25
P99_TARGET_MS = 25.0
WARMUP_ATTEMPTS = 8  # per client, before the clock starts: PostgreSQL plans a prepared
# statement afresh for its first five runs on a connection, then settles on a generic plan
PGBENCH_SCRIPT = """\
\\set n random(1, 2000000000)
\\set w random(1, 1000000)
INSERT INTO bench_bookings (school_id, lesson_id, student_id, teacher_id, week, start_at, end_at,
  status, booked_by, sequence, created_at, updated_at)
VALUES (1, :client_id, :n, :n, :w,
  timestamptz '2030-01-01 00:00+00' + :w * interval '1 minute',
  timestamptz '2030-01-01 00:00+00' + (:w + 1) * interval '1 minute',
  'CONFIRMED', 'pgbench', 0, now(), now());
"""


# ---------------------------------------------------------------------- the school


@dataclass
class LessonWeek:
    school_id: int
    lesson_id: int
    teacher_id: int
    week: int
    students: list[int]  # still to book, in a fixed order
    slots: list[datetime]  # every slot start of the week, soonest first


@dataclass
class Plan:
    parent_of: dict[int, int]  # student id -> a parent id of the family
    lesson_weeks: list[LessonWeek]


async def build_school(sessions: Any, students: int, seed: int, number: int) -> int:
    """4 teachers x 3 hybrid lessons; every student in 3 lessons; ~half the families 2 kids."""
    rng = random.Random(seed)
    async with sessions() as session, session.begin():
        school = School(
            key=f"rush{number}", name=f"Rush School {number}", timezone=TIMEZONE, reminders={}
        )
        session.add(school)
        await session.flush()
        sid = school.id
        location = Location(school_id=sid, key="main", name="Main Studio")
        term = Term(school_id=sid, key="t1", name="Term 1", start_date=TERM_START, weeks=10)
        teachers = [Teacher(school_id=sid, key=f"t{n}", name=f"Teacher {n}") for n in range(4)]
        session.add_all([location, term, *teachers])
        await session.flush()
        room = Room(school_id=sid, location_id=location.id, key="r1", name="Room 1")
        session.add(room)
        await session.flush()
        lessons: list[Lesson] = []
        for t_no, teacher in enumerate(teachers):
            for l_no in range(3):
                lessons.append(
                    Lesson(
                        school_id=sid,
                        key=f"l{t_no}-{l_no}",
                        name=f"Lesson {t_no}-{l_no}",
                        type=LessonType.HYBRID,
                        term_id=term.id,
                        teacher_id=teacher.id,
                        location_id=location.id,
                        room_id=room.id,
                        day=l_no,  # Monday, Tuesday, Wednesday
                        start_time=clock_time(16 + l_no),
                        duration_minutes=60,
                        max_students=None,
                    )
                )
        session.add_all(lessons)
        await session.flush()
        for lesson in lessons:
            shared = not lesson.key.endswith("-2")  # lessons 0 and 1 share hours and weeks
            session.add(
                HybridPattern(
                    lesson_id=lesson.id,
                    school_id=sid,
                    individual_weeks=[3, 5, 7, 9] if shared else [4, 6, 8, 10],
                    slot_minutes=SLOT_MINUTES,
                    bookings_open=True,
                )
            )
        await session.flush()
        for lesson in lessons:
            shared = not lesson.key.endswith("-2")
            start, end = (
                (clock_time(15), clock_time(19)) if shared else (clock_time(14), clock_time(20))
            )
            session.add_all(
                AvailabilityWindow(lesson_id=lesson.id, day=day, start_time=start, end_time=end)
                for day in range(5)
            )
        families: list[Family] = []
        kids: list[tuple[int, Student]] = []
        n = 0
        while n < students:
            family = Family(school_id=sid, key=f"f{len(families)}", name=f"Family {len(families)}")
            families.append(family)
            size = min(rng.choice((1, 1, 2, 2, 3)), students - n)
            kids.extend((len(families) - 1, None) for _ in range(size))  # type: ignore[misc]
            n += size
        session.add_all(families)
        await session.flush()
        session.add_all(
            Parent(school_id=sid, family_id=f.id, key=f"p{i}", name=f"Parent {i}")
            for i, f in enumerate(families)
        )
        rows = [
            Student(school_id=sid, family_id=families[fi].id, key=f"s{i}", name=f"Student {i}")
            for i, (fi, _) in enumerate(kids)
        ]
        session.add_all(rows)
        await session.flush()
        for student in rows:
            for lesson in rng.sample(lessons, 3):
                session.add(Enrolment(lesson_id=lesson.id, student_id=student.id, school_id=sid))
    return sid


async def make_plan(services: Services, school_id: int, seed: int) -> Plan:
    """What the clients know before the rush: who must book what, and every free slot."""
    async with services.sessions() as session:
        parent_of = dict(
            (
                await session.execute(
                    text(
                        "SELECT s.id, min(p.id) FROM students s JOIN parents p "
                        "ON p.family_id = s.family_id WHERE s.school_id = :sid GROUP BY s.id"
                    ),
                    {"sid": school_id},
                )
            ).all()
        )
        enrolled = (
            await session.execute(
                text("SELECT lesson_id, student_id FROM enrolments WHERE school_id = :sid"),
                {"sid": school_id},
            )
        ).all()
    rng = random.Random(seed)
    by_lesson: dict[int, list[int]] = {}
    for lesson_id, student_id in enrolled:
        by_lesson.setdefault(lesson_id, []).append(student_id)
    admin = Actor.admin("bench")
    lesson_weeks = []
    for lesson in await services.directory.lessons(school_id, hybrid_only=True):
        for week in lesson.individual_weeks:
            slots = await services.booking.available_slots(school_id, lesson.id, week, admin)
            students = list(by_lesson.get(lesson.id, []))
            rng.shuffle(students)
            lesson_weeks.append(
                LessonWeek(
                    school_id,
                    lesson.id,
                    lesson.teacher_id,
                    week,
                    students,
                    [s.start_at for s in slots],
                )
            )
    return Plan(parent_of, lesson_weeks)


# ---------------------------------------------------------------------- the rush


@dataclass
class RushResult:
    latencies: list[float] = field(default_factory=list)  # seconds per measured attempt
    warmup_latencies: list[float] = field(default_factory=list)  # the first few per client
    outcomes: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0


async def warm_pool(engine: Any, clients: int) -> None:
    """Open every pooled connection before the clock starts, as a running bot has them.

    pgbench, too, connects all its clients before it measures."""
    conns = [await engine.connect() for _ in range(clients)]
    try:
        for conn in conns:
            await conn.execute(text("SELECT 1"))
    finally:
        for conn in conns:
            await conn.close()


async def rush(
    url: str, plan: Plan, clients: int, seconds: float, seed: int, warmup: int = WARMUP_ATTEMPTS
) -> RushResult:
    engine = make_engine(url, pool_size=clients)
    services = Services.build(make_session_factory(engine), FixedClock(NOW))
    result = RushResult()
    taken: set[tuple[int, datetime]] = set()  # (teacher id, slot start) known to be booked
    booked: set[tuple[int, int, int]] = set()  # (lesson id, student id, week)
    open_weeks = list(plan.lesson_weeks)
    barrier = asyncio.Barrier(clients)
    clock: dict[str, float] = {}

    def first_few(items: list[Any], gone: Any) -> list[Any]:
        """The first PICK_AMONG items not known to be gone; gone ones at the front are dropped."""
        while items and gone(items[0]):
            items.pop(0)
        return list(itertools.islice((i for i in items if not gone(i)), PICK_AMONG))

    async def attempt(rng: random.Random, lw: LessonWeek) -> tuple[str, float] | None:
        students = first_few(lw.students, lambda s: (lw.lesson_id, s, lw.week) in booked)
        slots = first_few(lw.slots, lambda s: (lw.teacher_id, s) in taken)
        if not students or not slots:
            if lw in open_weeks:
                open_weeks.remove(lw)
            return None
        student, start = rng.choice(students), rng.choice(slots)
        actor = Actor.parent(plan.parent_of[student])
        began = time.perf_counter()
        try:
            await services.booking.create_booking(
                lw.school_id, actor, lw.lesson_id, student, lw.week, start
            )
            outcome = "booked"
            booked.add((lw.lesson_id, student, lw.week))
            taken.add((lw.teacher_id, start))
        except SlotTaken:
            outcome = "slot_taken"
            taken.add((lw.teacher_id, start))
        except AlreadyBooked:
            outcome = "already_booked"
            booked.add((lw.lesson_id, student, lw.week))
        except DomainError as exc:
            outcome = f"refused:{type(exc).__name__}"
        except Exception as exc:  # a raw database error is a bug: count it, go on
            outcome = f"error:{type(exc).__name__}"
        return outcome, time.perf_counter() - began

    async def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        for _ in range(warmup):  # not measured: a running bot's connections are warm
            if open_weeks and (done := await attempt(rng, rng.choice(open_weeks))):
                result.warmup_latencies.append(done[1])
        await barrier.wait()
        deadline = clock.setdefault("started", time.perf_counter()) + seconds
        while open_weeks and time.perf_counter() < deadline:
            done = await attempt(rng, rng.choice(open_weeks))
            if done is not None:
                result.outcomes[done[0]] += 1
                result.latencies.append(done[1])

    try:
        await warm_pool(engine, clients)
        await asyncio.gather(*(client(n) for n in range(clients)))
        result.elapsed = time.perf_counter() - clock["started"]
    finally:
        await engine.dispose()
    return result


def _rush_process(url: str, plan: Plan, clients: int, seconds: float, seed: int, start_at: float):
    """One process of ``--processes N``: wait for the common start, then rush."""
    warnings.filterwarnings("ignore")
    time.sleep(max(0.0, start_at - time.time()))
    return asyncio.run(rush(url, plan, clients, seconds, seed))


def run_rush(
    url: str, plan: Plan, clients: int, processes: int, seconds: float, seed: int
) -> RushResult:
    if processes <= 1:
        return asyncio.run(rush(url, plan, clients, seconds, seed))
    shares = [
        clients // processes + (1 if i < clients % processes else 0) for i in range(processes)
    ]
    start_at = time.time() + 2.0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        parts = pool.starmap(
            _rush_process,
            [(url, plan, share, seconds, seed + i, start_at) for i, share in enumerate(shares)],
        )
    merged = RushResult()
    for part in parts:
        merged.latencies += part.latencies
        merged.outcomes += part.outcomes
        merged.elapsed = max(merged.elapsed, part.elapsed)
    return merged


INVARIANTS = {
    "teacher_overlaps": """
        SELECT count(*) FROM bookings a JOIN bookings b
          ON a.teacher_id = b.teacher_id AND a.id < b.id
         AND tstzrange(a.start_at, a.end_at) && tstzrange(b.start_at, b.end_at)
        WHERE a.status <> 'CANCELLED' AND b.status <> 'CANCELLED'""",
    "double_bookings": """
        SELECT count(*) FROM (
          SELECT lesson_id, student_id, week FROM bookings WHERE status <> 'CANCELLED'
          GROUP BY lesson_id, student_id, week HAVING count(*) > 1) AS d""",
}


async def check_invariants(url: str) -> dict[str, int]:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            found = {
                k: int((await conn.execute(text(q))).scalar_one()) for k, q in INVARIANTS.items()
            }
            found["active_bookings"] = int(
                (
                    await conn.execute(
                        text("SELECT count(*) FROM bookings WHERE status <> 'CANCELLED'")
                    )
                ).scalar_one()
            )
            return found
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------- the database


@dataclass
class Server:
    base_url: str  # postgresql+asyncpg:// URL of a database on the server
    embedded: Any = None

    def url(self, database: str) -> str:
        return make_url(self.base_url).set(database=database).render_as_string(hide_password=False)

    def libpq(self) -> tuple[list[str], dict[str, str]]:
        """pgbench's connection arguments and environment."""
        if self.embedded is not None:
            return ["-h", self.embedded.socket_dir, "-U", "postgres"], {}
        url = make_url(self.base_url)
        host = url.query.get("host") or url.host or "localhost"
        args = ["-h", host if isinstance(host, str) else host[0], "-U", url.username or "postgres"]
        if url.port:
            args += ["-p", str(url.port)]
        return args, {"PGPASSWORD": url.password} if url.password else {}

    async def admin(self) -> asyncpg.Connection:
        url = make_url(self.base_url)
        host = url.query.get("host") or url.host or "localhost"
        return await asyncpg.connect(
            user=url.username or "postgres",
            password=url.password,
            host=host if isinstance(host, str) else host[0],
            port=url.port or 5432,
            database=url.database or "postgres",
        )

    async def create(self, name: str) -> str:
        conn = await self.admin()
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    async def drop(self, name: str) -> None:
        conn = await self.admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def version(self) -> str:
        conn = await self.admin()
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()


def pgbench_binary() -> str:
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pgbench"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("pgbench")
    if not found:
        raise SystemExit("error: pgbench not found (pgserver's pginstall/bin or PATH)")
    return found


async def prepare_pgbench_table(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS bench_bookings"))
            await conn.execute(text("CREATE TABLE bench_bookings (LIKE bookings INCLUDING ALL)"))
    finally:
        await engine.dispose()


def run_pgbench(server: Server, database: str, clients: int, seconds: int) -> float:
    args, env = server.libpq()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    try:
        proc = subprocess.run(
            [
                pgbench_binary(),
                *args,
                "-n",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(seconds),
                "-f",
                script.name,
                database,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    match = re.search(r"tps = ([0-9.]+)", proc.stdout)
    if proc.returncode != 0 or not match:
        raise SystemExit(f"error: pgbench failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return float(match.group(1))


# ---------------------------------------------------------------------- one run


@dataclass
class RunNumbers:
    bookings_per_s: float
    attempts_per_s: float
    p50_ms: float
    p99_ms: float
    booked: int
    attempts: int
    slot_taken: int
    already_booked: int
    other: dict[str, int]
    invariants: dict[str, int]
    pgbench_tps: float
    elapsed: float
    warmup_attempts: int
    warmup_p50_ms: float
    warmup_max_ms: float

    @property
    def ratio(self) -> float:
        """Bookings made per second against pgbench's inserts per second."""
        return self.bookings_per_s / self.pgbench_tps if self.pgbench_tps else 0.0

    @property
    def tx_ratio(self) -> float:
        """Transactions against transactions: every attempt is one booking transaction."""
        return self.attempts_per_s / self.pgbench_tps if self.pgbench_tps else 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def prepare(server: Server, schools: int, students: int, seed: int) -> tuple[str, str, Plan]:
    name = f"booking_rush_{uuid.uuid4().hex[:8]}"
    url = await server.create(name)
    engine = make_engine(url, pool_size=2)
    try:
        await migrate(engine)
        sessions = make_session_factory(engine)
        services = Services.build(sessions, FixedClock(NOW))
        plan = Plan({}, [])
        for number in range(schools):  # identical schools on one deployment, rushing at once
            school_id = await build_school(sessions, students, seed + number, number)
            part = await make_plan(services, school_id, seed + number)
            plan.parent_of.update(part.parent_of)
            plan.lesson_weeks += part.lesson_weeks
        async with engine.begin() as conn:  # as autovacuum would have, long before a rush
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    await prepare_pgbench_table(url)
    return name, url, plan


def one_run(server: Server, args: argparse.Namespace, seed: int) -> RunNumbers:
    name, url, plan = asyncio.run(prepare(server, args.schools, args.students, seed))
    try:
        result = run_rush(url, plan, args.clients, args.processes, args.seconds, seed)
        invariants = asyncio.run(check_invariants(url))
        tps = run_pgbench(server, name, args.clients, args.pgbench_seconds)
    finally:
        asyncio.run(server.drop(name))
    outcomes = result.outcomes
    attempts = sum(outcomes.values())
    return RunNumbers(
        bookings_per_s=outcomes["booked"] / result.elapsed,
        attempts_per_s=attempts / result.elapsed,
        p50_ms=percentile(result.latencies, 0.50) * 1000,
        p99_ms=percentile(result.latencies, 0.99) * 1000,
        booked=outcomes["booked"],
        attempts=attempts,
        slot_taken=outcomes["slot_taken"],
        already_booked=outcomes["already_booked"],
        other={
            k: v for k, v in outcomes.items() if k not in ("booked", "slot_taken", "already_booked")
        },
        invariants=invariants,
        pgbench_tps=tps,
        elapsed=result.elapsed,
        warmup_attempts=len(result.warmup_latencies),
        warmup_p50_ms=percentile(result.warmup_latencies, 0.50) * 1000,
        warmup_max_ms=max(result.warmup_latencies, default=0.0) * 1000,
    )


# ---------------------------------------------------------------------- report


def describe(run: RunNumbers) -> str:
    return (
        f"{run.booked} bookings / {run.attempts} attempts in {run.elapsed:.1f} s: "
        f"{run.bookings_per_s:.0f} bookings/s, {run.attempts_per_s:.0f} attempts/s, "
        f"p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms; refused: {run.slot_taken} SlotTaken, "
        f"{run.already_booked} AlreadyBooked, other {run.other or 0}; "
        f"invariants {run.invariants['teacher_overlaps']} overlaps, "
        f"{run.invariants['double_bookings']} double bookings "
        f"({run.invariants['active_bookings']} active); pgbench {run.pgbench_tps:.0f} tps; "
        f"ratio {run.ratio:.3f} (attempts {run.tx_ratio:.3f}); before the clock: "
        f"{run.warmup_attempts} warm-up attempts, p50 {run.warmup_p50_ms:.1f} ms, "
        f"max {run.warmup_max_ms:.1f} ms"
    )


def median(runs: list[RunNumbers], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def report(runs: list[RunNumbers], args: argparse.Namespace, machine: str, pg_version: str) -> None:
    bps, tps = median(runs, "bookings_per_s"), median(runs, "pgbench_tps")
    ratio, p50, p99 = median(runs, "ratio"), median(runs, "p50_ms"), median(runs, "p99_ms")
    aps, tx_ratio = median(runs, "attempts_per_s"), median(runs, "tx_ratio")
    violations = sum(
        r.invariants["teacher_overlaps"] + r.invariants["double_bookings"] for r in runs
    )
    errors = sum(sum(r.other.values()) for r in runs)
    ratio_ok, p99_ok = ratio >= RATIO_TARGET, p99 < P99_TARGET_MS
    tx_ok = tx_ratio >= RATIO_TARGET
    if not args.markdown:
        for n, run in enumerate(runs, 1):
            print(f"run {n}: {describe(run)}")
        print(
            f"median of {len(runs)}: {bps:.0f} bookings/s, {aps:.0f} attempts/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, pgbench {tps:.0f} tps, ratio {ratio:.3f} "
            f"(target >= {RATIO_TARGET}: {'met' if ratio_ok else 'NOT met'}), "
            f"attempts ratio {tx_ratio:.3f} ({'met' if tx_ok else 'NOT met'}; "
            f"p99 < {P99_TARGET_MS:.0f} ms: {'met' if p99_ok else 'NOT met'}); "
            f"invariant violations {violations}, unexpected errors {errors}"
        )
        return
    command = "python benchmarks/booking_rush.py --markdown"
    if args.processes > 1:
        command += f" --processes {args.processes}"
    print("## Booking rush (issue 2)\n")
    print(f"Command: `{command}` ({len(runs)} runs, medians below).\n")
    print(f"Machine: {machine}; PostgreSQL {pg_version} (embedded, pgserver).\n")
    print(
        f"School: {args.schools} x {args.students} students, 4 teachers, 12 hybrid lessons with "
        f"15-minute slots; {args.clients} clients in {args.processes} process(es), each picking among the first "
        f"{PICK_AMONG} waiting students and free slots; pgbench `-c {args.clients} -j 2 "
        f"-T {args.pgbench_seconds}` inserting into `LIKE bookings INCLUDING ALL`. "
        f"The clock starts once every client has made {WARMUP_ATTEMPTS} unmeasured attempts "
        "(a running bot's connections and prepared statements are warm; pgbench, too, "
        "connects before it measures).\n"
    )
    print("| metric | median | target |")
    print("| --- | ---: | --- |")
    print(f"| bookings/s | {bps:.0f} | |")
    print(f"| attempts/s | {aps:.0f} | |")
    print(f"| latency per attempt p50 | {p50:.1f} ms | |")
    print(
        f"| latency per attempt p99 | {p99:.1f} ms | < {P99_TARGET_MS:.0f} ms: {'met' if p99_ok else 'not met'} |"
    )
    print(f"| pgbench tps (insert) | {tps:.0f} | |")
    print(
        f"| bookings/s ÷ pgbench tps | {ratio:.3f} | >= {RATIO_TARGET}: {'met' if ratio_ok else 'not met'} |"
    )
    print(
        f"| attempts/s ÷ pgbench tps (transactions ÷ transactions) | {tx_ratio:.3f} | >= {RATIO_TARGET}: {'met' if tx_ok else 'not met'} |"
    )
    print(
        f"| warm-up attempts (cold pool) p50 / max | {median(runs, 'warmup_p50_ms'):.1f} / {median(runs, 'warmup_max_ms'):.1f} ms | |"
    )
    print(
        f"| refused SlotTaken / AlreadyBooked | {median(runs, 'slot_taken'):.0f} / {median(runs, 'already_booked'):.0f} | |"
    )
    print(f"| invariant violations (overlaps, double bookings) | {violations} | 0 |")
    print(f"| unexpected errors | {errors} | 0 |")
    print()
    for n, run in enumerate(runs, 1):
        print(f"- run {n}: {describe(run)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--schools", type=int, default=1, help="identical schools rushing")
    parser.add_argument("--students", type=int, default=400, help="per school")
    parser.add_argument("--seconds", type=float, default=15.0, help="cap on each rush")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--markdown", action="store_true", help="print a docs section")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="platformdirs")
    machine = (
        f"{os.cpu_count()} CPU ({platform.machine()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    tmp = None
    if args.database_url:
        url = args.database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
        server = Server(url)
    else:
        from bot.embedded_db import start_embedded

        tmp = tempfile.mkdtemp(prefix="booking-rush-")
        embedded = start_embedded(Path(tmp), cleanup_mode="delete")
        server = Server(embedded.url("postgres"), embedded)
    try:
        pg_version = asyncio.run(server.version())
        runs = [one_run(server, args, args.seed + n) for n in range(args.runs)]
    finally:
        if server.embedded is not None:
            server.embedded.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    report(runs, args, machine, pg_version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
