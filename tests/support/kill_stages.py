"""Where each send of a sweeper process stood when it was killed (the kill -9 test).

A sweeper process (tests/support/sweeper.py) calls :func:`install`: from then on each send
writes its stage, and the moment it reached it, into a small file mapped in memory (plain
stores, no system call, so the hooks barely move the timing they measure; the kernel keeps
what was stored when the process is killed). The test reads the killed process's file
with :func:`read` and says, for each duplicate, which stage its send was in:

1. ``staged``: the claim and its SENT mark staged (``StagedSend.before`` returned)
2. ``request``: the request about to be written (``Notifier._request`` entered)
3. ``answer``: the answer read (the HTTP layer returned its status and body; the mark may
   have gone before, from the answer's hook: scheduler/answers.py)
4. ``parsed``: ``send_message`` returned (the answer parsed into a ``Message``)
5. ``commit``: the mark's ``COMMIT`` being sent (``StagedSend.delivered`` entered)
6. ``written``: the ``COMMIT`` handed to the kernel (the socket's ``write``)
7. ``marked``: the ``COMMIT`` acknowledged

A duplicate in stage 2 was delivered before its answer was read: the answer's way back
(the server writing it, the kernel, the killed process getting a CPU and reading it).
In stages 3-5 it is our own work between the answer and the mark. A send killed in stage 6
is marked all the same (PostgreSQL reads a ``COMMIT`` its sender left in the socket).
"""

from __future__ import annotations

import asyncio.selector_events
import contextvars
import functools
import mmap
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STAGES = ("none", "staged", "request", "answer", "parsed", "commit", "written", "marked")
SLOTS = 64
RECORD = struct.Struct(
    "<qq" + "q" * len(STAGES)
)  # chat, stage, a time per stage (ns, wall clock: the server's events are on it)

_chat: contextvars.ContextVar[int] = contextvars.ContextVar("kill_stages_chat", default=0)


@dataclass(frozen=True, slots=True)
class Send:
    """One chat's last send in a process: its stage and when it reached each one."""

    chat: int
    stage: int
    times: tuple[int, ...]  # wall-clock ns per stage, 0 when not reached

    @property
    def name(self) -> str:
        return STAGES[self.stage]

    def took(self, start: int, end: int) -> float | None:
        """Milliseconds from stage ``start`` to stage ``end`` (None if either is missing)."""
        if not self.times[start] or not self.times[end]:
            return None
        return (self.times[end] - self.times[start]) / 1e6


class Stages:
    """The process's record: one slot per chat, its last send."""

    def __init__(self, path: Path) -> None:
        size = RECORD.size * SLOTS
        with path.open("w+b") as file:
            file.truncate(size)
            self._map = mmap.mmap(file.fileno(), size)
        self._slots: dict[int, int] = {}

    def mark(self, chat: int, stage: int) -> None:
        slot = self._slots.get(chat)
        if slot is None:
            slot = self._slots[chat] = len(self._slots) % SLOTS
        offset = slot * RECORD.size
        now = time.time_ns()
        if stage == 1:  # a new send of this chat: forget the last one's times
            RECORD.pack_into(self._map, offset, chat, 0, *([0] * len(STAGES)))
        struct.pack_into("<q", self._map, offset + 16 + 8 * stage, now)
        # the furthest stage reached (the mark may go before the HTTP layer returns)
        reached = max(stage, struct.unpack_from("<q", self._map, offset + 8)[0])
        struct.pack_into("<qq", self._map, offset, chat, reached)


def read(path: Path) -> dict[int, Send]:
    """A (killed) process's record, by chat."""
    data = path.read_bytes()
    sends: dict[int, Send] = {}
    for slot in range(SLOTS):
        chat, stage, *times = RECORD.unpack_from(data, slot * RECORD.size)
        if chat:
            sends[chat] = Send(chat, stage, tuple(times))
    return sends


def install(path: Path) -> Stages:
    """Hook the send path of this process (the sweeper's, after its fork) to record stages."""
    from telegram.request import HTTPXRequest

    from core.reminders.sending import StagedSend
    from scheduler.notifier import Notifier

    stages = Stages(path)

    def around(
        cls: type, name: str, enter: Callable[..., None] | None, leave: Callable[..., None] | None
    ) -> None:
        original = getattr(cls, name)

        @functools.wraps(original)
        async def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
            if enter is not None:
                enter(self, *args)
            result = await original(self, *args, **kwargs)
            if leave is not None:
                leave(self, result, *args)
            return result

        setattr(cls, name, hooked)

    def staged(send: Any, result: bool, *_: Any) -> None:
        if result:
            stages.mark(send.reminder.chat_id, 1)

    def request(_: Any, chat_id: int, *__: Any) -> None:
        _chat.set(chat_id)
        stages.mark(chat_id, 2)

    transport = asyncio.selector_events._SelectorSocketTransport
    write = transport.write

    def written(self: Any, data: Any) -> None:
        write(self, data)
        if bytes(data[:1]) == b"Q" and b"COMMIT" in bytes(data[:16]) and _chat.get():
            stages.mark(_chat.get(), 6)

    transport.write = written  # type: ignore[method-assign]
    around(StagedSend, "before", None, staged)
    around(Notifier, "_request", request, lambda _, __, chat_id, *___: stages.mark(chat_id, 4))
    around(HTTPXRequest, "do_request", None, lambda *_: stages.mark(_chat.get(), 3))
    around(
        StagedSend,
        "delivered",
        lambda send: stages.mark(send.reminder.chat_id, 5),
        lambda send, _: stages.mark(send.reminder.chat_id, 7),
    )
    return stages
