"""Reminder sweepers as processes of their own, for the kill -9 test (tests/integration/
test_reminder_kills.py): the production path (bot.reminders.make_notifier, run_sweep) on
the test's database and local Bot API server.

``python -m tests.support.sweeper DB_URL BOT_API_BASE_URL ROUND_FILE LEASE_SECONDS`` starts
a parent that imports everything once and prints ``ready``; each line ``spawn GO_FILE`` on
its standard input forks a sweeper process (its pid printed back): connected at once, it
waits until GO_FILE exists, then sweeps the not-booked reminders every 50 ms, its clock at
``BASE`` plus as many hours as ROUND_FILE says, until it is killed; it records where each
of its sends stands (tests/support/kill_stages.py). A line ``kill PID DELAY`` makes the
parent send SIGKILL to PID after DELAY seconds and print ``killed T`` (T: when, wall-clock
ns). The killer is neither the Bot API server nor the test's event loop (a kill issued by the loop
that also answers the Bot API lands in the same turn as an answer, before the sweeper can
read it, far more often than a kill independent of Telegram would).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Bot

from bot.reminders import make_notifier
from core.db.engine import make_engine, make_session_factory
from core.reminders.service import NOT_BOOKED
from core.services import Services
from scheduler.notifier import notifier_request
from scheduler.sweeps import run_sweep
from tests.support import kill_stages

TOKEN = "123456:TEST-TOKEN"
BASE = datetime(2027, 1, 18, 14, 0, tzinfo=UTC)  # 01:00 in Sydney


class RoundClock:
    """Round n of the test is ``BASE + n hours`` (read from a file the test writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        return BASE + timedelta(hours=int(self.path.read_text() or 0))


async def sweep_forever(
    db_url: str, api_url: str, round_file: str, go_file: str, lease: float
) -> None:
    engine = make_engine(db_url)  # the bot's pool size (bot.runtime)
    services = Services.build(make_session_factory(engine), RoundClock(Path(round_file)))
    bot = Bot(TOKEN, base_url=api_url, request=notifier_request())
    await bot.initialize()
    notifier = make_notifier(services, bot, per_second=20.0, per_chat_seconds=0.0)
    go = Path(go_file)
    while not go.exists():  # noqa: ASYNC110, ASYNC240 (a file the test process touches)
        await asyncio.sleep(0.02)
    while True:
        await run_sweep(
            services.sessions, notifier, services.clock, NOT_BOOKED,
            lease=timedelta(seconds=lease),
        )  # fmt: skip
        await asyncio.sleep(0.05)


def main() -> None:
    db_url, api_url, round_file, lease = sys.argv[1:5]
    print("ready", flush=True)
    for line in sys.stdin:
        while True:  # reap sweepers the test killed
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        command, _, arg = line.strip().partition(" ")
        if command == "kill":  # "kill PID DELAY": SIGKILL after DELAY seconds, then "killed"
            pid_text, _, delay = arg.partition(" ")
            time.sleep(float(delay))
            os.kill(int(pid_text), signal.SIGKILL)
            print(f"killed {time.time_ns()}", flush=True)
            continue
        if command != "spawn":
            continue
        go_file = arg
        pid = os.fork()
        if pid == 0:  # the sweeper: no event loop existed before the fork
            try:
                kill_stages.install(Path(go_file).parent / f"stages-{os.getpid()}")
                asyncio.run(sweep_forever(db_url, api_url, round_file, go_file, float(lease)))
            finally:
                os._exit(1)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
