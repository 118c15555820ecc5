"""kill -9 in the middle of a reminder sweep, for real: nothing lost, duplicates counted.

Sweeper processes (tests/support/sweeper.py, the production sweep path) take turns on one
database and one local Bot API server. In each of ``KILLS`` rounds the test lets a process
start the round, has it killed with SIGKILL (by another process: see the sweeper module) a
random moment after the round's first delivery, and lets the next process (already
started, waiting) finish the round: it takes over the dead process's claims once their
lease (1 s here) runs out. A round is done when every family's reminder is marked SENT;
each chat must then have exactly one message per round, or two when the killed process
had that very message in hand.

The SENT mark is staged before each request and its COMMIT written the moment the answer's
status says delivered (core/reminders/sending.py, scheduler/answers.py), so the only
duplicate possible is a message whose request had left the killed process (the Bot API
delivers it all the same) and whose COMMIT had not: one of the requests it had out at the
kill (at most the notifier's ``in_flight``). The test checks that each duplicate is such a
message (one of the last ``in_flight`` deliveries before the kill), and reports how many
(``-s`` shows the line), with each one's stage in the killed process (recorded by
tests/support/kill_stages.py), the median window from the Bot API's delivery to the
COMMIT written, and how many requests the killed process had out and unmarked that the Bot
API delivered (the duplicates) or never got (what skipping "possibly sent" claims on
takeover would lose).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import statistics
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.local_api import LocalBotApi
from core.db.models import Enrolment, Family, HybridPattern, Parent, School, Student
from core.db.records import SentReminder
from scheduler.notifier import POOL_SIZE
from tests.support import kill_stages
from tests.support.factories import build_two_schools
from tests.support.reminders import until

KILLS = 20
EXTRA_FAMILIES = 6  # with Smith and Brown: 8 chats a round
LEASE_SECONDS = 1.0
ROOT = Path(__file__).resolve().parents[2]
RULES = {
    "not_booked": {"every_hours": 1, "max_times": 100, "window_start": "00:00",
                   "window_end": "23:59"},
    "session": {"enabled": False},
}  # fmt: skip


@pytest.fixture
async def piano(sessions) -> int:  # type: ignore[no-untyped-def]
    """School alpha's piano only (every other lesson closed), 8 families linked in chat."""
    alpha, beta = await build_two_schools(sessions)
    async with sessions() as session, session.begin():
        await session.execute(update(School).values(reminders=RULES))
        await session.execute(
            update(HybridPattern)
            .where(HybridPattern.lesson_id != alpha.piano)
            .values(bookings_open=False)
        )
        for n in range(EXTRA_FAMILIES):
            family = Family(school_id=alpha.school, key=f"k{n}", name=f"Kill family {n}")
            session.add(family)
            await session.flush()
            session.add(
                Parent(school_id=alpha.school, family_id=family.id, key=f"kp{n}",
                       name=f"Parent {n}", telegram_id=5000 + n)
            )  # fmt: skip
            student = Student(school_id=alpha.school, family_id=family.id, key=f"ks{n}",
                              name=f"Kid {n}")  # fmt: skip
            session.add(student)
            await session.flush()
            session.add(
                Enrolment(lesson_id=alpha.piano, student_id=student.id, school_id=alpha.school)
            )
    return alpha.piano


