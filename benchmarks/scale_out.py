"""Benchmark several ``musicbot run`` processes behind HAProxy, in webhook mode.

Run ``python benchmarks/scale_out.py`` (``--parents 150``). Needs Debian's ``haproxy``
(``apt-get install haproxy``; .ci/run installs it). Everything runs on 127.0.0.1 and stops
by itself; every process it starts is ended by its pid.

Per phase it creates a fresh database on a throwaway PostgreSQL (the tests' embedded
server), migrates it and builds the school of benchmarks/bot_throughput.py (``--parents``
linked parents, one child each, over 10 teachers with 48 free slots each), starts the local
Bot API server (in this process), N ``python -m bot run`` processes (each its own
HTTP_PORT; the same DATABASE_URL, WEBHOOK_URL = the balancer, WEBHOOK_SECRET) and HAProxy
with deploy/haproxy.cfg in front. The Bot API server POSTs every update to the balancer
(retrying until a 2xx, as Telegram does). Then every parent at once sends ``/book`` and
presses week 4, a slot of its own (picked by its time, which stays put while others book)
and Confirm: 4 updates each.

Phases: 1, 2 and 3 processes; then 3 processes with one killed (SIGKILL) when half the
parents have confirmed. Reported per phase: updates/s and bookings/s over the wall time,
p50/p99 press-to-answer (press to the bot's next screen), and the checks: double bookings
(a student twice in a week, a teacher's slot twice: SQL), parents who gave up waiting
(60 s), acknowledged updates never answered even after the rush has drained ("lost"), the
webhook's resends (a process killed or draining: refused, 409 or 503, then resent), and the
most holders of a sweep's advisory lock seen at once (sampled in pg_locks every 50 ms; must
be at most 1). The cluster itself (HAProxy and the processes) is tests/support/cluster.py.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

_ROOT = Path(__file__).resolve().parent.parent
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")]  # benchmarks/calendar.py
sys.path.insert(0, str(_ROOT))

from sqlalchemy import text  # noqa: E402

from bot.local_api import BotEvent, LocalBotApi  # noqa: E402
from core.db.engine import make_engine, make_session_factory, migrate  # noqa: E402
from core.reminders.log import SWEEP_LOCKS  # noqa: E402
from tests.support.cluster import Cluster, haproxy_binary  # noqa: E402
from tests.support.pg import start_test_server, unique_name  # noqa: E402

_spec = importlib.util.spec_from_file_location("bot_throughput", Path(_HERE) / "bot_throughput.py")
assert _spec is not None and _spec.loader is not None
bot_throughput = importlib.util.module_from_spec(_spec)
sys.modules["bot_throughput"] = bot_throughput
_spec.loader.exec_module(bot_throughput)

TOKEN = "123456:SCALE-OUT-TOKEN"
SECRET = "scaleOutSecret-0123456789"
TELEGRAM_BASE = bot_throughput.TELEGRAM_BASE
LONDON = ZoneInfo("Europe/London")  # the benchmark school's timezone
TEACHERS = bot_throughput.TEACHERS
ANSWER_WAIT = 60.0  # a parent waits this long for an answer, then gives up
DRAIN = 90.0  # after the rush: late answers still count (only never-answered is lost)


@dataclass
class Phase:
    name: str
    parents: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    bookings: int = 0
    double_bookings: int = 0
    unanswered: int = 0  # parents whose flow stopped: a press never answered
    lost_acknowledged: int = 0  # of those, presses whose update had been acknowledged
    sweep_holders_max: int = 0
    killed: int = 0
    resends: int = 0

    @property
    def updates(self) -> int:
        return 4 * self.parents

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


# ---------------------------------------------------------------- simulated parents


def _screen(event: BotEvent) -> bool:
    return event.kind in ("edit_text", "send")


def own_slot_minute(index: int) -> int:
    """The start (minutes since the epoch, as in callback data) of parent ``index``'s slot:
    parents of one teacher take its week-4 slots in order (Mon-Wed 15:00-19:00, 15 min).

    Picking "the n-th free slot on the screen" instead (as this script first did) made
    parents collide: once a parent of the same teacher had booked, the list was one
    shorter, the n-th was someone else's slot, and one of the two met "slot taken" and a
    screen without Confirm ("gave up"), more often the more processes raced."""
    n = index // TEACHERS
    monday = bot_throughput.TERM_START + timedelta(weeks=3)
    local = datetime.combine(monday + timedelta(days=n // 16), datetime.min.time())
    start = local.replace(hour=15, tzinfo=LONDON) + timedelta(minutes=15 * (n % 16))
    return int(start.timestamp()) // 60


class Parents:
    """The parents' side: presses, answers, and which updates were acknowledged."""

    def __init__(self, api: LocalBotApi, phase: Phase) -> None:
        self.api = api
        self.phase = phase
        self.confirmed = 0
        self.half = asyncio.Event()
        self.stalled: list[tuple[int, int, int]] = []  # (update id, chat, seq) not answered

    async def _act(self, uid: int, update_id_of: Any) -> BotEvent:
        after = self.api.seq
        started = time.perf_counter()
        update = await update_id_of()
        try:
            event = await self.api.wait_for(_screen, chat_id=uid, after=after, timeout=ANSWER_WAIT)
        except TimeoutError:
            self.stalled.append((int(update["update_id"]), uid, after))
            raise
        self.phase.latencies.append(time.perf_counter() - started)
        return event

    def _button(self, uid: int, mid: int, pick: Any) -> str:
        message = self.api.message(uid, mid) or {}
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        try:
            return str(pick([(b["text"], b.get("callback_data", "")) for row in rows for b in row]))
        except (StopIteration, IndexError) as exc:
            raise LookupError(f"no such button on {str(message.get('text'))[:80]!r}") from exc

    async def parent(self, index: int) -> None:
        uid = TELEGRAM_BASE + index
        event = await self._act(uid, lambda: self.api.send_text(uid, "/book"))
        mid = int(event.message_id or 0)
        week = self._button(uid, mid, lambda b: next(d for t, d in b if "to book" in t))
        await self._act(uid, lambda: self.api.press(uid, mid, week))
        own = f":{own_slot_minute(index)}"
        slot = self._button(
            uid, mid, lambda b: next(d for _t, d in b if d.startswith("bk:k:") and d.endswith(own))
        )
        await self._act(uid, lambda: self.api.press(uid, mid, slot))
        confirm = self._button(uid, mid, lambda b: next(d for t, d in b if "Confirm" in t))
        await self._act(uid, lambda: self.api.press(uid, mid, confirm))
        self.confirmed += 1
        if self.confirmed * 2 >= self.phase.parents:
            self.half.set()


