"""Benchmark the whole bot: many parents booking through Telegram at once, against an echo bot.

Run ``python benchmarks/bot_throughput.py`` (``--parents 100 --runs 3`` by default). It starts a
throwaway PostgreSQL (the tests' embedded server), builds a school of ``--parents``
linked parents (one child each) spread over 10 teachers, each with one hybrid lesson whose
individual week 4 has 48 slots of 15 minutes (Mon-Wed 15:00-19:00), and a local Bot API server on 127.0.0.1.

Then, in the same run and on the same server, with the same PTB settings (long polling,
``concurrent_updates=32``, ``bot.app.CONNECTION_POOL_SIZE`` connections, no rate limiter):

* the **echo bot** (a minimal PTB Application: echoes a message with one button; answers a
  button press and edits the message): every simulated user sends one message and presses
  three buttons. It runs twice: on python-telegram-bot's default HTTP stack (httpx over
  httpcore) and on musicbot's (``bot.app.bot_request``: httpx over aiohttp's pool);
* **musicbot** (``bot.app.build_application``): every parent sends ``/book`` (one child and
  one lesson, so the week list comes straight back), presses week 4, a slot of its own (no
  collisions) and Confirm, which books and sends the .ics file.

Both: 4 updates per user, all users at once. Reported per bot: updates/s (all updates over
the wall time) and p50/p99 latency from a button press to the bot's screen (the edited
message; for Confirm, the .ics document), and the ratio musicbot/echo on the same stack (and to
the echo on the default stack). Target: at least 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
_HERE = str(Path(__file__).resolve().parent)
# benchmarks/calendar.py would shadow the standard library's calendar module
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]
sys.path.insert(0, str(_ROOT))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import (  # noqa: E402
    CONNECTION_POOL_SIZE,
    bot_request,
    build_application,
    start_bot,
    stop_bot,
)
from bot.local_api import BotEvent, LocalBotApi  # noqa: E402
from bot.settings import DEFAULT_DB_POOL_SIZE  # noqa: E402
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
from core.services import Services  # noqa: E402
from tests.support.pg import start_test_server, unique_name  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
TELEGRAM_BASE = 500_000
TEACHERS = 10
CLOCK = datetime(2027, 1, 19, 9, 0, tzinfo=UTC)
TERM_START = date(2027, 2, 1)
WAIT = 30.0
PROFILE = os.environ.get("BENCH_PROFILE", "")  # a file name: cProfile the musicbot phase


# ---------------------------------------------------------------- the school


async def build_school(sessions: Any, parents: int) -> None:
    """One school; ``parents`` families with one child each, spread over 10 teachers."""
    async with sessions() as session, session.begin():
        school = School(key="bench", name="Bench School", timezone="Europe/London", reminders={})
        session.add(school)
        await session.flush()
        sid = school.id
        location = Location(school_id=sid, key="main", name="Main")
        term = Term(school_id=sid, key="t1", name="Term 1", start_date=TERM_START, weeks=10)
        session.add_all([location, term])
        await session.flush()
        room = Room(school_id=sid, location_id=location.id, key="r1", name="Room 1")
        session.add(room)
        lessons = []
        for t in range(TEACHERS):
            teacher = Teacher(school_id=sid, key=f"t{t}", name=f"Teacher {t}")
            session.add(teacher)
            await session.flush()
            lesson = Lesson(
                school_id=sid, key=f"l{t}", name=f"Lesson {t}", type=LessonType.HYBRID,
                term_id=term.id, teacher_id=teacher.id, location_id=location.id, room_id=room.id,
                day=5, start_time=clock_time(9), duration_minutes=60, max_students=99,
            )  # fmt: skip
            session.add(lesson)
            await session.flush()
            session.add(
                HybridPattern(
                    lesson_id=lesson.id, school_id=sid, individual_weeks=[4], slot_minutes=15,
                    bookings_open=True,
                )
            )  # fmt: skip
            for day in range(3):  # Mon-Wed 15:00-19:00: 48 slots of 15 minutes
                session.add(
                    AvailabilityWindow(
                        lesson_id=lesson.id, day=day, start_time=clock_time(15),
                        end_time=clock_time(19),
                    )
                )  # fmt: skip
            lessons.append(lesson)
        await session.flush()
        for p in range(parents):
            family = Family(school_id=sid, key=f"f{p}", name=f"Family {p}")
            session.add(family)
            await session.flush()
            session.add(
                Parent(
                    school_id=sid, family_id=family.id, key=f"p{p}", name=f"Parent {p}",
                    telegram_id=TELEGRAM_BASE + p,
                )
            )  # fmt: skip
            student = Student(school_id=sid, family_id=family.id, key=f"s{p}", name=f"Kid {p}")
            session.add(student)
            await session.flush()
            lesson = lessons[p % TEACHERS]
            session.add(Enrolment(lesson_id=lesson.id, student_id=student.id, school_id=sid))


# ---------------------------------------------------------------- the echo bot


async def echo_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text with one button."""
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Press", callback_data="echo:1")]])
    await update.effective_message.reply_text(
        update.effective_message.text or "", reply_markup=keyboard
    )