class Sweepers:
    """A parent process that forks sweeper processes on demand (imports done once)."""

    def __init__(self, proc: asyncio.subprocess.Process, rounds: Path) -> None:
        self.proc = proc
        self.rounds = rounds
        self.count = 0

    @classmethod
    async def start(cls, db_url: str, api: LocalBotApi, rounds: Path) -> Sweepers:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.sweeper", db_url, api.base_url, str(rounds),
            str(LEASE_SECONDS), cwd=ROOT, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=120)
        assert line.strip() == b"ready", line
        return cls(proc, rounds)

    async def spawn(self) -> Sweeper:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.count += 1
        go = self.rounds.parent / f"go-{self.count}"
        self.proc.stdin.write(f"spawn {go}\n".encode())
        await self.proc.stdin.drain()
        pid = int(await asyncio.wait_for(self.proc.stdout.readline(), timeout=30))
        return Sweeper(pid, go)

    async def kill(self, sweeper: Sweeper, delay: float) -> int:
        """SIGKILL ``sweeper`` ``delay`` seconds from now, sent by the parent process; the
        moment it was sent (wall-clock ns)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"kill {sweeper.pid} {delay:.4f}\n".encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=30)
        word, _, at = line.strip().partition(b" ")
        assert word == b"killed", line
        sweeper.killed = True
        return int(at)

    async def close(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()


class Sweeper:
    """One sweeper process, forked and waiting for its turn."""

    def __init__(self, pid: int, go: Path) -> None:
        self.pid = pid
        self.go = go
        self.killed = False

    def stages(self) -> dict[int, kill_stages.Send]:
        """Where each chat's last send of this process stood (tests/support/kill_stages.py)."""
        return kill_stages.read(self.go.parent / f"stages-{self.pid}")

    def go_on(self) -> None:
        self.go.touch()

    def kill(self) -> None:
        if not self.killed:
            os.kill(self.pid, signal.SIGKILL)
            self.killed = True


async def settled_rounds(sessions, round_no: int) -> int:  # type: ignore[no-untyped-def]
    """How many of this round's reminders are marked SENT."""
    async with sessions() as session:
        rows = await session.execute(select(SentReminder.dedupe_key, SentReminder.status))
    return sum(1 for key, status in rows if key.split(":")[4] == str(round_no) and status == "SENT")


async def test_kill_9_mid_sweep_loses_nothing(api, sessions, db_url, piano, tmp_path) -> None:
    chats = 2 + EXTRA_FAMILIES
    rounds = tmp_path / "round"
    rounds.write_text("1")
    rng = random.Random(10)
    sweepers = await Sweepers.start(db_url, api, rounds)
    current = await sweepers.spawn()
    standby = await sweepers.spawn()  # started and connecting while the other one sweeps
    kills = mid_round = 0
    per_round: list[int] = []  # duplicates of each round (each round had one kill)
    in_hand: list[bool] = []  # each duplicate: one of the last sends before its kill?
    stages: list[str] = []  # each duplicate: its send's stage in the killed process
    # sends the killed process had begun requesting, not marked: (delivered, never delivered)
    possibly_sent = [0, 0]
    try:
        current.go_on()
        for round_no in range(1, KILLS + 1):
            rounds.write_text(str(round_no))
            before = api.metrics()["delivered_total"]
            start = api.seq

            async def started(before: int = before) -> bool:
                return api.metrics()["delivered_total"] > before

            await until(started, timeout=30.0)
            killed_at = await sweepers.kill(current, rng.uniform(0.0, 0.4))  # mid-sweep
            at_kill = api.seq  # nothing is sent until the next process is told to go on
            dead = current
            mid_round += await settled_rounds(sessions, round_no) < chats
            kills += 1
            current, standby = standby, await sweepers.spawn()
            current.go_on()  # takes over the dead process's claims once their lease ends

            async def done(round_no: int = round_no) -> bool:
                return await settled_rounds(sessions, round_no) == chats

            await until(done, timeout=30.0)
            total = api.metrics()["delivered_total"]
            per_round.append(total - before - chats)
            sent_before = sends(api, start, at_kill)
            this_round = sends(api, start, api.seq)
            for chat, send in dead.stages().items():
                if send.times[2] >= killed_at - 500_000_000 and 2 <= send.stage < 6:
                    possibly_sent[this_round.count(chat) < 2] += 1
            for chat in sends(api, at_kill, api.seq):
                if chat in sent_before:
                    in_hand.append(chat in sent_before[-POOL_SIZE:])
                    stages.append(
                        describe(dead.stages().get(chat), killed_at, delivered_at(api, start, chat))
                    )
    finally:
        current.kill()
        standby.kill()
        await sweepers.close()
    delivered = api.metrics()["delivered"]
    print("\n" + timings(tmp_path, api))
    duplicates = sum(n - KILLS for n in delivered.values() if n > KILLS)
    lost = sum(KILLS - n for n in delivered.values() if n < KILLS) + (chats - len(delivered))
    print(f"\nkill -9: {kills} kills ({mid_round} before the round was marked), "
          f"{chats} chats x {KILLS} rounds: {lost} lost, {duplicates} duplicates "
          f"(per kill: {per_round}); stages at the kill: {stages}; requested, not marked at "
          f"the kill: {possibly_sent[0]} delivered twice, {possibly_sent[1]} delivered only "
          f"by the next process (lost if it had not sent them)")  # fmt: skip
    assert kills == KILLS and mid_round >= KILLS // 2  # most kills landed mid-sweep
    assert lost == 0
    assert sum(per_round) == duplicates == len(in_hand)
    # a duplicate is a message the killed process had out when it died: one of its last
    # requests (at most the notifier's in_flight at once), never an older one resent
    assert all(in_hand), in_hand
    assert all(0 <= n <= POOL_SIZE for n in per_round), per_round
    # measured 1-5 at load 8-15 (docs/benchmarks.md, "Reminder faults"), nearly all requests
    # whose answer the killed process had not read yet: the round trip, not our mark. Fewer
    # than one per kill:
    assert duplicates < KILLS, per_round


