"""CPU per booking and per bot update, tree against tree, alternated: a measure load cannot move.

Raw throughput on this shared 2-core machine swings by ±30 % between two runs of one tree, so
the before/after of a refactor is measured by what a run *costs*: the CPU seconds (user + sys)
consumed by the process running the bookings **and** by every PostgreSQL process (backends,
WAL writer, checkpointer, autovacuum; exited ones through the postmaster's reaped-children
counters) while the clock runs, divided by the bookings made and by the attempts made.

Usage (from any tree; each TREE is a worktree with its own ``.venv``, or ``TREE:PYTHON``;
``TREE|SQL|...`` runs each SQL on the rush's database once it is built, before the rush, and
``TREE|book:OLD=>NEW`` replaces OLD by NEW in core/booking/sql.py's BOOK in that run, to
attribute a cost, e.g. ``"/work/wt/head|ALTER TABLE bookings DISABLE TRIGGER bookings_waitlist"``
or ``"/work/wt/head|book:FOR KEY SHARE=>"``; with ``--bot``, ``TREE|pool:N`` gives the bot's
engine a pool of N, else the tree's default, ``DB_POOL_SIZE``'s, or 20 for a tree without, and
SQL items run once the bot's school is built)::

    python benchmarks/cost_per_booking.py --pairs 4 /work/wt/base /work/wt/head
    python benchmarks/cost_per_booking.py --bot --pairs 4 /work/wt/base /work/wt/head

One embedded PostgreSQL is started for the whole series (so both trees run against the same
server and settings); each round runs every tree once, in the order given (ABAB...), each in
a fresh process of that tree's own venv, which imports that tree's ``benchmarks/booking_rush.py``
(or ``bot_throughput.py``) and so its code, and builds the same school with the same seed.

* the rush (default): booking_rush.py's school and clients (32 clients over a pool of 32,
  picking among the first few students and slots so they collide), its warm-up attempts
  unmeasured; the CPU counters are read when every client has passed the start barrier and
  when the last one has finished, before the pool is closed.
* ``--bot``: bot_throughput.py's scenario (``/book``, week, slot, Confirm per parent, all at
  once) and, in the same process, its echo bot on musicbot's HTTP stack as a control: the
  local Bot API server runs in the measured process, so a change of its cost shows in the
  echo's CPU per update as well.

Reported: each run's numbers, the medians per tree and the ratio of the medians (the last
tree given over the first), and the load average around each run.

``--instructions`` counts instead of timing (``perf stat -e instructions`` is not supported on
every VM): PostgreSQL and the booking process run under valgrind's callgrind (both needed, and
gcc for a tiny helper that switches the count on and off around the clock's window), one
client, so every tree books the same slots in the same order; see run_instructions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import ctypes
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
# this folder's calendar.py would shadow the standard library's calendar module
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]

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


def postgres_pids(postmaster: int) -> list[int]:
    """The postmaster and its live children."""
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        pids.append(int(entry))
            except (OSError, ValueError):
                continue
    return pids


def callgrind_control(pid: int, *options: str) -> None:
    """callgrind_control for a process, run as its owner (vgdb finds it by its user's name)."""
    import pwd

    try:
        owner = os.stat(f"/proc/{pid}").st_uid
    except OSError:  # gone meanwhile
        return
    as_owner = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--"] if owner != os.geteuid() else []
    subprocess.run(
        [*as_owner, "callgrind_control", *options, str(pid)], capture_output=True, check=False
    )


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
                callgrind_control(args.postmaster, "-i", "on")
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
                callgrind_control(args.postmaster, "-i", "off")
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


# ---------------------------------------------------------------- the series


def per(numbers: dict[str, Any], count_key: str) -> float:
    """CPU milliseconds (process + server) per unit."""
    count = numbers[count_key]
    return 1000 * (numbers["own_cpu"] + numbers["db_cpu"]) / count if count else float("nan")


def load() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------- instructions (callgrind)

CALLGRIND_HELPER = """
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


def parse_specs(specs: list[str]) -> list[tuple[str, Path, str, str]]:
    """label, tree, python, setup (SQL statements and book: substitutions, "|"-separated)."""
    trees = []
    for spec in specs:
        where, _, setup = spec.partition("|")
        tree, _, python = where.partition(":")
        path = Path(tree).resolve()
        trees.append((spec, path, python or str(path / ".venv" / "bin" / "python"), setup))
    return trees


def callgrind_total(path: Path, timeout: float = 120.0) -> int:
    """The instruction count of a finished callgrind run (its ``totals:`` line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("totals:"):
                    return int(line.split()[1])
        time.sleep(0.5)
    raise SystemExit(f"error: no callgrind totals in {path}")


def run_instructions(args: argparse.Namespace) -> int:
    """Instructions per booking: the Python process and the PostgreSQL backend, by callgrind.

    One client, so a run is the same sequence of bookings for every tree (no collisions:
    the success path). PostgreSQL runs under callgrind (every backend writes its count when
    it exits); the booking process runs under callgrind with instrumentation switched on only
    while the clock runs. The backend's count includes its connection and the warm-up
    attempts, so each tree also runs the same school with no measured attempt, and the
    difference is divided by the bookings."""
    for tool in ("valgrind", "gcc"):
        if not shutil.which(tool):
            raise SystemExit(f"error: --instructions needs {tool}")
    import pgserver

    bin_dir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    tmp = Path(tempfile.mkdtemp(prefix="cost-instructions-"))
    (tmp / "helper.c").write_text(CALLGRIND_HELPER)
    helper = tmp / "helper.so"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", helper, tmp / "helper.c"], check=True)
    as_user = ["runuser", "-u", "pgserver", "--"] if os.geteuid() == 0 else []
    data, out = tmp / "data", tmp / "out"
    out.mkdir()
    if as_user:
        subprocess.run(["chown", "-R", "pgserver", str(tmp)], check=True)
    subprocess.run(
        [*as_user, bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            *as_user, "valgrind", "--tool=callgrind", "--trace-children=yes",
            f"--callgrind-out-file={out}/pg.%p", bin_dir / "postgres", "-D", data, "-h", "",
            "-k", data,
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        pid_file = data / "postmaster.pid"
        for _ in range(240):
            if pid_file.exists() and "ready" in pid_file.read_text():
                break
            time.sleep(0.5)
        postmaster = int(pid_file.read_text().split()[0])
        url = f"postgresql+asyncpg://postgres@/postgres?host={data}"
        results = {}
        for label, tree, python, setup in parse_specs(args.trees):
            runs = {}
            for seconds in (0.0, 1e6):  # no measured attempt; every slot booked
                command = [
                    python, __file__, "--worker", "rush", "--tree", str(tree),
                    "--database-url", url, "--postmaster", str(postmaster),
                    "--clients", "1", "--seconds", str(seconds),
                    "--students", str(args.students), "--seed", str(args.seed),
                    "--setup-sql", setup,
                ]  # fmt: skip
                own = tmp / f"py.{len(results)}.{int(seconds > 0)}"
                if seconds:
                    command = [
                        "valgrind", "--tool=callgrind", "--instr-atstart=no",
                        f"--callgrind-out-file={own}", *command, "--cg-helper", str(helper),
                    ]  # fmt: skip
                proc = subprocess.run(command, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                numbers = json.loads(proc.stdout.strip().splitlines()[-1])
                numbers["db_ir"] = callgrind_total(out / f"pg.{numbers['backends'][0]}")
                numbers["own_ir"] = callgrind_total(own) if seconds else 0
                runs[seconds > 0] = numbers
            full, zero = runs[True], runs[False]
            booked = full["booked"]
            result = {
                "booked": booked,
                "py": full["own_ir"] / booked,
                "db": (full["db_ir"] - zero["db_ir"]) / booked,
            }
            results[label] = result
            print(
                f"{label}: {booked} bookings; per booking {result['py']:,.0f} instructions in "
                f"the booking process + {result['db']:,.0f} in its PostgreSQL backend = "
                f"{result['py'] + result['db']:,.0f}",
                flush=True,
            )
        first = next(iter(results.values()))
        print(
            "\n| tree | bookings | process Ir/booking | PostgreSQL Ir/booking | total | ÷ first |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, r in results.items():
            total = r["py"] + r["db"]
            print(
                f"| {label} | {r['booked']} | {r['py']:,.0f} | {r['db']:,.0f} | {total:,.0f} | "
                f"{total / (first['py'] + first['db']):.3f} |"
            )
    finally:
        subprocess.run([*as_user, bin_dir / "pg_ctl", "-D", data, "stop", "-m", "fast"],
                       capture_output=True, check=False)  # fmt: skip
        server.wait(timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def run_series(args: argparse.Namespace) -> int:
    from bot.embedded_db import start_embedded

    trees = parse_specs(args.trees)
    tmp = tempfile.mkdtemp(prefix="cost-per-booking-")
    embedded = start_embedded(Path(tmp), cleanup_mode="delete")
    try:
        pid_file = Path(tmp) / "pgdata" / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0])
        results: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in trees}
        for round_no in range(1, args.pairs + 1):
            for label, tree, python, setup in trees:
                before = load()
                command = [
                    python, __file__, "--worker", "bot" if args.bot else "rush",
                    "--tree", str(tree), "--database-url", embedded.url("postgres"),
                    "--postmaster", str(postmaster), "--clients", str(args.clients),
                    "--seconds", str(args.seconds), "--students", str(args.students),
                    "--parents", str(args.parents), "--seed", str(args.seed),
                    "--setup-sql", setup,
                ]  # fmt: skip
                proc = subprocess.run(command, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    return 1
                numbers = json.loads(proc.stdout.strip().splitlines()[-1])
                numbers["load"] = (before, load())
                numbers["round"] = round_no
                results[label].append(numbers)
                print(f"round {round_no} {label}: {describe(numbers, args.bot)}", flush=True)
        summarise(results, args.bot)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        embedded.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def describe(n: dict[str, Any], bot: bool) -> str:
    lo, hi = n["load"]
    if bot:
        b, e = n["bot"], n["echo"]
        return (
            f"musicbot {per(b, 'updates'):.2f} ms CPU/update ({b['own_cpu']:.2f} s bot + "
            f"{b['db_cpu']:.2f} s PostgreSQL for {b['updates']} updates in {b['wall']:.1f} s, "
            f"{b['failures']} failed); echo {per(e, 'updates'):.2f} ms CPU/update; "
            f"load {lo:.1f}-{hi:.1f}"
        )
    return (
        f"{per(n, 'booked'):.3f} ms CPU/booking, {per(n, 'attempts'):.3f} ms CPU/attempt "
        f"({n['own_cpu']:.2f} s process + {n['db_cpu']:.2f} s PostgreSQL; {n['booked']} bookings "
        f"/ {n['attempts']} attempts in {n['wall']:.1f} s; {n['other']}; invariants "
        f"{n['invariants']['teacher_overlaps']} overlaps, "
        f"{n['invariants']['double_bookings']} double); load {lo:.1f}-{hi:.1f}"
    )


def short(label: str) -> str:
    """A tree's folder name, and + when a setup statement was run for it."""
    where, bar, _ = label.partition("|")
    return Path(where.partition(":")[0]).name + ("+" if bar else "")


def summarise(results: dict[str, list[dict[str, Any]]], bot: bool) -> None:
    med = statistics.median
    metrics: list[tuple[str, Any]]
    if bot:
        metrics = [
            ("musicbot CPU ms/update (process + PostgreSQL)", lambda n: per(n["bot"], "updates")),
            ("musicbot process CPU ms/update", lambda n: 1000 * n["bot"]["own_cpu"] / n["bot"]["updates"]),
            ("musicbot PostgreSQL CPU ms/update", lambda n: 1000 * n["bot"]["db_cpu"] / n["bot"]["updates"]),
            ("echo (control) CPU ms/update", lambda n: per(n["echo"], "updates")),
            ("musicbot updates/s", lambda n: n["bot"]["updates"] / n["bot"]["wall"]),
        ]  # fmt: skip
    else:
        metrics = [
            ("CPU ms/booking (process + PostgreSQL)", lambda n: per(n, "booked")),
            ("CPU ms/attempt (process + PostgreSQL)", lambda n: per(n, "attempts")),
            ("process CPU ms/attempt", lambda n: 1000 * n["own_cpu"] / n["attempts"]),
            ("PostgreSQL CPU ms/attempt", lambda n: 1000 * n["db_cpu"] / n["attempts"]),
            ("bookings/attempts", lambda n: n["booked"] / n["attempts"]),
            ("bookings/s (raw, load-bound)", lambda n: n["booked"] / n["wall"]),
        ]
    trees = list(results)
    print("\n| metric | " + " | ".join(f"{t} (runs)" for t in trees), end="")
    print(" | " + " | ".join(f"median {short(t)}" for t in trees) + " | last/first |")
    print("| --- |" + " --- |" * len(trees) + " ---: |" * len(trees) + " ---: |")
    for label, fn in metrics:
        values = [[fn(n) for n in results[t]] for t in trees]
        medians = [med(v) for v in values]
        cells = [" / ".join(f"{x:.3g}" for x in v) for v in values]
        ratio = medians[-1] / medians[0] if medians[0] else float("nan")
        print(
            f"| {label} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(f"{m:.3g}" for m in medians)
            + f" | {ratio:.3f} |"
        )
    loads = [x for t in trees for n in results[t] for x in n["load"]]
    print(f"\nload average during the series: {min(loads):.1f}-{max(loads):.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", help="TREE or TREE:PYTHON, in the order to run")
    parser.add_argument("--pairs", type=int, default=4, help="rounds: each tree once per round")
    parser.add_argument("--bot", action="store_true", help="bot updates instead of the rush")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0, help="cap on each rush")
    parser.add_argument("--students", type=int, default=400)
    parser.add_argument("--parents", type=int, default=200, help="bot: simulated parents")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--instructions", action="store_true", help="instructions per booking (callgrind)"
    )
    parser.add_argument("--json", default="", help="also write every run's numbers here")
    parser.add_argument("--setup-sql", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cg-helper", default="", help=argparse.SUPPRESS)
    parser.add_argument("--no-echo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--wait", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--warm-parents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--warm-rounds", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cg-postgres", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", default="", help="worker: cProfile the clock's window")
    parser.add_argument("--worker", choices=("rush", "bot"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--postmaster", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        numbers = (bot_worker if args.worker == "bot" else rush_worker)(args)
        print(json.dumps(numbers))
        return 0
    if len(args.trees) < 2:
        parser.error("give at least two trees (the first is the base of the ratio)")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    return run_instructions(args) if args.instructions else run_series(args)


if __name__ == "__main__":
    sys.exit(main())
