"""A reminder's mark sent the moment the Bot API's answer says it was delivered.

Telegram has no idempotency key: a message the Bot API delivered whose mark never reached
the database (the process killed in between) is sent again by whoever takes the claim
over. So the mark (the staged ``COMMIT`` of :class:`core.reminders.sending.StagedSend`) goes
out from inside the HTTP client, the moment the answer's status line and headers are
parsed (an httpx ``response`` hook, :func:`on_answer`): in the same turn of the event loop
that read them, before the body is read, the connection handed back to httpx's pool, the
JSON parsed into a ``Message`` (each of those lets other tasks of the loop run first, and
costs CPU a process waiting for the CPU does not have). A 2xx answer from the Bot API is a
delivered message (an error is 4xx/5xx), whatever its body then holds.

The notifier brackets each request with :class:`Answer` (set in a context variable for the
task sending it); a ``Bot`` whose request has no hook (tests building their own) marks when
``send_message`` returns, as before.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

logger = logging.getLogger(__name__)

Mark = Callable[[], Awaitable[None]]

_answer: contextvars.ContextVar[Answer | None] = contextvars.ContextVar(
    "reminder_answer", default=None
)


class Answer:
    """The mark of one request, sent at most once: by the hook or after the request."""

    __slots__ = ("_error", "_mark", "_token", "marked")

    def __init__(self, mark: Mark) -> None:
        self._mark = mark
        self._error: Exception | None = None
        self._token: contextvars.Token[Answer | None] | None = None
        self.marked = False  # the mark was sent (the message counts as delivered)

    def __enter__(self) -> Answer:
        self._token = _answer.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _answer.reset(self._token)
            self._token = None

    async def mark(self) -> None:
        """Send the mark (once); a failure of the hook's mark is raised here, to the sender."""
        if self.marked:
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            return
        self.marked = True
        await self._mark()

    async def from_hook(self) -> None:
        """The hook's mark: a failure is kept for the sender, never raised into httpx (it
        would become a network error, and the delivered message be retried)."""
        try:
            await self.mark()
        except Exception as exc:
            self._error = exc


async def on_answer(response: httpx.Response) -> None:
    """httpx ``response`` hook: a 2xx answer to a reminder's request marks it at once."""
    answer = _answer.get()
    if answer is not None and not answer.marked and response.is_success:
        await answer.from_hook()


def answer_hooks() -> dict[str, Any]:
    """The httpx client arguments that install :func:`on_answer`."""
    return {"event_hooks": {"response": [on_answer]}}
