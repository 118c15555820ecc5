"""A term's worth of messages for N families at once (issue 14): run through reminder_fanout.

``python benchmarks/reminder_fanout.py --term [--families 10000]`` (``--scenario term``).
N families in lessons of 80 (N/80 teachers, one hybrid lesson each, individual weeks 4 and
5, Monday 09:00-18:45 in 15-minute slots, bookings open since Monday of week 1): 40 of each
lesson are booked in both weeks, 40 wait on week 5's list (joined in an order that is not
their ids'), and 10 of the week-5 bookings of each lesson are cancelled (the bookings
trigger writes the outbox). The school file: ``before_session: [24h, 2h]``,
``teacher_agenda: "18:00"``, ``admin_digest_after_days: 3`` (one admin in chat), not-booked
rounds off (their own scenario). Every tick runs what the bot's scheduler runs, through the
production notifier (one pacer for all) against the local Bot API server enforcing 30/s
overall and 1/s per chat: the session sweep then the waitlist sweep (one job), beside the
not-booked sweep (the other job, which sends the digests: one message for the admin, in
parts under Telegram's 4,096 characters).

Offers stand 12 hours (``WAITLIST_OFFER_MINUTES=720``). Phase 1, Sunday 19:00 (after an
outage since the morning): the 24-hour reminders of every Monday session, every teacher's
agenda, every admin digest and the first waitlist offers (10 a lesson), all due at once;
then a repeat tick. Phase 2, Monday 07:00-18:45 every 15 minutes: the 2-hour reminders; at
07:00 (repeated once) with the second round of offers, the first having expired. Expected per chat: 2 per booked parent, 1 per teacher, the digest message's parts to the admin,
and one per offer made to the waiting parents (checked against the offers table; the order
of the offers is the integration tests' business). The set-based offer statements are
timed and counted (``prepare_offers``, called just before each tick's sweeps).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from benchmarks.fanout_setup import (
    FAMILIES_SQL,
    TEACHER_LESSONS_SQL,
    bench_database,
    load_average,
    outcome,
    peak_rss_mb,
    run_sql,
    start_bot,
)
from bot.reminders import wire_reminders
from core.clock import FixedClock
from core.db.engine import make_session_factory
from core.reminders import service as core
from core.reminders.agenda import due_agendas
from core.reminders.digest import due_digests
from core.reminders.service import NOT_BOOKED, SESSION
from core.services import Services
from core.waitlist.offers import prepare_offers
from handlers.reminder_texts import split
from scheduler.sweeps import run_sweep

PER_LESSON = 80  # 40 booked, 40 waiting
BOOKED = 40  # 09:00-18:45 in 15-minute slots
CANCELLED = 10  # week-5 bookings of each lesson cancelled: the freed slots
FIRST_CHAT = 10_000_000
TEACHER_CHAT = 20_000_000
ADMIN_CHAT = 30_000_001
OFFER_FOR = timedelta(hours=12)  # round 1 Sunday 19:00, round 2 Monday 07:00
CEILING = 30.0  # the Bot API's global limit
PACING = 28.8  # the notifier's
NOW = datetime(2027, 1, 20, 1, 0, tzinfo=UTC)
MONDAY4_09 = datetime(2027, 2, 21, 22, 0, tzinfo=UTC)  # Monday 22 Feb 09:00 in Sydney
SUNDAY_19 = datetime(2027, 2, 21, 8, 0, tzinfo=UTC)  # Sunday 21 Feb 19:00 in Sydney

TERM_SQL = [
    "INSERT INTO schools (id, key, name, timezone, reminders) VALUES (1, 'bench',"
    ' \'Bench School\', \'Australia/Sydney\', \'{"before_session": ["24h", "2h"],'
    ' "teacher_agenda": "18:00", "admin_digest_after_days": 3,'
    ' "not_booked": {"enabled": false}}\')',
    "INSERT INTO admins (id, school_id, key, name, telegram_id)"
    " VALUES (1, 1, 'office', 'Office', :admin_chat)",
    *TEACHER_LESSONS_SQL,
    # open since Monday of week 1, 09:00 in Sydney
    "INSERT INTO hybrid_patterns (lesson_id, school_id, individual_weeks, slot_minutes,"
    " bookings_open, opened_at) SELECT g, 1, ARRAY[4, 5], 15, true,"
    " timestamptz '2027-01-31 22:00+00' FROM generate_series(1, :t) g",
    "INSERT INTO availability_windows (lesson_id, day, start_time, end_time)"
    " SELECT g, 0, '09:00', '19:00' FROM generate_series(1, :t) g",
    *FAMILIES_SQL,
    "INSERT INTO enrolments (lesson_id, student_id, school_id)"
    " SELECT (g - 1) / :per + 1, g, 1 FROM generate_series(1, :n) g",
    # the first 40 of each lesson: booked in weeks 4 and 5, slot by slot
    "INSERT INTO bookings (school_id, lesson_id, student_id, teacher_id, week, start_at,"
    " end_at, status, booked_by, sequence, created_at, updated_at)"
    " SELECT 1, (g - 1) / :per + 1, g, (g - 1) / :per + 1, w,"
    " CAST(:monday AS timestamptz) + (w - 4) * interval '7 days'"
    "   + ((g - 1) % :per) * interval '15 minutes',"
    " CAST(:monday AS timestamptz) + (w - 4) * interval '7 days'"
    "   + ((g - 1) % :per + 1) * interval '15 minutes',"
    " 'CONFIRMED', 'bench', 0, :now, :now"
    " FROM generate_series(1, :n) g, unnest(ARRAY[4, 5]) w WHERE (g - 1) % :per < :booked",
    # the other 40 wait for week 5, joined in an order (7 * place mod 40) that is not their ids'
    "INSERT INTO waitlist_entries (school_id, lesson_id, week, student_id, parent_id,"
    " joined_by, joined_at) SELECT 1, (g - 1) / :per + 1, 5, g, g, 'bench',"
    " CAST(:now AS timestamptz) + ((7 * ((g - 1) % :per)) % :booked) * interval '1 minute'"
    " FROM generate_series(1, :n) g WHERE (g - 1) % :per >= :booked",
    # 10 of each lesson's week-5 bookings cancelled: the trigger writes the freed slots
    "UPDATE bookings SET status = 'CANCELLED', cancelled_by = 'bench', updated_at = :now"
    " WHERE week = 5 AND (student_id - 1) % :per < :cancelled",
    "ANALYZE",
]


class StatementCounter:
    """SQL statements the engine runs while it is on (the sessions' ones)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self.on = False

        def count(*_: Any) -> None:
            if self.on:
                self.count += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)


