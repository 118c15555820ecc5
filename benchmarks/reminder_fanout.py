"""Benchmark the not-booked reminder fan-out against Telegram's flood limits.

Run ``python benchmarks/reminder_fanout.py`` (``--families N``, default 10000). Builds a
generated school (one open hybrid lesson, N families of one parent and one child, bulk
inserted with SQL) on ``TEST_DATABASE_URL`` or a throwaway embedded PostgreSQL, starts the
local Bot API server enforcing ``FloodLimits(30/s overall, 1/s per chat)`` (429 with
``retry_after`` when exceeded), and runs one not-booked sweep through the production path:
the Application's notifier (``bot.reminders.notifier_for``: its own paced Bot).

Reports messages/s sustained, 429s received, duplicates and lost messages (deliveries per
chat from the server's metrics against the expected set), and peak memory.
Target: >= 28 messages/s, no duplicates, none lost.

``--scenario waitlist``: waitlist offers instead (:func:`run_waitlist`). N lessons of one
family each (their own teacher, so no slot of one overlaps another's), every family on its
lesson's week-4 waitlist and one freed slot per lesson in the outbox, as the bookings
trigger writes it; one waitlist sweep makes the N offers (``prepare_offers``) and sends them
through the production notifier; a second sweep must send nothing.

``--scenario leadtimes`` (issue 14 item 5): a term's lead-time reminders and teachers'
agendas at once. N families each with one booked individual session (Monday of week 4,
09:00-18:45 in 15-minute slots, 40 per teacher, so N/40 teachers), the school file's
``before_session: [24h, 2h]`` and ``teacher_agenda: "18:00"``. Phase 1, Sunday 19:00 after
an outage since the morning: every 24-hour reminder and every agenda due in one sweep.
Phase 2, Monday 07:00-18:45 every 15 minutes: the 2-hour reminders, sweep after sweep,
with a repeat sweep at each instant. Expected: 2 messages per parent, 1 per teacher.

``--term`` (issue 14): a term's reminders, agendas, digests and offers at once, every sweep
through one notifier; benchmarks/term_fanout.py says what (``--offer-rounds R``: offers only;
``--digest-plans R``: the admins' digest planning only).
"""

# ruff: noqa: E402 (imports follow the sys.path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the stdlib ``calendar`` (imported by httpx): drop the
# script's own folder from the import path and add the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import asyncio
import logging
import platform
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.fanout_setup import (
    FAMILIES_SQL,
    TEACHER_LESSONS_SQL,
    bench_database,
    outcome,
    peak_rss_mb,
    run_sql,
    start_bot,
)
from bot.reminders import notifier_for
from core.clock import FixedClock
from core.reminders import service as core
from core.reminders.service import NOT_BOOKED, SESSION
from scheduler.sweeps import run_sweep

NOW = datetime(2027, 1, 20, 1, 0, tzinfo=UTC)  # Wednesday 12:00 in Sydney: inside the window
FIRST_CHAT = 10_000_000
TARGET_RATE = 28.0

SCHOOL_SQL = [
    "INSERT INTO schools (id, key, name, timezone, reminders) VALUES"
    " (1, 'bench', 'Bench School', 'Australia/Sydney', '{}')",
    "INSERT INTO teachers (id, school_id, key, name) VALUES (1, 1, 't', 'Terry Teacher')",
    "INSERT INTO locations (id, school_id, key, name) VALUES (1, 1, 'main', 'Main Studio')",
    "INSERT INTO rooms (id, school_id, location_id, key, name) VALUES (1, 1, 1, 'r1', 'Room 1')",
    "INSERT INTO terms (id, school_id, key, name, start_date, weeks)"
    " VALUES (1, 1, 't1', 'Term 1', '2027-02-01', 10)",
    "INSERT INTO lessons (id, school_id, key, name, type, term_id, teacher_id, location_id,"
    " room_id, day, start_time, duration_minutes) VALUES (1, 1, 'piano', 'Piano Foundations',"
    " 'HYBRID', 1, 1, 1, 1, 0, '16:00', 60)",
    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks, slot_minutes,"
    " bookings_open, opened_at) VALUES (1, 1, ARRAY[4, 8], 15, true, :now)",
    "INSERT INTO availability_windows (lesson_id, day, start_time, end_time)"
    " VALUES (1, 0, '09:00', '21:00')",
    *FAMILIES_SQL,
    "INSERT INTO enrolments (lesson_id, student_id, school_id)"
    " SELECT 1, g, 1 FROM generate_series(1, :n) g",
]


