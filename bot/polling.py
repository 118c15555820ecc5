"""Long polling that backs off while the Bot API cannot be reached, and says so once.

PTB's polling loop retries a ``TimedOut`` at once, and the aiohttp transport turns a refused
connection into ``TimedOut``: with the Bot API down that was a silent busy loop (thousands
of connects a second). :class:`BackoffRequest` wraps the ``getUpdates`` request: after a
failure to reach the server, each next attempt first waits (exponential from
``first_delay``, capped at ``max_delay``). One warning when polling starts failing, one
line when it is back.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

FIRST_DELAY = 0.5
MAX_DELAY = 30.0


class BackoffRequest(BaseRequest):
    """A request that waits before trying again after the server could not be reached."""

    def __init__(
        self, inner: BaseRequest, *, first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY
    ) -> None:
        self.inner = inner
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.failures = 0  # consecutive failures to reach the server
        self.attempts = 0  # requests tried (for tests and benchmarks)

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    def delay(self) -> float:
        """The wait before the next attempt (0 while all is well)."""
        if self.failures == 0:
            return 0.0
        return min(self.max_delay, self.first_delay * 2.0 ** (self.failures - 1))

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        wait = self.delay()
        if wait:
            await asyncio.sleep(wait)
        self.attempts += 1
        try:
            result = await self.inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except NetworkError as exc:  # refused, reset, timed out: the server is not there
            self.failures += 1
            if self.failures == 1:
                logger.warning(
                    "Bot API unreachable (%s); polling retries with backoff up to %.0fs",
                    exc,
                    self.max_delay,
                )
            raise
        if self.failures:
            logger.warning("Bot API reachable again after %s failed attempts", self.failures)
            self.failures = 0
        return result