def describe(send: kill_stages.Send | None, killed_at: int, delivered_at: float) -> str:
    """A duplicate's stage at the kill; ms from its request, and from the Bot API's delivery
    (its server's event), to the kill; the steps it had done, ms after its request."""
    if send is None or not send.times[2]:
        return "?"
    out = (killed_at - send.times[2]) / 1e6
    after = killed_at / 1e6 - delivered_at * 1e3
    steps = " ".join(
        f"{kill_stages.STAGES[i]}+{t:.2f}" for i in range(3, 8) if (t := send.took(2, i))
    )
    return f"{send.name}: kill {out:.1f} ms after the request, {after:.1f} after delivery; {steps}"


def timings(folder: Path, api: LocalBotApi) -> str:
    """Medians (ms) of the steps of the sends each process marked (its last one per chat),
    and of the window: from the Bot API's delivery (its event) to the mark's COMMIT written."""
    marked = [
        send
        for path in folder.glob("stages-*")
        for send in kill_stages.read(path).values()
        if send.stage == 7
    ]
    delivered: dict[int, list[int]] = {}
    for event in api.history():
        if event.actor == "bot" and event.kind == "send":
            delivered.setdefault(int(event.chat_id), []).append(int(event.at * 1e9))
    windows = []
    for send in marked:
        request, commit = send.times[2], send.times[6]
        at = [t for t in delivered.get(send.chat, []) if request <= t <= commit]
        if at:
            windows.append((commit - at[0]) / 1e6)
    steps = [f"delivery->written {statistics.median(windows):.3f} (max {max(windows):.3f})"]
    for start, end in ((2, 6), (2, 4), (5, 6), (6, 7)):
        took = sorted(t for send in marked if (t := send.took(start, end)) is not None)
        if took:
            steps.append(f"{kill_stages.STAGES[start]}->{kill_stages.STAGES[end]} "
                         f"{statistics.median(took):.3f} (max {took[-1]:.3f})")  # fmt: skip
    return f"{len(marked)} marked sends, ms median: " + ", ".join(steps)


def delivered_at(api: LocalBotApi, after: int, chat: int) -> float:
    """When the Bot API delivered the first message to ``chat`` after event ``after``."""
    return next(
        e.at for e in api.history(after=after) if e.kind == "send" and int(e.chat_id) == chat
    )


def sends(api: LocalBotApi, after: int, upto: int) -> list[int]:
    """The chats the bot sent a message to, in order, between two event numbers."""
    return [
        int(event.chat_id)
        for event in api.history(after=after)
        if event.seq <= upto and event.actor == "bot" and event.kind == "send"
    ]