async def build_school(engine: AsyncEngine, families: int) -> float:
    return await run_sql(engine, SCHOOL_SQL, {"n": families, "now": NOW, "first": FIRST_CHAT})


async def run(families: int, workers: int, rate: float | None) -> dict[str, float | int | str]:
    async with bench_database(workers + 4) as bench:
        insert_s = await build_school(bench.engine, families)
        clock = FixedClock(NOW)
        services, application = await start_bot(bench, clock)
        notifier = notifier_for(application)
        if rate:
            notifier.pacer.interval = 1.0 / rate
        started = time.perf_counter()
        due = await core.due_not_booked(services.sessions, clock.now())
        plan_s = time.perf_counter() - started
        assert len(due) == families, f"expected {families} reminders due, got {len(due)}"
        started = time.perf_counter()
        report = await run_sweep(services.sessions, notifier, clock, NOT_BOOKED, workers=workers)
        sweep_s = time.perf_counter() - started
        assert report is not None
        again = await run_sweep(services.sessions, notifier, clock, NOT_BOOKED, workers=workers)
        await application.shutdown()
        metrics = bench.api.metrics()
        log = await core.log_counts(services.sessions)
    expected = {str(FIRST_CHAT + g): 1 for g in range(1, families + 1)}
    return {
        "families": families,
        "insert_s": round(insert_s, 2),
        "plan_s": round(plan_s, 2),
        "sweep_s": round(sweep_s, 1),
        "sent": report.sent,
        "failed": report.failed,
        "rate": round(report.sent / sweep_s, 2),
        **outcome(metrics, expected, notifier, again.sent if again else -1),
        "log": str(log),
        "peak_rss_mb": peak_rss_mb(),
    }


WAITLIST_SQL = [
    *SCHOOL_SQL[:5],  # the school, a teacher, the location, room and term
    "INSERT INTO teachers (id, school_id, key, name)"
    " SELECT g + 1, 1, 't' || g, 'Teacher ' || g FROM generate_series(1, :n) g",
    "INSERT INTO lessons (id, school_id, key, name, type, term_id, teacher_id, location_id,"
    " room_id, day, start_time, duration_minutes) SELECT g, 1, 'l' || g, 'Lesson ' || g,"
    " 'HYBRID', 1, g + 1, 1, 1, 0, '16:00', 60 FROM generate_series(1, :n) g",
    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks, slot_minutes,"
    " bookings_open, opened_at) SELECT g, 1, ARRAY[4], 30, true, :now"
    " FROM generate_series(1, :n) g",
    "INSERT INTO availability_windows (lesson_id, day, start_time, end_time)"
    " SELECT g, 0, '09:00', '10:00' FROM generate_series(1, :n) g",
    *FAMILIES_SQL,
    "INSERT INTO enrolments (lesson_id, student_id, school_id)"
    " SELECT g, g, 1 FROM generate_series(1, :n) g",
    "INSERT INTO waitlist_entries (school_id, lesson_id, week, student_id, parent_id,"
    " joined_by, joined_at) SELECT 1, g, 4, g, g, 'bench', :now FROM generate_series(1, :n) g",
    # Monday of week 4 (2027-02-22) 09:00 in Sydney is 2027-02-21 22:00 UTC
    "INSERT INTO waitlist_freed_slots (school_id, lesson_id, week, start_at, end_at, freed_at)"
    " SELECT 1, g, 4, '2027-02-21 22:00+00', '2027-02-21 22:30+00', :now"
    " FROM generate_series(1, :n) g",
]


