"""The pacer's turns, on a real event loop with short limits: a chat inside its per-chat
second holds up only its own messages, each chat keeps its order, the overall rate and
window hold, and a send stopped while it waits drops out without taking anyone's turn."""

from __future__ import annotations

import asyncio
import time

import pytest

from scheduler.pacer import Pacer

PER_CHAT = 0.2  # seconds between two turns of one chat
PER_SECOND = 100.0  # 10 ms between two turns overall


async def turns(pacer: Pacer, chats: list[int]) -> list[tuple[int, int, float]]:
    """Ask for a turn for each entry of ``chats`` at once, in that order; (chat, index, when)."""
    got: list[tuple[int, int, float]] = []

    async def one(chat: int, index: int) -> None:
        await pacer.wait_turn(chat)
        got.append((chat, index, time.monotonic()))

    await asyncio.gather(*(one(chat, i) for i, chat in enumerate(chats)))
    return got


async def test_a_busy_chat_does_not_hold_up_the_others() -> None:
    pacer = Pacer(PER_SECOND, PER_CHAT)
    # eight messages to one chat first (1.4 s of its own limit), then twenty other chats
    got = await turns(pacer, [1] * 8 + list(range(100, 120)))
    when = {(chat, index): at for chat, index, at in got}
    busy = sorted(at for (chat, _), at in when.items() if chat == 1)
    others = [at for (chat, _), at in when.items() if chat != 1]
    assert len(got) == 28  # everyone had a turn
    # the twenty others had theirs before the busy chat's second message (0.2 s later)
    assert max(others) < busy[1]
    assert max(others) - busy[0] == pytest.approx(20 / PER_SECOND, abs=0.08)
    assert busy[-1] - busy[0] >= 7 * PER_CHAT * 0.98


async def test_each_chat_keeps_its_order_and_its_second() -> None:
    pacer = Pacer(PER_SECOND, PER_CHAT)
    chats = [1, 2, 1, 3, 2, 1, 3, 1, 2]
    got = await turns(pacer, chats)
    for chat in (1, 2, 3):
        mine = [(index, at) for c, index, at in got if c == chat]
        assert [index for index, _ in mine] == [i for i, c in enumerate(chats) if c == chat]
        gaps = [b - a for (_, a), (_, b) in zip(mine, mine[1:], strict=False)]
        assert all(gap >= PER_CHAT * 0.98 for gap in gaps), gaps


async def test_the_overall_rate_and_window_hold() -> None:
    pacer = Pacer(25.0, PER_CHAT)  # 40 ms apart
    got = await turns(pacer, list(range(1, 41)))
    times = sorted(at for _, _, at in got)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # evenly spaced: a turn given late may be followed by one up to its lateness early,
    # never by a bunch
    assert min(gaps) >= 0.04 * 0.5, gaps
    assert times[-1] - times[0] == pytest.approx(39 / 25.0, rel=0.1)
    window = Pacer(100.0, PER_CHAT)  # 100/s asked, but never more than 29 in a second
    got = await turns(window, list(range(1, 41)))
    times = sorted(at for _, _, at in got)
    assert max(sum(1 for t in times if s <= t < s + 0.999) for s in times) <= 29


async def test_a_flood_wait_holds_every_turn_and_keeps_the_order() -> None:
    pacer = Pacer(PER_SECOND, PER_CHAT)
    pacer.pause(0.3)
    started = time.monotonic()
    got = await turns(pacer, [1, 2, 1])
    assert min(at for _, _, at in got) - started >= 0.3 * 0.98
    assert [index for chat, index, _ in got if chat == 1] == [0, 2]


async def test_a_send_stopped_while_it_waits_drops_out_and_nothing_else_is_lost() -> None:
    pacer = Pacer(PER_SECOND, PER_CHAT)
    granted: list[str] = []

    async def send(name: str, chat: int) -> None:
        await pacer.wait_turn(chat)
        granted.append(name)

    first = asyncio.create_task(send("a1", 1))
    stopped = asyncio.create_task(send("a2", 1))  # waits for chat 1's second
    last = asyncio.create_task(send("a3", 1))
    others = [asyncio.create_task(send(f"b{i}", 10 + i)) for i in range(5)]
    await asyncio.gather(first, *others)
    stopped.cancel()  # the process stopping: this one never had its turn
    await asyncio.gather(stopped, return_exceptions=True)
    await last
    assert stopped.cancelled()
    assert sorted(granted) == ["a1", "a3", "b0", "b1", "b2", "b3", "b4"]
    assert pacer.waiting == 0
    # the stopped one took no turn: a3 came a second of chat 1 after a1, not two
    assert granted.index("a3") == len(granted) - 1
    # every chat left is remembered: chat 1's next turn is still a second after a3's
    again = time.monotonic()
    await pacer.wait_turn(1)
    assert time.monotonic() - again >= PER_CHAT * 0.5


async def test_a_request_that_leaves_late_moves_its_chats_next_turn() -> None:
    pacer = Pacer(PER_SECOND, PER_CHAT)
    await pacer.wait_turn(1)
    await asyncio.sleep(0.1)  # a busy event loop: the request leaves 0.1 s after its turn
    left = time.monotonic()
    pacer.sending(1)
    await pacer.wait_turn(1)  # counted from when it left, not from the turn
    assert time.monotonic() - left >= PER_CHAT * 0.98
    waiting = asyncio.create_task(pacer.wait_turn(1))  # the same while one waits
    await asyncio.sleep(0.05)
    left = time.monotonic()
    pacer.sending(1)
    await waiting
    assert time.monotonic() - left >= PER_CHAT * 0.98


async def test_requests_leave_at_most_the_window_in_any_second() -> None:
    pacer = Pacer(PER_SECOND, 0.0)
    left: list[float] = []

    async def one(chat: int) -> None:  # turns long given, all leaving at once (a late loop)
        await pacer.leave(chat)
        left.append(time.monotonic())

    await asyncio.gather(*(one(chat) for chat in range(40)))
    assert len(left) == 40
    assert max(sum(1 for t in left if s <= t < s + 0.999) for s in left) <= 29
