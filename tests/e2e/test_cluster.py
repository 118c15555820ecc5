"""Three `musicbot run` processes behind HAProxy (deploy/haproxy.cfg), the local Bot API
server delivering webhooks through it, under a stream of parents' updates (issue 10).

* A rolling restart (SIGTERM to each process in turn, each exits 0 and is started again)
  loses no update and handles none twice: every parent gets exactly one answer.
* SIGKILL of one process under traffic loses no acknowledged update: every update is
  acknowledged in the end and answered; the only duplicates possible are updates the
  killed process had acted on and not yet marked (counted, bounded by what it had in hand).

Each parent is a chat of its own sending one `/help`, so "one answer per chat" is "each
update handled once".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.local_api import LocalBotApi
from tests.support.cluster import Cluster

TOKEN = "424242:CLUSTER-TEST-TOKEN"
SECRET = "clusterSecret-0123456789"
FIRST_CHAT = 880_000
RATE = 12.0  # updates per second in the stream
SETTLE = 90.0  # s: after the stream, until every update is acknowledged and answered
BURST = 30  # parents at once right before a signal
IN_HAND = 32  # updates one process handles at once (bot.app: concurrent_updates)


@pytest.fixture
async def cluster(db_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    api = LocalBotApi(bot_username="cluster_bot")
    api.register_bot(TOKEN)
    await api.start()
    nodes = Cluster(api, db_url, tmp_path, token=TOKEN, secret=SECRET)
    try:
        await nodes.start(3)
        yield nodes
    finally:
        await nodes.stop()
        await api.stop()


class Stream:
    """Parents writing `/help`, one new chat each, at RATE per second until stopped."""

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api
        self.chats: list[int] = []
        self.update_ids: list[int] = []
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self.stop.is_set():
            chat = FIRST_CHAT + len(self.chats)
            self.chats.append(chat)
            update = await self.api.send_text(chat, "/help")
            self.update_ids.append(int(update["update_id"]))
            await asyncio.sleep(1 / RATE)

    async def burst(self, count: int) -> None:
        """``count`` parents at once (so that a process has many updates in hand)."""
        for _ in range(count):
            chat = FIRST_CHAT + len(self.chats)
            self.chats.append(chat)
            update = await self.api.send_text(chat, "/help")
            self.update_ids.append(int(update["update_id"]))

    async def end(self) -> None:
        self.stop.set()
        await self.task

    def answers(self, chat: int) -> int:
        return sum(1 for e in self.api.history(chat) if e.actor == "bot" and e.kind == "send")

    async def settled(self) -> None:
        """Until nothing is left to deliver and every chat has its answer (or SETTLE s)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE
        while loop.time() < deadline:
            if self.api.webhook_pending == 0 and all(self.answers(c) for c in self.chats):
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.0)  # a late second answer would show now


async def test_a_rolling_restart_loses_no_update_and_handles_none_twice(
    cluster: Cluster,
) -> None:
    api = cluster.api
    stream = Stream(api)
    await asyncio.sleep(2.0)
    codes = []
    for index in range(3):
        await stream.burst(BURST)  # in hand everywhere as the signal comes
        codes.append(await cluster.terminate(index))
        await cluster.start_bot(index)
        await asyncio.sleep(1.0)
    await stream.end()
    await stream.settled()
    assert api.webhook is not None
    counts = [stream.answers(chat) for chat in stream.chats]
    lost = counts.count(0)
    twice = sum(n - 1 for n in counts if n > 1)
    print(f"\nrolling restart: {len(counts)} updates, {lost} lost, {twice} handled twice, "
          f"{api.webhook.retries} resends")  # fmt: skip
    assert codes == [0, 0, 0], [cluster.log(i) for i in range(3)]
    assert len(counts) >= 100
    assert (lost, twice) == (0, 0)
    assert sorted(api.webhook.acknowledged) == sorted(stream.update_ids)
    assert api.webhook.given_up == []


async def test_sigkill_of_one_process_loses_no_acknowledged_update(cluster: Cluster) -> None:
    api = cluster.api
    stream = Stream(api)
    await asyncio.sleep(4.0)
    await stream.burst(BURST * 2)
    await asyncio.sleep(0.2)  # being handled, none acknowledged yet
    cluster.kill(1)
    await asyncio.sleep(6.0)
    await stream.end()
    await stream.settled()
    assert api.webhook is not None
    counts = [stream.answers(chat) for chat in stream.chats]
    acknowledged = set(api.webhook.acknowledged)
    lost = sum(1 for u, n in zip(stream.update_ids, counts, strict=True) if n == 0)
    lost_acknowledged = sum(
        1 for u, n in zip(stream.update_ids, counts, strict=True) if n == 0 and u in acknowledged
    )
    twice = sum(n - 1 for n in counts if n > 1)
    print(f"\nSIGKILL: {len(counts)} updates, {lost} unanswered ({lost_acknowledged} of them "
          f"acknowledged), {twice} handled twice, {api.webhook.retries} resends")  # fmt: skip
    assert len(counts) >= 100
    assert lost_acknowledged == 0
    assert lost == 0  # and the ones the dead process had in hand were resent and handled
    assert acknowledged == set(stream.update_ids)
    assert twice <= IN_HAND  # acted on by the killed process, not yet marked