async def run_waitlist(
    families: int, workers: int, rate: float | None
) -> dict[str, float | int | str]:
    """Waitlist offers for ``families`` families at once: made, sent once, paced."""
    from core.waitlist.offers import prepare_offers
    from scheduler.waitlist import run_waitlist_sweep

    async with bench_database(workers + 4) as bench:
        params = {"n": families, "now": NOW, "first": FIRST_CHAT}
        insert_s = await run_sql(bench.engine, WAITLIST_SQL, params)
        clock = FixedClock(NOW)
        services, application = await start_bot(bench, clock)
        notifier = notifier_for(application)
        if rate:
            notifier.pacer.interval = 1.0 / rate
        started = time.perf_counter()
        made = await prepare_offers(services.sessions, services.booking, clock.now())
        plan_s = time.perf_counter() - started
        assert made == families, f"expected {families} offers, got {made}"
        started = time.perf_counter()
        report = await run_waitlist_sweep(
            services.sessions, services.booking, notifier, clock, workers=workers
        )
        sweep_s = time.perf_counter() - started
        assert report is not None
        again = await run_waitlist_sweep(
            services.sessions, services.booking, notifier, clock, workers=workers
        )
        await application.shutdown()
        metrics = bench.api.metrics()
        log = await core.log_counts(services.sessions)
    expected = {str(FIRST_CHAT + g): 1 for g in range(1, families + 1)}
    return {
        "scenario": "waitlist",
        "families": families,
        "insert_s": round(insert_s, 2),
        "offers_made_s": round(plan_s, 2),
        "sweep_s": round(sweep_s, 1),
        "sent": report.sent,
        "failed": report.failed,
        "rate": round(report.sent / sweep_s, 2),
        **outcome(metrics, expected, notifier, again.sent if again else -1),
        "log": str(log),
        "peak_rss_mb": peak_rss_mb(),
    }


LEAD_TEACHER_CHAT = 20_000_000
PER_TEACHER = 40  # 09:00-18:45 in 15-minute slots
SUNDAY_19 = datetime(2027, 2, 21, 8, 0, tzinfo=UTC)  # Sunday 21 Feb 19:00 in Sydney
MONDAY_09 = datetime(2027, 2, 21, 22, 0, tzinfo=UTC)  # Monday 22 Feb 09:00 in Sydney

LEAD_SQL = [
    "INSERT INTO schools (id, key, name, timezone, reminders) VALUES (1, 'bench',"
    " 'Bench School', 'Australia/Sydney',"
    """ '{"before_session": ["24h", "2h"], "teacher_agenda": "18:00"}')""",
    *TEACHER_LESSONS_SQL,
    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks, slot_minutes,"
    " bookings_open) SELECT g, 1, ARRAY[4], 15, false FROM generate_series(1, :t) g",
    *FAMILIES_SQL,
    "INSERT INTO enrolments (lesson_id, student_id, school_id)"
    " SELECT (g - 1) / :per + 1, g, 1 FROM generate_series(1, :n) g",
    "INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id, week, start_at,"
    " end_at, status, booked_by, sequence, created_at, updated_at)"
    " SELECT 1, (g - 1) / :per + 1, g, (g - 1) / :per + 1, 4,"
    " CAST(:monday AS timestamptz) + ((g - 1) % :per) * interval '15 minutes',"
    " CAST(:monday AS timestamptz) + ((g - 1) % :per + 1) * interval '15 minutes',"
    " 'CONFIRMED', 'bench', 0, :now, :now FROM generate_series(1, :n) g",
]