async def drain(api: LocalBotApi) -> None:
    """Wait (at most DRAIN s) until no delivery is pending and the bots have gone quiet."""
    deadline = time.monotonic() + DRAIN
    seen = -1
    while time.monotonic() < deadline and (api.webhook_pending or api.seq != seen):
        seen = api.seq
        await asyncio.sleep(2.0)


async def sample_sweepers(engine: Any, stop: asyncio.Event, phase: Phase) -> None:
    keys = list(SWEEP_LOCKS.values())
    query = text(
        "SELECT objid, count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' "
        "AND granted AND objid = ANY(:keys) GROUP BY objid"
    )
    async with engine.connect() as conn:
        while not stop.is_set():
            rows = (await conn.execute(query, {"keys": keys})).all()
            await conn.rollback()
            phase.sweep_holders_max = max([phase.sweep_holders_max, *(int(r[1]) for r in rows)])
            await asyncio.sleep(0.05)


async def count_bookings(engine: Any, phase: Phase) -> None:
    async with engine.connect() as conn:
        phase.bookings = int(
            await conn.scalar(text("SELECT count(*) FROM bookings WHERE status <> 'CANCELLED'"))
            or 0
        )
        twice_student = await conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status <> 'CANCELLED' "
                "GROUP BY lesson_id, student_id, week HAVING count(*) > 1) t"
            )
        )
        twice_slot = await conn.scalar(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status <> 'CANCELLED' "
                "GROUP BY teacher_id, start_at HAVING count(*) > 1) t"
            )
        )
        phase.double_bookings = int(twice_student or 0) + int(twice_slot or 0)