async def timed(counter: StatementCounter, work: Any) -> tuple[Any, float, int]:
    counter.count, counter.on = 0, True
    started = time.perf_counter()
    try:
        result = await work
    finally:
        counter.on = False
    return result, time.perf_counter() - started, counter.count


def term_params(families: int, lessons: int) -> dict[str, Any]:
    return {
        "n": families, "t": lessons, "per": PER_LESSON, "booked": BOOKED,
        "cancelled": CANCELLED, "first": FIRST_CHAT, "teacher_chat": TEACHER_CHAT,
        "admin_chat": ADMIN_CHAT, "monday": MONDAY4_09, "now": NOW,
    }  # fmt: skip


async def run_term(families: int, workers: int) -> dict[str, float | int | str]:
    lessons = max(1, families // PER_LESSON)
    families = lessons * PER_LESSON
    load_before = load_average()
    params = term_params(families, lessons)
    out: dict[str, float | int | str] = {"scenario": "term", "families": families}
    # the two jobs' workers at once
    async with bench_database(2 * workers + 8) as bench:
        engine = bench.engine
        counter = StatementCounter(engine)
        out["insert_s"] = round(await run_sql(engine, TERM_SQL, params), 2)
        clock = FixedClock(SUNDAY_19)
        services, application = await start_bot(bench, clock)
        services.waitlist.offer_for = OFFER_FOR  # WAITLIST_OFFER_MINUTES=720
        wiring = wire_reminders(application)
        notifier = wiring.notifier
        sessions = services.sessions

        # what each sweep's planning costs at the burst (read-only; the sweeps redo it)
        for label, finder in (
            ("plan_sessions", core.due_sessions),
            ("plan_agendas", due_agendas),
            ("plan_digests", due_digests),
        ):
            listed, seconds, statements = await timed(counter, finder(sessions, clock.now()))
            if finder is due_digests:
                admin_parts = sum(len(notifier.split(r)) for r in listed)
                out["digest_parts"] = admin_parts
            out[f"{label}_s"] = round(seconds, 3)
            out[f"{label}_due"] = len(listed)
            out[f"{label}_statements"] = statements

        offers_made: list[int] = []
        offer_s: list[float] = []
        offer_statements: list[int] = []

        async def tick() -> int:
            """What the scheduler runs at one moment; messages sent."""
            made, seconds, statements = await timed(
                counter,
                prepare_offers(sessions, services.booking, clock.now(), services.waitlist.offer_for),
            )  # fmt: skip
            offers_made.append(made)
            offer_s.append(seconds)
            offer_statements.append(statements)

            async def session_job() -> int:
                report = await run_sweep(sessions, notifier, clock, SESSION, workers=workers)
                offers = await wiring.waitlist_sweep()
                return (report.sent if report else 0) + (offers.sent if offers else 0)

            async def not_booked_job() -> int:
                report = await run_sweep(sessions, notifier, clock, NOT_BOOKED, workers=workers)
                return report.sent if report else 0

            return sum(await asyncio.gather(session_job(), not_booked_job()))

        started = time.perf_counter()
        burst = await tick()
        burst_s = time.perf_counter() - started
        repeats = await tick()
        step = MONDAY4_09 - timedelta(hours=2)
        day_sent = 0
        day_started = time.perf_counter()
        while step < MONDAY4_09 + timedelta(minutes=15 * BOOKED):
            clock.set(step)
            sent_now = await tick()
            day_sent += sent_now
            if step == MONDAY4_09 - timedelta(hours=2):  # the 2-hour burst and round 2
                out["monday_07_sent"] = sent_now
                out["monday_07_s"] = round(time.perf_counter() - day_started, 1)
                repeats += await tick()
            step += timedelta(minutes=15)
        day_s = time.perf_counter() - day_started
        total_s = time.perf_counter() - started
        await application.shutdown()
        await wiring.notifier.close()
        metrics = bench.api.metrics()
        async with engine.connect() as conn:
            kinds = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT kind || ':' || status, count(*) FROM sent_reminders"
                            " GROUP BY 1 ORDER BY 1"
                        )
                    )
                ).all()
            )
            offer_chats = Counter(
                str(chat)
                for chat in (
                    await conn.execute(
                        text(
                            "SELECT p.telegram_id FROM waitlist_offers o"
                            " JOIN waitlist_entries e ON e.id = o.entry_id"
                            " JOIN parents p ON p.id = e.parent_id"
                        )
                    )
                ).scalars()
            )
    expected: Counter[str] = Counter()
    for g in range(1, families + 1):
        if (g - 1) % PER_LESSON < BOOKED:
            expected[str(FIRST_CHAT + g)] = 2  # 24 hours and 2 hours before
    for g in range(1, lessons + 1):
        expected[str(TEACHER_CHAT + g)] = 1  # the evening agenda
    expected[str(ADMIN_CHAT)] = admin_parts  # one digest message, in parts under 4096
    expected.update(offer_chats)
    sent = burst + repeats + day_sent
    out.update(
        {
            "lessons": lessons,
            "expected_messages": sum(expected.values()),
            "burst_sent": burst,
            "burst_s": round(burst_s, 1),
            "burst_rate": round(burst / burst_s, 2),
            "burst_vs_ceiling": round(burst / burst_s / CEILING, 3),
            "offers_made": "/".join(str(m) for m in offers_made if m),
            "offer_sweep_s": "/".join(f"{s:.3f}" for s in offer_s[:3]),
            "offer_sweep_statements": max(offer_statements),
            "day_sent": day_sent,
            "day_s": round(day_s, 1),
            "sent": sent,
            "total_s": round(total_s, 1),
            "rate": round(sent / total_s, 2),
            **outcome(metrics, expected, notifier, repeats),
            "log": str(kinds),
            "peak_rss_mb": peak_rss_mb(),
            "load_before": load_before,
            "load_after": load_average(),
        }
    )
    return out


