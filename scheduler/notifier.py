"""Delivering reminders within Telegram's limits: paced, retried, blocked chats recorded.

Pacing (:mod:`scheduler.pacer`): at most ``per_second`` messages overall (default 28.8,
under Telegram's ~30/s) spaced evenly rather than in bursts, and one message per chat every
``per_chat_seconds`` (default 1.05 s); sends wait per chat, in order, and a chat inside its
second holds up only its own messages.

In the bot the notifier gets a ``Bot`` of its own (``bot.reminders.notifier_for``, with
:func:`notifier_request`), without the Application's ``AIORateLimiter``: that limiter
holds every request while it waits out a 429 and then lets them all go at once, which
would undo the pacing. A ``RetryAfter`` that reaches the notifier pauses it as long as
Telegram says (the whole notifier: a flood wait is the bot's, not the chat's). The words
of a reminder come from ``render``, which bot/ gives it (the handlers' reminder texts), with
``split``, which cuts a message carrying several reminders (an admin's digest of many
lessons) into parts under Telegram's 4096 characters.

Errors: ``RetryAfter`` waits and retries (bounded); an error answer (5xx) or a request
that never reached the Bot API (refused, connect or pool timeout) retries with exponential
backoff (bounded) and then is RETRY: the next sweep sends it again. A request sent but not
answered within ``READ_TIMEOUT`` may have been delivered (Telegram has no idempotency key):
UNKNOWN, not resent. A late answer within it is simply waited for, so it is one message,
counted as sent. ``Forbidden`` (the user blocked the bot) calls ``on_blocked``; a
``BadRequest`` is FAILED for good.

``attempt`` (given by the sweeps, :class:`Attempt`) brackets each request: ``before`` runs
after the pacer's turn (the first claims the reminder, later ones check the claim, each
staging the SENT mark; False means someone else has it now, and nothing is sent), then
``delivered`` the moment the answer's status says delivered (the mark's commit, from the
HTTP client's hook: scheduler/answers.py; or when the request returns) or ``failed``
when it raised. At most ``in_flight`` attempts are open at once (one database
connection each, the HTTP pool's size: more would only wait for a connection there).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from core.reminders.digest import digest_part
from core.reminders.service import BLOCKED, FAILED, RETRY, SENT, UNKNOWN, Reminder
from scheduler.answers import Answer, answer_hooks
from scheduler.pacer import Pacer

logger = logging.getLogger(__name__)

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, callback data)
OnBlocked = Callable[[int], Awaitable[None]]
Render = Callable[[Reminder], tuple[str, Buttons]]  # a reminder's text and buttons
# a message too long for Telegram as the parts it goes in (an admin's digest of many lessons)
Split = Callable[[Reminder], list[Reminder]]


class Attempt(Protocol):
    """What brackets each request of one send (the sweeps' claim and mark)."""

    async def before(self, attempt: int) -> bool:
        """May attempt number ``attempt`` be sent? (claim or check, the mark staged)"""
        ...

    async def delivered(self) -> None:
        """The request returned: the message is delivered."""
        ...

    async def failed(self) -> None:
        """The request raised (or was stopped): the notifier decides what follows."""
        ...


SKIPPED = "SKIPPED"  # someone else holds the reminder's claim: nothing sent
READ_TIMEOUT = 30.0  # a late answer (the Bot API delivered, then answered slowly) is waited for
POOL_SIZE = 4  # a few requests may wait on late answers; more connections cost CPU per request (httpcore walks its pool)


def notifier_request(pool_size: int = POOL_SIZE) -> HTTPXRequest:
    """The notifier Bot's requests: a connection per worker, and patience for late answers."""
    return HTTPXRequest(
        connection_pool_size=pool_size,
        read_timeout=READ_TIMEOUT,
        write_timeout=10.0,
        connect_timeout=5.0,
        pool_timeout=10.0,
        httpx_kwargs=answer_hooks(),  # a reminder's mark goes as its answer's status comes
    )


def never_sent(error: TimedOut) -> bool:
    """A timeout before the request left (no connection, none free): safe to send again."""
    return isinstance(error.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


@dataclass(slots=True)
class Progress:
    """Whether a request of this send is on its way right now: a send stopped then may have
    been delivered; one stopped while it waits (its turn, a backoff) was not."""

    requesting: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    status: str  # SENT, BLOCKED, FAILED, RETRY, UNKNOWN, or SKIPPED
    detail: str | None = None
    attempts: int = 1
    flood_waits: int = 0


def retry_seconds(error: RetryAfter) -> float:
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


class Notifier:
    """Sends one message to one chat, politely; never raises for a Telegram error."""

    def __init__(
        self,
        bot: Bot,
        *,
        render: Render | None = None,
        split: Split | None = None,
        on_blocked: OnBlocked | None = None,
        per_second: float = 28.8,
        per_chat_seconds: float = 1.05,
        max_attempts: int = 4,
        max_flood_waits: int = 5,
        backoff_seconds: float = 0.5,
        in_flight: int = POOL_SIZE,
    ) -> None:
        self.bot = bot
        self._in_flight = asyncio.Semaphore(in_flight)
        self._render = render
        self._split = split
        self.on_blocked = on_blocked
        self.pacer = Pacer(per_second, per_chat_seconds)
        self.max_attempts = max_attempts
        self.max_flood_waits = max_flood_waits
        self.backoff_seconds = backoff_seconds
        self.flood_waits = 0  # RetryAfter answers seen, for benchmarks and logs

    async def close(self) -> None:
        """Release the bot's HTTP connections."""
        try:
            await self.bot.shutdown()
        except Exception:  # closing is best effort
            logger.debug("notifier bot shutdown failed", exc_info=True)

    def render(self, reminder: Reminder) -> tuple[str, Buttons]:
        """A reminder's words, from the renderer bot/ gave this notifier."""
        if self._render is None:
            raise RuntimeError("this notifier was built without a renderer (render=...)")
        return self._render(reminder)

    def split(self, reminder: Reminder) -> list[Reminder]:
        """The messages a reminder goes in: itself, unless it carries several reminders
        (``Reminder.covers``): then the parts the splitter bot/ gave this notifier cuts it
        in, each under Telegram's limit with its own keys; without a splitter, one message
        per reminder (never one cut short by the renderer)."""
        if not reminder.covers:
            return [reminder]
        if self._split is None:
            return [digest_part(reminder, i, i + 1) for i in range(len(reminder.keys))]
        return self._split(reminder)

    async def send(
        self,
        chat_id: int,
        text: str,
        buttons: Buttons | None = None,
        *,
        attempt: Attempt | None = None,
        progress: Progress | None = None,
    ) -> Delivery:
        markup = keyboard(buttons)
        attempts = floods = 0
        while True:
            await self.pacer.wait_turn(chat_id)
            try:
                async with self._in_flight:
                    if attempt is not None and not await attempt.before(attempts + 1):
                        return Delivery(SKIPPED, None, attempts, floods)
                    attempts += 1
                    await self._attempt(chat_id, text, markup, progress or Progress(), attempt)
                return Delivery(SENT, None, attempts, floods)
            except RetryAfter as exc:
                floods += 1
                self.flood_waits += 1
                wait = retry_seconds(exc)
                logger.info("chat %s: flood control, waiting %.1fs", chat_id, wait)
                if floods > self.max_flood_waits:
                    return Delivery(RETRY, f"flood control: {exc}", attempts, floods)
                self.pacer.pause(wait)
                attempts -= 1  # a flood wait is not a failed attempt
            except Forbidden as exc:
                logger.info("chat %s: unreachable (%s)", chat_id, exc)
                await self._blocked(chat_id)
                return Delivery(BLOCKED, str(exc), attempts, floods)
            except BadRequest as exc:  # a NetworkError subclass, but retrying will not help
                logger.warning("chat %s: message refused: %s", chat_id, exc)
                return Delivery(FAILED, str(exc), attempts, floods)
            except TimedOut as exc:
                if not never_sent(exc):  # sent, no answer in time: it may have been delivered
                    logger.warning("chat %s: no answer, perhaps delivered: %s", chat_id, exc)
                    return Delivery(UNKNOWN, f"no answer in time: {exc}", attempts, floods)
                if attempts >= self.max_attempts:
                    return Delivery(RETRY, str(exc), attempts, floods)
                await asyncio.sleep(self._backoff(attempts))
            except NetworkError as exc:  # an error answer (5xx) or no connection: not sent
                if attempts >= self.max_attempts:
                    logger.warning(
                        "chat %s: %s attempts failed, the next sweep retries: %s",
                        chat_id,
                        attempts,
                        exc,
                    )
                    return Delivery(RETRY, str(exc), attempts, floods)
                await asyncio.sleep(self._backoff(attempts))
            except TelegramError as exc:
                logger.warning("chat %s: message failed: %s", chat_id, exc)
                return Delivery(FAILED, str(exc), attempts, floods)

    async def _attempt(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        progress: Progress,
        attempt: Attempt | None,
    ) -> None:
        """One request, its outcome told to ``attempt`` first: the mark goes the moment the
        answer's status says delivered (scheduler/answers.py), or when the request returns."""
        if attempt is None:
            await self._request(chat_id, text, markup, progress)
            return
        answer = Answer(attempt.delivered)
        try:
            with answer:
                await self._request(chat_id, text, markup, progress)
        except Exception:
            if not answer.marked:
                await asyncio.shield(attempt.failed())  # the claim is kept for its outcome
                raise
            # a 2xx answer marked it: delivered, whatever went wrong reading the rest
            logger.info("chat %s: delivered, its answer's body was lost", chat_id, exc_info=True)
        except BaseException:  # stopped: the claim is kept for its outcome (unless marked)
            if not answer.marked:
                await asyncio.shield(attempt.failed())
            raise
        await answer.mark()  # the hook's (a failure of it is raised here), or now

    async def _request(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None, progress: Progress
    ) -> None:
        await self.pacer.leave(chat_id)  # not bunched up with others at the wire
        progress.requesting = True
        try:
            await self.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except Exception:
            progress.requesting = False  # answered (with an error) or never sent
            raise
        # stopped (CancelledError) mid-request, it stays True: the message may be out
        progress.requesting = False

    def _backoff(self, attempts: int) -> float:
        return min(30.0, self.backoff_seconds * 2.0 ** (attempts - 1))

    async def _blocked(self, chat_id: int) -> None:
        if self.on_blocked is None:
            return
        try:
            await self.on_blocked(chat_id)
        except Exception:  # recording is best effort; the outcome is logged either way
            logger.exception("chat %s: could not record that the bot is blocked", chat_id)
