"""The workers of cost_per_booking.py: what runs inside a tree, in that tree's own venv.

``python benchmarks/cost_per_booking.py --worker rush|bot ...`` (started by the series, or by
bot_instructions.py under callgrind) imports that tree's booking_rush.py or bot_throughput.py
(``load_tree_module``), builds the same school with the same seed, and measures: the rush's
bookings (``rush_worker``) or the bot's updates (``bot_worker``), with the CPU of this process
and of every PostgreSQL process read around the clock's window (``Meter``), and under
callgrind the count switched on and off there (``--cg-helper``, ``--cg-postgres``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import ctypes
import importlib.util
import os
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- CPU counters


def _proc_cpu(pid: int) -> float:
    """CPU seconds a live process has run (all its threads), from schedstat's nanoseconds."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def _reaped_cpu(pid: int) -> float:
    """CPU seconds of the children ``pid`` has waited for (user + sys), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / CLK_TCK  # cutime, cstime


def postgres_cpu(postmaster: int) -> float:
    """The whole server: postmaster, every live child, and the children it has reaped."""
    total = _proc_cpu(postmaster) + _reaped_cpu(postmaster)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == postmaster:
                total += _proc_cpu(int(entry))
        except (OSError, ValueError):
            continue  # gone meanwhile: its time is in the postmaster's reaped counters
    return total


class Meter:
    """CPU of this process and of the PostgreSQL server between ``start`` and ``stop``."""

    def __init__(self, postmaster: int) -> None:
        self.postmaster = postmaster
        self.own = self.db = self.wall = 0.0

    def start(self) -> None:
        self._own, self._db = time.process_time(), postgres_cpu(self.postmaster)
        self._wall = time.perf_counter()

    def stop(self) -> None:
        self.own = time.process_time() - self._own
        self.db = postgres_cpu(self.postmaster) - self._db
        self.wall = time.perf_counter() - self._wall


def load_tree_module(tree: Path, name: str) -> ModuleType:
    """That tree's benchmarks/NAME.py, which puts that tree's root first on sys.path."""
    spec = importlib.util.spec_from_file_location(name, tree / "benchmarks" / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: no benchmarks/{name}.py in {tree}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# PostgreSQL under callgrind and the readers of its counts (shared with bot_instructions.py)
cg = load_tree_module(Path(__file__).resolve().parent.parent, "callgrind_pg")


# ---------------------------------------------------------------- the rush, in a tree


async def measured_rush(br: Any, url: str, plan: Any, args: argparse.Namespace) -> dict[str, Any]:
    """booking_rush.rush, with the counters read at the start barrier and at the end."""
    import itertools
    import random
    from collections import Counter

    engine = br.make_engine(url, pool_size=args.clients)
    services = br.Services.build(br.make_session_factory(engine), br.FixedClock(br.NOW))
    meter = Meter(args.postmaster)
    outcomes: Counter[str] = Counter()
    taken: set[Any] = set()
    booked: set[Any] = set()
    open_weeks = list(plan.lesson_weeks)
    barrier = asyncio.Barrier(args.clients)
    clock: dict[str, float] = {}
    profiler = cProfile.Profile() if args.profile else None
    valgrind = ctypes.CDLL(args.cg_helper) if args.cg_helper else None

    def first_few(items: list[Any], gone: Any) -> list[Any]:
        while items and gone(items[0]):
            items.pop(0)
        return list(itertools.islice((i for i in items if not gone(i)), br.PICK_AMONG))

    async def attempt(rng: random.Random, lw: Any) -> str | None:
        students = first_few(lw.students, lambda s: (lw.lesson_id, s, lw.week) in booked)
        slots = first_few(lw.slots, lambda s: (lw.teacher_id, s) in taken)
        if not students or not slots:
            if lw in open_weeks:
                open_weeks.remove(lw)
            return None
        student, start = rng.choice(students), rng.choice(slots)
        actor = br.Actor.parent(plan.parent_of[student])
        try:
            await services.booking.create_booking(
                lw.school_id, actor, lw.lesson_id, student, lw.week, start
            )
            booked.add((lw.lesson_id, student, lw.week))
            taken.add((lw.teacher_id, start))
            return "booked"
        except br.SlotTaken:
            taken.add((lw.teacher_id, start))
            return "slot_taken"
        except br.AlreadyBooked:
            booked.add((lw.lesson_id, student, lw.week))
            return "already_booked"
        except br.DomainError as exc:
            return f"refused:{type(exc).__name__}"
        except Exception as exc:  # a raw database error is a bug: count it
            return f"error:{type(exc).__name__}"

    async def client(n: int) -> None:
        rng = random.Random(args.seed * 1000 + n)
        for _ in range(br.WARMUP_ATTEMPTS):
            if open_weeks:
                await attempt(rng, rng.choice(open_weeks))
        await barrier.wait()
        if "started" not in clock:
            if profiler is not None:
                profiler.enable()
            if valgrind is not None:
                valgrind.cg_start()
            meter.start()
            clock["started"] = time.perf_counter()
        deadline = clock["started"] + args.seconds
        while open_weeks and time.perf_counter() < deadline:
            done = await attempt(rng, rng.choice(open_weeks))
            if done is not None:
                outcomes[done] += 1

    backends: list[int] = []
    try:
        # booking_rush.warm_pool, noting each pooled connection's backend (its process id)
        conns = [await engine.connect() for _ in range(args.clients)]
        for conn in conns:
            backends.append(int((await conn.execute(br.text("SELECT pg_backend_pid()"))).scalar()))
        for conn in conns:
            await conn.close()
        await asyncio.gather(*(client(n) for n in range(args.clients)))
        meter.stop()
        if valgrind is not None:
            valgrind.cg_stop()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
    finally:
        await engine.dispose()
    attempts = sum(outcomes.values())
    return {
        "own_cpu": meter.own,
        "db_cpu": meter.db,
        "wall": meter.wall,
        "booked": outcomes["booked"],
        "attempts": attempts,
        "other": {k: v for k, v in outcomes.items() if k not in ("booked",)},
        "backends": backends,
    }


def rush_worker(args: argparse.Namespace) -> dict[str, Any]:
    import warnings

    warnings.filterwarnings("ignore")
    br = load_tree_module(args.tree, "booking_rush")
    server = br.Server(args.database_url)
    for item in args.setup_sql.split("|"):
        if item.startswith("book:"):  # book:OLD=>NEW, in the booking statement's text
            from core.booking import sql as booking_sql  # type: ignore[import-not-found]

            old, _, new = item.removeprefix("book:").partition("=>")
            if old not in booking_sql.BOOK:
                raise SystemExit(f"error: {old!r} is not in the booking statement")
            booking_sql.BOOK = booking_sql.BOOK.replace(old, new)

    async def run() -> dict[str, Any]:
        name, url, plan = await br.prepare(server, 1, args.students, args.seed)
        try:
            statements = [x for x in args.setup_sql.split("|") if x and not x.startswith("book:")]
            if statements:  # a variant to attribute a cost (e.g. a trigger disabled)
                engine = br.make_engine(url, pool_size=1)
                async with engine.begin() as db:
                    for statement in statements:
                        await db.execute(br.text(statement))
                await engine.dispose()
            numbers = await measured_rush(br, url, plan, args)
            numbers["invariants"] = await br.check_invariants(url)
        finally:
            await server.drop(name)
        return numbers

    return asyncio.run(run())


# ---------------------------------------------------------------- the bot, in a tree


class _Databases:
    """What bot_throughput.one_run needs of the tests' server: create and drop a database."""

    def __init__(self, br: Any, url: str) -> None:
        self.server = br.Server(url)

    async def create_database(self, name: str) -> str:
        return str(await self.server.create(name))

    async def drop_database(self, name: str) -> None:
        await self.server.drop(name)