async def run_phase(server: Any, name: str, processes: int, parents: int, kill: bool) -> Phase:
    phase = Phase(name, parents)
    db_name = unique_name("scale")
    db_url = await server.create_database(db_name)
    engine = make_engine(db_url, pool_size=4)
    api = LocalBotApi(bot_username="scale_bot", settle_timeout=ANSWER_WAIT)
    api.register_bot(TOKEN)
    workdir = Path(tempfile.mkdtemp(prefix="scale_out_"))
    cluster = Cluster(api, db_url, workdir, token=TOKEN, secret=SECRET)
    try:
        await migrate(engine)
        await bot_throughput.build_school(make_session_factory(engine), parents)
        await api.start()
        await cluster.start(processes)
        crowd = Parents(api, phase)
        stop_sampling = asyncio.Event()
        sampler = asyncio.create_task(sample_sweepers(engine, stop_sampling, phase))

        async def killer() -> None:
            await crowd.half.wait()
            cluster.kill(1)
            phase.killed = 1

        kill_task = asyncio.create_task(killer()) if kill else None
        started = time.perf_counter()
        results = await asyncio.gather(
            *(crowd.parent(i) for i in range(parents)), return_exceptions=True
        )
        phase.seconds = time.perf_counter() - started
        stop_sampling.set()
        await sampler
        if kill_task is not None and not kill_task.done():
            kill_task.cancel()
        failures = [r for r in results if isinstance(r, BaseException)]
        for failure in failures[:3]:
            print(f"  {name}: a parent failed: {failure!r}", file=sys.stderr)
        phase.unanswered = len(failures)
        await drain(api)
        phase.resends = api.webhook.retries if api.webhook else 0
        if api.webhook is not None and api.webhook.failures:
            print(f"  {name}: webhook POSTs refused: {dict(api.webhook.failures)}", file=sys.stderr)
        acknowledged = set(api.webhook.acknowledged if api.webhook else [])
        phase.lost_acknowledged = sum(
            1
            for update_id, uid, after in crowd.stalled
            if update_id in acknowledged and not any(map(_screen, api.history(uid, after=after)))
        )
        await count_bookings(engine, phase)
        return phase
    finally:
        await cluster.stop()
        report_warnings(name, workdir)
        await api.stop()
        await engine.dispose()
        await server.drop_database(db_name)
        shutil.rmtree(workdir, ignore_errors=True)


def report_warnings(name: str, workdir: Path) -> None:
    """The bot processes' distinct warnings (first few), so a refusal has its reason."""
    seen: dict[str, int] = {}
    for log in sorted(workdir.glob("bot*/out.log")):
        for line in log.read_text(errors="replace").splitlines():
            if " WARNING " in line or " ERROR " in line:
                key = line.split(" ", 3)[-1][:160]
                seen[key] = seen.get(key, 0) + 1
    for line, count in sorted(seen.items(), key=lambda item: -item[1])[:5]:
        print(f"  {name}: {count} x {line}", file=sys.stderr)


def table(phases: list[Phase]) -> str:
    lines = [
        "| processes | updates/s | bookings/s | p50 press→answer (ms) | p99 (ms) | "
        "double bookings | unanswered parents | lost acknowledged updates | "
        "webhook resends | sweep lock holders (max) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in phases:
        lines.append(
            f"| {p.name} | {p.updates / p.seconds:.0f} | {p.bookings / p.seconds:.1f} | "
            f"{p.p(0.5):.0f} | {p.p(0.99):.0f} | {p.double_bookings} | {p.unanswered} | "
            f"{p.lost_acknowledged} | {p.resends} | {p.sweep_holders_max} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    server = await asyncio.to_thread(start_test_server)
    phases: list[Phase] = []
    try:
        plan = [("1", 1, False), ("2", 2, False), ("3", 3, False), ("3, one killed", 3, True)]
        wanted = args.phases.split(",")
        for name, processes, kill in plan:
            if (name[0] if not kill else "kill") not in wanted:
                continue
            phase = await asyncio.wait_for(
                run_phase(server, name, processes, args.parents, kill), 600
            )
            phases.append(phase)
            print(table([phase]).splitlines()[-1], flush=True)
    finally:
        await asyncio.to_thread(server.close)
    print(f"\n{args.parents} parents, {os.cpu_count()} cores:\n{table(phases)}")
    if len(phases) >= 3:
        ratios = [p.updates / p.seconds / (phases[0].updates / phases[0].seconds) for p in phases]
        print("speed-up over 1 process: " + ", ".join(f"{r:.2f}" for r in ratios[:3]))
    bad = sum(p.double_bookings + p.lost_acknowledged + (p.sweep_holders_max > 1) for p in phases)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parents", type=int, default=150, help="simulated parents (≤ 480)")
    parser.add_argument(
        "--phases", default="1,2,3,kill", help="which phases, e.g. 2,3 (default 1,2,3,kill)"
    )
    args = parser.parse_args(argv)
    try:
        haproxy_binary()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not 10 <= args.parents <= 480:
        parser.error("--parents must be between 10 and 480 (10 teachers × 48 slots)")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