async def run_offer_rounds(families: int, rounds: int) -> dict[str, float | int | str]:
    """The offer sweep alone, round after round on the term above (no messages): each round
    every standing offer has expired and the next families are offered, so the offers'
    history grows by N/8 a round. Times and counts the statements of each round."""
    lessons = max(1, families // PER_LESSON)
    families = lessons * PER_LESSON
    params = term_params(families, lessons)
    made: list[int] = []
    seconds: list[float] = []
    statements: list[int] = []
    load_before = load_average()
    async with bench_database(4, bot_api=False) as bench:
        engine = bench.engine
        counter = StatementCounter(engine)
        await run_sql(engine, TERM_SQL, params)
        clock = FixedClock(NOW + timedelta(days=1))
        services = Services.build(make_session_factory(engine), clock)
        for _ in range(rounds):
            count, spent, ran = await timed(
                counter, prepare_offers(services.sessions, services.booking, clock.now())
            )
            made.append(count)
            seconds.append(spent)
            statements.append(ran)
            clock.advance(timedelta(hours=2, minutes=1))
        async with engine.connect() as conn:
            history = int(await conn.scalar(text("SELECT count(*) FROM waitlist_offers")) or 0)
    return {
        "scenario": "offer-rounds",
        "families": families,
        "freed_slots": lessons * CANCELLED,
        "rounds": rounds,
        "offers_made": "/".join(str(m) for m in made[:5]) + f" ... {made[-1]}",
        "offers_in_history": history,
        "first_round_s": round(seconds[0], 3),
        "median_round_s": round(sorted(seconds)[len(seconds) // 2], 3),
        "last_round_s": round(seconds[-1], 3),
        "max_statements": max(statements),
        "load_before": load_before,
        "load_after": load_average(),
    }  # fmt: skip


async def run_digest_plans(families: int, repeats: int) -> dict[str, float | int | str]:
    """The admins' digest planning alone, on the term above at the burst (nothing sent):
    ``repeats`` plans with every digest due, then ``repeats`` once each planned digest is
    marked SENT (what every later sweep of the booking period costs). Times (wall and this
    process's CPU) and counts the statements of each plan; medians."""
    lessons = max(1, families // PER_LESSON)
    families = lessons * PER_LESSON
    params = term_params(families, lessons)
    load_before = load_average()
    out: dict[str, float | int | str] = {"scenario": "digest-plans", "families": families}
    async with bench_database(4, bot_api=False) as bench:
        engine = bench.engine
        counter = StatementCounter(engine)
        await run_sql(engine, TERM_SQL, params)
        sessions = make_session_factory(engine)
        listed: list[Any] = []
        for phase in ("due", "settled"):
            walls: list[float] = []
            cpus: list[float] = []
            ran: list[int] = []
            for _ in range(repeats):
                cpu = time.process_time()
                listed, spent, statements = await timed(counter, due_digests(sessions, SUNDAY_19))
                cpus.append(time.process_time() - cpu)
                walls.append(spent)
                ran.append(statements)
            keys = [k for r in listed for k in (r.key, *getattr(r, "covers", ()))]
            out[f"{phase}_messages"] = len(listed)
            out[f"{phase}_parts"] = sum(len(split(r)) for r in listed)  # under 4096 each
            out[f"{phase}_lessons_covered"] = len(keys)
            out[f"{phase}_median_s"] = round(sorted(walls)[len(walls) // 2], 4)
            out[f"{phase}_median_cpu_s"] = round(sorted(cpus)[len(cpus) // 2], 4)
            out[f"{phase}_statements"] = "/".join(str(n) for n in sorted(set(ran)))
            if phase == "due":  # mark them SENT, as the sweep would have
                async with engine.begin() as conn:
                    await conn.execute(
                        text(
                            "INSERT INTO sent_reminders (school_id, dedupe_key, kind, status,"
                            " created_at, sent_at, attempts) SELECT 1, k, 'digest', 'SENT',"
                            " :at, :at, 1 FROM unnest(CAST(:keys AS text[])) k"
                        ),
                        {"keys": keys, "at": SUNDAY_19},
                    )
    out["load_before"] = load_before
    out["load_after"] = load_average()
    return out