async def echo_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and edit the message (a new text each time)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    count = int((query.data or "echo:1").split(":")[1])
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Press", callback_data=f"echo:{count + 1}")]]
    )
    await query.edit_message_text(f"pressed {count}", reply_markup=keyboard)


def echo_application(api: LocalBotApi, same_stack: bool) -> Application:  # type: ignore[type-arg]
    """The echo bot on musicbot's HTTP stack (``bot.app.bot_request``: httpx over aiohttp),
    or on python-telegram-bot's default one (httpx over httpcore), same pool size."""
    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .concurrent_updates(32)
    )
    if same_stack:
        builder = builder.request(bot_request()).get_updates_request(bot_request(1))
    else:
        builder = builder.connection_pool_size(CONNECTION_POOL_SIZE).pool_timeout(10)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo_message))
    application.add_handler(CallbackQueryHandler(echo_press, pattern=r"^echo:"))
    return application


async def start_echo(application: Application) -> None:  # type: ignore[type-arg]
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)


async def stop_echo(application: Application) -> None:  # type: ignore[type-arg]
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    await application.stop()
    await application.shutdown()


# ---------------------------------------------------------------- simulated users


def screen_event(event: BotEvent) -> bool:
    return event.kind in ("edit_text", "send")


def document_event(event: BotEvent) -> bool:
    return event.kind == "send" and bool((event.data.get("message") or {}).get("document"))


@dataclass
class Phase:
    name: str
    updates: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.seconds

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


async def _wait(
    api: LocalBotApi, uid: int, after: int, predicate: Callable[[BotEvent], bool]
) -> BotEvent:
    return await api.wait_for(predicate, chat_id=uid, after=after, timeout=WAIT)


async def _press_and_wait(
    api: LocalBotApi, uid: int, message_id: int, data: str, predicate: Callable[[BotEvent], bool]
) -> float:
    after = api.seq
    started = time.perf_counter()
    await api.press(uid, message_id, data)
    await _wait(api, uid, after, predicate)
    return time.perf_counter() - started


def _button(
    api: LocalBotApi, uid: int, message_id: int, pick: Callable[[list[tuple[str, str]]], str]
) -> str:
    message = api.message(uid, message_id) or {}
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return pick([(b["text"], b.get("callback_data", "")) for row in rows for b in row])


async def echo_user(api: LocalBotApi, uid: int, latencies: list[float]) -> None:
    after = api.seq
    await api.send_text(uid, "hello")
    event = await _wait(api, uid, after, screen_event)
    mid = int(event.message_id or 0)
    for _ in range(3):
        data = _button(api, uid, mid, lambda b: b[0][1])
        latencies.append(await _press_and_wait(api, uid, mid, data, screen_event))


async def parent_user(api: LocalBotApi, uid: int, index: int, latencies: list[float]) -> None:
    after = api.seq
    await api.send_text(uid, "/book")
    event = await _wait(api, uid, after, screen_event)
    mid = int(event.message_id or 0)
    week = _button(api, uid, mid, lambda b: next(d for t, d in b if "to book" in t))
    latencies.append(await _press_and_wait(api, uid, mid, week, screen_event))
    slot_index = index // TEACHERS  # parents of one teacher take different slots
    slot = _button(api, uid, mid, lambda b: [d for _t, d in b if d.startswith("bk:k:")][slot_index])
    latencies.append(await _press_and_wait(api, uid, mid, slot, screen_event))
    confirm = _button(api, uid, mid, lambda b: next(d for t, d in b if "Confirm" in t))
    latencies.append(await _press_and_wait(api, uid, mid, confirm, document_event))


async def run_phase(
    name: str, users: list[Callable[[], Awaitable[None]]], latencies: list[float]
) -> Phase:
    started = time.perf_counter()
    results = await asyncio.gather(*(user() for user in users), return_exceptions=True)
    seconds = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, BaseException)]
    for failure in failures[:3]:
        print(f"  {name}: a user failed: {failure!r}", file=sys.stderr)
    return Phase(name, 4 * len(users), seconds, latencies, len(failures))


