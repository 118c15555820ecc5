"""Webhook delivery for :class:`bot.local_api.LocalBotApi`, as Telegram does it.

With a webhook set (``setWebhook url=... secret_token=...``), every new update is POSTed
to the URL as JSON with the ``X-Telegram-Bot-Api-Secret-Token`` header, up to
``max_connections`` (default 40) at a time. An update counts as delivered when the answer
is 2xx; otherwise (refused, 5xx, a 409 "another process is handling it", a timeout) it is
sent again after a pause that doubles from ``retry_pause`` up to ``max_pause``, until it is
acknowledged or ``give_up_after`` seconds have passed. Only loopback URLs are called.
The ids of acknowledged updates are kept in ``acknowledged``, and why a POST failed (its
status, or the error) is counted in ``failures`` (for tests and benchmarks).
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections import Counter
from urllib.parse import urlparse

import aiohttp

from bot.local_api.state import JSONDict

__all__ = ["WebhookDelivery"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookDelivery:
    """POSTs updates to one webhook URL, retrying until acknowledged."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        max_connections: int = 40,
        retry_pause: float = 0.2,
        max_pause: float = 2.0,
        give_up_after: float = 120.0,
    ) -> None:
        if not _loopback(url):
            raise ValueError(f"the local Bot API only calls loopback webhooks, got {url!r}")
        self.url = url
        self.secret = secret
        self.retry_pause = retry_pause
        self.max_pause = max_pause
        self.give_up_after = give_up_after
        self._slots = asyncio.Semaphore(max(1, min(100, max_connections)))
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.acknowledged: list[int] = []
        self.attempts = 0
        self.retries = 0
        self.given_up: list[int] = []
        self.failures: Counter[str] = Counter()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def deliver(self, update: JSONDict) -> None:
        """Start delivering ``update`` (returns at once)."""
        task = asyncio.get_running_loop().create_task(self._deliver(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, update: JSONDict) -> bool:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self.attempts += 1
        try:
            async with self._session.post(
                self.url, json=update, headers={SECRET_HEADER: self.secret}
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                self.failures[str(response.status)] += 1
                return False
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self.failures[type(exc).__name__] += 1
            return False

    async def _deliver(self, update: JSONDict) -> None:
        deadline = time.monotonic() + self.give_up_after
        pause = self.retry_pause
        while True:
            async with self._slots:
                if await self._post(update):
                    self.acknowledged.append(int(update["update_id"]))
                    return
            if time.monotonic() > deadline:
                self.given_up.append(int(update["update_id"]))
                return
            self.retries += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, self.max_pause)

    async def close(self) -> None:
        """Stop delivering (pending updates are dropped) and close the connections."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
