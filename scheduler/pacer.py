"""The pacer: when each of the bot's messages may go (Telegram's limits, kept ahead of time).

At most ``per_second`` messages overall (28.8 in the notifier, under Telegram's ~30/s),
spaced evenly rather than in bursts, and one message per chat every ``per_chat_seconds``
(1.05 s). Sends wait in a queue per chat, in their order; the chats with a send waiting
wait in a heap by the moment their own limit lets them have the next one. Each overall
turn goes to the chat ready longest, so a chat inside its second holds up only its own
messages (before, each send reserved its moment on both timelines when it asked, so one to
a busy chat, e.g. an admin's digests one after another, moved the overall timeline on and
every other chat waited behind it). A task that wakes late must not bunch up with the next
one: a sliding window (at most 29 turns in any second) keeps late turns apart. A flood wait
(``pause``) holds every turn until it ends; what waits keeps its place.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    """The turns of the bot's sends: evenly spaced overall, one per chat per ``per_chat``.

    Waiting sends queue per chat (first come, first served within a chat), and each chat
    with something waiting sits in a heap by the moment its own limit next lets it have a
    message. One pump (a task that runs only while something waits) gives the next overall
    turn to the chat that has been ready longest, so a chat still inside its per-chat
    second holds up only its own messages: the others' pass it (no head-of-line blocking).
    Nothing waiting is dropped; a send stopped while it waits leaves its chat's queue.
    """

    def __init__(
        self,
        per_second: float,
        per_chat_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        window_seconds: float = 1.0,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat = per_chat_seconds
        # a turn given late must not bunch up with the next one: at most this many turns
        # in any sliding second, one under Telegram's 30, so a little jitter between our
        # start and their count is absorbed
        self.window_limit = max(1, min(round(per_second * window_seconds), 29))
        self.window_seconds = window_seconds
        self._started: deque[float] = deque()  # the turns given
        self._left: deque[float] = deque()  # the requests that left
        self._monotonic = monotonic
        self._next = 0.0  # the earliest moment of the next turn overall
        self._paused_until = 0.0
        self._next_per_chat: dict[int, float] = {}  # chats with nothing waiting: their next
        self._later: dict[int, float] = {}  # chats waiting whose last request left late
        self._waiting: dict[int, deque[asyncio.Future[None]]] = {}
        self._ready: list[tuple[float, int, int]] = []  # (chat ready at, order, chat)
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Future[None] | None = None

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @property
    def paused(self) -> bool:
        return self._monotonic() < self._paused_until

    @property
    def waiting(self) -> int:
        """Sends waiting for their turn."""
        return sum(1 for queue in self._waiting.values() for f in queue if not f.done())

    async def leave(self, chat_id: int) -> None:
        """A request to this chat (which has had its turn) leaves now: at most
        ``window_limit`` leave in any sliding second, and the chat's next turn is
        ``per_chat`` from now. A turn is given a moment before its request leaves (the claim
        is staged in between); on a busy event loop that moment varies, and requests whose
        turns were evenly spaced could reach Telegram bunched up, or one chat's two less
        than a second apart."""
        for _ in range(self.window_limit + 1):  # the window frees one departure per wait
            wait = _window_wait(
                self._left, self._monotonic(), self.window_limit, self.window_seconds
            )
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        self._left.append(self._monotonic())
        self.sending(chat_id)

    def sending(self, chat_id: int) -> None:
        """A request to this chat leaves now: its next turn is ``per_chat`` from now."""
        at = self._monotonic() + self.per_chat
        if chat_id in self._waiting:
            self._later[chat_id] = max(self._later.get(chat_id, 0.0), at)
        else:
            self._next_per_chat[chat_id] = max(self._next_per_chat.get(chat_id, 0.0), at)

    async def wait_turn(self, chat_id: int) -> None:
        """Wait until this chat may have its next message (in this chat's order)."""
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        queue = self._waiting.get(chat_id)
        if queue is not None:
            queue.append(turn)  # behind this chat's earlier sends
        else:
            self._waiting[chat_id] = deque([turn])
            ready = max(self._monotonic(), self._next_per_chat.pop(chat_id, 0.0))
            heapq.heappush(self._ready, (ready, next(self._order), chat_id))
            if self._wakeup is not None:  # it may be ready before what the pump waits for
                _wake(self._wakeup)
        if self._pump is None:
            self._pump = loop.create_task(self._run())
        await turn  # stopped here, the future is cancelled and the pump passes it over

    async def _run(self) -> None:
        try:
            while self._ready:
                ready_at, _, chat = self._ready[0]
                later = self._later.pop(chat, 0.0)
                if later > ready_at:  # its last request left late: later, then
                    heapq.heapreplace(self._ready, (later, next(self._order), chat))
                    continue
                queue = self._waiting[chat]
                while queue and queue[0].done():  # stopped while waiting
                    queue.popleft()
                if not queue:  # nobody left: its per-chat moment stands for the next one
                    heapq.heappop(self._ready)
                    del self._waiting[chat]
                    self._remember(chat, ready_at, self._monotonic())
                    continue
                now = self._monotonic()
                at = max(ready_at, self._next, self._paused_until)
                if at > now:
                    await self._sleep(at - now)
                    continue
                wait = _window_wait(self._started, now, self.window_limit, self.window_seconds)
                if wait > 0:
                    await self._sleep(wait)
                    continue
                heapq.heappop(self._ready)
                queue.popleft().set_result(None)
                self._started.append(now)
                # a pump that woke late may catch up by one interval, no more (the window)
                self._next = max(at, now - self.interval) + self.interval
                if queue:
                    heapq.heappush(self._ready, (now + self.per_chat, next(self._order), chat))
                else:
                    del self._waiting[chat]
                    self._remember(chat, now + self.per_chat, now)
        finally:
            self._pump = None

    def _remember(self, chat: int, at: float, now: float) -> None:
        self._next_per_chat[chat] = at
        if len(self._next_per_chat) > 4096:  # forget chats whose turn has long passed
            self._next_per_chat = {c: t for c, t in self._next_per_chat.items() if t > now}

    async def _sleep(self, seconds: float) -> None:
        """Sleep, woken early when a chat starts waiting."""
        loop = asyncio.get_running_loop()
        wakeup: asyncio.Future[None] = loop.create_future()
        self._wakeup = wakeup
        timer = loop.call_later(seconds, _wake, wakeup)
        try:
            await wakeup
        finally:
            timer.cancel()
            self._wakeup = None


def _window_wait(moments: deque[float], now: float, limit: int, seconds: float) -> float:
    """How long until fewer than ``limit`` of ``moments`` lie in the last ``seconds``."""
    while moments and moments[0] <= now - seconds:
        moments.popleft()
    if len(moments) < limit:
        return 0.0
    return moments[0] + seconds - now


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