# ---------------------------------------------------------------- one run


async def echo_phase_of(api: LocalBotApi, parents: int, same_stack: bool, first_id: int) -> Phase:
    echo = echo_application(api, same_stack)
    await start_echo(echo)
    latencies: list[float] = []
    phase = await run_phase(
        "echo" if same_stack else "echo-ptb",
        [lambda u=u: echo_user(api, first_id + u, latencies) for u in range(parents)],
        latencies,
    )
    await stop_echo(echo)
    return phase


async def one_run(server: Any, parents: int) -> tuple[Phase, Phase, Phase]:
    name = unique_name("bench")
    url = await server.create_database(name)
    engine = make_engine(url, pool_size=DEFAULT_DB_POOL_SIZE)  # the bot's own default
    api = LocalBotApi(bot_username="bench_bot", settle_timeout=WAIT)
    await api.start()
    try:
        await migrate(engine)
        sessions = make_session_factory(engine)
        await build_school(sessions, parents)
        default_phase = await echo_phase_of(api, parents, False, 800_000)
        echo_phase = await echo_phase_of(api, parents, True, 900_000)
        services = Services.build(sessions, FixedClock(CLOCK))
        application = build_application(
            services, token=TOKEN, base_url=api.base_url, base_file_url=api.base_file_url,
            use_rate_limiter=False, concurrent_updates=32,
        )  # fmt: skip
        await start_bot(application, poll_timeout=1)
        bot_latencies: list[float] = []
        profiler = cProfile.Profile() if PROFILE else None
        if profiler is not None:
            profiler.enable()
        bot_phase = await run_phase(
            "musicbot",
            [
                lambda i=i: parent_user(api, TELEGRAM_BASE + i, i, bot_latencies)
                for i in range(parents)
            ],
            bot_latencies,
        )
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(PROFILE)
        await stop_bot(application)
        return default_phase, echo_phase, bot_phase
    finally:
        await api.stop()
        await engine.dispose()
        await server.drop_database(name)


def describe(phase: Phase) -> str:
    return (
        f"{phase.name:9s} {phase.updates_per_second:8.1f} updates/s  "
        f"p50 {phase.p(0.5):6.1f} ms  p99 {phase.p(0.99):6.1f} ms  "
        f"({phase.updates} updates in {phase.seconds:.2f} s, {phase.failures} failed users)"
    )


async def main_async(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    server = await asyncio.to_thread(start_test_server)
    try:
        runs = []
        for number in range(args.runs):
            default_phase, echo_phase, bot_phase = await one_run(server, args.parents)
            print(
                f"run {number + 1}:\n  {describe(default_phase)}\n  {describe(echo_phase)}\n"
                f"  {describe(bot_phase)}\n"
                f"  ratio {bot_phase.updates_per_second / echo_phase.updates_per_second:.2f}"
                f" (to echo on PTB's default stack "
                f"{bot_phase.updates_per_second / default_phase.updates_per_second:.2f})"
            )
            runs.append((default_phase, echo_phase, bot_phase))
    finally:
        await asyncio.to_thread(server.close)
    med = statistics.median

    def row(label: str, index: int) -> str:
        phases = [run[index] for run in runs]
        return (
            f"| {label} | {med(p.updates_per_second for p in phases):.0f} | "
            f"{med(p.p(0.5) for p in phases):.1f} | {med(p.p(0.99) for p in phases):.1f} |"
        )

    ratio = med(b.updates_per_second / e.updates_per_second for _, e, b in runs)
    to_default = med(b.updates_per_second / d.updates_per_second for d, _, b in runs)
    print(
        f"\nmedian of {len(runs)} runs, {args.parents} users each:\n"
        "| bot | updates/s | p50 press→screen (ms) | p99 (ms) |\n|---|---|---|---|\n"
        + row("echo, PTB's default HTTP stack (httpcore)", 0)
        + "\n"
        + row("echo, musicbot's HTTP stack (aiohttp)", 1)
        + "\n"
        + row("musicbot", 2)
        + "\n"
        f"ratio musicbot/echo on the same stack: {ratio:.2f} (target ≥ 0.5); "
        f"to the echo on PTB's default stack: {to_default:.2f}"
    )
    failed = sum(d.failures + e.failures + b.failures for d, e, b in runs)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=100, help="simulated users per bot")
    parser.add_argument("--runs", type=int, default=3)
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
