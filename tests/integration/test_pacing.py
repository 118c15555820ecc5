"""The notifier's pacing against the local Bot API enforcing Telegram's limits (30/s
overall, 1/s per chat): one chat with several messages waiting does not hold up the
others', its own go in order a second apart, and no 429 comes back; the sweeps' workers
take the chats' turns interleaved, so they are not all parked on the busy chat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from telegram import Bot

from bot.local_api import FloodLimits, LocalBotApi
from core.reminders.notices import AgendaNotice, Reminder
from core.reminders.service import SENT
from scheduler.notifier import Notifier
from scheduler.sweeps import by_turns

TOKEN = "123456:TEST-TOKEN"
BUSY = 5_000  # the admin: several digests in a row
OTHERS = list(range(6_000, 6_040))  # forty parents, one message each


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(limits=FloodLimits(global_per_second=30, per_chat_per_second=1))
    await server.start()
    yield server
    await server.stop()


async def test_a_busy_chat_does_not_hold_up_the_others_and_keeps_its_order(
    api: LocalBotApi,
) -> None:
    bot = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)
    notifier = Notifier(bot)  # the production pacing: 28.8/s, 1 per chat per 1.05 s
    sends = [(BUSY, f"digest {i}") for i in range(4)] + [(c, f"hello {c}") for c in OTHERS]
    async with bot:
        # all asked at once, the busy chat's first (what 16 workers on one list did)
        results = await asyncio.gather(*(notifier.send(chat, text) for chat, text in sends))
    assert [r.status for r in results] == [SENT] * len(sends)
    assert api.metrics()["responses_429"] == 0
    sent = [e for e in api.history() if e.kind == "send"]
    assert len(sent) == len(sends)
    busy = [e for e in sent if e.chat_id == BUSY]
    assert [e.data["message"]["text"] for e in busy] == [f"digest {i}" for i in range(4)]
    assert all(b.at - a.at >= 1.0 for a, b in zip(busy, busy[1:], strict=False))
    # the forty others all went before the busy chat's second message, at the overall pace
    others = [e.at for e in sent if e.chat_id != BUSY]
    assert max(others) < busy[1].at
    assert max(others) - sent[0].at < 40 / 28.8 + 0.5


def agenda(chat: int, n: int) -> Reminder:
    notice = AgendaNotice("Teacher", date(2027, 2, 22), "Australia/Sydney", ())
    return Reminder(f"k:{chat}:{n}", "agenda", 1, None, chat, notice)


def test_the_workers_take_the_chats_turns_interleaved_each_chat_in_its_order() -> None:
    due = [agenda(1, n) for n in range(3)] + [agenda(2, 0), agenda(3, 0), agenda(2, 1)]
    assert [r.key for r in by_turns(due)] == [
        "k:1:0", "k:2:0", "k:3:0", "k:1:1", "k:2:1", "k:1:2",
    ]  # fmt: skip
    assert list(by_turns([])) == []