async def run_leadtimes(families: int, workers: int) -> dict[str, float | int | str]:
    """A term's lead-time reminders and agendas for N families at once (see the docstring)."""
    teachers = -(-families // PER_TEACHER)
    params = {
        "n": families, "t": teachers, "per": PER_TEACHER, "first": FIRST_CHAT,
        "teacher_chat": LEAD_TEACHER_CHAT, "monday": MONDAY_09, "now": NOW,
    }  # fmt: skip
    async with bench_database(workers + 4) as bench:
        insert_s = await run_sql(bench.engine, LEAD_SQL, params)
        clock = FixedClock(SUNDAY_19)
        services, application = await start_bot(bench, clock)
        notifier = notifier_for(application)
        sent = repeats = 0
        started = time.perf_counter()
        burst = await run_sweep(services.sessions, notifier, clock, SESSION, workers=workers)
        burst_s = time.perf_counter() - started
        assert burst is not None
        sent += burst.sent
        again = await run_sweep(services.sessions, notifier, clock, SESSION, workers=workers)
        repeats += again.sent if again else 0
        step = MONDAY_09 - timedelta(hours=2)
        day_started = time.perf_counter()
        while step < MONDAY_09 + timedelta(minutes=15 * PER_TEACHER):
            clock.set(step)
            report = await run_sweep(services.sessions, notifier, clock, SESSION, workers=workers)
            sent += report.sent if report else 0
            again = await run_sweep(services.sessions, notifier, clock, SESSION, workers=workers)
            repeats += again.sent if again else 0
            step += timedelta(minutes=15)
        day_s = time.perf_counter() - day_started
        total_s = time.perf_counter() - started
        await application.shutdown()
        metrics = bench.api.metrics()
        log = await core.log_counts(services.sessions)
    expected = {str(FIRST_CHAT + g): 2 for g in range(1, families + 1)}
    expected |= {str(LEAD_TEACHER_CHAT + g): 1 for g in range(1, teachers + 1)}
    return {
        "scenario": "leadtimes",
        "families": families,
        "teachers": teachers,
        "insert_s": round(insert_s, 2),
        "burst_sent": burst.sent,
        "burst_s": round(burst_s, 1),
        "burst_rate": round(burst.sent / burst_s, 2),
        "day_s": round(day_s, 1),
        "sent": sent,
        "total_s": round(total_s, 1),
        "rate": round(sent / total_s, 2),
        **outcome(metrics, expected, notifier, repeats),
        "log": str(log),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--rate", type=float, help="override the notifier's messages/s")
    scenarios = ("not-booked", "waitlist", "leadtimes", "term")
    parser.add_argument("--scenario", choices=scenarios, default="not-booked")
    parser.add_argument("--term", action="store_true", help="the same as --scenario term")
    parser.add_argument("--offer-rounds", type=int, metavar="R", help="with --term: only the"
                        " offer sweep, R rounds on the same term, nothing sent")  # fmt: skip
    parser.add_argument("--digest-plans", type=int, metavar="R", help="with --term: only the"
                        " admins' digest planning, R times due then R times settled")  # fmt: skip
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    term = args.term or args.scenario == "term"
    if term:  # its own module (benchmarks/term_fanout.py)
        from benchmarks.term_fanout import run_digest_plans, run_offer_rounds, run_term

        rounds = args.offer_rounds
        work = (
            run_offer_rounds(args.families, rounds)
            if rounds
            else run_digest_plans(args.families, args.digest_plans)
            if args.digest_plans
            else run_term(args.families, args.workers)
        )
        result = asyncio.run(work)
    elif args.scenario == "leadtimes":
        result = asyncio.run(run_leadtimes(args.families, args.workers))
    elif args.scenario == "waitlist":
        result = asyncio.run(run_waitlist(args.families, args.workers, args.rate))
    else:
        result = asyncio.run(run(args.families, args.workers, args.rate))
    print(f"python {platform.python_version()} on {platform.machine()}")
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    if term and (args.offer_rounds or args.digest_plans):
        return 0  # nothing was sent
    rate = result["burst_rate"] if term else result["rate"]  # the term's: its burst
    ok = (
        float(rate) >= TARGET_RATE
        and result["duplicates"] == 0
        and result["lost"] == 0
        and result["second_sweep_sent"] == 0
        and result.get("unexpected", 0) == 0
    )
    print("PASS" if ok else "FAIL", f"(target >= {TARGET_RATE} msg/s, no duplicates, none lost)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