def bot_pool_size(bt: Any, setup: str) -> int:
    """The bot's pool: ``pool:N`` in the tree's spec, else the tree's own default
    (``bot_throughput.DEFAULT_DB_POOL_SIZE``, the bot's DB_POOL_SIZE), else 20 (older trees)."""
    for part in setup.split("|"):
        if part.startswith("pool:"):
            return int(part[len("pool:") :])
    return int(getattr(bt, "DEFAULT_DB_POOL_SIZE", 20))


def bot_worker(args: argparse.Namespace) -> dict[str, Any]:
    import logging
    import uuid
    import warnings

    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)
    br = load_tree_module(args.tree, "booking_rush")  # for its Server (create, drop)
    bt = load_tree_module(args.tree, "bot_throughput")
    databases = _Databases(br, args.database_url)
    valgrind = ctypes.CDLL(args.cg_helper) if args.cg_helper else None
    if args.wait:  # under valgrind: a screen may take much longer than bot_throughput's wait,
        # and a Bot API call longer than PTB's timeouts (5 s; its pool's 10 s)
        bt.WAIT = args.wait
        from telegram.request import HTTPXRequest

        init = HTTPXRequest.__init__

        def patient(self: Any, *a: Any, **k: Any) -> None:
            for name in ("read_timeout", "write_timeout", "connect_timeout", "pool_timeout"):
                k[name] = args.wait
            init(self, *a, **k)

        HTTPXRequest.__init__ = patient  # type: ignore[method-assign]

    async def run() -> dict[str, Any]:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        url = await databases.create_database(name)
        engine = bt.make_engine(url, pool_size=bot_pool_size(bt, args.setup_sql))
        api = bt.LocalBotApi(bot_username="bench_bot", settle_timeout=bt.WAIT)
        await api.start()
        numbers: dict[str, Any] = {}
        try:
            await bt.migrate(engine)
            sessions = bt.make_session_factory(engine)
            await bt.build_school(sessions, args.warm_parents * args.warm_rounds + args.parents)
            statements = [
                x for x in args.setup_sql.split("|") if x and not x.startswith(("pool:", "book:"))
            ]
            if statements:  # a variant to attribute a cost (e.g. a trigger disabled)
                from sqlalchemy import text

                async with engine.begin() as db:
                    for statement in statements:
                        await db.execute(text(statement))
            latencies: list[float] = []
            if not args.no_echo:
                echo = bt.echo_application(api, True)
                await bt.start_echo(echo)
                meter = Meter(args.postmaster)
                meter.start()
                phase = await bt.run_phase(
                    "echo",
                    [
                        lambda u=u: bt.echo_user(api, 900_000 + u, latencies)
                        for u in range(args.parents)
                    ],
                    latencies,
                )
                meter.stop()
                await (bt.stop_echo if hasattr(bt, "stop_echo") else bt.stop_bot)(echo)
                numbers["echo"] = _phase_numbers(meter, phase)
            services = bt.Services.build(sessions, bt.FixedClock(bt.CLOCK))
            application = bt.build_application(
                services, token=bt.TOKEN, base_url=api.base_url, base_file_url=api.base_file_url,
                use_rate_limiter=False, concurrent_updates=32,
            )  # fmt: skip
            await bt.start_bot(application, poll_timeout=1)
            # start-up's command menus (once per process, in the background since the menus
            # change) are done before the clock starts: the meter counts updates, not start-up
            menus = getattr(application.bot_data, "menus_task", None)
            if menus is not None:
                await menus
            latencies = []
            meter = Meter(args.postmaster)
            if args.cg_postgres:  # bot_instructions.py: count PostgreSQL's instructions too,
                # in backends forked from now on (counting can be switched in the postmaster
                # only: a backend interrupted in a read exits), so the pool starts empty
                await engine.dispose()
                cg.callgrind_control(args.postmaster, "-i", "on")
            warmed = args.warm_parents * args.warm_rounds
            for first in range(0, warmed, args.warm_parents or 1):
                # bot_instructions.py: a first burst opens the pool's connections and runs
                # each statement on them, uncounted in this process; more bursts (one after
                # the other, other parents) run each statement more times per connection
                warm: list[float] = []
                await bt.run_phase(
                    "warm-up",
                    [
                        lambda i=i, w=warm: bt.parent_user(api, bt.TELEGRAM_BASE + i, i, w)
                        for i in range(first, first + args.warm_parents)
                    ],
                    warm,
                )
            if valgrind is not None:
                valgrind.cg_start()
            meter.start()
            phase = await bt.run_phase(
                "musicbot",
                [
                    lambda i=i: bt.parent_user(api, bt.TELEGRAM_BASE + i, i, latencies)
                    for i in range(warmed, warmed + args.parents)
                ],
                latencies,
            )
            meter.stop()
            if valgrind is not None:
                valgrind.cg_stop()
            if args.cg_postgres:
                cg.callgrind_control(args.postmaster, "-i", "off")
            await bt.stop_bot(application)
            numbers["bot"] = _phase_numbers(meter, phase)
        finally:
            await api.stop()
            await engine.dispose()
            await databases.drop_database(name)
        return numbers

    return asyncio.run(run())


def _phase_numbers(meter: Meter, phase: Any) -> dict[str, Any]:
    return {
        "own_cpu": meter.own,
        "db_cpu": meter.db,
        "wall": meter.wall,
        "updates": phase.updates,
        "failures": phase.failures,
    }
